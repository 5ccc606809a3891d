/** A ClusterTemplate chart held in memory: what the loader reads and the renderer consumes. */
import type { SourceDocument } from '../util/yaml-source.js';

export interface ChartMetadata {
  name: string;
  version: string;
  description?: string;
  appVersion?: string;
  kubeVersion?: string;
  annotations: Record<string, string>;
}

export interface ValuesFile {
  /** Path as given (or chart-relative), used in messages. */
  file: string;
  doc: SourceDocument;
}

export interface Chart {
  /** Folder the chart was read from (for messages). */
  dir: string;
  metadata: ChartMetadata;
  /** values.yaml, with positions. */
  values: ValuesFile | undefined;
  /** values.schema.json, parsed. */
  schema: object | undefined;
  schemaFile: string;
  templates: TemplateSource[];
  /** ci/*.yaml values files that lint renders too. */
  ciValues: ValuesFile[];
  /** From the `cluster.x-k8s.io/provider` annotation: sorted, de-duplicated. */
  providers: string[];
  /** `cluster.x-k8s.io/<provider>: <contract>` annotations. */
  providerContracts: Record<string, string>;
  /** `clustermint.io/k8s-version` or `k0rdent.mirantis.com/k8s-version`, if set. */
  k8sVersion?: string;
  /**
   * A Helm chart in Go templates: every file of the chart (subcharts included), rendered as
   * `helm template` does. Absent for a handlebars chart (`templates` holds its .hbs files).
   */
  helm?: HelmChartFiles;
}

export interface HelmChartFiles {
  files: readonly { readonly name: string; readonly data: Uint8Array }[];
  /** `sha256:<hex>` of the archive it came from, when it came from one. */
  digest?: string;
}

/** k0rdent's ClusterTemplate name for a chart: `<name>-<version with . as ->`, e.g. aws-standalone-cp-1-0-43. */
export function templateObjectName(meta: Pick<ChartMetadata, 'name' | 'version'>): string {
  return `${meta.name}-${meta.version.replace(/^v/, '').replace(/\./g, '-')}`;
}

/** One template file of a chart. */
export interface TemplateSource {
  /** Path inside the chart, e.g. `templates/cluster.yaml.hbs`. */
  name: string;
  source: string;
}
