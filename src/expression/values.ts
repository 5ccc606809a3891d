/** The value model the JMESPath functions see: decoded JSON plus expression references. */
import { charge } from './budget.js';

/** An `&expr` argument: evaluates the expression against a value, in the scope it was made. */
export class ExpRef {
  constructor(readonly call: (value: unknown) => unknown) {}
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof ExpRef);
}

/** A map lookup with Go semantics: only own keys, missing → null. */
export function getField(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? (o[key] ?? null) : null;
}

/** Assign a key, including `__proto__`, as a plain data property. */
export function setField(o: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** JMESPath falsiness (util.IsFalse). */
export function isFalse(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

/**
 * reflect.DeepEqual over decoded JSON (numbers compared by value); each pair compared is a step
 * of the evaluation's budget (two values that hold one list twice, 30 deep, are 2^30 pairs).
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  charge(1);
  if (a === b) return true;
  if (a === undefined) return b === null;
  if (b === undefined) return a === null;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
