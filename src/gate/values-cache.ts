/**
 * Merged values and their schema problems, by chart and by the content of the user's values: a
 * submission with values seen before (at admission, many ClusterDeployments share a few
 * configurations; only their names differ) skips merging and schema validation, and the stages
 * that key on the values tree (its ordinary copy for the policies, toYaml in the templates) find
 * their work done. Cached trees are deeply frozen: nothing downstream writes to values.
 */
import type { Chart } from '../api/chart.js';
import { markImmutable } from '../render/functions/to-yaml.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import type { SchemaProblem } from '../validate/schema-errors.js';

export interface ValuesEntry {
  values: PlainObject;
  /** Problems against the chart's values schema (empty without a schema). */
  problems: readonly SchemaProblem[];
}

const byChart = new WeakMap<Chart, Map<string, ValuesEntry>>();
const MAX_ENTRIES = 500;
const MAX_KEY = 64 * 1024;

// JSON text keeps everything a values tree from JSON or YAML holds, except what this tags:
// -0, NaN and the infinities (JSON prints them as 0 or null) and undefined (dropped).
const TAG = '\u0000';
class NotPlainData extends Error {}
function exact(this: unknown, _key: string, v: unknown): unknown {
  if (typeof v === 'number')
    return Number.isFinite(v) && !Object.is(v, -0) ? v : `${TAG}n${Object.is(v, -0) ? '-0' : v}`;
  if (typeof v === 'string') return v.startsWith(TAG) ? TAG + v : v;
  if (v === undefined) return `${TAG}u`;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isPlainObject(v)) throw new NotPlainData();
  if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') throw new NotPlainData();
  return v;
}

/**
 * The content key of the user's values: equal keys, equal values (types, -0 and key order
 * included). Undefined when they are not plain data or too large to be worth keying.
 */
export function valuesKey(values: readonly unknown[]): string | undefined {
  let key: string;
  try {
    key = JSON.stringify(values, exact);
  } catch (e) {
    if (e instanceof NotPlainData) return undefined;
    throw e;
  }
  return key.length > MAX_KEY ? undefined : key;
}

/** `compute()`'s entry for these values (`key`: their valuesKey), computed once per chart and content. */
export function cachedValues(chart: Chart, key: string | undefined, compute: () => ValuesEntry): ValuesEntry {
  if (key === undefined) return compute();
  let entries = byChart.get(chart);
  if (!entries) {
    entries = new Map();
    byChart.set(chart, entries);
  }
  let entry = entries.get(key);
  if (!entry) {
    const computed = compute();
    entry = { values: markImmutable(computed.values), problems: markImmutable(computed.problems) };
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, entry);
  }
  return entry;
}
