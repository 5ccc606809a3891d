/**
 * The chart half of the gate: values (merge + schema) -> render -> validate every object.
 * Findings are returned as data; the caller decides how to print them.
 */

import type { Chart } from '../api/chart.js';
import { renderChart } from '../render/chart/render.js';
import { coalesceValues, hasPath, mergeUserValues } from '../render/chart/values.js';
import { ClustermintError, type SourceLocation } from '../util/errors.js';
import { evaluationSite } from '../util/evaluation-site.js';
import { formatPath, type PathSegment, parsePath } from '../util/json-path.js';
import type { PlainObject } from '../util/plain-object.js';
import { type SourceDocument, yamlLocator } from '../util/yaml-source.js';
import { validateObject } from '../validate/objects.js';
import { validateValues } from '../validate/values-schema.js';
import type { ChartRunInput, ChartRunResult, ValuesSource } from './chart-run.js';
import { runHelmChart } from './helm-pipeline.js';
import { cachedRun, rememberRun, runKey } from './run-cache.js';
import { cachedValues, valuesKey } from './values-cache.js';
import { valuesViolations } from './values-violations.js';

export type { ChartRunInput, ChartRunResult, ValuesSource } from './chart-run.js';

export function mergedValues(chart: Chart, sources: readonly ValuesSource[]): PlainObject {
  return coalesceValues(chart.values?.doc.value ?? null, mergeUserValues(sources.map((s) => s.value)));
}

export function runChart(input: ChartRunInput): ChartRunResult {
  const { chart, sources } = input;
  evaluationSite(`template ${chart.metadata.name}`);
  if (chart.helm) {
    const helm = runHelmChart(chart, sources, input.release, input.kubeVersion, (path, atKey) =>
      locateValue(chart, sources, path, atKey),
    );
    if (helm.violations.length === 0) validateDocuments(helm);
    return helm;
  }
  const key = valuesKey(sources.map((s) => s.value));
  const runId = key === undefined ? undefined : runKey(key, input.release, input.kubeVersion);
  const hit = runId === undefined ? undefined : cachedRun(chart, runId);
  if (hit) return hit;
  const { values, problems } = cachedValues(chart, key, () => {
    const merged = mergedValues(chart, sources);
    if (chart.schema) evaluationSite(`values schema of template ${chart.metadata.name}`);
    return {
      values: merged,
      problems: chart.schema ? validateValues(chart.schema, chart.schemaFile, merged) : [],
    };
  });
  const result: ChartRunResult = { values, documents: [], violations: [], warnings: [] };

  if (chart.schema) {
    result.violations.push(
      ...valuesViolations(problems, (path, atKey) => locateValue(chart, sources, path, atKey)),
    );
    if (result.violations.length > 0) return result;
  }

  evaluationSite(`template ${chart.metadata.name}`);
  try {
    result.documents = renderChart({ chart, values, release: input.release, kubeVersion: input.kubeVersion });
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    result.violations.push({
      stage: 'render',
      severity: 'error',
      code: e.code,
      message: e.message,
      location: e.location,
      details: e.details.length ? e.details : undefined,
    });
    return result;
  }

  validateDocuments(result);
  if (runId !== undefined) rememberRun(chart, runId, result);
  return result;
}

/** Every rendered object against its kind's schema; findings located in the rendered text. */
function validateDocuments(result: ChartRunResult): void {
  for (const d of result.documents) {
    const locate = yamlLocator(d.text); // one parse per document, however many findings
    for (const v of validateObject(d.object)) {
      const pos = v.path ? locate(parsePath(v.path), /unknown key/.test(v.message)) : undefined;
      const line = pos ? d.line + pos.line - 1 : d.line;
      const located = {
        ...v,
        location: { file: `${d.template} (rendered)`, line, ...(pos ? { col: pos.col } : {}) },
      };
      (v.severity === 'error' ? result.violations : result.warnings).push(located);
    }
  }
}

/**
 * Where a value at `path` came from: the last source that sets it (or its nearest parent), else
 * the chart's values.yaml. This is how a schema error points at the line the user wrote.
 */
export function locateValue(
  chart: Chart,
  sources: readonly ValuesSource[],
  path: readonly PathSegment[],
  atKey = false,
): SourceLocation {
  const pathText = formatPath(path);
  const at = (label: string, doc: SourceDocument | undefined, docPath: PathSegment[]): SourceLocation => {
    const pos = doc?.locate(docPath, atKey && docPath.length > 0);
    return { file: label, line: pos?.line, col: pos?.col, path: pathText };
  };
  for (let n = path.length; n > 0; n--) {
    const sub = path.slice(0, n);
    for (let i = sources.length - 1; i >= 0; i--) {
      const s = sources[i];
      if (hasPath(s.value, sub)) return at(s.label, s.doc, [...(s.prefix ?? []), ...sub]);
    }
    if (chart.values && hasPath(chart.values.doc.value, sub))
      return at(chart.values.file, chart.values.doc, sub);
  }
  const last = sources[sources.length - 1];
  if (last) return at(last.label, last.doc, [...(last.prefix ?? [])]);
  if (chart.values) return at(chart.values.file, chart.values.doc, []);
  return { path: pathText };
}
