/**
 * Health checks with Cluster API MachineHealthCheck semantics (pure: machines, checks and the
 * time in, findings out):
 * - a machine is unhealthy when it failed, carries `cluster.x-k8s.io/remediate-machine`, has no
 *   Ready node after the node startup timeout (default 10m, 0 disables), or one of its node's
 *   conditions has been in an unhealthy status for at least that condition's timeout (ORed);
 * - remediation is allowed only while the unhealthy count is within `maxUnhealthy`
 *   (`unhealthyLessThanOrEqualTo`, default 100%, of the expected machines, rounded down) or,
 *   when set, within `unhealthyRange` (`[min-max]`); otherwise RemediationAllowed=False and
 *   nothing is remediated (the short-circuit).
 */
import type { Machine } from '../api/machine.js';
import { ANNOTATION_REMEDIATE, ANNOTATION_SKIP_REMEDIATION, LABEL_CLUSTER_NAME } from '../domain/labels.js';
import { durationMs } from '../providers/simulated/config.js';
import { isPlainObject } from '../util/plain-object.js';

export interface UnhealthyCondition {
  type: string;
  status: string;
  timeoutMs: number;
}

export interface HealthCheck {
  name: string;
  /** matchLabels the machines must carry (Machine labels). */
  selector: Record<string, string>;
  nodeStartupTimeoutMs: number;
  unhealthyConditions: UnhealthyCondition[];
  /** `40%` or a count; absent = 100%. */
  maxUnhealthy?: string | number;
  unhealthyRange?: { min: number; max: number };
}

export const DEFAULT_NODE_STARTUP_TIMEOUT_MS = 10 * 60_000;

function seconds(v: unknown, where: string): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v * 1000;
  if (typeof v === 'string') return durationMs(v, where);
  return undefined;
}

/** A MachineHealthCheck object (v1beta1 or v1beta2 field names) as a HealthCheck. */
export function healthCheckFrom(obj: { metadata: { name: string }; spec?: unknown }): HealthCheck {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const where = `MachineHealthCheck ${obj.metadata.name}`;
  const checks = isPlainObject(spec.checks) ? spec.checks : spec;
  const selector =
    isPlainObject(spec.selector) && isPlainObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(selector)) if (typeof v === 'string') labels[k] = v;
  if (typeof spec.clusterName === 'string' && !(LABEL_CLUSTER_NAME in labels))
    labels[LABEL_CLUSTER_NAME] = spec.clusterName;
  const startup =
    seconds(checks.nodeStartupTimeoutSeconds, `${where} nodeStartupTimeoutSeconds`) ??
    seconds(spec.nodeStartupTimeout, `${where} nodeStartupTimeout`) ??
    DEFAULT_NODE_STARTUP_TIMEOUT_MS;
  const rawConds = Array.isArray(checks.unhealthyNodeConditions)
    ? checks.unhealthyNodeConditions
    : Array.isArray(spec.unhealthyConditions)
      ? spec.unhealthyConditions
      : [];
  const unhealthyConditions: UnhealthyCondition[] = [];
  for (const c of rawConds) {
    if (!isPlainObject(c) || typeof c.type !== 'string' || typeof c.status !== 'string') continue;
    const t = seconds(c.timeoutSeconds ?? c.timeout, `${where} condition ${c.type} timeout`) ?? 0;
    unhealthyConditions.push({ type: c.type, status: c.status, timeoutMs: t });
  }
  const remediation = isPlainObject(spec.remediation) ? spec.remediation : {};
  const triggerIf = isPlainObject(remediation.triggerIf) ? remediation.triggerIf : {};
  const max = triggerIf.unhealthyLessThanOrEqualTo ?? spec.maxUnhealthy;
  const range = triggerIf.unhealthyInRange ?? spec.unhealthyRange;
  const hc: HealthCheck = {
    name: obj.metadata.name,
    selector: labels,
    nodeStartupTimeoutMs: startup,
    unhealthyConditions,
  };
  if (typeof max === 'string' || typeof max === 'number') hc.maxUnhealthy = max;
  if (typeof range === 'string') {
    const m = /^\[([0-9]+)-([0-9]+)\]$/.exec(range);
    if (m) hc.unhealthyRange = { min: Number(m[1]), max: Number(m[2]) };
  }
  return hc;
}

