/**
 * The desired state of a topology Cluster, before patches (`exp/topology/desiredstate`
 * `Generate`, for a cluster being created): infrastructure cluster, control plane (with its
 * machine template), Cluster, MachineDeployments and MachinePools with their templates, and
 * MachineHealthChecks. Objects are v1beta2 shapes; names come from the naming templates. The
 * parts are computed in `desired/`, one module per part, in upstream's order.
 */

import { LABEL_CLUSTER_NAME, LABEL_TOPOLOGY_OWNED } from '../../domain/labels.js';
import { cloneTree, withoutKeys } from '../../util/plain-object.js';
import { type DesiredContext, type DesiredVersions, generatedName, nameSeed } from './desired/context.js';
import {
  type ComputedControlPlane,
  computeControlPlane,
  computeControlPlaneHealthCheck,
  computeControlPlaneInfrastructureMachineTemplate,
} from './desired/control-plane.js';
import {
  type ClusterInfo,
  clusterShimName,
  ownerRefTo,
  shimOwnerRef,
  stringMap,
} from './desired/metadata.js';
import { contractRef, templateToObject } from './desired/templates.js';
import {
  computeMachineDeployment,
  computeMachinePool,
  type MachineDeploymentState,
  type MachinePoolState,
  type WorkerBlueprint,
} from './desired/workers.js';
import type {
  Cluster,
  ClusterClass,
  MachineDeploymentClass,
  MachinePoolClass,
  ProviderTemplate,
  TopologyObject,
} from './types.js';

export { DesiredStateError, type DesiredVersions } from './desired/context.js';
export type { MachineDeploymentState, MachinePoolState, WorkerBlueprint } from './desired/workers.js';

/** A ClusterClass (v1beta2) with the templates it references (upstream's `ClusterBlueprint`). */
export interface Blueprint {
  clusterClass: ClusterClass;
  infrastructureClusterTemplate: ProviderTemplate;
  controlPlaneTemplate: ProviderTemplate;
  controlPlaneInfrastructureMachineTemplate?: ProviderTemplate;
  /** By class name. */
  machineDeployments: Map<string, WorkerBlueprint<MachineDeploymentClass>>;
  machinePools: Map<string, WorkerBlueprint<MachinePoolClass>>;
}

export interface DesiredState {
  cluster: Cluster;
  /** Not part of upstream's desired state: created with it, by `reconcileClusterShim`. */
  clusterShim: TopologyObject;
  infrastructureCluster: TopologyObject;
  controlPlane: {
    object: TopologyObject;
    contractVersion: ComputedControlPlane['contract'];
    infrastructureMachineTemplate?: TopologyObject;
    machineHealthCheck?: TopologyObject;
  };
  machineDeployments: MachineDeploymentState[];
  machinePools: MachinePoolState[];
}

/** The infrastructure cluster from its template (an existing reference's name is reused). */
function computeInfrastructureCluster(
  ctx: DesiredContext,
  template: ProviderTemplate,
  existingName: string | undefined,
): TopologyObject {
  const { cluster } = ctx;
  const naming =
    ctx.clusterClass.spec.infrastructure?.naming?.template || '{{ .cluster.name }}-{{ .random }}';
  const name =
    existingName ||
    generatedName(
      template.kind,
      naming,
      { cluster: { name: cluster.name } },
      nameSeed(ctx, 'infrastructure-cluster'),
    );
  const labels = { [LABEL_CLUSTER_NAME]: cluster.name, [LABEL_TOPOLOGY_OWNED]: '' };
  return templateToObject(template, cluster, name, labels, {}, shimOwnerRef(cluster));
}

/**
 * The cluster shim (`clustershim.New`): a Secret owned by the Cluster that the topology controller
 * creates first and makes the temporary owner of the infrastructure cluster and the control plane,
 * so that they are garbage-collected if the Cluster goes before it references them.
 */
function computeClusterShim(cluster: ClusterInfo): TopologyObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: clusterShimName(cluster),
      namespace: cluster.namespace,
      ownerReferences: ownerRefTo(cluster),
    },
    type: 'cluster.x-k8s.io/secret',
  };
}

const STATUS: ReadonlySet<string> = new Set(['status']);

/** The Cluster, labelled and pointing at its infrastructure cluster and control plane. */
function computeCluster(
  ctx: DesiredContext,
  cluster: Cluster,
  infrastructure: TopologyObject,
  controlPlane: TopologyObject,
): Cluster {
  const desired = withoutKeys(cloneTree(cluster), STATUS) as Cluster;
  const meta = desired.metadata;
  meta.namespace = ctx.cluster.namespace;
  meta.labels = {
    ...stringMap(meta.labels),
    [LABEL_CLUSTER_NAME]: ctx.cluster.name,
    [LABEL_TOPOLOGY_OWNED]: '',
  };
  desired.spec.infrastructureRef = contractRef(infrastructure);
  desired.spec.controlPlaneRef = contractRef(controlPlane);
  return desired;
}

/** Computes the desired state; `cluster` is a v1beta2 topology Cluster with defaulted variables. */
export function computeDesiredState(
  bp: Blueprint,
  cluster: Cluster,
  versions: DesiredVersions = {},
): DesiredState {
  const meta = cluster.metadata;
  const info: ClusterInfo = {
    name: meta.name ?? '',
    namespace: meta.namespace || 'default',
    uid: typeof meta.uid === 'string' ? meta.uid : undefined,
  };
  const ctx: DesiredContext = {
    cluster: info,
    topology: cluster.spec.topology,
    clusterClass: bp.clusterClass,
    versions,
  };

  const infrastructureCluster = computeInfrastructureCluster(
    ctx,
    bp.infrastructureClusterTemplate,
    cluster.spec.infrastructureRef?.name,
  );
  const cpMachineTemplate = bp.controlPlaneInfrastructureMachineTemplate
    ? computeControlPlaneInfrastructureMachineTemplate(ctx, bp.controlPlaneInfrastructureMachineTemplate)
    : undefined;
  const controlPlane = computeControlPlane(
    ctx,
    bp.controlPlaneTemplate,
    cpMachineTemplate,
    cluster.spec.controlPlaneRef?.name,
  );
  const cpHealthCheck = cpMachineTemplate
    ? computeControlPlaneHealthCheck(ctx, controlPlane.object)
    : undefined;
  const desiredCluster = computeCluster(ctx, cluster, infrastructureCluster, controlPlane.object);
  const workers = ctx.topology.workers;
  const machineDeployments = (workers?.machineDeployments ?? []).map((md) =>
    computeMachineDeployment(ctx, md, bp.machineDeployments.get(md.class)),
  );
  const machinePools = (workers?.machinePools ?? []).map((mp) =>
    computeMachinePool(ctx, mp, bp.machinePools.get(mp.class)),
  );
  return {
    cluster: desiredCluster,
    clusterShim: computeClusterShim(info),
    infrastructureCluster,
    controlPlane: {
      object: controlPlane.object,
      contractVersion: controlPlane.contract,
      infrastructureMachineTemplate: cpMachineTemplate,
      machineHealthCheck: cpHealthCheck,
    },
    machineDeployments,
    machinePools,
  };
}

/**
 * All desired objects in apply order: Cluster, its shim, infrastructure, control plane, workers,
 * health checks.
 */
export function desiredObjects(d: DesiredState): TopologyObject[] {
  const out: TopologyObject[] = [d.cluster, d.clusterShim, d.infrastructureCluster];
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
