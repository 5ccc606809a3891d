/**
 * Helm's values coalescing (pkg/chart/common/util/coalesce.go), restated: user values over a
 * chart's defaults, a subchart's section over its own defaults, globals copied down, and `null`
 * deleting a default. `merge` (used for import-values) keeps nulls instead of deleting.
 * Maps here are null-prototype plain objects; keys such as `__proto__` are ordinary keys.
 */
import { cloneTree, emptyMap, isPlainObject, type PlainObject, setOwn } from '../../util/plain-object.js';
import type { HelmChart } from './chart.js';

/** Where coalescing warnings go (Helm prints them to the log: stderr). */
export type Warn = (message: string) => void;

const GLOBAL = 'global';

const concatPrefix = (a: string, b: string) => (a === '' ? b : `${a}.${b}`);

/** Go's %v of a value in a warning: good enough for a message. */
function show(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  if (isPlainObject(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${show(v[k])}`)
      .join(' ')}]`;
  return String(v);
}

/** CoalesceValues: a deep copy of `vals` with the chart's (and subcharts') defaults under it. */
export function coalesceValues(chart: HelmChart, vals: PlainObject | null, warn: Warn): PlainObject {
  return coalesce(chart, vals ? cloneTree(vals) : emptyMap(), '', false, warn);
}

/** MergeValues: as coalesceValues, but nulls are kept (import-values' merge mode). */
export function mergeValues(chart: HelmChart, vals: PlainObject | null, warn: Warn): PlainObject {
  return coalesce(chart, vals ? cloneTree(vals) : emptyMap(), '', true, warn);
}

function coalesce(
  chart: HelmChart,
  dest: PlainObject,
  prefix: string,
  merge: boolean,
  warn: Warn,
): PlainObject {
  coalesceChartValues(chart, dest, prefix, merge, warn);
  return coalesceDeps(chart, dest, prefix, merge, warn);
}

function coalesceDeps(
  chart: HelmChart,
  dest: PlainObject,
  prefix: string,
  merge: boolean,
  warn: Warn,
): PlainObject {
  for (const sub of chart.dependencies) {
    const name = sub.metadata.name;
    if (!Object.hasOwn(dest, name)) setOwn(dest, name, emptyMap());
    else if (!isPlainObject(dest[name])) {
      throw new Error(`type mismatch on ${name}: %!t(${goTypeName(dest[name])}=${show(dest[name])})`);
    }
    const dv = dest[name] as PlainObject;
    const subPrefix = concatPrefix(prefix, chart.metadata.name);
    coalesceGlobals(dv, dest, subPrefix, warn);
    setOwn(dest, name, coalesce(sub, dv, subPrefix, merge, warn));
  }
  return dest;
}

function goTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'interface {}';
}

/** Copies the parent's `global` section into the subchart's, the parent's keys winning. */
function coalesceGlobals(dest: PlainObject, src: PlainObject, prefix: string, warn: Warn): void {
  let dg: PlainObject;
  let sg: PlainObject;
  if (!Object.hasOwn(dest, GLOBAL)) dg = emptyMap();
  else if (isPlainObject(dest[GLOBAL])) dg = dest[GLOBAL];
  else {
    warn(`warning: skipping globals because destination ${GLOBAL} is not a table.`);
    return;
  }
  if (!Object.hasOwn(src, GLOBAL)) sg = emptyMap();
  else if (isPlainObject(src[GLOBAL])) sg = src[GLOBAL];
  else {
    warn(`warning: skipping globals because source ${GLOBAL} is not a table.`);
    return;
  }
  for (const [key, val] of Object.entries(sg)) {
    if (isPlainObject(val)) {
      const vv = shallowCopy(val);
      if (!Object.hasOwn(dg, key)) setOwn(dg, key, vv);
      else {
        const destv = dg[key];
        if (!isPlainObject(destv)) warn(`Conflict: cannot merge map onto non-map for "${key}". Skipping.`);
        else {
          coalesceTables(vv, destv, concatPrefix(prefix, key), true, warn);
          setOwn(dg, key, vv);
        }
      }
    } else if (Object.hasOwn(dg, key) && isPlainObject(dg[key])) {
      warn(`key ${key} is table. Skipping`);
    } else {
      setOwn(dg, key, val);
    }
  }
  setOwn(dest, GLOBAL, dg);
}

function shallowCopy(m: PlainObject): PlainObject {
  const out = emptyMap();
  for (const [k, v] of Object.entries(m)) setOwn(out, k, v);
  return out;
}

/** A chart's own defaults under `v` (the values given for this chart). */
function coalesceChartValues(
  chart: HelmChart,
  v: PlainObject,
  prefix: string,
  merge: boolean,
  warn: Warn,
): void {
  const subPrefix = concatPrefix(prefix, chart.metadata.name);
  const defaults = cloneTree(chart.values);
  for (const [key, val] of Object.entries(defaults)) {
    if (Object.hasOwn(v, key)) {
      const value = v[key];
      if (value === null && !merge) delete v[key];
      else if (isPlainObject(value)) {
        if (!isPlainObject(val)) {
          if (val !== null) warn(`warning: skipped value for ${subPrefix}.${key}: Not a table.`);
        } else {
          // a subchart's section keeps its nulls: they must still delete the subchart's defaults
          const keepNulls = merge || chart.dependencies.some((d) => d.metadata.name === key);
          if (!keepNulls) cleanNilValues(val);
          coalesceTables(value, val, concatPrefix(subPrefix, key), keepNulls, warn);
        }
      }
    } else {
      if (!merge) {
        if (val === null) continue;
        if (isPlainObject(val)) cleanNilValues(val);
      }
      setOwn(v, key, val);
    }
  }
}

/** CoalesceTables (merge=false) / MergeTables (merge=true): `src` fills what `dst` lacks. */
export function coalesceTables(
  dst: PlainObject | null,
  src: PlainObject | null,
  prefix: string,
  merge: boolean,
  warn: Warn,
): PlainObject | null {
  if (src === null) return dst;
  if (dst === null) return src;
  const srcNonNil = new Set(Object.keys(src).filter((k) => src[k] !== null));
  // a null in dst marks the key for deletion
  for (const [key, val] of Object.entries(dst)) if (val === null) setOwn(src, key, null);
  for (const [key, val] of Object.entries(src)) {
    const fullKey = concatPrefix(prefix, key);
    const present = Object.hasOwn(dst, key);
    const dv = present ? dst[key] : undefined;
    if (present && !merge && dv === null && srcNonNil.has(key)) delete dst[key];
    else if (!present) setOwn(dst, key, val);
    else if (isPlainObject(val)) {
      if (isPlainObject(dv)) coalesceTables(dv, val, fullKey, merge, warn);
      else warn(`warning: cannot overwrite table with non table for ${fullKey} (${show(val)})`);
    } else if (isPlainObject(dv) && val !== null) {
      warn(`warning: destination for ${fullKey} is a table. Ignoring non-table value (${show(val)})`);
    }
  }
  return dst;
}

function cleanNilValues(m: PlainObject): void {
  for (const [key, val] of Object.entries(m)) {
    if (val === null) delete m[key];
    else if (isPlainObject(val)) cleanNilValues(val);
  }
}
