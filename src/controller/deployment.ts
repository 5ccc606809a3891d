/**
 * The ClusterDeployment reconciler. One pass, level-based and idempotent:
 * finalizer -> gate (TemplateReady, ValuesValid, PolicyPassed; a denied deployment creates
 * nothing) -> template-change and version checks against what was last applied (a refused
 * change keeps the cluster as it is, with a condition) -> infrastructure -> control plane
 * (machines or hosted) -> MachineDeployments -> health checks -> status, conditions, events ->
 * requeue. Upgrades: control plane first, one minor at a time, one machine at a time with
 * surge; workers once the control plane is stable at the target, within maxSurge /
 * maxUnavailable and the upgrade-concurrency / hold-upgrade-sequence / defer-upgrade
 * annotations. Deletion: workers, then the control plane, then the infrastructure, then the
 * finalizer.
 */
import { createHash } from 'node:crypto';
import { MACHINE_TYPE, type Machine } from '../api/machine.js';
import { availableUpgrades, CHAIN_TYPE, supportedTemplates } from '../api/template-chain.js';
import { compareKubernetes, kubernetesVersion } from '../domain/kubernetes-version.js';
import { nextWorkerVersion, planControlPlaneUpgrade } from '../domain/upgrade-path.js';
import type { Verdict } from '../gate/index.js';
import type {
  BootstrapOptions,
  Clock,
  ControlPlaneBinding,
  Endpoint,
  HostedControlPlaneStatus,
  InfraClusterStatus,
  InfrastructureProvider,
  RenderedObject as ProviderObject,
  UnresolvedBootstrapFile,
} from '../providers/contract.js';
import { isTerminalProviderError, isTransientProviderError } from '../providers/errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { isConflict, isNotFound } from '../store/errors.js';
import type { KubeObject, Store } from '../store/types.js';
import type { PlainObject } from '../util/plain-object.js';
import { type FileResolution, resolveBootstrapFiles } from './bootstrap-files.js';
import { type Condition, getCondition, isoSeconds, setCondition } from './conditions.js';
import {
  type DesiredCluster,
  type DesiredMachineDeployment,
  DesiredStateError,
  desiredCluster,
} from './desired.js';
import type { EventRecorder } from './events.js';
import type { GateRunner } from './gate.js';
import { evaluateHealth, type HealthCheck, skipsRemediation } from './health.js';
import {
  type BootRecipe,
  createMachine,
  deleteMachine,
  hashOf,
  listMachines,
  type MachineContext,
  sameJson,
  syncMachine,
} from './machines.js';
import { isDeleting, isReady, planPool } from './pool.js';
import type { ReconcileResult, Reconciler } from './runtime.js';
import { splitKey } from './runtime.js';

export const CD_FINALIZER = 'clustermint.io/cluster-deployment';
export const ANNOTATION_UPGRADE_CONCURRENCY = 'topology.cluster.x-k8s.io/upgrade-concurrency';
export const ANNOTATION_HOLD_UPGRADE_SEQUENCE = 'topology.cluster.x-k8s.io/hold-upgrade-sequence';
export const ANNOTATION_DEFER_UPGRADE = 'topology.cluster.x-k8s.io/defer-upgrade';

export interface PoolStatus {
  name: string;
  /** The version the pool's machines are rolled to now (a step of the upgrade). */
  version: string;
  /** The version the deployment asks for. */
  targetVersion: string;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  /** `defer-upgrade`, `hold-upgrade-sequence`, or why the pool waits. */
  note?: string;
}

export interface MachineCounts {
  desired: number;
  ready: number;
  upToDate: number;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  /** The Kubernetes version of the control plane now. */
  k8sVersion?: string;
  availableUpgrades?: string[];
  phase?: string;
  endpoint?: string;
  controlPlane?: PoolStatus & { mode: 'machines' | 'hosted'; initialized?: boolean };
  machineDeployments?: PoolStatus[];
  machines?: {
    total: number;
    ready: number;
    controlPlane: MachineCounts;
    workers: MachineCounts;
  };
  upgrade?: { from: string; to: string; controlPlaneSteps: string[]; stage: string };
  /** The desired state last applied (the gate's objects), for `plan` and for keeping a cluster as it is when a change is refused. */
  applied?: { template: string; generation: number; objects: PlainObject[] };
}

export interface DeploymentReconcilerOptions {
  store: Store;
  registry: ProviderRegistry;
  clock: Clock;
  gate: GateRunner;
  events: EventRecorder;
  /** Intermediate versions for multi-minor upgrades (default KNOWN_KUBERNETES_VERSIONS). */
  knownVersions: readonly string[];
  /** How often to look at machines that are changing (ms, default 1000). */
  pollMs?: number;
  /** How often to look at a stable cluster (health checks; ms, default 10,000). */
  resyncMs?: number;
  /** The health check for clusters whose template renders none (default: failed machines and a 10m node startup timeout); null: none. */
  defaultHealthCheck?: Omit<HealthCheck, 'name' | 'selector'> | null;
}

const CD_TYPE = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };

function annotationsOf(o: { metadata?: { annotations?: Record<string, string> } }): Record<string, string> {
  return o.metadata?.annotations ?? {};
}

export class DeploymentReconciler implements Reconciler {
  constructor(readonly o: DeploymentReconcilerOptions) {}

  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    let cd: KubeObject;
    try {
      cd = await this.o.store.get({ ...CD_TYPE, namespace, name });
    } catch (e) {
      if (isNotFound(e)) return {};
      throw e;
    }
    this.o.events.defer();
    try {
      if (cd.metadata.deletionTimestamp) return await new Pass(this.o, cd).deleting();
      if (!(cd.metadata.finalizers ?? []).includes(CD_FINALIZER)) {
        cd = await this.o.store.update({
          ...cd,
          metadata: { ...cd.metadata, finalizers: [...(cd.metadata.finalizers ?? []), CD_FINALIZER] },
        });
      }
      return await new Pass(this.o, cd).run();
    } catch (e) {
      if (isConflict(e)) return { requeueAfterMs: 0 };
      throw e;
    } finally {
      // Events recorded after the status was written, or before an error.
      await this.o.events.flush();
    }
  }
}

/** One reconcile of one deployment. */
class Pass {
  private readonly now: number;
  private readonly nowIso: string;
  private readonly status: DeploymentStatus;
  private conditions: Condition[];
  private readonly oldConditions: Condition[];
  private readonly ns: string;
  private retryMs: number | undefined;
  private busy = false;
  private chains: KubeObject[] = [];

