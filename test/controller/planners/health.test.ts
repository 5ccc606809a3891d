/** evaluateHealth and machineHealth (health.ts): machines, a check and the time in, findings out. */
import { describe, expect, it } from 'vitest';
import {
  evaluateHealth,
  type HealthCheck,
  machineHealth,
  scaledCount,
} from '../../../src/controller/health.js';
import { type MachineOptions, machine, T0 } from './machines.js';

const check = (o: Partial<HealthCheck> = {}): HealthCheck => ({
  name: 'mhc',
  selector: { 'cluster.x-k8s.io/cluster-name': 'c1' },
  nodeStartupTimeoutMs: 600_000,
  unhealthyConditions: [
    { type: 'Ready', status: 'False', timeoutMs: 300_000 },
    { type: 'Ready', status: 'Unknown', timeoutMs: 300_000 },
  ],
  ...o,
});

describe('machineHealth', () => {
  it.each<[string, MachineOptions, Partial<HealthCheck>, number, string | undefined]>([
    ['a ready machine', {}, {}, 1_000, undefined],
    [
      'remediate annotation',
      { annotations: { 'cluster.x-k8s.io/remediate-machine': '' } },
      {},
      1_000,
      'RemediateMachineAnnotation',
    ],
    ['failed', { failed: true }, {}, 1_000, 'MachineFailed'],
    ['no node, within the startup timeout', { ready: false }, {}, 599, undefined],
    ['no node, at the startup timeout', { ready: false }, {}, 600, 'NodeStartupTimeout'],
    ['no node, timeout 0 disables it', { ready: false }, { nodeStartupTimeoutMs: 0 }, 100_000, undefined],
    ['no node, created later', { ready: false, age: 100 }, {}, 650, undefined],
    [
      'NotReady for less than its timeout',
      { nodeConditions: [{ type: 'Ready', status: 'False', since: 100 }] },
      {},
      399,
      undefined,
    ],
    [
      'NotReady for its timeout',
      { nodeConditions: [{ type: 'Ready', status: 'False', since: 100 }] },
      {},
      400,
      'UnhealthyNode',
    ],
    [
      'Unknown (node gone) for its timeout',
      { nodeConditions: [{ type: 'Ready', status: 'Unknown', since: 0 }] },
      {},
      300,
      'UnhealthyNode',
    ],
    [
      'a condition the check does not name',
      { nodeConditions: [{ type: 'DiskPressure', status: 'True', since: 0 }] },
      {},
      10_000,
      undefined,
    ],
    [
      'a named condition in a healthy status',
      { nodeConditions: [{ type: 'Ready', status: 'True', since: 0 }] },
      {},
      10_000,
      undefined,
    ],
    [
      'zero timeout: unhealthy at once',
      { nodeConditions: [{ type: 'DiskPressure', status: 'True', since: 5 }] },
      { unhealthyConditions: [{ type: 'DiskPressure', status: 'True', timeoutMs: 0 }] },
      5,
      'UnhealthyNode',
    ],
    [
      'annotation beats a failure',
      { failed: true, annotations: { 'cluster.x-k8s.io/remediate-machine': '' } },
      {},
      1,
      'RemediateMachineAnnotation',
    ],
  ])('%s', (_name, m, hc, atSeconds, reason) => {
    expect(machineHealth(machine('m1', m), check(hc), T0 + atSeconds * 1000)?.reason).toBe(reason);
  });
});

const notReady = (since = 0): MachineOptions => ({
  nodeConditions: [{ type: 'Ready', status: 'False', since }],
});
const fleet = (bad: number, good: number): ReturnType<typeof machine>[] => [
  ...Array.from({ length: bad }, (_, i) => machine(`bad-${i}`, notReady())),
  ...Array.from({ length: good }, (_, i) => machine(`good-${i}`)),
];

describe('evaluateHealth', () => {
  it.each<[string, ReturnType<typeof machine>[], Partial<HealthCheck>, number, number, boolean]>([
    ['all healthy', fleet(0, 3), {}, 3, 0, true],
    ['default maxUnhealthy 100%', fleet(3, 0), {}, 3, 3, true],
    ['40% of 5 is 2: two allowed', fleet(2, 3), { maxUnhealthy: '40%' }, 5, 2, true],
    ['40% of 5 is 2: three short-circuit', fleet(3, 2), { maxUnhealthy: '40%' }, 5, 3, false],
    ['40% of 4 rounds down to 1', fleet(2, 2), { maxUnhealthy: '40%' }, 4, 2, false],
    ['a count', fleet(1, 3), { maxUnhealthy: 1 }, 4, 1, true],
    ['a count as text', fleet(2, 3), { maxUnhealthy: '1' }, 5, 2, false],
    ['range [1-2]: inside', fleet(2, 1), { unhealthyRange: { min: 1, max: 2 } }, 3, 2, true],
    ['range [1-2]: above', fleet(3, 1), { unhealthyRange: { min: 1, max: 2 } }, 4, 3, false],
    ['range [1-2]: below', fleet(0, 1), { unhealthyRange: { min: 1, max: 2 } }, 1, 0, false],
    [
      'the selector picks the machines',
      [
        ...fleet(1, 1),
        machine('other', { ...notReady(), labels: { 'cluster.x-k8s.io/cluster-name': 'c2' } }),
      ],
      {},
      2,
      1,
      true,
    ],
    [
      'deleting machines are not counted',
      [...fleet(1, 1), machine('gone', { ...notReady(), deleting: true })],
      {},
      2,
      1,
      true,
    ],
    ['no machines', [], { maxUnhealthy: '0%' }, 0, 0, true],
  ])('%s', (_name, machines, hc, expected, unhealthy, allowed) => {
    const ev = evaluateHealth(check(hc), machines, T0 + 3_600_000);
    expect([ev.expected, ev.unhealthy.length, ev.remediationAllowed]).toEqual([expected, unhealthy, allowed]);
    expect(ev.message).toMatch(allowed ? /machines unhealthy$/ : /^remediation is not allowed/);
  });
});

describe('scaledCount', () => {
  it.each<[string | number, number, number]>([
    ['100%', 7, 7],
    ['40%', 5, 2],
    ['40%', 4, 1],
    ['0%', 10, 0],
    [3, 10, 3],
    [2.7, 10, 2],
    [-1, 10, 0],
    ['2', 10, 2],
    [' 50% ', 3, 1],
    ['nonsense', 6, 6],
  ])('%j of %i is %i', (v, total, want) => {
    expect(scaledCount(v, total)).toBe(want);
  });
});
