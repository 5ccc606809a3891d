/** capiSet, objectsToApply and applyDigest (phases/capi/objects.ts): rendered objects in, what is applied out. */
import { describe, expect, it } from 'vitest';
import { applyDigest, capiSet, objectsToApply } from '../../../../src/controller/phases/capi/objects.js';
import type { KubeObject, RenderedObject } from '../../../../src/k8s/object.js';

const CAPI = 'cluster.x-k8s.io/v1beta2';
const KCP = 'controlplane.cluster.x-k8s.io/v1beta2';
const INFRA = 'infrastructure.cluster.x-k8s.io/v1beta2';
const BOOTSTRAP = 'bootstrap.cluster.x-k8s.io/v1beta2';

const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  spec?: unknown,
  meta: object = {},
): RenderedObject => ({
  apiVersion,
  kind,
  metadata: { name, ...meta },
  ...(spec === undefined ? {} : { spec }),
});

const md = (name: string, version = 'v1.33.4') =>
  obj(CAPI, 'MachineDeployment', name, {
    clusterName: 'dev',
    replicas: 2,
    template: { spec: { clusterName: 'dev', version, bootstrap: { configRef: { name } } } },
  });

/** A classic Cluster API set as a chart renders it, in render order (the Cluster first). */
function classicSet(): RenderedObject[] {
  return [
    obj(CAPI, 'Cluster', 'dev', {
      controlPlaneRef: {
        apiGroup: 'controlplane.cluster.x-k8s.io',
        kind: 'KubeadmControlPlane',
        name: 'dev-cp',
      },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DevCluster', name: 'dev' },
    }),
    md('dev-md-0'),
    obj(CAPI, 'MachineHealthCheck', 'dev-mhc', { clusterName: 'dev' }),
    obj(KCP, 'KubeadmControlPlane', 'dev-cp', { replicas: 3, version: 'v1.33.4' }),
    obj(INFRA, 'DevCluster', 'dev', {}),
    md('dev-md-1'),
    obj(INFRA, 'DevMachineTemplate', 'dev-cp', { template: { spec: {} } }),
    obj(
      BOOTSTRAP,
      'KubeadmConfigTemplate',
      'dev-md-0',
      { template: { spec: {} } },
      { labels: { team: 'a' } },
    ),
    obj('v1', 'ConfigMap', 'dev-addons', undefined, { namespace: 'addons' }),
  ];
}

/** A topology Cluster with its ClusterClass and templates (null: no version rendered). */
function topologySet(version: string | null = 'v1.33.4'): RenderedObject[] {
  return [
    obj(CAPI, 'Cluster', 'dev', {
      topology: {
        classRef: { name: 'dev-class' },
        ...(version === null ? {} : { version }),
        controlPlane: { replicas: 3 },
        workers: { machineDeployments: [{ class: 'default', name: 'md-0', replicas: 2 }] },
      },
    }),
    obj(CAPI, 'ClusterClass', 'dev-class', {}),
    obj(KCP, 'KubeadmControlPlaneTemplate', 'dev-cp', { template: { spec: {} } }),
    obj(INFRA, 'DevClusterTemplate', 'dev', { template: { spec: {} } }),
  ];
}

const names = (os: readonly RenderedObject[]) => os.map((o) => `${o.kind}/${o.metadata.name}`);

const owner: KubeObject = {
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ClusterDeployment',
  metadata: {
    name: 'dev',
    namespace: 'team-a',
    uid: 'cd-uid',
    resourceVersion: '3',
    generation: 1,
    creationTimestamp: '2025-01-01T00:00:00Z',
  },
};

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const at = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);
const find = (os: readonly RenderedObject[], kind: string, name: string) =>
  os.find((o) => o.kind === kind && o.metadata.name === name)!;

