/** planCapiRollout and settled: what Cluster API reports in, the versions clustermint sets this pass out. */
import { describe, expect, it } from 'vitest';
import {
  type CapiPoolTarget,
  type CapiRollout,
  type CapiRolloutInput,
  planCapiRollout,
  settled,
} from '../../../src/controller/planners/capi-rollout.js';
import { KNOWN_KUBERNETES_VERSIONS } from '../../../src/domain/upgrade-path.js';
import type { CapiObservation, Replicas } from '../../../src/providers/capi/observation.js';
import { cluster, controlPlane, machineDeployment as md, observation, replicas } from './capi-observed.js';

const pool = (name: string, o: Partial<CapiPoolTarget> = {}): CapiPoolTarget => ({
  name,
  target: 'v1.34.1',
  deferred: false,
  holdsSequence: false,
  ...o,
});

const input = (observed: CapiObservation, o: Partial<CapiRolloutInput> = {}): CapiRolloutInput => ({
  topology: false,
  controlPlaneTarget: 'v1.34.1',
  pools: [pool('a')],
  observed,
  knownVersions: KNOWN_KUBERNETES_VERSIONS,
  concurrency: 1,
  ...o,
});

/** A classic (non-topology) cluster: initialized, its control plane and MachineDeployments as given. */
const classic = (cp: ReturnType<typeof controlPlane>, ...mds: ReturnType<typeof md>[]) =>
  observation({ cluster: cluster(), controlPlane: cp, machineDeployments: mds });

/** A topology Cluster at `version` (what clustermint set), its control plane and MachineDeployments. */
const topology = (version: string, cp: ReturnType<typeof controlPlane>, ...mds: ReturnType<typeof md>[]) =>
  observation({ cluster: cluster({ topologyVersion: version }), controlPlane: cp, machineDeployments: mds });

/** A roll in flight: one surge machine, one of `desired` up to date. */
const rolling = (desired = 3): Replicas =>
  replicas(desired, { replicas: desired + 1, upToDate: 1, ready: desired, available: desired });

const WAITS_CP = 'waits for the control plane to reach v1.34.1';
const WAITS_ONE = 'waits: 1 MachineDeployment(s) upgrading (topology.cluster.x-k8s.io/upgrade-concurrency 1)';
const deferNote = (v: string) => `topology.cluster.x-k8s.io/defer-upgrade: stays at ${v}`;
const holdNote = (v: string) => `topology.cluster.x-k8s.io/hold-upgrade-sequence: stays at ${v}`;

interface Outcome {
  /** The control plane's (or topology's) version set this pass. */
  cp: string;
  /** `from->to` of a control-plane step this pass starts. */
  started?: string;
  stable: boolean;
  steps: string[];
  /** Version per pool. */
  pools: Record<string, string>;
  /** Note per pool (none when absent). */
  notes?: Record<string, string>;
}

function outcome(r: CapiRollout): Outcome {
  const notes: Record<string, string> = {};
  for (const p of r.workers.pools) if (!p.waitsForControlPlane && p.note) notes[p.name] = p.note;
  return {
    cp: r.controlPlaneVersion,
    ...(r.started ? { started: `${r.started.from}->${r.started.to}` } : {}),
    stable: r.controlPlaneStable,
    steps: r.steps,
    pools: Object.fromEntries(r.poolVersions),
    notes,
  };
}

interface Row {
  name: string;
  in: CapiRolloutInput;
  out: Outcome;
}

