/**
 * Where the webhook's policies and templates come from, kept current:
 * - folders (`--policies`, `--templates`: mounted ConfigMaps, a GitOps checkout), re-read when a
 *   file under them changes (polled fingerprint);
 * - with a cluster connection, the cluster's ValidatingPolicies, ClusterTemplates, ClusterClasses
 *   (and the templates they reference), namespace labels and tenancy objects (Credentials,
 *   ServiceTemplates, ProviderInterfaces, AccessManagements), re-listed every `clusterRefreshMs`;
 *   the connection itself goes into the snapshot for what is read live or written (deletion
 *   guards, the one AccessManagement, the audit trail).
 * A failed reload keeps the last good snapshot and logs why.
 */

import { isDeepStrictEqual } from 'node:util';
import type { Chart } from '../api/chart.js';
import { readClusterDeployment } from '../api/cluster-deployment.js';
import {
  HELM_CHART_TYPE,
  HELM_REPOSITORY_TYPE,
  OCI_REPOSITORY_TYPE,
  SECRET_TYPE,
} from '../api/cluster-template.js';
import { CREDENTIAL_READY_CONDITION } from '../api/credential.js';
import { type ProviderInterfaceFact, readProviderInterface } from '../api/provider-interface.js';
import { serviceChainFact } from '../api/template-chain.js';
import { ACCESS_REVOKED_LABEL } from '../domain/labels.js';
import { runGate } from '../gate/index.js';
import { compilePolicy } from '../policy/engine.js';
import { type LoadedPolicy, parsePolicies } from '../policy/load.js';
import { BUILTIN_TEMPLATES_DIR, TemplateCatalog } from '../resolve/catalog.js';
import type { SourcedDocument } from '../resolve/documents.js';
import { TemplateChartLoader } from '../resolve/template-chart.js';
import { decideWithFetch, type SourceFetch } from '../resolve/template-source.js';
import { isNotFound } from '../store/errors.js';
import { KubeApiError } from '../store/kube/errors.js';
import type { KubeStore } from '../store/kube/store.js';
import { namespaceTeamLabels } from '../store/team-labels.js';
import type { ResourceType } from '../store/types.js';
import { ClustermintError, formatError } from '../util/errors.js';
import { ExpansionBudget } from '../util/expansion-budget.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { copyBounded } from '../util/yaml-source.js';
import type { Logger } from './log.js';
import {
  type ClusterTemplateObject,
  type CredentialObject,
  jsonDocument,
  type ServiceTemplateChainObject,
  type ServiceTemplateObject,
  type Snapshot,
} from './snapshot.js';
import {
  type ClusterTemplateSpec,
  candidateValues,
  clusterTemplateSpec,
  policyTexts,
  type SnapshotSpec,
} from './snapshot-spec.js';
import { type DirPart, loadDirectories } from './source-folders.js';
import { pollChanges } from './watch.js';

export { loadDirectories };

const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface SourceOptions {
  policies: readonly string[];
  templates: readonly string[];
  /** Poll interval of the folders (ms). */
  reloadIntervalMs?: number;
  /** The cluster, read through the Kubernetes store (list and get). */
  kube?: KubeStore;
  /** Re-list interval of the cluster's objects (ms). */
  clusterRefreshMs?: number;
  /** The platform's ceiling on machines per deployment (default DEFAULT_MAX_MACHINES). */
  maxMachines?: number;
  /**
   * Tries a reloaded set before it is taken (the isolate pool's probe worker): a refusal, naming
   * the source that tripped, keeps the last good set.
   */
  probe?: (spec: SnapshotSpec) => Promise<string | undefined>;
}

type ClusterPart = Omit<Snapshot, 'catalog'>;

/** An object from the API server as an input document. */
function sourced(kind: string, o: PlainObject): SourcedDocument {
  const value = copyBounded(o, kind, new ExpansionBudget({ file: kind }, 'json')) as PlainObject;
  const meta = obj(value.metadata);
  const file = `cluster ${kind} ${meta.namespace ? `${str(meta.namespace)}/` : ''}${str(meta.name)}`;
  return { file, value, doc: jsonDocument(value) };
}