  constructor(
    private readonly o: DeploymentReconcilerOptions,
    private cd: KubeObject,
  ) {
    this.now = o.clock.now();
    this.nowIso = isoSeconds(this.now);
    // A JSON copy (the status is JSON as stored): cheaper than structuredClone.
    this.status = JSON.parse(JSON.stringify(cd.status ?? {})) as DeploymentStatus;
    this.oldConditions = this.status.conditions ?? [];
    this.conditions = [...this.oldConditions];
    this.ns = cd.metadata.namespace ?? 'default';
  }

  private get spec(): { template: string; dryRun?: boolean } {
    return (this.cd.spec ?? {}) as { template: string; dryRun?: boolean };
  }

  private cond(type: string, status: Condition['status'], reason: string, message: string): void {
    this.conditions = setCondition(
      this.conditions,
      { type, status, reason, message, observedGeneration: this.cd.metadata.generation },
      this.nowIso,
    );
  }

  private async event(
    reason: string,
    message: string,
    type: 'Normal' | 'Warning' = 'Normal',
    onceWithinMs?: number,
  ): Promise<void> {
    const e = {
      deployment: this.cd.metadata.name,
      namespace: this.ns,
      involved: {
        apiVersion: this.cd.apiVersion,
        kind: this.cd.kind,
        name: this.cd.metadata.name,
        namespace: this.ns,
        uid: this.cd.metadata.uid,
      },
      reason,
      message,
      type,
    };
    if (onceWithinMs === undefined) await this.o.events.record(e);
    else await this.o.events.recordOnce(e, onceWithinMs);
  }

  /**
   * The files of a pool's bootstrap config that come from Secrets/ConfigMaps. While one cannot be
   * read, the pool gets no new machines; a Warning event says why (at most every 5 minutes) and
   * the deployment is tried again in 10 s.
   */
  private async bootstrapFiles(
    unresolved: readonly UnresolvedBootstrapFile[],
    pool: string,
  ): Promise<FileResolution> {
    if (unresolved.length === 0) return { files: [] };
    const r = await resolveBootstrapFiles(this.o.store, this.ns, unresolved);
    if ('missing' in r) {
      await this.event(
        'BootstrapFilesUnavailable',
        `${pool}: no new machines until its bootstrap files can be read: ${r.missing}`,
        'Warning',
        300_000,
      );
      this.retry(10_000);
    }
    return r;
  }

  private retry(ms: number | undefined): void {
    if (ms === undefined) return;
    this.retryMs = this.retryMs === undefined ? ms : Math.min(this.retryMs, ms);
  }

