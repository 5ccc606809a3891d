/**
 * A chart's own checks, as `clustermint lint` and the ClusterTemplate controller run them: the
 * metadata and values schema are valid, every template parses, and the chart renders.
 * - handlebars charts render with each ci/*.yaml values file (errors) and with their defaults
 *   (errors without ci/ files, warnings with them: cloud charts ship placeholder defaults);
 * - Helm charts render their defaults as `helm lint` does (a missing `required` value or a `fail`
 *   is a warning, every other failure an error; the defaults must meet values.schema.json), and
 *   each ci/*.yaml values file as `helm template` would.
 */
import { join } from 'node:path';
import type { Chart } from '../api/chart.js';
import { checkTemplateSyntax } from '../render/chart/engine.js';
import { renderTemplates } from '../render/helm/engine.js';
import { helmFunctions } from '../render/helm/functions.js';
import { checkSchemas, HelmError, prepareRelease } from '../render/helm/index.js';
import { sortManifests } from '../render/helm/manifests.js';
import { toJsonValue } from '../render/helm/schema.js';
import { append } from '../util/append.js';
import { readChartArchive } from '../util/archive.js';
import { ClustermintError } from '../util/errors.js';
import { formatPath } from '../util/json-path.js';
import type { PlainObject } from '../util/plain-object.js';
import { compileValuesSchema, validateValues } from '../validate/values-schema.js';
import type { Violation } from '../validate/violation.js';
import { locateValue, runChart } from './chart-pipeline.js';

export interface ChartLint {
  errors: Violation[];
  warnings: Violation[];
}

export const LINT_RELEASE = { name: 'lint-check', namespace: 'default' };

export function violationOf(e: ClustermintError, stage: Violation['stage'] = 'render'): Violation {
  return {
    stage,
    severity: 'error',
    code: e.code,
    message: e.message,
    location: e.location,
    details: e.details.length ? e.details : undefined,
  };
}

export function lintLoadedChart(chart: Chart): ChartLint {
  const report: ChartLint = { errors: [], warnings: [] };
  const dir = chart.dir;
  const warn = (message: string, file?: string) =>
    report.warnings.push({
      stage: 'resolve',
      severity: 'warning',
      code: 'LINT',
      message,
      location: file ? { file } : undefined,
    });
  if (!chart.metadata.description) warn('Chart.yaml has no description', join(dir, 'Chart.yaml'));
  if (chart.providers.length === 0)
    warn('Chart.yaml has no cluster.x-k8s.io/provider annotation', join(dir, 'Chart.yaml'));
  if (!chart.schema) warn('no values.schema.json: values are not validated');
  else {
    try {
      compileValuesSchema(chart.schema, chart.schemaFile);
    } catch (e) {
      if (!(e instanceof ClustermintError)) throw e;
      report.errors.push(violationOf(e, 'values'));
    }
  }
  if (chart.helm) lintHelm(chart, report);
  else lintHandlebars(chart, report);
  return report;
}

function lintHandlebars(chart: Chart, report: ChartLint): void {
  const dir = chart.dir;
  if (chart.templates.filter((t) => !/(^|\/)_/.test(t.name)).length === 0)
    report.warnings.push({
      stage: 'resolve',
      severity: 'warning',
      code: 'LINT',
      message: 'the chart has no templates',
    });
  const syntax = checkTemplateSyntax(chart.templates).map((e) => violationOf(e));
  for (const v of syntax) v.location = { ...v.location, file: join(dir, v.location?.file ?? '') };
  append(report.errors, syntax);
  if (report.errors.length > 0) return;
  // As chart-testing does: a chart with ci/*.yaml is judged by those values; its bare defaults
  // are still rendered, but what fails only there is a warning.
  const hasCi = chart.ciValues.length > 0;
  renderRuns(chart, report, hasCi ? 'warning' : 'error', true);
}

/** Renders with the defaults (`withDefaults`) and each ci/*.yaml file; findings at `defaultSeverity` for the defaults. */
function renderRuns(
  chart: Chart,
  report: ChartLint,
  defaultSeverity: 'error' | 'warning',
  withDefaults: boolean,
): void {
  const runs = [
    ...(withDefaults ? [{ label: 'default values', sources: [], severity: defaultSeverity }] : []),
    ...chart.ciValues.map((c) => ({
      label: c.file,
      sources: [{ label: c.file, value: c.doc.value as PlainObject, doc: c.doc }],
      severity: 'error' as const,
    })),
  ];
  const seenWarnings = new Set<string>();
  for (const run of runs) {
    const result = runChart({ chart, sources: run.sources, release: LINT_RELEASE });
    for (const v of result.violations) {
      if (v.location?.file && !v.location.file.startsWith('/') && v.stage !== 'values' && !chart.helm) {
        v.location = { ...v.location, file: join(chart.dir, v.location.file) };
      }
      const finding = { ...v, severity: run.severity, message: `${v.message} (with ${run.label})` };
      (run.severity === 'error' ? report.errors : report.warnings).push(finding);
    }
    for (const w of result.warnings) {
      const key = `${w.code} ${w.message}`;
      if (!seenWarnings.has(key)) {
        seenWarnings.add(key);
        report.warnings.push(w);
      }
    }
  }
}

function lintHelm(chart: Chart, report: ChartLint): void {
  const error = (message: string, stage: Violation['stage'] = 'render', code = 'INVALID_CHART') =>
    report.errors.push({ stage, severity: 'error', code, message, location: { file: chart.dir } });
  const options = {
    releaseName: LINT_RELEASE.name,
    namespace: LINT_RELEASE.namespace,
    values: {},
    readArchive: readChartArchive,
    skipSchemaValidation: true,
  };
  try {
    const prepared = prepareRelease(chart.helm!.files, options);
    if (chart.schema && report.errors.length === 0) {
      for (const p of validateValues(chart.schema, chart.schemaFile, toJsonValue(prepared.values))) {
        const atKey = p.keyword === 'additionalProperties' || p.keyword === 'unevaluatedProperties';
        report.errors.push({
          stage: 'values',
          severity: 'error',
          code: 'VALUES_INVALID',
          message: `${p.message} (the chart's default values)`,
          path: formatPath(p.path),
          location: locateValue(chart, [], p.path, atKey),
        });
      }
    }
    checkSchemas(prepared.chart, prepared.values, true);
    const rendered = renderTemplates(prepared.chart, prepared.top, {
      funcs: helmFunctions(),
      lintMode: true,
      warn: (message) =>
        report.warnings.push({
          stage: 'render',
          severity: 'warning',
          code: 'LINT',
          message: `${message} (with default values)`,
          location: { file: chart.dir },
        }),
    });
    sortManifests(rendered);
  } catch (e) {
    if (e instanceof HelmError)
      error(e.message, e.stage === 'values' ? 'values' : e.stage === 'load' ? 'resolve' : 'render');
    else if (e instanceof Error) error(e.message, 'render', 'TEMPLATE_EXEC');
    else throw e;
    return;
  }
  if (report.errors.length === 0) renderRuns(chart, report, 'error', false);
}
