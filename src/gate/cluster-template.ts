/**
 * A ClusterTemplate resolved, for every entry point (the controller's template phase, the webhook's
 * sources, `render`/`check`/`plan`/`apply` with the objects given as inputs): its source decided
 * (resolve/template-source.ts), its chart loaded (resolve/template-chart.ts, the one I/O here),
 * the chart's own checks run (chart-lint.ts), and the status k0rdent's ClusterTemplate carries
 * computed from them. An invalid template has `valid: false` and a `validationError` that says why.
 */
import type { Chart } from '../api/chart.js';
import type { ClusterTemplateStatus } from '../api/cluster-template.js';
import { newVersion } from '../render/functions/semver.js';
import type { TemplateChartLoader } from '../resolve/template-chart.js';
import type { TemplateSource } from '../resolve/template-source.js';
import { ClustermintError, formatError, formatLocation } from '../util/errors.js';
import { isPlainObject, type PlainObject, toOrdinaryTree } from '../util/plain-object.js';
import type { Violation } from '../validate/violation.js';
import { type ChartLint, lintLoadedChart } from './chart-lint.js';

export interface TemplateResolution {
  status: ClusterTemplateStatus;
  /** The chart, when the template is valid. */
  chart?: Chart;
  source: TemplateSource;
  /** The chart's lint warnings (a `required` value its defaults leave out, ...). */
  warnings: Violation[];
}

const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Lint results per chart object: a chart kept by digest is linted once. */
const linted = new WeakMap<Chart, ChartLint>();

function lintOnce(chart: Chart): ChartLint {
  let l = linted.get(chart);
  if (!l) {
    l = lintLoadedChart(chart);
    linted.set(chart, l);
  }
  return l;
}

/** The first findings as one line: `where: message; ...; and N more`. */
export function findingsLine(vs: readonly Violation[], max = 3): string {
  const line = (v: Violation) => {
    const where = formatLocation(v.location);
    return where ? `${where}: ${v.message}` : v.message;
  };
  const head = vs.slice(0, max).map(line).join('; ');
  return vs.length > max ? `${head}; and ${vs.length - max} more` : head;
}

/** Resolves a template whose source was decided (decideTemplateSource, or decideWithFetch over a store). */
export async function resolveClusterTemplate(
  template: PlainObject,
  source: TemplateSource,
  loader: TemplateChartLoader,
): Promise<TemplateResolution> {
  const generation = obj(template.metadata).generation;
  const base: Pick<ClusterTemplateStatus, 'observedGeneration'> =
    typeof generation === 'number' ? { observedGeneration: generation } : {};
  const invalid = (
    validationError: string,
    extra: Partial<ClusterTemplateStatus> = {},
  ): TemplateResolution => ({
    status: { ...base, ...extra, valid: false, validationError },
    source,
    warnings: [],
  });
  if (source.kind === 'unresolvable') return invalid(source.reason);
  let loaded: Awaited<ReturnType<TemplateChartLoader['load']>>;
  try {
    loaded = await loader.load(source);
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    const what = source.kind === 'catalog' ? `chart ${JSON.stringify(source.chart)}` : source.what;
    return invalid(`cannot load ${what}: ${formatError(e).replace(/\n\s*/g, '; ')}`, refOf(source));
  }
  const { chart } = loaded;
  const found = {
    ...refOf(source),
    chartVersion: chart.metadata.version,
    ...(loaded.digest ? { chartDigest: loaded.digest } : {}),
    ...(chart.metadata.description ? { description: chart.metadata.description } : {}),
  };
  const lint = lintOnce(chart);
  if (lint.errors.length > 0) return invalid(findingsLine(lint.errors), found);
  const spec = obj(template.spec);
  const meta = fromChart(chart, spec);
  if ('error' in meta) {
    const m = obj(template.metadata);
    return invalid(
      `${meta.error} for ClusterTemplate ${str(m.namespace) || 'default'}/${str(m.name)}`,
      found,
    );
  }
  const config = chart.values?.doc.value;
  return {
    status: {
      ...base,
      ...found,
      ...meta,
      ...(isPlainObject(config) ? { config: toOrdinaryTree(config) as PlainObject } : {}),
      ...(chart.schema ? { configSchema: toOrdinaryTree(chart.schema) as PlainObject } : {}),
      valid: true,
    },
    chart,
    source,
    warnings: lint.warnings,
  };
}

function refOf(source: TemplateSource): Partial<ClusterTemplateStatus> {
  return source.kind === 'source' && source.chartRef ? { chartRef: source.chartRef } : {};
}

/**
 * providers, providerContracts and k8sVersion as k0rdent fills them: the spec's when it sets
 * them, else the chart's annotations; a Kubernetes version must be a semantic version.
 */
function fromChart(
  chart: Chart,
  spec: PlainObject,
): Pick<ClusterTemplateStatus, 'providers' | 'providerContracts' | 'k8sVersion'> | { error: string } {
  const specProviders = Array.isArray(spec.providers)
    ? spec.providers.filter((p): p is string => typeof p === 'string')
    : [];
  const providers = specProviders.length ? [...new Set(specProviders)].sort() : chart.providers;
  const specContracts = Object.entries(obj(spec.providerContracts)).filter(
    (e): e is [string, string] => typeof e[1] === 'string',
  );
  const providerContracts = specContracts.length
    ? Object.fromEntries(specContracts)
    : chart.providerContracts;
  for (const [p, c] of Object.entries(providerContracts))
    if (!/^v1(alpha|beta)?[0-9]*$/.test(c))
      return { error: `incorrect provider contract version ${c} for the ${p} provider` };
  const k8sVersion = str(spec.k8sVersion) || chart.k8sVersion;
  if (k8sVersion) {
    try {
      newVersion(k8sVersion);
    } catch {
      return { error: `failed to parse kubernetes version ${k8sVersion}` };
    }
  }
  return {
    ...(providers.length ? { providers } : {}),
    ...(Object.keys(providerContracts).length ? { providerContracts } : {}),
    ...(k8sVersion ? { k8sVersion } : {}),
  };
}
