/**
 * MachineDeployments and MachinePools of a topology (`computeMachineDeployment`,
 * `computeMachinePool` of Cluster API's desired state). Both are built by one function,
 * `computeWorker`; what differs between the two kinds (how their templates are copied, the
 * name label, the spec fields only one of them has) is a `WorkerKind`.
 */

import {
  ANNOTATION_DEFER_UPGRADE,
  ANNOTATION_HOLD_UPGRADE_SEQUENCE,
  LABEL_CLUSTER_NAME,
  LABEL_TOPOLOGY_DEPLOYMENT_NAME,
  LABEL_TOPOLOGY_OWNED,
  LABEL_TOPOLOGY_POOL_NAME,
} from '../../../domain/labels.js';
import {
  cloneTree,
  isEmptyObject,
  isPlainObject,
  type PlainObject,
  setOwn,
  withoutKeys,
} from '../../../util/plain-object.js';
import { CAPI_V1BETA2 } from '../convert.js';
import { simpleName } from '../names.js';
import type {
  MachineDeploymentClass,
  MachineDeploymentTopology,
  MachinePoolClass,
  MachinePoolTopology,
  ProviderTemplate,
  StringMap,
  TopologyObject,
  WorkerClass,
  WorkerTopology,
} from '../types.js';
import {
  type DesiredContext,
  DesiredStateError,
  deletionSeconds,
  generatedName,
  nameSeed,
  pick,
} from './context.js';
import { computeMachineHealthCheck, wantedHealthCheck } from './health-checks.js';
import { compact, mergeMap, nonEmpty, ownerRefTo, stringMap } from './metadata.js';
import { contractRef, templateToObject, templateToTemplate } from './templates.js';

/** A worker class of the ClusterClass with the templates it references. */
export interface WorkerBlueprint<C extends WorkerClass> {
  class: C;
  bootstrapTemplate: ProviderTemplate;
  infrastructureTemplate: ProviderTemplate;
}

/** A computed MachineDeployment or MachinePool with the objects made from its class's templates. */
export interface ComputedWorker<C extends WorkerClass, T extends WorkerTopology> {
  topologyName: string;
  topology: T;
  class: C;
  object: TopologyObject;
  bootstrap: TopologyObject;
  infrastructure: TopologyObject;
}

/** What tells a MachineDeployment from a MachinePool. */
interface WorkerKind<C extends WorkerClass, T extends WorkerTopology> {
  kind: 'MachineDeployment' | 'MachinePool';
  /** The naming template when the class has none, and the data naming templates see. */
  defaultNaming: string;
  namingData(clusterName: string, topologyName: string): Record<string, unknown>;
  /** Prefix of the roles seeding the worker's generated names. */
  seedPrefix: 'md' | 'mp';
  /** The label naming the worker in the topology. */
  nameLabel: string;
  /** Where the worker's class is missing from the ClusterClass (upstream's two wordings). */
  classIn(ctx: DesiredContext): string;
  /** The worker's copy of its class's bootstrap or infrastructure template. */
  copyTemplate(
    template: ProviderTemplate,
    ctx: DesiredContext,
    name: string,
    topologyName: string,
  ): TopologyObject;
  /** Spec fields between `replicas` and `template`. */
  specBeforeTemplate(spec: PlainObject, topology: T, cls: C, topologyName: string, ctx: DesiredContext): void;
  /** Machine spec fields after `version`. */
  machineSpec(spec: PlainObject, topology: T, cls: C): void;
  /** Spec fields after `template`. */
  specAfterTemplate(spec: PlainObject, topology: T, cls: C): void;
}

/** Sets `key` unless the value is undefined or an empty map (what `compact` would drop). */
function put(into: PlainObject, key: string, value: unknown): void {
  if (value === undefined || (isPlainObject(value) && isEmptyObject(value))) return;
  setOwn(into, key, value);
}

const UPGRADE_ANNOTATIONS: ReadonlySet<string> = new Set([
  ANNOTATION_HOLD_UPGRADE_SEQUENCE,
  ANNOTATION_DEFER_UPGRADE,
]);