/** Every `{apiVersion, kind, name}` reference inside a ClusterClass's spec. */
function templateRefs(cc: PlainObject): Array<{ apiVersion: string; kind: string; name: string }> {
  const out: Array<{ apiVersion: string; kind: string; name: string }> = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 12) return;
    if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (isPlainObject(v)) {
      if (str(v.apiVersion) && str(v.kind) && str(v.name))
        out.push({ apiVersion: str(v.apiVersion), kind: str(v.kind), name: str(v.name) });
      for (const k of Object.keys(v)) walk(v[k], depth + 1);
    }
  };
  walk(cc.spec, 0);
  return out;
}

/** A kind the server does not serve (its CRD is not installed): the store's discovery says 404. */
function notServed(e: unknown): boolean {
  return e instanceof KubeApiError && e.code === 404;
}

/** Every object of a kind, as plain objects; a kind the server does not serve has none. */
async function listAll(kube: KubeStore, type: ResourceType): Promise<PlainObject[]> {
  try {
    return (await kube.list(type)).items as unknown as PlainObject[];
  } catch (e) {
    if (notServed(e)) return [];
    throw e;
  }
}

/** The objects of a kind, or undefined when the cluster does not serve it (its CRD is not installed). */
async function listServed(kube: KubeStore, type: ResourceType): Promise<PlainObject[] | undefined> {
  try {
    return (await kube.list(type)).items as unknown as PlainObject[];
  } catch (e) {
    if (notServed(e)) return undefined;
    throw e;
  }
}