describe('capiSet', () => {
  it('finds the Cluster, its control plane by controlPlaneRef and the MachineDeployments; orders the objects', () => {
    const objects = classicSet();
    const before = names(objects);
    const set = capiSet(objects)!;
    expect(set.clusterName).toBe('dev');
    expect(set.topology).toBe(false);
    expect(set.cluster).toBe(objects[0]);
    expect(set.controlPlane).toBe(objects[3]);
    expect(names(set.machineDeployments)).toEqual([
      'MachineDeployment/dev-md-0',
      'MachineDeployment/dev-md-1',
    ]);
    // Templates and provider objects (in render order), then MachineDeployments and health checks, the Cluster last.
    expect(names(set.objects)).toEqual([
      'KubeadmControlPlane/dev-cp',
      'DevCluster/dev',
      'DevMachineTemplate/dev-cp',
      'KubeadmConfigTemplate/dev-md-0',
      'ConfigMap/dev-addons',
      'MachineDeployment/dev-md-0',
      'MachineHealthCheck/dev-mhc',
      'MachineDeployment/dev-md-1',
      'Cluster/dev',
    ]);
    // The input keeps its order.
    expect(names(objects)).toEqual(before);
  });

  it('a topology Cluster: no control plane object, the ClusterClass after the templates, the Cluster last', () => {
    const set = capiSet(topologySet())!;
    expect(set.topology).toBe(true);
    expect(set).not.toHaveProperty('controlPlane');
    expect(set.machineDeployments).toEqual([]);
    expect(names(set.objects)).toEqual([
      'KubeadmControlPlaneTemplate/dev-cp',
      'DevClusterTemplate/dev',
      'ClusterClass/dev-class',
      'Cluster/dev',
    ]);
  });

  it.each<[string, RenderedObject[], string | undefined]>([
    ['no Cluster: no set', classicSet().filter((o) => o.kind !== 'Cluster'), undefined],
    ['nothing rendered: no set', [], undefined],
    [
      "a Cluster of another API group is not Cluster API's",
      [obj('postgresql.cnpg.io/v1', 'Cluster', 'db', {}), obj(KCP, 'KubeadmControlPlane', 'dev-cp', {})],
      undefined,
    ],
    [
      'a controlPlaneRef naming nothing rendered: no control plane',
      [
        obj(CAPI, 'Cluster', 'dev', { controlPlaneRef: { kind: 'KubeadmControlPlane', name: 'other' } }),
        ...classicSet().slice(1),
      ],
      'none',
    ],
    [
      'a controlPlaneRef matches kind and name: an object of another kind with that name is not it',
      [
        obj(CAPI, 'Cluster', 'dev', { controlPlaneRef: { kind: 'KubeadmControlPlane', name: 'dev-cp' } }),
        obj(INFRA, 'DevMachineTemplate', 'dev-cp', {}),
        obj(KCP, 'KubeadmControlPlane', 'dev-cp', {}),
      ],
      'KubeadmControlPlane/dev-cp',
    ],
    ['a Cluster without spec: a set without control plane', [obj(CAPI, 'Cluster', 'dev')], 'none'],
  ])('%s', (_, objects, controlPlane) => {
    const set = capiSet(objects);
    if (controlPlane === undefined) {
      expect(set).toBeUndefined();
      return;
    }
    expect(set?.cluster.metadata.name).toBe('dev');
    expect(set?.controlPlane ? names([set.controlPlane])[0] : 'none').toBe(controlPlane);
  });

  it('ranks MachinePools with the MachineDeployments, before the Cluster', () => {
    const set = capiSet([
      obj(CAPI, 'Cluster', 'dev', {}),
      obj(CAPI, 'MachinePool', 'mp', {}),
      obj(INFRA, 'DevMachinePool', 'mp', {}),
    ])!;
    expect(names(set.objects)).toEqual(['DevMachinePool/mp', 'MachinePool/mp', 'Cluster/dev']);
  });
});

