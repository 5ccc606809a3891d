/**
 * Which unhealthy machines to remediate (pure), as Cluster API's MachineHealthCheck and KCP do
 * it: each check remediates only while its short-circuit allows; control-plane machines go one
 * at a time, only with at least two and only while quorum holds once the cluster is initialised;
 * `skip-remediation` opts a machine out. A machine remediated by one check is gone for the next.
 */
import type { Machine } from '../../api/machine.js';
import { LABEL_CLUSTER_NAME } from '../../domain/labels.js';
import { evaluateHealth, type Finding, type HealthCheck, skipsRemediation } from '../health.js';
import { isDeleting } from '../pool.js';

export interface RemediationInput {
  checks: readonly HealthCheck[];
  machines: readonly Machine[];
  nowMs: number;
  controlPlaneInitialized: boolean;
}

export interface Remediation {
  machine: Machine;
  check: string;
  finding: Finding;
}

export interface RemediationPlan {
  /** Names of every machine a check found unhealthy (scale-down takes them first). */
  unhealthy: Set<string>;
  /** To delete, in order. */
  remediate: Remediation[];
  /** Checks whose short-circuit holds remediation back: `name: why`. */
  blocked: string[];
}

/** The checks that apply: the rendered ones, else the default one (null: none). */
export function healthChecksFor(
  rendered: readonly HealthCheck[],
  clusterName: string,
  defaults: Omit<HealthCheck, 'name' | 'selector'> | null | undefined,
): HealthCheck[] {
  if (rendered.length) return [...rendered];
  if (defaults === null) return [];
  return [
    {
      name: 'default',
      selector: { [LABEL_CLUSTER_NAME]: clusterName },
      nodeStartupTimeoutMs: 10 * 60_000,
      unhealthyConditions: [],
      ...(defaults ?? {}),
    },
  ];
}

export function planRemediation(input: RemediationInput): RemediationPlan {
  const { machines } = input;
  const unhealthy = new Set<string>();
  const remediate: Remediation[] = [];
  const blocked: string[] = [];
  const gone = new Set<string>();
  const deleting = (m: Machine) => isDeleting(m) || gone.has(m.metadata.name);
  for (const hc of input.checks) {
    const ev = evaluateHealth(
      hc,
      machines.filter((m) => !m.status?.providerError && !gone.has(m.metadata.name)),
      input.nowMs,
    );
    for (const u of ev.unhealthy) unhealthy.add(u.machine.metadata.name);
    if (!ev.remediationAllowed) {
      blocked.push(`${hc.name}: ${ev.message}`);
      continue;
    }
    const cpLive = machines.filter((m) => m.spec.role === 'control-plane' && !deleting(m));
    let cpBudget = machines.some((m) => m.spec.role === 'control-plane' && deleting(m)) ? 0 : 1;
    for (const { machine: m, finding } of ev.unhealthy) {
      if (deleting(m) || skipsRemediation(m)) continue;
      if (m.spec.role === 'control-plane') {
        const healthy = cpLive.filter((x) => !unhealthy.has(x.metadata.name)).length;
        const quorumAtRisk = cpLive.length < 2 || healthy < Math.floor(cpLive.length / 2) + 1;
        if (cpBudget === 0 || (input.controlPlaneInitialized && quorumAtRisk)) continue;
        cpBudget--;
      }
      remediate.push({ machine: m, check: hc.name, finding });
      gone.add(m.metadata.name);
    }
  }
  return { unhealthy, remediate, blocked };
}
