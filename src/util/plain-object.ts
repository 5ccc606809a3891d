/**
 * Maps built from user input inherit nothing, so `__proto__`, `constructor` and `prototype`
 * are plain keys (see DESIGN.md, cross-cutting rules).
 */
import { chargeNode } from './work-budget.js';

export type PlainObject = { [key: string]: unknown };

/**
 * The prototype of maps built from user input: empty, frozen, and without a prototype of its
 * own, so nothing is inherited and `__proto__` is an ordinary own key, as with
 * `Object.create(null)`. Unlike prototype-less objects, which V8 keeps as hash tables
 * ("dictionary mode", several times slower to read and copy), these keep V8's fast layout.
 */
export const MAP_PROTOTYPE: object = Object.freeze(
  Object.create(null, {
    // Loose comparisons with a primitive (`map != "x"`, as handlebars' runtime does between a
    // block's context and its parent's) convert the map: an ordinary object's answer, not
    // TypeError "Cannot convert object to primitive value". A symbol: no template can name it.
    [Symbol.toPrimitive]: { value: () => '[object Object]' },
  }),
);

export function isPlainObject(v: unknown): v is PlainObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === MAP_PROTOTYPE || proto === Object.prototype || proto === null;
}

export function emptyMap(): PlainObject {
  return Object.create(MAP_PROTOTYPE) as PlainObject;
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/**
 * Deep copy into prototype-less maps; keeps JSON types only. The copies count as steps of the
 * running template (work-budget.ts), as every deep walk below: a template's `merge` copies what
 * it takes, and a map that holds one map twice, nested 40 times, is 2^40 nodes to copy.
 */
export function toSafeTree(v: unknown): unknown {
  chargeNode();
  if (Array.isArray(v)) return v.map(toSafeTree);
  if (isPlainObject(v)) {
    const out = emptyMap();
    for (const k of Object.keys(v)) out[k] = toSafeTree(v[k]);
    return out;
  }
  return v;
}

/**
 * A copy with ordinary objects for libraries that expect Object.prototype (ajv's deep-equal
 * calls valueOf). Keys are defined, never assigned, so `__proto__` stays a plain own key.
 */
export function toOrdinaryTree(v: unknown): unknown {
  chargeNode();
  if (Array.isArray(v)) return v.map(toOrdinaryTree);
  if (isPlainObject(v)) {
    const out: PlainObject = {};
    for (const k of Object.keys(v)) {
      Object.defineProperty(out, k, {
        value: toOrdinaryTree(v[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

/**
 * Deep copy of a JSON tree (other objects, immutable typed values, are shared): ordinary objects stay ordinary, maps from user input (prototype-less
 * or MAP_PROTOTYPE) become MAP_PROTOTYPE maps. Several times faster than structuredClone on the
 * small documents the renderers copy.
 */
export function cloneTree<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  chargeNode();
  // a typed value (a Go int64 from --set, ...) is immutable: shared, not turned into a map
  if (!Array.isArray(v) && !isPlainObject(v)) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneTree(v[i]);
    return out as T;
  }
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = Object.getPrototypeOf(src) === Object.prototype ? {} : emptyMap();
  for (const k of Object.keys(src)) {
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: cloneTree(src[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[k] = cloneTree(src[k]);
  }
  return out as T;
}

/** Sets an own data property; `__proto__` too stays a plain key instead of changing the prototype. */
export function setOwn(obj: PlainObject, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

export function isEmptyObject(v: PlainObject): boolean {
  for (const _ in v) return false;
  return true;
}

/**
 * A shallow copy of `obj` without the keys in `omit`, without undefined values and, with
 * `dropEmpty`, without empty maps. The renderers build new objects instead of deleting keys:
 * `delete` turns a V8 object into a slow dictionary, and these objects are read and patched
 * many times per render.
 */
export function withoutKeys(obj: PlainObject, omit?: ReadonlySet<string>, dropEmpty = false): PlainObject {
  const out: PlainObject = Object.getPrototypeOf(obj) === Object.prototype ? {} : emptyMap();
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined || omit?.has(k)) continue;
    if (dropEmpty && isPlainObject(v) && isEmptyObject(v)) continue;
    setOwn(out, k, v);
  }
  return out;
}
