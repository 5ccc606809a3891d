/**
 * The chart half of the gate for a Helm chart in Go templates: Helm's values (coalesced with
 * subcharts, dependencies processed), the chart's values schema checked with positions (as for
 * a handlebars chart) and subcharts' schemas as Helm checks them, then `helm template`'s render;
 * every rendered object is validated against its kind's schema. Hooks are objects too (test
 * hooks are not).
 */
import type { Chart } from '../api/chart.js';
import type { ParsedDocument } from '../render/chart/parse-output.js';
import type { Release } from '../render/chart/render.js';
import { mergeUserValues } from '../render/chart/values.js';
import { checkSchemas, HelmError, prepareRelease, renderRelease } from '../render/helm/index.js';
import { readRenderedManifests } from '../render/helm/objects.js';
import { toJsonValue } from '../render/helm/schema.js';
import { readChartArchive } from '../util/archive.js';
import type { PlainObject } from '../util/plain-object.js';
import { validateValues } from '../validate/values-schema.js';
import type { Violation } from '../validate/violation.js';
import type { ChartRunResult, ValuesSource } from './chart-run.js';
import { type LocateValue, valuesViolations } from './values-violations.js';

/**
 * Where a Helm error points, chart-relative: `(aws-hosted-cp/templates/x.yaml:181:36)` in its
 * text names the chart's own file (`templates/x.yaml`), or a subchart's (`charts/sub/...`).
 */
function helmErrorLocation(message: string): Violation['location'] {
  const m = /\(([^/():\s]+)\/((?:charts\/[^/():\s]+\/)*templates\/[^:()\s]+):(\d+)(?::(\d+))?\)/.exec(
    message,
  );
  if (m) return { file: m[2], line: Number(m[3]), ...(m[4] !== undefined ? { col: Number(m[4]) + 1 } : {}) };
  const yaml = /YAML parse error on [^/\s]+\/(\S+):/.exec(message);
  if (yaml) return { file: yaml[1] };
  return undefined;
}

function helmViolation(e: HelmError, _chart: Chart): Violation {
  return {
    stage: e.stage === 'values' ? 'values' : e.stage === 'load' ? 'resolve' : 'render',
    severity: 'error',
    code: e.stage === 'values' ? 'VALUES_INVALID' : e.stage === 'load' ? 'INVALID_CHART' : 'TEMPLATE_EXEC',
    // helm's --debug hint means nothing here
    message: e.message.replace(/\n\nUse --debug flag to render out invalid YAML$/, ''),
    location: helmErrorLocation(e.message),
  };
}

export function runHelmChart(
  chart: Chart,
  sources: readonly ValuesSource[],
  release: Release,
  kubeVersion: string | undefined,
  locate: LocateValue,
): ChartRunResult {
  const result: ChartRunResult = { documents: [], violations: [], warnings: [] };
  const options = {
    releaseName: release.name,
    namespace: release.namespace,
    values: mergeUserValues(sources.map((s) => s.value)),
    readArchive: readChartArchive,
    kubeVersion,
    skipSchemaValidation: true,
  };
  try {
    const prepared = prepareRelease(chart.helm!.files, options);
    result.values = prepared.values;
    if (chart.schema) {
      result.violations.push(
        ...valuesViolations(
          validateValues(chart.schema, chart.schemaFile, toJsonValue(prepared.values)),
          locate,
        ),
      );
      if (result.violations.length > 0) return result;
    }
    checkSchemas(prepared.chart, prepared.values, true);
    const rendered = renderRelease(prepared, options);
    const hooks = rendered.hooks.filter((h) => !h.events.includes('test'));
    result.documents = toDocuments([...rendered.manifests, ...hooks]);
  } catch (e) {
    if (!(e instanceof HelmError)) throw e;
    result.violations.push(helmViolation(e, chart));
  }
  return result;
}

/** Manifests as the gate's documents: objects with a kind, numbered within their template. */
function toDocuments(manifests: Parameters<typeof readRenderedManifests>[0]): ParsedDocument[] {
  const counts = new Map<string, number>();
  const out: ParsedDocument[] = [];
  for (const m of manifests) {
    if (m.head.kind === '') continue;
    const [obj] = readRenderedManifests([m]);
    if (!obj) continue;
    const index = counts.get(m.name) ?? 0;
    counts.set(m.name, index + 1);
    // the gate names templates chart-relative, as for handlebars charts
    const template = m.name.slice(m.name.indexOf('/') + 1);
    out.push({ template, index, line: 1, object: obj.object as PlainObject, text: m.content });
  }
  return out;
}
