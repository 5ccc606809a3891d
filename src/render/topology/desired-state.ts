/**
 * The desired state of a topology Cluster, before patches (`exp/topology/desiredstate`
 * `Generate`, for a cluster being created): infrastructure cluster, control plane (with its
 * machine template), Cluster, MachineDeployments and MachinePools with their templates, and
 * MachineHealthChecks. Objects are v1beta2 shapes; names come from the naming templates.
 */
import {
  cloneTree,
  emptyMap,
  isEmptyObject,
  isPlainObject,
  type PlainObject,
  setOwn,
  withoutKeys,
} from '../../util/plain-object.js';
import { CAPI_V1BETA2 } from './convert.js';
import { simpleName, templateName } from './names.js';

export const LABEL_CLUSTER_NAME = 'cluster.x-k8s.io/cluster-name';
export const LABEL_TOPOLOGY_OWNED = 'topology.cluster.x-k8s.io/owned';
export const LABEL_DEPLOYMENT_NAME = 'topology.cluster.x-k8s.io/deployment-name';
export const LABEL_POOL_NAME = 'topology.cluster.x-k8s.io/pool-name';
export const LABEL_CONTROL_PLANE = 'cluster.x-k8s.io/control-plane';
export const ANNOTATION_CLONED_FROM_NAME = 'cluster.x-k8s.io/cloned-from-name';
export const ANNOTATION_CLONED_FROM_GROUPKIND = 'cluster.x-k8s.io/cloned-from-groupkind';
export const ANNOTATION_HOLD_UPGRADE_SEQUENCE = 'topology.cluster.x-k8s.io/hold-upgrade-sequence';
export const ANNOTATION_DEFER_UPGRADE = 'topology.cluster.x-k8s.io/defer-upgrade';
export const ANNOTATION_LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const DEFAULT_NODE_STARTUP_TIMEOUT_SECONDS = 600;

export interface MachineDeploymentBlueprint {
  class: PlainObject;
  bootstrapTemplate: PlainObject;
  infrastructureMachineTemplate: PlainObject;
}

export interface MachinePoolBlueprint {
  class: PlainObject;
  bootstrapTemplate: PlainObject;
  infrastructureMachinePoolTemplate: PlainObject;
}

/** A ClusterClass (v1beta2 shape) with the templates it references. */
export interface Blueprint {
  clusterClass: PlainObject;
  infrastructureClusterTemplate: PlainObject;
  controlPlaneTemplate: PlainObject;
  controlPlaneInfrastructureMachineTemplate?: PlainObject;
  machineDeployments: Map<string, MachineDeploymentBlueprint>;
  machinePools: Map<string, MachinePoolBlueprint>;
}

export interface MachineDeploymentState {
  topologyName: string;
  topology: PlainObject;
  object: PlainObject;
  bootstrapTemplate: PlainObject;
  infrastructureMachineTemplate: PlainObject;
  machineHealthCheck?: PlainObject;
}

export interface MachinePoolState {
  topologyName: string;
  topology: PlainObject;
  object: PlainObject;
  bootstrapObject: PlainObject;
  infrastructureMachinePoolObject: PlainObject;
}

export interface DesiredState {
  cluster: PlainObject;
  infrastructureCluster: PlainObject;
  controlPlane: {
    object: PlainObject;
    contractVersion: 'v1beta1' | 'v1beta2';
    infrastructureMachineTemplate?: PlainObject;
    machineHealthCheck?: PlainObject;
  };
  machineDeployments: MachineDeploymentState[];
  machinePools: MachinePoolState[];
}

/** Versions decided by an upgrade plan; by default every part gets `topology.version`. */
export interface DesiredVersions {
  controlPlane?: string;
  machineDeployments?: Record<string, string>;
  machinePools?: Record<string, string>;
}

