/**
 * The topology engine against the reference's portable cases (../shared/reference/capi-topology.md
 * §5, restated from Cluster API's engine and generator tests): cases 8-11 and 16 on the
 * setupTestObjects fixture, plus desired-state shape checks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { renderTopology, type TopologyResult } from '../../../src/render/topology/index.js';
import type { PlainObject } from '../../../src/util/plain-object.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'topology');
const load = (f: string) => jsyaml.loadAll(readFileSync(join(FIX, f), 'utf8')) as PlainObject[];
const CP = 'controlplane.cluster.x-k8s.io/v1beta2';
const INFRA = 'infrastructure.cluster.x-k8s.io/v1beta2';
const BOOT = 'bootstrap.cluster.x-k8s.io/v1beta2';

function fixture(patches: unknown[], mutateClass?: (cc: PlainObject) => void) {
  const objects = load('generic-class.yaml');
  const cc = objects[0] as any;
  cc.spec.patches = patches;
  mutateClass?.(cc);
  const cluster = load('generic-cluster.yaml')[0];
  return { cluster, objects };
}

function render(
  patches: unknown[],
  mutateClass?: (cc: PlainObject) => void,
  classAdmission = true,
): TopologyResult {
  const r = renderTopology({ ...fixture(patches, mutateClass), classAdmission, trace: true });
  expect(r.findings).toEqual([]);
  return r;
}

const kind = (r: TopologyResult, k: string) => r.objects.filter((x) => x.kind === k) as any[];
const labelOf = (x: any, l: string) => x.metadata.labels?.[l];

describe('desired state without patches', () => {
  const r = render([]);
  it('creates Cluster, infrastructure cluster, control plane with its machine template, workers', () => {
    expect(r.objects.map((x) => x.kind)).toEqual([
      'Cluster',
      'Secret',
      'GenericInfrastructureCluster',
      'GenericInfrastructureMachineTemplate',
      'GenericControlPlane',
      'GenericBootstrapConfigTemplate',
      'GenericInfrastructureMachineTemplate',
      'MachineDeployment',
      'GenericBootstrapConfigTemplate',
      'GenericInfrastructureMachineTemplate',
      'MachineDeployment',
      'GenericBootstrapConfig',
      'GenericInfrastructureMachinePool',
      'MachinePool',
      'GenericBootstrapConfig',
      'GenericInfrastructureMachinePool',
      'MachinePool',
    ]);
  });
  it('keeps the existing control plane name and sets version, replicas and the machine template ref', () => {
    const cp = kind(r, 'GenericControlPlane')[0];
    expect(cp.metadata.name).toBe('controlPlane1');
    expect(cp.spec.version).toBe('v1.21.2');
    expect(cp.spec.replicas).toBe(3);
    const cpTemplate = r.desired!.controlPlane.infrastructureMachineTemplate as any;
    expect(cp.spec.machineTemplate.spec.infrastructureRef).toEqual({
      apiGroup: 'infrastructure.cluster.x-k8s.io',
      kind: 'GenericInfrastructureMachineTemplate',
      name: cpTemplate.metadata.name,
    });
    expect(cpTemplate.metadata.name).toMatch(/^cluster1-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(cp.metadata.annotations).toEqual({
      'cluster.x-k8s.io/cloned-from-name': 'controlPlaneTemplate1',
      'cluster.x-k8s.io/cloned-from-groupkind': 'GenericControlPlaneTemplate.controlplane.cluster.x-k8s.io',
    });
    expect(cp.metadata.labels).toEqual({
      'cluster.x-k8s.io/cluster-name': 'cluster1',
      'topology.cluster.x-k8s.io/owned': '',
    });
  });
  it('names and labels MachineDeployments as Cluster API does', () => {
    const [md1, md2] = kind(r, 'MachineDeployment');
    expect(md1.metadata.name).toMatch(/^cluster1-default-worker-topo1-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(labelOf(md1, 'topology.cluster.x-k8s.io/deployment-name')).toBe('default-worker-topo1');
    expect(md1.spec.selector.matchLabels).toEqual({
      'cluster.x-k8s.io/cluster-name': 'cluster1',
      'topology.cluster.x-k8s.io/owned': '',
      'topology.cluster.x-k8s.io/deployment-name': 'default-worker-topo1',
    });
    expect(md1.spec.replicas).toBeUndefined();
    expect(md2.spec.replicas).toBe(5);
    expect(md2.spec.template.spec.version).toBe('v1.21.2');
    const boot = r.desired!.machineDeployments[1].bootstrapTemplate as any;
    expect(md2.spec.template.spec.bootstrap.configRef).toEqual({
      apiGroup: 'bootstrap.cluster.x-k8s.io',
      kind: 'GenericBootstrapConfigTemplate',
      name: boot.metadata.name,
    });
    expect(labelOf(boot, 'topology.cluster.x-k8s.io/deployment-name')).toBe('default-worker-topo2');
  });
  it('references the generated objects from the Cluster', () => {
    const c = kind(r, 'Cluster')[0];
    const infra = kind(r, 'GenericInfrastructureCluster')[0];
    expect(c.spec.infrastructureRef).toEqual({
      apiGroup: 'infrastructure.cluster.x-k8s.io',
      kind: 'GenericInfrastructureCluster',
      name: infra.metadata.name,
    });
    expect(c.metadata.labels).toMatchObject({ foo: 'bar', 'topology.cluster.x-k8s.io/owned': '' });
  });
  it('is deterministic: the same inputs give the same names', () => {
    const again = render([]);
    expect(again.objects).toEqual(r.objects);
  });
});

describe('case 8: patches apply in array order, cumulatively', () => {
  const r = render([
    {
      name: 'fake-patch1',
      definitions: [
        {
          selector: {
            apiVersion: CP,
            kind: 'GenericControlPlaneTemplate',
            matchResources: { controlPlane: true },
          },
          jsonPatches: [
            { op: 'add', path: '/spec/template/spec/clusterName', value: 'cluster1' },
            { op: 'add', path: '/spec/template/spec/files', value: [{ key1: 'value1' }] },
          ],
        },
      ],
    },
    {
      name: 'fake-patch2',
      definitions: [
        {
          selector: {
            apiVersion: CP,
            kind: 'GenericControlPlaneTemplate',
            matchResources: { controlPlane: true },
          },
          jsonPatches: [
            { op: 'replace', path: '/spec/template/spec/clusterName', value: 'cluster1-overwritten' },
          ],
        },
      ],
    },
  ]);
  it('ends with the second patch value and the first patch files', () => {
    const cp = kind(r, 'GenericControlPlane')[0];
    expect(cp.spec.clusterName).toBe('cluster1-overwritten');
    expect(cp.spec.files).toEqual([{ key1: 'value1' }]);
  });
  it('traces each operation to its patch and object path', () => {
    expect(r.trace.map((t) => [t.patch, t.op, t.objectPath, t.outcome])).toEqual([
      ['fake-patch1', 'add', '/spec/clusterName', 'applied'],
      ['fake-patch1', 'add', '/spec/files', 'applied'],
      ['fake-patch2', 'replace', '/spec/clusterName', 'applied'],
    ]);
  });
});

describe('case 9: protected control plane fields are preserved', () => {
  const base = render([]);
  const r = render([
    {
      name: 'fake-patch1',
      definitions: [
        {
          selector: {
            apiVersion: CP,
            kind: 'GenericControlPlaneTemplate',
            matchResources: { controlPlane: true },
          },
          jsonPatches: [
            {
              op: 'replace',
              path: '/spec/template/metadata/labels/cluster.x-k8s.io~1cluster-name',
              value: 'different-cluster',
            },
            { op: 'remove', path: '/spec/template/metadata/labels/topology.cluster.x-k8s.io~1owned' },
            {
              op: 'replace',
              path: '/spec/template/metadata/annotations/cluster.x-k8s.io~1cloned-from-name',
              value: 'different-cp-template-name',
            },
            {
              op: 'replace',
              path: '/spec/template/metadata/annotations/cluster.x-k8s.io~1cloned-from-groupkind',
              value: 'different-cp-template-kind',
            },
            { op: 'add', path: '/spec/template/spec/replicas', value: 1 },
            { op: 'add', path: '/spec/template/spec/version', value: 'v1.15.0' },
            {
              op: 'add',
              path: '/spec/template/spec/machineTemplate',
              value: {
                spec: {
                  infrastructureRef: {
                    apiVersion: 'invalid',
                    kind: 'invalid',
                    namespace: 'invalid',
                    name: 'invalid',
                  },
                },
              },
            },
          ],
        },
      ],
    },
  ]);
  it('leaves the desired control plane unchanged', () => {
    expect(kind(r, 'GenericControlPlane')[0]).toEqual(kind(base, 'GenericControlPlane')[0]);
  });
  it('says in the trace that the topology controller kept those fields', () => {
    expect(r.trace.every((t) => t.outcome === 'preserved')).toBe(true);
    expect(r.trace.find((t) => t.path === '/spec/template/spec/replicas')?.reason).toMatch(
      /spec\.replicas is set by the topology/,
    );
  });
});

describe('case 10: metadata.name is never patched', () => {
  const base = render([]);
  const r = render(
    [
      {
        name: 'fake-patch1',
        definitions: [
          {
            selector: {
              apiVersion: INFRA,
              kind: 'GenericInfrastructureClusterTemplate',
              matchResources: { infrastructureCluster: true },
            },
            jsonPatches: [
              { op: 'add', path: '/spec/template/spec/clusterName', value: 'cluster1' },
              { op: 'replace', path: '/metadata/name', value: 'overwrittenName' },
            ],
          },
        ],
      },
    ],
    undefined,
    false,
  ); // the ClusterClass webhook would refuse this path; the engine must still hold
  it('patches spec and keeps the name', () => {
    const infra = kind(r, 'GenericInfrastructureCluster')[0];
    expect(infra.spec.clusterName).toBe('cluster1');
    expect(infra.metadata.name).toBe(kind(base, 'GenericInfrastructureCluster')[0].metadata.name);
    expect(r.trace[1]).toMatchObject({ path: '/metadata/name', outcome: 'discarded' });
  });
});

describe('case 11: builtin variables differ per MachineDeployment and MachinePool', () => {
  const def = (apiVersion: string, k: string, matchResources: unknown, path: string, variable: string) => ({
    selector: { apiVersion, kind: k, matchResources },
    jsonPatches: [{ op: 'add', path, valueFrom: { variable } }],
  });
  const r = render([
    {
      name: 'fake-patch1',
      definitions: [
        def(
          INFRA,
          'GenericInfrastructureClusterTemplate',
          { infrastructureCluster: true },
          '/spec/template/spec/clusterName',
          'builtin.cluster.name',
        ),
        def(
          CP,
          'GenericControlPlaneTemplate',
          { controlPlane: true },
          '/spec/template/spec/controlPlaneName',
          'builtin.controlPlane.name',
        ),
        def(
          INFRA,
          'GenericInfrastructureMachineTemplate',
          { controlPlane: true },
          '/spec/template/spec/controlPlaneName',
          'builtin.controlPlane.name',
        ),
        def(
          BOOT,
          'GenericBootstrapConfigTemplate',
          { machineDeploymentClass: { names: ['default-worker'] } },
          '/spec/template/spec/machineDeploymentTopologyName',
          'builtin.machineDeployment.topologyName',
        ),
        def(
          INFRA,
          'GenericInfrastructureMachineTemplate',
          { machineDeploymentClass: { names: ['default-worker'] } },
          '/spec/template/spec/machineDeploymentTopologyName',
          'builtin.machineDeployment.topologyName',
        ),
        def(
          BOOT,
          'GenericBootstrapConfigTemplate',
          { machinePoolClass: { names: ['default-mp-worker'] } },
          '/spec/template/spec/machinePoolTopologyName',
          'builtin.machinePool.topologyName',
        ),
        def(
          INFRA,
          'GenericInfrastructureMachinePoolTemplate',
          { machinePoolClass: { names: ['default-mp-worker'] } },
          '/spec/template/spec/machinePoolTopologyName',
          'builtin.machinePool.topologyName',
        ),
      ],
    },
  ]);
  it('gives each item its own builtins', () => {
    const d = r.desired!;
    expect((d.infrastructureCluster as any).spec.clusterName).toBe('cluster1');
    expect((d.controlPlane.object as any).spec.controlPlaneName).toBe('controlPlane1');
    expect((d.controlPlane.infrastructureMachineTemplate as any).spec.template.spec.controlPlaneName).toBe(
      'controlPlane1',
    );
    for (const md of d.machineDeployments) {
      expect((md.bootstrapTemplate as any).spec.template.spec.machineDeploymentTopologyName).toBe(
        md.topologyName,
      );
      expect((md.infrastructureMachineTemplate as any).spec.template.spec.machineDeploymentTopologyName).toBe(
        md.topologyName,
      );
    }
    expect(d.machinePools.map((mp) => (mp.bootstrapObject as any).spec.machinePoolTopologyName)).toEqual([
      'default-mp-worker-topo1',
      'default-mp-worker-topo2',
    ]);
    expect(
      d.machinePools.map((mp) => (mp.infrastructureMachinePoolObject as any).spec.machinePoolTopologyName),
    ).toEqual(['default-mp-worker-topo1', 'default-mp-worker-topo2']);
  });
});

describe('case 16: overrides win per item', () => {
  const def = (apiVersion: string, k: string, matchResources: unknown, field: string, variable: string) => ({
    selector: { apiVersion, kind: k, matchResources },
    jsonPatches: [{ op: 'add', path: `/spec/template/spec/${field}`, valueFrom: { variable } }],
  });
  const r = render([
    {
      name: 'fake-patch1',
      definitions: [
        def(
          INFRA,
          'GenericInfrastructureClusterTemplate',
          { infrastructureCluster: true },
          'resource',
          'infraCluster',
        ),
        def(
          CP,
          'GenericControlPlaneTemplate',
          { controlPlane: true },
          'controlPlaneField',
          'controlPlaneVariable',
        ),
        def(
          INFRA,
          'GenericInfrastructureMachineTemplate',
          { controlPlane: true },
          'controlPlaneInfraMachineTemplateField',
          'controlPlaneVariable',
        ),
        def(
          INFRA,
          'GenericInfrastructureMachineTemplate',
          { machineDeploymentClass: { names: ['default-worker'] } },
          'resource',
          'defaultMDWorkerVariable',
        ),
        def(
          INFRA,
          'GenericInfrastructureMachinePoolTemplate',
          { machinePoolClass: { names: ['default-mp-worker'] } },
          'resource',
          'defaultMPWorkerVariable',
        ),
      ],
    },
  ]);
  it('uses the most specific value', () => {
    const d = r.desired!;
    expect((d.infrastructureCluster as any).spec.resource).toBe('value99');
    expect((d.controlPlane.object as any).spec.controlPlaneField).toBe('control-plane-override-value');
    expect(
      (d.controlPlane.infrastructureMachineTemplate as any).spec.template.spec
        .controlPlaneInfraMachineTemplateField,
    ).toBe('control-plane-override-value');
    expect(
      d.machineDeployments.map((md) => (md.infrastructureMachineTemplate as any).spec.template.spec.resource),
    ).toEqual(['default-worker-topo1-override-value', 'default-md-cluster-wide-value']);
    expect(d.machinePools.map((mp) => (mp.infrastructureMachinePoolObject as any).spec.resource)).toEqual([
      'default-mp-worker-topo1-override-value',
      'default-mp-cluster-wide-value',
    ]);
  });
});

describe('ClusterClass admission', () => {
  it('refuses to render with a patch path outside /spec, pointing at the patch', () => {
    const r = renderTopology(
      fixture([
        {
          name: 'p',
          definitions: [
            {
              selector: {
                apiVersion: CP,
                kind: 'GenericControlPlaneTemplate',
                matchResources: { controlPlane: true },
              },
              jsonPatches: [{ op: 'replace', path: '/metadata/name', value: 'x' }],
            },
          ],
        },
      ]),
    );
    expect(r.objects).toEqual([]);
    expect(r.findings).toEqual([
      expect.objectContaining({
        code: 'CLUSTERCLASS_INVALID',
        field: 'spec.patches[0].definitions[0].jsonPatches[0].path',
        in: 'clusterClass',
      }),
    ]);
  });
});

describe('failures', () => {
  it('reports a missing ClusterClass with the field that names it', () => {
    const { cluster } = fixture([]);
    const r = renderTopology({ cluster, objects: [] });
    expect(r.findings).toEqual([
      expect.objectContaining({ code: 'CLUSTERCLASS_NOT_FOUND', field: 'spec.topology.classRef.name' }),
    ]);
    expect(r.objects).toEqual([]);
  });
  it('reports a missing template with its reference', () => {
    const { cluster, objects } = fixture([]);
    const r = renderTopology({
      cluster,
      objects: objects.filter((x) => x.kind !== 'GenericControlPlaneTemplate'),
    });
    expect(r.findings[0].code).toBe('TEMPLATE_NOT_FOUND');
    expect(r.findings[0].message).toContain(
      'GenericControlPlaneTemplate default/controlPlaneTemplate1 not found',
    );
  });
  it('names the patch and the object when a JSON patch cannot apply, and renders nothing', () => {
    const r = renderTopology(
      fixture([
        {
          name: 'bad-path',
          definitions: [
            {
              selector: {
                apiVersion: CP,
                kind: 'GenericControlPlaneTemplate',
                matchResources: { controlPlane: true },
              },
              jsonPatches: [{ op: 'replace', path: '/spec/template/spec/missing/leaf', value: 1 }],
            },
          ],
        },
      ]),
    );
    expect(r.objects).toEqual([]);
    expect(r.findings[0].code).toBe('PATCH_FAILED');
    expect(r.findings[0].message).toContain('failed to apply patches for patch "bad-path"');
    expect(r.findings[0].message).toContain('GenericControlPlaneTemplate controlPlaneTemplate1');
    // evanphx/json-patch's words, and the patch as the ClusterClass field at fault
    expect(r.findings[0].message).toContain(
      'error applying json patch (RFC6902): replace operation does not apply: doc is missing path: /spec/template/spec/missing/leaf: missing value',
    );
    expect(r.findings[0]).toMatchObject({ field: 'spec.patches[0]', in: 'clusterClass' });
  });
  it('rejects an unknown MachineDeployment class in the topology', () => {
    const { cluster, objects } = fixture([]);
    (cluster as any).spec.topology.workers.machineDeployments[0].class = 'nope';
    const r = renderTopology({ cluster, objects });
    expect(r.findings.map((f) => f.field)).toContain('spec.topology.workers.machineDeployments[0].class');
  });
});
