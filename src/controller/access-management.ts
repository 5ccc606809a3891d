/**
 * The AccessManagement reconciler (keys `accessmanagement:<name>`): k0rdent's distribution of
 * the system namespace's templates, chains and Credentials to team namespaces.
 *
 * The oldest AccessManagement is in force; any other gets an error status and changes nothing.
 * The rules are planned by domain/access.ts; each wanted (kind, name, namespace) becomes a copy
 * labelled `clustermint.io/managed`, with the origin's spec and labels and the annotation
 * `clustermint.io/distributed-from` (a ClusterTemplate copy also gets the origin's status: the
 * template reconciler leaves copies alone). A catalog template a rule names that has no object
 * in the system namespace becomes a copy with `spec.helm.chartSpec {chart, version}`. A copy no
 * rule wants any more is deleted when nothing uses it, or labelled
 * `clustermint.io/access-revoked` while something does (the deployment keeps running; new uses
 * are refused by the admission rules); it loses the label when granted again. With no
 * AccessManagement left, every copy is treated as not wanted.
 */
import { type AccessManagementStatus, readAccessManagement } from '../api/access-management.js';
import { CLUSTER_TEMPLATE_TYPE } from '../api/cluster-template.js';
import { CREDENTIAL_TYPE } from '../api/credential.js';
import { MULTI_CLUSTER_SERVICE_TYPE, SERVICE_TEMPLATE_TYPE } from '../api/services.js';
import { CHAIN_TYPE, SERVICE_TEMPLATE_CHAIN_TYPE, supportedTemplates } from '../api/template-chain.js';
import {
  copyAction,
  DISTRIBUTABLE_KINDS,
  type DistributableKind,
  type Distribution,
  type NamespaceFact,
  planDistribution,
  type SystemObjectFact,
} from '../domain/access.js';
import { usersOf } from '../domain/deletion-guards.js';
import { ACCESS_REVOKED_LABEL, DISTRIBUTED_FROM_ANNOTATION, MANAGED_LABEL } from '../domain/labels.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import type { TemplateCatalog } from '../resolve/catalog.js';
import { getIfExists, isAlreadyExists, isConflict, isNotFound } from '../store/errors.js';
import { NAMESPACE_TYPE } from '../store/team-labels.js';
import type { Clock, KubeObject, ResourceType, Store } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import { isPlainObject } from '../util/plain-object.js';
import { type Condition, isoSeconds, setCondition } from './conditions.js';
import { sameJson } from './machines.js';
import {
  ACCESS_MANAGEMENT_KEY_PREFIX,
  CLUSTER_DEPLOYMENT_TYPE,
  type ReconcileResult,
  type Reconciler,
} from './runtime.js';
import { listAccessManagements } from './tenancy.js';
import { deploymentUseFact, mcsUseFact } from './usage.js';

export const KIND_TYPES: Readonly<Record<DistributableKind, ResourceType>> = {
  ClusterTemplate: CLUSTER_TEMPLATE_TYPE,
  ServiceTemplate: SERVICE_TEMPLATE_TYPE,
  ClusterTemplateChain: CHAIN_TYPE,
  ServiceTemplateChain: SERVICE_TEMPLATE_CHAIN_TYPE,
  Credential: CREDENTIAL_TYPE,
};

/** How soon revoked copies are looked at again (deleted once nothing uses them; ms). */
export const REVOKED_RECHECK_MS = 30_000;

/** What a copy is made from: an object of the system namespace, or a chart of the catalog. */
type Origin = { object: KubeObject } | { catalog: { chart: string; version: string } };

const labelsOf = (o: KubeObject): Record<string, string> => ({ ...(o.metadata.labels ?? {}) });
const list = async (store: Pick<Store, 'list'>, type: ResourceType, namespace?: string) => {
  try {
    return (await store.list(type, namespace ? { namespace } : {})).items;
  } catch (e) {
    if ((e as { code?: unknown }).code === 404) return []; // the kind is not served (no CRD)
    throw e;
  }
};

/** Every template a chain names (supported templates and their upgrade targets). */
export function chainTemplateNames(chain: KubeObject): string[] {
  return [
    ...new Set(
      supportedTemplates(chain).flatMap((t) => [t.name, ...(t.availableUpgrades ?? []).map((u) => u.name)]),
    ),
  ];
}

