/**
 * `clustermint.io/v1alpha1 Machine`: one machine of a ClusterDeployment's cluster, as the
 * reconciler keeps it in the store (the Cluster API Machine, reduced to what the embedded
 * reconciler needs). Its name is its provider id (`namespace/name`), so a restarted reconciler
 * finds the provider machine it created and never makes a second one.
 */
import type { KubeObject } from '../k8s/object.js';

export const MACHINE_API_VERSION = 'clustermint.io/v1alpha1';
export const MACHINE_KIND = 'Machine';
export const MACHINE_TYPE = { apiVersion: MACHINE_API_VERSION, kind: MACHINE_KIND } as const;

export type MachineRole = 'control-plane' | 'worker';

export interface MachineSpec {
  clusterName: string;
  role: MachineRole;
  /** The control plane object's name or the MachineDeployment's name. */
  pool: string;
  /** Kubernetes version the machine boots (`v1.33.4`). */
  version: string;
  /** What the bootstrap provider generated for it. */
  bootstrapRole: 'control-plane-init' | 'control-plane-join' | 'worker';
  /** hash of what makes two machines of a pool interchangeable (version, templates, bootstrap options). */
  templateHash: string;
  failureDomain?: string;
  /** The infrastructure machine template (kind/name) it was made from. */
  infrastructureTemplate: string;
  /** When the reconciler created it (RFC 3339 with milliseconds): the age order for scale-down. */
  createdAt?: string;
}

export interface MachineCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface MachineStatusFields {
  /** Pending | Provisioning | Running | Failed | Deleting (the provider's phase). */
  phase?: string;
  providerID?: string;
  failureDomain?: string;
  nodeName?: string;
  /** The Node's kubelet version (`v1.33.4+k0s`). */
  kubeletVersion?: string;
  /** The Node is Ready. */
  ready?: boolean;
  /** When the Node first became Ready (RFC 3339). */
  readySince?: string;
  addresses?: { type: string; address: string }[];
  nodeConditions?: MachineCondition[];
  failureReason?: string;
  failureMessage?: string;
  /** The provider refused to create it (a terminal error): not remediated, reported on the deployment. */
  providerError?: boolean;
}

export interface Machine extends KubeObject {
  spec: MachineSpec;
  status?: MachineStatusFields;
}

export function isControlPlaneMachine(m: Machine): boolean {
  return m.spec.role === 'control-plane';
}