describe('objectsToApply', () => {
  const versions = { controlPlane: 'v1.34.1', pools: new Map([['dev-md-0', 'v1.34.1']]) };

  it("sets the pass's versions, the deployment's label and owner reference, on copies", () => {
    const objects = deepFreeze(classicSet());
    const snapshot = structuredClone(objects);
    const set = capiSet(objects)!;
    const out = objectsToApply(set, versions, owner);

    // The input is untouched (it is frozen: a write would have thrown) and nothing is shared.
    expect(objects).toEqual(snapshot);
    for (const o of out) expect(objects).not.toContain(o);
    expect(names(out)).toEqual(names(set.objects));

    expect(at(find(out, 'KubeadmControlPlane', 'dev-cp'), 'spec', 'version')).toBe('v1.34.1');
    expect(at(find(out, 'KubeadmControlPlane', 'dev-cp'), 'spec', 'replicas')).toBe(3);
    expect(at(find(out, 'MachineDeployment', 'dev-md-0'), 'spec', 'template', 'spec', 'version')).toBe(
      'v1.34.1',
    );
    expect(at(find(out, 'MachineDeployment', 'dev-md-0'), 'spec', 'template', 'spec', 'clusterName')).toBe(
      'dev',
    );
    // A pool this pass has no version for keeps its rendered one.
    expect(at(find(out, 'MachineDeployment', 'dev-md-1'), 'spec', 'template', 'spec', 'version')).toBe(
      'v1.33.4',
    );
    // A classic Cluster gets no topology.
    expect(find(out, 'Cluster', 'dev').spec).toEqual(find(objects, 'Cluster', 'dev').spec);
    // Nothing else changed in a spec.
    expect(find(out, 'DevMachineTemplate', 'dev-cp').spec).toEqual(
      find(objects, 'DevMachineTemplate', 'dev-cp').spec,
    );

    for (const o of out) {
      expect(o.metadata.namespace).toBe(o.kind === 'ConfigMap' ? 'addons' : 'team-a');
      expect(o.metadata.labels).toMatchObject({ 'clustermint.io/cluster-deployment': 'dev' });
      expect(o.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'clustermint.io/v1alpha1',
          kind: 'ClusterDeployment',
          name: 'dev',
          uid: 'cd-uid',
          blockOwnerDeletion: false,
        },
      ]);
    }
    // Rendered labels stay.
    expect(find(out, 'KubeadmConfigTemplate', 'dev-md-0').metadata.labels).toEqual({
      team: 'a',
      'clustermint.io/cluster-deployment': 'dev',
    });
  });

  it("sets a topology Cluster's version, creating the path when the render has none", () => {
    for (const v of ['v1.33.4', null]) {
      const set = capiSet(deepFreeze(topologySet(v)))!;
      const out = objectsToApply(set, { controlPlane: 'v1.34.1', pools: new Map() }, owner);
      const cluster = find(out, 'Cluster', 'dev');
      expect(at(cluster, 'spec', 'topology', 'version')).toBe('v1.34.1');
      expect(at(cluster, 'spec', 'topology', 'controlPlane', 'replicas')).toBe(3);
      expect(at(set.cluster, 'spec', 'topology', 'version')).toBe(v ?? undefined);
    }
  });

  it('creates the version paths of a control plane and a MachineDeployment rendered without them', () => {
    const set = capiSet([
      obj(CAPI, 'Cluster', 'dev', { controlPlaneRef: { kind: 'KubeadmControlPlane', name: 'cp' } }),
      obj(KCP, 'KubeadmControlPlane', 'cp'),
      obj(CAPI, 'MachineDeployment', 'md', { template: 'not an object' }),
    ])!;
    const out = objectsToApply(set, { controlPlane: 'v1.34.1', pools: new Map([['md', 'v1.33.4']]) }, owner);
    expect(find(out, 'KubeadmControlPlane', 'cp').spec).toEqual({ version: 'v1.34.1' });
    expect(find(out, 'MachineDeployment', 'md').spec).toEqual({ template: { spec: { version: 'v1.33.4' } } });
  });

  it("keeps rendered owner references, adds the deployment's after them", () => {
    const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'x-uid' };
    const set = capiSet([obj(CAPI, 'Cluster', 'dev', {}, { ownerReferences: [other] })])!;
    const [cluster] = objectsToApply(set, versions, owner);
    expect(cluster!.metadata.ownerReferences).toEqual([other, expect.objectContaining({ uid: 'cd-uid' })]);
  });

  it('an owner without uid: no owner reference; without namespace: the default namespace', () => {
    const bare: KubeObject = {
      ...owner,
      metadata: { ...owner.metadata, uid: undefined as unknown as string, namespace: undefined },
    };
    const out = objectsToApply(capiSet(classicSet())!, versions, bare);
    for (const o of out) {
      expect(o.metadata).not.toHaveProperty('ownerReferences');
      expect(o.metadata.namespace).toBe(o.kind === 'ConfigMap' ? 'addons' : 'default');
      expect(o.metadata.labels).toMatchObject({ 'clustermint.io/cluster-deployment': 'dev' });
    }
  });
});

describe('applyDigest', () => {
  const digest = (controlPlane: string, pool: string, o: KubeObject = owner) =>
    applyDigest(
      objectsToApply(capiSet(classicSet())!, { controlPlane, pools: new Map([['dev-md-0', pool]]) }, o),
    );

  it('is the same for equal input, built twice', () => {
    expect(digest('v1.33.4', 'v1.33.4')).toBe(digest('v1.33.4', 'v1.33.4'));
    expect(digest('v1.33.4', 'v1.33.4')).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each<[string, () => string]>([
    ['the control plane version', () => digest('v1.34.1', 'v1.33.4')],
    ['a pool version', () => digest('v1.33.4', 'v1.34.1')],
    [
      'the owner',
      () => digest('v1.33.4', 'v1.33.4', { ...owner, metadata: { ...owner.metadata, uid: 'other' } }),
    ],
  ])('changes with %s', (_, changed) => {
    expect(changed()).not.toBe(digest('v1.33.4', 'v1.33.4'));
  });

  it('changes with the order of the objects', () => {
    const out = objectsToApply(capiSet(classicSet())!, { controlPlane: 'v1.33.4', pools: new Map() }, owner);
    expect(applyDigest([...out].reverse())).not.toBe(applyDigest(out));
  });
});
