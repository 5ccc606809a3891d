/**
 * The objects a ClusterResourceSet resource (a ConfigMap or Secret) holds, by Cluster API's rules
 * (core/reconcilers/clusterresourceset): a Secret must have type
 * `addons.cluster.x-k8s.io/resource-set` and its data is base64; every data key, in sorted order,
 * holds a JSON list of objects or (multi-document) YAML; each key's objects are ordered for
 * creation (Namespaces, CRDs, storage, Secrets, ConfigMaps ... first). The hash, Cluster API's,
 * is `sha256:` and the hex SHA-256 of the decoded values concatenated in key order, so a binding
 * written by Cluster API and one written here agree. Unlike Cluster API, an unreadable value or
 * an object without apiVersion, kind or name is an error naming the key and the document's line.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../k8s/object.js';
import { append } from '../util/append.js';
import { ClustermintError } from '../util/errors.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { copyBounded, parseYamlSource } from '../util/yaml-source.js';

export const RESOURCE_SET_SECRET_TYPE = 'addons.cluster.x-k8s.io/resource-set';

export type CrsManifests =
  | { objects: Record<string, unknown>[]; hash: string }
  | { error: { reason: 'ResourceNotFound' | 'WrongSecretType' | 'InvalidManifest'; message: string } };

// Cluster API's util/resource SortForCreate: these kinds first, in this order, the rest after.
const CREATE_ORDER = new Map(
  [
    'Namespace',
    'CustomResourceDefinition',
    'StorageClass',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'Secret',
    'ConfigMap',
    'ServiceAccount',
    'LimitRange',
    'Pod',
    'ReplicaSet',
    'Endpoint',
  ].map((k, i) => [k, i - 100]),
);
const createRank = (o: PlainObject) => CREATE_ORDER.get(o.kind as string) ?? 0;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

class InvalidManifest extends Error {}

export function clusterResourceSetManifests(
  resource: KubeObject | undefined,
  ref: { name: string; kind: 'Secret' | 'ConfigMap' },
): CrsManifests {
  const what = `${ref.kind} ${JSON.stringify(ref.name)}`;
  if (resource === undefined || resource.kind !== ref.kind)
    return { error: { reason: 'ResourceNotFound', message: `${what} not found` } };
  if (ref.kind === 'Secret' && resource.type !== RESOURCE_SET_SECRET_TYPE) {
    return {
      error: {
        reason: 'WrongSecretType',
        message: `${what} has type ${JSON.stringify(resource.type ?? '')}: a ClusterResourceSet reads only Secrets of type ${RESOURCE_SET_SECRET_TYPE}`,
      },
    };
  }
  const fail = (message: string): CrsManifests => ({ error: { reason: 'InvalidManifest', message } });
  const data = resource.data;
  if (!isPlainObject(data)) return fail(`${what} has no data`);
  const values: Buffer[] = [];
  const objects: Record<string, unknown>[] = [];
  for (const key of Object.keys(data).sort()) {
    const at = `${what}, data key ${JSON.stringify(key)}`;
    const raw = data[key];
    if (typeof raw !== 'string') return fail(`${at}: the value is not a string`);
    if (ref.kind === 'Secret' && !BASE64.test(raw)) return fail(`${at}: the value is not base64`);
    const bytes = ref.kind === 'Secret' ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    values.push(bytes);
    try {
      const found = objectsIn(bytes.toString('utf8'), at);
      // A stable sort, as SortForCreate is.
      append(
        objects,
        found.sort((a, b) => createRank(a) - createRank(b)),
      );
    } catch (e) {
      if (e instanceof InvalidManifest) return fail(e.message);
      if (e instanceof ClustermintError) return fail(`${at}${where(e)}: ${e.message}`);
      throw e;
    }
  }
  const hash = createHash('sha256');
  for (const v of values) hash.update(v);
  return { objects, hash: `sha256:${hash.digest('hex')}` };
}

/** `, line L, column C` of a YAML reader's error, when it has one. */
function where(e: ClustermintError): string {
  const { line, col } = e.location ?? {};
  if (line === undefined) return '';
  return col === undefined ? `, line ${line}` : `, line ${line}, column ${col}`;
}

/** The objects one data value holds; throws InvalidManifest or the YAML reader's error. */
function objectsIn(text: string, at: string): PlainObject[] {
  if (text.trimStart().startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (e) {
      throw new InvalidManifest(`${at}: not a JSON list of objects: ${(e as Error).message}`);
    }
    if (!Array.isArray(list)) throw new InvalidManifest(`${at}: not a JSON list of objects`);
    // within the depth limit, with prototype-less maps, as the YAML reader gives them
    return (copyBounded(list, at) as unknown[]).map((o, i) => checked(o, `${at}: list item ${i}`));
  }
  const out: PlainObject[] = [];
  for (const doc of parseYamlSource(text, at)) {
    if (doc.value === null) continue; // an empty document, as Cluster API skips it
    const line = doc.locate([])?.line;
    out.push(checked(doc.value, `${at}: the document${line !== undefined ? ` at line ${line}` : ''}`));
  }
  return out;
}

function checked(o: unknown, at: string): PlainObject {
  if (!isPlainObject(o)) throw new InvalidManifest(`${at} is not an object`);
  for (const k of ['apiVersion', 'kind'])
    if (typeof o[k] !== 'string' || o[k] === '') throw new InvalidManifest(`${at} has no ${k}`);
  const name = isPlainObject(o.metadata) ? o.metadata.name : undefined;
  if (typeof name !== 'string' || name === '') throw new InvalidManifest(`${at} has no metadata.name`);
  return o;
}
