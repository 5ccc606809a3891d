/**
 * The variables of each request item (`addVariablesForPatch` of Cluster API's patch engine):
 * the Cluster's topology variables defined for the patch, `builtin.cluster`, and per item the
 * topology's overrides and the item's builtin (`controlPlane`, `machineDeployment`,
 * `machinePool`), with exactly upstream's fields.
 */
import {
  emptyMap,
  isEmptyObject,
  isPlainObject,
  type PlainObject,
  setOwn,
  withoutKeys,
} from '../../../util/plain-object.js';
import type { DesiredState } from '../desired-state.js';
import { mergeVariableMaps } from '../json-patch-generator.js';
import type { Cluster, ClusterNetwork, TopologyObject, VariableOverrides, WorkerTopology } from '../types.js';
import type { Variables } from '../variable-value.js';
import type { EngineItem, PatchItems, WorkerItems } from './items.js';
import { cleanAnnotations } from './request.js';

export interface VariableDefinitionFrom {
  name: string;
  from: string;
}

const withoutUndefined = (obj: PlainObject): PlainObject => withoutKeys(obj);

function metadataBuiltin(meta: { labels?: unknown; annotations?: unknown }): PlainObject | undefined {
  if (meta.labels === undefined && meta.annotations === undefined) return undefined;
  const out: PlainObject = {};
  if (isPlainObject(meta.labels) && !isEmptyObject(meta.labels)) out.labels = meta.labels;
  const ann = cleanAnnotations(meta.annotations);
  if (ann && !isEmptyObject(ann)) out.annotations = ann;
  return out;
}

/** `builtin.cluster` (variables.Global), from the desired Cluster. */
export function clusterBuiltin(cluster: Pick<Cluster, 'metadata' | 'spec'>): PlainObject {
  const meta = cluster.metadata;
  const topology = cluster.spec.topology;
  const classRef = topology.classRef;
  const namespace = meta.namespace ?? '';
  const classNamespace = classRef.namespace || namespace;
  return withoutUndefined({
    name: meta.name,
    namespace,
    uid: typeof meta.uid === 'string' ? meta.uid || undefined : undefined,
    metadata: metadataBuiltin(meta),
    topology: withoutUndefined({
      version: topology.version || undefined,
      classRef: { name: classRef.name, namespace: classNamespace },
      class: classRef.name || undefined,
      classNamespace: classNamespace || undefined,
    }),
    network: networkBuiltin(cluster.spec.clusterNetwork),
  });
}

/** `builtin.cluster.network`. clusterNetwork is not validated before rendering: read with care. */
function networkBuiltin(net: ClusterNetwork | undefined): PlainObject | undefined {
  if (!isPlainObject(net)) return undefined;
  const cidrBlocks = (part: unknown) =>
    isPlainObject(part) && Array.isArray(part.cidrBlocks) ? part.cidrBlocks : undefined;
  const network = withoutUndefined({
    serviceDomain: (typeof net.serviceDomain === 'string' && net.serviceDomain) || undefined,
    services: cidrBlocks(net.services),
    pods: cidrBlocks(net.pods),
  });
  return Object.keys(network).length ? network : undefined;
}

/** `builtin.controlPlane`. */
function controlPlaneBuiltin(desired: DesiredState, topology: Cluster['spec']['topology']): PlainObject {
  const cp = desired.controlPlane.object;
  const spec = cp.spec as PlainObject;
  const replicas = topology.controlPlane?.replicas;
  const machineTemplate = desired.controlPlane.infrastructureMachineTemplate;
  return withoutUndefined({
    version: spec.version,
    metadata: metadataBuiltin(cp.metadata),
    name: cp.metadata.name,
    replicas: replicas !== undefined && replicas !== null ? spec.replicas : undefined,
    machineTemplate: machineTemplate
      ? { infrastructureRef: { name: machineTemplate.metadata.name } }
      : undefined,
  });
}

/** `builtin.machineDeployment` / `builtin.machinePool`: the same fields. */
function workerBuiltin(
  topology: WorkerTopology,
  object: TopologyObject,
  bootstrap: TopologyObject,
  infrastructure: TopologyObject,
): PlainObject {
  const spec = object.spec as PlainObject;
  return withoutUndefined({
    version: ((spec.template as PlainObject).spec as PlainObject).version,
    metadata: metadataBuiltin(object.metadata),
    class: topology.class,
    name: object.metadata.name,
    topologyName: topology.name,
    replicas: spec.replicas ?? undefined,
    bootstrap: { configRef: { name: bootstrap.metadata.name } },
    infrastructureRef: { name: infrastructure.metadata.name },
  });
}

