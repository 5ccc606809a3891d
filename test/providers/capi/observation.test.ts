/** Cluster API v1beta2 objects in, the observation the reconciler decides from out (observation.ts). */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/k8s/object.js';
import {
  conditionsOf,
  observeCluster,
  observeControlPlane,
  observeMachine,
  observeMachineDeployment,
} from '../../../src/providers/capi/observation.js';

/** A stored object as the apiserver returns it; `meta` overrides its metadata. */
function kube(
  apiVersion: string,
  kind: string,
  name: string,
  body: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: 'team-a',
      uid: `uid-${name}`,
      resourceVersion: '7',
      generation: 2,
      creationTimestamp: '2025-01-01T00:00:00Z',
      ...meta,
    },
    ...body,
  } as KubeObject;
}

const capiCluster = (body: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) =>
  kube('cluster.x-k8s.io/v1beta2', 'Cluster', 'dev', body, meta);
const kcp = (body: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) =>
  kube('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', 'dev-cp', body, meta);
const machineDeployment = (
  name: string,
  body: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
) => kube('cluster.x-k8s.io/v1beta2', 'MachineDeployment', name, body, meta);
const capiMachine = (name: string, body: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) =>
  kube('cluster.x-k8s.io/v1beta2', 'Machine', name, body, meta);

const NONE = new Map<string, string>();

describe('conditionsOf', () => {
  it.each<[string, unknown, unknown[]]>([
    ['no object', undefined, []],
    ['no status', { metadata: {} }, []],
    ['status not an object', { status: 'Ready' }, []],
    ['conditions not a list', { status: { conditions: { Ready: 'True' } } }, []],
    [
      'a full condition',
      {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Ready',
              message: 'all good',
              lastTransitionTime: '2025-01-01T00:00:00Z',
              observedGeneration: 2,
            },
          ],
        },
      },
      [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'all good' }],
    ],
    [
      'entries without a type, or not objects, are skipped',
      {
        status: {
          conditions: [null, 'Ready', 3, [], { status: 'True' }, { type: 5 }, { type: 'Available' }],
        },
      },
      [{ type: 'Available', status: 'Unknown' }],
    ],
    [
      'a status that is not True or False is Unknown',
      {
        status: {
          conditions: [
            { type: 'A', status: 'maybe' },
            { type: 'B', status: true },
            { type: 'C', status: 'Unknown' },
            { type: 'D', status: 'False' },
          ],
        },
      },
      [
        { type: 'A', status: 'Unknown' },
        { type: 'B', status: 'Unknown' },
        { type: 'C', status: 'Unknown' },
        { type: 'D', status: 'False' },
      ],
    ],
    [
      'a reason that is not a string and an empty message are left out',
      { status: { conditions: [{ type: 'Ready', status: 'False', reason: 3, message: '' }] } },
      [{ type: 'Ready', status: 'False' }],
    ],
  ])('%s', (_, o, want) => {
    expect(conditionsOf(o)).toEqual(want);
  });
});

