// The ClusterClass engine against Cluster API's own topology controller (issue 13, item 5, live):
// topology Clusters are applied to the test Cluster API, and for every object the topology
// controller made, the fields it applied (its server-side-apply managed fields, manager
// `capi-topology`: exactly its desired object, without webhook defaults or status) must equal
// clustermint's render of the same Cluster, after generated names are replaced by the object's
// role. Every difference is reported at once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderTopology } from '../../src/render/topology/index.js';
import { BUILTIN_CLUSTERCLASSES_DIR } from '../../src/resolve/documents.js';
import { isNotFound } from '../../src/store/errors.js';
import { type KubeStore, openKubeStore } from '../../src/store/kube/index.js';
import type { KubeObject } from '../../src/store/types.js';
import type { PlainObject } from '../../src/util/plain-object.js';
import { eventually } from '../helpers/process.js';
import { capiTestenv } from '../testenv/index.js';

const env = await capiTestenv('ClusterClass engine vs Cluster API (live)');

const TOPOLOGY_MANAGER = 'capi-topology';
type Fields = Record<string, unknown>;
type Json = unknown;

/** The part of `value` that a managed-fields set (fieldsV1) names. */
export function project(value: Json, fields: Fields): Json {
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const [k, sub] of Object.entries(fields)) {
      if (k === '.') continue;
      let item: Json | undefined;
      if (k.startsWith('k:')) {
        const key = JSON.parse(k.slice(2)) as Record<string, Json>;
        item = value.find(
          (e) =>
            typeof e === 'object' &&
            e !== null &&
            Object.entries(key).every(([kk, vv]) => (e as PlainObject)[kk] === vv),
        );
      } else if (k.startsWith('v:')) {
        const v = JSON.parse(k.slice(2));
        item = value.find((e) => JSON.stringify(e) === JSON.stringify(v));
      } else if (k.startsWith('i:')) item = value[Number(k.slice(2))];
      if (item !== undefined) out.push(leaf(sub as Fields) ? item : project(item, sub as Fields));
    }
    return out;
  }
  if (typeof value !== 'object' || value === null) return value;
  const out: PlainObject = {};
  for (const [k, sub] of Object.entries(fields)) {
    if (!k.startsWith('f:')) continue;
    const name = k.slice(2);
    const v = (value as PlainObject)[name];
    if (v === undefined) continue;
    out[name] = leaf(sub as Fields) ? v : project(v, sub as Fields);
  }
  return out;
}

const leaf = (f: Fields) => Object.keys(f).every((k) => k === '.');

/** Every path where a and b differ. */
function diff(a: Json, b: Json, path: string, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (const [i, x] of a.entries()) diff(x, b[i], `${path}[${i}]`, out);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      diff((a as PlainObject)[k], (b as PlainObject)[k], `${path}.${k}`, out);
    return;
  }
  out.push(`${path}: Cluster API ${JSON.stringify(a)}, clustermint ${JSON.stringify(b)}`);
}

/** Generated names replaced by roles, wherever they appear (names, references, labels). */
function byRole(o: Json, names: ReadonlyMap<string, string>): Json {
  if (typeof o === 'string') return names.get(o) ?? o;
  if (Array.isArray(o)) return o.map((x) => byRole(x, names));
  if (o && typeof o === 'object') {
    const out: PlainObject = {};
    for (const [k, v] of Object.entries(o)) if (k !== 'uid') out[k] = byRole(v, names);
    return out;
  }
  return o;
}

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as PlainObject);