/** Lists what the webhook reads from a cluster. Kinds whose CRD is not installed are empty. */
export async function loadCluster(kube: KubeStore, log: Logger): Promise<ClusterPart> {
  const [templates, policyObjects, namespaces, tenancy] = await Promise.all([
    listAll(kube, { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterTemplate' }),
    listAll(kube, { apiVersion: 'json.kyverno.io/v1alpha1', kind: 'ValidatingPolicy' }),
    listAll(kube, { apiVersion: 'v1', kind: 'Namespace' }),
    loadTenancy(kube, log),
  ]);
  const clusterTemplates = new Map<string, ClusterTemplateObject>();
  for (const t of templates) {
    const meta = obj(t.metadata);
    const revoked = obj(meta.labels)[ACCESS_REVOKED_LABEL] === 'true';
    const helm = obj(obj(t.spec).helm);
    const chartSpec = obj(helm.chartSpec);
    const status = obj(t.status);
    const sourced = chartSpec.sourceRef !== undefined || helm.chartRef !== undefined;
    clusterTemplates.set(`${str(meta.namespace)}/${str(meta.name)}`, {
      namespace: str(meta.namespace),
      name: str(meta.name),
      ...(str(chartSpec.chart) ? { chart: str(chartSpec.chart) } : {}),
      ...(str(chartSpec.version) ? { version: str(chartSpec.version) } : {}),
      ...(typeof status.valid === 'boolean' ? { valid: status.valid } : {}),
      ...(str(status.validationError) ? { validationError: str(status.validationError) } : {}),
      ...(sourced ? { sourced, ...(await sourcedChart(kube, t, log)) } : {}),
      ...(revoked ? { revoked } : {}),
    });
  }
  const policies: LoadedPolicy[] = [];
  for (const p of policyObjects) {
    const meta = obj(p.metadata);
    const name = str(meta.name);
    const clean = {
      apiVersion: p.apiVersion,
      kind: p.kind,
      metadata: {
        name,
        ...(isPlainObject(meta.labels) ? { labels: meta.labels } : {}),
        ...(isPlainObject(meta.annotations) ? { annotations: meta.annotations } : {}),
      },
      spec: p.spec,
    };
    try {
      for (const loaded of parsePolicies(JSON.stringify(clean), `cluster ValidatingPolicy ${name}`)) {
        const broken = compilePolicy(loaded.raw).rules.find((r) => r.compileError);
        if (broken) throw new Error(`rule ${JSON.stringify(broken.name)}: ${broken.compileError?.message}`);
        policies.push(loaded);
      }
    } catch (e) {
      log.error(
        { policy: name, err: (e as Error).message },
        'skipping a ValidatingPolicy from the cluster that does not load',
      );
    }
  }
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const n of namespaces) namespaceLabels.set(str(obj(n.metadata).name), namespaceTeamLabels(n));
  return {
    clusterTemplates,
    policies,
    namespaceLabels,
    candidates: await loadClusterClasses(kube, log),
    ...tenancy,
    cluster: kube,
  };
}

type TenancyPart = Pick<Snapshot, 'credentials' | 'serviceTemplates' | 'serviceChains'> &
  Required<Pick<Snapshot, 'providerInterfaces' | 'accessManagements'>>;

/** The condition of a type in a status, when set. */
function condition(status: PlainObject, type: string): PlainObject | undefined {
  const list = Array.isArray(status.conditions) ? status.conditions : [];
  return list.map(obj).find((c) => c.type === type);
}

/**
 * What the admission rules read (docs/tenancy.md): Credentials (as the controller judged them),
 * ServiceTemplates, ServiceTemplateChains, ProviderInterfaces and the AccessManagements' names. A
 * ProviderInterface that does not read is skipped, logged; Credentials, ServiceTemplates and
 * ServiceTemplateChains whose CRD is not installed are left out (unknown), the other kinds are
 * empty.
 */
export async function loadTenancy(kube: KubeStore, log: Logger): Promise<TenancyPart> {
  const v1 = 'clustermint.io/v1alpha1';
  const [credentials, serviceTemplates, chains, interfaces, access] = await Promise.all([
    listServed(kube, { apiVersion: v1, kind: 'Credential' }),
    listServed(kube, { apiVersion: v1, kind: 'ServiceTemplate' }),
    listServed(kube, { apiVersion: v1, kind: 'ServiceTemplateChain' }),
    listAll(kube, { apiVersion: v1, kind: 'ProviderInterface' }),
    listAll(kube, { apiVersion: v1, kind: 'AccessManagement' }),
  ]);
  const creds = new Map<string, CredentialObject>();
  for (const c of credentials ?? []) {
    const meta = obj(c.metadata);
    const status = obj(c.status);
    const ready = condition(status, CREDENTIAL_READY_CONDITION);
    const kind = str(obj(obj(c.spec).identityRef).kind);
    creds.set(`${str(meta.namespace)}/${str(meta.name)}`, {
      namespace: str(meta.namespace),
      name: str(meta.name),
      ready: status.ready === true,
      ...(str(ready?.reason) ? { reason: str(ready?.reason) } : {}),
      ...(str(ready?.message) ? { message: str(ready?.message) } : {}),
      ...(kind ? { identityKind: kind } : {}),
      revoked: obj(meta.labels)[ACCESS_REVOKED_LABEL] === 'true',
    });
  }
  const services = new Map<string, ServiceTemplateObject>();
  for (const t of serviceTemplates ?? []) {
    const meta = obj(t.metadata);
    const status = obj(t.status);
    const constraint = str(obj(t.spec).k8sConstraint) || str(status.k8sConstraint);
    services.set(`${str(meta.namespace)}/${str(meta.name)}`, {
      namespace: str(meta.namespace),
      name: str(meta.name),
      ...(typeof status.valid === 'boolean' ? { valid: status.valid } : {}),
      ...(str(status.validationError) ? { validationError: str(status.validationError) } : {}),
      ...(constraint ? { k8sConstraint: constraint } : {}),
      revoked: obj(meta.labels)[ACCESS_REVOKED_LABEL] === 'true',
    });
  }
  const serviceChains = new Map<string, ServiceTemplateChainObject>();
  for (const c of chains ?? []) {
    const meta = obj(c.metadata);
    const revoked = obj(meta.labels)[ACCESS_REVOKED_LABEL] === 'true';
    serviceChains.set(`${str(meta.namespace)}/${str(meta.name)}`, {
      namespace: str(meta.namespace),
      name: str(meta.name),
      ...serviceChainFact(c, revoked),
    });
  }
  const providerInterfaces: ProviderInterfaceFact[] = [];
  for (const p of interfaces) {
    const read = readProviderInterface(p);
    if ('spec' in read) providerInterfaces.push({ provider: read.spec.provider, kinds: read.spec.kinds });
    else
      log.warn(
        {
          providerInterface: str(obj(p.metadata).name),
          problems: read.problems.map((x) => `${x.path}: ${x.message}`),
        },
        'skipping a ProviderInterface that does not read',
      );
  }
  // oldest first: the controller applies the oldest one (docs/tenancy.md)
  const accessManagements = access
    .map((a) => obj(a.metadata))
    .sort((a, b) => str(a.creationTimestamp).localeCompare(str(b.creationTimestamp)))
    .map((m) => str(m.name));
  // a kind the cluster does not serve stays unknown: the rules about it are not judged (as `check`
  // without the platform's objects), rather than every deployment naming one denied
  return {
    ...(credentials ? { credentials: creds } : {}),
    ...(serviceTemplates ? { serviceTemplates: services } : {}),
    ...(chains ? { serviceChains } : {}),
    providerInterfaces,
    accessManagements,
  };
}

/** Charts of sourced ClusterTemplates, kept by digest across reloads. */
let chartLoader: TemplateChartLoader | undefined;

/**
 * The chart a valid sourced ClusterTemplate resolved to (its status.chartDigest): from the memory
 * or disk cache, else loaded through its sources, and only when it still has that digest.
 */
async function sourcedChart(kube: KubeStore, t: PlainObject, log: Logger): Promise<{ sourcedChart?: Chart }> {
  const status = obj(t.status);
  const digest = str(status.chartDigest);
  if (status.valid !== true || !digest) return {};
  chartLoader ??= new TemplateChartLoader({ catalog: new TemplateCatalog() });
  const meta = obj(t.metadata);
  const what = `ClusterTemplate ${str(meta.namespace)}/${str(meta.name)}`;
  const cached = chartLoader.byDigest(digest, `${what} (${digest})`);
  if (cached) return { sourcedChart: cached };
  try {
    const { source } = await decideWithFetch(t, storeFetch(kube));
    if (source.kind !== 'unresolvable') {
      const loaded = await chartLoader.load(source);
      if (loaded.digest === digest) return { sourcedChart: loaded.chart };
    }
    log.warn({ template: what, digest }, 'the chart of a ClusterTemplate is no longer at its digest');
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    log.warn({ template: what, err: formatError(e) }, 'loading the chart of a ClusterTemplate failed');
  }
  return {};
}

/** A source object read from the cluster; a missing one or an unserved kind is undefined. */
function storeFetch(kube: KubeStore): SourceFetch {
  const types = {
    HelmRepository: HELM_REPOSITORY_TYPE,
    OCIRepository: OCI_REPOSITORY_TYPE,
    HelmChart: HELM_CHART_TYPE,
    Secret: SECRET_TYPE,
  };
  return async (kind, namespace, name) => {
    try {
      return (await kube.get({ ...types[kind], namespace, name })) as unknown as PlainObject;
    } catch (e) {
      if (isNotFound(e) || notServed(e)) return undefined;
      throw new ClustermintError('UNREADABLE', `${kind} ${namespace}/${name}: ${(e as Error).message}`);
    }
  };
}

async function loadClusterClasses(kube: KubeStore, log: Logger): Promise<SourcedDocument[]> {
  let classes: PlainObject[] = [];
  for (const version of ['v1beta2', 'v1beta1']) {
    try {
      const listed = await kube.list({ apiVersion: `cluster.x-k8s.io/${version}`, kind: 'ClusterClass' });
      classes = listed.items as unknown as PlainObject[];
      break;
    } catch (e) {
      if (!notServed(e)) throw e;
    }
  }
  const out = classes.map((c) => sourced('ClusterClass', c));
  // the templates the classes reference (the store's discovery finds each kind's resource)
  const seen = new Set<string>();
  for (const c of classes) {
    const ns = str(obj(c.metadata).namespace);
    for (const ref of templateRefs(c)) {
      const key = `${ref.apiVersion}/${ref.kind}/${ns}/${ref.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        const got = await kube.get({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          namespace: ns,
          name: ref.name,
        });
        out.push(sourced(ref.kind, got as unknown as PlainObject));
      } catch (e) {
        if (notServed(e)) continue;
        if (!isNotFound(e)) throw e;
        log.warn({ ref: key }, 'a ClusterClass references a template that does not exist');
      }
    }
  }
  return out;
}

function describeError(e: unknown): string {
  return e instanceof ClustermintError ? formatError(e) : (e as Error).message;
}

/** The current snapshot, reloaded in the background. */
export class Sources {
  private dirs: DirPart;
  private cluster: ClusterPart | undefined;
  private current: Snapshot;
  private currentSpec: SnapshotSpec;
  private readonly stops: Array<() => void> = [];
  private readonly listeners: Array<(spec: SnapshotSpec, generation: number) => void> = [];
  /** Reloads run one at a time (a probe takes a while). */
  private queue: Promise<void> = Promise.resolve();
  /** How many times the folders and the cluster were (re)loaded successfully. */
  generation = 1;
  private stopped = false;

  private constructor(
    private readonly opts: SourceOptions,
    private readonly log: Logger,
    dirs: DirPart,
    cluster: ClusterPart | undefined,
  ) {
    this.dirs = dirs;
    this.cluster = cluster;
    this.current = this.combine(dirs, cluster);
    this.currentSpec = this.describe(cluster);
  }

  /** Loads everything once (a failure here is a startup error), then keeps it current. */
  static async start(opts: SourceOptions, log: Logger): Promise<Sources> {
    const dirs = loadDirectories(opts.policies, opts.templates);
    const cluster = opts.kube ? await loadCluster(opts.kube, log) : undefined;
    const s = new Sources(opts, log, dirs, cluster);
    s.logLoaded('loaded');
    const watched = [...opts.policies, ...opts.templates];
    if (watched.length)
      s.stops.push(pollChanges(watched, opts.reloadIntervalMs ?? 2000, () => void s.reloadDirectories()));
    if (opts.kube) {
      const timer = setInterval(() => void s.reloadCluster(), opts.clusterRefreshMs ?? 30_000);
      timer.unref();
      s.stops.push(() => clearInterval(timer));
    }
    return s;
  }

  snapshot(): Snapshot {
    return this.current;
  }

  /** The current snapshot as a structured-clonable description (snapshot-spec.ts). */
  spec(): SnapshotSpec {
    return this.currentSpec;
  }

  /** Hears every reload taken (with the new generation). */
  onChange(listener: (spec: SnapshotSpec, generation: number) => void): void {
    this.listeners.push(listener);
  }

  reloadDirectories(): Promise<void> {
    return this.serially(async () => {
      let dirs: DirPart;
      try {
        dirs = loadDirectories(this.opts.policies, this.opts.templates);
      } catch (e) {
        this.log.error(
          { err: describeError(e) },
          'reloading the folders failed; keeping the previous policies and templates',
        );
        return;
      }
      if (await this.take(dirs, this.cluster, 'the policy and template folders'))
        this.logLoaded('reloaded the policy and template folders');
    });
  }

  reloadCluster(): Promise<void> {
    const kube = this.opts.kube;
    if (!kube) return Promise.resolve();
    return this.serially(async () => {
      let cluster: ClusterPart;
      try {
        cluster = await loadCluster(kube, this.log);
      } catch (e) {
        // stopped while listing: the store was closed under it, which is no failure
        if (!this.stopped)
          this.log.error(
            { err: describeError(e) },
            'listing the cluster objects failed; keeping the previous ones',
          );
        return;
      }
      // Unchanged (the usual refresh): nothing to take. Taking it anyway would empty the decision
      // caches and have the probe and every isolate rebuild and warm up the same sources. The
      // spec describes all the snapshot holds from the cluster (the isolates build from it).
      if (isDeepStrictEqual(this.describe(cluster), this.currentSpec)) return;
      await this.take(this.dirs, cluster, 'the cluster objects');
    });
  }

  /** Runs reloads one after the other; none after stop() (a queued one would meet a closed store). */
  private serially(run: () => Promise<void>): Promise<void> {
    const unlessStopped = () => (this.stopped ? Promise.resolve() : run());
    this.queue = this.queue.then(unlessStopped, unlessStopped);
    return this.queue;
  }

  /** Takes a reloaded set once the probe (if any) accepted it. */
  private async take(dirs: DirPart, cluster: ClusterPart | undefined, what: string): Promise<boolean> {
    const spec = this.describe(cluster);
    const refusal = this.opts.probe ? await this.opts.probe(spec) : undefined;
    if (this.stopped) return false;
    if (refusal !== undefined) {
      this.log.error(
        { err: refusal, reload: what },
        'refusing the reload: a source stops the evaluation; keeping the previous policies and templates',
      );
      return false;
    }
    this.dirs = dirs;
    this.cluster = cluster;
    this.current = this.combine(dirs, cluster);
    this.currentSpec = spec;
    this.generation++;
    for (const l of this.listeners) l(spec, this.generation);
    return true;
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.stops) s();
    void this.opts.kube?.close();
  }

  private combine(dirs: DirPart, c: ClusterPart | undefined): Snapshot {
    return {
      catalog: dirs.catalog,
      policies: c ? [...dirs.policies, ...c.policies] : dirs.policies,
      candidates: c ? [...c.candidates, ...dirs.candidates] : dirs.candidates,
      clusterTemplates: c?.clusterTemplates,
      namespaceLabels: c?.namespaceLabels ?? new Map(),
      ...(c
        ? {
            credentials: c.credentials,
            serviceTemplates: c.serviceTemplates,
            serviceChains: c.serviceChains,
            providerInterfaces: c.providerInterfaces,
            accessManagements: c.accessManagements,
            cluster: c.cluster,
          }
        : {}),
      ...(this.opts.maxMachines !== undefined ? { maxMachines: this.opts.maxMachines } : {}),
    };
  }

  /** The spec the isolate workers build the same snapshot from (they read the folders themselves). */
  private describe(c: ClusterPart | undefined): SnapshotSpec {
    let clusterTemplates: Map<string, ClusterTemplateSpec> | undefined;
    if (c?.clusterTemplates) {
      clusterTemplates = new Map();
      for (const [k, t] of c.clusterTemplates) clusterTemplates.set(k, clusterTemplateSpec(t));
    }
    return {
      policyFolders: this.opts.policies,
      templateFolders: this.opts.templates,
      clusterPolicies: c ? policyTexts(c.policies) : [],
      clusterCandidates: c ? candidateValues(c.candidates) : [],
      ...(clusterTemplates ? { clusterTemplates } : {}),
      namespaceLabels: c?.namespaceLabels ?? new Map(),
      ...(c?.credentials ? { credentials: c.credentials } : {}),
      ...(c?.serviceTemplates ? { serviceTemplates: c.serviceTemplates } : {}),
      ...(c?.serviceChains ? { serviceChains: c.serviceChains } : {}),
      ...(c?.providerInterfaces ? { providerInterfaces: c.providerInterfaces } : {}),
      ...(c?.accessManagements ? { accessManagements: c.accessManagements } : {}),
      ...(this.opts.maxMachines !== undefined ? { maxMachines: this.opts.maxMachines } : {}),
      readsCluster: c !== undefined,
    };
  }

  private logLoaded(msg: string): void {
    const s = this.current;
    this.log.info(
      {
        policies: s.policies.length,
        templates: s.catalog.list().length,
        candidates: s.candidates.length,
        clusterTemplates: s.clusterTemplates?.size,
        builtinTemplates: BUILTIN_TEMPLATES_DIR,
      },
      msg,
    );
  }
}

/**
 * Runs the gate once per chart with its defaults and the policies, and once per ClusterClass, so that the first admission
 * does not pay for loading the validators and compiling the templates (over a second on a cold
 * process, against the API server's 10 s default timeout). Returns what failed, by chart.
 */
export function warmUpSnapshot(snap: Snapshot): {
  ms: number;
  failures: Array<{ chart: string; err: string }>;
} {
  const started = performance.now();
  const failures: Array<{ chart: string; err: string }> = [];
  for (const entry of snap.catalog.list()) {
    try {
      const chart = snap.catalog.resolve(entry.dir);
      runGate({
        deployment: readClusterDeployment(
          'warm-up',
          jsonDocument({
            apiVersion: 'clustermint.io/v1alpha1',
            kind: 'ClusterDeployment',
            metadata: { name: 'warm-up', namespace: 'warm-up' },
            spec: { template: chart.metadata.name },
          }),
        ),
        resolveTemplate: () => chart,
        policies: snap.policies,
      });
    } catch (e) {
      failures.push({ chart: entry.dir, err: describeError(e) });
    }
  }
  // each ClusterClass once, with a Cluster that sets no variable: its defaults, rules and patches
  for (const c of snap.candidates) {
    if (c.value.kind !== 'ClusterClass') continue;
    const meta = obj(c.value.metadata);
    const value = {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name: 'warm-up', namespace: str(meta.namespace) || 'default' },
      spec: {
        topology: { classRef: { name: str(meta.name) }, version: 'v1.31.0', controlPlane: { replicas: 1 } },
      },
    };
    try {
      runGate({
        topology: {
          cluster: { file: 'warm-up', value, doc: jsonDocument(value) },
          candidates: snap.candidates,
        },
        policies: snap.policies,
      });
    } catch (e) {
      failures.push({ chart: `ClusterClass ${str(meta.name)}`, err: describeError(e) });
    }
  }
  return { ms: Math.round(performance.now() - started), failures };
}

/** warmUpSnapshot, logged. */
export function warmUp(snap: Snapshot, log: Logger): void {
  const { ms, failures } = warmUpSnapshot(snap);
  for (const f of failures) log.warn(f, 'warming up a chart failed');
  log.info({ ms }, 'warmed up');
}
