/**
 * Where the deployment stands (pure): the UpgradeInProgress condition with the stored upgrade
 * record, and Ready, which sums up the rest.
 */
import type { Condition } from '../conditions.js';
import type { ConditionVerdict, PoolStatus, Refusal, UpgradeStatus } from '../status.js';

export interface UpgradeProgressInput {
  refusal: Refusal | undefined;
  /** Something of an upgrade is still to do (control plane or workers). */
  pending: boolean;
  cpVersion: string;
  cpTarget: string;
  cpStable: boolean;
  workersReady: boolean;
  pools: readonly PoolStatus[];
  /** Why pools wait. */
  notes: readonly string[];
  /** The control plane's remaining upgrade steps. */
  steps: readonly string[];
  previous: UpgradeStatus | undefined;
  k8sVersion: string | undefined;
  /** The UpgradeInProgress condition before this pass. */
  was: Condition | undefined;
}

export interface UpgradeProgress {
  /** Undefined: the condition stays as it is. */
  condition?: ConditionVerdict;
  upgrade: UpgradeStatus | undefined;
}

const ROLLING_REASONS = ['UpgradingControlPlane', 'UpgradingWorkers', 'UpgradeDeferred'];

export function upgradeProgress(i: UpgradeProgressInput): UpgradeProgress {
  const cond = (status: Condition['status'], reason: string, message: string): ConditionVerdict => ({
    type: 'UpgradeInProgress',
    status,
    reason,
    message,
  });
  if (i.refusal)
    return { condition: cond('False', i.refusal.reason, i.refusal.message), upgrade: i.previous };
  const lagging = i.pools.filter((p) => p.version !== p.targetVersion);
  if (i.pending || i.cpVersion !== i.cpTarget || lagging.some((p) => !p.note?.startsWith('topology.'))) {
    const stage = i.cpVersion !== i.cpTarget || !i.cpStable ? 'ControlPlane' : 'Workers';
    const upgrade: UpgradeStatus = {
      from: i.previous?.from ?? i.k8sVersion ?? i.cpVersion,
      to: i.cpTarget,
      controlPlaneSteps: i.steps.length ? [...i.steps] : (i.previous?.controlPlaneSteps ?? []),
      stage,
    };
    const message =
      stage === 'ControlPlane'
        ? `control plane at ${i.cpVersion}, target ${i.cpTarget}${i.steps.length ? ` (steps: ${i.steps.join(' -> ')})` : ''}; workers after`
        : `control plane at ${i.cpTarget}; workers: ${lagging.map((p) => p.name).join(', ') || 'rolling'}${i.notes.length ? `; ${i.notes.join('; ')}` : ''}`;
    return {
      condition: cond(
        'True',
        stage === 'ControlPlane' ? 'UpgradingControlPlane' : 'UpgradingWorkers',
        message,
      ),
      upgrade,
    };
  }
  const deferred = i.pools.filter((p) => p.note && p.version !== p.targetVersion);
  if (deferred.length)
    return {
      condition: cond('True', 'UpgradeDeferred', deferred.map((p) => `${p.name}: ${p.note}`).join('; ')),
      upgrade: i.previous,
    };
  if (i.was?.status === 'True' && ROLLING_REASONS.includes(i.was.reason)) {
    if (i.cpStable && i.workersReady)
      return {
        condition: cond('False', 'UpgradeCompleted', `upgrade to ${i.cpTarget} completed`),
        upgrade: undefined,
      };
    return { upgrade: i.previous };
  }
  if (i.was?.status !== 'False' || i.was.reason !== 'UpgradeCompleted')
    return { condition: cond('False', 'NoUpgrade', `at ${i.cpTarget}`), upgrade: i.previous };
  return { upgrade: i.previous };
}

export interface ReadinessInput {
  refusal: Refusal | undefined;
  /** UpgradeInProgress as this pass set it. */
  upgrade: Pick<Condition, 'status' | 'reason'> | undefined;
  clusterName: string;
  target: string;
  cpReady: number;
  cpReplicas: number;
  cpStable: boolean;
  cpInitialized: boolean;
  /** How the control plane's members are called: `machines`, `replicas`. */
  cpUnit: string;
  workersReady: boolean;
  readyWorkers: number;
  wantWorkers: number;
  readyMachines: number;
  /** A machine the provider failed to create, with the provider's words. */
  failed: { machine: string; message: string } | undefined;
}

export function readiness(i: ReadinessInput): ConditionVerdict {
  const rolling = i.upgrade?.status === 'True' && i.upgrade.reason !== 'UpgradeDeferred';
  const ready = (status: Condition['status'], reason: string, message: string): ConditionVerdict => ({
    type: 'Ready',
    status,
    reason,
    message,
  });
  if (i.refusal) return ready('False', i.refusal.reason, i.refusal.message);
  if (i.cpReady >= i.cpReplicas && i.cpStable && i.workersReady && !rolling)
    return ready(
      'True',
      'Ready',
      `cluster ${i.clusterName} is ready: ${i.cpReady} control-plane ${i.cpUnit} and ${i.readyWorkers} workers at ${i.target}`,
    );
  const f = i.failed;
  return ready(
    'False',
    f ? 'ProviderError' : rolling ? 'Upgrading' : !i.cpInitialized ? 'Provisioning' : 'ScalingUp',
    f
      ? `machine ${f.machine}: ${f.message}`
      : `${i.readyMachines}/${i.cpReplicas + i.wantWorkers} machines ready`,
  );
}
