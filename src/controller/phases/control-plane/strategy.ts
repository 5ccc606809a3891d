/**
 * How a deployment gets its control plane. The pass asks every kind the same things: `prepare`
 * (before the machines are synced: what runs outside this deployment's machines is ensured, and
 * the endpoint workers join is known), `bootRecipe` (how to boot the control-plane machines this
 * deployment makes itself, if any), `roll` (after health checks: one step towards the target,
 * and where it stands), and on deletion `teardown` (once the deployment's machines are gone).
 *
 * Kinds: `machines` (the deployment makes the control-plane machines: machine-based.ts),
 * `hosted` (a provider runs it: hosted.ts). A kind where a management cluster makes the machines
 * (Cluster API) fits the same shape: `prepare` applies the control-plane objects there and reads
 * their endpoint, `bootRecipe` is undefined, `roll` reads the replicas' versions and readiness,
 * `teardown` deletes the objects and waits for them to go.
 */
import type { Machine } from '../../../api/machine.js';
import type { Endpoint, InfraClusterStatus } from '../../../providers/contract.js';
import type { DesiredCluster } from '../../desired.js';
import type { BootRecipe, MachineContext } from '../../machines.js';
import type { ControlPlaneMode } from '../../status.js';
import type { PassContext } from '../context.js';
import type { PhaseOutcome } from '../outcome.js';

/** What a strategy works with in one pass. */
export interface ControlPlaneFrame {
  ctx: PassContext;
  desired: DesiredCluster;
  clusterId: string;
  /** The version the deployment asks for (no distribution suffix). */
  target: string;
}

export interface PreparedControlPlane {
  /** The version the control plane is at or rolling to when the pass begins. */
  version: string;
  /** Where workers join, when not the infrastructure's endpoint. */
  endpoint?: Endpoint;
  outcome: PhaseOutcome;
}

export interface ControlPlaneRoll {
  machineContext: MachineContext;
  infrastructure: InfraClusterStatus;
  /** Every machine of the deployment; machines the strategy creates are appended. */
  machines: Machine[];
  unhealthy: ReadonlySet<string>;
  /** A MachineDeployment is rolling: no next upgrade step starts. */
  workersRolling: boolean;
  /** The upgrade steps from `version` to the target (chain-aware known versions). */
  steps: readonly string[];
  version: string;
}

export interface ControlPlaneState {
  /** The version it is rolled to after this pass (a step of an upgrade). */
  version: string;
  /** All of it ready at `version`, nothing changing. */
  stable: boolean;
  /** It has been up once (new members join rather than initialise). */
  initialized: boolean;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  /** The Kubernetes version it serves now. */
  k8sVersion: string | undefined;
}

export interface ControlPlaneStrategy {
  readonly mode: ControlPlaneMode;
  /** How its members are named in messages: `machines`, `replicas`. */
  readonly unit: string;
  /** ControlPlaneReady's wording of its members: `machines`, `replicas (hosted)`. */
  readonly readyUnit: string;
  prepare(stored: readonly Machine[]): Promise<PreparedControlPlane>;
  bootRecipe(): BootRecipe | undefined;
  roll(input: ControlPlaneRoll): Promise<{ state: ControlPlaneState; outcome: PhaseOutcome }>;
  /** Deletes what runs outside the deployment's machines; what it still waits for, or undefined once gone. */
  teardown(): Promise<string | undefined>;
}