const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const clone = <T>(v: T): T => cloneTree(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
type StringMap = Record<string, string>;
const smap = (v: unknown): StringMap => {
  const out = emptyMap() as StringMap;
  if (isPlainObject(v)) for (const k of Object.keys(v)) setOwn(out, k, String(v[k]));
  return out;
};
/** apimachinery `util.MergeMap`: the first map's value wins. */
function mergeMap(...maps: StringMap[]): StringMap {
  const out = emptyMap() as StringMap;
  for (const m of maps) for (const k of Object.keys(m)) if (!Object.hasOwn(out, k)) setOwn(out, k, m[k]);
  return out;
}
const STATUS: ReadonlySet<string> = new Set(['status']);
const MAX_IN_FLIGHT: ReadonlySet<string> = new Set(['maxInFlight']);
const UPGRADE_ANNOTATIONS: ReadonlySet<string> = new Set([
  ANNOTATION_HOLD_UPGRADE_SEQUENCE,
  ANNOTATION_DEFER_UPGRADE,
]);
const nonEmpty = (m: StringMap): StringMap | undefined => (Object.keys(m).length ? m : undefined);
/** The object without undefined values and empty maps (a new object: see `withoutKeys`). */
const compact = (obj: PlainObject): PlainObject => withoutKeys(obj, undefined, true);

export function groupOf(apiVersion: string): string {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}
export function groupKind(apiVersion: string, kind: string): string {
  const g = groupOf(apiVersion);
  return g ? `${kind}.${g}` : kind;
}
/** `ContractVersionedObjectReference` of an object. */
export function contractRef(obj: PlainObject): PlainObject {
  return { apiGroup: groupOf(str(obj.apiVersion)), kind: obj.kind, name: o(obj.metadata).name };
}
/**
 * Control-plane kinds that keep the v1beta1 contract (`spec.machineTemplate.infrastructureRef`)
 * whatever their API version: k0smotron's.
 */
const V1BETA1_CONTRACT_KINDS = new Set(['K0sControlPlane', 'K0smotronControlPlane']);

/**
 * The control-plane contract of a kind. Upstream reads it from the CRD's contract label; offline
 * clustermint knows the providers it ships and otherwise goes by the API version.
 */
export function controlPlaneContract(apiVersion: string, kind = ''): 'v1beta1' | 'v1beta2' {
  if (V1BETA1_CONTRACT_KINDS.has(kind)) return 'v1beta1';
  return apiVersion.endsWith('/v1beta1') ? 'v1beta1' : 'v1beta2';
}
/** Go's time.Duration String() for whole seconds (`5m0s`), as metav1.Duration marshals. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/** Sets `value` at `path`, creating the objects on the way. */
export function setPath(obj: PlainObject, path: string[], value: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as PlainObject;
  }
  cur[path[path.length - 1]] = value;
}

interface ClusterInfo {
  name: string;
  namespace: string;
  uid?: string;
}

function ownerRefTo(c: ClusterInfo): PlainObject[] | undefined {
  return c.uid ? [{ apiVersion: CAPI_V1BETA2, kind: 'Cluster', name: c.name, uid: c.uid }] : undefined;
}

const SERVER_FIELDS: ReadonlySet<string> = new Set([
  'resourceVersion',
  'finalizers',
  'uid',
  'selfLink',
  'creationTimestamp',
  'generation',
  'managedFields',
]);

/** `{apiVersion, kind, metadata, ...the body's other fields, copied}`. */
function withBody(apiVersion: unknown, kind: unknown, metadata: PlainObject, body: PlainObject): PlainObject {
  const out: PlainObject = { apiVersion, kind, metadata };
  for (const k of Object.keys(body))
    if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') setOwn(out, k, clone(body[k]));
  return out;
}

const LAST_APPLIED: ReadonlySet<string> = new Set([ANNOTATION_LAST_APPLIED]);

/** Writes `entries` over `into` in order (a spread without V8's slow path), returning it. */
function assignAll(into: StringMap, ...entries: StringMap[]): StringMap {
  for (const m of entries) for (const k of Object.keys(m)) setOwn(into, k, m[k]);
  return into;
}

/**
 * `{...meta, ...fields}` minus server-set fields, undefined values and empty maps, with meta's
 * other values copied: the metadata of a generated object, built in one pass.
 */
function generatedMeta(meta: PlainObject, fields: PlainObject): PlainObject {
  const out: PlainObject = {};
  const put = (k: string, v: unknown) => {
    if (v === undefined || (isPlainObject(v) && isEmptyObject(v))) return;
    setOwn(out, k, v);
  };
  for (const k of Object.keys(meta)) {
    if (SERVER_FIELDS.has(k)) continue;
    put(k, Object.hasOwn(fields, k) ? fields[k] : clone(meta[k]));
  }
  for (const k of Object.keys(fields)) if (!Object.hasOwn(meta, k)) put(k, fields[k]);
  return out;
}

