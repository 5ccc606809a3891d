/**
 * What every part of the desired state is computed from (the Cluster, its topology, the class
 * and the versions to render), and the rules the parts share: generated names, and a topology
 * value winning over the class's.
 */
import { templateName } from '../names.js';
import type { ClusterClass, DeletionSpec, Topology } from '../types.js';
import { type ClusterInfo, compact } from './metadata.js';

export class DesiredStateError extends Error {}

/** Versions decided by an upgrade plan; by default every part gets `topology.version`. */
export interface DesiredVersions {
  controlPlane?: string;
  machineDeployments?: Record<string, string>;
  machinePools?: Record<string, string>;
}

export interface DesiredContext {
  cluster: ClusterInfo;
  topology: Topology;
  clusterClass: ClusterClass;
  versions: DesiredVersions;
}

/** The seed of an object's deterministic name suffix: the cluster and the object's role. */
export const nameSeed = (ctx: DesiredContext, role: string): string =>
  `${ctx.cluster.namespace}/${ctx.cluster.name}/${role}`;

/** A name from a naming template, failing as upstream does. */
export function generatedName(
  what: string,
  naming: string,
  data: Record<string, unknown>,
  seed: string,
): string {
  try {
    return templateName(naming, data, seed);
  } catch (e) {
    throw new DesiredStateError(`failed to generate name for ${what}: ${(e as Error).message}`);
  }
}

/** The topology's value when it sets one, else the class's. */
export const pick = <T>(topologyValue: T | undefined | null, classValue: T | undefined): T | undefined =>
  topologyValue !== undefined && topologyValue !== null && topologyValue !== '' ? topologyValue : classValue;

const NO_DELETION: DeletionSpec = Object.freeze({});

/** The node deletion timeouts, topology over class (undefined ones left out). */
export function deletionSeconds(
  topology: DeletionSpec | undefined,
  cls: DeletionSpec | undefined,
): DeletionSpec {
  const t = topology ?? NO_DELETION;
  const c = cls ?? NO_DELETION;
  return compact({
    nodeDrainTimeoutSeconds: pick(t.nodeDrainTimeoutSeconds, c.nodeDrainTimeoutSeconds),
    nodeVolumeDetachTimeoutSeconds: pick(t.nodeVolumeDetachTimeoutSeconds, c.nodeVolumeDetachTimeoutSeconds),
    nodeDeletionTimeoutSeconds: pick(t.nodeDeletionTimeoutSeconds, c.nodeDeletionTimeoutSeconds),
  }) as DeletionSpec;
}
