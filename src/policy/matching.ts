/**
 * kyverno-json's Match / Equal: slices element-wise, maps as subsets, scalars by value with
 * numbers compared across numeric types, and any other type mix an error (not a mismatch).
 */

import { goKind, type NumberOrigin } from '../go/values.js';
import { withoutStack } from '../k8s/field.js';
import { isPlainObject } from '../util/plain-object.js';

export class MatchError extends Error {}

const matchError = (message: string) => withoutStack(() => new MatchError(message));

export interface Origins {
  expected: NumberOrigin;
  actual: NumberOrigin;
}

export function match(expected: unknown, actual: unknown, o: Origins): boolean {
  if (typeof expected === 'object' && expected !== null) {
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual))
        throw matchError(`invalid actual value, must be a slice, found ${goKind(actual, o.actual)}`);
      if (expected.length !== actual.length) return false;
      for (let i = 0; i < expected.length; i++) if (!match(expected[i], actual[i], o)) return false;
      return true;
    }
    if (isPlainObject(expected)) {
      if (!isPlainObject(actual))
        throw matchError(`invalid actual value, must be a map, found ${goKind(actual, o.actual)}`);
      for (const k of Object.keys(expected)) {
        if (!Object.hasOwn(actual, k)) return false;
        if (!match(expected[k], actual[k], o)) return false;
      }
      return true;
    }
  }
  return equal(expected, actual, o);
}

export function equal(expected: unknown, actual: unknown, o: Origins): boolean {
  // the common case first: two strings, numbers or booleans
  const te = typeof expected;
  if (te === typeof actual && te !== 'object' && te !== 'undefined') return expected === actual;
  const en = expected === null || expected === undefined;
  const an = actual === null || actual === undefined;
  if (en || an) return en && an;
  if (typeof expected === 'number' && typeof actual === 'number') return expected === actual;
  if (typeof expected === typeof actual && typeof expected !== 'object') return expected === actual;
  // Same Go type for composite values: deep equality (reached only through Equal on maps/slices).
  if (Array.isArray(expected) && Array.isArray(actual)) return deepEqual(expected, actual);
  if (isPlainObject(expected) && isPlainObject(actual)) return deepEqual(expected, actual);
  throw matchError(`types are not comparable, ${goKind(expected, o.expected)} - ${goKind(actual, o.actual)}`);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}
