/** sequenceWorkerUpgrades: pools and the control plane in, each pool's version, note and step out. */
import { describe, expect, it } from 'vitest';
import {
  sequenceWorkerUpgrades,
  type WorkerPoolInput,
  type WorkerSequenceInput,
} from '../../../src/controller/planners/worker-upgrades.js';

const pool = (name: string, o: Partial<WorkerPoolInput> = {}): WorkerPoolInput => ({
  name,
  target: 'v1.34.1',
  current: 'v1.33.4',
  tracked: true,
  rolling: false,
  deferred: false,
  holdsSequence: false,
  ...o,
});

const input = (pools: WorkerPoolInput[], o: Partial<WorkerSequenceInput> = {}): WorkerSequenceInput => ({
  pools,
  controlPlaneInitialized: true,
  controlPlaneAtTarget: true,
  controlPlaneTarget: 'v1.34.1',
  controlPlaneSteps: [],
  concurrency: 1,
  ...o,
});

/** A pool's outcome in one line: `name@version[+from][ note][ frozen]`, or `name:waits-for-cp`. */
function summary(s: ReturnType<typeof sequenceWorkerUpgrades>): string[] {
  return s.pools.map((p) =>
    p.waitsForControlPlane
      ? `${p.name}:waits-for-cp`
      : `${p.name}@${p.version}${p.upgradeFrom ? `<${p.upgradeFrom}` : ''}${p.note ? ` [${p.note}]` : ''}${p.frozen ? ' frozen' : ''}`,
  );
}

interface Row {
  name: string;
  in: WorkerSequenceInput;
  pools: string[];
  pending: boolean;
  notes?: number;
}

const rows: Row[] = [
  {
    name: 'at target: nothing to do',
    in: input([pool('a', { current: 'v1.34.1' })]),
    pools: ['a@v1.34.1'],
    pending: false,
  },
  {
    name: 'one pool starts its upgrade',
    in: input([pool('a')]),
    pools: ['a@v1.34.1<v1.33.4'],
    pending: true,
  },
  {
    name: 'concurrency 1: the second waits',
    in: input([pool('a'), pool('b')]),
    pools: [
      'a@v1.34.1<v1.33.4',
      'b@v1.33.4 [waits: 1 MachineDeployment(s) upgrading (topology.cluster.x-k8s.io/upgrade-concurrency 1)]',
    ],
    pending: true,
    notes: 1,
  },
  {
    name: 'concurrency 2: both start',
    in: input([pool('a'), pool('b')], { concurrency: 2 }),
    pools: ['a@v1.34.1<v1.33.4', 'b@v1.34.1<v1.33.4'],
    pending: true,
  },
  {
    name: 'a pool rolling counts against the concurrency',
    in: input([pool('a', { current: 'v1.34.1', rolling: true }), pool('b')]),
    pools: [
      'a@v1.34.1',
      'b@v1.33.4 [waits: 1 MachineDeployment(s) upgrading (topology.cluster.x-k8s.io/upgrade-concurrency 1)]',
    ],
    pending: true,
  },
  {
    name: 'an untracked rolling pool does not count',
    in: input([pool('a', { current: 'v1.34.1', rolling: true, tracked: false }), pool('b')]),
    pools: ['a@v1.34.1', 'b@v1.34.1<v1.33.4'],
    pending: true,
  },
  {
    name: 'a pool rolling to an older step keeps rolling (no new step)',
    in: input([pool('a', { rolling: true })]),
    pools: ['a@v1.33.4'],
    pending: true,
  },
  {
    name: 'control plane not at target: workers wait',
    in: input([pool('a')], { controlPlaneAtTarget: false }),
    pools: ['a@v1.33.4 [waits for the control plane to reach v1.34.1]'],
    pending: true,
    notes: 1,
  },
  {
    name: 'defer-upgrade keeps one pool',
    in: input([pool('a', { deferred: true }), pool('b')]),
    pools: [
      'a@v1.33.4 [topology.cluster.x-k8s.io/defer-upgrade: stays at v1.33.4] frozen',
      'b@v1.34.1<v1.33.4',
    ],
    pending: true,
  },
  {
    name: 'defer-upgrade alone: nothing pending',
    in: input([pool('a', { deferred: true })]),
    pools: ['a@v1.33.4 [topology.cluster.x-k8s.io/defer-upgrade: stays at v1.33.4] frozen'],
    pending: false,
    notes: 1,
  },
  {
    name: 'hold-upgrade-sequence keeps it and every later pool',
    in: input([pool('a'), pool('b', { holdsSequence: true }), pool('c')], { concurrency: 3 }),
    pools: [
      'a@v1.34.1<v1.33.4',
      'b@v1.33.4 [topology.cluster.x-k8s.io/hold-upgrade-sequence: stays at v1.33.4] frozen',
      'c@v1.33.4 [topology.cluster.x-k8s.io/hold-upgrade-sequence: stays at v1.33.4] frozen',
    ],
    pending: true,
  },
  {
    name: 'a held pool at target is frozen but quiet',
    in: input([pool('a', { holdsSequence: true, current: 'v1.34.1' })]),
    pools: ['a@v1.34.1 frozen'],
    pending: false,
  },
  {
    name: 'a new pool before the control plane is up waits',
    in: input([pool('a', { current: undefined, tracked: false })], { controlPlaneInitialized: false }),
    pools: ['a:waits-for-cp'],
    pending: false,
  },
  {
    name: 'a new pool once the control plane is up starts at the target',
    in: input([pool('a', { current: undefined, tracked: false })]),
    pools: ['a@v1.34.1'],
    pending: false,
  },
  {
    name: 'more than three minors: jumps to the control-plane step three up',
    in: input([pool('a', { current: 'v1.30.14' })], {
      controlPlaneSteps: ['v1.31.12', 'v1.32.8', 'v1.33.4', 'v1.34.1'],
    }),
    pools: ['a@v1.33.4<v1.30.14'],
    pending: true,
  },
  {
    name: 'a newer pool than the target is left alone',
    in: input([pool('a', { current: 'v1.35.0' })]),
    pools: ['a@v1.35.0'],
    pending: true,
  },
  {
    name: 'distribution of notes: one per waiting pool',
    in: input([pool('a'), pool('b'), pool('c')], { controlPlaneAtTarget: false }),
    pools: [
      'a@v1.33.4 [waits for the control plane to reach v1.34.1]',
      'b@v1.33.4 [waits for the control plane to reach v1.34.1]',
      'c@v1.33.4 [waits for the control plane to reach v1.34.1]',
    ],
    pending: true,
    notes: 3,
  },
];

describe('sequenceWorkerUpgrades', () => {
  it.each(rows)('$name', (r) => {
    const s = sequenceWorkerUpgrades(r.in);
    expect(summary(s)).toEqual(r.pools);
    expect(s.pending).toBe(r.pending);
    if (r.notes !== undefined) expect(s.notes).toHaveLength(r.notes);
    for (const n of s.notes) expect(n).toMatch(/^[a-z]+ /);
  });
});
