/** gateConditions, templateChangeRefusal, versionRefusal: the apply decision's inputs in, conditions and refusals out. */
import { describe, expect, it } from 'vitest';
import type { DesiredCluster } from '../../../src/controller/desired.js';
import { gateConditions } from '../../../src/controller/planners/gate-conditions.js';
import {
  templateChangeRefusal,
  versionOfControlPlane,
  versionRefusal,
} from '../../../src/controller/planners/refusals.js';
import type { DeploymentStatus } from '../../../src/controller/status.js';
import { KNOWN_KUBERNETES_VERSIONS } from '../../../src/domain/upgrade-path.js';
import type { Verdict } from '../../../src/gate/index.js';

type Violation = Verdict['violations'][number];
const v = (stage: string, message: string, extra: Partial<Violation> = {}): Violation =>
  ({ stage, severity: 'error', code: 'X', message, ...extra }) as Violation;

describe('gateConditions', () => {
  it.each<[string, Violation[], string[]]>([
    ['clean', [], ['TemplateReady=True/Resolved', 'ValuesValid=True/Valid', 'PolicyPassed=True/Passed']],
    [
      'template missing',
      [v('resolve', 'no such template')],
      [
        'TemplateReady=False/TemplateNotFound',
        'ValuesValid=Unknown/TemplateNotFound',
        'PolicyPassed=Unknown/NotEvaluated',
      ],
    ],
    [
      'values invalid',
      [v('values', 'workers must be a number')],
      ['TemplateReady=True/Resolved', 'ValuesValid=False/ValuesInvalid', 'PolicyPassed=Unknown/NotEvaluated'],
    ],
    [
      'render error counts as values',
      [v('render', 'bad template')],
      ['TemplateReady=True/Resolved', 'ValuesValid=False/ValuesInvalid', 'PolicyPassed=Unknown/NotEvaluated'],
    ],
    [
      'object error counts as values',
      [v('object', 'bad object')],
      ['TemplateReady=True/Resolved', 'ValuesValid=False/ValuesInvalid', 'PolicyPassed=Unknown/NotEvaluated'],
    ],
    [
      'policy denied',
      [v('policy', 'too big', { policy: 'caps', rule: 'workers' } as Partial<Violation>)],
      ['TemplateReady=True/Resolved', 'ValuesValid=True/Valid', 'PolicyPassed=False/PolicyDenied'],
    ],
    [
      'values and policy',
      [v('values', 'bad'), v('policy', 'denied')],
      ['TemplateReady=True/Resolved', 'ValuesValid=False/ValuesInvalid', 'PolicyPassed=False/PolicyDenied'],
    ],
    [
      'warnings do not count',
      [{ ...v('policy', 'meh'), severity: 'warning' } as Violation],
      ['TemplateReady=True/Resolved', 'ValuesValid=True/Valid', 'PolicyPassed=True/Passed'],
    ],
  ])('%s', (_name, violations, want) => {
    const out = gateConditions({ violations, objects: [], rules: {} }, 'tpl-1');
    expect(out.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual(want);
  });

  it.each<[number, string]>([
    [1, 'caps/r0: m0'],
    [3, 'caps/r0: m0; caps/r1: m1; caps/r2: m2'],
    [5, 'caps/r0: m0; caps/r1: m1; caps/r2: m2; and 2 more'],
  ])('%i policy violations are summed up', (n, message) => {
    const violations = Array.from({ length: n }, (_, i) =>
      v('policy', `m${i}`, { policy: 'caps', rule: `r${i}` } as Partial<Violation>),
    );
    const policy = gateConditions({ violations, objects: [], rules: {} }, 't').find(
      (c) => c.type === 'PolicyPassed',
    );
    expect(policy?.message).toBe(message);
  });

  it('says how many objects and rules', () => {
    const out = gateConditions(
      { violations: [], objects: [{}, {}] as never, rules: { a: {}, b: {}, c: {} } as never },
      't',
    );
    expect(out.map((c) => c.message)).toEqual([
      'template t found',
      'values valid, 2 objects rendered',
      '3 policy rules passed',
    ]);
  });
});

describe('templateChangeRefusal', () => {
  it.each<[string, { template: string } | undefined, string, string[], string | undefined]>([
    ['never applied', undefined, 'b', [], undefined],
    ['same template', { template: 'a' }, 'a', [], undefined],
    ['a chain allows it', { template: 'a' }, 'b', ['b', 'c'], undefined],
    [
      'no chain allows it',
      { template: 'a' },
      'b',
      [],
      'cluster upgrade is forbidden: cannot upgrade from a to b: this upgrade sequence is not allowed (available upgrades: none)',
    ],
    [
      'names what is available',
      { template: 'a' },
      'd',
      ['b', 'c'],
      'cluster upgrade is forbidden: cannot upgrade from a to d: this upgrade sequence is not allowed (available upgrades: b, c)',
    ],
  ])('%s', (_name, applied, template, available, message) => {
    const r = templateChangeRefusal(applied, template, available);
    expect(r?.message).toBe(message);
    if (r) expect(r.reason).toBe('UpgradeNotAllowed');
  });
});

const desired = (cp: string, mds: [string, string][] = []) =>
  ({
    controlPlane: {
      apiVersion: 'x',
      kind: 'K0sControlPlane',
      metadata: { name: 'cp' },
      spec: { version: cp },
    },
    machineDeployments: mds.map(([name, version]) => ({ name, version })),
  }) as unknown as Pick<DesiredCluster, 'controlPlane' | 'machineDeployments'>;
const status = (
  cp?: string,
  mds: [string, string][] = [],
): Pick<DeploymentStatus, 'controlPlane' | 'machineDeployments'> => ({
  ...(cp
    ? {
        controlPlane: {
          mode: 'machines',
          name: 'cp',
          version: cp,
          targetVersion: cp,
          replicas: 1,
          readyReplicas: 1,
          updatedReplicas: 1,
        },
      }
    : {}),
  machineDeployments: mds.map(([name, version]) => ({
    name,
    version,
    targetVersion: version,
    replicas: 1,
    readyReplicas: 1,
    updatedReplicas: 1,
  })),
});

describe('versionRefusal', () => {
  it.each<
    [string, ReturnType<typeof desired>, ReturnType<typeof status>, readonly string[], string | undefined]
  >([
    ['first apply', desired('v1.33.4+k0s.0'), status(), KNOWN_KUBERNETES_VERSIONS, undefined],
    ['same version', desired('v1.33.4+k0s.0'), status('v1.33.4'), KNOWN_KUBERNETES_VERSIONS, undefined],
    ['one minor up', desired('v1.34.1+k0s.0'), status('v1.33.4'), KNOWN_KUBERNETES_VERSIONS, undefined],
    [
      'control-plane downgrade',
      desired('v1.32.8+k0s.0'),
      status('v1.33.4'),
      KNOWN_KUBERNETES_VERSIONS,
      'DowngradeRefused',
    ],
    [
      'skipped minor, known intermediate',
      desired('v1.34.1'),
      status('v1.32.8'),
      KNOWN_KUBERNETES_VERSIONS,
      undefined,
    ],
    ['skipped minor, unknown intermediate', desired('v1.34.1'), status('v1.32.8'), [], 'SkippedMinor'],
    [
      'skipped minor, known from a chain template',
      desired('v1.34.1'),
      status('v1.32.8'),
      ['v1.33.0'],
      undefined,
    ],
    [
      'MachineDeployment downgrade',
      desired('v1.33.4', [['md-0', 'v1.32.8+k0s.0']]),
      status('v1.33.4', [['md-0', 'v1.33.4']]),
      KNOWN_KUBERNETES_VERSIONS,
      'DowngradeRefused',
    ],
    [
      'MachineDeployment upgrade',
      desired('v1.34.1', [['md-0', 'v1.34.1']]),
      status('v1.33.4', [['md-0', 'v1.33.4']]),
      KNOWN_KUBERNETES_VERSIONS,
      undefined,
    ],
    [
      'a new MachineDeployment',
      desired('v1.33.4', [['md-9', 'v1.30.0']]),
      status('v1.33.4', [['md-0', 'v1.33.4']]),
      KNOWN_KUBERNETES_VERSIONS,
      undefined,
    ],
  ])('%s', (_name, d, s, known, reason) => {
    expect(versionRefusal(d, s, known)?.reason).toBe(reason);
  });

  it.each<[unknown, string | undefined]>([
    ['v1.33.4+k0s.0', 'v1.33.4'],
    ['v1.33.4', 'v1.33.4'],
    [133, undefined],
    [undefined, undefined],
  ])('the control plane asks for %j: %s', (version, want) => {
    expect(versionOfControlPlane({ spec: { version } })).toBe(want);
  });
});
