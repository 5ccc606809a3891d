// Value model shared by the differential generator and its prediction model.
//
// kyverno-json is Go: the Go type of a number matters (payload JSON integers decode to int64, floats
// to float64, JMESPath literals and function results are float64, a foreach index is a Go `int`).
// JavaScript has one number type, so the model keeps the distinction explicitly:
//   - a JS number that is an integer      -> Go int64  (payload JSON integer)
//   - a JS number that is not an integer  -> Go float64
//   - GoFloat(x)                          -> Go float64, even when x is integral (rendered as `2.0`)
//   - GoInt(x)                            -> Go int (foreach index binding)
import { Document, Scalar } from 'yaml';

export class GoFloat {
  constructor(readonly value: number) {}
}

export class GoInt {
  constructor(readonly value: number) {}
}

export type Value = null | boolean | string | number | GoFloat | GoInt | Value[] | VObject;
export interface VObject {
  [key: string]: Value;
}

export type GoKind = 'invalid' | 'bool' | 'string' | 'int64' | 'int' | 'float64' | 'slice' | 'map';

export function isObj(v: unknown): v is VObject {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof GoFloat) &&
    !(v instanceof GoInt)
  );
}

export function kindOf(v: Value): GoKind {
  if (v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (v instanceof GoFloat) return 'float64';
  if (v instanceof GoInt) return 'int';
  if (Array.isArray(v)) return 'slice';
  return 'map';
}

export function isNumber(v: Value): v is number | GoFloat | GoInt {
  return typeof v === 'number' || v instanceof GoFloat || v instanceof GoInt;
}

/** A number that passes go-jmespath's `number` type check (only Go float64 does). */
export function isF64(v: Value): boolean {
  return kindOf(v) === 'float64';
}

export function num(v: number | GoFloat | GoInt): number {
  return typeof v === 'number' ? v : v.value;
}

/** A float64 result (JMESPath literal / function result). */
export function f64(n: number): number | GoFloat {
  return Number.isInteger(n) ? new GoFloat(n) : n;
}

/** Go reflect.DeepEqual on decoded values: int64, int and float64 are different types. */
export function deepEqual(a: Value, b: Value): boolean {
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  switch (ka) {
    case 'invalid':
      return true;
    case 'int64':
    case 'int':
    case 'float64':
      return num(a as number) === num(b as number);
    case 'slice': {
      const x = a as Value[];
      const y = b as Value[];
      return x.length === y.length && x.every((e, i) => deepEqual(e, y[i]));
    }
    case 'map': {
      const x = a as VObject;
      const y = b as VObject;
      const kx = Object.keys(x);
      return kx.length === Object.keys(y).length && kx.every((k) => k in y && deepEqual(x[k], y[k]));
    }
    default:
      return a === b;
  }
}

/**
 * Equality as a JavaScript engine sees it (clustermint): numbers compare by value whatever their Go
 * type. Where this and deepEqual disagree (a payload integer against a JMESPath float64), kyverno-json
 * and clustermint disagree too: a documented deviation the generator stays away from.
 */
export function looseEqual(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) return num(a) === num(b);
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  if (ka === 'slice') {
    const x = a as Value[];
    const y = b as Value[];
    return x.length === y.length && x.every((e, i) => looseEqual(e, y[i]));
  }
  if (ka === 'map') {
    const x = a as VObject;
    const y = b as VObject;
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => k in y && looseEqual(x[k], y[k]));
  }
  return deepEqual(a, b);
}

/**
 * The Go kind clustermint names for a value in a "types are not comparable" error: it cannot tell
 * int64 from float64, so an integral number is int64 on the payload side and float64 when an
 * expression computed it. `fromExpr`: the value is an expression result (expected side).
 */
export function clustermintKind(v: Value, fromExpr: boolean): GoKind {
  if (isNumber(v)) return Number.isInteger(num(v)) && !fromExpr ? 'int64' : 'float64';
  return kindOf(v);
}

/** JMESPath truthiness. */
export function truthy(v: Value): boolean {
  if (v === null || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObj(v)) return Object.keys(v).length > 0;
  return true;
}

function floatText(n: number): string {
  const s = String(n);
  return Number.isInteger(n) && !/[eE]/.test(s) ? `${s}.0` : s;
}

/** JSON text of a payload; GoFloat integral values are written `2.0` so Go decodes them as float64. */
export function toJsonText(v: Value, indent = 0): string {
  const pad = (n: number) => (indent ? `\n${' '.repeat(n * indent)}` : '');
  const walk = (x: Value, depth: number): string => {
    if (x === null || typeof x === 'boolean' || typeof x === 'string') return JSON.stringify(x);
    if (typeof x === 'number') return JSON.stringify(x);
    if (x instanceof GoFloat) return floatText(x.value);
    if (x instanceof GoInt) return String(x.value);
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return `[${x.map((e) => pad(depth + 1) + walk(e, depth + 1)).join(',')}${pad(depth)}]`;
    }
    const keys = Object.keys(x);
    if (keys.length === 0) return '{}';
    const sep = indent ? ': ' : ':';
    return `{${keys.map((k) => pad(depth + 1) + JSON.stringify(k) + sep + walk(x[k], depth + 1)).join(',')}${pad(depth)}}`;
  };
  return walk(v, 0);
}

/** Deep copy that keeps GoFloat / GoInt instances. */
export function cloneValue<T extends Value>(v: T): T {
  if (Array.isArray(v)) return v.map((e) => cloneValue(e)) as T;
  if (isObj(v)) {
    const out: VObject = {};
    for (const [k, e] of Object.entries(v)) out[k] = cloneValue(e);
    return out as T;
  }
  return v;
}

function toYamlNode(v: Value): unknown {
  if (v instanceof GoFloat) {
    const s = new Scalar(v.value);
    s.minFractionDigits = 1;
    return s;
  }
  if (v instanceof GoInt) return v.value;
  if (Array.isArray(v)) return v.map(toYamlNode);
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) out[k] = toYamlNode(e);
    return out;
  }
  return v;
}

/**
 * YAML text of a policy document. kyverno-json reads policies with a YAML 1.1 parser (an unquoted
 * `yes` is a boolean there), so strings are quoted the YAML 1.1 way: the text then means the same to
 * a YAML 1.1 and a YAML 1.2 reader.
 */
export function toYamlText(docs: Value[]): string {
  return docs
    .map((d) => new Document(toYamlNode(d), { version: '1.1' }).toString({ lineWidth: 0 }))
    .join('---\n');
}
