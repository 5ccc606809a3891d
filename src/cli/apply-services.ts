/**
 * What `apply` stores for the add-on kinds: ServiceTemplate, ServiceTemplateChain,
 * MultiClusterService, ClusterResourceSet and the ConfigMaps / Secrets they (and valuesFrom,
 * adopted clusters) refer to; and for the tenancy kinds (docs/tenancy.md): Credential,
 * AccessManagement, ProviderInterface, SimulatedClusterIdentity. Each document is checked by its kind's reader and schema before
 * anything is stored; the first problem is the error (file:line:col and JSON path), the others
 * are listed under it.
 */

import { DEPLOYMENT_HISTORY_TYPE } from '../api/deployment-history.js';
import {
  isClusterResourceSet,
  isMultiClusterService,
  isServiceTemplate,
  type ReadProblem,
  readClusterResourceSet,
  readMultiClusterService,
  readServiceTemplate,
} from '../api/services.js';
import { chainProblems, isServiceTemplateChain } from '../api/template-chain.js';
import { tenancyKindOf } from '../api/tenancy-kinds.js';
import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from '../k8s/names.js';
import type { NewObject } from '../store/types.js';
import { append } from '../util/append.js';
import { ClustermintError } from '../util/errors.js';
import { formatPath, type PathSegment, parsePath } from '../util/json-path.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import type { SourceDocument } from '../util/yaml-source.js';
import { storedKindProblems } from '../validate/stored-kinds.js';

interface Kind {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** The reader's problems (none: the schema alone checks the kind). */
  read?: (o: PlainObject) => ReadProblem[];
}

const problemsOf = (r: { problems: ReadProblem[] } | { spec: unknown }): ReadProblem[] =>
  'problems' in r ? r.problems : [];

/** The kind a document is of, with the apiVersion it is stored as (k0rdent's and v1beta1 read too). */
function kindOf(v: PlainObject): Kind | undefined {
  if (isServiceTemplate(v))
    return {
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ServiceTemplate',
      namespaced: true,
      read: (o) => problemsOf(readServiceTemplate(o)),
    };
  if (isServiceTemplateChain(v))
    return {
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ServiceTemplateChain',
      namespaced: true,
      read: (o) => chainProblems(o).map((message) => ({ path: '$.spec', message })),
    };
  if (isMultiClusterService(v))
    return {
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'MultiClusterService',
      namespaced: false,
      read: (o) => problemsOf(readMultiClusterService(o)),
    };
  if (isClusterResourceSet(v))
    return {
      apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
      kind: 'ClusterResourceSet',
      namespaced: true,
      read: (o) => problemsOf(readClusterResourceSet(o)),
    };
  // the tenancy kinds, but never a DeploymentHistory: the audit trail is written by clustermint only
  const tenancy = tenancyKindOf(v);
  if (tenancy && tenancy.type.kind !== DEPLOYMENT_HISTORY_TYPE.kind)
    return { ...tenancy.type, namespaced: tenancy.namespaced, read: tenancy.problems };
  if (v.apiVersion === 'v1' && (v.kind === 'ConfigMap' || v.kind === 'Secret'))
    return { apiVersion: 'v1', kind: v.kind, namespaced: true };
  return undefined;
}

/** Whether `apply` stores documents of this kind through serviceKindObject. */
export function isServiceKindDocument(v: unknown): boolean {
  return isPlainObject(v) && kindOf(v) !== undefined;
}

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A map of strings at `metadata.<field>`, copied; a problem otherwise. */
function stringMap(
  meta: PlainObject,
  field: string,
  problems: ReadProblem[],
): Record<string, string> | undefined {
  const m = meta[field];
  if (m === undefined) return undefined;
  if (!isPlainObject(m) || Object.values(m).some((x) => typeof x !== 'string')) {
    problems.push({
      path: formatPath(['metadata', field]),
      message: `metadata.${field} must be a map of strings`,
    });
    return undefined;
  }
  return json(m as Record<string, string>);
}

function metadataOf(v: PlainObject, kind: Kind, problems: ReadProblem[]): NewObject['metadata'] {
  const meta = isPlainObject(v.metadata) ? v.metadata : undefined;
  if (!meta) {
    problems.push({ path: '$.metadata', message: 'metadata is required (with a name)' });
    return { name: '' };
  }
  const name = meta.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS1123_SUBDOMAIN.test(name))
    problems.push({
      path: '$.metadata.name',
      message: 'metadata.name must be a DNS-1123 name (lowercase letters, digits, "-", ".")',
    });
  const namespace = meta.namespace ?? 'default';
  if (
    kind.namespaced &&
    (typeof namespace !== 'string' || namespace.length > 63 || !DNS1123_LABEL.test(namespace))
  )
    problems.push({ path: '$.metadata.namespace', message: 'metadata.namespace must be a DNS-1123 label' });
  const labels = stringMap(meta, 'labels', problems);
  const annotations = stringMap(meta, 'annotations', problems);
  return {
    name: String(name),
    // a cluster-scoped kind (MultiClusterService, AccessManagement, ...) has no namespace; one given is ignored, as kubectl does
    ...(kind.namespaced ? { namespace: String(namespace) } : {}),
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

/** A Secret as the API server stores it: stringData merged into data (base64), stringData dropped. */
function secretData(v: PlainObject): PlainObject {
  if (!isPlainObject(v.stringData)) return v;
  const { stringData, ...rest } = v;
  const data: Record<string, string> = isPlainObject(rest.data)
    ? { ...(rest.data as Record<string, string>) }
    : {};
  for (const [k, s] of Object.entries(stringData as PlainObject))
    if (typeof s === 'string') data[k] = Buffer.from(s, 'utf8').toString('base64');
  return { ...rest, data };
}

function fail(file: string, doc: SourceDocument, kind: string, problems: ReadProblem[]): never {
  const [first, ...rest] = problems;
  const segments: PathSegment[] = parsePath(first.path);
  const pos = doc.locate(segments, first.atKey);
  throw new ClustermintError(
    'INVALID_SUBMISSION',
    `invalid ${kind}: ${first.message}`,
    { file, line: pos?.line, col: pos?.col, path: first.path },
    rest.map((p) => {
      const at = doc.locate(parsePath(p.path), p.atKey);
      return `${at ? `${file}:${at.line}:${at.col} ` : ''}(${p.path}) ${p.message}`;
    }),
  );
}

/**
 * The object to store for a document of the add-on kinds (undefined for any other document),
 * or a located ClustermintError when the reader or the kind's schema refuses it.
 */
export function serviceKindObject(file: string, doc: SourceDocument): NewObject | undefined {
  const v = doc.value;
  if (!isPlainObject(v)) return undefined;
  const kind = kindOf(v);
  if (!kind) return undefined;
  const problems: ReadProblem[] = [];
  const metadata = metadataOf(v, kind, problems);
  const {
    metadata: _m,
    status: _s,
    apiVersion: _a,
    kind: _k,
    ...body
  } = kind.kind === 'Secret' ? secretData(v) : v;
  const obj: NewObject = { apiVersion: kind.apiVersion, kind: kind.kind, metadata, ...json(body) };
  append(problems, kind.read?.(v) ?? []);
  if (problems.length === 0) {
    const checked: PlainObject = { ...obj, metadata: json(v.metadata) };
    for (const p of storedKindProblems(checked))
      problems.push({
        path: formatPath(p.path),
        message: p.message,
        ...(p.keyword === 'additionalProperties' ? { atKey: true } : {}),
      });
  }
  if (problems.length) fail(file, doc, kind.kind, problems);
  return obj;
}