describe('observeCluster', () => {
  it('reads a provisioned v1beta2 Cluster', () => {
    const o = capiCluster(
      {
        spec: {
          controlPlaneEndpoint: { host: '10.0.0.1', port: 6443 },
          controlPlaneRef: {
            apiGroup: 'controlplane.cluster.x-k8s.io',
            kind: 'KubeadmControlPlane',
            name: 'dev-cp',
          },
          infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DevCluster', name: 'dev' },
        },
        status: {
          phase: 'Provisioned',
          initialization: { infrastructureProvisioned: true, controlPlaneInitialized: true },
          conditions: [
            { type: 'Available', status: 'True', reason: 'Available' },
            { type: 'InfrastructureReady', status: 'True', reason: 'Ready' },
          ],
          controlPlane: {
            desiredReplicas: 3,
            replicas: 3,
            readyReplicas: 2,
            availableReplicas: 3,
            upToDateReplicas: 3,
          },
          workers: {
            desiredReplicas: 4,
            replicas: 5,
            readyReplicas: 4,
            availableReplicas: 4,
            upToDateReplicas: 1,
          },
        },
      },
      { deletionTimestamp: '2025-01-02T00:00:00Z' },
    );
    expect(observeCluster(o)).toEqual({
      name: 'dev',
      uid: 'uid-dev',
      deleting: true,
      phase: 'Provisioned',
      infrastructureProvisioned: true,
      controlPlaneInitialized: true,
      endpoint: '10.0.0.1:6443',
      controlPlaneRef: {
        apiGroup: 'controlplane.cluster.x-k8s.io',
        kind: 'KubeadmControlPlane',
        name: 'dev-cp',
      },
      conditions: [
        { type: 'Available', status: 'True', reason: 'Available' },
        { type: 'InfrastructureReady', status: 'True', reason: 'Ready' },
      ],
      controlPlane: { desired: 3, replicas: 3, ready: 2, available: 3, upToDate: 3 },
      workers: { desired: 4, replicas: 5, ready: 4, available: 4, upToDate: 1 },
    });
  });

  it('reads a topology Cluster: its version', () => {
    const o = capiCluster({ spec: { topology: { classRef: { name: 'dev' }, version: 'v1.33.4' } } });
    expect(observeCluster(o)).toMatchObject({ topologyVersion: 'v1.33.4' });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'a new Cluster without status',
      { spec: {} },
      {
        name: 'dev',
        uid: 'uid-dev',
        deleting: false,
        infrastructureProvisioned: false,
        controlPlaneInitialized: false,
        conditions: [],
      },
    ],
    [
      'an endpoint without a port: the host',
      { spec: { controlPlaneEndpoint: { host: 'api.dev' } } },
      { endpoint: 'api.dev' },
    ],
    [
      'an endpoint with port 0: the host',
      { spec: { controlPlaneEndpoint: { host: 'api.dev', port: 0 } } },
      { endpoint: 'api.dev' },
    ],
    [
      'an endpoint with an empty host: none',
      { spec: { controlPlaneEndpoint: { host: '', port: 6443 } } },
      {},
    ],
    [
      'initialization flags that are not booleans: not initialized',
      { status: { initialization: { infrastructureProvisioned: 'true', controlPlaneInitialized: 1 } } },
      { infrastructureProvisioned: false, controlPlaneInitialized: false },
    ],
    [
      'v1beta1 initialization fields are not read',
      { status: { infrastructureReady: true, controlPlaneReady: true } },
      { infrastructureProvisioned: false, controlPlaneInitialized: false },
    ],
    [
      'a v1beta1-style controlPlaneRef: kind and name, no apiGroup',
      {
        spec: {
          controlPlaneRef: {
            apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
            kind: 'KubeadmControlPlane',
            name: 'dev-cp',
          },
        },
      },
      { controlPlaneRef: { kind: 'KubeadmControlPlane', name: 'dev-cp' } },
    ],
    [
      'a controlPlaneRef without a name: none',
      { spec: { controlPlaneRef: { kind: 'KubeadmControlPlane' } } },
      {},
    ],
    [
      'a controlPlaneRef with an empty name: none',
      { spec: { controlPlaneRef: { kind: 'K', name: '' } } },
      {},
    ],
    [
      'a controlPlaneRef with a kind not a string: none',
      { spec: { controlPlaneRef: { kind: 3, name: 'x' } } },
      {},
    ],
    [
      'an apiGroup that is not a string is left out',
      { spec: { controlPlaneRef: { kind: 'K', name: 'x', apiGroup: 7 } } },
      { controlPlaneRef: { kind: 'K', name: 'x' } },
    ],
    ['a topology without a version: none', { spec: { topology: { classRef: { name: 'dev' } } } }, {}],
    ['a topology version that is not a string: none', { spec: { topology: { version: 1.33 } } }, {}],
    [
      'replica summaries that are not objects: none',
      { status: { controlPlane: [3], workers: 'four' } },
      { infrastructureProvisioned: false },
    ],
    [
      'replica counts that are not numbers: zero',
      { status: { controlPlane: { desiredReplicas: '3', replicas: null, readyReplicas: true } } },
      { controlPlane: { desired: 0, replicas: 0, ready: 0, available: 0, upToDate: 0 } },
    ],
  ])('%s', (_, body, want) => {
    const got = observeCluster(capiCluster(body));
    expect(got).toMatchObject(want);
    // What the row does not name is absent.
    for (const k of ['endpoint', 'controlPlaneRef', 'topologyVersion', 'controlPlane', 'workers', 'phase'])
      if (!(k in want)) expect(got).not.toHaveProperty(k);
  });
});

