/**
 * What a pass reports about itself (pure): the deployment's phase from its conditions, and the
 * events for the notable conditions that changed.
 */
import { type Condition, getCondition } from '../conditions.js';

/** The phase from the conditions (`Deleting` stays). */
export function deploymentPhase(
  current: string | undefined,
  conditions: readonly Condition[],
  applied: boolean,
): string {
  if (current === 'Deleting') return current;
  const ready = getCondition(conditions, 'Ready');
  if (ready?.status === 'True') return 'Ready';
  const denied =
    getCondition(conditions, 'PolicyPassed')?.status === 'False' ||
    getCondition(conditions, 'Admitted')?.status === 'False';
  if (denied && !applied) return 'Denied';
  if (getCondition(conditions, 'UpgradeInProgress')?.status === 'True') return 'Upgrading';
  if (ready?.reason === 'Failed' || ready?.reason === 'ProviderError') return 'Failed';
  return 'Provisioning';
}

const NOTABLE = new Set([
  'Ready',
  'InfrastructureReady',
  'ControlPlaneReady',
  'WorkersReady',
  'PolicyPassed',
  'Admitted',
  'AccessRevoked',
  'UpgradeInProgress',
  'RemediationAllowed',
  'Deleting',
]);

export interface ConditionEvent {
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
}

/**
 * An event per notable condition whose status or reason changed, Ready last (it sums up the
 * others). A new condition that is not True says nothing (PolicyPassed excepted: a denial is
 * news); `UpgradeInProgress=False NoUpgrade` never does.
 */
export function conditionEvents(old: readonly Condition[], now: readonly Condition[]): ConditionEvent[] {
  const ordered = [...now.filter((c) => c.type !== 'Ready'), ...now.filter((c) => c.type === 'Ready')];
  const out: ConditionEvent[] = [];
  for (const c of ordered) {
    const was = old.find((x) => x.type === c.type);
    if (was && was.status === c.status && was.reason === c.reason) continue;
    // a new condition is news when True (Admitted excepted: every deployment starts admitted), or a denial
    const denial = c.type === 'PolicyPassed' || c.type === 'Admitted';
    if (!was && (c.status === 'True' ? c.type === 'Admitted' : !denial)) continue;
    if (!NOTABLE.has(c.type)) continue;
    if (c.type === 'UpgradeInProgress' && c.status === 'False' && c.reason === 'NoUpgrade') continue;
    const warning =
      (c.status === 'False' &&
        (c.type === 'PolicyPassed' || c.type === 'Admitted' || c.type === 'RemediationAllowed')) ||
      (c.type === 'AccessRevoked' && c.status === 'True')
        ? true
        : c.type === 'UpgradeInProgress' && c.status === 'False' && c.reason !== 'UpgradeCompleted';
    const reason =
      c.status === 'True' &&
      c.type !== 'Deleting' &&
      c.type !== 'UpgradeInProgress' &&
      c.type !== 'AccessRevoked'
        ? c.type
        : c.reason;
    out.push({ reason, message: c.message, type: warning ? 'Warning' : 'Normal' });
  }
  return out;
}
