/**
 * Maps built from user input have no prototype, so `__proto__`, `constructor` and `prototype`
 * are plain keys (see DESIGN.md, cross-cutting rules).
 */
export type PlainObject = { [key: string]: unknown };

export function isPlainObject(v: unknown): v is PlainObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

export function emptyMap(): PlainObject {
  return Object.create(null) as PlainObject;
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** Deep copy into prototype-less maps; keeps JSON types only. */
export function toSafeTree(v: unknown): unknown {
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
 * Deep copy of a JSON tree (objects keep a null or Object prototype, as they had). Several times
 * faster than structuredClone on the small documents the renderers copy.
 */
export function cloneTree<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneTree(v[i]);
    return out as T;
  }
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = Object.getPrototypeOf(src) === null ? Object.create(null) : {};
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
  const out: PlainObject = Object.getPrototypeOf(obj) === null ? Object.create(null) : {};
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined || omit?.has(k)) continue;
    if (dropEmpty && isPlainObject(v) && isEmptyObject(v)) continue;
    setOwn(out, k, v);
  }
  return out;
}

/**
 * Deep copy of a JSON tree into ordinary objects. V8 keeps prototype-less objects as hash
 * tables ("dictionary mode"), several times slower to read and copy than ordinary ones; the
 * topology engine, which reads and copies every template many times per render, works on these.
 * `__proto__` stays an own key (setOwn), and the engine reads user-named keys with hasOwn only.
 */
export function cloneOrdinary<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneOrdinary(v[i]);
    return out as T;
  }
  const src = v as PlainObject;
  const out: PlainObject = {};
  for (const k of Object.keys(src)) setOwn(out, k, cloneOrdinary(src[k]));
  return out as T;
}
