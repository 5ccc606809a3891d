/**
 * The patch engine's request items, by role: the infrastructure cluster, the control plane and
 * its machine template, and the bootstrap and infrastructure items of each MachineDeployment and
 * MachinePool (by topology name). No item is found by its position in the request.
 */
import type { RequestItem, TopologyObject } from '../types.js';

export type FieldPath = readonly string[];
/** Template path -> object path. */
export type FieldMapping = readonly [FieldPath, FieldPath];

/** A request item with what the engine needs to copy it back. */
export interface EngineItem extends RequestItem {
  /** The desired object the patched template is copied back into. */
  target: TopologyObject;
  /** objects copy spec.template.spec -> spec; templates keep their shape. */
  shape: 'object' | 'template';
  /** Fields of the target the topology controller owns. */
  preserve: readonly FieldPath[];
}

/** The two items of a MachineDeployment or MachinePool. */
export interface WorkerItems {
  bootstrap: EngineItem;
  infrastructure: EngineItem;
}

/** The request's items by role; `all` in request order. */
export interface PatchItems {
  infrastructureCluster: EngineItem;
  controlPlane: EngineItem;
  controlPlaneInfrastructureMachineTemplate?: EngineItem;
  /** By topology name. */
  machineDeployments: Map<string, WorkerItems>;
  machinePools: Map<string, WorkerItems>;
  all: EngineItem[];
}
