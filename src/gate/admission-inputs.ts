/**
 * The admission facts (domain/admission.ts) for `check`, `apply` and `plan`: gathered from the
 * input documents (`-f`) and, when there is one, a store (the embedded state), the documents
 * winning over stored objects of the same kind, namespace and name (they are what is about to be
 * applied). The controller and the webhook gather the same facts from their own sources; this is
 * the CLI's edge, so `check` predicts what the webhook will say.
 *
 * With an AccessManagement (tenancy mode) the facts are those the deployment will meet once the
 * controller has distributed what the rules give: a copy the rules want but nobody made yet is
 * taken as made (the origin's spec, labelled managed), and an existing copy the rules no longer
 * want is taken as revoked. A Credential is judged by credentialReadiness, as the controller
 * judges it, not by a status someone wrote.
 */

import {
  ACCESS_MANAGEMENT_TYPE,
  isAccessManagement,
  readAccessManagement,
} from '../api/access-management.js';
import type { Chart } from '../api/chart.js';
import type { ClusterDeployment } from '../api/cluster-deployment.js';
import { CLUSTER_TEMPLATE_TYPE, isClusterTemplate } from '../api/cluster-template.js';
import {
  CREDENTIAL_TYPE,
  identityAllowedNamespaces,
  isCredential,
  readCredential,
  readSimulatedIdentity,
  SIMULATED_IDENTITY_TYPE,
} from '../api/credential.js';
import {
  isProviderInterface,
  PROVIDER_INTERFACE_TYPE,
  readProviderInterface,
} from '../api/provider-interface.js';
import { admissionServices } from '../api/service-spec.js';
import { isServiceTemplate, readServiceTemplate, SERVICE_TEMPLATE_TYPE } from '../api/services.js';
import { CHAIN_TYPE, SERVICE_TEMPLATE_CHAIN_TYPE, serviceChainFact } from '../api/template-chain.js';
import {
  type AccessRuleFact,
  type DistributableKind,
  type DistributionPlan,
  isDistributableKind,
  isDistributed,
  type NamespaceFact,
  planDistribution,
  type SystemObjectFact,
} from '../domain/access.js';
import type {
  AdmissionFacts,
  CredentialUseFact,
  ServiceChainFact,
  ServiceTemplateFact,
  TemplateFact,
} from '../domain/admission.js';
import { type CredentialFact, credentialReadiness } from '../domain/credential-status.js';
import { ACCESS_REVOKED_LABEL, DISTRIBUTED_FROM_ANNOTATION, MANAGED_LABEL } from '../domain/labels.js';
import {
  type IdentityLocation,
  identityLocation,
  type ProviderInterfaceFact,
} from '../domain/provider-identities.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import type { SourcedDocument } from '../resolve/documents.js';
import { isNotFound } from '../store/errors.js';
import type { ResourceType, Store } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import { parsePath } from '../util/json-path.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import type { TemplateResolution } from './cluster-template.js';

/** An object as the CLI sees it: from a document (with its file) or from the store. */
export interface SeenObject {
  value: PlainObject;
  /** The input document it came from; absent: the store (or a copy the controller will make). */
  source?: SourcedDocument;
  /** A copy the rules want that does not exist yet: its origin in the system namespace. */
  pendingCopyOf?: PlainObject;
}

export interface AdmissionSources {
  documents: readonly SourcedDocument[];
  /** The state, when there is one (apply and plan: the embedded store; check: --state). */
  store?: Pick<Store, 'get' | 'list'>;
  /** The platform's labels of a namespace (store/team-labels.ts, or check's --namespaces). */
  namespaceLabels: (namespace: string) => Promise<Record<string, string> | undefined>;
  /** The catalog (resolve/catalog.ts's resolve): a chart by name; throws UNKNOWN_TEMPLATE when it has none. */
  catalog: (name: string) => Chart;
}

const rec = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const metaOf = (o: PlainObject) => rec(o.metadata);
const nameOf = (o: PlainObject) => str(metaOf(o).name) ?? '';
const namespaceOf = (o: PlainObject) => str(metaOf(o).namespace) ?? 'default';
const labelsOf = (o: PlainObject): Record<string, string> =>
  Object.fromEntries(
    Object.entries(rec(metaOf(o).labels)).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );

