/**
 * The apply decision: k0rdent's admission facts gathered (admission-facts.ts), the Credential's
 * identity set as the `clusterIdentity` value, the gate's verdict (admission rules included) as
 * conditions, CredentialReady and AccessRevoked; then whether the rendered objects may replace
 * what was last applied (a chain must allow a template change; versions.ts's rules for versions;
 * the platform's machine ceiling). A refused or denied change keeps the objects last applied.
 * `spec.dryRun` stops here: judged, nothing stored or provisioned. New objects are stored in
 * `status.applied` (with the template and Credential) before any provider call.
 */
import { availableUpgrades, CHAIN_TYPE } from '../../api/template-chain.js';
import { identityValues } from '../../domain/credential-status.js';
import { DEFAULT_MAX_MACHINES } from '../../domain/machine-ceiling.js';
import type { PlainObject } from '../../util/plain-object.js';
import { type DeploymentAdmission, gatherAdmissionFacts } from '../admission-facts.js';
import { removeCondition } from '../conditions.js';
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
  /** spec.dryRun: the deployment passed the gate and is not provisioned. */
  dryRun?: boolean;
}

export async function decideApply(ctx: PassContext): Promise<ApplyDecision> {
  const { status, spec } = ctx;
  ctx.chains = (await ctx.o.store.list(CHAIN_TYPE, { namespace: ctx.ns })).items;
  const applied = status.applied;
  status.availableUpgrades = availableUpgrades(ctx.chains, applied?.template ?? spec.template);

  const template = await deploymentTemplate(ctx.o.store, ctx.o.gate.loader, ctx.ns, spec.template);
  const admission = await gatherAdmissionFacts({
    store: ctx.o.store,
    gate: ctx.o.gate,
    cd: ctx.cd,
    template,
    availableUpgrades: status.availableUpgrades,
  });
  const credential = admission.credential;
  // k0rdent's fillHelmValues: a Ready Credential's identity is the chart's clusterIdentity
  const clusterIdentity =
    credential?.ready && credential.identityRef ? identityValues(credential.identityRef, ctx.ns) : undefined;
  const verdict = ctx.o.gate.run(ctx.cd, await ctx.teamLabels(), template, {
    admission: admission.facts,
    ...(clusterIdentity ? { clusterIdentity } : {}),
  });
  ctx.setConditions(gateConditions(verdict, spec.template, true));
  tenancyConditions(ctx, admission);
  // (the admission rule template-upgrade refuses it too; the refusal says so on UpgradeInProgress)
  const chainRefusal = templateChangeRefusal(applied, spec.template, status.availableUpgrades);
  if (!verdict.allowed)
    return { objects: applied?.objects, ...(chainRefusal && applied ? { refusal: chainRefusal } : {}) };
  if (chainRefusal) return { objects: applied?.objects, refusal: chainRefusal };
  // the platform's ceiling, as `check` and `apply` judge it: nothing of the change is made
  const ceiling = machineCeilingRefusal(verdict.objects, ctx.o.maxMachines ?? DEFAULT_MAX_MACHINES);
  if (ceiling) return { objects: applied?.objects, refusal: ceiling };
  const refusal = refuseVersions(ctx, verdict.objects);
  if (refusal) return { objects: applied?.objects, refusal };

  const objects = verdict.objects;
  if (spec.dryRun) return { objects, dryRun: true };
  if (
    !applied ||
    applied.template !== spec.template ||
    applied.credential !== spec.credential ||
    applied.generation !== ctx.cd.metadata.generation ||
    JSON.stringify(applied.objects) !== JSON.stringify(objects)
  ) {
    status.applied = {
      template: spec.template,
      generation: ctx.cd.metadata.generation,
      objects,
      ...(spec.credential ? { credential: spec.credential } : {}),
    };
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

/**
 * CredentialReady (the Credential spec.credential names: its readiness, or that it is missing;
 * none without spec.credential) and AccessRevoked (True while the template or Credential in use
 * is a copy whose grant was withdrawn: the cluster keeps running; Ready is not affected).
 */
function tenancyConditions(ctx: PassContext, a: DeploymentAdmission): void {
  const name = ctx.spec.credential;
  const c = a.credential;
  if (!name) ctx.conditions = removeCondition(ctx.conditions, 'CredentialReady');
  else if (!c)
    ctx.cond('CredentialReady', 'False', 'CredentialNotFound', `Credential ${ctx.ns}/${name} not found`);
  else
    ctx.cond(
      'CredentialReady',
      c.ready ? 'True' : 'False',
      c.reason ?? (c.ready ? 'IdentityFound' : 'NotReady'),
      c.message ??
        (c.ready ? `Credential ${ctx.ns}/${name} is Ready` : `Credential ${ctx.ns}/${name} is not Ready`),
    );
  const revoked = [
    ...(a.templateRevoked ? [`ClusterTemplate ${ctx.spec.template}`] : []),
    ...(c?.revoked ? [`Credential ${c.name}`] : []),
  ];
  if (revoked.length === 0) ctx.conditions = removeCondition(ctx.conditions, 'AccessRevoked');
  else
    ctx.cond(
      'AccessRevoked',
      'True',
      'AccessRevoked',
      `access to ${revoked.join(' and ')} was revoked from namespace ${ctx.ns}: the cluster keeps running as it is; a new deployment, or a change onto it, is refused`,
    );
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
