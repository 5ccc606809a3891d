/**
 * What Helm does with Chart.yaml's `dependencies` before rendering (pkg/chart/v2/util
 * dependencies.go, restated): each entry picks its chart from charts/ (by name and version
 * range; `alias` renames a copy), `tags` and `condition` enable or disable it against the
 * coalesced values, and `import-values` copy a subchart's values into its parent's defaults.
 */
import { cloneTree, emptyMap, isPlainObject, type PlainObject, setOwn } from '../../util/plain-object.js';
import { semverCompare } from '../functions/semver.js';
import type { HelmChart, HelmDependency } from './chart.js';
import { coalesceTables, coalesceValues, mergeValues, type Warn } from './coalesce.js';
import { HelmChartError } from './metadata.js';

/** Masterminds' constraint check; an unreadable range or version is "not compatible". */
export function isCompatibleRange(constraint: string, version: string): boolean {
  try {
    return semverCompare(constraint, version);
  } catch {
    return false;
  }
}

/** action.CheckDependencies: every Chart.yaml dependency must be in charts/. */
export function checkDependencies(chart: HelmChart): void {
  const missing = chart.metadata.dependencies
    .filter((r) => !chart.dependencies.some((d) => d.metadata.name === r.name))
    .map((r) => r.name);
  if (missing.length > 0) {
    throw new HelmChartError(
      `an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: ${missing.join(', ')}`,
    );
  }
}

/** Values.Table: the map at a dotted path, or undefined. */
export function table(v: PlainObject, path: string): PlainObject | undefined {
  let cur: PlainObject = v;
  for (const part of path.split('.')) {
    if (!Object.hasOwn(cur, part)) return undefined;
    const next = cur[part];
    if (!isPlainObject(next)) return undefined;
    cur = next;
  }
  return cur;
}

/** Values.PathValue: a non-table value at a dotted path, or undefined. */
function pathValue(v: PlainObject, path: string): unknown {
  const parts = path.split('.');
  const key = parts.pop()!;
  const t = parts.length === 0 ? v : table(v, parts.join('.'));
  if (!t || !Object.hasOwn(t, key) || isPlainObject(t[key])) return undefined;
  return t[key];
}

/** ProcessDependencies: enable/disable subcharts, then import values. Mutates `chart`. */
export function processDependencies(chart: HelmChart, values: PlainObject, warn: Warn): void {
  processEnabled(chart, values, '', warn);
  processImportValuesTree(chart, warn);
}

function copyChart(c: HelmChart, name: string): HelmChart {
  const out: HelmChart = {
    ...c,
    metadata: { ...c.metadata, dependencies: c.metadata.dependencies.map((d) => ({ ...d })) },
    dependencies: [],
  };
  for (const d of c.dependencies) out.dependencies.push({ ...d, parent: out });
  out.metadata.name = name;
  return out;
}

function aliasDependency(charts: readonly HelmChart[], dep: HelmDependency): HelmChart | undefined {
  for (const c of charts) {
    if (c.metadata.name !== dep.name) continue;
    if (!isCompatibleRange(dep.version, c.metadata.version)) continue;
    return copyChart(c, dep.alias || c.metadata.name);
  }
  return undefined;
}

function processEnabled(c: HelmChart, v: PlainObject, path: string, warn: Warn): void {
  const reqs = c.metadata.dependencies;
  if (reqs.length === 0 && !hadDependencies(c)) return;
  const chosen: HelmChart[] = c.dependencies.filter(
    (existing) =>
      !reqs.some(
        (r) => existing.metadata.name === r.name && isCompatibleRange(r.version, existing.metadata.version),
      ),
  );
  const original = c.dependencies;
  for (const req of reqs) {
    const dep = aliasDependency(original, req);
    if (dep) chosen.push(dep);
    if (req.alias !== '') req.name = req.alias;
  }
  setDependencies(c, chosen);
  for (const r of reqs) r.enabled = true;
  const cvals = coalesceValues(c, v, warn);
  processTags(reqs, cvals, warn);
  processConditions(reqs, cvals, path, warn);
  const disabled = new Set(reqs.filter((r) => !r.enabled).map((r) => r.name));
  const kept = c.dependencies.filter((d) => !disabled.has(d.metadata.name));
  for (const t of kept) processEnabled(t, cvals, `${path}${t.metadata.name}.`, warn);
  c.metadata.dependencies = reqs.filter((r) => !disabled.has(r.name));
  setDependencies(c, kept);
}

/** Go's `Metadata.Dependencies == nil` test: a chart without the key is left alone. */
function hadDependencies(c: HelmChart): boolean {
  return c.metadata.dependencies.length > 0;
}

function setDependencies(c: HelmChart, charts: HelmChart[]): void {
  for (const d of charts) d.parent = c;
  c.dependencies = charts;
}

function processTags(reqs: HelmDependency[], cvals: PlainObject, warn: Warn): void {
  const tags = table(cvals, 'tags');
  if (!tags) return;
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags) {
      if (!Object.hasOwn(tags, k)) continue;
      const b = tags[k];
      if (typeof b === 'boolean') {
        if (b) hasTrue = true;
        else hasFalse = true;
      } else warn(`returned non-bool value tag=${k} chart=${r.name}`);
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else r.enabled = true;
  }
}

function processConditions(reqs: HelmDependency[], cvals: PlainObject, path: string, warn: Warn): void {
  for (const r of reqs) {
    for (const cond of r.condition.trim().split(',')) {
      if (cond === '') continue;
      const vv = pathValue(cvals, path + cond);
      if (vv === undefined) continue;
      if (typeof vv === 'boolean') {
        r.enabled = vv;
        break;
      }
      warn(`returned non-bool value path=${cond} chart=${r.name}`);
    }
  }
}

function pathToMap(path: string, data: PlainObject): PlainObject {
  if (path === '.') return data;
  let cur: PlainObject = data;
  for (const part of path.split('.').reverse()) {
    const m = emptyMap();
    setOwn(m, part, cur);
    cur = m;
  }
  return cur;
}

function processImportValuesTree(c: HelmChart, warn: Warn): void {
  for (const d of c.dependencies) processImportValuesTree(d, warn);
  processImportValues(c, warn);
}

/** import-values: `{child, parent}` pairs and `exports.NAME` strings, merged into the defaults. */
function processImportValues(c: HelmChart, warn: Warn): void {
  if (c.metadata.dependencies.length === 0) return;
  const cvals = mergeValues(c, null, warn);
  let b: PlainObject = emptyMap();
  for (const r of c.metadata.dependencies) {
    const out: unknown[] = [];
    for (const riv of r.importValues) {
      if (isPlainObject(riv)) {
        const child = goSprint(riv.child);
        const parent = goSprint(riv.parent);
        out.push({ child, parent });
        const vv = table(cvals, `${r.name}.${child}`);
        if (!vv) {
          warn(`ImportValues missing table from chart chart=${r.name}`);
          continue;
        }
        b = coalesceTables(b, pathToMap(parent, cloneTree(vv)), '', true, warn)!;
      } else if (typeof riv === 'string') {
        const child = `exports.${riv}`;
        out.push({ child, parent: '.' });
        const vm = table(cvals, `${r.name}.${child}`);
        if (!vm) {
          warn('ImportValues missing table');
          continue;
        }
        b = coalesceTables(b, cloneTree(vm), '', true, warn)!;
      }
    }
    r.importValues = out;
  }
  c.values = coalesceTables(cloneTree(cvals), b, '', true, warn)!;
}

/** fmt's %v of a child/parent entry (a missing one is `<nil>`, as in Go). */
function goSprint(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  return String(v);
}
