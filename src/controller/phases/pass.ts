/**
 * One pass over a live deployment, as phases over one PassContext: apply decision ->
 * infrastructure -> control plane (prepare) -> machine sync -> health -> control plane (roll)
 * -> workers -> summary -> status. Each phase returns what it needs the pass to know about
 * requeueing; the pass merges them.
 */
import { createHash } from 'node:crypto';
import type { Machine } from '../../api/machine.js';
import { kubernetesVersion } from '../../domain/kubernetes-version.js';
import { planControlPlaneUpgrade } from '../../domain/upgrade-path.js';
import type { InfraClusterStatus, RenderedObject as ProviderObject } from '../../providers/contract.js';
import { isTerminalProviderError, isTransientProviderError } from '../../providers/errors.js';
import { getCondition, removeCondition } from '../conditions.js';
import { type DesiredCluster, DesiredStateError, desiredCluster } from '../desired.js';
import { listMachines, type MachineContext } from '../machines.js';
import { upgradeConcurrency } from '../planners/rolled-version.js';
import type { ReconcileResult } from '../runtime.js';
import type { Refusal } from '../status.js';
import { writeBatchOf } from '../write-batch.js';
import { adoptedClusterOf, reconcileAdopted } from './adopted.js';
import { decideApply } from './apply.js';
import { capiFor, reconcileCapi } from './capi/index.js';
import type { PassContext } from './context.js';
import {
  type ControlPlaneFrame,
  type ControlPlaneStrategy,
  controlPlaneStrategy,
  recordControlPlane,
} from './control-plane/index.js';
import { finishPass, tellConditionChanges } from './finish.js';
import { checkHealth } from './health.js';
import { reconcileInfrastructure } from './infrastructure.js';
import { syncMachines } from './machine-sync.js';
import { mergeOutcomes, type PhaseOutcome, requeueAfterMs } from './outcome.js';
import { summarize } from './summary.js';
import { reconcileWorkers, workerPoolInputs } from './workers.js';

/** Provider refusals about the cluster's identity (providers/simulated/identity.ts) and how soon to retry. */
const IDENTITY_REFUSALS = new Set([
  'IdentityNotFound',
  'IdentityNotAllowed',
  'IdentityUnreadable',
  'IdentityInvalid',
]);
const IDENTITY_RETRY_MS = 30_000;

/** k0rdent's words for a deployment in dry-run mode. */
export const DRY_RUN_MESSAGE = 'DryRun mode is enabled. Remove spec.dryRun to proceed';

export async function reconcileLive(ctx: PassContext): Promise<ReconcileResult> {
  const { objects, refusal, dryRun } = await decideApply(ctx);
  if (ctx.spec.dryRun) ctx.cond('Provisioned', 'False', 'DryRun', DRY_RUN_MESSAGE);
  else ctx.conditions = removeCondition(ctx.conditions, 'Provisioned');
  if (!objects) {
    const admission = getCondition(ctx.conditions, 'Admitted');
    const refused = admission?.status === 'False';
    const denied = getCondition(ctx.conditions, 'PolicyPassed')?.status === 'False';
    const failed = ctx.conditions.find((c) => c.status === 'False');
    ctx.cond(
      'Ready',
      'False',
      // a refusal of the first change (the machine ceiling) says why, not an older condition
      refused
        ? 'AdmissionDenied'
        : denied
          ? 'PolicyDenied'
          : (refusal?.reason ?? failed?.reason ?? 'Refused'),
      refused
        ? `refused: ${admission.message}; nothing is created`
        : denied
          ? 'the gate denied the deployment: nothing is created'
          : (refusal?.message ?? failed?.message ?? 'not applied'),
    );
    return finishPass(ctx, {});
  }
  if (dryRun) {
    // judged, not provisioned: a cluster applied before dryRun was set stays as it is
    ctx.cond('Ready', 'False', 'DryRun', DRY_RUN_MESSAGE);
    return finishPass(ctx, {});
  }
  const adopted = adoptedClusterOf(objects);
  if (adopted) return reconcileAdopted(ctx, adopted);
  const capi = capiFor(ctx, objects);
  if (capi) return reconcileCapi(ctx, capi.capi, capi.set, refusal);
  let desired: DesiredCluster;
  try {
    desired = desiredCluster(objects);
  } catch (e) {
    if (!(e instanceof DesiredStateError)) throw e;
    ctx.cond('Ready', 'False', e.reason, e.message);
    return finishPass(ctx, {});
  }
  // The machine phases and the status in few commits (write-batch.ts: providers' changes commit first).
  const batch = writeBatchOf(ctx.o.store);
  batch?.begin();
  try {
    return await reconcileDesired(ctx, desired, refusal);
  } finally {
    batch?.end();
  }
}

/** The cluster's phases, then the status. */
async function reconcileDesired(
  ctx: PassContext,
  desired: DesiredCluster,
  refusal: Refusal | undefined,
): Promise<ReconcileResult> {
  // Kept across a provider error that ends the phases early: what they said still counts.
  const outcomes: PhaseOutcome[] = [];
  try {
    await reconcileCluster(ctx, desired, refusal, outcomes);
  } catch (e) {
    if (isTerminalProviderError(e)) {
      ctx.cond('Ready', 'False', 'ProviderError', `${e.reason}: ${e.message}`);
      // an identity may appear or be granted later (a Secret is not watched): look again
      return finishPass(ctx, IDENTITY_REFUSALS.has(e.reason) ? { requeueAfterMs: IDENTITY_RETRY_MS } : {});
    }
    if (!isTransientProviderError(e)) throw e;
    outcomes.push({ busy: true, retryAfterMs: e.retryAfterMs });
  }
  return finishPass(ctx, {
    requeueAfterMs: requeueAfterMs(mergeOutcomes(...outcomes), ctx.pollMs, ctx.o.resyncMs ?? 10_000),
  });
}

