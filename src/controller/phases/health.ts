/**
 * Health checks: the rendered MachineHealthChecks (or the default one) judge the machines; the
 * machines the planner picks are remediated (deleted: their pool replaces them), and
 * RemediationAllowed says whether a short-circuit holds remediation back.
 */
import type { Machine } from '../../api/machine.js';
import type { DesiredCluster } from '../desired.js';
import { deleteMachine, type MachineContext } from '../machines.js';
import { healthChecksFor, planRemediation } from '../planners/remediation.js';
import type { PassContext } from './context.js';
import type { PhaseOutcome } from './outcome.js';

export interface HealthResult {
  /** Names of the unhealthy machines (scale-down takes them first). */
  unhealthy: ReadonlySet<string>;
  outcome: PhaseOutcome;
}

export async function checkHealth(
  ctx: PassContext,
  d: DesiredCluster,
  mctx: MachineContext,
  machines: readonly Machine[],
): Promise<HealthResult> {
  const plan = planRemediation({
    checks: healthChecksFor(d.healthChecks, d.clusterName, ctx.o.defaultHealthCheck),
    machines,
    nowMs: ctx.now,
    controlPlaneInitialized: ctx.status.controlPlane?.initialized === true,
  });
  for (const { machine: m, check, finding } of plan.remediate) {
    await ctx.event(
      'MachineRemediation',
      `remediating ${m.metadata.name} (${check}): ${finding.reason}: ${finding.message}`,
      'Warning',
    );
    await deleteMachine(mctx, m, `unhealthy: ${finding.reason}`);
  }
  if (plan.blocked.length)
    ctx.cond('RemediationAllowed', 'False', 'TooManyUnhealthy', plan.blocked.join('; '));
  else
    ctx.cond(
      'RemediationAllowed',
      'True',
      'Allowed',
      plan.unhealthy.size
        ? `${plan.unhealthy.size} machine(s) unhealthy, remediating`
        : 'all machines healthy',
    );
  return { unhealthy: plan.unhealthy, outcome: { busy: plan.unhealthy.size > 0 } };
}