/** The worker and its template copies: what MachineDeployments and MachinePools share. */
function computeWorker<C extends WorkerClass, T extends WorkerTopology>(
  ctx: DesiredContext,
  kind: WorkerKind<C, T>,
  topology: T,
  classes: readonly C[],
  blueprint: WorkerBlueprint<C> | undefined,
  version: string,
): ComputedWorker<C, T> {
  const { cluster } = ctx;
  const topologyName = topology.name;
  const className = topology.class;
  const cls = classes.find((c) => c.class === className);
  if (!blueprint || !cls)
    throw new DesiredStateError(
      `failed to compute ${kind.kind} for topology ${JSON.stringify(topologyName)}: ${kind.kind} class ${className} not found in ClusterClass ${kind.classIn(ctx)}`,
    );
  const seed = (role: string) => nameSeed(ctx, `${kind.seedPrefix}/${topologyName}${role}`);
  const copyName = (role: string) => simpleName(`${cluster.name}-${topologyName}-`, seed(role));
  const bootstrap = kind.copyTemplate(blueprint.bootstrapTemplate, ctx, copyName('/bootstrap'), topologyName);
  const infrastructure = kind.copyTemplate(
    blueprint.infrastructureTemplate,
    ctx,
    copyName('/infrastructure'),
    topologyName,
  );
  const naming = cls.naming?.template || kind.defaultNaming;
  const name = generatedName(kind.kind, naming, kind.namingData(cluster.name, topologyName), seed(''));
  const annotations = withoutKeys(
    mergeMap(stringMap(topology.metadata?.annotations), stringMap(cls.metadata?.annotations)),
    UPGRADE_ANNOTATIONS,
  ) as StringMap;
  const labels = mergeMap(stringMap(topology.metadata?.labels), stringMap(cls.metadata?.labels));
  labels[LABEL_CLUSTER_NAME] = cluster.name;
  labels[LABEL_TOPOLOGY_OWNED] = '';
  labels[kind.nameLabel] = topologyName;

  const machineSpec: PlainObject = {};
  put(machineSpec, 'clusterName', cluster.name);
  put(machineSpec, 'bootstrap', { configRef: contractRef(bootstrap) });
  put(machineSpec, 'infrastructureRef', contractRef(infrastructure));
  put(machineSpec, 'version', version);
  kind.machineSpec(machineSpec, topology, cls);

  const spec: PlainObject = {};
  put(spec, 'clusterName', cluster.name);
  put(spec, 'replicas', topology.replicas ?? undefined);
  kind.specBeforeTemplate(spec, topology, cls, topologyName, ctx);
  put(spec, 'template', {
    metadata: compact({ labels: { ...labels }, annotations: nonEmpty({ ...annotations }) }),
    spec: machineSpec,
  });
  kind.specAfterTemplate(spec, topology, cls);

  const object: TopologyObject = {
    apiVersion: CAPI_V1BETA2,
    kind: kind.kind,
    metadata: compact({
      name,
      namespace: cluster.namespace,
      labels,
      annotations: nonEmpty(annotations),
    }),
    spec,
  };
  return { topologyName, topology, class: cls, object, bootstrap, infrastructure };
}

const MACHINE_DEPLOYMENT: WorkerKind<MachineDeploymentClass, MachineDeploymentTopology> = {
  kind: 'MachineDeployment',
  defaultNaming: '{{ .cluster.name }}-{{ .machineDeployment.topologyName }}-{{ .random }}',
  namingData: (clusterName, topologyName) => ({
    cluster: { name: clusterName },
    machineDeployment: { topologyName },
  }),
  seedPrefix: 'md',
  nameLabel: LABEL_TOPOLOGY_DEPLOYMENT_NAME,
  classIn: (ctx) =>
    `${ctx.clusterClass.metadata.namespace || ctx.cluster.namespace}/${ctx.clusterClass.metadata.name}`,
  copyTemplate: (template, ctx, name, topologyName) =>
    templateToTemplate(template, ctx.cluster, name, { [LABEL_TOPOLOGY_DEPLOYMENT_NAME]: topologyName }),
  specBeforeTemplate(spec, topology, cls, topologyName, ctx) {
    const rollout = hasKeys(topology.rollout)
      ? topology.rollout
      : hasKeys(cls.rollout)
        ? cls.rollout
        : undefined;
    put(spec, 'rollout', rollout ? cloneTree(rollout) : undefined);
    put(spec, 'selector', {
      matchLabels: {
        [LABEL_CLUSTER_NAME]: ctx.cluster.name,
        [LABEL_TOPOLOGY_OWNED]: '',
        [LABEL_TOPOLOGY_DEPLOYMENT_NAME]: topologyName,
      },
    });
  },
  machineSpec(spec, topology, cls) {
    put(spec, 'failureDomain', pick(topology.failureDomain, cls.failureDomain));
    put(spec, 'minReadySeconds', pick(topology.minReadySeconds, cls.minReadySeconds));
    put(spec, 'readinessGates', cloneTree(pick(topology.readinessGates, cls.readinessGates)));
    put(spec, 'deletion', deletionSeconds(topology.deletion, cls.deletion));
    put(spec, 'taints', cloneTree(pick(topology.taints, cls.taints)));
  },
  specAfterTemplate(spec, topology, cls) {
    const maxInFlight = pick(
      topology.healthCheck?.remediation?.maxInFlight,
      cls.healthCheck?.remediation?.maxInFlight,
    );
    put(spec, 'remediation', maxInFlight !== undefined ? { maxInFlight } : undefined);
    const order = pick(topology.deletion?.order, cls.deletion?.order);
    put(spec, 'deletion', order !== undefined ? { order } : undefined);
  },
};

