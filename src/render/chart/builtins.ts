/**
 * The chart engine's counterparts of Go text/template's builtins (eq, ne, lt, le, gt, ge, and,
 * or, not, index, len, printf) over JSON values: Go's truth and comparison rules, numbers
 * compared across int and float. The Go engine has its own (gotemplate/builtins.ts), on Go's
 * typed values.
 */
import { goSprintf, goString, goTypeName } from '../../go/fmt.js';
import { hasOwn, isPlainObject } from '../../util/plain-object.js';
import { isEmpty } from '../functions/defaults.js';
import { FunctionError, type FunctionSpec, str } from './arguments.js';
import { chartValueModel } from './value-model.js';

const nil = (v: unknown) => v === undefined || v === null;
const empty = (v: unknown) => isEmpty(chartValueModel, v);

/** Go template `lt` and friends: numbers with numbers, strings with strings. */
function basicCompare(name: string, a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new FunctionError(
    `${name}: incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`,
  );
}

function equal(a: unknown, b: unknown): boolean {
  if (nil(a) && nil(b)) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'object') throw new FunctionError(`eq: cannot compare ${goTypeName(a)} values`);
  return a === b;
}

/** Go's `index`: maps by key, lists by integer; a missing map key is nil, a bad list index an error. */
function indexInto(v: unknown, keys: unknown[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (Array.isArray(cur)) {
      const i = typeof k === 'number' ? k : Number.NaN;
      if (!Number.isInteger(i)) throw new FunctionError(`index: cannot index a list with ${goTypeName(k)}`);
      if (i < 0 || i >= cur.length) throw new FunctionError(`index: index out of range: ${i}`);
      cur = cur[i];
    } else if (isPlainObject(cur)) {
      const key = typeof k === 'string' ? k : goString(k);
      cur = hasOwn(cur, key) ? cur[key] : undefined;
    } else if (nil(cur)) {
      throw new FunctionError('index: index of untyped nil');
    } else throw new FunctionError(`index: cannot index into ${goTypeName(cur)}`);
  }
  return cur;
}

function length(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (isPlainObject(v)) return Object.keys(v).length;
  throw new FunctionError(`len: cannot take the length of ${goTypeName(v)}`);
}

export const BUILTINS: Record<string, FunctionSpec> = {
  eq: { params: ['A', 'B', 'OTHERS...'], fn: (a, ...bs) => bs.some((b) => equal(a, b)) },
  ne: { params: ['A', 'B'], fn: (a, b) => !equal(a, b) },
  lt: { params: ['A', 'B'], fn: (a, b) => basicCompare('lt', a, b) < 0 },
  le: { params: ['A', 'B'], fn: (a, b) => basicCompare('le', a, b) <= 0 },
  gt: { params: ['A', 'B'], fn: (a, b) => basicCompare('gt', a, b) > 0 },
  ge: { params: ['A', 'B'], fn: (a, b) => basicCompare('ge', a, b) >= 0 },
  and: {
    params: ['A', 'B...'],
    fn: (...vs) => {
      for (const v of vs) if (empty(v)) return v;
      return vs[vs.length - 1];
    },
  },
  or: {
    params: ['A', 'B...'],
    fn: (...vs) => {
      for (const v of vs) if (!empty(v)) return v;
      return vs[vs.length - 1];
    },
  },
  not: { params: ['VALUE'], fn: (v) => empty(v) },
  index: { params: ['COLLECTION', 'KEY...'], fn: (c, ...ks) => indexInto(c, ks) },
  len: { params: ['VALUE'], fn: length },
  printf: {
    params: ['FORMAT', 'ARGS...'],
    fn: (f, ...args) =>
      goSprintf(
        str('printf', f, 'FORMAT'),
        args.map((a: unknown) => (a === undefined ? null : a)),
      ),
  },
};
