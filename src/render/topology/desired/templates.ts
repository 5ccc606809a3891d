/**
 * Objects and per-cluster template copies made from a ClusterClass's templates
 * (`templateToObject`, `templateToTemplate` of Cluster API's desired state), and the
 * references between generated objects.
 */

import {
  ANNOTATION_CLONED_FROM_GROUPKIND,
  ANNOTATION_CLONED_FROM_NAME,
  ANNOTATION_LAST_APPLIED,
  LABEL_CLUSTER_NAME,
  LABEL_TOPOLOGY_OWNED,
} from '../../../domain/labels.js';
import {
  cloneTree,
  isPlainObject,
  type PlainObject,
  setOwn,
  withoutKeys,
} from '../../../util/plain-object.js';
import type {
  ContractVersionedObjectReference,
  ProviderTemplate,
  StringMap,
  TopologyObject,
} from '../types.js';
import { assignAll, type ClusterInfo, generatedMeta, ownerRefTo, stringMap } from './metadata.js';

export function groupOf(apiVersion: string): string {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

export function groupKind(apiVersion: string, kind: string): string {
  const g = groupOf(apiVersion);
  return g ? `${kind}.${g}` : kind;
}

/** `ContractVersionedObjectReference` of an object. */
export function contractRef(obj: TopologyObject): ContractVersionedObjectReference {
  return {
    apiGroup: groupOf(typeof obj.apiVersion === 'string' ? obj.apiVersion : ''),
    kind: obj.kind,
    name: obj.metadata.name as string,
  };
}

/** Sets `value` at `path`, creating the objects on the way. */
export function setPath(obj: PlainObject, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const p = path[i];
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as PlainObject;
  }
  cur[path[path.length - 1]] = value;
}

// Provider templates (the objects a class references) follow no schema clustermint knows: their
// envelope and bodies are read with coercion, as untrusted input, here and wherever a generated
// object's provider-owned fields are read.
export const asObject = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const asString = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `{apiVersion, kind, metadata, ...the body's other fields, copied}`. */
function withBody(
  apiVersion: unknown,
  kind: unknown,
  metadata: PlainObject,
  body: PlainObject,
): TopologyObject {
  const out: PlainObject = { apiVersion, kind, metadata };
  for (const k of Object.keys(body))
    if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') setOwn(out, k, cloneTree(body[k]));
  return out as TopologyObject;
}

const LAST_APPLIED: ReadonlySet<string> = new Set([ANNOTATION_LAST_APPLIED]);

/** `templateToObject`: the object a template's `spec.template` describes, with optional owners. */
export function templateToObject(
  template: ProviderTemplate,
  cluster: ClusterInfo,
  name: string,
  labels: StringMap,
  annotations: StringMap,
  ownerReferences?: PlainObject[],
): TopologyObject {
  const body = asObject(asObject(template.spec).template);
  const meta = asObject(body.metadata);
  const apiVersion = asString(body.apiVersion) || asString(template.apiVersion);
  const kind = asString(body.kind) || asString(template.kind).replace(/Template$/, '');
  const outLabels = assignAll(stringMap(meta.labels), labels);
  outLabels[LABEL_CLUSTER_NAME] = cluster.name;
  const outAnnotations = assignAll(stringMap(meta.annotations), annotations);
  outAnnotations[ANNOTATION_CLONED_FROM_NAME] = asString(asObject(template.metadata).name);
  outAnnotations[ANNOTATION_CLONED_FROM_GROUPKIND] = groupKind(
    asString(template.apiVersion),
    asString(template.kind),
  );
  const fields: PlainObject = {
    name,
    namespace: cluster.namespace,
    labels: outLabels,
    annotations: outAnnotations,
  };
  if (ownerReferences) fields.ownerReferences = ownerReferences;
  return withBody(apiVersion, kind, generatedMeta(meta, fields), body);
}

/** `templateToTemplate`: a per-cluster copy of a ClusterClass template. */
export function templateToTemplate(
  template: ProviderTemplate,
  cluster: ClusterInfo,
  name: string,
  extraLabels: StringMap,
): TopologyObject {
  const meta = asObject(template.metadata);
  const annotations = stringMap(meta.annotations);
  annotations[ANNOTATION_CLONED_FROM_NAME] = asString(meta.name);
  annotations[ANNOTATION_CLONED_FROM_GROUPKIND] = groupKind(
    asString(template.apiVersion),
    asString(template.kind),
  );
  const labels = stringMap(meta.labels);
  labels[LABEL_CLUSTER_NAME] = cluster.name;
  labels[LABEL_TOPOLOGY_OWNED] = '';
  assignAll(labels, extraLabels);
  const outMeta = generatedMeta(meta, {
    name,
    namespace: cluster.namespace,
    labels,
    annotations: Object.hasOwn(annotations, ANNOTATION_LAST_APPLIED)
      ? withoutKeys(annotations, LAST_APPLIED)
      : annotations,
    ownerReferences: ownerRefTo(cluster),
  });
  return withBody(template.apiVersion, template.kind, outMeta, template);
}
