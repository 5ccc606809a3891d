/** Chart + values -> objects. Pure: the chart is already in memory, nothing is read or timed. */
import type { Chart } from '../../api/chart.js';
import { templateKubeVersion } from '../../domain/kubernetes-version.js';
import type { PlainObject } from '../../util/plain-object.js';
import { compileChart } from './engine.js';
import { type ParsedDocument, parseRenderedTemplate } from './parse-output.js';

export interface Release {
  name: string;
  namespace: string;
}

export interface RenderInput {
  chart: Chart;
  values: PlainObject;
  release: Release;
  /** Kubernetes version for `Capabilities.KubeVersion`, e.g. v1.33.0. */
  kubeVersion?: string;
}

export const DEFAULT_KUBE_VERSION = 'v1.33.0';

/** `Capabilities.KubeVersion` of a chart: the version it installs (domain rule), as `vX.Y.Z`, or the default. */
export function capabilitiesKubeVersion(chart: Chart): string {
  const candidate = templateKubeVersion(chart);
  const m = candidate ? /^v?(\d+\.\d+\.\d+)/.exec(candidate) : null;
  return m ? `v${m[1]}` : DEFAULT_KUBE_VERSION;
}

export function renderContext(input: RenderInput): object {
  const { chart, values, release } = input;
  const kube = input.kubeVersion ?? capabilitiesKubeVersion(chart);
  const [major, minor] = kube.replace(/^v/, '').split('.');
  return {
    Values: values,
    Release: {
      Name: release.name,
      Namespace: release.namespace,
      Service: 'clustermint',
      IsInstall: true,
      IsUpgrade: false,
      Revision: 1,
    },
    Chart: {
      Name: chart.metadata.name,
      Version: chart.metadata.version,
      AppVersion: chart.metadata.appVersion ?? '',
      Description: chart.metadata.description ?? '',
      Annotations: chart.metadata.annotations,
    },
    Capabilities: { KubeVersion: { Version: kube, GitVersion: kube, Major: major, Minor: minor } },
  };
}

/** Renders every template and parses its documents, in template-name then document order. */
export function renderChart(input: RenderInput): ParsedDocument[] {
  const compiled = compileChart(input.chart.templates);
  const rendered = compiled.render(renderContext(input));
  return rendered.flatMap((t) => parseRenderedTemplate(t.name, t.text, input.release.name));
}

/** Renders to text only (for `template --show-only`-style debugging and benchmarks). */
export function renderChartText(input: RenderInput): Array<{ name: string; text: string }> {
  return compileChart(input.chart.templates).render(renderContext(input));
}