/** The cluster's phases; each phase's outcome goes to `outcomes` as soon as it is known. */
async function reconcileCluster(
  ctx: PassContext,
  d: DesiredCluster,
  refusal: Refusal | undefined,
  outcomes: PhaseOutcome[],
): Promise<void> {
  const clusterId = `${ctx.ns}/${d.clusterName}`;
  const infra = await reconcileInfrastructure(ctx, d, clusterId);
  if (!infra.ready) {
    outcomes.push({ busy: true });
    return;
  }
  const binding = ctx.o.registry.controlPlaneFor(d.controlPlane as ProviderObject);
  const mctx: MachineContext = {
    store: ctx.o.store,
    clock: ctx.o.clock,
    events: ctx.o.events,
    infra: infra.provider,
    deployment: ctx.cd,
    clusterId,
    clusterName: d.clusterName,
    ...(infra.status.controlPlaneEndpoint ? { endpoint: infra.status.controlPlaneEndpoint } : {}),
    joinToken: joinToken(ctx.cd.metadata.uid),
  };
  const target = kubernetesVersion(binding.spec.version);
  const frame = { ctx, desired: d, clusterId, target };
  const strategy = controlPlaneStrategy(frame, binding);
  // A round plans on the machines as they were when it began. When a machine it created came up
  // Ready at once, or one it deleted went at once (a fast provider), the next round plans on the
  // new state within this pass, as the next pass would have: one pass goes as far as it can.
  // Each round tells its condition transitions, so the events are those of separate passes.
  const before = outcomes.length;
  let stored = await listMachines(ctx.o.store, ctx.ns, ctx.cd.metadata.name);
  for (let round = 1; ; round++) {
    outcomes.length = before;
    const settled = mctx.settled ?? 0;
    const machines = await machineRound(ctx, stored, {
      desired: d,
      refusal,
      outcomes,
      mctx,
      frame,
      strategy,
      infrastructure: infra.status,
    });
    if ((mctx.settled ?? 0) === settled || round >= MAX_ROUNDS) return;
    await tellConditionChanges(ctx);
    // The pass's own writes kept these as stored: the next round needs no new list, only the
    // store's order (by name) and without the machines that went.
    stored = machines
      .filter((m) => !mctx.gone?.has(m.metadata.name))
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  }
}

/** Rounds of one pass at most (a large pool rolling one machine at a time goes on in the next pass). */
const MAX_ROUNDS = 50;

interface Round {
  desired: DesiredCluster;
  refusal: Refusal | undefined;
  outcomes: PhaseOutcome[];
  mctx: MachineContext;
  frame: ControlPlaneFrame;
  strategy: ControlPlaneStrategy;
  infrastructure: InfraClusterStatus;
}

/**
 * Control plane (prepare) -> machine sync -> health -> control plane (roll) -> workers ->
 * summary, on the stored machines; returns the machines after it (created ones included).
 */
async function machineRound(ctx: PassContext, stored: readonly Machine[], r: Round): Promise<Machine[]> {
  const { desired: d, refusal, outcomes, mctx, frame, strategy } = r;
  const { target } = frame;
  const prepared = await strategy.prepare(stored);
  outcomes.push(prepared.outcome);
  if (prepared.endpoint) mctx.endpoint = prepared.endpoint;

  const synced = await syncMachines(ctx, d, mctx, stored, () => strategy.bootRecipe());
  outcomes.push(synced.outcome);
  const { machines } = synced;

  const health = await checkHealth(ctx, d, mctx, machines);
  outcomes.push(health.outcome);

  const pools = workerPoolInputs(ctx, d, machines);
  const plan = planControlPlaneUpgrade(prepared.version, target, ctx.knownVersions());
  const steps = plan.ok ? plan.steps : [];
  const rolled = await strategy.roll({
    machineContext: mctx,
    infrastructure: r.infrastructure,
    machines,
    unhealthy: health.unhealthy,
    workersRolling: pools.some((p) => p.tracked && p.rolling),
    steps,
    version: prepared.version,
  });
  outcomes.push(rolled.outcome);
  const cp = rolled.state;
  recordControlPlane(frame, strategy, cp, mctx.endpoint);

  const workers = await reconcileWorkers(ctx, {
    desired: d,
    machineContext: mctx,
    machines,
    pools,
    recipes: synced.workerRecipes,
    unhealthy: health.unhealthy,
    controlPlane: cp,
    controlPlaneTarget: target,
    controlPlaneSteps: steps,
    concurrency: upgradeConcurrency(ctx.cd.metadata.annotations ?? {}, d.cluster.metadata.annotations ?? {}),
  });
  outcomes.push(workers.outcome);
  summarize(ctx, {
    desired: d,
    machines,
    strategy,
    controlPlane: cp,
    controlPlaneTarget: target,
    controlPlaneSteps: steps,
    workers,
    refusal,
  });
  return machines;
}

/** The kubeadm-style join token of a deployment's machines (derived from its uid). */
function joinToken(uid: string): string {
  const h = createHash('sha256').update(`join:${uid}`).digest('hex');
  return `${h.slice(0, 6)}.${h.slice(6, 22)}`;
}
