/**
 * Machine sync: every stored machine of the deployment brought in line with its provider
 * (status read; created there again if it is missing; deleting ones finished), and the machines
 * of MachineDeployments no longer rendered deleted.
 */
import type { Machine } from '../../api/machine.js';
import type { RenderedObject as ProviderObject } from '../../providers/contract.js';
import type { DesiredCluster } from '../desired.js';
import { type BootRecipe, deleteMachine, type MachineContext, syncMachine } from '../machines.js';
import { isDeleting } from '../pool.js';
import { withBootstrapFiles } from './bootstrap.js';
import type { PassContext } from './context.js';
import { mergeOutcomes, type PhaseOutcome } from './outcome.js';

export interface MachineSync {
  /** The machines still there (deleted ones dropped). */
  machines: Machine[];
  /** Each MachineDeployment's recipe, by name; undefined while its bootstrap files cannot be read. */
  workerRecipes: ReadonlyMap<string, BootRecipe | undefined>;
  outcome: PhaseOutcome;
}

export async function syncMachines(
  ctx: PassContext,
  d: DesiredCluster,
  mctx: MachineContext,
  stored: readonly Machine[],
  controlPlaneRecipe: () => BootRecipe | undefined,
): Promise<MachineSync> {
  const outcomes: PhaseOutcome[] = [];
  const workerRecipes = new Map<string, BootRecipe | undefined>();
  for (const md of d.machineDeployments) {
    const b = ctx.o.registry.bootstrapFor(md.bootstrapTemplate as ProviderObject);
    const r = await withBootstrapFiles(ctx, b.options, b.unresolvedFiles, `MachineDeployment ${md.name}`);
    outcomes.push(r.outcome);
    workerRecipes.set(
      md.name,
      r.options && {
        bootstrap: b.provider,
        options: r.options,
        template: md.infrastructureTemplate as ProviderObject,
      },
    );
  }
  const noRecipe = () => undefined;
  const recipeFor = (m: Machine): (() => BootRecipe | undefined) => {
    if (m.spec.role === 'control-plane') return controlPlaneRecipe;
    return workerRecipes.has(m.spec.pool) ? () => workerRecipes.get(m.spec.pool) : noRecipe;
  };
  const machines: Machine[] = [];
  for (const m of stored) if (await syncMachine(mctx, m, recipeFor(m))) machines.push(m);
  outcomes.push({ ...(mctx.retryAfterMs !== undefined ? { retryAfterMs: mctx.retryAfterMs } : {}) });

  for (const m of machines)
    if (
      m.spec.role === 'worker' &&
      !isDeleting(m) &&
      !d.machineDeployments.some((md) => md.name === m.spec.pool)
    )
      await deleteMachine(mctx, m, `MachineDeployment ${m.spec.pool} is no longer in the desired state`);
  return { machines, workerRecipes, outcome: mergeOutcomes(...outcomes) };
}