describe('observeControlPlane', () => {
  const status = {
    version: 'v1.33.4',
    replicas: 4,
    readyReplicas: 3,
    availableReplicas: 3,
    upToDateReplicas: 1,
    observedGeneration: 2,
    initialization: { controlPlaneInitialized: true },
    conditions: [{ type: 'Available', status: 'True', reason: 'Available' }],
  };

  it('reads a v1beta2 KubeadmControlPlane mid-roll', () => {
    expect(observeControlPlane(kcp({ spec: { replicas: 3, version: 'v1.34.1' }, status }))).toEqual({
      kind: 'KubeadmControlPlane',
      name: 'dev-cp',
      specVersion: 'v1.34.1',
      version: 'v1.33.4',
      initialized: true,
      replicas: { desired: 3, replicas: 4, ready: 3, available: 3, upToDate: 1 },
      observed: true,
      conditions: [{ type: 'Available', status: 'True', reason: 'Available' }],
    });
  });

  it.each<[string, KubeObject, Record<string, unknown>]>([
    [
      'observedGeneration behind the generation: not observed',
      kcp({ spec: { replicas: 3 }, status: { ...status, observedGeneration: 1 } }),
      { observed: false },
    ],
    [
      'observedGeneration ahead (a generation not read back yet): observed',
      kcp({ spec: { replicas: 3 }, status: { ...status, observedGeneration: 3 } }),
      { observed: true },
    ],
    [
      'no status: nothing observed, nothing initialized',
      kcp({ spec: { replicas: 3, version: 'v1.34.1' } }),
      {
        observed: false,
        initialized: false,
        replicas: { desired: 3, replicas: 0, ready: 0, available: 0, upToDate: 0 },
      },
    ],
    [
      'no spec.replicas: desired is what the status counts',
      kcp({ spec: {}, status: { replicas: 1, readyReplicas: 1, upToDateReplicas: 1 } }),
      { replicas: { desired: 1, replicas: 1, ready: 1, available: 0, upToDate: 1 } },
    ],
    [
      'no generation: observed once Cluster API has written any observedGeneration',
      kcp({ status: { observedGeneration: 0 } }, { generation: undefined }),
      { observed: true },
    ],
    [
      'counts and versions of the wrong type are ignored',
      kcp({
        spec: { replicas: '3', version: 134 },
        status: {
          version: '',
          replicas: '4',
          readyReplicas: null,
          observedGeneration: '2',
          initialization: true,
        },
      }),
      {
        observed: false,
        initialized: false,
        replicas: { desired: 0, replicas: 0, ready: 0, available: 0, upToDate: 0 },
      },
    ],
  ])('%s', (_, o, want) => {
    const got = observeControlPlane(o);
    expect(got).toMatchObject(want);
    if (!(o.status as { version?: string } | undefined)?.version) expect(got).not.toHaveProperty('version');
  });

  it('reads no version that is not a string or is empty', () => {
    const got = observeControlPlane(kcp({ spec: { version: 134 }, status: { version: '' } }));
    expect(got).not.toHaveProperty('specVersion');
    expect(got).not.toHaveProperty('version');
  });
});