export class AccessManagementReconciler implements Reconciler {
  constructor(private readonly o: { store: Store; clock: Clock; catalog: TemplateCatalog }) {}

  async reconcile(key: string): Promise<ReconcileResult> {
    const name = key.slice(ACCESS_MANAGEMENT_KEY_PREFIX.length);
    const all = await listAccessManagements(this.o.store);
    const inForce = all[0];
    const am = all.find((a) => a.metadata.name === name);
    if (!inForce) return this.withdrawAll();
    if (!am || am.metadata.deletionTimestamp) return {};
    if (am !== inForce) {
      const error = `only one AccessManagement may exist; ${inForce.metadata.name} is in force`;
      await this.writeStatus(am, { error }, 'False', 'NotInForce', error);
      return {};
    }
    return this.distribute(am);
  }

  private async distribute(am: KubeObject): Promise<ReconcileResult> {
    const read = readAccessManagement(am);
    if ('problems' in read) {
      const error = read.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      await this.writeStatus(am, { error }, 'False', 'InvalidRules', error);
      return {};
    }
    const rules = read.spec.rules;
    const [namespaces, system] = await Promise.all([this.namespaces(), this.systemObjects()]);
    const catalog = this.catalogOrigins(rules, system);
    const facts: SystemObjectFact[] = [
      ...system.map(({ kind, object }) => ({
        kind,
        name: object.metadata.name,
        labels: labelsOf(object),
        ...(kind === 'ClusterTemplateChain' || kind === 'ServiceTemplateChain'
          ? { chainTemplates: chainTemplateNames(object) }
          : {}),
      })),
      ...[...catalog.keys()].map((n) => ({ kind: 'ClusterTemplate' as const, name: n, labels: {} })),
    ];
    const plan = planDistribution(rules, namespaces, facts);
    const errors = new Map<DistributableKind, string[]>();
    const fail = (kind: DistributableKind, message: string) =>
      errors.set(kind, [...(errors.get(kind) ?? []), message]);
    let placed = 0;
    for (const d of plan.wanted) {
      const object = system.find((s) => s.kind === d.kind && s.object.metadata.name === d.name)?.object;
      const catalogChart = catalog.get(d.name);
      const origin: Origin | undefined = object
        ? { object }
        : d.kind === 'ClusterTemplate' && catalogChart
          ? { catalog: catalogChart }
          : undefined;
      if (!origin) continue;
      const problem = await this.ensureCopy(d, origin);
      if (problem) fail(d.kind, problem);
      else placed++;
    }
    const revoked = await this.withdraw(new Set(plan.wanted.map(copyKey)));
    const ruleErrors = plan.problems.map((p) => `accessRules[${p.rule}]: ${p.message}`);
    const copyErrors = [...errors.values()].flat();
    const error = [...ruleErrors, ...copyErrors].join('; ');
    const kinds = DISTRIBUTABLE_KINDS.filter((k) => errors.has(k) || plan.wanted.some((w) => w.kind === k));
    const targets = new Set(plan.wanted.map((w) => w.namespace)).size;
    await this.writeStatus(
      am,
      {
        current: read.spec.accessRules,
        ...(error ? { error } : {}),
        resources: kinds.map((kind) => ({
          kind,
          ...(errors.has(kind) ? { error: errors.get(kind)!.join('; ') } : {}),
        })),
        distributed: placed,
      },
      error ? 'False' : 'True',
      error ? (copyErrors.length ? 'DistributionFailed' : 'InvalidRules') : 'Distributed',
      error || `${placed} object(s) distributed to ${targets} namespace(s)`,
    );
    return revoked ? { requeueAfterMs: REVOKED_RECHECK_MS } : {};
  }

  /** No AccessManagement: every copy is withdrawn (deleted, or labelled revoked while used). */
  private async withdrawAll(): Promise<ReconcileResult> {
    const revoked = await this.withdraw(new Set());
    return revoked ? { requeueAfterMs: REVOKED_RECHECK_MS } : {};
  }

