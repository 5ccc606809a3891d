/**
 * sprig's dict functions on maps with string keys. Keys come from template input, so new maps
 * are prototype-less and keys are set as own properties (`__proto__` is a plain key).
 */
import { emptyMap, type PlainObject, setOwn } from '../../util/plain-object.js';
import { chargeNode } from '../../util/work-budget.js';
import { isEmpty } from './defaults.js';
import { fail } from './failure.js';
import { isNil, untypedMap, type ValueModel } from './value-model.js';

/** `dict k1 v1 k2 v2 ...`: keys as text; a key without a value maps to "". */
export function dict(model: ValueModel, keysAndValues: readonly unknown[]): PlainObject {
  const out = emptyMap();
  for (let i = 0; i < keysAndValues.length; i += 2) {
    const key = keysAndValues[i];
    setOwn(
      out,
      typeof key === 'string' ? key : model.text(key),
      i + 1 < keysAndValues.length ? keysAndValues[i + 1] : '',
    );
  }
  return out;
}

/** `get`: the value at `key`, or "" when there is none. */
export const get = (d: PlainObject | null, key: string): unknown =>
  d && Object.hasOwn(d, key) ? d[key] : '';

export const hasKey = (d: PlainObject | null, key: string): boolean => !!d && Object.hasOwn(d, key);

/** `set`: changes the map in place and returns it. */
export function set(d: PlainObject | null, key: string, value: unknown): PlainObject {
  if (d === null) fail('assignment to entry in nil map');
  setOwn(d, key, value);
  return d;
}

/** `unset`: removes the key in place and returns the map. */
export function unset(d: PlainObject | null, key: string): PlainObject | null {
  if (d) delete d[key];
  return d;
}

/** `pluck`: the value at `key` of each map that has it. */
export const pluck = (key: string, ds: readonly (PlainObject | null)[]): unknown[] =>
  ds.filter((d) => d && Object.hasOwn(d, key)).map((d) => d![key]);

export const keys = (ds: readonly (PlainObject | null)[]): string[] =>
  ds.flatMap((d) => (d ? Object.keys(d) : []));

export const values = (d: PlainObject | null): unknown[] => (d ? Object.values(d) : []);

export function pick(d: PlainObject | null, ks: readonly string[]): PlainObject {
  const out = emptyMap();
  for (const k of ks) {
    chargeNode();
    if (d && Object.hasOwn(d, k)) setOwn(out, k, d[k]);
  }
  return out;
}

/** A step per key of the map; the keys to leave out in a set (a list made it keys × names). */
export function omit(d: PlainObject | null, ks: readonly string[]): PlainObject {
  const out = emptyMap();
  if (!d) return out;
  const drop = new Set(ks);
  for (const k of Object.keys(d)) {
    chargeNode();
    if (!drop.has(k)) setOwn(out, k, d[k]);
  }
  return out;
}

/**
 * mergo.Merge (`merge`) and mergo.MergeWithOverwrite (`mergeOverwrite`) into `dst`, in place,
 * as they treat map[string]interface{}: two maps merge recursively; otherwise `merge` fills
 * only missing or empty values and skips nil ones, while `mergeOverwrite` takes every source
 * value, empty and nil included. `adopt` is applied to each value taken from a source (the
 * chart engine copies, as its inputs are frozen).
 */
export function mergeInto(
  model: ValueModel,
  dst: PlainObject,
  src: PlainObject,
  overwrite: boolean,
  adopt: (v: unknown) => unknown = (v) => v,
): void {
  for (const k of Object.keys(src)) {
    chargeNode();
    const s = src[k];
    if (isNil(s)) {
      if (overwrite) setOwn(dst, k, null);
      continue;
    }
    const present = Object.hasOwn(dst, k);
    const d = present ? dst[k] : undefined;
    const dMap = present ? untypedMap(model, d) : undefined;
    const sMap = untypedMap(model, s);
    if (dMap !== undefined && sMap !== undefined) mergeInto(model, dMap, sMap, overwrite, adopt);
    else if (overwrite || !present || isEmpty(model, d)) setOwn(dst, k, adopt(s));
  }
}

/** sprig's `dig k1 k2 ... default map`: the value down the keys, or the default. */
export function dig(model: ValueModel, args: readonly unknown[]): unknown {
  if (args.length < 3) fail('dig needs at least three arguments');
  let d = args[args.length - 1];
  const fallback = args[args.length - 2];
  for (const k of args.slice(0, -2)) {
    const m = untypedMap(model, d);
    if (m === undefined)
      fail(`interface conversion: interface {} is ${model.typeName(d)}, not map[string]interface {}`);
    if (typeof k !== 'string') fail(`interface conversion: interface {} is ${model.typeName(k)}, not string`);
    if (!Object.hasOwn(m, k)) return fallback;
    d = m[k];
  }
  return d;
}