const rows: Row[] = [
  // A new cluster.
  {
    name: 'fresh: nothing observed, the control plane and the pools at the target',
    in: input(observation(), { pools: [pool('a'), pool('b')] }),
    out: { cp: 'v1.34.1', stable: false, steps: [], pools: { a: 'v1.34.1', b: 'v1.34.1' } },
  },
  {
    name: 'the Cluster exists, its control plane not initialized: the pools start at its version',
    in: input(
      observation({
        cluster: cluster({ controlPlaneInitialized: false }),
        controlPlane: controlPlane('v1.34.1', null, {
          initialized: false,
          replicas: replicas(3, { replicas: 1, ready: 0, available: 0, upToDate: 1 }),
        }),
      }),
    ),
    out: { cp: 'v1.34.1', stable: false, steps: [], pools: { a: 'v1.34.1' } },
  },
  {
    name: 'target raised before the control plane is initialized: no step, new pools at the control plane version',
    in: input(
      observation({
        cluster: cluster({ controlPlaneInitialized: false }),
        controlPlane: controlPlane('v1.33.4', null, { initialized: false }),
      }),
    ),
    out: { cp: 'v1.33.4', stable: false, steps: ['v1.34.1'], pools: { a: 'v1.33.4' } },
  },
  {
    name: 'fresh: a new pool rendered older than the control plane starts at its own version',
    in: input(observation(), { pools: [pool('a'), pool('old', { target: 'v1.33.4' })] }),
    out: { cp: 'v1.34.1', stable: false, steps: [], pools: { a: 'v1.34.1', old: 'v1.33.4' } },
  },
  {
    name: 'stable at the target: nothing to do',
    in: input(classic(controlPlane('v1.34.1'), md('a', 'v1.34.1'))),
    out: { cp: 'v1.34.1', stable: true, steps: [], pools: { a: 'v1.34.1' } },
  },
  {
    name: 'a patch upgrade is one step, the workers wait for it',
    in: input(classic(controlPlane('v1.34.0'), md('a', 'v1.34.0'))),
    out: {
      cp: 'v1.34.1',
      started: 'v1.34.0->v1.34.1',
      stable: true,
      steps: ['v1.34.1'],
      pools: { a: 'v1.34.0' },
      notes: { a: WAITS_CP },
    },
  },

  // v1.32.8 -> v1.34.1, pass by pass: each step only once the previous one is stable.
  {
    name: 'two minors 1: stable at v1.32.8, the first step starts',
    in: input(classic(controlPlane('v1.32.8'), md('a', 'v1.32.8'))),
    out: {
      cp: 'v1.33.4',
      started: 'v1.32.8->v1.33.4',
      stable: true,
      steps: ['v1.33.4', 'v1.34.1'],
      pools: { a: 'v1.32.8' },
      notes: { a: WAITS_CP },
    },
  },
  {
    name: 'two minors 2: Cluster API has not observed the new spec yet: no new step',
    in: input(classic(controlPlane('v1.33.4', 'v1.32.8', { observed: false }), md('a', 'v1.32.8'))),
    out: {
      cp: 'v1.33.4',
      stable: false,
      steps: ['v1.33.4', 'v1.34.1'],
      pools: { a: 'v1.32.8' },
      notes: { a: WAITS_CP },
    },
  },
  {
    name: 'two minors 3: the control plane mid-roll (one of three up to date): no new step',
    in: input(classic(controlPlane('v1.33.4', 'v1.32.8', { replicas: rolling() }), md('a', 'v1.32.8'))),
    out: {
      cp: 'v1.33.4',
      stable: false,
      steps: ['v1.33.4', 'v1.34.1'],
      pools: { a: 'v1.32.8' },
      notes: { a: WAITS_CP },
    },
  },
  {
    name: 'two minors 4: reports v1.33.4 with a surge machine still there: no new step',
    in: input(
      classic(
        controlPlane('v1.33.4', 'v1.33.4', { replicas: replicas(3, { replicas: 4, upToDate: 3 }) }),
        md('a', 'v1.32.8'),
      ),
    ),
    out: {
      cp: 'v1.33.4',
      stable: false,
      steps: ['v1.34.1'],
      pools: { a: 'v1.32.8' },
      notes: { a: WAITS_CP },
    },
  },
  {
    name: 'two minors 5: reports v1.33.4, a machine not ready: no new step',
    in: input(
      classic(
        controlPlane('v1.33.4', 'v1.33.4', { replicas: replicas(3, { ready: 2 }) }),
        md('a', 'v1.32.8'),
      ),
    ),
    out: {
      cp: 'v1.33.4',
      stable: false,
      steps: ['v1.34.1'],
      pools: { a: 'v1.32.8' },
      notes: { a: WAITS_CP },
    },
  },
  {
    name: 'two minors 6: stable at v1.33.4: the last step starts and the workers stay in this pass',
    in: input(classic(controlPlane('v1.33.4'), md('a', 'v1.32.8'))),
    out: {
      cp: 'v1.34.1',
      started: 'v1.33.4->v1.34.1',
      stable: true,
      steps: ['v1.34.1'],
      pools: { a: 'v1.32.8' },
      notes: { a: WAITS_CP },
    },
  },
  {
    name: 'two minors 7: the last step rolling: the workers wait for the control plane',
    in: input(classic(controlPlane('v1.34.1', 'v1.33.4', { replicas: rolling() }), md('a', 'v1.32.8'))),
    out: { cp: 'v1.34.1', stable: false, steps: [], pools: { a: 'v1.32.8' }, notes: { a: WAITS_CP } },
  },
  {
    name: 'two minors 8: reports v1.34.1, not every machine ready: the workers still wait',
    in: input(
      classic(
        controlPlane('v1.34.1', 'v1.34.1', { replicas: replicas(3, { ready: 2 }) }),
        md('a', 'v1.32.8'),
      ),
    ),
    out: { cp: 'v1.34.1', stable: false, steps: [], pools: { a: 'v1.32.8' }, notes: { a: WAITS_CP } },
  },
  {
    name: 'two minors 9: stable at the target: the workers move straight to it',
    in: input(classic(controlPlane('v1.34.1'), md('a', 'v1.32.8'))),
    out: { cp: 'v1.34.1', stable: true, steps: [], pools: { a: 'v1.34.1' } },
  },
  {
    name: 'two minors 10: the workers rolling keep their version',
    in: input(classic(controlPlane('v1.34.1'), md('a', 'v1.34.1', { replicas: rolling(2) }))),
    out: { cp: 'v1.34.1', stable: true, steps: [], pools: { a: 'v1.34.1' } },
  },

  // Classic clusters: the next step waits for MachineDeployments to settle.
  {
    name: 'a MachineDeployment rolling holds the next control-plane step',
    in: input(classic(controlPlane('v1.33.4'), md('a', 'v1.32.8', { replicas: rolling(2) }))),
    out: { cp: 'v1.33.4', stable: true, steps: ['v1.34.1'], pools: { a: 'v1.32.8' }, notes: { a: WAITS_CP } },
  },
  {
    name: 'a MachineDeployment Cluster API has not observed holds the next control-plane step',
    in: input(classic(controlPlane('v1.33.4'), md('a', 'v1.32.8', { observed: false }))),
    out: { cp: 'v1.33.4', stable: true, steps: ['v1.34.1'], pools: { a: 'v1.32.8' }, notes: { a: WAITS_CP } },
  },

  // Refused targets: no step.
  {
    name: 'downgrade: the control plane stays where it is, no step',
    in: input(classic(controlPlane('v1.34.1'), md('a', 'v1.34.1')), {
      controlPlaneTarget: 'v1.33.4',
      pools: [pool('a', { target: 'v1.33.4' })],
    }),
    out: { cp: 'v1.34.1', stable: true, steps: [], pools: { a: 'v1.34.1' } },
  },
  {
    name: 'unplannable: no known version of an intermediate minor, no step',
    in: input(classic(controlPlane('v1.30.14'), md('a', 'v1.30.14')), { knownVersions: [] }),
    out: { cp: 'v1.30.14', stable: true, steps: [], pools: { a: 'v1.30.14' }, notes: { a: WAITS_CP } },
  },
  {
    name: 'target lowered while a step rolls: the step in flight stays, no other starts',
    in: input(classic(controlPlane('v1.34.1', 'v1.33.4', { replicas: rolling() }), md('a', 'v1.33.4')), {
      controlPlaneTarget: 'v1.33.4',
      pools: [pool('a', { target: 'v1.33.4' })],
    }),
    out: { cp: 'v1.34.1', stable: false, steps: [], pools: { a: 'v1.33.4' } },
  },

  // Workers: the sequencer's order, concurrency and annotations.
  {
    name: 'concurrency 1 with two pools: one at a time',
    in: input(classic(controlPlane('v1.34.1'), md('a', 'v1.33.4'), md('b', 'v1.33.4')), {
      pools: [pool('a'), pool('b')],
    }),
    out: {
      cp: 'v1.34.1',
      stable: true,
      steps: [],
      pools: { a: 'v1.34.1', b: 'v1.33.4' },
      notes: { b: WAITS_ONE },
    },
  },
  {
    name: 'concurrency 2 with two pools: both move',
    in: input(classic(controlPlane('v1.34.1'), md('a', 'v1.33.4'), md('b', 'v1.33.4')), {
      pools: [pool('a'), pool('b')],
      concurrency: 2,
    }),
    out: { cp: 'v1.34.1', stable: true, steps: [], pools: { a: 'v1.34.1', b: 'v1.34.1' } },
  },
  {
    name: 'concurrency 1: a pool still rolling keeps the next one waiting',
    in: input(
      classic(controlPlane('v1.34.1'), md('a', 'v1.34.1', { replicas: rolling(2) }), md('b', 'v1.33.4')),
      { pools: [pool('a'), pool('b')] },
    ),
    out: {
      cp: 'v1.34.1',
      stable: true,
      steps: [],
      pools: { a: 'v1.34.1', b: 'v1.33.4' },
      notes: { b: WAITS_ONE },
    },
  },
  {
    name: 'concurrency 1: once the first pool settled the second moves',
    in: input(classic(controlPlane('v1.34.1'), md('a', 'v1.34.1'), md('b', 'v1.33.4')), {
      pools: [pool('a'), pool('b')],
    }),
    out: { cp: 'v1.34.1', stable: true, steps: [], pools: { a: 'v1.34.1', b: 'v1.34.1' } },
  },
  {
    name: 'defer-upgrade keeps its pool, the next one moves',
    in: input(classic(controlPlane('v1.34.1'), md('a', 'v1.33.4'), md('b', 'v1.33.4')), {
      pools: [pool('a', { deferred: true }), pool('b')],
    }),
    out: {
      cp: 'v1.34.1',
      stable: true,
      steps: [],
      pools: { a: 'v1.33.4', b: 'v1.34.1' },
      notes: { a: deferNote('v1.33.4') },
    },
  },
  {
    name: 'hold-upgrade-sequence keeps its pool and every later one',
    in: input(classic(controlPlane('v1.34.1'), md('a', 'v1.33.4'), md('b', 'v1.33.4'), md('c', 'v1.33.4')), {
      pools: [pool('a'), pool('b', { holdsSequence: true }), pool('c')],
      concurrency: 3,
    }),
    out: {
      cp: 'v1.34.1',
      stable: true,
      steps: [],
      pools: { a: 'v1.34.1', b: 'v1.33.4', c: 'v1.33.4' },
      notes: { b: holdNote('v1.33.4'), c: holdNote('v1.33.4') },
    },
  },
  {
    name: 'defer-upgrade while the control plane is not there yet: the annotation is the note',
    in: input(classic(controlPlane('v1.34.1', 'v1.33.4', { replicas: rolling() }), md('a', 'v1.33.4')), {
      pools: [pool('a', { deferred: true })],
    }),
    out: {
      cp: 'v1.34.1',
      stable: false,
      steps: [],
      pools: { a: 'v1.33.4' },
      notes: { a: deferNote('v1.33.4') },
    },
  },

  // Pools added to a running cluster never start ahead of its control plane.
  {
    name: 'a new pool while the last step rolls starts at the version the control plane reports',
    in: input(classic(controlPlane('v1.34.1', 'v1.33.4', { replicas: rolling() }), md('a', 'v1.33.4')), {
      pools: [pool('a'), pool('new')],
    }),
    out: {
      cp: 'v1.34.1',
      stable: false,
      steps: [],
      pools: { a: 'v1.33.4', new: 'v1.33.4' },
      notes: { a: WAITS_CP },
    },
  },
  {
    name: 'a new pool in the pass that starts a step starts at the version before it',
    in: input(classic(controlPlane('v1.33.4'), md('a', 'v1.33.4')), { pools: [pool('a'), pool('new')] }),
    out: {
      cp: 'v1.34.1',
      started: 'v1.33.4->v1.34.1',
      stable: true,
      steps: ['v1.34.1'],
      pools: { a: 'v1.33.4', new: 'v1.33.4' },
      notes: { a: WAITS_CP },
    },
  },
  {
    name: 'a step starts before the Cluster says initialized: new pools at the reported version, not the step',
    in: input(
      observation({
        cluster: cluster({ controlPlaneInitialized: false }),
        controlPlane: controlPlane('v1.33.4'),
      }),
    ),
    out: {
      cp: 'v1.34.1',
      started: 'v1.33.4->v1.34.1',
      stable: true,
      steps: ['v1.34.1'],
      pools: { a: 'v1.33.4' },
    },
  },
  {
    name: 'a new pool once the control plane is stable at the target starts there',
    in: input(classic(controlPlane('v1.34.1'), md('a', 'v1.34.1')), { pools: [pool('a'), pool('new')] }),
    out: { cp: 'v1.34.1', stable: true, steps: [], pools: { a: 'v1.34.1', new: 'v1.34.1' } },
  },

  // Topology Clusters: Cluster API moves the workers; the next step waits for all of them.
  {
    name: 'topology: fresh, the topology at the target',
    in: input(observation(), { topology: true, pools: [] }),
    out: { cp: 'v1.34.1', stable: false, steps: [], pools: {} },
  },
  {
    name: 'topology: stable at a step, workers still at the previous one: no next step',
    in: input(topology('v1.33.4', controlPlane('v1.33.4'), md('md-0', 'v1.32.8')), {
      topology: true,
      pools: [],
    }),
    out: { cp: 'v1.33.4', stable: true, steps: ['v1.34.1'], pools: {} },
  },
  {
    name: 'topology: workers rolling to the step: no next step',
    in: input(topology('v1.33.4', controlPlane('v1.33.4'), md('md-0', 'v1.33.4', { replicas: rolling(2) })), {
      topology: true,
      pools: [],
    }),
    out: { cp: 'v1.33.4', stable: true, steps: ['v1.34.1'], pools: {} },
  },
  {
    name: 'topology: one of two MachineDeployments settled at the step: no next step',
    in: input(topology('v1.33.4', controlPlane('v1.33.4'), md('md-0', 'v1.33.4'), md('md-1', 'v1.32.8')), {
      topology: true,
      pools: [],
    }),
    out: { cp: 'v1.33.4', stable: true, steps: ['v1.34.1'], pools: {} },
  },
  {
    name: 'topology: every worker settled at the step: the next one starts',
    in: input(topology('v1.33.4', controlPlane('v1.33.4'), md('md-0', 'v1.33.4'), md('md-1', 'v1.33.4')), {
      topology: true,
      pools: [],
    }),
    out: { cp: 'v1.34.1', started: 'v1.33.4->v1.34.1', stable: true, steps: ['v1.34.1'], pools: {} },
  },
  {
    name: 'topology: the version set, the control plane not moved yet: not stable, nothing new',
    in: input(topology('v1.34.1', controlPlane('v1.33.4'), md('md-0', 'v1.33.4')), {
      topology: true,
      pools: [],
    }),
    out: { cp: 'v1.34.1', stable: false, steps: [], pools: {} },
  },
  {
    name: 'topology: the first of two steps starts from a stable cluster',
    in: input(topology('v1.32.8', controlPlane('v1.32.8'), md('md-0', 'v1.32.8')), {
      topology: true,
      pools: [],
    }),
    out: {
      cp: 'v1.33.4',
      started: 'v1.32.8->v1.33.4',
      stable: true,
      steps: ['v1.33.4', 'v1.34.1'],
      pools: {},
    },
  },
];

