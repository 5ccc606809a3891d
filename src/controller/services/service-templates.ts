/**
 * A service's ServiceTemplate, found and loaded: in the cluster's namespace (the team's own),
 * else in the system namespace (the platform's catalog); a Helm chart through the same chart
 * sources a ClusterTemplate uses (HelmRepository, OCIRepository, HelmChart, the catalog), or
 * plain manifests from a ConfigMap or Secret (`spec.resources.localSourceRef`).
 */
import type { Chart } from '../../api/chart.js';
import { SERVICE_TEMPLATE_TYPE } from '../../api/services.js';
import { SYSTEM_NAMESPACE } from '../../domain/system-namespace.js';
import type { TemplateChartLoader } from '../../resolve/template-chart.js';
import { decideWithFetch } from '../../resolve/template-source.js';
import { manifestsFromData } from '../../services/manifests.js';
import { getIfExists } from '../../store/errors.js';
import type { KubeObject, Store } from '../../store/types.js';
import { ClustermintError } from '../../util/errors.js';
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { originOf } from '../copies.js';
import { storeFetch } from '../templates.js';
import { isForbidden, notGranted } from './access.js';

export { SYSTEM_NAMESPACE };

const SERVICE_TEMPLATE = SERVICE_TEMPLATE_TYPE;

export type LoadedService =
  | { kind: 'chart'; template: KubeObject; chart: Chart; origin: string }
  | { kind: 'manifests'; template: KubeObject; manifests: PlainObject[]; origin: string };

/** Why a template cannot be used: a reason for the service's status and a message. */
export class ServiceTemplateError extends Error {
  constructor(
    readonly reason: 'TemplateNotFound' | 'TemplateInvalid' | 'SourceNotReady',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where a service's template is looked for. Open mode: the cluster's namespace, then the system
 * namespace. Tenancy mode (an AccessManagement exists): a deployment's own services only in its
 * namespace (its team's templates and the distributed copies); a MultiClusterService's (owner
 * `MultiClusterService/...`, cluster-scoped, the platform's) in the system namespace.
 */
export function serviceTemplateNamespaces(
  namespace: string,
  o: { tenancy?: boolean; owner?: string } = {},
): string[] {
  if (namespace === SYSTEM_NAMESPACE) return [namespace];
  if (!o.tenancy) return [namespace, SYSTEM_NAMESPACE];
  return o.owner?.startsWith('MultiClusterService/') ? [SYSTEM_NAMESPACE] : [namespace];
}

export async function findServiceTemplate(
  store: Pick<Store, 'get'>,
  namespace: string,
  name: string,
  o: { tenancy?: boolean; owner?: string } = {},
): Promise<KubeObject> {
  const where = serviceTemplateNamespaces(namespace, o);
  for (const ns of where) {
    const t = await getIfExists(store, { ...SERVICE_TEMPLATE, namespace: ns, name });
    if (t) return t;
  }
  throw new ServiceTemplateError(
    'TemplateNotFound',
    where.length === 2
      ? `ServiceTemplate ${name} is neither in namespace ${namespace} nor in ${SYSTEM_NAMESPACE}`
      : `ServiceTemplate ${name} is not in namespace ${where[0]}${o.tenancy && where[0] !== SYSTEM_NAMESPACE ? '; the platform distributes ServiceTemplates through AccessManagement' : ''}`,
  );
}

export async function loadServiceTemplate(
  store: Pick<Store, 'get'>,
  loader: TemplateChartLoader,
  template: KubeObject,
): Promise<LoadedService> {
  const ns = template.metadata.namespace ?? 'default';
  const name = `ServiceTemplate ${ns}/${template.metadata.name}`;
  const spec = (isPlainObject(template.spec) ? template.spec : {}) as PlainObject;
  const hasHelm = isPlainObject(spec.helm);
  const hasResources = isPlainObject(spec.resources);
  if (hasHelm && hasResources)
    throw new ServiceTemplateError(
      'TemplateInvalid',
      `${name}: Helm, Kustomize and Resources are mutually exclusive`,
    );
  if (isPlainObject(spec.kustomize))
    throw new ServiceTemplateError(
      'TemplateInvalid',
      `${name}: spec.kustomize is not supported; use spec.helm or spec.resources`,
    );
  if (hasResources)
    return {
      kind: 'manifests',
      template,
      ...(await manifestsOf(
        store,
        (await originOf(store, template)) ?? template,
        spec.resources as PlainObject,
      )),
    };
  if (!hasHelm)
    throw new ServiceTemplateError(
      'TemplateInvalid',
      `${name}: One of Helm, Kustomize, or Resources must be specified`,
    );
  // a distributed copy's chart comes through its origin (the sources are in the system namespace)
  const from = (await originOf(store, template)) ?? template;
  const { source } = await decideWithFetch(from as unknown as PlainObject, storeFetch(store));
  if (source.kind === 'unresolvable')
    throw new ServiceTemplateError(
      source.waiting ? 'SourceNotReady' : 'TemplateInvalid',
      `${name}: ${source.reason}`,
    );
  try {
    const loaded = await loader.load(source);
    return { kind: 'chart', template, chart: loaded.chart, origin: loaded.origin };
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    throw new ServiceTemplateError('TemplateInvalid', `${name}: ${e.message}`);
  }
}

async function manifestsOf(
  store: Pick<Store, 'get'>,
  template: KubeObject,
  resources: PlainObject,
): Promise<{ manifests: PlainObject[]; origin: string }> {
  const ns = template.metadata.namespace ?? 'default';
  const ref = isPlainObject(resources.localSourceRef) ? resources.localSourceRef : undefined;
  if (!ref)
    throw new ServiceTemplateError(
      'TemplateInvalid',
      `ServiceTemplate ${ns}/${template.metadata.name}: spec.resources.localSourceRef is required (remote sources are not supported)`,
    );
  const kind = String(ref.kind ?? '');
  if (kind !== 'ConfigMap' && kind !== 'Secret')
    throw new ServiceTemplateError(
      'TemplateInvalid',
      `ServiceTemplate ${ns}/${template.metadata.name}: spec.resources.localSourceRef.kind must be ConfigMap or Secret, not ${JSON.stringify(ref.kind)}`,
    );
  const refNs = typeof ref.namespace === 'string' && ref.namespace ? ref.namespace : ns;
  const origin = `${kind} ${refNs}/${String(ref.name)}`;
  let obj: KubeObject | undefined;
  try {
    obj = await getIfExists(store, {
      apiVersion: 'v1',
      kind,
      namespace: refNs,
      name: String(ref.name ?? ''),
    });
  } catch (e) {
    if (!isForbidden(e)) throw e;
    throw new ServiceTemplateError(
      'SourceNotReady',
      notGranted(kind, refNs, String(ref.name), `the manifests of ServiceTemplate ${template.metadata.name}`),
    );
  }
  if (!obj)
    throw new ServiceTemplateError(
      'SourceNotReady',
      `${origin} (the manifests of ServiceTemplate ${template.metadata.name}) does not exist`,
    );
  const parsed = manifestsFromData(obj, origin);
  if ('error' in parsed) throw new ServiceTemplateError('TemplateInvalid', parsed.error.message);
  return { manifests: parsed.objects as PlainObject[], origin };
}