describe('observeMachineDeployment', () => {
  const status = {
    replicas: 3,
    readyReplicas: 2,
    availableReplicas: 2,
    upToDateReplicas: 1,
    observedGeneration: 2,
    conditions: [
      { type: 'Available', status: 'False', reason: 'NotAvailable', message: '2 available, 3 required' },
    ],
  };

  it.each<[string, KubeObject, Record<string, unknown>]>([
    [
      'a rendered MachineDeployment: its name is the pool',
      machineDeployment('dev-md-0', {
        spec: { replicas: 3, template: { spec: { version: 'v1.34.1' } } },
        status,
      }),
      {
        name: 'dev-md-0',
        pool: 'dev-md-0',
        specVersion: 'v1.34.1',
        replicas: { desired: 3, replicas: 3, ready: 2, available: 2, upToDate: 1 },
        observed: true,
        conditions: [
          { type: 'Available', status: 'False', reason: 'NotAvailable', message: '2 available, 3 required' },
        ],
      },
    ],
    [
      "a topology MachineDeployment: the topology's name is the pool",
      machineDeployment(
        'dev-md-0-x7k2p',
        {
          spec: { replicas: 2, template: { spec: { version: 'v1.33.4' } } },
          status: { observedGeneration: 1 },
        },
        {
          labels: {
            'topology.cluster.x-k8s.io/deployment-name': 'md-0',
            'cluster.x-k8s.io/cluster-name': 'dev',
          },
        },
      ),
      {
        name: 'dev-md-0-x7k2p',
        pool: 'md-0',
        specVersion: 'v1.33.4',
        replicas: { desired: 2, replicas: 0, ready: 0, available: 0, upToDate: 0 },
        observed: false,
        conditions: [],
      },
    ],
    [
      'no status, a template of the wrong type: no version, nothing observed',
      machineDeployment('dev-md-1', { spec: { replicas: 1, template: 'v1.34.1' } }),
      {
        name: 'dev-md-1',
        pool: 'dev-md-1',
        replicas: { desired: 1, replicas: 0, ready: 0, available: 0, upToDate: 0 },
        observed: false,
        conditions: [],
      },
    ],
  ])('%s', (_, o, want) => {
    expect(observeMachineDeployment(o)).toEqual(want);
  });
});

describe('observeMachine', () => {
  const poolOf = new Map([['dev-md-0-x7k2p', 'md-0']]);
  const cpLabels = { 'cluster.x-k8s.io/cluster-name': 'dev', 'cluster.x-k8s.io/control-plane': '' };
  const running = { phase: 'Running', nodeRef: { name: 'node-1' } };

  it.each<[string, KubeObject, ReadonlyMap<string, string>, Record<string, unknown>]>([
    [
      'a running control-plane machine (the label has an empty value)',
      capiMachine(
        'dev-cp-abcde',
        {
          spec: { version: 'v1.34.1' },
          status: { ...running, conditions: [{ type: 'Ready', status: 'True' }] },
        },
        { labels: cpLabels },
      ),
      NONE,
      {
        name: 'dev-cp-abcde',
        role: 'control-plane',
        phase: 'Running',
        version: 'v1.34.1',
        nodeName: 'node-1',
        deleting: false,
      },
    ],
    [
      'a worker of a rendered MachineDeployment: its name is the pool',
      capiMachine(
        'dev-md-0-abc-x',
        { status: running },
        { labels: { 'cluster.x-k8s.io/deployment-name': 'dev-md-0' } },
      ),
      NONE,
      {
        name: 'dev-md-0-abc-x',
        role: 'worker',
        pool: 'dev-md-0',
        phase: 'Running',
        nodeName: 'node-1',
        deleting: false,
      },
    ],
    [
      "a worker of a topology MachineDeployment: the topology's name from the deployment map",
      capiMachine(
        'dev-md-0-x7k2p-1',
        { status: running },
        { labels: { 'cluster.x-k8s.io/deployment-name': 'dev-md-0-x7k2p' } },
      ),
      poolOf,
      { role: 'worker', pool: 'md-0' },
    ],
    [
      "a worker with the topology's label: the label wins",
      capiMachine(
        'dev-md-1-y-1',
        { status: running },
        {
          labels: {
            'cluster.x-k8s.io/deployment-name': 'dev-md-0-x7k2p',
            'topology.cluster.x-k8s.io/deployment-name': 'md-1',
          },
        },
      ),
      poolOf,
      { role: 'worker', pool: 'md-1' },
    ],
    [
      'a worker of no MachineDeployment: no pool',
      capiMachine('loose', { status: running }),
      poolOf,
      { name: 'loose', role: 'worker', phase: 'Running', nodeName: 'node-1', deleting: false },
    ],
    [
      'a control-plane machine ignores a deployment label',
      capiMachine(
        'dev-cp-1',
        { status: running },
        { labels: { ...cpLabels, 'cluster.x-k8s.io/deployment-name': 'x' } },
      ),
      NONE,
      { name: 'dev-cp-1', role: 'control-plane', phase: 'Running', nodeName: 'node-1', deleting: false },
    ],
    [
      "not Ready: Cluster API's message",
      capiMachine('m', {
        status: {
          ...running,
          conditions: [
            { type: 'Ready', status: 'False', reason: 'NotReady', message: '* NodeHealthy: Node not ready' },
            { type: 'Available', status: 'False', reason: 'NotAvailable', message: 'not available' },
          ],
        },
      }),
      NONE,
      { message: '* NodeHealthy: Node not ready' },
    ],
    [
      'Ready without a message, not Available with one: the Available message',
      capiMachine('m', {
        status: {
          ...running,
          conditions: [
            { type: 'Available', status: 'False', reason: 'NotAvailable', message: 'not available' },
            { type: 'Ready', status: 'False', reason: 'NotReady' },
          ],
        },
      }),
      NONE,
      { message: 'not available' },
    ],
    [
      'Ready Unknown with a message: the message',
      capiMachine('m', {
        status: { conditions: [{ type: 'Ready', status: 'Unknown', message: 'waiting for a node' }] },
      }),
      NONE,
      { phase: 'Pending', message: 'waiting for a node' },
    ],
    [
      'deleting, in phase Deleting',
      capiMachine('m', { status: { phase: 'Deleting' } }, { deletionTimestamp: '2025-01-02T00:00:00Z' }),
      NONE,
      { name: 'm', role: 'worker', phase: 'Deleting', deleting: true },
    ],
    [
      'failed with its message',
      capiMachine('m', {
        status: {
          phase: 'Failed',
          conditions: [{ type: 'Ready', status: 'False', reason: 'Failed', message: 'bootstrap failed' }],
        },
      }),
      NONE,
      { phase: 'Failed', message: 'bootstrap failed' },
    ],
    [
      'no status: Pending, no node',
      capiMachine('m', { spec: { version: 'v1.34.1' } }),
      NONE,
      { name: 'm', role: 'worker', phase: 'Pending', version: 'v1.34.1', deleting: false },
    ],
    [
      'fields of the wrong type: defaults',
      capiMachine('m', {
        spec: { version: 1 },
        status: { phase: 5, nodeRef: 'node-1', conditions: 'Ready' },
      }),
      NONE,
      { name: 'm', role: 'worker', phase: 'Pending', deleting: false },
    ],
  ])('%s', (_, o, pools, want) => {
    const got = observeMachine(o, pools);
    if ('deleting' in want) expect(got).toEqual(want);
    else expect(got).toMatchObject(want);
  });

  it('a True Ready or Available condition gives no message, even with one', () => {
    const got = observeMachine(
      capiMachine('m', {
        status: {
          ...running,
          conditions: [
            { type: 'Ready', status: 'True', message: 'ready, with a note' },
            { type: 'Available', status: 'True', message: 'fine' },
            { type: 'BootstrapConfigReady', status: 'False', message: 'not asked' },
          ],
        },
      }),
      NONE,
    );
    expect(got).not.toHaveProperty('message');
  });
});