/** The catalog's chart, its load error, or undefined when the catalog has no such template. */
function fromCatalog(
  catalog: (name: string) => Chart,
  name: string,
): { chart: Chart } | { error: ClustermintError } | undefined {
  try {
    return { chart: catalog(name) };
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    return e.code === 'UNKNOWN_TEMPLATE' ? undefined : { error: e };
  }
}

const DISTRIBUTABLE_TYPES: Readonly<Record<DistributableKind, ResourceType>> = {
  ClusterTemplate: CLUSTER_TEMPLATE_TYPE,
  ServiceTemplate: SERVICE_TEMPLATE_TYPE,
  ClusterTemplateChain: CHAIN_TYPE,
  ServiceTemplateChain: SERVICE_TEMPLATE_CHAIN_TYPE,
  Credential: CREDENTIAL_TYPE,
};

const isKindOf = (kind: string) => (v: PlainObject) =>
  kind === 'Credential'
    ? isCredential(v)
    : kind === 'ClusterTemplate'
      ? isClusterTemplate(v)
      : kind === 'ServiceTemplate'
        ? isServiceTemplate(v)
        : v.kind === kind && typeof v.apiVersion === 'string';

/** Every template name a chain names (supportedTemplates and their availableUpgrades). */
export function chainTemplateNames(chain: PlainObject): string[] {
  const ts = rec(chain.spec).supportedTemplates;
  const out = new Set<string>();
  for (const t of Array.isArray(ts) ? ts.map(rec) : []) {
    const n = str(t.name);
    if (n) out.add(n);
    for (const u of Array.isArray(t.availableUpgrades) ? t.availableUpgrades.map(rec) : []) {
      const un = str(u.name);
      if (un) out.add(un);
    }
  }
  return [...out];
}

/** The world the deployments of one run are judged in. */
export class AdmissionInputs {
  /** The AccessManagement in force (the store's oldest, else the files'), when there is one. */
  readonly accessManagement: PlainObject | undefined;
  readonly plan: DistributionPlan | undefined;
  private constructor(
    private readonly s: AdmissionSources,
    /** kind -> `namespace/name` (cluster-scoped: `/name`) -> object */
    private readonly objects: Map<string, Map<string, SeenObject>>,
    accessManagement: PlainObject | undefined,
    private readonly rules: readonly AccessRuleFact[],
    plan: DistributionPlan | undefined,
    private readonly providerInterfaceFacts: readonly ProviderInterfaceFact[],
  ) {
    this.accessManagement = accessManagement;
    this.plan = plan;
  }

  get tenancy(): boolean {
    return this.accessManagement !== undefined;
  }

  /**
   * Whether the run knows any of the platform's objects of a kind (the state's, the files', the
   * copies the rules will make). A platform with none does not use the kind yet: in open mode a
   * name that finds nothing is then not judged (domain/admission.ts `noneKnown`), for `check`,
   * `apply`, the webhook and the controller alike.
   */
  private knows(kind: 'Credential' | 'ServiceTemplate' | 'ServiceTemplateChain'): boolean {
    return (this.objects.get(kind)?.size ?? 0) > 0;
  }