/** The builtins of every part: they depend on the desired objects, which patches do not change. */
export interface Builtins {
  cluster: PlainObject;
  controlPlane: PlainObject;
  /** By topology name. */
  machineDeployments: Map<string, PlainObject>;
  machinePools: Map<string, PlainObject>;
}

export function computeBuiltins(desired: DesiredState): Builtins {
  const topology = desired.cluster.spec.topology;
  const machineDeployments = new Map<string, PlainObject>();
  for (const md of desired.machineDeployments)
    machineDeployments.set(
      md.topologyName,
      workerBuiltin(md.topology, md.object, md.bootstrapTemplate, md.infrastructureMachineTemplate),
    );
  const machinePools = new Map<string, PlainObject>();
  for (const mp of desired.machinePools)
    machinePools.set(
      mp.topologyName,
      workerBuiltin(mp.topology, mp.object, mp.bootstrapObject, mp.infrastructureMachinePoolObject),
    );
  return {
    cluster: clusterBuiltin(desired.cluster),
    controlPlane: controlPlaneBuiltin(desired, topology),
    machineDeployments,
    machinePools,
  };
}

/** The overrides of a part of the topology for the variables a patch defines. */
function overrides(variables: VariableOverrides | undefined, defs: ReadonlySet<string>): Variables {
  const out: Variables = emptyMap();
  for (const v of variables?.overrides ?? []) if (defs.has(v.name)) setOwn(out, v.name, v.value);
  return out;
}

/** The variables of the request and of each item, for patches whose definitions come from one origin. */
export interface RequestVariables {
  global: Variables;
  items: Array<{ item: EngineItem; variables: Variables; merged: Variables }>;
}

/**
 * The variables for patches whose definitions come from `definitionFrom` ('inline' for every
 * inline patch): the same for every such patch.
 */
export function requestVariables(
  items: PatchItems,
  desired: DesiredState,
  builtins: Builtins,
  definitions: readonly VariableDefinitionFrom[],
  definitionFrom: string,
): RequestVariables {
  const defs = new Set(definitions.filter((d) => d.from === definitionFrom).map((d) => d.name));
  const topology = desired.cluster.spec.topology;
  const global: Variables = emptyMap();
  for (const v of topology.variables ?? [])
    if (v.name !== 'builtin' && defs.has(v.name)) setOwn(global, v.name, v.value);
  global.builtin = { cluster: builtins.cluster };

  const out: RequestVariables['items'] = [];
  const add = (item: EngineItem, variables: Variables) =>
    out.push({ item, variables, merged: mergeVariableMaps(global, variables) });
  add(items.infrastructureCluster, emptyMap());
  const cpVars = {
    ...overrides(topology.controlPlane?.variables, defs),
    builtin: { controlPlane: builtins.controlPlane },
  };
  add(items.controlPlane, cpVars);
  if (items.controlPlaneInfrastructureMachineTemplate)
    add(items.controlPlaneInfrastructureMachineTemplate, cpVars);
  // a worker's two items share its variables
  const addWorkers = (
    workers: readonly { topologyName: string; topology: WorkerTopology }[],
    itemsByName: ReadonlyMap<string, WorkerItems>,
    builtin: (topologyName: string) => PlainObject,
  ) => {
    for (const worker of workers) {
      const vars = { ...overrides(worker.topology.variables, defs), builtin: builtin(worker.topologyName) };
      const its = itemsByName.get(worker.topologyName);
      if (its) {
        add(its.bootstrap, vars);
        add(its.infrastructure, vars);
      }
    }
  };
  addWorkers(desired.machineDeployments, items.machineDeployments, (name) => ({
    machineDeployment: builtins.machineDeployments.get(name),
  }));
  addWorkers(desired.machinePools, items.machinePools, (name) => ({
    machinePool: builtins.machinePools.get(name),
  }));
  return { global, items: out };
}

/** Gives each item its variables for the next patch. */
export function assignVariables(vars: RequestVariables): void {
  for (const v of vars.items) {
    v.item.variables = v.variables;
    v.item.merged = v.merged;
  }
}