  private async teamLabels(): Promise<Record<string, string> | undefined> {
    try {
      const nsObj = await this.o.store.get({ apiVersion: 'v1', kind: 'Namespace', name: this.ns });
      return nsObj.metadata.labels ?? {};
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Writes status (when changed) and emits events for condition transitions. */
  private async finish(result: ReconcileResult): Promise<ReconcileResult> {
    this.status.conditions = this.conditions;
    this.status.observedGeneration = this.cd.metadata.generation;
    const ready = getCondition(this.conditions, 'Ready');
    if (!this.status.phase || this.status.phase !== 'Deleting') {
      this.status.phase =
        ready?.status === 'True'
          ? 'Ready'
          : getCondition(this.conditions, 'PolicyPassed')?.status === 'False' && !this.status.applied
            ? 'Denied'
            : getCondition(this.conditions, 'UpgradeInProgress')?.status === 'True'
              ? 'Upgrading'
              : ready?.reason === 'Failed' || ready?.reason === 'ProviderError'
                ? 'Failed'
                : 'Provisioning';
    }
    // Ready last: it sums up the others.
    const ordered = [
      ...this.conditions.filter((c) => c.type !== 'Ready'),
      ...this.conditions.filter((c) => c.type === 'Ready'),
    ];
    for (const c of ordered) {
      const old = this.oldConditions.find((x) => x.type === c.type);
      if (old && old.status === c.status && old.reason === c.reason) continue;
      if (!old && c.status !== 'True' && c.type !== 'PolicyPassed') continue;
      const notable = [
        'Ready',
        'InfrastructureReady',
        'ControlPlaneReady',
        'WorkersReady',
        'PolicyPassed',
        'UpgradeInProgress',
        'RemediationAllowed',
        'Deleting',
      ];
      if (!notable.includes(c.type)) continue;
      const warning =
        c.status === 'False' && ['PolicyPassed', 'RemediationAllowed'].includes(c.type)
          ? true
          : c.type === 'UpgradeInProgress' &&
            c.status === 'False' &&
            c.reason !== 'UpgradeCompleted' &&
            c.reason !== 'NoUpgrade';
      if (c.type === 'UpgradeInProgress' && c.status === 'False' && c.reason === 'NoUpgrade') continue;
      const reason =
        c.status === 'True' && c.type !== 'Deleting' && c.type !== 'UpgradeInProgress' ? c.type : c.reason;
      await this.event(reason, c.message, warning ? 'Warning' : 'Normal');
    }
    // The pass's events and its status in one store transaction.
    const changed = !sameJson(this.cd.status ?? {}, this.status);
    const stored = await this.o.events.flush(changed ? { ...this.cd, status: this.status } : undefined);
    if (stored) this.cd = stored;
    return result;
  }

  // -------------------------------------------------------------------------------------------

  async run(): Promise<ReconcileResult> {
    const chains = (await this.o.store.list(CHAIN_TYPE, { namespace: this.ns })).items;
    this.chains = chains;
    const applied = this.status.applied;
    const current = applied?.template ?? this.spec.template;
    this.status.availableUpgrades = availableUpgrades(chains, current);

    const verdict = this.o.gate.run(this.cd, await this.teamLabels());
    this.gateConditions(verdict);

    let objects: PlainObject[] | undefined;
    let refusal: { reason: string; message: string } | undefined;
    if (!verdict.allowed) {
      objects = applied?.objects;
    } else if (
      applied &&
      applied.template !== this.spec.template &&
      !this.status.availableUpgrades.includes(this.spec.template)
    ) {
      refusal = {
        reason: 'UpgradeNotAllowed',
        message: `cluster can't be upgraded from ${applied.template} to ${this.spec.template}: no ClusterTemplateChain in ${this.ns} allows it${this.status.availableUpgrades.length ? ` (available upgrades: ${this.status.availableUpgrades.join(', ')})` : ''}`,
      };
      objects = applied.objects;
    } else {
      refusal = await this.checkVersions(verdict.objects, chains);
      if (refusal) objects = applied?.objects;
      else {
        objects = verdict.objects;
        if (
          !applied ||
          applied.template !== this.spec.template ||
          applied.generation !== this.cd.metadata.generation ||
          JSON.stringify(applied.objects) !== JSON.stringify(objects)
        ) {
          this.status.applied = {
            template: this.spec.template,
            generation: this.cd.metadata.generation,
            objects,
          };
          // Stored before any provider call: a reconciler killed after ensureCluster must leave
          // a deployment whose deletion still finds (and deletes) its infrastructure.
          this.cd = await this.o.store.updateStatus({
            ...this.cd,
            status: { ...(this.cd.status ?? {}), applied: this.status.applied },
          });
          if (applied)
            await this.event(
              'Applied',
              `applied generation ${this.cd.metadata.generation} (template ${this.spec.template})`,
            );
        }
      }
    }
    if (!objects) {
      const denied = getCondition(this.conditions, 'PolicyPassed')?.status === 'False';
      const failed = this.conditions.find((c) => c.status === 'False');
      this.cond(
        'Ready',
        'False',
        denied ? 'PolicyDenied' : (failed?.reason ?? 'Refused'),
        denied
          ? 'the gate denied the deployment: nothing is created'
          : (failed?.message ?? refusal?.message ?? 'not applied'),
      );
      return this.finish({});
    }
    if (this.spec.dryRun) {
      this.cond(
        'Ready',
        'False',
        'DryRun',
        'spec.dryRun is set: validated only; remove spec.dryRun to provision',
      );
      return this.finish({});
    }
    let desired: DesiredCluster;
    try {
      desired = desiredCluster(objects);
    } catch (e) {
      if (!(e instanceof DesiredStateError)) throw e;
      this.cond('Ready', 'False', e.reason, e.message);
      return this.finish({});
    }
    try {
      await this.cluster(desired, refusal);
    } catch (e) {
      if (isTerminalProviderError(e)) {
        this.cond('Ready', 'False', 'ProviderError', `${e.reason}: ${e.message}`);
        return this.finish({});
      }
      if (isTransientProviderError(e)) {
        this.retry(e.retryAfterMs);
        this.busy = true;
      } else throw e;
    }
    const poll = this.o.pollMs ?? 1000;
    return this.finish({
      requeueAfterMs: this.busy
        ? Math.max(1, Math.min(this.retryMs ?? poll, poll * 30))
        : (this.o.resyncMs ?? 10_000),
    });
  }

  private gateConditions(v: Verdict): void {
    const errors = v.violations.filter((x) => x.severity === 'error');
    const resolve = errors.filter((x) => x.stage === 'resolve');
    const values = errors.filter((x) => x.stage === 'values' || x.stage === 'render' || x.stage === 'object');
    const policy = errors.filter((x) => x.stage === 'policy');
    const summary = (xs: typeof errors) =>
      xs
        .slice(0, 3)
        .map((x) => (x.policy ? `${x.policy}/${x.rule}: ${x.message}` : x.message))
        .join('; ') + (xs.length > 3 ? `; and ${xs.length - 3} more` : '');
    if (resolve.length) this.cond('TemplateReady', 'False', 'TemplateNotFound', summary(resolve));
    else this.cond('TemplateReady', 'True', 'Resolved', `template ${this.spec.template} found`);
    if (resolve.length) this.cond('ValuesValid', 'Unknown', 'TemplateNotFound', 'the template was not found');
    else if (values.length) this.cond('ValuesValid', 'False', 'ValuesInvalid', summary(values));
    else this.cond('ValuesValid', 'True', 'Valid', `values valid, ${v.objects.length} objects rendered`);
    if (resolve.length || values.length)
      this.cond(
        'PolicyPassed',
        policy.length ? 'False' : 'Unknown',
        policy.length ? 'PolicyDenied' : 'NotEvaluated',
        policy.length ? summary(policy) : 'policies need rendered objects',
      );
    else if (policy.length) this.cond('PolicyPassed', 'False', 'PolicyDenied', summary(policy));
    else this.cond('PolicyPassed', 'True', 'Passed', `${Object.keys(v.rules).length} policy rules passed`);
  }

  /** Refuses a downgrade or an unplannable skipped minor of the control plane or a MachineDeployment. */
  private async checkVersions(
    objects: PlainObject[],
    chains: KubeObject[],
  ): Promise<{ reason: string; message: string } | undefined> {
    let desired: DesiredCluster;
    try {
      desired = desiredCluster(objects);
    } catch {
      return undefined; // reported when reconciling
    }
    const target = versionOfControlPlane(desired.controlPlane);
    const current = this.status.controlPlane?.version;
    if (target && current) {
      const plan = planControlPlaneUpgrade(current, target, this.knownVersions(chains));
      if (!plan.ok) return { reason: plan.reason, message: plan.message };
    }
    for (const md of desired.machineDeployments) {
      const cur = this.status.machineDeployments?.find((p) => p.name === md.name)?.version;
      if (cur && compareKubernetes(kubernetesVersion(md.version), cur) < 0)
        return {
          reason: 'DowngradeRefused',
          message: `MachineDeployment ${md.name}: version cannot be decreased from ${cur} to ${kubernetesVersion(md.version)}`,
        };
    }
    return undefined;
  }

  /** The documented versions plus the versions of the templates the namespace's chains name. */
  private knownVersions(chains: KubeObject[]): string[] {
    const out = [...this.o.knownVersions];
    for (const c of chains)
      for (const t of supportedTemplates(c)) {
        const v = this.o.gate.templateVersion(t.name);
        if (v) out.push(kubernetesVersion(v));
      }
    return out;
  }

  // -------------------------------------------------------------------------------------------

  private async cluster(
    d: DesiredCluster,
    refusal: { reason: string; message: string } | undefined,
  ): Promise<void> {
    const { registry } = this.o;
    const clusterId = `${this.ns}/${d.clusterName}`;
    const infra = registry.infrastructureFor(d.infrastructure as ProviderObject);
    const infraStatus: InfraClusterStatus = await infra.ensureCluster({
      clusterId,
      infrastructure: d.infrastructure as ProviderObject,
    });
    if (!infraStatus.ready) {
      this.cond(
        'InfrastructureReady',
        'False',
        'Provisioning',
        infraStatus.message ?? `infrastructure ${d.infrastructure.kind} ${d.clusterName} is provisioning`,
      );
      this.cond('Ready', 'False', 'Provisioning', 'waiting for the infrastructure');
      this.busy = true;
      return;
    }
    this.cond(
      'InfrastructureReady',
      'True',
      'Provisioned',
      `${d.infrastructure.kind} ${d.clusterName} provisioned (${infraStatus.failureDomains.length} failure domains)`,
    );
    const cp = registry.controlPlaneFor(d.controlPlane as ProviderObject);
    const ctx: MachineContext = {
      store: this.o.store,
      clock: this.o.clock,
      events: this.o.events,
      infra,
      deployment: this.cd,
      clusterId,
      clusterName: d.clusterName,
      ...(infraStatus.controlPlaneEndpoint ? { endpoint: infraStatus.controlPlaneEndpoint } : {}),
      joinToken: joinToken(this.cd.metadata.uid),
    };

    // Machines: sync every stored machine with the provider.
    let machines = await listMachines(this.o.store, this.ns, this.cd.metadata.name);
    const recipes = new Map<string, () => BootRecipe | undefined>();
    const cpTarget = kubernetesVersion(cp.spec.version);
    const cpMachinesAll = machines.filter((m) => m.spec.role === 'control-plane');
    let cpVersion =
      rolledTo(this.status.controlPlane?.version, cpMachinesAll, cpTarget) ??
      maxVersion(cpMachinesAll.map((m) => m.spec.version)) ??
      cpTarget;

    // Hosted control plane: its endpoint is where workers join.
    let hosted: HostedControlPlaneStatus | undefined;
    if (cp.mode === 'hosted') {
      hosted = await this.hostedControlPlane(cp, clusterId, d, cpVersion, cpTarget);
      if (hosted?.endpoint) ctx.endpoint = hosted.endpoint;
      cpVersion = this.status.controlPlane?.version ?? cpVersion;
    }
    // Files from Secrets/ConfigMaps, read once per pass; a pool whose files cannot be read has no recipe.
    const cpFiles =
      cp.mode === 'machines'
        ? await this.bootstrapFiles(cp.spec.unresolvedFiles, `control plane ${d.controlPlane.metadata.name}`)
        : { files: [] };
    const withFiles = (options: BootstrapOptions, r: FileResolution): BootstrapOptions | undefined => {
      if ('missing' in r) return undefined;
      return r.files.length ? { ...options, files: [...(options.files ?? []), ...r.files] } : options;
    };
    const cpRecipe = (): BootRecipe | undefined => {
      if (cp.mode !== 'machines') return undefined;
      const options = withFiles(cp.spec.bootstrapOptions, cpFiles);
      if (!options) return undefined;
      return {
        bootstrap: cp.bootstrap,
        options,
        template: this.findTemplate(d, cp.spec.machineTemplate.kind, cp.spec.machineTemplate.name),
      };
    };
    // Each MachineDeployment's recipe, once per pass (its bootstrap options and files read once).
    const mdRecipes = new Map<string, BootRecipe | undefined>();
    for (const md of d.machineDeployments) {
      const b = registry.bootstrapFor(md.bootstrapTemplate as ProviderObject);
      const files = await this.bootstrapFiles(b.unresolvedFiles, `MachineDeployment ${md.name}`);
      const options = withFiles(b.options, files);
      mdRecipes.set(
        md.name,
        options && { bootstrap: b.provider, options, template: md.infrastructureTemplate as ProviderObject },
      );
    }
    const mdRecipe = (md: DesiredMachineDeployment): BootRecipe | undefined => mdRecipes.get(md.name);
    const recipeFor = (m: Machine) => {
      if (m.spec.role === 'control-plane') return cpRecipe;
      const md = d.machineDeployments.find((x) => x.name === m.spec.pool);
      return md ? () => mdRecipe(md) : () => undefined;
    };
    const kept: Machine[] = [];
    for (const m of machines) {
      recipes.set(m.metadata.name, recipeFor(m));
      if (await syncMachine(ctx, m, recipeFor(m))) kept.push(m);
    }
    machines = kept;
    this.retry(ctx.retryAfterMs);

    // Machines of MachineDeployments that are no longer rendered go.
    for (const m of machines)
      if (
        m.spec.role === 'worker' &&
        !isDeleting(m) &&
        !d.machineDeployments.some((md) => md.name === m.spec.pool)
      )
        await deleteMachine(ctx, m, `MachineDeployment ${m.spec.pool} is no longer in the desired state`);

    // Health checks and remediation.
    const unhealthy = await this.healthChecks(ctx, d, machines);

    // Control plane.
    const cpMachines = machines.filter((m) => m.spec.role === 'control-plane');
    const workerPools = d.machineDeployments;
    const workerVersionOf = (md: DesiredMachineDeployment) =>
      rolledTo(
        this.status.machineDeployments?.find((p) => p.name === md.name)?.version,
        machines.filter((m) => m.spec.role === 'worker' && m.spec.pool === md.name),
        kubernetesVersion(md.version),
      );
    const mdUpgrading = (md: DesiredMachineDeployment, version: string | undefined) =>
      version !== undefined &&
      machines.some(
        (m) => m.spec.pool === md.name && !isDeleting(m) && kubernetesVersion(m.spec.version) !== version,
      );
    const workersUpgrading = workerPools.some((md) => mdUpgrading(md, workerVersionOf(md)));
    // The chains this pass read at its start (a change to one requeues the deployment).
    const known = this.knownVersions(this.chains);
    const cpPlan = planControlPlaneUpgrade(cpVersion, cpTarget, known);
    const cpSteps = cpPlan.ok ? cpPlan.steps : [];
    let cpStable: boolean;
    let cpInitialized = this.status.controlPlane?.initialized === true;
    let cpReady: number;
    let cpUpdated: number;
    let cpReplicas: number;
    if (cp.mode === 'machines') {
      const template = this.findTemplate(d, cp.spec.machineTemplate.kind, cp.spec.machineTemplate.name);
      const hashFor = (v: string) =>
        hashOf([v, template.spec, { ...cp.spec.bootstrapOptions, distributionVersion: undefined }]);
      cpStable =
        cpMachines.length === cp.spec.replicas &&
        cpMachines.every((m) => !isDeleting(m) && isReady(m) && m.spec.templateHash === hashFor(cpVersion));
      // Next step of an upgrade: the control plane is stable and no workers are rolling.
      if (cpVersion !== cpTarget && cpStable && !workersUpgrading && cpSteps.length > 0) {
        const from = cpVersion;
        cpVersion = cpSteps[0];
        cpStable = false;
        await this.event(
          'ControlPlaneUpgrade',
          `upgrading the control plane from ${from} to ${cpVersion} (step ${stepNumber(cpSteps, cpVersion, this.status.upgrade)})`,
        );
      }
      const hash = hashFor(cpVersion);
      const plan = planPool({
        replicas: cp.spec.replicas,
        machines: cpMachines,
        templateHash: hash,
        unhealthy,
        maxSurge: 1,
        maxUnavailable: 0,
        oneAtATime: true,
      });
      const recipe = cpRecipe();
      for (let i = 0; recipe && i < plan.create; i++) {
        const live = cpMachines.filter((m) => !isDeleting(m));
        const m = await createMachine(
          ctx,
          {
            role: 'control-plane',
            pool: d.controlPlane.metadata.name,
            version: cpVersion,
            bootstrapRole: live.length === 0 && !cpInitialized ? 'control-plane-init' : 'control-plane-join',
            templateHash: hash,
            infrastructureTemplate: `${template.kind}/${template.metadata.name}`,
            ...pickFailureDomain(infraStatus, cpMachines, unhealthy),
          },
          {},
          recipe,
          cpMachines.map((x) => x.metadata.name),
        );
        cpMachines.push(m);
        machines.push(m);
      }
      for (const m of recipe ? plan.delete : [])
        await deleteMachine(
          ctx,
          m,
          m.spec.templateHash !== hash
            ? `replaced by a machine at ${cpVersion}`
            : `scaling the control plane down to ${cp.spec.replicas}`,
        );
      const live = cpMachines.filter((m) => !isDeleting(m));
      cpReady = live.filter(isReady).length;
      cpUpdated = live.filter((m) => m.spec.templateHash === hash).length;
      cpReplicas = cp.spec.replicas;
      if (cpReady > 0) cpInitialized = true;
      cpStable =
        live.length === cp.spec.replicas &&
        cpMachines.every((m) => !isDeleting(m) && isReady(m) && m.spec.templateHash === hash);
      if (plan.create || plan.delete.length || !cpStable) this.busy = true;
    } else {
      const h = hosted;
      cpReplicas = cp.spec.replicas;
      cpReady = h?.ready ? h.readyReplicas : 0;
      cpUpdated = h?.version && kubernetesVersion(h.version) === cpVersion ? cpReady : 0;
      cpStable = Boolean(
        h?.ready && h.phase === 'Ready' && h.version && kubernetesVersion(h.version) === cpVersion,
      );
      if (h?.ready) cpInitialized = true;
      cpVersion = this.status.controlPlane?.version ?? cpVersion;
      if (!cpStable) this.busy = true;
    }
    this.status.controlPlane = {
      mode: cp.mode,
      name: d.controlPlane.metadata.name,
      version: cpVersion,
      targetVersion: cpTarget,
      replicas: cpReplicas,
      readyReplicas: cpReady,
      updatedReplicas: cpUpdated,
      initialized: cpInitialized,
    };
    this.status.k8sVersion =
      cp.mode === 'hosted'
        ? hosted?.version
          ? kubernetesVersion(hosted.version)
          : undefined
        : minVersion(cpMachines.filter((m) => !isDeleting(m) && isReady(m)).map((m) => m.spec.version));
    if (!this.status.k8sVersion) delete this.status.k8sVersion;
    if (ctx.endpoint) this.status.endpoint = `https://${ctx.endpoint.host}:${ctx.endpoint.port}`;
    const cpAvailable = cpReady >= cpReplicas;
    this.cond(
      'ControlPlaneReady',
      cpAvailable ? 'True' : 'False',
      cpAvailable ? 'Ready' : cpInitialized ? 'ScalingUp' : 'Provisioning',
      `${cpReady}/${cpReplicas} control-plane ${cp.mode === 'hosted' ? 'replicas (hosted)' : 'machines'} ready at ${cpVersion}`,
    );

    // Workers.
    const cpAtTarget = cpStable && cpVersion === cpTarget;
    const concurrency = upgradeConcurrency(this.cd, d);
    let upgrading = workerPools.filter((md) => mdUpgrading(md, workerVersionOf(md))).length;
    let held = false;
    const pools: PoolStatus[] = [];
    let workersReady = true;
    let upgradePending = cpVersion !== cpTarget;
    const notes: string[] = [];
    for (const md of workerPools) {
      const ann = md.annotations;
      if (ANNOTATION_HOLD_UPGRADE_SEQUENCE in ann) held = true;
      const deferred = ANNOTATION_DEFER_UPGRADE in ann;
      const target = kubernetesVersion(md.version);
      const poolMachines = machines.filter((m) => m.spec.role === 'worker' && m.spec.pool === md.name);
      let version = workerVersionOf(md) ?? maxVersion(poolMachines.map((m) => m.spec.version));
      let note: string | undefined;
      if (version === undefined) {
        if (!cpInitialized) {
          pools.push({
            name: md.name,
            version: target,
            targetVersion: target,
            replicas: md.replicas,
            readyReplicas: 0,
            updatedReplicas: 0,
            note: 'waiting for the control plane',
          });
          workersReady = md.replicas === 0 && workersReady;
          continue;
        }
        version = target;
      } else if (version !== target && compareKubernetes(target, version) > 0) {
        if (deferred) note = `${ANNOTATION_DEFER_UPGRADE}: stays at ${version}`;
        else if (held) note = `${ANNOTATION_HOLD_UPGRADE_SEQUENCE}: stays at ${version}`;
        else if (!cpAtTarget) {
          note = `waits for the control plane to reach ${cpTarget}`;
          upgradePending = true;
        } else if (!mdUpgrading(md, version) && upgrading >= concurrency) {
          note = `waits: ${upgrading} MachineDeployment(s) upgrading (${ANNOTATION_UPGRADE_CONCURRENCY} ${concurrency})`;
          upgradePending = true;
        } else if (!mdUpgrading(md, version)) {
          const from = version;
          version = nextWorkerVersion(version, target, cpSteps.length ? cpSteps : [cpTarget]);
          upgrading++;
          await this.event(
            'MachineDeploymentUpgrade',
            `upgrading MachineDeployment ${md.name} from ${from} to ${version}`,
          );
        }
        if (note) notes.push(`${md.name} ${note}`);
        if (!deferred && !held) upgradePending = true;
      }
      const recipe = mdRecipe(md);
      const hash = hashOf([
        version,
        md.infrastructureTemplate.spec,
        stripVersion(md.bootstrapTemplate.spec),
        md.failureDomain ?? '',
      ]);
      const live = poolMachines.filter((m) => !isDeleting(m));
      if (version !== target && !deferred && !held) upgradePending = true;
      if (cpInitialized && ctx.endpoint) {
        const plan = planPool({
          replicas: md.replicas,
          machines: poolMachines,
          templateHash: hash,
          unhealthy,
          maxSurge: md.maxSurge,
          maxUnavailable: md.maxUnavailable,
          oneAtATime: false,
        });
        // without a recipe (bootstrap files not readable yet) the pool neither grows nor is replaced
        for (let i = 0; recipe && i < plan.create; i++) {
          const m = await createMachine(
            ctx,
            {
              role: 'worker',
              pool: md.name,
              version,
              bootstrapRole: 'worker',
              templateHash: hash,
              infrastructureTemplate: `${md.infrastructureTemplate.kind}/${md.infrastructureTemplate.metadata.name}`,
              ...(md.failureDomain ? { failureDomain: md.failureDomain } : {}),
            },
            md.machineLabels,
            recipe,
            poolMachines.map((x) => x.metadata.name),
          );
          poolMachines.push(m);
          live.push(m);
          machines.push(m);
        }
        for (const m of recipe ? plan.delete : [])
          await deleteMachine(
            ctx,
            m,
            m.spec.templateHash !== hash
              ? `replaced by a machine at ${version}`
              : `scaling ${md.name} down to ${md.replicas}`,
          );
        if (plan.create || plan.delete.length) this.busy = true;
      }
      const alive = poolMachines.filter((m) => !isDeleting(m));
      const ready = alive.filter(isReady).length;
      const updated = alive.filter((m) => m.spec.templateHash === hash).length;
      const poolDone =
        alive.length === md.replicas &&
        updated === md.replicas &&
        ready === md.replicas &&
        poolMachines.every((m) => !isDeleting(m));
      if (!poolDone) {
        this.busy = true;
        // Available enough counts as ready for a pool whose upgrade waits (deferred, held).
        if (!(ready >= md.replicas && (deferred || held))) workersReady = false;
      }
      pools.push({
        name: md.name,
        version,
        targetVersion: target,
        replicas: md.replicas,
        readyReplicas: ready,
        updatedReplicas: updated,
        ...(note ? { note } : {}),
      });
    }
    this.status.machineDeployments = pools;
    const allLive = machines.filter((m) => !isDeleting(m));
    // Shaped as the CRD's status.machines (its printer columns read controlPlane.ready, workers.ready).
    const cpPool = this.status.controlPlane;
    const sum = (f: (p: PoolStatus) => number) => pools.reduce((n, p) => n + f(p), 0);
    this.status.machines = {
      total: allLive.length,
      ready: allLive.filter(isReady).length,
      controlPlane: {
        desired: cpPool?.replicas ?? 0,
        ready: cpPool?.readyReplicas ?? 0,
        upToDate: cpPool?.updatedReplicas ?? 0,
      },
      workers: {
        desired: sum((p) => p.replicas),
        ready: sum((p) => p.readyReplicas),
        upToDate: sum((p) => p.updatedReplicas),
      },
    };
    const wantWorkers = workerPools.reduce((n, md) => n + md.replicas, 0);
    const readyWorkers = pools.reduce((n, p) => n + p.readyReplicas, 0);
    this.cond(
      'WorkersReady',
      workersReady ? 'True' : 'False',
      workersReady ? 'Ready' : cpInitialized ? 'RollingOut' : 'WaitingForControlPlane',
      `${readyWorkers}/${wantWorkers} worker machines ready in ${workerPools.length} MachineDeployment(s)`,
    );

    // Upgrade progress.
    const mdLag = pools.filter((p) => p.version !== p.targetVersion).map((p) => p.name);
    if (refusal) {
      this.cond('UpgradeInProgress', 'False', refusal.reason, refusal.message);
    } else if (
      upgradePending ||
      cpVersion !== cpTarget ||
      pools.some((p) => p.version !== p.targetVersion && !p.note?.startsWith('topology.'))
    ) {
      const stage = cpVersion !== cpTarget || !cpStable ? 'ControlPlane' : 'Workers';
      const remaining = cpSteps;
      this.status.upgrade = {
        from: this.status.upgrade?.from ?? this.status.k8sVersion ?? cpVersion,
        to: cpTarget,
        controlPlaneSteps: remaining.length ? remaining : (this.status.upgrade?.controlPlaneSteps ?? []),
        stage,
      };
      this.cond(
        'UpgradeInProgress',
        'True',
        stage === 'ControlPlane' ? 'UpgradingControlPlane' : 'UpgradingWorkers',
        stage === 'ControlPlane'
          ? `control plane at ${cpVersion}, target ${cpTarget}${remaining.length ? ` (steps: ${remaining.join(' -> ')})` : ''}; workers after`
          : `control plane at ${cpTarget}; workers: ${mdLag.join(', ') || 'rolling'}${notes.length ? `; ${notes.join('; ')}` : ''}`,
      );
    } else {
      const was = getCondition(this.conditions, 'UpgradeInProgress');
      const deferredNotes = pools.filter((p) => p.note && p.version !== p.targetVersion);
      if (deferredNotes.length) {
        this.cond(
          'UpgradeInProgress',
          'True',
          'UpgradeDeferred',
          deferredNotes.map((p) => `${p.name}: ${p.note}`).join('; '),
        );
      } else if (
        was?.status === 'True' &&
        (was.reason === 'UpgradingControlPlane' ||
          was.reason === 'UpgradingWorkers' ||
          was.reason === 'UpgradeDeferred')
      ) {
        if (cpStable && workersReady) {
          this.cond('UpgradeInProgress', 'False', 'UpgradeCompleted', `upgrade to ${cpTarget} completed`);
          delete this.status.upgrade;
        }
      } else if (was?.status !== 'False' || !['UpgradeCompleted'].includes(was.reason)) {
        this.cond('UpgradeInProgress', 'False', 'NoUpgrade', `at ${cpTarget}`);
      }
    }

    // Ready.
    const upg = getCondition(this.conditions, 'UpgradeInProgress');
    const rolling = upg?.status === 'True' && upg.reason !== 'UpgradeDeferred';
    if (refusal) this.cond('Ready', 'False', refusal.reason, refusal.message);
    else if (cpAvailable && cpStable && workersReady && !rolling)
      this.cond(
        'Ready',
        'True',
        'Ready',
        `cluster ${d.clusterName} is ready: ${cpReady} control-plane ${cp.mode === 'hosted' ? 'replicas' : 'machines'} and ${readyWorkers} workers at ${cpTarget}`,
      );
    else {
      const failed = machines.find((m) => m.status?.providerError);
      this.cond(
        'Ready',
        'False',
        failed ? 'ProviderError' : rolling ? 'Upgrading' : !cpInitialized ? 'Provisioning' : 'ScalingUp',
        failed
          ? `machine ${failed.metadata.name}: ${failed.status?.failureReason}: ${failed.status?.failureMessage}`
          : `${this.status.machines.ready}/${cpReplicas + wantWorkers} machines ready`,
      );
    }
  }

  private findTemplate(d: DesiredCluster, kind: string, name: string | undefined): ProviderObject {
    void d;
    const objs = (this.status.applied?.objects ?? []) as unknown as ProviderObject[];
    const hit = objs.find((o) => o.kind === kind && o.metadata?.name === name);
    if (!hit)
      throw new DesiredStateError(
        'MissingObject',
        `machine template ${kind} ${JSON.stringify(name)} is not among the rendered objects`,
      );
    return hit;
  }

  private async hostedControlPlane(
    cp: Extract<ControlPlaneBinding, { mode: 'hosted' }>,
    clusterId: string,
    d: DesiredCluster,
    current: string,
    target: string,
  ): Promise<HostedControlPlaneStatus | undefined> {
    const running = await cp.provider.getControlPlane(clusterId);
    let version = current;
    const stable =
      running?.ready &&
      running.phase === 'Ready' &&
      running.version &&
      kubernetesVersion(running.version) === version;
    if (stable && version !== target) {
      const plan = planControlPlaneUpgrade(version, target, this.o.knownVersions);
      if (plan.ok && plan.steps.length) {
        const from = version;
        version = plan.steps[0];
        await this.event(
          'ControlPlaneUpgrade',
          `upgrading the hosted control plane from ${from} to ${version}`,
        );
      }
    }
    const obj = structuredClone(d.controlPlane) as ProviderObject;
    const raw = String((obj.spec as { version?: string }).version ?? '');
    const suffix = /-k0s\.\d+$/.exec(raw)?.[0] ?? /\+k0s\.\d+$/.exec(raw)?.[0] ?? '';
    (obj.spec as { version: string }).version =
      kubernetesVersion(raw) === version ? raw : `${version}${suffix.replace(/\d+$/, '0')}`;
    this.status.controlPlane = {
      ...(this.status.controlPlane ?? {
        mode: 'hosted',
        name: d.controlPlane.metadata.name,
        targetVersion: target,
        replicas: 0,
        readyReplicas: 0,
        updatedReplicas: 0,
      }),
      mode: 'hosted',
      version,
    };
    try {
      return await cp.provider.ensureControlPlane({ clusterId, controlPlane: obj });
    } catch (e) {
      if (isTransientProviderError(e)) {
        this.retry(e.retryAfterMs);
        this.busy = true;
        return running;
      }
      throw e;
    }
  }

  /**
   * Applies the health checks; remediates (deletes) unhealthy machines when allowed. Returns
   * the unhealthy machines' names (scale-down takes them first).
   */
  private async healthChecks(
    ctx: MachineContext,
    d: DesiredCluster,
    machines: Machine[],
  ): Promise<Set<string>> {
    const checks: HealthCheck[] = d.healthChecks.length
      ? d.healthChecks
      : this.o.defaultHealthCheck === null
        ? []
        : [
            {
              name: 'default',
              selector: { 'cluster.x-k8s.io/cluster-name': d.clusterName },
              nodeStartupTimeoutMs: 10 * 60_000,
              unhealthyConditions: [],
              ...(this.o.defaultHealthCheck ?? {}),
            },
          ];
    const unhealthy = new Set<string>();
    const blocked: string[] = [];
    for (const hc of checks) {
      const ev = evaluateHealth(
        hc,
        machines.filter((m) => !m.status?.providerError),
        this.now,
      );
      for (const u of ev.unhealthy) unhealthy.add(u.machine.metadata.name);
      if (!ev.remediationAllowed) {
        blocked.push(`${hc.name}: ${ev.message}`);
        continue;
      }
      // Control-plane machines: one at a time, only while quorum holds (as KCP remediation).
      const cpLive = machines.filter((m) => m.spec.role === 'control-plane' && !isDeleting(m));
      const cpDeleting = machines.some((m) => m.spec.role === 'control-plane' && isDeleting(m));
      let cpBudget = cpDeleting ? 0 : 1;
      for (const { machine: m, finding } of ev.unhealthy) {
        if (isDeleting(m) || skipsRemediation(m)) continue;
        if (m.spec.role === 'control-plane') {
          const healthy = cpLive.filter((x) => !unhealthy.has(x.metadata.name)).length;
          const initialized = this.status.controlPlane?.initialized === true;
          if (
            cpBudget === 0 ||
            (initialized && (cpLive.length < 2 || healthy < Math.floor(cpLive.length / 2) + 1))
          )
            continue;
          cpBudget--;
        }
        await this.event(
          'MachineRemediation',
          `remediating ${m.metadata.name} (${hc.name}): ${finding.reason}: ${finding.message}`,
          'Warning',
        );
        await deleteMachine(ctx, m, `unhealthy: ${finding.reason}`);
        this.busy = true;
      }
    }
    if (blocked.length) this.cond('RemediationAllowed', 'False', 'TooManyUnhealthy', blocked.join('; '));
    else
      this.cond(
        'RemediationAllowed',
        'True',
        'Allowed',
        unhealthy.size ? `${unhealthy.size} machine(s) unhealthy, remediating` : 'all machines healthy',
      );
    if (unhealthy.size) this.busy = true;
    return unhealthy;
  }

  // -------------------------------------------------------------------------------------------

  /** Deletion: workers, then the control plane, then the infrastructure, then the finalizer. */
  async deleting(): Promise<ReconcileResult> {
    const poll = this.o.pollMs ?? 1000;
    this.status.phase = 'Deleting';
    if (!(this.cd.metadata.finalizers ?? []).includes(CD_FINALIZER)) return {};
    const applied = this.status.applied;
    let d: DesiredCluster | undefined;
    try {
      d = applied ? desiredCluster(applied.objects) : undefined;
    } catch {
      d = undefined;
    }
    let machines = await listMachines(this.o.store, this.ns, this.cd.metadata.name);
    let infra: InfrastructureProvider | undefined;
    let clusterId = '';
    if (d) {
      clusterId = `${this.ns}/${d.clusterName}`;
      try {
        infra = this.o.registry.infrastructureFor(d.infrastructure as ProviderObject);
      } catch (e) {
        if (!isTerminalProviderError(e)) throw e;
      }
    }
    this.cond('Ready', 'False', 'Deleting', 'the deployment is being deleted');
    if (infra) {
      const ctx: MachineContext = {
        store: this.o.store,
        clock: this.o.clock,
        events: this.o.events,
        infra,
        deployment: this.cd,
        clusterId,
        clusterName: d!.clusterName,
        joinToken: '',
      };
      try {
        const kept: Machine[] = [];
        for (const m of machines)
          if (!isDeleting(m) || (await syncMachine(ctx, m, () => undefined))) kept.push(m);
        machines = kept;
        const workers = machines.filter((m) => m.spec.role === 'worker');
        if (workers.length) {
          this.cond('Deleting', 'True', 'DeletingWorkers', `deleting ${workers.length} worker machine(s)`);
          for (const m of workers) await deleteMachine(ctx, m, 'the deployment is being deleted');
          await this.finish({});
          return { requeueAfterMs: poll };
        }
        const cps = machines.filter((m) => m.spec.role === 'control-plane');
        if (cps.length) {
          this.cond(
            'Deleting',
            'True',
            'DeletingControlPlane',
            `deleting ${cps.length} control-plane machine(s)`,
          );
          for (const m of cps) await deleteMachine(ctx, m, 'the deployment is being deleted');
          await this.finish({});
          return { requeueAfterMs: poll };
        }
        const cp = (() => {
          try {
            return this.o.registry.controlPlaneFor(d!.controlPlane as ProviderObject);
          } catch {
            return undefined;
          }
        })();
        if (cp?.mode === 'hosted') {
          const st = await cp.provider.deleteControlPlane(clusterId);
          if (st.phase !== 'Deleted') {
            this.cond('Deleting', 'True', 'DeletingControlPlane', 'deleting the hosted control plane');
            await this.finish({});
            return { requeueAfterMs: poll };
          }
        }
        const st = await infra.deleteCluster(clusterId);
        if (st.phase !== 'Deleted') {
          this.cond(
            'Deleting',
            'True',
            'DeletingInfrastructure',
            st.message ?? `deleting ${d!.infrastructure.kind} ${d!.clusterName}`,
          );
          await this.finish({});
          return { requeueAfterMs: poll };
        }
      } catch (e) {
        if (isTransientProviderError(e)) {
          await this.finish({});
          return { requeueAfterMs: Math.max(poll, e.retryAfterMs) };
        }
        throw e;
      }
    } else if (machines.length) {
      // No provider for these machines: nothing to delete at a provider; drop the records.
      for (const m of machines) {
        const finalizers = (m.metadata.finalizers ?? []).filter((f) => f !== 'clustermint.io/machine');
        await this.o.store.update({ ...m, metadata: { ...m.metadata, finalizers } });
        if (!isDeleting(m))
          await this.o.store.delete({ ...MACHINE_TYPE, namespace: this.ns, name: m.metadata.name });
      }
    }
    await this.event(
      'Deleted',
      `deployment ${this.cd.metadata.name} deleted: workers, control plane and infrastructure are gone`,
    );
    const finalizers = (this.cd.metadata.finalizers ?? []).filter((f) => f !== CD_FINALIZER);
    try {
      await this.o.store.update({ ...this.cd, metadata: { ...this.cd.metadata, finalizers } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    return {};
  }
}

function versionOfControlPlane(cp: { spec?: unknown }): string | undefined {
  const v = (cp.spec as { version?: unknown } | undefined)?.version;
  return typeof v === 'string' ? kubernetesVersion(v) : undefined;
}

function stripVersion(spec: unknown): unknown {
  const s = structuredClone(spec) as { template?: { spec?: { version?: unknown } } } | undefined;
  if (s?.template?.spec) delete s.template.spec.version;
  return s;
}

/**
 * The version a pool is rolling to: the stored status's, or newer when live machines of a
 * later step exist (a reconciler killed after creating them, before storing its status), so
 * that a restart continues the step instead of replacing the new machines with old ones.
 */
function rolledTo(stored: string | undefined, machines: Machine[], target: string): string | undefined {
  if (stored === undefined) return undefined;
  const newer = machines
    .filter((m) => !isDeleting(m))
    .map((m) => kubernetesVersion(m.spec.version))
    .filter((v) => compareKubernetes(v, stored) > 0 && compareKubernetes(v, target) <= 0);
  return maxVersion([stored, ...newer]);
}

function maxVersion(vs: string[]): string | undefined {
  return vs.length ? vs.map(kubernetesVersion).sort(compareKubernetes).at(-1) : undefined;
}

function minVersion(vs: string[]): string | undefined {
  return vs.length ? vs.map(kubernetesVersion).sort(compareKubernetes)[0] : undefined;
}

function joinToken(uid: string): string {
  const h = createHash('sha256').update(`join:${uid}`).digest('hex');
  return `${h.slice(0, 6)}.${h.slice(6, 22)}`;
}

function stepNumber(steps: string[], v: string, upgrade: DeploymentStatus['upgrade']): string {
  const all = upgrade?.controlPlaneSteps?.length ? upgrade.controlPlaneSteps : steps;
  const i = all.indexOf(v);
  return i < 0 ? `1 of ${steps.length}` : `${i + 1} of ${all.length}`;
}

function upgradeConcurrency(cd: KubeObject, d: DesiredCluster): number {
  const raw =
    annotationsOf(cd)[ANNOTATION_UPGRADE_CONCURRENCY] ??
    annotationsOf(d.cluster)[ANNOTATION_UPGRADE_CONCURRENCY];
  const n = raw === undefined ? 1 : Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** The control-plane failure domain with the fewest machines, avoiding zones with unhealthy machines. */
function pickFailureDomain(
  infra: InfraClusterStatus,
  cpMachines: Machine[],
  unhealthy: ReadonlySet<string>,
): { failureDomain?: string } {
  const fds = infra.failureDomains.filter((f) => f.controlPlane).map((f) => f.name);
  if (fds.length === 0) return {};
  const zoneOf = (m: Machine) => m.status?.failureDomain ?? m.spec.failureDomain;
  const bad = new Set(cpMachines.filter((m) => unhealthy.has(m.metadata.name)).map(zoneOf));
  const candidates = fds.filter((f) => !bad.has(f));
  const pool = candidates.length ? candidates : fds;
  const count = (f: string) => cpMachines.filter((m) => !isDeleting(m) && zoneOf(m) === f).length;
  return { failureDomain: [...pool].sort((a, b) => count(a) - count(b) || (a < b ? -1 : 1))[0] };
}

export type { Endpoint };