const MACHINE_POOL: WorkerKind<MachinePoolClass, MachinePoolTopology> = {
  kind: 'MachinePool',
  defaultNaming: '{{ .cluster.name }}-{{ .machinePool.topologyName }}-{{ .random }}',
  namingData: (clusterName, topologyName) => ({
    cluster: { name: clusterName },
    machinePool: { topologyName },
  }),
  seedPrefix: 'mp',
  nameLabel: LABEL_TOPOLOGY_POOL_NAME,
  classIn: (ctx) => `${ctx.clusterClass.metadata.name}`,
  // a MachinePool's bootstrap config and infrastructure pool are objects, not templates
  copyTemplate(template, ctx, name, topologyName) {
    const object = templateToObject(
      template,
      ctx.cluster,
      name,
      { [LABEL_CLUSTER_NAME]: ctx.cluster.name, [LABEL_TOPOLOGY_OWNED]: '' },
      {},
      ownerRefTo(ctx.cluster),
    );
    object.metadata.labels = {
      ...stringMap(object.metadata.labels),
      [LABEL_TOPOLOGY_POOL_NAME]: topologyName,
    };
    return object;
  },
  specBeforeTemplate(spec, topology, cls) {
    put(spec, 'failureDomains', cloneTree(pick(topology.failureDomains, cls.failureDomains)));
  },
  machineSpec(spec, topology, cls) {
    put(spec, 'minReadySeconds', pick(topology.minReadySeconds, cls.minReadySeconds));
    put(spec, 'deletion', deletionSeconds(topology.deletion, cls.deletion));
    put(spec, 'taints', cloneTree(pick(topology.taints, cls.taints)));
  },
  specAfterTemplate() {},
};

const hasKeys = (v: PlainObject | undefined): v is PlainObject => isPlainObject(v) && !isEmptyObject(v);

export interface MachineDeploymentState {
  topologyName: string;
  topology: MachineDeploymentTopology;
  object: TopologyObject;
  bootstrapTemplate: TopologyObject;
  infrastructureMachineTemplate: TopologyObject;
  machineHealthCheck?: TopologyObject;
}

export interface MachinePoolState {
  topologyName: string;
  topology: MachinePoolTopology;
  object: TopologyObject;
  bootstrapObject: TopologyObject;
  infrastructureMachinePoolObject: TopologyObject;
}

/** A MachineDeployment, its template copies and its MachineHealthCheck. */
export function computeMachineDeployment(
  ctx: DesiredContext,
  topology: MachineDeploymentTopology,
  blueprint: WorkerBlueprint<MachineDeploymentClass> | undefined,
): MachineDeploymentState {
  const classes = ctx.clusterClass.spec.workers?.machineDeployments ?? [];
  const version = ctx.versions.machineDeployments?.[topology.name] ?? ctx.topology.version;
  const md = computeWorker(ctx, MACHINE_DEPLOYMENT, topology, classes, blueprint, version);
  const hc = wantedHealthCheck(md.class.healthCheck, topology.healthCheck);
  return {
    topologyName: md.topologyName,
    topology,
    object: md.object,
    bootstrapTemplate: md.bootstrap,
    infrastructureMachineTemplate: md.infrastructure,
    machineHealthCheck: hc
      ? computeMachineHealthCheck(
          md.object,
          { [LABEL_TOPOLOGY_OWNED]: '', [LABEL_TOPOLOGY_DEPLOYMENT_NAME]: md.topologyName },
          ctx.cluster,
          hc,
        )
      : undefined,
  };
}

/** A MachinePool and its bootstrap and infrastructure objects. */
export function computeMachinePool(
  ctx: DesiredContext,
  topology: MachinePoolTopology,
  blueprint: WorkerBlueprint<MachinePoolClass> | undefined,
): MachinePoolState {
  const classes = ctx.clusterClass.spec.workers?.machinePools ?? [];
  const version = ctx.versions.machinePools?.[topology.name] ?? ctx.topology.version;
  const mp = computeWorker(ctx, MACHINE_POOL, topology, classes, blueprint, version);
  return {
    topologyName: mp.topologyName,
    topology,
    object: mp.object,
    bootstrapObject: mp.bootstrap,
    infrastructureMachinePoolObject: mp.infrastructure,
  };
}
