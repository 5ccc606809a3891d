/**
 * A ClusterTemplate resolved, for every entry point (the controller's template phase, the webhook's
 * sources, `render`/`check`/`plan`/`apply` with the objects given as inputs): its source decided
 * (resolve/template-source.ts), its chart loaded (resolve/template-chart.ts, the one I/O here),
 * the chart's own checks run (chart-lint.ts), and the status k0rdent's ClusterTemplate carries
 * computed from them. An invalid template has `valid: false` and a `validationError` that says why.
 */
import { dirname } from 'node:path';
import type { Chart } from '../api/chart.js';
import { type ClusterTemplateStatus, isClusterTemplate, isTemplateSource } from '../api/cluster-template.js';
import { newVersion } from '../render/functions/semver.js';
import type { SourcedDocument } from '../resolve/documents.js';
import type { TemplateChartLoader } from '../resolve/template-chart.js';
import { decideTemplateSource, lookupIn, type TemplateSource } from '../resolve/template-source.js';
import { ClustermintError, formatError, formatLocation } from '../util/errors.js';
import { formatPath } from '../util/json-path.js';
import { isPlainObject, type PlainObject, toOrdinaryTree } from '../util/plain-object.js';
import { storedKindProblems } from '../validate/stored-kinds.js';
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

/**
 * The ClusterTemplates among input documents (`-f` files), each resolved with the sources given
 * beside it (HelmRepository, OCIRepository, HelmChart, Secret documents), a chart path relative
 * to its file: `namespace/name` -> resolution. A template or source that does not match its
 * schema is an error with its line.
 */
export async function resolveInputTemplates(
  inputs: readonly SourcedDocument[],
  loader: TemplateChartLoader,
): Promise<Map<string, TemplateResolution>> {
  const sources = inputs.filter((d) => isTemplateSource(d.value));
  for (const d of [...inputs.filter((x) => isClusterTemplate(x.value)), ...sources]) {
    const [p] = storedKindProblems(d.value);
    if (p) {
      const pos = d.doc.locate(p.path, p.keyword === 'additionalProperties');
      const kind = String(d.value.kind);
      throw new ClustermintError('INVALID_SUBMISSION', `invalid ${kind}: ${p.message}`, {
        file: d.file,
        line: pos?.line,
        col: pos?.col,
        path: formatPath(p.path),
      });
    }
  }
  const lookup = lookupIn(sources.map((d) => d.value));
  const out = new Map<string, TemplateResolution>();
  for (const d of inputs) {
    if (!isClusterTemplate(d.value)) continue;
    const meta = obj(d.value.metadata);
    const key = `${str(meta.namespace) || 'default'}/${str(meta.name)}`;
    const source = decideTemplateSource(d.value, lookup, { localPaths: { baseDir: dirname(d.file) } });
    out.set(key, await resolveClusterTemplate(d.value, source, loader));
  }
  return out;
}

/**
 * A deployment's template resolver: its namespace's ClusterTemplate of that name among `templates`
 * when there is one (an invalid one is an error in k0rdent's words), else `fallback` (the catalog).
 */
export function templateResolver(
  templates: ReadonlyMap<string, TemplateResolution>,
  namespace: string,
  fallback: (name: string) => Chart,
): (name: string) => Chart {
  return (name) => {
    const t = templates.get(`${namespace}/${name}`);
    if (!t) return fallback(name);
    if (t.chart) return t.chart;
    throw new ClustermintError(
      'INVALID_CHART',
      `the ClusterTemplate ${name} is invalid with the error: ${t.status.validationError ?? '(no message)'}`,
    );
  };
}
