/**
 * The ClusterTemplate side of the controller: a reconciler that resolves each ClusterTemplate
 * (its source objects read from the store, its chart loaded and checked: gate/cluster-template.ts)
 * and writes k0rdent's status, and the lookup a ClusterDeployment's pass uses to render with the
 * chart its template resolved to (by digest: the chart is downloaded by the template's reconcile,
 * never by a deployment's). Keys in the shared work queue are `template:<namespace>/<name>`.
 */
import type { Chart } from '../api/chart.js';
import {
  CLUSTER_TEMPLATE_TYPE,
  type ClusterTemplateStatus,
  HELM_CHART_TYPE,
  HELM_REPOSITORY_TYPE,
  OCI_REPOSITORY_TYPE,
  SECRET_TYPE,
  type SourceKind,
  templateStatusOf,
} from '../api/cluster-template.js';
import { resolveClusterTemplate } from '../gate/cluster-template.js';
import type { TemplateChartLoader } from '../resolve/template-chart.js';
import {
  decideTemplateSource,
  decideWithFetch,
  type SourceFetch,
  type TemplateSource,
} from '../resolve/template-source.js';
import { isNotFound } from '../store/errors.js';
import type { KubeObject, ResourceType, Store } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import type { PlainObject } from '../util/plain-object.js';
import { originOf } from './copies.js';
import { type ReconcileResult, type Reconciler, TEMPLATE_KEY_PREFIX } from './runtime.js';

const SOURCE_TYPES: Record<SourceKind, ResourceType> = {
  HelmRepository: HELM_REPOSITORY_TYPE,
  OCIRepository: OCI_REPOSITORY_TYPE,
  HelmChart: HELM_CHART_TYPE,
  Secret: SECRET_TYPE,
};

/** How soon a template that names a missing object, or failed to load, is tried again (ms). */
export const TEMPLATE_RETRY_MS = 30_000;

/** A source object from the store; a missing one, or a kind the server does not serve (404), is undefined. */
export function storeFetch(store: Pick<Store, 'get'>): SourceFetch {
  return async (kind, namespace, name) => {
    try {
      return (await store.get({ ...SOURCE_TYPES[kind], namespace, name })) as unknown as PlainObject;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (isNotFound(e) || code === 404) return undefined;
      if (code === 403)
        throw new ClustermintError(
          'UNREADABLE',
          `${kind} ${namespace}/${name} may not be read by the controller: grant its ServiceAccount get on ${kind === 'Secret' ? 'secrets' : `${kind.toLowerCase()}s.source.toolkit.fluxcd.io`} in ${namespace}`,
        );
      throw e;
    }
  };
}

