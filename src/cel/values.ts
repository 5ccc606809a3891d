/**
 * Conversion between the engine's JSON values and @marcbachmann/cel-js runtime values.
 *
 * In: kyverno-json decodes payload integers as Go int/int64, which CEL sees as `int`, so an
 * integral JS number within the int64 range becomes a bigint (CEL int) and any other number
 * a double. Objects become `Map`s, so `__proto__`, `constructor` and `prototype` stay plain
 * keys. Conversions are cached per source object (JSON values are never mutated while a
 * policy runs), so evaluating many expressions over one payload converts it once.
 *
 * Out: CEL values become plain JSON-compatible values: int/uint → number, maps →
 * prototype-less objects, lists → arrays, bytes → base64 (Go's JSON of []byte), timestamps →
 * RFC 3339, durations → cel-go's string form (`"90s"`), types → their name, optionals → their
 * value or null.
 */

import { Environment, Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { charge, traversalCost } from '../expression/budget.js';
import { ExpressionEvalError } from '../expression/compilers.js';
import { emptyMap, isPlainObject, type PlainObject } from '../util/plain-object.js';

export { Duration, UnsignedInt };

/** The class of CEL type values (`type(1)`), which the library does not export. */
const TypeValue = (new Environment().evaluate('int') as object).constructor as new (
  ...args: never[]
) => { readonly name: string };

const INT64_LIMIT = 2 ** 63;
const converted = new WeakMap<object, unknown>();

/** A JSON value (or a value that already is a CEL value) as a CEL runtime value. */
export function toCel(v: unknown): unknown {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && v >= -INT64_LIMIT && v < INT64_LIMIT ? BigInt(v) : v;
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      return v;
  }
  if (v === null) return null;
  const hit = converted.get(v);
  if (hit !== undefined) return hit;
  let out: unknown;
  if (Array.isArray(v)) {
    out = v.map((e) => toCel(e));
  } else if (isPlainObject(v)) {
    const m = new Map<string, unknown>();
    for (const k of Object.keys(v)) m.set(k, toCel(v[k]));
    out = m;
  } else if (v instanceof Map) {
    const m = new Map<unknown, unknown>();
    for (const [k, e] of v) m.set(toCel(k), toCel(e));
    out = m;
  } else {
    return v; // Date, Uint8Array and CEL values stay as they are
  }
  converted.set(v, out);
  return out;
}

function mapKey(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k instanceof UnsignedInt) return String(k.value);
  return String(k);
}

function assign(out: PlainObject, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A CEL runtime value as a plain JSON-compatible value. */
export function fromCel(v: unknown): unknown {
  switch (typeof v) {
    case 'bigint':
      return Number(v);
    case 'number':
    case 'string':
    case 'boolean':
      return v;
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      throw new ExpressionEvalError(`unsupported result type: ${typeof v}`);
  }
  if (v === null) return null;
  // a result that shares lists (cel.bind) can be far larger as JSON than in memory
  charge(1);
  if (Array.isArray(v)) {
    charge(traversalCost(v.length));
    return v.map((e) => fromCel(e));
  }
  if (v instanceof Map) {
    const out = emptyMap();
    for (const [k, e] of v) assign(out, mapKey(k), fromCel(e));
    return out;
  }
  if (v instanceof Set) return [...v].map((e) => fromCel(e));
  if (v instanceof UnsignedInt) return Number(v.value);
  if (v instanceof Optional) return v.hasValue() ? fromCel(v.value()) : null;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (v instanceof Date) return rfc3339(v);
  if (v instanceof Duration) return durationString(v);
  if (v instanceof TypeValue) return v.name;
  if (isPlainObject(v)) {
    const out = emptyMap();
    for (const k of Object.keys(v)) assign(out, k, fromCel(v[k]));
    return out;
  }
  throw new ExpressionEvalError(`unsupported result type: ${celTypeName(v)}`);
}

/** The CEL type name of a runtime value, for error messages. */
export function celTypeName(v: unknown): string {
  switch (typeof v) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return 'null_type';
    default:
      break;
  }
  if (v === null) return 'null_type';
  if (Array.isArray(v) || v instanceof Set) return 'list';
  if (v instanceof Map || isPlainObject(v)) return 'map';
  if (v instanceof UnsignedInt) return 'uint';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'google.protobuf.Timestamp';
  if (v instanceof Duration) return 'google.protobuf.Duration';
  if (v instanceof Optional) return 'optional_type';
  if (v instanceof TypeValue) return 'type';
  return (v as object).constructor?.name ?? 'object';
}

/** Go's `%g` of a float64 (shortest representation), as CEL's string(double). */
export function goFloatG(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  // strconv 'g' with the shortest precision switches to the exponent form below 1e-4 and from 1e6.
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}

/** RFC 3339 with the fraction trimmed, as Go's time.RFC3339Nano in UTC. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

/** cel-go's string(duration): seconds with a trimmed fraction, then `s`. */
export function durationString(d: Duration): string {
  const nanos = BigInt(d.nanos);
  const total = d.seconds * 1_000_000_000n + nanos;
  const neg = total < 0n;
  const abs = neg ? -total : total;
  const secs = abs / 1_000_000_000n;
  const frac = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${secs}${frac ? `.${frac}` : ''}s`;
}
