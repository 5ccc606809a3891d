/** Kubernetes-style conditions: lastTransitionTime moves only when the status changes. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** The order conditions are listed in (others after, by type). */
export const CONDITION_ORDER = [
  'Ready',
  'TemplateReady',
  'ValuesValid',
  'PolicyPassed',
  'Admitted',
  'CredentialReady',
  'AccessRevoked',
  'Provisioned',
  'InfrastructureReady',
  'ControlPlaneReady',
  'WorkersReady',
  'UpgradeInProgress',
  'RemediationAllowed',
  'Deleting',
];

export function setCondition(
  list: Condition[],
  c: Omit<Condition, 'lastTransitionTime'>,
  nowIso: string,
): Condition[] {
  const old = list.find((x) => x.type === c.type);
  const next: Condition = {
    ...c,
    lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : nowIso,
  };
  const out = list.filter((x) => x.type !== c.type);
  out.push(next);
  const rank = (t: string) => {
    const i = CONDITION_ORDER.indexOf(t);
    return i < 0 ? CONDITION_ORDER.length : i;
  };
  return out.sort((a, b) => rank(a.type) - rank(b.type) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

export function removeCondition(list: Condition[], type: string): Condition[] {
  return list.filter((c) => c.type !== type);
}

export function getCondition(list: readonly Condition[] | undefined, type: string): Condition | undefined {
  return list?.find((c) => c.type === type);
}

export function isTrue(list: readonly Condition[] | undefined, type: string): boolean {
  return getCondition(list, type)?.status === 'True';
}

/** RFC 3339 with seconds precision, as Kubernetes writes condition times. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
