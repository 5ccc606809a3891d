/** What the reconciler writes on a ClusterDeployment: its status shape and the names it reads. */

import type { ServiceState } from '../services/types.js';
import type { PlainObject } from '../util/plain-object.js';
import type { Condition } from './conditions.js';

/** How a workload cluster is reached: a kubeconfig Secret, or (embedded runtime) a file. */
export type WorkloadAccess =
  | { kind: 'secret'; namespace: string; name: string; key?: string }
  | { kind: 'file'; path: string };

export interface PoolStatus {
  name: string;
  /** The version the pool's machines are rolled to now (a step of the upgrade). */
  version: string;
  /** The version the deployment asks for. */
  targetVersion: string;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  /** `defer-upgrade`, `hold-upgrade-sequence`, or why the pool waits. */
  note?: string;
}

export interface MachineCounts {
  desired: number;
  ready: number;
  upToDate: number;
}

export type ControlPlaneMode = 'machines' | 'hosted' | 'capi';

export interface DeploymentStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  /** The Kubernetes version of the control plane now. */
  k8sVersion?: string;
  availableUpgrades?: string[];
  phase?: string;
  endpoint?: string;
  controlPlane?: PoolStatus & { mode: ControlPlaneMode; initialized?: boolean };
  machineDeployments?: PoolStatus[];
  machines?: {
    total: number;
    ready: number;
    controlPlane: MachineCounts;
    workers: MachineCounts;
  };
  upgrade?: UpgradeStatus;
  /** Cluster API's view, when the capi provider runs the cluster. */
  capi?: CapiClusterStatus;
  /** An adopted cluster: how it is reached and what it last said (phases/adopted.ts). */
  adopted?: { access: WorkloadAccess; server?: string; version?: string; failures?: number };
  /** Each service on the workload cluster (k0rdent's status.services), written by the services reconciler. */
  services?: ServiceState[];
  /** The desired state last applied (the gate's objects), for `plan` and for keeping a cluster as it is when a change is refused. */
  applied?: {
    template: string;
    generation: number;
    objects: PlainObject[];
    /** The Credential of the spec applied (the `old` side of the admission rules). */
    credential?: string;
  };
}

/** A Machine as Cluster API reports it. */
export interface CapiMachineStatus {
  name: string;
  role: 'control-plane' | 'worker';
  pool?: string;
  phase: string;
  version?: string;
  node?: string;
  /** Cluster API's message when the machine is not ready. */
  message?: string;
}

export interface CapiClusterStatus {
  /** The Cluster's name in the management cluster (its namespace is the deployment's). */
  cluster: string;
  /** Digest of the objects last applied (the same digest: nothing to apply). */
  appliedDigest?: string;
  /** The Machines, control plane first (at most 50; status.machines counts all). */
  machines: CapiMachineStatus[];
}

export interface UpgradeStatus {
  from: string;
  to: string;
  controlPlaneSteps: string[];
  stage: string;
}

/** Why a change was not applied (the cluster stays as last applied). */
export interface Refusal {
  reason: string;
  message: string;
}

/** A condition as a phase or planner decides it (the pass adds the time and generation). */
export interface ConditionVerdict {
  type: string;
  status: Condition['status'];
  reason: string;
  message: string;
}