/** A class with variables and patches over every kind the in-memory class has. */
const PATCHED_CLASS = `
apiVersion: cluster.x-k8s.io/v1beta2
kind: ClusterClass
metadata:
  name: in-memory-patched
spec:
  infrastructure:
    templateRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta2, kind: DevClusterTemplate, name: in-memory-cluster}
  controlPlane:
    templateRef: {apiVersion: controlplane.cluster.x-k8s.io/v1beta2, kind: KubeadmControlPlaneTemplate, name: in-memory-control-plane}
    machineInfrastructure:
      templateRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta2, kind: DevMachineTemplate, name: in-memory-control-plane}
  workers:
    machineDeployments:
    - class: default-worker
      bootstrap:
        templateRef: {apiVersion: bootstrap.cluster.x-k8s.io/v1beta2, kind: KubeadmConfigTemplate, name: in-memory-default-worker-bootstraptemplate}
      infrastructure:
        templateRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta2, kind: DevMachineTemplate, name: in-memory-default-worker-machinetemplate}
      healthCheck:
        checks:
          nodeStartupTimeoutSeconds: 300
          unhealthyNodeConditions: [{type: Ready, status: Unknown, timeoutSeconds: 120}]
        remediation:
          triggerIf: {unhealthyLessThanOrEqualTo: 40%}
  variables:
  - name: bootTime
    required: true
    schema: {openAPIV3Schema: {type: string, default: 2s}}
  - name: sans
    required: false
    schema: {openAPIV3Schema: {type: array, items: {type: string}, default: [cp.example.com]}}
  - name: workerLabels
    required: false
    schema: {openAPIV3Schema: {type: object, additionalProperties: {type: string}}}
  patches:
  - name: boot-time
    definitions:
    - selector:
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
        kind: DevMachineTemplate
        matchResources: {controlPlane: true, machineDeploymentClass: {names: [default-worker]}}
      jsonPatches:
      - op: replace
        path: /spec/template/spec/backend/inMemory/vm/provisioning/startupDuration
        valueFrom: {variable: bootTime}
  - name: sans
    definitions:
    - selector:
        apiVersion: controlplane.cluster.x-k8s.io/v1beta2
        kind: KubeadmControlPlaneTemplate
        matchResources: {controlPlane: true}
      jsonPatches:
      - op: add
        path: /spec/template/spec/kubeadmConfigSpec/clusterConfiguration/apiServer/certSANs/-
        valueFrom: {template: "{{ index .sans 0 }}"}
      - op: add
        path: /spec/template/spec/kubeadmConfigSpec/clusterConfiguration/controllerManager
        valueFrom: {template: "extraArgs:\\n- name: cluster-name\\n  value: {{ .builtin.cluster.name }}"}
  - name: worker-labels
    enabledIf: "{{ if .workerLabels }}true{{ end }}"
    definitions:
    - selector:
        apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
        kind: KubeadmConfigTemplate
        matchResources: {machineDeploymentClass: {names: [default-worker]}}
      jsonPatches:
      - op: add
        path: /spec/template/spec/joinConfiguration/nodeRegistration/kubeletExtraArgs
        valueFrom:
          template: |
            {{- range $k, $v := .workerLabels }}
            - name: node-labels
              value: {{ $k }}={{ $v }}
            {{- end }}
`;

