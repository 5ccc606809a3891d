/**
 * How kyverno-json (Go) names and prints the values it reports: reflect kinds in error texts,
 * `%v`, `%q` and `%#v` in field errors and expected values. JSON has one number type; Go has
 * several, and the kind of an integer depends on where it came from: `int64` from a JSON
 * payload or a policy, `int` from a YAML payload, `float64` from a JMESPath expression. The
 * engine says which with a NumberOrigin.
 */
import { goFloat, goQuote } from './fmt.js';

export { goFloat };

import { isPlainObject } from '../util/plain-object.js';

/**
 * A Go value that is not JSON (a policy struct in a compile error), carried with the text Go's
 * `%#v` prints for it; it marshals as the struct would with every field empty.
 */
export class GoLiteral {
  constructor(readonly text: string) {}
  toJSON(): object {
    return {};
  }
}

/** Where a value came from, which decides the Go type of its integers. */
export type NumberOrigin = 'int' | 'int64' | 'float64';

/** Go reflect kind name, as kyverno-json prints it in errors. */
export function goKind(v: unknown, origin: NumberOrigin): string {
  if (v === null || v === undefined) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) && origin !== 'float64' ? origin : 'float64';
  if (Array.isArray(v)) return 'slice';
  return 'map';
}

/** Go's `%v` of a JSON value whose integers have the given origin. */
export function goV(v: unknown, origin: NumberOrigin): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) && origin !== 'float64' ? String(v) : goFloat(v);
  if (Array.isArray(v)) return `[${v.map((x) => goV(x, origin)).join(' ')}]`;
  if (isPlainObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goV(v[k], origin)}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** Go's `%#v` of a JSON value held in an `interface{}`. */
export function goSharpV(v: unknown, origin: NumberOrigin, nested = false): string {
  if (v === null || v === undefined) return nested ? 'interface {}(nil)' : '<nil>';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'boolean' || typeof v === 'number') return goV(v, origin);
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goSharpV(x, origin, true)).join(', ')}}`;
  if (isPlainObject(v)) {
    return `map[string]interface {}{${Object.keys(v)
      .sort()
      .map((k) => `${goQuote(k)}:${goSharpV(v[k], origin, true)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/**
 * How field errors and expected values print a value: `%v` for numbers and booleans, `%q` for
 * strings, `%#v` for the rest (apimachinery's ErrorBody and kyverno-json's expectValueMessage).
 */
export function goValueText(v: unknown, origin: NumberOrigin): string {
  if (v instanceof GoLiteral) return v.text;
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return goV(v, origin);
  return goSharpV(v, origin);
}