describe('planCapiRollout', () => {
  it.each(rows)('$name', (r) => {
    expect(outcome(planCapiRollout(r.in))).toEqual({ notes: {}, ...r.out });
  });

  it('reports the control plane version Cluster API reports, without a distribution suffix', () => {
    const r = planCapiRollout(
      input(classic(controlPlane('v1.34.1+k0s.0', 'v1.34.1+k0s.0'), md('a', 'v1.34.1'))),
    );
    expect(r.controlPlaneReported).toBe('v1.34.1');
    expect(r.controlPlaneStable).toBe(true);
    expect(planCapiRollout(input(observation())).controlPlaneReported).toBeUndefined();
  });

  it('names the step a worker pool starts (for its event)', () => {
    const r = planCapiRollout(input(classic(controlPlane('v1.34.1'), md('a', 'v1.33.4'))));
    expect(r.workers.pools).toEqual([
      expect.objectContaining({ name: 'a', version: 'v1.34.1', upgradeFrom: 'v1.33.4' }),
    ]);
    expect(r.workers.pending).toBe(true);
  });
});

/**
 * A pretend Cluster API: whatever version is set is observed one pass later (generation), rolled
 * the pass after (status.version, replicas). Clustermint's passes drive it from v1.32.8 to v1.34.1.
 */
