/** planRemediation and healthChecksFor: checks and machines in, machines to remediate out. */
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../../src/api/machine.js';
import type { HealthCheck } from '../../../src/controller/health.js';
import { healthChecksFor, planRemediation } from '../../../src/controller/planners/remediation.js';
import { type MachineOptions, machine, T0 } from './machines.js';

const NOW = T0 + 3_600_000;
const sick: MachineOptions = { nodeConditions: [{ type: 'Ready', status: 'False', since: 0 }] };

const check = (name: string, o: Partial<HealthCheck> = {}): HealthCheck => ({
  name,
  selector: { 'cluster.x-k8s.io/cluster-name': 'c1' },
  nodeStartupTimeoutMs: 600_000,
  unhealthyConditions: [{ type: 'Ready', status: 'False', timeoutMs: 60_000 }],
  ...o,
});

/** `w1` healthy worker, `w1!` unhealthy worker, `c1` / `c1!` control plane; `x` deleting, `s` skip-remediation, `p` provider error. */
function fleet(spec: string): Machine[] {
  return spec
    .split(' ')
    .filter(Boolean)
    .map((tok, i) => {
      const name = tok.replace(/[!xsp]/g, '');
      return machine(name, {
        role: name.startsWith('c') ? 'control-plane' : 'worker',
        age: i,
        ...(tok.includes('!') ? sick : {}),
        ...(tok.includes('x') ? { deleting: true } : {}),
        ...(tok.includes('s') ? { annotations: { 'cluster.x-k8s.io/skip-remediation': '' } } : {}),
        ...(tok.includes('p') ? { providerError: true, ...sick } : {}),
        labels: name.startsWith('w') ? { pool: 'workers' } : { pool: 'cp' },
      });
    });
}

interface Row {
  name: string;
  machines: string;
  checks?: HealthCheck[];
  initialized?: boolean;
  unhealthy: string[];
  remediate: string[];
  blocked?: number;
}

const rows: Row[] = [
  { name: 'all healthy', machines: 'c1 c2 c3 w1 w2', unhealthy: [], remediate: [] },
  {
    name: 'unhealthy workers are all remediated',
    machines: 'c1 w1! w2! w3',
    unhealthy: ['w1', 'w2'],
    remediate: ['w1', 'w2'],
  },
  {
    name: 'skip-remediation opts out (still unhealthy)',
    machines: 'w1!s w2!',
    unhealthy: ['w1', 'w2'],
    remediate: ['w2'],
  },
  {
    name: 'a deleting machine is neither counted nor remediated',
    machines: 'w1!x w2!',
    unhealthy: ['w2'],
    remediate: ['w2'],
  },
  { name: 'provider errors are left to the deployment', machines: 'w1p w2', unhealthy: [], remediate: [] },
  {
    name: 'short-circuit: over maxUnhealthy nothing is remediated',
    machines: 'w1! w2! w3',
    checks: [check('mhc', { maxUnhealthy: '40%' })],
    unhealthy: ['w1', 'w2'],
    remediate: [],
    blocked: 1,
  },
  {
    name: 'control plane: one at a time',
    machines: 'c1! c2! c3 c4 c5',
    unhealthy: ['c1', 'c2'],
    remediate: ['c1'],
  },
  {
    name: 'control plane: not while one is deleting',
    machines: 'c1! c2x c3 c4',
    unhealthy: ['c1'],
    remediate: [],
  },
  {
    name: 'control plane: not when quorum would be lost',
    machines: 'c1! c2! c3',
    unhealthy: ['c1', 'c2'],
    remediate: [],
  },
  { name: 'control plane: with quorum kept', machines: 'c1! c2 c3', unhealthy: ['c1'], remediate: ['c1'] },
  {
    name: 'control plane: never the only one once initialised',
    machines: 'c1!',
    unhealthy: ['c1'],
    remediate: [],
  },
  {
    name: 'control plane: the only one before initialisation',
    machines: 'c1!',
    initialized: false,
    unhealthy: ['c1'],
    remediate: ['c1'],
  },
  {
    name: 'control plane: quorum ignored before initialisation, still one at a time',
    machines: 'c1! c2! c3',
    initialized: false,
    unhealthy: ['c1', 'c2'],
    remediate: ['c1'],
  },
  {
    name: 'control plane and workers together',
    machines: 'c1! c2 c3 w1! w2!',
    unhealthy: ['c1', 'w1', 'w2'],
    remediate: ['c1', 'w1', 'w2'],
  },
  {
    name: 'two checks: a machine remediated by the first is gone for the second',
    machines: 'w1! w2',
    checks: [check('first'), check('second')],
    unhealthy: ['w1'],
    remediate: ['w1'],
  },
  {
    name: 'two checks: the second short-circuits on its own machines',
    machines: 'c1 c2 c3 w1! w2! w3',
    checks: [
      check('cp', { selector: { pool: 'cp' } }),
      check('workers', { selector: { pool: 'workers' }, maxUnhealthy: 1 }),
    ],
    unhealthy: ['w1', 'w2'],
    remediate: [],
    blocked: 1,
  },
  {
    name: 'two checks: the control-plane budget is spent by the first',
    machines: 'c1! c2! c3 c4 c5',
    checks: [check('a'), check('b')],
    unhealthy: ['c1', 'c2'],
    remediate: ['c1'],
  },
];

describe('planRemediation', () => {
  it.each(rows)('$name', (r) => {
    const plan = planRemediation({
      checks: r.checks ?? [check('mhc')],
      machines: fleet(r.machines),
      nowMs: NOW,
      controlPlaneInitialized: r.initialized ?? true,
    });
    expect([...plan.unhealthy].sort()).toEqual([...r.unhealthy].sort());
    expect(plan.remediate.map((x) => x.machine.metadata.name)).toEqual(r.remediate);
    expect(plan.blocked).toHaveLength(r.blocked ?? 0);
    for (const x of plan.remediate) expect(x.finding.reason).toBe('UnhealthyNode');
  });
});

describe('healthChecksFor', () => {
  const rendered = [check('rendered')];
  it.each<[string, HealthCheck[], Parameters<typeof healthChecksFor>[2], string[], number | undefined]>([
    ['rendered checks win', rendered, undefined, ['rendered'], 600_000],
    ['none rendered: the default', [], undefined, ['default'], 600_000],
    [
      'none rendered, defaults overridden',
      [],
      { nodeStartupTimeoutMs: 5_000, unhealthyConditions: [] },
      ['default'],
      5_000,
    ],
    ['none rendered, defaults off', [], null, [], undefined],
  ])('%s', (_name, checks, defaults, want, startup) => {
    const out = healthChecksFor(checks, 'c1', defaults);
    expect(out.map((c) => c.name)).toEqual(want);
    expect(out[0]?.nodeStartupTimeoutMs).toBe(startup);
    if (want[0] === 'default') expect(out[0].selector).toEqual({ 'cluster.x-k8s.io/cluster-name': 'c1' });
  });
});
