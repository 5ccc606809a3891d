/** capiStatus: what Cluster API reports (and this pass's rollout) in, the deployment's status out. */
import { describe, expect, it } from 'vitest';
import { planCapiRollout } from '../../../src/controller/planners/capi-rollout.js';
import {
  type CapiPoolDesired,
  type CapiStatus,
  capiStatus,
  MAX_LISTED_MACHINES,
} from '../../../src/controller/planners/capi-status.js';
import { KNOWN_KUBERNETES_VERSIONS } from '../../../src/domain/upgrade-path.js';
import type {
  CapiCondition,
  CapiObservation,
  ObservedMachine,
} from '../../../src/providers/capi/observation.js';
import {
  cluster,
  controlPlane,
  machine,
  machineDeployment as md,
  observation,
  replicas,
} from './capi-observed.js';

const desired = (name: string, o: Partial<CapiPoolDesired> = {}): CapiPoolDesired => ({
  name,
  replicas: 2,
  target: 'v1.34.1',
  ...o,
});

interface Setup {
  pools?: CapiPoolDesired[];
  deferred?: string[];
  concurrency?: number;
}

/** The status of Cluster `dev` (3 control-plane machines, pools a and b of 2 at v1.34.1), its rollout planned as a pass would. */
function status(observed: CapiObservation, s: Setup = {}): CapiStatus {
  const pools = s.pools ?? [desired('a'), desired('b')];
  const rollout = planCapiRollout({
    topology: false,
    controlPlaneTarget: 'v1.34.1',
    pools: pools.map((p) => ({
      name: p.name,
      target: p.target,
      deferred: s.deferred?.includes(p.name) ?? false,
      holdsSequence: false,
    })),
    observed,
    knownVersions: KNOWN_KUBERNETES_VERSIONS,
    concurrency: s.concurrency ?? 1,
  });
  return capiStatus({
    clusterName: 'dev',
    controlPlaneTarget: 'v1.34.1',
    controlPlaneReplicas: 3,
    pools,
    observed,
    rollout,
  });
}

const conditions = (st: CapiStatus) =>
  st.conditions.map((c) => `${c.type}=${c.status}/${c.reason}: ${c.message}`);

/** A running cluster at v1.34.1 with pools a and b, overridable. */
const running = (o: Partial<CapiObservation> = {}): CapiObservation =>
  observation({
    cluster: cluster(),
    controlPlane: controlPlane('v1.34.1'),
    machineDeployments: [md('a', 'v1.34.1'), md('b', 'v1.34.1')],
    ...o,
  });

const notAvailable = (message?: string): CapiCondition => ({
  type: 'Available',
  status: 'False',
  reason: 'NotAvailable',
  ...(message ? { message } : {}),
});

interface ConditionRow {
  name: string;
  observed: CapiObservation;
  setup?: Setup;
  conditions: [infrastructure: string, controlPlane: string, workers: string];
  workersReady: boolean;
  k8sVersion?: string;
  endpoint?: string;
}