describe('planCapiRollout against a pretend Cluster API', () => {
  interface Obj {
    spec: string;
    status: string;
    /** Passes since the spec changed. */
    age: number;
  }
  const view = (o: Obj) =>
    o.age === 0
      ? { observed: false, status: o.status, replicas: replicas(3) }
      : o.age === 1
        ? { observed: true, status: o.status, replicas: rolling() }
        : { observed: true, status: o.spec, replicas: replicas(3) };
  const set = (o: Obj, v: string): Obj => (v === o.spec ? o : { spec: v, status: o.status, age: 0 });
  const tick = (o: Obj): Obj =>
    o.age >= 2 ? { ...o, status: o.spec, age: o.age + 1 } : { ...o, age: o.age + 1 };

  it.each([
    ['classic', false],
    ['topology', true],
  ])('%s: one minor at a time, workers only after the control plane reports the target', (_, topo) => {
    let cp: Obj = { spec: 'v1.32.8', status: 'v1.32.8', age: 5 };
    let worker: Obj = { spec: 'v1.32.8', status: 'v1.32.8', age: 5 };
    const cpSpecs: string[] = [cp.spec];
    const trace: { cpStatus: string; workerSpec: string }[] = [];
    for (let pass = 0; pass < 30; pass++) {
      const c = view(cp);
      const w = view(worker);
      const observed = observation({
        cluster: cluster(topo ? { topologyVersion: cp.spec } : {}),
        controlPlane: controlPlane(cp.spec, c.status, { observed: c.observed, replicas: c.replicas }),
        machineDeployments: [md('a', worker.spec, { observed: w.observed, replicas: w.replicas })],
      });
      const r = planCapiRollout(input(observed, topo ? { topology: true, pools: [] } : {}));
      // A topology's workers follow its version inside Cluster API once the control plane is there.
      const cpSettled = c.observed && c.status === cp.spec && cp.age >= 2;
      const wantWorker = topo ? (cpSettled ? c.status : worker.spec) : r.poolVersions.get('a')!;
      trace.push({ cpStatus: c.status, workerSpec: wantWorker });
      cp = tick(set(cp, r.controlPlaneVersion));
      worker = tick(set(worker, wantWorker));
      if (cpSpecs.at(-1) !== cp.spec) cpSpecs.push(cp.spec);
    }
    expect(cpSpecs).toEqual(['v1.32.8', 'v1.33.4', 'v1.34.1']);
    expect(cp).toMatchObject({ status: 'v1.34.1' });
    expect(worker).toMatchObject({ spec: 'v1.34.1', status: 'v1.34.1' });
    // No worker is ever asked for a version its control plane does not report on every machine.
    const minor = (v: string) => Number(v.split('.')[1]);
    for (const t of trace) expect(minor(t.workerSpec)).toBeLessThanOrEqual(minor(t.cpStatus));
  });
});

describe('settled', () => {
  it.each<[string, Replicas | undefined, boolean]>([
    ['nothing reported', undefined, false],
    ['every replica there, up to date and ready', replicas(3), true],
    ['no replicas wanted, none there', replicas(0), true],
    ['one missing', replicas(3, { replicas: 2 }), false],
    ['a surge replica still there', replicas(3, { replicas: 4 }), false],
    ['one not up to date', replicas(3, { upToDate: 2 }), false],
    ['one not ready', replicas(3, { ready: 2 }), false],
    ['availability is not asked for', replicas(3, { available: 0 }), true],
  ])('%s: %s', (_, r, want) => {
    expect(settled(r)).toBe(want);
  });
});