/** JSON equality, key order ignored (the apiserver may return keys in another order). */
function sameJson(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

export interface TemplateReconcilerOptions {
  store: Store;
  loader: TemplateChartLoader;
}

export class TemplateReconciler implements Reconciler {
  constructor(private readonly o: TemplateReconcilerOptions) {}

  async reconcile(key: string): Promise<ReconcileResult> {
    const rest = key.slice(TEMPLATE_KEY_PREFIX.length);
    const slash = rest.indexOf('/');
    const namespace = rest.slice(0, slash);
    const name = rest.slice(slash + 1);
    let ct: KubeObject;
    try {
      ct = await this.o.store.get({ ...CLUSTER_TEMPLATE_TYPE, namespace, name });
    } catch (e) {
      if (isNotFound(e)) return {};
      throw e;
    }
    if (ct.metadata.deletionTimestamp) return {};
    // a distributed copy's status is its origin's, written by the AccessManagement reconciler
    if (await originOf(this.o.store, ct)) return {};
    const template = ct as unknown as PlainObject;
    let decided: TemplateSource;
    try {
      decided = (await decideWithFetch(template, storeFetch(this.o.store))).source;
    } catch (e) {
      if (!(e instanceof ClustermintError)) throw e;
      decided = { kind: 'unresolvable', reason: e.message, waiting: true };
    }
    const resolution = await resolveClusterTemplate(template, decided, this.o.loader);
    const status: ClusterTemplateStatus = resolution.status;
    if (!sameJson(ct.status ?? {}, status)) {
      await this.o.store.updateStatus({ ...ct, status });
    }
    const source = resolution.source;
    if (source.kind === 'unresolvable') return source.waiting ? { requeueAfterMs: TEMPLATE_RETRY_MS } : {};
    if (!status.valid) return { requeueAfterMs: TEMPLATE_RETRY_MS };
    return source.kind === 'source' && source.intervalMs ? { requeueAfterMs: source.intervalMs } : {};
  }
}

/** What a deployment's `spec.template` names, for its pass. */
export type DeploymentTemplate =
  /** No ClusterTemplate object of that name: the catalog, by name, as before. */
  | { kind: 'catalog' }
  | { kind: 'chart'; chart: Chart; key: string }
  | { kind: 'error'; error: ClustermintError };

/**
 * The chart a deployment renders with: its namespace's ClusterTemplate of that name, when there
 * is one, once the template's reconcile has found it valid: the chart by its digest (memory, then
 * the disk cache; downloaded again through the template's sources only when both lost it, and
 * then only if it still has that digest), or its catalog chart.
 */
export async function deploymentTemplate(
  store: Store,
  loader: TemplateChartLoader,
  namespace: string,
  name: string,
): Promise<DeploymentTemplate> {
  let ct: KubeObject;
  try {
    ct = await store.get({ ...CLUSTER_TEMPLATE_TYPE, namespace, name });
  } catch (e) {
    if (isNotFound(e) || (e as { code?: unknown }).code === 404) return { kind: 'catalog' };
    throw e;
  }
  const fail = (code: 'INVALID_CHART' | 'TEMPLATE_NOT_READY', message: string): DeploymentTemplate => ({
    kind: 'error',
    error: new ClustermintError(code, message),
  });
  const status = templateStatusOf(ct);
  if (!status || status.observedGeneration !== ct.metadata.generation)
    return fail('TEMPLATE_NOT_READY', `the ClusterTemplate ${name} has not been resolved yet`);
  if (!status.valid)
    return fail(
      'INVALID_CHART',
      `the ClusterTemplate ${name} is invalid with the error: ${status.validationError ?? '(no message)'}`,
    );
  const template = ct as unknown as PlainObject;
  const digest = status.chartDigest;
  if (digest) {
    const chart = loader.byDigest(digest, `ClusterTemplate ${namespace}/${name} (${digest})`);
    if (chart) return { kind: 'chart', chart, key: digest };
    // the caches lost it (another replica resolved it, or the cache was cleared): load it again,
    // a distributed copy's through its origin (its sources are in the system namespace)
    try {
      const origin = await originOf(store, ct);
      const { source } = await decideWithFetch((origin ?? ct) as unknown as PlainObject, storeFetch(store));
      if (source.kind !== 'unresolvable') {
        const loaded = await loader.load(source);
        if (loaded.digest === digest) return { kind: 'chart', chart: loaded.chart, key: digest };
      }
    } catch (e) {
      if (!(e instanceof ClustermintError)) throw e;
      return fail(
        'TEMPLATE_NOT_READY',
        `the chart of ClusterTemplate ${name} cannot be loaded: ${e.message}`,
      );
    }
    return fail(
      'TEMPLATE_NOT_READY',
      `the chart of ClusterTemplate ${name} is no longer at ${digest}; waiting for the template to be resolved again`,
    );
  }
  const source = decideTemplateSource(template, () => undefined);
  if (source.kind === 'unresolvable')
    return fail('INVALID_CHART', `the ClusterTemplate ${name} is invalid with the error: ${source.reason}`);
  try {
    const loaded = await loader.load(source);
    return { kind: 'chart', chart: loaded.chart, key: `${loaded.origin}@${status.chartVersion ?? ''}` };
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    return fail('TEMPLATE_NOT_READY', `the chart of ClusterTemplate ${name} cannot be loaded: ${e.message}`);
  }
}
