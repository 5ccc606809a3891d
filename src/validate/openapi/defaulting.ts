/**
 * Structural defaulting (apiextensions `structuraldefaulting.Default`) and the unknown-field
 * paths pruning would drop (`pruning.PruneWithOptions` with TrackUnknownFieldPaths).
 */
import { isPlainObject } from '../../util/plain-object.js';
import { jsonCopy } from './json.js';
import { additionalSchema, type JSONSchemaProps, own, preservesUnknown } from './schema.js';

const nonNullableNull = (v: unknown, s: JSONSchemaProps): boolean =>
  (v === null || v === undefined) && s.nullable !== true;

/**
 * Applies `default`s in place: a missing (or non-nullable null) property gets its default, then
 * defaulting continues inside it, inside existing objects, maps and array items.
 */
export function applyDefaults(x: unknown, s: JSONSchemaProps | undefined): void {
  if (s === undefined) return;
  if (isPlainObject(x)) {
    for (const k of Object.keys(s.properties ?? {})) {
      const prop = s.properties![k];
      if (prop.default === undefined) continue;
      if (!Object.hasOwn(x, k) || nonNullableNull(x[k], prop)) {
        Object.defineProperty(x, k, {
          value: jsonCopy(prop.default),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    const extra = additionalSchema(s);
    for (const k of Object.keys(x)) {
      const prop = own(s.properties, k);
      if (prop !== undefined) applyDefaults(x[k], prop);
      else if (extra !== undefined) {
        if (nonNullableNull(x[k], extra) && extra.default !== undefined) x[k] = jsonCopy(extra.default);
        applyDefaults(x[k], extra);
      }
    }
  } else if (Array.isArray(x) && s.items) {
    for (let i = 0; i < x.length; i++) {
      if (nonNullableNull(x[i], s.items) && s.items.default !== undefined) x[i] = jsonCopy(s.items.default);
      applyDefaults(x[i], s.items);
    }
  }
}

/** Paths of fields the schema does not specify (`a.b`, `list[0].c`), in value order. */
export function unknownFieldPaths(x: unknown, s: JSONSchemaProps | undefined, prefix = ''): string[] {
  const out: string[] = [];
  collect(x, s, prefix, out);
  return out;
}

function collect(x: unknown, s: JSONSchemaProps | undefined, path: string, out: string[]): void {
  if (s === undefined) return;
  const join = (k: string) => (path === '' ? k : `${path}.${k}`);
  if (isPlainObject(x)) {
    const extra = additionalSchema(s);
    const keep = preservesUnknown(s) || s['x-kubernetes-embedded-resource'] === true;
    for (const k of Object.keys(x)) {
      const prop = own(s.properties, k);
      if (prop !== undefined) collect(x[k], prop, join(k), out);
      else if (extra !== undefined) collect(x[k], extra, join(k), out);
      else if (!keep && !(s.type === undefined && s.properties === undefined && isUntypedKeep(s)))
        out.push(join(k));
    }
  } else if (Array.isArray(x)) {
    if (s.items) for (const [i, v] of x.entries()) collect(v, s.items, `${path}[${i}]`, out);
  }
}

/** int-or-string nodes hold scalars; nothing under them is pruned. */
const isUntypedKeep = (s: JSONSchemaProps): boolean => s['x-kubernetes-int-or-string'] === true;
