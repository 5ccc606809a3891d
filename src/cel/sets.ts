/**
 * cel-go's `ext.Sets()` library: sets.contains, sets.equivalent, sets.intersects over lists,
 * with CEL's heterogeneous equality (1 == 1u == 1.0 inside a dyn list, as cel-go's list
 * `Contains`).
 */
import { Optional } from '@marcbachmann/cel-js';
import { isPlainObject } from '../util/plain-object.js';
import { Duration, UnsignedInt } from './values.js';

type Num = { kind: 'int'; v: bigint } | { kind: 'double'; v: number };

function asNumber(v: unknown): Num | undefined {
  if (typeof v === 'bigint') return { kind: 'int', v };
  if (v instanceof UnsignedInt) return { kind: 'int', v: v.value };
  if (typeof v === 'number') return { kind: 'double', v };
  return undefined;
}

function numbersEqual(a: Num, b: Num): boolean {
  if (a.kind === 'int' && b.kind === 'int') return a.v === b.v;
  if (a.kind === 'double' && b.kind === 'double') return a.v === b.v;
  const i = (a.kind === 'int' ? a.v : b.v) as bigint;
  const d = (a.kind === 'double' ? a.v : b.v) as number;
  return Number.isInteger(d) && BigInt(d) === i;
}

function entries(m: unknown): Array<[unknown, unknown]> | undefined {
  if (m instanceof Map) return [...m];
  if (m !== null && typeof m === 'object') {
    if (isPlainObject(m)) return Object.entries(m);
  }
  return undefined;
}

function list(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  return undefined;
}

/** CEL equality of two runtime values; values of unrelated types are unequal. */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== 'number' || !Number.isNaN(a);
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na || nb) return !!na && !!nb && numbersEqual(na, nb);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const la = list(a);
  const lb = list(b);
  if (la || lb) return !!la && !!lb && la.length === lb.length && la.every((e, i) => celEquals(e, lb[i]));
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return (
      a instanceof Uint8Array &&
      b instanceof Uint8Array &&
      a.length === b.length &&
      a.every((x, i) => x === b[i])
    );
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof Duration || b instanceof Duration) {
    return a instanceof Duration && b instanceof Duration && a.seconds === b.seconds && a.nanos === b.nanos;
  }
  if (a instanceof Optional || b instanceof Optional) {
    if (!(a instanceof Optional && b instanceof Optional)) return false;
    if (!a.hasValue() || !b.hasValue()) return a.hasValue() === b.hasValue();
    return celEquals(a.value(), b.value());
  }
  const ea = entries(a);
  const eb = entries(b);
  if (ea || eb) {
    if (!ea || !eb || ea.length !== eb.length) return false;
    return ea.every(([k, v]) => {
      const match = eb.find(([kb]) => celEquals(k, kb));
      return match !== undefined && celEquals(v, match[1]);
    });
  }
  return false;
}

function contains(haystack: readonly unknown[], value: unknown): boolean {
  return haystack.some((e) => celEquals(e, value));
}

/** sets.contains(list, sublist): every element of `sub` is in `l`. */
export function setsContains(l: readonly unknown[], sub: readonly unknown[]): boolean {
  return sub.every((e) => contains(l, e));
}

/** sets.equivalent(a, b): same elements, ignoring order and duplicates. */
export function setsEquivalent(a: readonly unknown[], b: readonly unknown[]): boolean {
  return setsContains(a, b) && setsContains(b, a);
}

/** sets.intersects(a, b): at least one element in common. */
export function setsIntersects(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.some((e) => contains(b, e));
}
