/**
 * MachineDeployments: the upgrade sequencer (planners/worker-upgrades.ts) says which version
 * each rolls to; each then rolls within its maxSurge / maxUnavailable (planPool). A pool whose
 * bootstrap files cannot be read neither grows nor is replaced.
 */
import type { Machine } from '../../api/machine.js';
import { kubernetesVersion } from '../../domain/kubernetes-version.js';
import { ANNOTATION_DEFER_UPGRADE, ANNOTATION_HOLD_UPGRADE_SEQUENCE } from '../../domain/labels.js';
import type { DesiredCluster, DesiredMachineDeployment } from '../desired.js';
import { type BootRecipe, createMachine, deleteMachine, hashOf, type MachineContext } from '../machines.js';
import { maxVersion, rolledTo } from '../planners/rolled-version.js';
import { sequenceWorkerUpgrades, type WorkerPoolInput } from '../planners/worker-upgrades.js';
import { isDeleting, isReady, planPool } from '../pool.js';
import type { PoolStatus } from '../status.js';
import type { PassContext } from './context.js';
import type { ControlPlaneState } from './control-plane/strategy.js';
import type { PhaseOutcome } from './outcome.js';

const poolMachinesOf = (machines: readonly Machine[], md: DesiredMachineDeployment) =>
  machines.filter((m) => m.spec.role === 'worker' && m.spec.pool === md.name);

/** Each MachineDeployment as the sequencer sees it, from its stored status and machines. */
export function workerPoolInputs(
  ctx: PassContext,
  d: DesiredCluster,
  machines: readonly Machine[],
): WorkerPoolInput[] {
  return d.machineDeployments.map((md) => {
    const target = kubernetesVersion(md.version);
    const pool = poolMachinesOf(machines, md);
    const stored = ctx.status.machineDeployments?.find((p) => p.name === md.name)?.version;
    const tracked = rolledTo(stored, pool, target);
    const current = tracked ?? maxVersion(pool.map((m) => m.spec.version));
    return {
      name: md.name,
      target,
      current,
      tracked: tracked !== undefined,
      rolling:
        current !== undefined &&
        pool.some((m) => !isDeleting(m) && kubernetesVersion(m.spec.version) !== current),
      deferred: ANNOTATION_DEFER_UPGRADE in md.annotations,
      holdsSequence: ANNOTATION_HOLD_UPGRADE_SEQUENCE in md.annotations,
    };
  });
}

/** The bootstrap template's spec without the version (the version is hashed on its own). */
function withoutVersion(spec: unknown): unknown {
  const s = structuredClone(spec) as { template?: { spec?: { version?: unknown } } } | undefined;
  if (s?.template?.spec) delete s.template.spec.version;
  return s;
}

/** The pools' template hashes by version, for the pass (its rounds hash the same pools again). */
const poolHashes = new WeakMap<DesiredMachineDeployment, Map<string, string>>();

function poolHash(md: DesiredMachineDeployment, version: string): string {
  let byVersion = poolHashes.get(md);
  if (!byVersion) {
    byVersion = new Map();
    poolHashes.set(md, byVersion);
  }
  let hash = byVersion.get(version);
  if (hash === undefined) {
    hash = hashOf([
      version,
      md.infrastructureTemplate.spec,
      withoutVersion(md.bootstrapTemplate.spec),
      md.failureDomain ?? '',
    ]);
    byVersion.set(version, hash);
  }
  return hash;
}

export interface WorkersInput {
  desired: DesiredCluster;
  machineContext: MachineContext;
  /** Every machine of the deployment; machines created here are appended. */
  machines: Machine[];
  pools: readonly WorkerPoolInput[];
  recipes: ReadonlyMap<string, BootRecipe | undefined>;
  unhealthy: ReadonlySet<string>;
  controlPlane: ControlPlaneState;
  controlPlaneTarget: string;
  controlPlaneSteps: readonly string[];
  concurrency: number;
}