  /** Reads the documents and the store. A document of a tenancy kind that its reader refuses is a located error. */
  static async gather(s: AdmissionSources): Promise<AdmissionInputs> {
    const objects = new Map<string, Map<string, SeenObject>>();
    const put = (kind: string, key: string, o: SeenObject) => {
      const m = objects.get(kind) ?? new Map<string, SeenObject>();
      objects.set(kind, m);
      if (!m.has(key) || o.source) m.set(key, o);
    };
    const keyOf = (o: PlainObject, clusterScoped: boolean) =>
      clusterScoped ? `/${nameOf(o)}` : `${namespaceOf(o)}/${nameOf(o)}`;
    for (const d of s.documents) checkDocument(d);
    const namespaced: ResourceType[] = [...Object.values(DISTRIBUTABLE_TYPES)];
    const clusterScoped: ResourceType[] = [ACCESS_MANAGEMENT_TYPE, PROVIDER_INTERFACE_TYPE];
    if (s.store) {
      for (const t of namespaced)
        for (const o of (await s.store.list(t)).items)
          put(t.kind, keyOf(o as unknown as PlainObject, false), { value: o as unknown as PlainObject });
      for (const t of clusterScoped)
        for (const o of (await s.store.list(t)).items)
          put(t.kind, keyOf(o as unknown as PlainObject, true), { value: o as unknown as PlainObject });
    }
    for (const d of s.documents) {
      const kind = String(d.value.kind);
      if (isDistributableKind(kind) && isKindOf(kind)(d.value))
        put(kind, keyOf(d.value, false), { value: d.value, source: d });
      else if (isAccessManagement(d.value) || isProviderInterface(d.value))
        put(kind, keyOf(d.value, true), { value: d.value, source: d });
    }
    // the AccessManagement in force: the stored one (the oldest), else the one of the files
    const ams = [...(objects.get('AccessManagement')?.values() ?? [])];
    const stored = ams
      .filter((a) => !a.source)
      .sort((a, b) =>
        String(metaOf(a.value).creationTimestamp).localeCompare(String(metaOf(b.value).creationTimestamp)),
      );
    const am = (stored[0] ?? ams[0])?.value;
    const pis = [...(objects.get('ProviderInterface')?.values() ?? [])].flatMap((p) => {
      const r = readProviderInterface(p.value);
      return 'spec' in r ? [{ provider: r.spec.provider, kinds: r.spec.kinds }] : [];
    });
    if (!am) return new AdmissionInputs(s, objects, undefined, [], undefined, pis);
    const read = readAccessManagement(am);
    const rules = 'spec' in read ? read.spec.rules : [];
    const plan = planDistribution(
      rules,
      await namespaceFacts(s, objects, rules),
      systemFacts(objects, rules, s.catalog),
    );
    const inputs = new AdmissionInputs(s, objects, am, rules, plan, pis);
    inputs.addPendingCopies();
    return inputs;
  }

  /** A copy the plan wants that is not there yet, taken as made: the origin's spec, labelled managed. */
  private addPendingCopies(): void {
    for (const w of this.plan?.wanted ?? []) {
      const m = this.objects.get(w.kind) ?? new Map<string, SeenObject>();
      this.objects.set(w.kind, m);
      const key = `${w.namespace}/${w.name}`;
      if (m.has(key)) continue;
      const origin =
        m.get(`${SYSTEM_NAMESPACE}/${w.name}`)?.value ??
        (w.kind === 'ClusterTemplate' ? catalogTemplate(w.name) : undefined);
      if (!origin) continue;
      const { status: _s, metadata: _m, ...rest } = origin;
      m.set(key, {
        value: {
          ...rest,
          metadata: {
            name: w.name,
            namespace: w.namespace,
            labels: { ...labelsOf(origin), [MANAGED_LABEL]: 'true' },
            annotations: { [DISTRIBUTED_FROM_ANNOTATION]: `${SYSTEM_NAMESPACE}/${w.name}` },
          },
          ...(origin.status !== undefined ? { status: origin.status } : {}),
        },
        pendingCopyOf: origin,
      });
    }
  }

  /** The object of a kind in a namespace, as the deployment will see it. */
  object(kind: DistributableKind, namespace: string, name: string): SeenObject | undefined {
    return this.objects.get(kind)?.get(`${namespace}/${name}`);
  }

  /**
   * Whether the copy is revoked: labelled so, or (tenancy mode) a managed copy the rules no
   * longer want, which the controller will revoke or delete.
   */
  private revoked(kind: DistributableKind, o: SeenObject): boolean {
    const labels = labelsOf(o.value);
    if (labels[ACCESS_REVOKED_LABEL] === 'true') return true;
    if (!this.plan || labels[MANAGED_LABEL] !== 'true') return false;
    const ns = namespaceOf(o.value);
    return ns !== SYSTEM_NAMESPACE && !isDistributed(this.plan, kind, nameOf(o.value), ns);
  }

  /**
   * The ClusterTemplate objects the deployments may name that no input or stored resolution
   * covers: copies to come. Each with the object to resolve (its origin's spec).
   */
  pendingTemplateCopies(): Array<{
    namespace: string;
    name: string;
    object: PlainObject;
    origin: PlainObject;
  }> {
    return [...(this.objects.get('ClusterTemplate')?.values() ?? [])]
      .filter((o) => o.pendingCopyOf !== undefined)
      .map((o) => ({
        namespace: namespaceOf(o.value),
        name: nameOf(o.value),
        object: o.value,
        origin: o.pendingCopyOf!,
      }));
  }

