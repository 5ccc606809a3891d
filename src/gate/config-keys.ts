/**
 * The values stage's rule config-unknown-keys: a key of a ClusterDeployment's `spec.config` that
 * the chart knows neither from values.yaml nor from values.schema.json's `properties` is an error
 * (k0rdent's users asked for it: a typo must not be silently ignored). Free-form maps are not
 * checked: a default of `{}` with no schema properties, a schema that explicitly allows other keys
 * (`additionalProperties` other than false, `patternProperties`), or a parent the chart gives
 * neither a default map nor schema properties for. The keys the controller injects (and Helm's
 * `global`, and a Helm chart's subchart names) are allowed at the top when the chart lacks them.
 */
import type { Chart } from '../api/chart.js';
import { formatPath, type PathSegment } from '../util/json-path.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { closest } from '../util/suggest.js';
import { parseYamlSource } from '../util/yaml-source.js';
import type { Violation } from '../validate/violation.js';

export const UNKNOWN_CONFIG_KEY = 'UNKNOWN_CONFIG_KEY';

/** Set by the controller (k0rdent's fillHelmValues) or by Helm itself. */
const INJECTED_KEYS = ['clusterIdentity', 'global', 'clusterLabels'];
/**
 * Unknown keys that get a "did you mean": a typo comes in ones and twos, while measuring each of
 * 100,000 generated keys against every known one cost a second per submission (at admission too).
 */
export const MAX_SUGGESTED_KEYS = 1000;
/** The fields of the injected clusterIdentity (an ObjectReference), allowed whatever subset the chart lists. */
const IDENTITY_FIELDS = ['apiVersion', 'kind', 'name', 'namespace'];

export interface UnknownConfigKey {
  /** Path inside spec.config. */
  path: PathSegment[];
  key: string;
  suggestion?: string;
}

type Schema = Record<string, unknown>;

/** What the schema says of one map: the keys it lists and whether it admits others. */
interface SchemaView {
  properties: Map<string, Schema[]>;
  open: boolean;
  /** the array item schemas, for descending into lists */
  items: Schema[];
}

const asSchema = (v: unknown): Schema | undefined => (isPlainObject(v) ? (v as Schema) : undefined);

function resolveRef(root: Schema, s: Schema, seen: Set<Schema>): Schema | undefined {
  const ref = s.$ref;
  if (typeof ref !== 'string') return s;
  if (!ref.startsWith('#')) return undefined; // a remote schema: unknown, treated as free-form
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isPlainObject(node) ? (node as Schema)[part] : undefined;
  }
  const target = asSchema(node);
  if (!target || seen.has(target)) return undefined;
  seen.add(target);
  return resolveRef(root, target, seen);
}

/** Every schema that applies to one value: the node, its $ref, its allOf/anyOf/oneOf/then/else branches. */
function expand(root: Schema, nodes: readonly Schema[]): Schema[] | undefined {
  const out: Schema[] = [];
  const queue = [...nodes];
  const seen = new Set<Schema>();
  while (queue.length) {
    const raw = queue.shift()!;
    const s = resolveRef(root, raw, new Set());
    if (!s) return undefined;
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(s);
    if (s !== raw) {
      // keywords next to a $ref apply too
      const { $ref: _, ...rest } = raw;
      if (Object.keys(rest).length) queue.push(rest);
    }
    for (const k of ['allOf', 'anyOf', 'oneOf'])
      if (Array.isArray(s[k])) for (const b of s[k] as unknown[]) if (asSchema(b)) queue.push(b as Schema);
    for (const k of ['then', 'else']) if (asSchema(s[k])) queue.push(s[k] as Schema);
  }
  return out;
}

/**
 * Views by the list of schemas they were made from: a chart's schema never changes once loaded,
 * and every list but the root's comes out of an earlier view (so the same array object comes
 * back for the same place), which makes a submission's walk a few map lookups per key.
 */
const views = new WeakMap<readonly Schema[], SchemaView | undefined>();
const rootLists = new WeakMap<Schema, Schema[]>();
/** The known keys of a map: the view's properties and the default map's keys, per view and defaults. */
const knownKeys = new WeakMap<SchemaView, WeakMap<object, Set<string>>>();
const NO_DEFAULTS = {};

function cachedView(root: Schema, nodes: readonly Schema[]): SchemaView | undefined {
  if (views.has(nodes)) return views.get(nodes);
  const v = view(root, nodes);
  views.set(nodes, v);
  return v;
}

function rootList(root: Schema): Schema[] {
  let list = rootLists.get(root);
  if (!list) {
    list = [root];
    rootLists.set(root, list);
  }
  return list;
}

function view(root: Schema, nodes: readonly Schema[]): SchemaView | undefined {
  const all = expand(root, nodes);
  if (!all) return { properties: new Map(), open: true, items: [] };
  if (all.length === 0) return undefined;
  const properties = new Map<string, Schema[]>();
  let open = false;
  const items: Schema[] = [];
  for (const s of all) {
    if (isPlainObject(s.properties))
      for (const [k, v] of Object.entries(s.properties as PlainObject))
        if (asSchema(v)) properties.set(k, [...(properties.get(k) ?? []), v as Schema]);
    for (const k of ['additionalProperties', 'unevaluatedProperties'])
      if (k in s && s[k] !== false) open = true;
    if (isPlainObject(s.patternProperties)) open = true;
    if (asSchema(s.items)) items.push(s.items as Schema);
  }
  return { properties, open, items };
}

