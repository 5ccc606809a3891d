/** JSON value helpers: structural equality, deep copy and a canonical text for hashing. */
import { emptyMap, isPlainObject } from '../../util/plain-object.js';

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** A deep copy with prototype-less maps. */
export function jsonCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(jsonCopy) as T;
  if (isPlainObject(v)) {
    const out = emptyMap();
    for (const k of Object.keys(v)) out[k] = jsonCopy(v[k]);
    return out as T;
  }
  return v;
}

/** JSON text with sorted keys (stable across key order), for cache keys. */
export function canonicalJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (isPlainObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJSON(v[k])}`)
      .join(',')}}`;
  return v === undefined ? 'null' : JSON.stringify(v);
}

/** Deepest nesting of arrays and objects (a scalar is 0). Stops counting past `limit`. */
export function depthOf(v: unknown, limit: number, d = 0): number {
  if (d > limit) return d;
  let max = d;
  if (Array.isArray(v)) for (const x of v) max = Math.max(max, depthOf(x, limit, d + 1));
  else if (isPlainObject(v)) for (const k of Object.keys(v)) max = Math.max(max, depthOf(v[k], limit, d + 1));
  return max;
}