  /**
   * A deployment's template resolver: its namespace's ClusterTemplate object when there is one,
   * else the catalog. In tenancy mode a team's namespace may not use the catalog, but the chart
   * still renders so that every other finding shows: the admission rule template-access denies.
   */
  templateResolver(
    cd: ClusterDeployment,
    templates: ReadonlyMap<string, TemplateResolution>,
  ): (name: string) => Chart {
    const ns = cd.metadata.namespace;
    return (name) => {
      const t = templates.get(`${ns}/${name}`);
      if (!t) return this.s.catalog(name);
      if (t.chart) return t.chart;
      throw new ClustermintError(
        'INVALID_CHART',
        `the ClusterTemplate ${name} is invalid with the error: ${t.status.validationError ?? '(no message)'}`,
      );
    };
  }

  private guarded(namespace: string): boolean {
    return this.tenancy && namespace !== SYSTEM_NAMESPACE;
  }

  /**
   * The facts for one deployment. `templates` are the resolutions by `namespace/name` (inputs,
   * stored, and the pending copies the caller resolved).
   */
  async facts(
    cd: ClusterDeployment,
    templates: ReadonlyMap<string, TemplateResolution>,
  ): Promise<AdmissionFacts> {
    const ns = cd.metadata.namespace;
    const old = await this.stored(cd);
    const services = cd.spec.serviceSpec?.services ?? [];
    const serviceTemplates = new Map<string, ServiceTemplateFact>();
    for (const s of services) {
      if (serviceTemplates.has(s.template)) continue;
      const f = this.serviceTemplateFact(ns, s.template);
      if (f) serviceTemplates.set(s.template, f);
    }
    const serviceChains = new Map<string, ServiceChainFact>();
    for (const s of services) {
      if (!s.templateChain || s.disable || serviceChains.has(s.templateChain)) continue;
      const f = this.serviceChainFact(ns, s.templateChain);
      if (f) serviceChains.set(s.templateChain, f);
    }
    return {
      namespace: ns,
      tenancy: this.tenancy,
      operation: old ? 'update' : 'create',
      spec: {
        template: cd.spec.template,
        ...(cd.spec.credential !== undefined ? { credential: cd.spec.credential } : {}),
        services: admissionServices(services),
      },
      ...(old ? { old } : {}),
      template: this.templateFact(ns, cd.spec.template, templates),
      credential: cd.spec.credential ? await this.credentialUse(ns, cd.spec.credential) : undefined,
      serviceTemplates,
      serviceChains,
      providerInterfaces: this.providerInterfaceFacts,
      noneKnown: {
        credentials: !this.knows('Credential'),
        serviceTemplates: !this.knows('ServiceTemplate'),
        serviceTemplateChains: !this.knows('ServiceTemplateChain'),
      },
    };
  }