export function selects(hc: HealthCheck, m: Machine): boolean {
  const labels = m.metadata.labels ?? {};
  return Object.entries(hc.selector).every(([k, v]) => labels[k] === v);
}

export interface Finding {
  reason: string;
  message: string;
}

/** Why a machine is unhealthy now, or undefined when it is healthy (or not yet judged). */
export function machineHealth(m: Machine, hc: HealthCheck, nowMs: number): Finding | undefined {
  const ann = m.metadata.annotations ?? {};
  if (ANNOTATION_REMEDIATE in ann)
    return { reason: 'RemediateMachineAnnotation', message: `annotation ${ANNOTATION_REMEDIATE} is set` };
  const s = m.status ?? {};
  if (s.phase === 'Failed')
    return {
      reason: 'MachineFailed',
      message: `${s.failureReason ?? 'Failed'}: ${s.failureMessage ?? 'the machine failed'}`,
    };
  if (!s.readySince) {
    const created = Date.parse(m.metadata.creationTimestamp);
    if (hc.nodeStartupTimeoutMs > 0 && nowMs - created >= hc.nodeStartupTimeoutMs)
      return {
        reason: 'NodeStartupTimeout',
        message: `no Ready node ${Math.round(hc.nodeStartupTimeoutMs / 1000)}s after the machine was created`,
      };
    return undefined;
  }
  for (const u of hc.unhealthyConditions) {
    const c = (s.nodeConditions ?? []).find((x) => x.type === u.type);
    if (!c || c.status !== u.status) continue;
    const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : nowMs;
    if (nowMs - since >= u.timeoutMs)
      return {
        reason: 'UnhealthyNode',
        message: `node condition ${u.type}=${u.status} for ${Math.round((nowMs - since) / 1000)}s (timeout ${Math.round(u.timeoutMs / 1000)}s)`,
      };
  }
  return undefined;
}

export interface HealthEvaluation {
  check: string;
  expected: number;
  unhealthy: { machine: Machine; finding: Finding }[];
  remediationAllowed: boolean;
  message: string;
}

/** `40%` of n rounded down, or a count. */
export function scaledCount(value: string | number, total: number): number {
  if (typeof value === 'number') return Math.max(0, Math.floor(value));
  const t = value.trim();
  if (t.endsWith('%')) return Math.floor((Number(t.slice(0, -1)) * total) / 100);
  const n = Number(t);
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : total;
}

/** Applies one check to the machines it selects (deleting machines are not counted). */
export function evaluateHealth(
  hc: HealthCheck,
  machines: readonly Machine[],
  nowMs: number,
): HealthEvaluation {
  const targets = machines.filter((m) => !m.metadata.deletionTimestamp && selects(hc, m));
  const unhealthy: HealthEvaluation['unhealthy'] = [];
  for (const m of targets) {
    const finding = machineHealth(m, hc, nowMs);
    if (finding) unhealthy.push({ machine: m, finding });
  }
  const n = unhealthy.length;
  let allowed: boolean;
  let limit: string;
  if (hc.unhealthyRange) {
    allowed = n >= hc.unhealthyRange.min && n <= hc.unhealthyRange.max;
    limit = `unhealthyRange [${hc.unhealthyRange.min}-${hc.unhealthyRange.max}]`;
  } else {
    const max = scaledCount(hc.maxUnhealthy ?? '100%', targets.length);
    allowed = n <= max;
    limit = `maxUnhealthy ${hc.maxUnhealthy ?? '100%'} (${max} of ${targets.length})`;
  }
  return {
    check: hc.name,
    expected: targets.length,
    unhealthy,
    remediationAllowed: allowed,
    message: allowed
      ? `${n} of ${targets.length} machines unhealthy`
      : `remediation is not allowed: ${n} of ${targets.length} machines are unhealthy, over ${limit}`,
  };
}

/** Whether a machine opts out of remediation. */
export function skipsRemediation(m: Machine): boolean {
  return ANNOTATION_SKIP_REMEDIATION in (m.metadata.annotations ?? {});
}