/** Subchart names per chart files array (a chart's files never change once loaded). */
const subchartKeysOf = new WeakMap<object, string[]>();

/** Subchart names (dependencies' alias or name, charts/ folders and archives): their values are theirs. */
function subchartKeys(chart: Chart): string[] {
  if (!chart.helm) return [];
  let keys = subchartKeysOf.get(chart.helm.files);
  if (!keys) {
    keys = readSubchartKeys(chart);
    subchartKeysOf.set(chart.helm.files, keys);
  }
  return keys;
}

function readSubchartKeys(chart: Chart): string[] {
  if (!chart.helm) return [];
  const names = new Set<string>();
  const decoder = new TextDecoder();
  for (const f of chart.helm.files) {
    const dir = /^charts\/([^/]+)\/Chart\.yaml$/.exec(f.name);
    if (dir) names.add(dir[1]);
    const tgz = /^charts\/(.+?)-v?\d[^/]*\.tgz$/.exec(f.name);
    if (tgz) names.add(tgz[1]);
    if (f.name === 'Chart.yaml') {
      try {
        const [doc] = parseYamlSource(decoder.decode(f.data), 'Chart.yaml');
        const deps = isPlainObject(doc?.value) ? (doc.value as PlainObject).dependencies : undefined;
        if (Array.isArray(deps))
          for (const d of deps)
            if (isPlainObject(d)) {
              const name = (d as PlainObject).alias ?? (d as PlainObject).name;
              if (typeof name === 'string') names.add(name);
            }
      } catch {
        // the loader already reported a broken Chart.yaml
      }
    }
  }
  return [...names];
}

/** The keys of `config` the chart does not know, in document order. */
export function unknownConfigKeys(chart: Chart, config: PlainObject): UnknownConfigKey[] {
  const root = asSchema(chart.schema);
  const defaults = chart.values?.doc.value;
  const out: UnknownConfigKey[] = [];
  const topExtra = [...INJECTED_KEYS, ...subchartKeys(chart)];

  const walk = (value: unknown, dflt: unknown, schemas: Schema[], path: PathSegment[]) => {
    const sv = root && schemas.length ? cachedView(root, schemas) : undefined;
    if (Array.isArray(value)) {
      if (!sv || sv.items.length === 0) return;
      for (const [i, v] of value.entries()) walk(v, undefined, sv.items, [...path, i]);
      return;
    }
    if (!isPlainObject(value)) return;
    if (sv?.open) return;
    const dmap = isPlainObject(dflt) ? (dflt as PlainObject) : undefined;
    const props = sv?.properties ?? new Map<string, Schema[]>();
    // free-form: a schema that describes the map without listing its keys (a pass-through object),
    // or no schema and a default of {} or none at all
    if (props.size === 0 && (sv !== undefined || dmap === undefined || Object.keys(dmap).length === 0))
      return;
    const identity = path.length === 1 && path[0] === 'clusterIdentity';
    const known = identity || !sv ? knownOf(dmap, props, identity) : knownFor(sv, dmap);
    for (const [key, v] of Object.entries(value as PlainObject)) {
      if (known.has(key)) {
        walk(v, dmap?.[key], props.get(key) ?? [], [...path, key]);
        continue;
      }
      if (path.length === 0 && topExtra.includes(key)) continue;
      const suggestion = out.length < MAX_SUGGESTED_KEYS ? closest(key, known) : undefined;
      out.push({ path: [...path, key], key, ...(suggestion ? { suggestion } : {}) });
    }
  };
  walk(config, defaults, root ? rootList(root) : [], []);
  return out;
}

function knownOf(
  dmap: PlainObject | undefined,
  props: Map<string, Schema[]>,
  identity: boolean,
): Set<string> {
  const known = new Set([...Object.keys(dmap ?? {}), ...props.keys()]);
  if (identity) for (const k of IDENTITY_FIELDS) known.add(k);
  return known;
}

function knownFor(sv: SchemaView, dmap: PlainObject | undefined): Set<string> {
  let byDefaults = knownKeys.get(sv);
  if (!byDefaults) {
    byDefaults = new WeakMap();
    knownKeys.set(sv, byDefaults);
  }
  const key = dmap ?? NO_DEFAULTS;
  let known = byDefaults.get(key);
  if (!known) {
    known = knownOf(dmap, sv.properties, false);
    byDefaults.set(key, known);
  }
  return known;
}

/** The unknown keys as values-stage violations, `$.spec.config.<path>`, located by `locate`. */
export function configKeyViolations(
  chart: Chart,
  config: PlainObject,
  locate: (path: PathSegment[]) => Violation['location'],
): Violation[] {
  return unknownConfigKeys(chart, config).map((u) => {
    const full: PathSegment[] = ['spec', 'config', ...u.path];
    return {
      stage: 'values',
      severity: 'error',
      code: UNKNOWN_CONFIG_KEY,
      rule: 'config-unknown-keys',
      message: `unknown key ${JSON.stringify(u.key)}: the chart ${chart.metadata.name} has no such value (neither in values.yaml nor in values.schema.json)${u.suggestion ? `; did you mean ${JSON.stringify(u.suggestion)}?` : ''}`,
      path: formatPath(full),
      location: locate(full),
    };
  });
}