  /**
   * The namespaces: Namespace objects, and the namespaces the store holds deployments, templates
   * or Credentials in (the embedded store has no Namespace object for a namespace nobody labelled).
   */
  private async namespaces(): Promise<NamespaceFact[]> {
    const out = new Map<string, NamespaceFact>();
    for (const ns of await list(this.o.store, NAMESPACE_TYPE))
      out.set(ns.metadata.name, { name: ns.metadata.name, labels: labelsOf(ns) });
    for (const type of [
      CLUSTER_DEPLOYMENT_TYPE,
      CLUSTER_TEMPLATE_TYPE,
      SERVICE_TEMPLATE_TYPE,
      CREDENTIAL_TYPE,
    ])
      for (const o of await list(this.o.store, type)) {
        const ns = o.metadata.namespace ?? 'default';
        if (!out.has(ns)) out.set(ns, { name: ns, labels: {} });
      }
    return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  private async systemObjects(): Promise<Array<{ kind: DistributableKind; object: KubeObject }>> {
    const out: Array<{ kind: DistributableKind; object: KubeObject }> = [];
    for (const kind of DISTRIBUTABLE_KINDS)
      for (const object of await list(this.o.store, KIND_TYPES[kind], SYSTEM_NAMESPACE))
        if (!object.metadata.deletionTimestamp) out.push({ kind, object });
    return out;
  }

  /**
   * Catalog templates the rules or the system chains name without a ClusterTemplate object in
   * the system namespace: their chart name and version, by the name used.
   */
  private catalogOrigins(
    rules: ReadonlyArray<{ objects: ReadonlyArray<{ kind: string; names?: readonly string[] }> }>,
    system: ReadonlyArray<{ kind: DistributableKind; object: KubeObject }>,
  ): Map<string, { chart: string; version: string }> {
    const named = new Set<string>();
    for (const r of rules)
      for (const o of r.objects)
        if (o.kind === 'ClusterTemplate') for (const n of o.names ?? []) named.add(n);
    for (const s of system)
      if (s.kind === 'ClusterTemplateChain') for (const n of chainTemplateNames(s.object)) named.add(n);
    const out = new Map<string, { chart: string; version: string }>();
    for (const n of named) {
      if (system.some((s) => s.kind === 'ClusterTemplate' && s.object.metadata.name === n)) continue;
      try {
        const chart = this.o.catalog.resolve(n);
        out.set(n, { chart: chart.metadata.name, version: chart.metadata.version });
      } catch (e) {
        if (!(e instanceof ClustermintError)) throw e; // not in the catalog either: the plan reports it
      }
    }
    return out;
  }

  /** Creates or updates one copy; a problem to report, or undefined. */
  private async ensureCopy(d: Distribution, origin: Origin): Promise<string | undefined> {
    const type = KIND_TYPES[d.kind];
    const from = `${SYSTEM_NAMESPACE}/${d.name}`;
    const existing = await getIfExists(this.o.store, { ...type, namespace: d.namespace, name: d.name });
    if (existing && existing.metadata.labels?.[MANAGED_LABEL] !== 'true')
      return `${d.kind} ${d.namespace}/${d.name} exists and is not a distributed copy: it is left as it is`;
    const labels: Record<string, string> = {
      ...('object' in origin ? labelsOf(origin.object) : {}),
      [MANAGED_LABEL]: 'true',
    };
    delete labels[ACCESS_REVOKED_LABEL];
    const spec =
      'object' in origin
        ? (origin.object.spec ?? {})
        : { helm: { chartSpec: { chart: origin.catalog.chart, version: origin.catalog.version } } };
    let copy: KubeObject;
    try {
      if (!existing)
        copy = await this.o.store.create({
          apiVersion: type.apiVersion,
          kind: type.kind,
          metadata: {
            name: d.name,
            namespace: d.namespace,
            labels,
            annotations: { [DISTRIBUTED_FROM_ANNOTATION]: from },
          },
          spec,
        });
      else {
        const annotations = { ...(existing.metadata.annotations ?? {}), [DISTRIBUTED_FROM_ANNOTATION]: from };
        copy =
          sameJson(existing.spec ?? {}, spec) &&
          sameJson(existing.metadata.labels ?? {}, labels) &&
          sameJson(existing.metadata.annotations ?? {}, annotations)
            ? existing
            : await this.o.store.update({
                ...existing,
                metadata: { ...existing.metadata, labels, annotations },
                spec,
              });
      }
    } catch (e) {
      if (isConflict(e) || isAlreadyExists(e)) return undefined; // looked at again: the watch requeues
      const code = (e as { code?: unknown }).code;
      if (isNotFound(e) || code === 403 || code === 422 || code === 400)
        return `${d.kind} ${d.namespace}/${d.name}: ${(e as Error).message}`;
      throw e;
    }
    if (d.kind === 'ClusterTemplate' && 'object' in origin)
      await this.copyTemplateStatus(copy, origin.object);
    return undefined;
  }

  /** A ClusterTemplate copy's status is its origin's (the same chart), at the copy's generation. */
  private async copyTemplateStatus(copy: KubeObject, origin: KubeObject): Promise<void> {
    if (!isPlainObject(origin.status) || typeof origin.status.valid !== 'boolean') return;
    const originResolved = origin.status.observedGeneration === origin.metadata.generation;
    const status = {
      ...origin.status,
      // not resolved at the origin's generation yet: the copy is not either
      observedGeneration: originResolved ? copy.metadata.generation : 0,
    };
    if (sameJson(copy.status ?? {}, status)) return;
    try {
      await this.o.store.updateStatus({ ...copy, status });
    } catch (e) {
      if (!isConflict(e) && !isNotFound(e)) throw e;
    }
  }

  /**
   * The managed copies no rule wants: deleted when unused, labelled revoked while used. Returns
   * whether any revoked copy remains (looked at again later: its users may go).
   */
  private async withdraw(wanted: ReadonlySet<string>): Promise<boolean> {
    let revokedLeft = false;
    let deployments: ReturnType<typeof deploymentUseFact>[] | undefined;
    let mcs: ReturnType<typeof mcsUseFact>[] | undefined;
    for (const kind of DISTRIBUTABLE_KINDS) {
      const type = KIND_TYPES[kind];
      let copies: KubeObject[];
      try {
        copies = (await this.o.store.list(type, { labelSelector: `${MANAGED_LABEL}=true` })).items;
      } catch (e) {
        if ((e as { code?: unknown }).code === 404) continue;
        throw e;
      }
      for (const c of copies) {
        const namespace = c.metadata.namespace ?? 'default';
        if (namespace === SYSTEM_NAMESPACE || c.metadata.deletionTimestamp) continue;
        if (wanted.has(copyKey({ kind, name: c.metadata.name, namespace }))) continue;
        deployments ??= (await list(this.o.store, CLUSTER_DEPLOYMENT_TYPE)).map(deploymentUseFact);
        mcs ??= (await list(this.o.store, MULTI_CLUSTER_SERVICE_TYPE)).map(mcsUseFact);
        const guarded = {
          kind,
          namespace,
          name: c.metadata.name,
          ...(kind === 'ClusterTemplateChain' || kind === 'ServiceTemplateChain'
            ? { chainTemplates: chainTemplateNames(c) }
            : {}),
        };
        const action = copyAction(false, usersOf(guarded, deployments, mcs).length > 0);
        try {
          if (action === 'delete') await this.o.store.delete({ ...type, namespace, name: c.metadata.name });
          else if (action === 'revoke') {
            revokedLeft = true;
            if (c.metadata.labels?.[ACCESS_REVOKED_LABEL] !== 'true')
              await this.o.store.update({
                ...c,
                metadata: {
                  ...c.metadata,
                  labels: { ...(c.metadata.labels ?? {}), [ACCESS_REVOKED_LABEL]: 'true' },
                },
              });
          }
        } catch (e) {
          if (!isNotFound(e) && !isConflict(e)) throw e;
          revokedLeft = true; // changed meanwhile: look again
        }
      }
    }
    return revokedLeft;
  }

  private async writeStatus(
    am: KubeObject,
    fields: Omit<AccessManagementStatus, 'conditions' | 'observedGeneration'>,
    ready: Condition['status'],
    reason: string,
    message: string,
  ): Promise<void> {
    const old = (isPlainObject(am.status) ? am.status : {}) as AccessManagementStatus;
    const status: AccessManagementStatus = {
      ...fields,
      observedGeneration: am.metadata.generation,
      conditions: setCondition(
        (old.conditions ?? []) as Condition[],
        { type: 'Ready', status: ready, reason, message, observedGeneration: am.metadata.generation },
        isoSeconds(this.o.clock.now()),
      ),
    };
    if (sameJson(am.status ?? {}, status)) return;
    try {
      await this.o.store.updateStatus({ ...am, status: status as unknown as Record<string, unknown> });
    } catch (e) {
      if (!isConflict(e) && !isNotFound(e)) throw e;
    }
  }
}

function copyKey(d: { kind: string; name: string; namespace: string }): string {
  return `${d.kind}\0${d.namespace}\0${d.name}`;
}