export interface WorkersResult {
  pools: PoolStatus[];
  /** Every pool has its replicas ready and up to date (or is available and deferred or held). */
  ready: boolean;
  /** A worker upgrade is still to come or under way. */
  upgradePending: boolean;
  notes: string[];
  outcome: PhaseOutcome;
}

export async function reconcileWorkers(ctx: PassContext, i: WorkersInput): Promise<WorkersResult> {
  const cp = i.controlPlane;
  const sequence = sequenceWorkerUpgrades({
    pools: i.pools,
    controlPlaneInitialized: cp.initialized,
    controlPlaneAtTarget: cp.stable && cp.version === i.controlPlaneTarget,
    controlPlaneTarget: i.controlPlaneTarget,
    controlPlaneSteps: i.controlPlaneSteps,
    concurrency: i.concurrency,
  });
  const pools: PoolStatus[] = [];
  let ready = true;
  let busy = false;
  // i.pools (and so the sequence) has one entry per rendered MachineDeployment, in their order.
  for (const [n, step] of sequence.pools.entries()) {
    const md = i.desired.machineDeployments[n];
    if (step.waitsForControlPlane) {
      pools.push({
        name: md.name,
        version: step.target,
        targetVersion: step.target,
        replicas: md.replicas,
        readyReplicas: 0,
        updatedReplicas: 0,
        note: 'waiting for the control plane',
      });
      ready = md.replicas === 0 && ready;
      continue;
    }
    const { version } = step;
    if (step.upgradeFrom)
      await ctx.event(
        'MachineDeploymentUpgrade',
        `upgrading MachineDeployment ${md.name} from ${step.upgradeFrom} to ${version}`,
      );
    const poolMachines = poolMachinesOf(i.machines, md);
    const hash = poolHash(md, version);
    if (cp.initialized && i.machineContext.endpoint) {
      const recipe = i.recipes.get(md.name);
      const plan = planPool({
        replicas: md.replicas,
        machines: poolMachines,
        templateHash: hash,
        unhealthy: i.unhealthy,
        maxSurge: md.maxSurge,
        maxUnavailable: md.maxUnavailable,
        oneAtATime: false,
      });
      for (let k = 0; recipe && k < plan.create; k++) {
        const m = await createMachine(
          i.machineContext,
          {
            role: 'worker',
            pool: md.name,
            version,
            bootstrapRole: 'worker',
            templateHash: hash,
            infrastructureTemplate: `${md.infrastructureTemplate.kind}/${md.infrastructureTemplate.metadata.name}`,
            ...(md.failureDomain ? { failureDomain: md.failureDomain } : {}),
          },
          md.machineLabels,
          recipe,
          poolMachines.map((x) => x.metadata.name),
        );
        poolMachines.push(m);
        i.machines.push(m);
      }
      for (const m of recipe ? plan.delete : [])
        await deleteMachine(
          i.machineContext,
          m,
          m.spec.templateHash !== hash
            ? `replaced by a machine at ${version}`
            : `scaling ${md.name} down to ${md.replicas}`,
        );
      if (plan.create || plan.delete.length) busy = true;
    }
    const alive = poolMachines.filter((m) => !isDeleting(m));
    const readyReplicas = alive.filter(isReady).length;
    const updatedReplicas = alive.filter((m) => m.spec.templateHash === hash).length;
    const done =
      alive.length === md.replicas &&
      updatedReplicas === md.replicas &&
      readyReplicas === md.replicas &&
      poolMachines.every((m) => !isDeleting(m));
    if (!done) {
      busy = true;
      // Available enough counts as ready for a pool whose upgrade waits (deferred, held).
      if (!(readyReplicas >= md.replicas && step.frozen)) ready = false;
    }
    pools.push({
      name: md.name,
      version,
      targetVersion: step.target,
      replicas: md.replicas,
      readyReplicas,
      updatedReplicas,
      ...(step.note ? { note: step.note } : {}),
    });
  }
  return { pools, ready, upgradePending: sequence.pending, notes: sequence.notes, outcome: { busy } };
}
