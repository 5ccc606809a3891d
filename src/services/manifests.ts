/**
 * Plain manifests kept in a ConfigMap or Secret (a ServiceTemplate's `spec.resources`, a
 * ClusterResourceSet's resources): every data key, in sorted order, holds one or more YAML or
 * JSON documents, each an object with apiVersion, kind and metadata.name. Parsed with the same
 * bounded YAML reader as every input (alias bombs, deep nesting and huge texts are errors); an
 * error names the object, the key and the line.
 */
import { ClustermintError } from '../util/errors.js';
import { isPlainObject } from '../util/plain-object.js';
import { parseYamlSource } from '../util/yaml-source.js';

export interface ManifestError {
  reason: 'InvalidManifest';
  message: string;
}

/** The data of a ConfigMap (data) or Secret (data, base64), key -> text, keys sorted. */
export function dataTexts(obj: { kind?: unknown; data?: unknown; stringData?: unknown }): [string, string][] {
  const data = isPlainObject(obj.data) ? obj.data : {};
  const secret = obj.kind === 'Secret';
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(data))
    if (typeof v === 'string') out.set(k, secret ? Buffer.from(v, 'base64').toString('utf8') : v);
  if (secret && isPlainObject(obj.stringData))
    for (const [k, v] of Object.entries(obj.stringData)) if (typeof v === 'string') out.set(k, v);
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function manifestsFromData(
  obj: { kind?: unknown; data?: unknown; stringData?: unknown },
  origin: string,
): { objects: Record<string, unknown>[] } | { error: ManifestError } {
  const objects: Record<string, unknown>[] = [];
  for (const [key, text] of dataTexts(obj)) {
    const file = `${origin} key ${key}`;
    let docs: ReturnType<typeof parseYamlSource>;
    try {
      docs = parseYamlSource(text, file);
    } catch (e) {
      if (!(e instanceof ClustermintError)) throw e;
      return { error: { reason: 'InvalidManifest', message: e.message } };
    }
    for (const doc of docs) {
      const v = doc.value;
      if (v === null || v === undefined) continue;
      const line = doc.locate([])?.line ?? 1;
      const where = `${file}, line ${line}`;
      if (!isPlainObject(v))
        return { error: { reason: 'InvalidManifest', message: `${where}: a manifest must be an object` } };
      // A List's items are manifests too (kubectl's convention).
      const items = v.kind === 'List' && Array.isArray(v.items) ? v.items : [v];
      for (const item of items) {
        if (!isPlainObject(item) || typeof item.apiVersion !== 'string' || typeof item.kind !== 'string')
          return {
            error: { reason: 'InvalidManifest', message: `${where}: a manifest needs apiVersion and kind` },
          };
        const meta = item.metadata;
        if (!isPlainObject(meta) || typeof meta.name !== 'string' || meta.name === '')
          return {
            error: { reason: 'InvalidManifest', message: `${where}: ${item.kind} needs metadata.name` },
          };
        objects.push(item);
      }
    }
  }
  return { objects };
}