describe('malformed objects', () => {
  const shapes: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['status a string', { status: 'Ready' }, {}],
    ['status null', { status: null }, {}],
    ['status a list', { status: [] }, {}],
    ['spec a string', { spec: 'v1.34.1' }, {}],
    ['spec null', { spec: null }, {}],
    [
      'status fields of every wrong type',
      { status: { phase: [], initialization: 'yes', conditions: [{}], nodeRef: 3 } },
      {},
    ],
    ['labels null', {}, { labels: null }],
    ['labels a string', {}, { labels: 'cluster.x-k8s.io/control-plane' }],
    ['no generation, no uid', {}, { generation: undefined, uid: undefined }],
  ];

  it.each(shapes)('%s: no parser throws', (_, body, meta) => {
    const o = kube('cluster.x-k8s.io/v1beta2', 'Thing', 'x', body, meta);
    const cluster = observeCluster(o);
    expect(cluster).toMatchObject({
      name: 'x',
      infrastructureProvisioned: false,
      controlPlaneInitialized: false,
    });
    expect(observeControlPlane(o)).toMatchObject({ name: 'x', observed: false, initialized: false });
    expect(observeMachineDeployment(o)).toMatchObject({ name: 'x', pool: 'x', observed: false });
    expect(observeMachine(o, NONE)).toMatchObject({ name: 'x', role: 'worker', phase: 'Pending' });
    expect(conditionsOf(o)).toEqual([]);
  });
});
