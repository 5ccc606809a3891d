/**
 * The upgrade orchestration over Cluster API (pure): which Kubernetes version clustermint sets on
 * the control plane (KubeadmControlPlane `spec.version`, or a topology Cluster's
 * `spec.topology.version`) and on each MachineDeployment in this pass, from what Cluster API
 * reports. The same rules as on the embedded runtime: the control plane first, one minor at a
 * time through the planned steps, the next step only once Cluster API has rolled the previous one
 * out everywhere; workers only once the control plane reports the target on every machine, in
 * the sequencer's order (planners/worker-upgrades.ts: concurrency, defer and hold annotations).
 * A topology Cluster's workers follow its version inside Cluster API (which honours the same
 * annotations), so there the next control-plane step also waits for every worker.
 */
import { compareKubernetes, kubernetesVersion } from '../../domain/kubernetes-version.js';
import { planControlPlaneUpgrade } from '../../domain/upgrade-path.js';
import type {
  CapiObservation,
  ObservedMachineDeployment,
  Replicas,
} from '../../providers/capi/observation.js';
import { sequenceWorkerUpgrades, type WorkerSequence } from './worker-upgrades.js';

export interface CapiPoolTarget {
  name: string;
  /** The version the rendered MachineDeployment asks for. */
  target: string;
  deferred: boolean;
  holdsSequence: boolean;
}

export interface CapiRolloutInput {
  topology: boolean;
  /** The rendered control plane's (or topology's) version. */
  controlPlaneTarget: string;
  /** The rendered MachineDeployments (none for a topology Cluster: Cluster API makes them). */
  pools: readonly CapiPoolTarget[];
  observed: CapiObservation;
  knownVersions: readonly string[];
  concurrency: number;
}

export interface CapiRollout {
  /** The version to set on the control plane (or the topology) now. */
  controlPlaneVersion: string;
  /** Version per rendered MachineDeployment name. */
  poolVersions: Map<string, string>;
  /** The control plane runs `controlPlaneVersion` on every machine, all up to date and ready. */
  controlPlaneStable: boolean;
  /** The control plane's version as Cluster API reports it (lowest of its machines). */
  controlPlaneReported: string | undefined;
  /** The remaining steps from the reported version to the target. */
  steps: string[];
  workers: WorkerSequence;
  /** A step this pass starts: for an event. */
  started: { from: string; to: string } | undefined;
}

/** Every replica exists, is up to date and ready, and nothing extra is left (a roll finished). */
export function settled(r: Replicas | undefined): boolean {
  if (!r) return false;
  return r.replicas === r.desired && r.upToDate === r.desired && r.ready === r.desired;
}

function mdRolling(md: ObservedMachineDeployment): boolean {
  return !md.observed || !settled(md.replicas);
}

export function planCapiRollout(i: CapiRolloutInput): CapiRollout {
  const target = kubernetesVersion(i.controlPlaneTarget);
  const { observed } = i;
  const cp = observed.controlPlane;
  // What Cluster API is asked to run now, and what it reports.
  const asked = i.topology ? observed.cluster?.topologyVersion : cp?.specVersion;
  const reported = cp?.version ? kubernetesVersion(cp.version) : undefined;
  const mds = observed.machineDeployments;
  const cpStable =
    !!cp &&
    cp.observed &&
    asked !== undefined &&
    reported === kubernetesVersion(asked) &&
    settled(cp.replicas);
  const workersSettled = mds.every(
    (md) => !mdRolling(md) && md.specVersion !== undefined && kubernetesVersion(md.specVersion) === reported,
  );

  let controlPlaneVersion = asked === undefined ? target : kubernetesVersion(asked);
  let steps: string[] = [];
  let started: CapiRollout['started'];
  if (asked !== undefined && controlPlaneVersion !== target) {
    const plan = planControlPlaneUpgrade(reported ?? controlPlaneVersion, target, i.knownVersions);
    steps = plan.ok ? [...plan.steps] : [];
    const ready = cpStable && (i.topology ? workersSettled : mds.every((md) => !mdRolling(md)));
    if (ready && plan.ok && steps.length && compareKubernetes(steps[0]!, controlPlaneVersion) > 0) {
      started = { from: controlPlaneVersion, to: steps[0]! };
      controlPlaneVersion = steps[0]!;
    }
  }

  // At the target means Cluster API reports it everywhere: not a step this very pass starts.
  const atTarget = cpStable && asked !== undefined && kubernetesVersion(asked) === target;
  const byName = new Map(mds.map((md) => [md.pool, md]));
  const workers = sequenceWorkerUpgrades({
    pools: i.pools.map((p) => {
      const md = byName.get(p.name);
      const current = md?.specVersion ? kubernetesVersion(md.specVersion) : undefined;
      return {
        name: p.name,
        target: kubernetesVersion(p.target),
        current,
        tracked: md !== undefined,
        rolling: md !== undefined && mdRolling(md),
        deferred: p.deferred,
        holdsSequence: p.holdsSequence,
      };
    }),
    controlPlaneInitialized: observed.cluster?.controlPlaneInitialized ?? false,
    controlPlaneAtTarget: atTarget,
    controlPlaneTarget: target,
    controlPlaneSteps: steps,
    concurrency: i.concurrency,
  });
  const poolVersions = new Map<string, string>();
  // A new MachineDeployment (none in the management cluster yet) never starts ahead of the control
  // plane: before it is up at the control plane's version (its machines wait for it inside Cluster
  // API), during an upgrade at the version the control plane reports, not the target the sequencer
  // gives a new pool once the control plane is initialized, nor a step started this pass (a
  // kubelet newer than the API server is outside the version skew policy). A pool rendered older
  // keeps its own version: raised to the control plane's, it never came back down.
  const cpNow = reported ?? controlPlaneVersion;
  for (const s of workers.pools) {
    const version = s.waitsForControlPlane ? s.target : s.version;
    const ahead = !byName.has(s.name) && compareKubernetes(version, cpNow) > 0;
    poolVersions.set(s.name, ahead ? cpNow : version);
  }
  return {
    controlPlaneVersion,
    poolVersions,
    controlPlaneStable: cpStable,
    controlPlaneReported: reported,
    steps,
    workers,
    started,
  };
}
