/**
 * The objects clustermint applies to a management cluster for one deployment (pure): the gate's
 * rendered objects with this pass's versions (the control plane's or topology's and each
 * MachineDeployment's), labelled with their ClusterDeployment and owned by it, in the order
 * Cluster API reads them (what a Cluster references before the Cluster).
 */
import { createHash } from 'node:crypto';
import { LABEL_CLUSTER_DEPLOYMENT } from '../../../domain/labels.js';
import type { KubeObject, RenderedObject } from '../../../k8s/object.js';
import { groupOf } from '../../../providers/objects.js';
import { isPlainObject } from '../../../util/plain-object.js';

export interface CapiSet {
  clusterName: string;
  /** spec.topology is set: Cluster API's topology controller makes the rest. */
  topology: boolean;
  cluster: RenderedObject;
  /** The control plane object (absent for a topology Cluster). */
  controlPlane?: RenderedObject;
  machineDeployments: RenderedObject[];
  objects: RenderedObject[];
}

const CAPI_GROUP = 'cluster.x-k8s.io';

function isKind(o: RenderedObject, kind: string): boolean {
  return o.kind === kind && groupOf(o.apiVersion) === CAPI_GROUP;
}

/** Apply order: templates and provider objects, ClusterClasses, MachineDeployments and health checks, the Cluster last. */
function rank(o: RenderedObject): number {
  if (isKind(o, 'Cluster')) return 3;
  if (isKind(o, 'MachineDeployment') || isKind(o, 'MachineHealthCheck') || isKind(o, 'MachinePool')) return 2;
  if (isKind(o, 'ClusterClass')) return 1;
  return 0;
}

/** The set's Cluster, control plane and MachineDeployments; undefined when it renders no Cluster. */
export function capiSet(objects: readonly RenderedObject[]): CapiSet | undefined {
  const cluster = objects.find((o) => isKind(o, 'Cluster'));
  if (!cluster) return undefined;
  const spec = isPlainObject(cluster.spec) ? cluster.spec : {};
  const topology = isPlainObject(spec.topology);
  const ref = isPlainObject(spec.controlPlaneRef) ? spec.controlPlaneRef : undefined;
  const controlPlane = ref
    ? objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name && rank(o) === 0)
    : undefined;
  return {
    clusterName: cluster.metadata.name,
    topology,
    cluster,
    ...(controlPlane ? { controlPlane } : {}),
    machineDeployments: objects.filter((o) => isKind(o, 'MachineDeployment')),
    objects: [...objects].sort((a, b) => rank(a) - rank(b)),
  };
}

export interface ApplyVersions {
  controlPlane: string;
  pools: ReadonlyMap<string, string>;
}

function setPath(o: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) {
    if (!isPlainObject(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

/**
 * The objects to apply: copies with this pass's versions, the deployment's label, and an owner
 * reference to the ClusterDeployment (not a controller reference: Cluster API's own controllers
 * own what they make; a ClusterDeployment removed without its finalizer still takes its objects
 * with it through the garbage collector).
 */
export function objectsToApply(set: CapiSet, versions: ApplyVersions, owner: KubeObject): RenderedObject[] {
  const namespace = owner.metadata.namespace ?? 'default';
  return set.objects.map((rendered) => {
    const o = structuredClone(rendered) as RenderedObject & Record<string, unknown>;
    const metadata: Record<string, unknown> = { ...o.metadata, namespace: o.metadata.namespace ?? namespace };
    metadata.labels = { ...(o.metadata.labels ?? {}), [LABEL_CLUSTER_DEPLOYMENT]: owner.metadata.name };
    if (owner.metadata.uid)
      metadata.ownerReferences = [
        ...((metadata.ownerReferences as unknown[] | undefined) ?? []),
        {
          apiVersion: owner.apiVersion,
          kind: owner.kind,
          name: owner.metadata.name,
          uid: owner.metadata.uid,
          blockOwnerDeletion: false,
        },
      ];
    o.metadata = metadata as RenderedObject['metadata'];
    if (rendered === set.cluster && set.topology)
      setPath(o, ['spec', 'topology', 'version'], versions.controlPlane);
    else if (rendered === set.controlPlane) setPath(o, ['spec', 'version'], versions.controlPlane);
    else if (set.machineDeployments.includes(rendered)) {
      const v = versions.pools.get(rendered.metadata.name);
      if (v) setPath(o, ['spec', 'template', 'spec', 'version'], v);
    }
    return o;
  });
}

/** A digest of what would be applied: the same digest means nothing to apply. */
export function applyDigest(objects: readonly RenderedObject[]): string {
  return createHash('sha256').update(JSON.stringify(objects)).digest('hex').slice(0, 16);
}