const clusterOf = (name: string, klass: string, over: PlainObject = {}): PlainObject => ({
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'Cluster',
  metadata: { name },
  spec: {
    clusterNetwork: { pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.128.0.0/12'] } },
    topology: {
      classRef: { name: klass },
      version: 'v1.33.4',
      controlPlane: { replicas: 1 },
      workers: { machineDeployments: [{ class: 'default-worker', name: 'md-0', replicas: 1 }] },
      ...over,
    },
  },
});

describe.skipIf(!env)('the ClusterClass engine agrees with Cluster API (live)', () => {
  const ns = `cc-live-${Date.now().toString(36)}`;
  let store: KubeStore;
  const classDocs = docs(readFileSync(join(BUILTIN_CLUSTERCLASSES_DIR, 'capi-inmemory.yaml'), 'utf8'));
  const patched = docs(PATCHED_CLASS);

  beforeAll(async () => {
    store = await openKubeStore({
      kubeconfig: env!.kubeconfig,
      keepManagedFields: true,
      fieldManager: 'test',
    });
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const o of [...classDocs, ...patched])
      await store.apply({ ...(o as KubeObject), metadata: { ...(o as KubeObject).metadata, namespace: ns } });
  });

  afterAll(async () => {
    await store?.close();
  });

  const get = async (apiVersion: string, kind: string, name: string) => {
    try {
      return await store.get({ apiVersion, kind, namespace: ns, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };

  /** The objects the topology controller made for a Cluster, keyed by role. */
  async function live(clusterName: string): Promise<Map<string, KubeObject>> {
    const cluster = await eventually(
      `${clusterName} TopologyReconciled`,
      async () => {
        const c = await get('cluster.x-k8s.io/v1beta2', 'Cluster', clusterName);
        const conds = ((c?.status as PlainObject | undefined)?.conditions ?? []) as {
          type: string;
          status: string;
        }[];
        return conds.some((x) => x.type === 'TopologyReconciled' && x.status === 'True') ? c : undefined;
      },
      120_000,
      500,
    );
    const out = new Map<string, KubeObject>();
    const spec = cluster.spec as {
      infrastructureRef: { kind: string; name: string };
      controlPlaneRef: { kind: string; name: string };
    };
    out.set(
      'InfrastructureCluster',
      (await get(
        'infrastructure.cluster.x-k8s.io/v1beta2',
        spec.infrastructureRef.kind,
        spec.infrastructureRef.name,
      ))!,
    );
    const kcp = (await get(
      'controlplane.cluster.x-k8s.io/v1beta2',
      spec.controlPlaneRef.kind,
      spec.controlPlaneRef.name,
    ))!;
    out.set('ControlPlane', kcp);
    const cpInfra = (
      kcp.spec as { machineTemplate: { spec: { infrastructureRef: { kind: string; name: string } } } }
    ).machineTemplate.spec.infrastructureRef;
    out.set(
      'ControlPlaneInfrastructureMachineTemplate',
      (await get('infrastructure.cluster.x-k8s.io/v1beta2', cpInfra.kind, cpInfra.name))!,
    );
    const sel = { namespace: ns, labelSelector: `cluster.x-k8s.io/cluster-name=${clusterName}` };
    for (const md of (
      await store.list({ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineDeployment' }, sel)
    ).items) {
      const topo = md.metadata.labels?.['topology.cluster.x-k8s.io/deployment-name'];
      out.set(`MachineDeployment/${topo}`, md);
      const t = (
        md.spec as {
          template: {
            spec: {
              bootstrap: { configRef: { kind: string; name: string } };
              infrastructureRef: { kind: string; name: string };
            };
          };
        }
      ).template.spec;
      out.set(
        `MachineDeployment/${topo}/BootstrapTemplate`,
        (await get(
          'bootstrap.cluster.x-k8s.io/v1beta2',
          t.bootstrap.configRef.kind,
          t.bootstrap.configRef.name,
        ))!,
      );
      out.set(
        `MachineDeployment/${topo}/InfrastructureMachineTemplate`,
        (await get(
          'infrastructure.cluster.x-k8s.io/v1beta2',
          t.infrastructureRef.kind,
          t.infrastructureRef.name,
        ))!,
      );
    }
    for (const mhc of (
      await store.list({ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineHealthCheck' }, sel)
    ).items) {
      // Which machines it checks: the control plane's, or a topology MachineDeployment's.
      const match =
        (mhc.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels ?? {};
      const topo = match['topology.cluster.x-k8s.io/deployment-name'];
      out.set(topo ? `MachineHealthCheck/${topo}` : 'MachineHealthCheck/control-plane', mhc);
    }
    return out;
  }

  /** clustermint's render of the same Cluster, keyed by the same roles. */
  function rendered(cluster: PlainObject, classes: PlainObject[]): Map<string, PlainObject> {
    const r = renderTopology({
      cluster: { ...cluster, metadata: { ...(cluster.metadata as PlainObject), namespace: ns } },
      objects: classes.map((o) => ({ ...o, metadata: { ...(o.metadata as PlainObject), namespace: ns } })),
    });
    expect(r.findings).toEqual([]);
    const d = r.desired!;
    const out = new Map<string, PlainObject>();
    out.set('InfrastructureCluster', d.infrastructureCluster as PlainObject);
    out.set('ControlPlane', d.controlPlane.object as PlainObject);
    if (d.controlPlane.infrastructureMachineTemplate)
      out.set(
        'ControlPlaneInfrastructureMachineTemplate',
        d.controlPlane.infrastructureMachineTemplate as PlainObject,
      );
    if (d.controlPlane.machineHealthCheck)
      out.set('MachineHealthCheck/control-plane', d.controlPlane.machineHealthCheck as PlainObject);
    for (const md of d.machineDeployments) {
      out.set(`MachineDeployment/${md.topologyName}`, md.object as PlainObject);
      out.set(`MachineDeployment/${md.topologyName}/BootstrapTemplate`, md.bootstrapTemplate as PlainObject);
      out.set(
        `MachineDeployment/${md.topologyName}/InfrastructureMachineTemplate`,
        md.infrastructureMachineTemplate as PlainObject,
      );
      if (md.machineHealthCheck)
        out.set(`MachineHealthCheck/${md.topologyName}`, md.machineHealthCheck as PlainObject);
    }
    return out;
  }

  async function compare(cluster: PlainObject, classes: PlainObject[]): Promise<string[]> {
    await store.apply({
      ...(cluster as KubeObject),
      metadata: { ...(cluster as KubeObject).metadata, namespace: ns },
    });
    const name = (cluster.metadata as { name: string }).name;
    const mine = rendered(cluster, classes);
    const theirs = await live(name);
    // Generated names -> roles, from both sides.
    const names = new Map<string, string>();
    for (const [role, o] of theirs) names.set(o.metadata.name, `<${role}>`);
    for (const [role, o] of mine) names.set(String((o.metadata as PlainObject).name), `<${role}>`);
    const problems: string[] = [];
    for (const role of new Set([...mine.keys(), ...theirs.keys()])) {
      const t = theirs.get(role);
      const m = mine.get(role);
      if (!t || !m) {
        problems.push(`${role}: ${t ? 'only Cluster API made it' : 'only clustermint renders it'}`);
        continue;
      }
      const entry = (
        (t.metadata as unknown as PlainObject).managedFields as {
          manager: string;
          operation: string;
          fieldsV1: Fields;
        }[]
      ).find((f) => f.manager === TOPOLOGY_MANAGER && f.operation === 'Apply');
      if (!entry) {
        problems.push(`${role}: no fields applied by ${TOPOLOGY_MANAGER}`);
        continue;
      }
      const applied = byRole(project(t, entry.fieldsV1), names);
      // What the topology controller applies has no apiVersion, kind, name or namespace in its field set.
      const { apiVersion: _v, kind: _k, ...rest } = m;
      const { name: _n, namespace: _ns, ...meta } = m.metadata as PlainObject;
      diff(applied, byRole({ ...rest, metadata: meta }, names), role, problems);
    }
    return problems;
  }

  it('the in-memory ClusterClass', async () => {
    expect(await compare(clusterOf('plain', 'in-memory'), classDocs)).toEqual([]);
  });

  it('a class with variables, defaults and patches on every kind', async () => {
    const cluster = clusterOf('patched', 'in-memory-patched', {
      variables: [
        { name: 'sans', value: ['api.patched.example.com'] },
        { name: 'workerLabels', value: { tier: 'batch' } },
      ],
    });
    expect(await compare(cluster, [...classDocs, ...patched])).toEqual([]);
  });
});