/** `templateToObject`: the object a template's `spec.template` describes. */
function templateToObject(
  template: PlainObject,
  cluster: ClusterInfo,
  name: string,
  labels: StringMap,
  annotations: StringMap,
): PlainObject {
  const body = o(o(template.spec).template);
  const meta = o(body.metadata);
  const apiVersion = str(body.apiVersion) || str(template.apiVersion);
  const kind = str(body.kind) || str(template.kind).replace(/Template$/, '');
  const outLabels = assignAll(smap(meta.labels), labels);
  outLabels[LABEL_CLUSTER_NAME] = cluster.name;
  const outAnnotations = assignAll(smap(meta.annotations), annotations);
  outAnnotations[ANNOTATION_CLONED_FROM_NAME] = str(o(template.metadata).name);
  outAnnotations[ANNOTATION_CLONED_FROM_GROUPKIND] = groupKind(str(template.apiVersion), str(template.kind));
  const outMeta = generatedMeta(meta, {
    name,
    namespace: cluster.namespace,
    labels: outLabels,
    annotations: outAnnotations,
  });
  return withBody(apiVersion, kind, outMeta, body);
}

/** `templateToTemplate`: a per-cluster copy of a ClusterClass template. */
function templateToTemplate(
  template: PlainObject,
  cluster: ClusterInfo,
  name: string,
  extraLabels: StringMap,
): PlainObject {
  const meta = o(template.metadata);
  const annotations = smap(meta.annotations);
  annotations[ANNOTATION_CLONED_FROM_NAME] = str(meta.name);
  annotations[ANNOTATION_CLONED_FROM_GROUPKIND] = groupKind(str(template.apiVersion), str(template.kind));
  const labels = smap(meta.labels);
  labels[LABEL_CLUSTER_NAME] = cluster.name;
  labels[LABEL_TOPOLOGY_OWNED] = '';
  assignAll(labels, extraLabels);
  const outMeta = generatedMeta(meta, {
    name,
    namespace: cluster.namespace,
    labels,
    annotations: Object.hasOwn(annotations, ANNOTATION_LAST_APPLIED)
      ? withoutKeys(annotations, LAST_APPLIED)
      : annotations,
    ownerReferences: ownerRefTo(cluster),
  });
  return withBody(template.apiVersion, template.kind, outMeta, template);
}

function machineHealthCheck(
  target: PlainObject,
  matchLabels: StringMap,
  cluster: ClusterInfo,
  healthCheck: PlainObject,
): PlainObject {
  const checks = clone(o(healthCheck.checks));
  if (checks.nodeStartupTimeoutSeconds === undefined)
    checks.nodeStartupTimeoutSeconds = DEFAULT_NODE_STARTUP_TIMEOUT_SECONDS;
  // maxInFlight is a MachineDeployment field, not a MachineHealthCheck one
  const remediation = withoutKeys(clone(o(healthCheck.remediation)), MAX_IN_FLIGHT);
  const meta = o(target.metadata);
  return {
    apiVersion: CAPI_V1BETA2,
    kind: 'MachineHealthCheck',
    metadata: compact({
      name: meta.name,
      namespace: meta.namespace,
      labels: { [LABEL_TOPOLOGY_OWNED]: '', [LABEL_CLUSTER_NAME]: cluster.name },
      ownerReferences: ownerRefTo(cluster),
    }),
    spec: compact({ clusterName: cluster.name, selector: { matchLabels }, checks, remediation }),
  };
}

const isDefinedHealthCheck = (hc: unknown) =>
  isPlainObject(hc) && (isPlainObject(hc.checks) || isPlainObject(hc.remediation));

/** Whether a health check is wanted: defined in the class or topology, and not disabled. */
function healthCheckFor(classHc: unknown, topoHc: unknown): PlainObject | undefined {
  if (!isDefinedHealthCheck(classHc) && !isDefinedHealthCheck(topoHc)) return undefined;
  const enabled = o(topoHc).enabled;
  if (enabled === false) return undefined;
  return isDefinedHealthCheck(topoHc) ? o(topoHc) : o(classHc);
}

const pick = <T>(topologyValue: T | undefined, classValue: T | undefined): T | undefined =>
  topologyValue !== undefined && topologyValue !== null && topologyValue !== '' ? topologyValue : classValue;