const conditionRows: ConditionRow[] = [
  {
    name: 'nothing in the management cluster',
    observed: observation(),
    conditions: [
      'InfrastructureReady=False/ClusterNotFound: Cluster dev does not exist in the management cluster',
      'ControlPlaneReady=False/WaitingForControlPlane: waiting for Cluster API to create the control plane of Cluster dev',
      'WorkersReady=False/WaitingForControlPlane: 0/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: false,
  },
  {
    name: "infrastructure provisioning: Cluster API's message, one line",
    observed: observation({
      cluster: cluster({
        infrastructureProvisioned: false,
        controlPlaneInitialized: false,
        endpoint: undefined,
        conditions: [
          {
            type: 'InfrastructureReady',
            status: 'False',
            reason: 'NotReady',
            message: '* DevCluster dev:\n  * LoadBalancerAvailable: waiting for the load balancer',
          },
        ],
      }),
    }),
    conditions: [
      'InfrastructureReady=False/Provisioning: * DevCluster dev:; * LoadBalancerAvailable: waiting for the load balancer',
      'ControlPlaneReady=False/WaitingForControlPlane: waiting for Cluster API to create the control plane of Cluster dev',
      'WorkersReady=False/WaitingForControlPlane: 0/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: false,
  },
  {
    name: 'infrastructure provisioning without a message',
    observed: observation({
      cluster: cluster({
        infrastructureProvisioned: false,
        controlPlaneInitialized: false,
        endpoint: undefined,
      }),
    }),
    conditions: [
      'InfrastructureReady=False/Provisioning: waiting for the infrastructure provider',
      'ControlPlaneReady=False/WaitingForControlPlane: waiting for Cluster API to create the control plane of Cluster dev',
      'WorkersReady=False/WaitingForControlPlane: 0/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: false,
  },
  {
    name: "control plane being created: Cluster API's Available reason and message",
    observed: observation({
      cluster: cluster({ controlPlaneInitialized: false }),
      controlPlane: controlPlane('v1.34.1', null, {
        initialized: false,
        replicas: replicas(3, { replicas: 1, ready: 0, available: 0, upToDate: 1 }),
        conditions: [notAvailable('Control plane not yet initialized')],
      }),
    }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=False/NotAvailable: 0/3 control-plane machines ready: Control plane not yet initialized',
      'WorkersReady=False/WaitingForControlPlane: 0/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: false,
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'control plane without an Available condition yet',
    observed: observation({
      cluster: cluster({ controlPlaneInitialized: false }),
      controlPlane: controlPlane('v1.34.1', null, {
        initialized: false,
        replicas: replicas(3, { replicas: 0, ready: 0, available: 0, upToDate: 0 }),
        conditions: [],
      }),
    }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=False/Provisioning: 0/3 control-plane machines ready: Cluster API is creating the control plane',
      'WorkersReady=False/WaitingForControlPlane: 0/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: false,
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'everything ready at the target',
    observed: running(),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=True/Ready: 3/3 control-plane machines ready at v1.34.1',
      'WorkersReady=True/Ready: 4/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: true,
    k8sVersion: 'v1.34.1',
    endpoint: '10.0.0.1:6443',
  },
  {
    name: "control plane mid-roll: not ready, in Cluster API's RollingOut words, no k8sVersion",
    observed: running({
      controlPlane: controlPlane('v1.34.1', 'v1.33.4', {
        replicas: replicas(3, { replicas: 4, upToDate: 1 }),
        conditions: [
          { type: 'Available', status: 'True', reason: 'Available' },
          {
            type: 'RollingOut',
            status: 'True',
            reason: 'RollingOut',
            message: 'Rolling out 2 not up-to-date replicas\n* Version v1.33.4, v1.34.1 required',
          },
        ],
      }),
      machineDeployments: [md('a', 'v1.33.4'), md('b', 'v1.33.4')],
    }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=False/RollingOut: 3/3 control-plane machines ready at v1.33.4: Rolling out 2 not up-to-date replicas; * Version v1.33.4, v1.34.1 required',
      'WorkersReady=True/Ready: 4/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: true,
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'control plane available, its new spec not observed yet: rolling out, not being created',
    observed: running({
      controlPlane: controlPlane('v1.34.1', 'v1.33.4', { observed: false }),
      machineDeployments: [md('a', 'v1.33.4'), md('b', 'v1.33.4')],
    }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=False/RollingOut: 3/3 control-plane machines ready at v1.33.4: Cluster API is rolling out v1.34.1',
      'WorkersReady=True/Ready: 4/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: true,
    endpoint: '10.0.0.1:6443',
  },
  {
    name: "control plane scaling up: Cluster API's ScalingUp words",
    observed: running({
      controlPlane: controlPlane('v1.34.1', 'v1.34.1', {
        replicas: replicas(5, { replicas: 4, ready: 3, available: 3, upToDate: 4 }),
        conditions: [
          { type: 'Available', status: 'True', reason: 'Available' },
          { type: 'RollingOut', status: 'False', reason: 'NotRollingOut' },
          {
            type: 'ScalingUp',
            status: 'True',
            reason: 'ScalingUp',
            message: 'Scaling up from 4 to 5 replicas',
          },
        ],
      }),
    }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=False/ScalingUp: 3/5 control-plane machines ready at v1.34.1: Scaling up from 4 to 5 replicas',
      'WorkersReady=True/Ready: 4/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: true,
    endpoint: '10.0.0.1:6443',
  },
  {
    name: "control plane not available: Cluster API's multi-line message on one line",
    observed: running({
      controlPlane: controlPlane('v1.34.1', 'v1.34.1', {
        replicas: replicas(3, { ready: 1, available: 1 }),
        conditions: [
          notAvailable(
            '* 2 of 3 etcd members are not healthy\n* Machine dev-cp-x: APIServerPodHealthy: not ready',
          ),
        ],
      }),
    }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=False/NotAvailable: 1/3 control-plane machines ready at v1.34.1: * 2 of 3 etcd members are not healthy; * Machine dev-cp-x: APIServerPodHealthy: not ready',
      'WorkersReady=True/Ready: 4/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: true,
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'an unready MachineDeployment: its Available message',
    observed: running({
      machineDeployments: [
        md('a', 'v1.34.1'),
        md('b', 'v1.34.1', {
          replicas: replicas(2, { ready: 1, available: 1, upToDate: 1 }),
          conditions: [
            notAvailable(
              '1 available replicas, at least 2 required (spec.strategy.rollout.maxUnavailable is 0, spec.replicas is 2)',
            ),
          ],
        }),
      ],
    }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=True/Ready: 3/3 control-plane machines ready at v1.34.1',
      'WorkersReady=False/RollingOut: 3/4 worker machines ready in 2 MachineDeployment(s); b: 1 available replicas, at least 2 required (spec.strategy.rollout.maxUnavailable is 0, spec.replicas is 2)',
    ],
    workersReady: false,
    k8sVersion: 'v1.34.1',
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'an unready MachineDeployment without a message: its counts',
    observed: running({
      machineDeployments: [
        md('a', 'v1.34.1', { replicas: replicas(2, { ready: 0, available: 0 }), conditions: [] }),
        md('b', 'v1.34.1'),
      ],
    }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=True/Ready: 3/3 control-plane machines ready at v1.34.1',
      'WorkersReady=False/RollingOut: 2/4 worker machines ready in 2 MachineDeployment(s); a: 0/2 ready',
    ],
    workersReady: false,
    k8sVersion: 'v1.34.1',
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'a MachineDeployment whose spec Cluster API has not observed is not ready',
    observed: running({ machineDeployments: [md('a', 'v1.34.1', { observed: false }), md('b', 'v1.34.1')] }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=True/Ready: 3/3 control-plane machines ready at v1.34.1',
      'WorkersReady=False/RollingOut: 4/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: false,
    k8sVersion: 'v1.34.1',
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'a MachineDeployment not created yet counts its rendered replicas',
    observed: running({ machineDeployments: [md('a', 'v1.34.1')] }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=True/Ready: 3/3 control-plane machines ready at v1.34.1',
      'WorkersReady=False/RollingOut: 2/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: false,
    k8sVersion: 'v1.34.1',
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'a MachineDeployment of no replicas not created yet is ready',
    observed: running({ machineDeployments: [md('a', 'v1.34.1')] }),
    setup: { pools: [desired('a'), desired('b', { replicas: 0 })] },
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=True/Ready: 3/3 control-plane machines ready at v1.34.1',
      'WorkersReady=True/Ready: 2/2 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: true,
    k8sVersion: 'v1.34.1',
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'a deferred pool that is available counts as ready though not up to date',
    observed: running({
      machineDeployments: [
        md('a', 'v1.33.4', { replicas: replicas(2, { upToDate: 1 }) }),
        md('b', 'v1.34.1'),
      ],
    }),
    setup: { deferred: ['a'] },
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=True/Ready: 3/3 control-plane machines ready at v1.34.1',
      'WorkersReady=True/Ready: 4/4 worker machines ready in 2 MachineDeployment(s)',
    ],
    workersReady: true,
    k8sVersion: 'v1.34.1',
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'the same pool not deferred is rolling',
    observed: running({
      machineDeployments: [
        md('a', 'v1.34.1', { replicas: replicas(2, { upToDate: 1 }) }),
        md('b', 'v1.34.1'),
      ],
    }),
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=True/Ready: 3/3 control-plane machines ready at v1.34.1',
      'WorkersReady=False/RollingOut: 4/4 worker machines ready in 2 MachineDeployment(s); a: 2/2 ready',
    ],
    workersReady: false,
    k8sVersion: 'v1.34.1',
    endpoint: '10.0.0.1:6443',
  },
  {
    name: 'a deferred pool short of available replicas is not ready',
    observed: running({
      machineDeployments: [
        md('a', 'v1.33.4', {
          replicas: replicas(2, { ready: 1, available: 1 }),
          conditions: [notAvailable()],
        }),
        md('b', 'v1.34.1'),
      ],
    }),
    setup: { deferred: ['a'] },
    conditions: [
      'InfrastructureReady=True/Provisioned: Cluster API provisioned the infrastructure of Cluster dev',
      'ControlPlaneReady=True/Ready: 3/3 control-plane machines ready at v1.34.1',
      'WorkersReady=False/RollingOut: 3/4 worker machines ready in 2 MachineDeployment(s); a: 1/2 ready',
    ],
    workersReady: false,
    k8sVersion: 'v1.34.1',
    endpoint: '10.0.0.1:6443',
  },
];

describe('capiStatus conditions', () => {
  it.each(conditionRows)('$name', (r) => {
    const st = status(r.observed, r.setup);
    expect(conditions(st)).toEqual(r.conditions);
    expect(st.workersReady).toBe(r.workersReady);
    expect(st.k8sVersion).toBe(r.k8sVersion);
    expect(st.endpoint).toBe(r.endpoint);
  });
});

describe('capiStatus pools and control plane', () => {
  it.each<{
    name: string;
    observed: CapiObservation;
    setup?: Setup;
    controlPlane: object;
    pools: string[];
  }>([
    {
      name: 'nothing observed: the rendered shape, pools waiting for the control plane',
      observed: observation(),
      controlPlane: { name: 'dev', version: 'v1.34.1', replicas: 3, readyReplicas: 0, initialized: false },
      pools: [
        'a v1.34.1->v1.34.1 0/2 ready 0 updated [waiting for the control plane]',
        'b v1.34.1->v1.34.1 0/2 ready 0 updated [waiting for the control plane]',
      ],
    },
    {
      name: 'workers waiting for the control plane mid-upgrade: the version Cluster API runs, the sequencer note',
      observed: running({
        controlPlane: controlPlane('v1.34.1', 'v1.33.4', {
          replicas: replicas(3, { replicas: 4, upToDate: 1 }),
        }),
        machineDeployments: [md('a', 'v1.33.4'), md('b', 'v1.33.4')],
      }),
      controlPlane: {
        name: 'dev-cp',
        version: 'v1.33.4',
        targetVersion: 'v1.34.1',
        updatedReplicas: 1,
        initialized: true,
      },
      pools: [
        'a v1.33.4->v1.34.1 2/2 ready 2 updated [waits for the control plane to reach v1.34.1]',
        'b v1.33.4->v1.34.1 2/2 ready 2 updated [waits for the control plane to reach v1.34.1]',
      ],
    },
    {
      name: 'concurrency 1: the first pool moves (Cluster API still shows its old spec), the second waits',
      observed: running({ machineDeployments: [md('a', 'v1.33.4'), md('b', 'v1.33.4')] }),
      controlPlane: { name: 'dev-cp', version: 'v1.34.1', readyReplicas: 3, updatedReplicas: 3 },
      pools: [
        'a v1.33.4->v1.34.1 2/2 ready 2 updated',
        'b v1.33.4->v1.34.1 2/2 ready 2 updated [waits: 1 MachineDeployment(s) upgrading (topology.cluster.x-k8s.io/upgrade-concurrency 1)]',
      ],
    },
    {
      name: 'a deferred pool says so',
      observed: running({ machineDeployments: [md('a', 'v1.33.4'), md('b', 'v1.34.1')] }),
      setup: { deferred: ['a'] },
      controlPlane: { version: 'v1.34.1' },
      pools: [
        'a v1.33.4->v1.34.1 2/2 ready 2 updated [topology.cluster.x-k8s.io/defer-upgrade: stays at v1.33.4]',
        'b v1.34.1->v1.34.1 2/2 ready 2 updated',
      ],
    },
    {
      name: "a MachineDeployment's own replica count wins over the rendered one",
      observed: running({
        machineDeployments: [md('a', 'v1.34.1', { replicas: replicas(5, { ready: 4 }) }), md('b', 'v1.34.1')],
      }),
      controlPlane: { version: 'v1.34.1' },
      pools: ['a v1.34.1->v1.34.1 4/5 ready 5 updated', 'b v1.34.1->v1.34.1 2/2 ready 2 updated'],
    },
  ])('$name', (r) => {
    const st = status(r.observed, r.setup);
    expect(st.controlPlane).toMatchObject(r.controlPlane);
    expect(
      st.machineDeployments.map(
        (p) =>
          `${p.name} ${p.version}->${p.targetVersion} ${p.readyReplicas}/${p.replicas} ready ${p.updatedReplicas} updated${p.note ? ` [${p.note}]` : ''}`,
      ),
    ).toEqual(r.pools);
  });
});

describe('capiStatus machines', () => {
  const cp = (name: string, o: Partial<ObservedMachine> = {}) =>
    machine(name, { role: 'control-plane', ...o });
  const w = (name: string, pool: string, o: Partial<ObservedMachine> = {}) => machine(name, { pool, ...o });

  it('lists the control plane first, then workers, each by name; counts live machines; the failure', () => {
    const st = status(
      running({
        machines: [
          w('dev-b-2', 'b'),
          cp('dev-cp-2'),
          w('dev-a-9', 'a', { phase: 'Failed', message: 'Bootstrap failed: cloud-init exited 1' }),
          w('dev-a-1', 'a', { deleting: true }),
          cp('dev-cp-1'),
          w('dev-b-1', 'b', { phase: 'Provisioning', nodeName: undefined, version: undefined }),
          w('dev-a-2', 'a', { message: 'NodeHealthy: kubelet stopped posting status' }),
          w('dev-a-3', 'a', { phase: 'Deleting', deleting: true }),
        ],
      }),
    );
    expect(st.machineList).toEqual([
      { name: 'dev-cp-1', role: 'control-plane', phase: 'Running', version: 'v1.34.1', node: 'dev-cp-1' },
      { name: 'dev-cp-2', role: 'control-plane', phase: 'Running', version: 'v1.34.1', node: 'dev-cp-2' },
      { name: 'dev-a-1', role: 'worker', pool: 'a', phase: 'Deleting', version: 'v1.34.1', node: 'dev-a-1' },
      {
        name: 'dev-a-2',
        role: 'worker',
        pool: 'a',
        phase: 'Running',
        version: 'v1.34.1',
        node: 'dev-a-2',
        message: 'NodeHealthy: kubelet stopped posting status',
      },
      { name: 'dev-a-3', role: 'worker', pool: 'a', phase: 'Deleting', version: 'v1.34.1', node: 'dev-a-3' },
      {
        name: 'dev-a-9',
        role: 'worker',
        pool: 'a',
        phase: 'Failed',
        version: 'v1.34.1',
        node: 'dev-a-9',
        message: 'Bootstrap failed: cloud-init exited 1',
      },
      { name: 'dev-b-1', role: 'worker', pool: 'b', phase: 'Provisioning' },
      { name: 'dev-b-2', role: 'worker', pool: 'b', phase: 'Running', version: 'v1.34.1', node: 'dev-b-2' },
    ]);
    // Running, not deleting, no unhappy condition: dev-cp-1, dev-cp-2, dev-b-2.
    expect(st.machines).toEqual({
      total: 6,
      ready: 3,
      controlPlane: { desired: 3, ready: 3, upToDate: 3 },
      workers: { desired: 4, ready: 4, upToDate: 4 },
    });
    expect(st.failure).toEqual({ machine: 'dev-a-9', message: 'Bootstrap failed: cloud-init exited 1' });
  });

  it.each<[string, ObservedMachine[], CapiStatus['failure']]>([
    [
      'no failed machine: no failure',
      [w('dev-a-1', 'a'), w('dev-a-2', 'a', { phase: 'Provisioning' })],
      undefined,
    ],
    [
      'a failed machine without a message',
      [w('dev-a-1', 'a'), w('dev-a-2', 'a', { phase: 'Failed' })],
      { machine: 'dev-a-2', message: 'Cluster API reports phase Failed' },
    ],
    [
      'two failed machines: the first reported',
      [w('dev-b-1', 'b', { phase: 'Failed', message: 'b broke' }), w('dev-a-1', 'a', { phase: 'Failed' })],
      { machine: 'dev-b-1', message: 'b broke' },
    ],
  ])('%s', (_, machines, failure) => {
    expect(status(running({ machines })).failure).toEqual(failure);
  });

  it(`lists at most ${MAX_LISTED_MACHINES} machines, the control plane first; the counts cover all`, () => {
    const workers = Array.from({ length: 60 }, (_, i) => w(`dev-a-${String(i).padStart(2, '0')}`, 'a'));
    const st = status(
      running({ machines: [...workers.reverse(), cp('dev-cp-3'), cp('dev-cp-1'), cp('dev-cp-2')] }),
    );
    expect(MAX_LISTED_MACHINES).toBe(50);
    expect(st.machineList).toHaveLength(MAX_LISTED_MACHINES);
    expect(st.machineList.slice(0, 4).map((m) => m.name)).toEqual([
      'dev-cp-1',
      'dev-cp-2',
      'dev-cp-3',
      'dev-a-00',
    ]);
    expect(st.machineList.at(-1)?.name).toBe('dev-a-46');
    expect(st.machines.total).toBe(63);
    expect(st.machines.ready).toBe(63);
  });
});
