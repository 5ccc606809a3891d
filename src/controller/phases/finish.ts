/** The end of every pass: the phase, events for condition transitions, the status written once. */

import { sameJson } from '../machines.js';
import { conditionEvents, deploymentPhase } from '../planners/deployment-phase.js';
import type { ReconcileResult } from '../runtime.js';
import type { PassContext } from './context.js';

/**
 * Events for the notable conditions that changed since they were last told. A pass that goes
 * several rounds (pass.ts) tells them after each round, as separate passes would have.
 */
export async function tellConditionChanges(ctx: PassContext): Promise<void> {
  for (const e of conditionEvents(ctx.toldConditions, ctx.conditions))
    await ctx.event(e.reason, e.message, e.type);
  ctx.toldConditions = ctx.conditions;
}

/** Writes the status (when changed) with the pass's events, in one store transaction. */
export async function finishPass(ctx: PassContext, result: ReconcileResult): Promise<ReconcileResult> {
  const { status } = ctx;
  status.conditions = ctx.conditions;
  status.observedGeneration = ctx.cd.metadata.generation;
  status.phase = deploymentPhase(status.phase, ctx.conditions, Boolean(status.applied));
  await tellConditionChanges(ctx);
  const changed = !sameJson(ctx.cd.status ?? {}, status);
  const stored = await ctx.o.events.flush(changed ? { ...ctx.cd, status } : undefined);
  if (stored) ctx.cd = stored;
  return result;
}