function deletionSeconds(topo: PlainObject, cls: PlainObject): PlainObject {
  const t = o(topo.deletion);
  const c = o(cls.deletion);
  return compact({
    nodeDrainTimeoutSeconds: pick(t.nodeDrainTimeoutSeconds, c.nodeDrainTimeoutSeconds),
    nodeVolumeDetachTimeoutSeconds: pick(t.nodeVolumeDetachTimeoutSeconds, c.nodeVolumeDetachTimeoutSeconds),
    nodeDeletionTimeoutSeconds: pick(t.nodeDeletionTimeoutSeconds, c.nodeDeletionTimeoutSeconds),
  });
}

export class DesiredStateError extends Error {}

/** Computes the desired state; `cluster` is a v1beta2 topology Cluster with defaulted variables. */
export function computeDesiredState(
  bp: Blueprint,
  clusterObj: PlainObject,
  versions: DesiredVersions = {},
): DesiredState {
  const cmeta = o(clusterObj.metadata);
  const cluster: ClusterInfo = {
    name: str(cmeta.name),
    namespace: str(cmeta.namespace) || 'default',
    uid: typeof cmeta.uid === 'string' ? cmeta.uid : undefined,
  };
  const seed = (role: string) => `${cluster.namespace}/${cluster.name}/${role}`;
  const spec = o(clusterObj.spec);
  const topology = o(spec.topology);
  const cc = o(bp.clusterClass.spec);
  const ccCp = o(cc.controlPlane);
  const topoCp = o(topology.controlPlane);
  const version = str(topology.version);
  const named = (what: string, f: () => string) => {
    try {
      return f();
    } catch (e) {
      throw new DesiredStateError(`failed to generate name for ${what}: ${(e as Error).message}`);
    }
  };

  // InfrastructureCluster
  const infraNaming = str(o(o(cc.infrastructure).naming).template) || '{{ .cluster.name }}-{{ .random }}';
  const infraName =
    str(o(spec.infrastructureRef).name) ||
    named(str(bp.infrastructureClusterTemplate.kind), () =>
      templateName(infraNaming, { cluster: { name: cluster.name } }, seed('infrastructure-cluster')),
    );
  const infrastructureCluster = templateToObject(
    bp.infrastructureClusterTemplate,
    cluster,
    infraName,
    { [LABEL_CLUSTER_NAME]: cluster.name, [LABEL_TOPOLOGY_OWNED]: '' },
    {},
  );

  // ControlPlane InfrastructureMachineTemplate
  let cpInfraMachineTemplate: PlainObject | undefined;
  if (bp.controlPlaneInfrastructureMachineTemplate) {
    cpInfraMachineTemplate = templateToTemplate(
      bp.controlPlaneInfrastructureMachineTemplate,
      cluster,
      simpleName(`${cluster.name}-`, seed('control-plane-machine-template')),
      {},
    );
  }

  // ControlPlane
  const cpLabels = mergeMap(smap(o(topoCp.metadata).labels), smap(o(ccCp.metadata).labels));
  cpLabels[LABEL_CLUSTER_NAME] = cluster.name;
  cpLabels[LABEL_TOPOLOGY_OWNED] = '';
  const cpAnnotations = mergeMap(smap(o(topoCp.metadata).annotations), smap(o(ccCp.metadata).annotations));
  const cpNaming = str(o(ccCp.naming).template) || '{{ .cluster.name }}-{{ .random }}';
  const cpName =
    str(o(spec.controlPlaneRef).name) ||
    named(str(bp.controlPlaneTemplate.kind), () =>
      templateName(cpNaming, { cluster: { name: cluster.name } }, seed('control-plane')),
    );
  const controlPlane = templateToObject(bp.controlPlaneTemplate, cluster, cpName, cpLabels, cpAnnotations);
  const contract = controlPlaneContract(str(controlPlane.apiVersion), str(controlPlane.kind));
  if (cpInfraMachineTemplate) {
    if (contract === 'v1beta1') {
      const m = o(cpInfraMachineTemplate.metadata);
      setPath(controlPlane, ['spec', 'machineTemplate', 'infrastructureRef'], {
        apiVersion: cpInfraMachineTemplate.apiVersion,
        kind: cpInfraMachineTemplate.kind,
        name: m.name,
        namespace: m.namespace,
      });
    } else {
      setPath(
        controlPlane,
        ['spec', 'machineTemplate', 'spec', 'infrastructureRef'],
        contractRef(cpInfraMachineTemplate),
      );
    }
    const mt = o(o(controlPlane.spec).machineTemplate);
    const mtMeta = o(mt.metadata);
    setPath(
      controlPlane,
      ['spec', 'machineTemplate', 'metadata'],
      compact({
        labels: nonEmpty(mergeMap(cpLabels, smap(mtMeta.labels))),
        annotations: nonEmpty(mergeMap(cpAnnotations, smap(mtMeta.annotations))),
      }),
    );
  }
  if (topoCp.replicas !== undefined && topoCp.replicas !== null)
    setPath(controlPlane, ['spec', 'replicas'], topoCp.replicas);
  const rolloutAfter = o(topoCp.rollout).after;
  if (rolloutAfter) setPath(controlPlane, ['spec', 'rollout', 'after'], rolloutAfter);
  const mtSpec = contract === 'v1beta1' ? ['spec', 'machineTemplate'] : ['spec', 'machineTemplate', 'spec'];
  const readinessGates = pick(topoCp.readinessGates, ccCp.readinessGates);
  if (readinessGates !== undefined)
    setPath(controlPlane, [...mtSpec, 'readinessGates'], clone(readinessGates));
  const taints = pick(topoCp.taints, ccCp.taints);
  if (taints !== undefined) setPath(controlPlane, [...mtSpec, 'taints'], clone(taints));
  const del = deletionSeconds(topoCp, ccCp);
  for (const [k, v] of Object.entries(del)) {
    if (contract === 'v1beta1')
      setPath(controlPlane, ['spec', 'machineTemplate', k.replace(/Seconds$/, '')], goDuration(Number(v)));
    else setPath(controlPlane, ['spec', 'machineTemplate', 'spec', 'deletion', k], v);
  }
  setPath(controlPlane, ['spec', 'version'], versions.controlPlane ?? version);

  let cpMhc: PlainObject | undefined;
  if (cpInfraMachineTemplate) {
    const hc = healthCheckFor(ccCp.healthCheck, topoCp.healthCheck);
    if (hc)
      cpMhc = machineHealthCheck(
        controlPlane,
        { [LABEL_TOPOLOGY_OWNED]: '', [LABEL_CONTROL_PLANE]: '' },
        cluster,
        hc,
      );
  }

  // Cluster
  const desiredCluster = withoutKeys(clone(clusterObj), STATUS);
  const dmeta = o(desiredCluster.metadata);
  dmeta.namespace = cluster.namespace;
  dmeta.labels = { ...smap(dmeta.labels), [LABEL_CLUSTER_NAME]: cluster.name, [LABEL_TOPOLOGY_OWNED]: '' };
  desiredCluster.metadata = dmeta;
  const dspec = o(desiredCluster.spec);
  dspec.infrastructureRef = contractRef(infrastructureCluster);
  dspec.controlPlaneRef = contractRef(controlPlane);
  desiredCluster.spec = dspec;

  // MachineDeployments, in topology order
  const machineDeployments: MachineDeploymentState[] = [];
  const workers = o(topology.workers);
  const mdClasses = Array.isArray(o(cc.workers).machineDeployments)
    ? (o(cc.workers).machineDeployments as unknown[])
    : [];
  for (const t of Array.isArray(workers.machineDeployments) ? workers.machineDeployments : []) {
    const mdTopo = o(t);
    const topoName = str(mdTopo.name);
    const className = str(mdTopo.class);
    const mdBp = bp.machineDeployments.get(className);
    const mdClass = o(mdClasses.find((c) => o(c).class === className));
    if (!mdBp)
      throw new DesiredStateError(
        `failed to compute MachineDeployment for topology ${JSON.stringify(topoName)}: MachineDeployment class ${className} not found in ClusterClass ${str(o(bp.clusterClass.metadata).namespace) || cluster.namespace}/${str(o(bp.clusterClass.metadata).name)}`,
      );
    const mdLabel = { [LABEL_DEPLOYMENT_NAME]: topoName };
    const bootstrapTemplate = templateToTemplate(
      mdBp.bootstrapTemplate,
      cluster,
      simpleName(`${cluster.name}-${topoName}-`, seed(`md/${topoName}/bootstrap`)),
      mdLabel,
    );
    const infraTemplate = templateToTemplate(
      mdBp.infrastructureMachineTemplate,
      cluster,
      simpleName(`${cluster.name}-${topoName}-`, seed(`md/${topoName}/infrastructure`)),
      mdLabel,
    );
    const mdNaming =
      str(o(mdClass.naming).template) ||
      '{{ .cluster.name }}-{{ .machineDeployment.topologyName }}-{{ .random }}';
    const mdName = named('MachineDeployment', () =>
      templateName(
        mdNaming,
        { cluster: { name: cluster.name }, machineDeployment: { topologyName: topoName } },
        seed(`md/${topoName}`),
      ),
    );
    const annotations = withoutKeys(
      mergeMap(smap(o(mdTopo.metadata).annotations), smap(o(mdClass.metadata).annotations)),
      UPGRADE_ANNOTATIONS,
    ) as StringMap;
    const labels = mergeMap(smap(o(mdTopo.metadata).labels), smap(o(mdClass.metadata).labels));
    labels[LABEL_CLUSTER_NAME] = cluster.name;
    labels[LABEL_TOPOLOGY_OWNED] = '';
    labels[LABEL_DEPLOYMENT_NAME] = topoName;
    const classRollout = o(mdClass.rollout);
    const topoRollout = o(mdTopo.rollout);
    const rollout = Object.keys(topoRollout).length
      ? topoRollout
      : Object.keys(classRollout).length
        ? classRollout
        : undefined;
    const maxInFlight = pick(
      o(o(mdTopo.healthCheck).remediation).maxInFlight,
      o(o(mdClass.healthCheck).remediation).maxInFlight,
    );
    const deletionOrder = pick(o(mdTopo.deletion).order, o(mdClass.deletion).order);
    const object: PlainObject = {
      apiVersion: CAPI_V1BETA2,
      kind: 'MachineDeployment',
      metadata: compact({
        name: mdName,
        namespace: cluster.namespace,
        labels,
        annotations: nonEmpty(annotations),
      }),
      spec: compact({
        clusterName: cluster.name,
        replicas: mdTopo.replicas ?? undefined,
        rollout: rollout ? clone(rollout) : undefined,
        selector: {
          matchLabels: {
            [LABEL_CLUSTER_NAME]: cluster.name,
            [LABEL_TOPOLOGY_OWNED]: '',
            [LABEL_DEPLOYMENT_NAME]: topoName,
          },
        },
        template: {
          metadata: compact({ labels: { ...labels }, annotations: nonEmpty({ ...annotations }) }),
          spec: compact({
            clusterName: cluster.name,
            bootstrap: { configRef: contractRef(bootstrapTemplate) },
            infrastructureRef: contractRef(infraTemplate),
            version: versions.machineDeployments?.[topoName] ?? version,
            failureDomain: pick(mdTopo.failureDomain, mdClass.failureDomain),
            minReadySeconds: pick(mdTopo.minReadySeconds, mdClass.minReadySeconds),
            readinessGates: clone(pick(mdTopo.readinessGates, mdClass.readinessGates)),
            deletion: deletionSeconds(mdTopo, mdClass),
            taints: clone(pick(mdTopo.taints, mdClass.taints)),
          }),
        },
        remediation: maxInFlight !== undefined ? { maxInFlight } : undefined,
        deletion: deletionOrder !== undefined ? { order: deletionOrder } : undefined,
      }),
    };
    const hc = healthCheckFor(mdClass.healthCheck, mdTopo.healthCheck);
    machineDeployments.push({
      topologyName: topoName,
      topology: mdTopo,
      object,
      bootstrapTemplate,
      infrastructureMachineTemplate: infraTemplate,
      machineHealthCheck: hc
        ? machineHealthCheck(
            object,
            { [LABEL_TOPOLOGY_OWNED]: '', [LABEL_DEPLOYMENT_NAME]: topoName },
            cluster,
            hc,
          )
        : undefined,
    });
  }

  // MachinePools
  const machinePools: MachinePoolState[] = [];
  const mpClasses = Array.isArray(o(cc.workers).machinePools)
    ? (o(cc.workers).machinePools as unknown[])
    : [];
  for (const t of Array.isArray(workers.machinePools) ? workers.machinePools : []) {
    const mpTopo = o(t);
    const topoName = str(mpTopo.name);
    const className = str(mpTopo.class);
    const mpBp = bp.machinePools.get(className);
    const mpClass = o(mpClasses.find((c) => o(c).class === className));
    if (!mpBp)
      throw new DesiredStateError(
        `failed to compute MachinePool for topology ${JSON.stringify(topoName)}: MachinePool class ${className} not found in ClusterClass ${str(o(bp.clusterClass.metadata).name)}`,
      );
    const ownerLabels = { [LABEL_CLUSTER_NAME]: cluster.name, [LABEL_TOPOLOGY_OWNED]: '' };
    const bootstrapObject = templateToObject(
      mpBp.bootstrapTemplate,
      cluster,
      simpleName(`${cluster.name}-${topoName}-`, seed(`mp/${topoName}/bootstrap`)),
      ownerLabels,
      {},
    );
    o(bootstrapObject.metadata).labels = {
      ...smap(o(bootstrapObject.metadata).labels),
      [LABEL_POOL_NAME]: topoName,
    };
    const infraObject = templateToObject(
      mpBp.infrastructureMachinePoolTemplate,
      cluster,
      simpleName(`${cluster.name}-${topoName}-`, seed(`mp/${topoName}/infrastructure`)),
      ownerLabels,
      {},
    );
    o(infraObject.metadata).labels = { ...smap(o(infraObject.metadata).labels), [LABEL_POOL_NAME]: topoName };
    const mpNaming =
      str(o(mpClass.naming).template) || '{{ .cluster.name }}-{{ .machinePool.topologyName }}-{{ .random }}';
    const mpName = named('MachinePool', () =>
      templateName(
        mpNaming,
        { cluster: { name: cluster.name }, machinePool: { topologyName: topoName } },
        seed(`mp/${topoName}`),
      ),
    );
    const annotations = withoutKeys(
      mergeMap(smap(o(mpTopo.metadata).annotations), smap(o(mpClass.metadata).annotations)),
      UPGRADE_ANNOTATIONS,
    ) as StringMap;
    const labels = mergeMap(smap(o(mpTopo.metadata).labels), smap(o(mpClass.metadata).labels));
    labels[LABEL_CLUSTER_NAME] = cluster.name;
    labels[LABEL_TOPOLOGY_OWNED] = '';
    labels[LABEL_POOL_NAME] = topoName;
    const object: PlainObject = {
      apiVersion: CAPI_V1BETA2,
      kind: 'MachinePool',
      metadata: compact({
        name: mpName,
        namespace: cluster.namespace,
        labels,
        annotations: nonEmpty(annotations),
      }),
      spec: compact({
        clusterName: cluster.name,
        replicas: mpTopo.replicas ?? undefined,
        failureDomains: clone(pick(mpTopo.failureDomains, mpClass.failureDomains)),
        template: {
          metadata: compact({ labels: { ...labels }, annotations: nonEmpty({ ...annotations }) }),
          spec: compact({
            clusterName: cluster.name,
            bootstrap: { configRef: contractRef(bootstrapObject) },
            infrastructureRef: contractRef(infraObject),
            version: versions.machinePools?.[topoName] ?? version,
            minReadySeconds: pick(mpTopo.minReadySeconds, mpClass.minReadySeconds),
            deletion: deletionSeconds(mpTopo, mpClass),
            taints: clone(pick(mpTopo.taints, mpClass.taints)),
          }),
        },
      }),
    };
    machinePools.push({
      topologyName: topoName,
      topology: mpTopo,
      object,
      bootstrapObject,
      infrastructureMachinePoolObject: infraObject,
    });
  }

  return {
    cluster: desiredCluster,
    infrastructureCluster,
    controlPlane: {
      object: controlPlane,
      contractVersion: contract,
      infrastructureMachineTemplate: cpInfraMachineTemplate,
      machineHealthCheck: cpMhc,
    },
    machineDeployments,
    machinePools,
  };
}

/** All desired objects in apply order: Cluster, infrastructure, control plane, workers, health checks. */
export function desiredObjects(d: DesiredState): PlainObject[] {
  const out: PlainObject[] = [d.cluster, d.infrastructureCluster];
  if (d.controlPlane.infrastructureMachineTemplate) out.push(d.controlPlane.infrastructureMachineTemplate);
  out.push(d.controlPlane.object);
  if (d.controlPlane.machineHealthCheck) out.push(d.controlPlane.machineHealthCheck);
  for (const md of d.machineDeployments) {
    out.push(md.bootstrapTemplate, md.infrastructureMachineTemplate, md.object);
    if (md.machineHealthCheck) out.push(md.machineHealthCheck);
  }
  for (const mp of d.machinePools)
    out.push(mp.bootstrapObject, mp.infrastructureMachinePoolObject, mp.object);
  return out;
}