  /** The stored deployment, as the webhook's oldObject: its spec and the upgrades its status lists. */
  private async stored(cd: ClusterDeployment): Promise<AdmissionFacts['old']> {
    if (!this.s.store) return undefined;
    try {
      const o = await this.s.store.get({
        apiVersion: 'clustermint.io/v1alpha1',
        kind: 'ClusterDeployment',
        namespace: cd.metadata.namespace,
        name: cd.metadata.name,
      });
      const spec = rec(o.spec);
      const upgrades = rec(o.status).availableUpgrades;
      const credential = str(spec.credential);
      return {
        template: str(spec.template) ?? '',
        ...(credential !== undefined ? { credential } : {}),
        availableUpgrades: Array.isArray(upgrades)
          ? upgrades.filter((u): u is string => typeof u === 'string')
          : [],
      };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private templateFact(
    ns: string,
    name: string,
    templates: ReadonlyMap<string, TemplateResolution>,
  ): TemplateFact | undefined {
    const o = this.object('ClusterTemplate', ns, name);
    const r = templates.get(`${ns}/${name}`);
    if (o || r) {
      const st = r?.status;
      return {
        object: true,
        valid: st?.valid === true,
        ...(st?.validationError !== undefined ? { validationError: st.validationError } : {}),
        providers: st?.providers ?? [],
        ...(st?.k8sVersion ? { k8sVersion: st.k8sVersion } : {}),
        revoked: o ? this.revoked('ClusterTemplate', o) : false,
      };
    }
    // the catalog: every namespace's in open mode; none of a team's in tenancy mode (not found)
    if (this.guarded(ns)) return undefined;
    const c = fromCatalog(this.s.catalog, name);
    if (!c) return undefined;
    if ('error' in c)
      return { object: false, valid: false, validationError: c.error.message, providers: [], revoked: false };
    return {
      object: false,
      valid: true,
      providers: c.chart.providers,
      ...(c.chart.k8sVersion ? { k8sVersion: c.chart.k8sVersion } : {}),
      revoked: false,
    };
  }

  private serviceTemplateFact(ns: string, name: string): ServiceTemplateFact | undefined {
    // open mode: the namespace's, else the system namespace's (services/service-templates.ts)
    const o =
      this.object('ServiceTemplate', ns, name) ??
      (this.guarded(ns) ? undefined : this.object('ServiceTemplate', SYSTEM_NAMESPACE, name));
    if (!o) return undefined;
    const read = readServiceTemplate(o.value);
    const st = rec(o.value.status);
    const problems = 'problems' in read ? read.problems.map((p) => `${p.path}: ${p.message}`).join('; ') : '';
    // a stored template's status is the controller's verdict (its chart was loaded); a document's, the reader's
    const valid = problems === '' && (o.source || typeof st.valid !== 'boolean' ? true : st.valid);
    const validationError = problems || (valid ? undefined : (str(st.validationError) ?? 'not valid'));
    // as the controller reads it: the status, the spec, or k0rdent's annotation
    const k8sConstraint =
      str(st.k8sConstraint) ??
      ('spec' in read ? read.spec.k8sConstraint : undefined) ??
      str(rec(metaOf(o.value).annotations)['k0rdent.mirantis.com/k8s-version-constraint']);
    return {
      valid,
      ...(validationError ? { validationError } : {}),
      ...(k8sConstraint ? { k8sConstraint } : {}),
      revoked: this.revoked('ServiceTemplate', o),
    };
  }

  /** A ServiceTemplateChain, found where the ServiceTemplates are. */
  private serviceChainFact(ns: string, name: string): ServiceChainFact | undefined {
    const o =
      this.object('ServiceTemplateChain', ns, name) ??
      (this.guarded(ns) ? undefined : this.object('ServiceTemplateChain', SYSTEM_NAMESPACE, name));
    if (!o) return undefined;
    // a document is judged by its spec (a status in a file is nobody's verdict); a stored one by its status when set
    const chain = o.source ? { spec: o.value.spec } : o.value;
    return serviceChainFact(chain, this.revoked('ServiceTemplateChain', o));
  }

  /** The Credential as the deployment's namespace has it, judged as the controller judges it. */
  async credentialUse(ns: string, name: string): Promise<CredentialUseFact | undefined> {
    const o = this.object('Credential', ns, name);
    if (!o) return undefined;
    const revoked = this.revoked('Credential', o);
    const read = readCredential(o.value);
    if ('problems' in read)
      return {
        ready: false,
        reason: `InvalidSpec: ${read.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        revoked,
      };
    const ref = read.spec.identityRef;
    const readiness = await this.credentialReadiness(o, ref);
    return {
      ready: readiness.ready,
      ...(readiness.ready ? {} : { reason: readiness.message }),
      identityKind: ref.kind,
      revoked,
    };
  }

  private async credentialReadiness(
    o: SeenObject,
    ref: { apiVersion?: string; kind: string; name: string; namespace?: string },
  ) {
    const ns = namespaceOf(o.value);
    const labels = labelsOf(o.value);
    const where = identityLocation(ref, ns);
    const scope = where.scope;
    const identity = await this.identity(where);
    const fact: CredentialFact = {
      namespace: ns,
      name: nameOf(o.value),
      identity: ref,
      managed: labels[MANAGED_LABEL] === 'true',
      identityFound: identity !== undefined,
      identityScope: scope,
      ...(identity && scope === 'cluster' ? identityAllowedNamespaces(identity) : {}),
    };
    const distributed =
      fact.managed && this.plan !== undefined && isDistributed(this.plan, 'Credential', fact.name, ns);
    return credentialReadiness(fact, {
      tenancy: this.tenancy,
      distributed,
      namespaceLabels: (await this.s.namespaceLabels(ns)) ?? {},
    });
  }

  /** The identity object: among the documents, else in the store. */
  private async identity(where: IdentityLocation): Promise<PlainObject | undefined> {
    const { apiVersion, kind, name, namespace } = where;
    const doc = this.s.documents.find(
      (d) =>
        d.value.kind === kind &&
        (apiVersion === undefined || d.value.apiVersion === apiVersion) &&
        nameOf(d.value) === name &&
        (namespace === undefined || namespaceOf(d.value) === namespace),
    );
    if (doc) return doc.value;
    if (!this.s.store || !apiVersion) return undefined;
    try {
      return (await this.s.store.get({
        apiVersion,
        kind,
        ...(namespace !== undefined ? { namespace } : {}),
        name,
      })) as unknown as PlainObject;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}

/** A catalog chart named by a rule becomes a ClusterTemplate whose chartSpec names it (as the controller makes it). */
function catalogTemplate(name: string): PlainObject {
  return {
    ...CLUSTER_TEMPLATE_TYPE,
    metadata: { name, namespace: SYSTEM_NAMESPACE },
    spec: { helm: { chartSpec: { chart: name } } },
  };
}

/** The system namespace's distributable objects, plus catalog charts a rule names that have no object there. */
function systemFacts(
  objects: Map<string, Map<string, SeenObject>>,
  rules: readonly AccessRuleFact[],
  catalog: (name: string) => Chart,
): SystemObjectFact[] {
  const out: SystemObjectFact[] = [];
  for (const [kind, m] of objects) {
    if (!isDistributableKind(kind)) continue;
    for (const o of m.values()) {
      if (namespaceOf(o.value) !== SYSTEM_NAMESPACE) continue;
      out.push({
        kind,
        name: nameOf(o.value),
        labels: labelsOf(o.value),
        ...(kind.endsWith('Chain') ? { chainTemplates: chainTemplateNames(o.value) } : {}),
      });
    }
  }
  const named = new Set<string>();
  for (const r of rules)
    for (const e of r.objects) if (e.kind === 'ClusterTemplate') for (const n of e.names ?? []) named.add(n);
  for (const o of out)
    if (o.kind === 'ClusterTemplateChain') for (const n of o.chainTemplates ?? []) named.add(n);
  for (const n of named)
    if (!out.some((o) => o.kind === 'ClusterTemplate' && o.name === n) && fromCatalog(catalog, n))
      out.push({ kind: 'ClusterTemplate', name: n, labels: {} });
  return out;
}

/** The namespaces the rules may target: the stored Namespaces and every namespace an object of this run lives in. */
async function namespaceFacts(
  s: AdmissionSources,
  objects: Map<string, Map<string, SeenObject>>,
  rules: readonly AccessRuleFact[],
): Promise<NamespaceFact[]> {
  const names = new Set<string>();
  // offline (no state) the namespaces a rule lists by name are taken to exist
  if (!s.store) for (const r of rules) for (const n of r.targets?.list ?? []) names.add(n);
  if (s.store)
    for (const n of (await s.store.list({ apiVersion: 'v1', kind: 'Namespace' })).items)
      names.add(n.metadata.name);
  for (const m of objects.values())
    for (const o of m.values())
      if (isPlainObject(metaOf(o.value)) && str(metaOf(o.value).namespace)) names.add(namespaceOf(o.value));
  for (const d of s.documents) if (d.value.kind === 'ClusterDeployment') names.add(namespaceOf(d.value));
  if (s.store)
    for (const cd of (
      await s.store.list({ apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' })
    ).items)
      names.add(cd.metadata.namespace ?? 'default');
  const out: NamespaceFact[] = [];
  for (const name of [...names].sort()) out.push({ name, labels: (await s.namespaceLabels(name)) ?? {} });
  return out;
}

/** A document of a tenancy kind is read as the webhook would read it: a problem is a located error. */
function checkDocument(d: SourcedDocument): void {
  const read = isCredential(d.value)
    ? readCredential(d.value)
    : isAccessManagement(d.value)
      ? readAccessManagement(d.value)
      : isProviderInterface(d.value)
        ? readProviderInterface(d.value)
        : d.value.kind === SIMULATED_IDENTITY_TYPE.kind &&
            d.value.apiVersion === SIMULATED_IDENTITY_TYPE.apiVersion
          ? readSimulatedIdentity(d.value)
          : undefined;
  if (!read || 'spec' in read) return;
  const [p, ...rest] = read.problems;
  const segments = parsePath(p.path);
  const pos = d.doc.locate(segments, p.atKey === true);
  throw new ClustermintError(
    'INVALID_SUBMISSION',
    `invalid ${String(d.value.kind)} ${nameOf(d.value)}: ${p.message}${rest.length ? ` (and ${rest.length} more: ${rest.map((x) => `${x.path}: ${x.message}`).join('; ')})` : ''}`,
    { file: d.file, line: pos?.line, col: pos?.col, path: p.path },
  );
}
