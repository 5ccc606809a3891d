/**
 * Bootstrap files whose content comes from a Secret or ConfigMap (`files[].contentFrom`), read
 * from the store in the deployment's namespace before bootstrap data is generated, as the
 * kubeadm and k0s bootstrap providers do. A missing object or key, or one the controller may not
 * read (its shipped role has no Secrets: a namespace grants them), is not an error of the
 * deployment: its machines wait, and the reconciler tries again.
 */

import type { BootstrapFile, UnresolvedBootstrapFile } from '../providers/contract.js';
import { isNotFound } from '../store/errors.js';
import type { Store } from '../store/types.js';
import { isPlainObject } from '../util/plain-object.js';

export type FileResolution = { files: BootstrapFile[] } | { missing: string };

const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;
const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

/** A refusal of the API server (HTTP 403): the controller's role does not cover the object. */
const isForbidden = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 403;

const fromBase64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

/** The value of `key`: base64 `data` / plain `stringData` of a Secret, `data` / base64 `binaryData` of a ConfigMap. */
function keyValue(
  kind: 'Secret' | 'ConfigMap',
  obj: Record<string, unknown>,
  key: string,
): string | undefined {
  const read = (field: string): unknown => {
    const m = obj[field];
    return isPlainObject(m) && Object.hasOwn(m, key) ? m[key] : undefined;
  };
  const [encoded, plain] =
    kind === 'Secret' ? [read('data'), read('stringData')] : [read('binaryData'), read('data')];
  if (typeof plain === 'string') return plain;
  if (typeof encoded === 'string') return fromBase64(encoded);
  return undefined;
}

/** Reads every file's content; the first one that cannot be read says what is missing. */
export async function resolveBootstrapFiles(
  store: Store,
  namespace: string,
  unresolved: readonly UnresolvedBootstrapFile[],
): Promise<FileResolution> {
  const files: BootstrapFile[] = [];
  for (const f of unresolved) {
    const { kind, name, key } = f.contentFrom;
    let obj: Record<string, unknown>;
    try {
      obj = (await store.get({ ...(kind === 'Secret' ? SECRET : CONFIG_MAP), namespace, name })) as never;
    } catch (e) {
      if (isForbidden(e))
        return {
          missing: `${kind} ${namespace}/${name} (for ${f.path}) may not be read by the controller: grant its ServiceAccount get on ${kind === 'Secret' ? 'secrets' : 'configmaps'} in ${namespace} (deploy/README.md)`,
        };
      if (!isNotFound(e)) throw e;
      return { missing: `${kind} ${namespace}/${name} (for ${f.path}) does not exist` };
    }
    const content = keyValue(kind, obj, key);
    if (content === undefined)
      return { missing: `${kind} ${namespace}/${name} has no key ${JSON.stringify(key)} (for ${f.path})` };
    files.push({ path: f.path, content, ...(f.permissions ? { permissions: f.permissions } : {}) });
  }
  return { files };
}
