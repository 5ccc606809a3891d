/**
 * The apply decision: the gate's verdict as conditions, then whether the rendered objects may
 * replace what was last applied (a chain must allow a template change; versions.ts's rules for
 * versions; the platform's machine ceiling). A refused or denied change keeps the objects last applied. New objects are stored
 * in `status.applied` before any provider call.
 */
import { availableUpgrades, CHAIN_TYPE } from '../../api/template-chain.js';
import { DEFAULT_MAX_MACHINES } from '../../domain/machine-ceiling.js';
import type { PlainObject } from '../../util/plain-object.js';
import { desiredCluster } from '../desired.js';
import { gateConditions } from '../planners/gate-conditions.js';
import { machineCeilingRefusal, templateChangeRefusal, versionRefusal } from '../planners/refusals.js';
import type { Refusal } from '../status.js';
import { deploymentTemplate } from '../templates.js';
import type { PassContext } from './context.js';

export interface ApplyDecision {
  /** The objects to reconcile towards; undefined: nothing was ever applied and this may not be. */
  objects: PlainObject[] | undefined;
  refusal?: Refusal;
}

export async function decideApply(ctx: PassContext): Promise<ApplyDecision> {
  const { status, spec } = ctx;
  ctx.chains = (await ctx.o.store.list(CHAIN_TYPE, { namespace: ctx.ns })).items;
  const applied = status.applied;
  status.availableUpgrades = availableUpgrades(ctx.chains, applied?.template ?? spec.template);

  const template = await deploymentTemplate(ctx.o.store, ctx.o.gate.loader, ctx.ns, spec.template);
  const verdict = ctx.o.gate.run(ctx.cd, await ctx.teamLabels(), template);
  ctx.setConditions(gateConditions(verdict, spec.template));
  if (!verdict.allowed) return { objects: applied?.objects };

  const chainRefusal = templateChangeRefusal(applied, spec.template, status.availableUpgrades);
  if (chainRefusal) return { objects: applied?.objects, refusal: chainRefusal };
  // the platform's ceiling, as `check` and `apply` judge it: nothing of the change is made
  const ceiling = machineCeilingRefusal(verdict.objects, ctx.o.maxMachines ?? DEFAULT_MAX_MACHINES);
  if (ceiling) return { objects: applied?.objects, refusal: ceiling };
  const refusal = refuseVersions(ctx, verdict.objects);
  if (refusal) return { objects: applied?.objects, refusal };

  const objects = verdict.objects;
  if (
    !applied ||
    applied.template !== spec.template ||
    applied.generation !== ctx.cd.metadata.generation ||
    JSON.stringify(applied.objects) !== JSON.stringify(objects)
  ) {
    status.applied = { template: spec.template, generation: ctx.cd.metadata.generation, objects };
    // Stored before any provider call: a reconciler killed after ensureCluster must leave
    // a deployment whose deletion still finds (and deletes) its infrastructure.
    ctx.cd = await ctx.o.store.updateStatus({
      ...ctx.cd,
      status: { ...(ctx.cd.status ?? {}), applied: status.applied },
    });
    if (applied)
      await ctx.event(
        'Applied',
        `applied generation ${ctx.cd.metadata.generation} (template ${spec.template})`,
      );
  }
  return { objects };
}

function refuseVersions(ctx: PassContext, objects: PlainObject[]): Refusal | undefined {
  let desired: ReturnType<typeof desiredCluster>;
  try {
    desired = desiredCluster(objects);
  } catch {
    return undefined; // reported when reconciling
  }
  return versionRefusal(desired, ctx.status, ctx.knownVersions());
}
