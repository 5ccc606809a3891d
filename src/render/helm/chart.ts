/**
 * A Helm chart in memory, as Helm's loader builds it (pkg/chart/v2 Chart): metadata from
 * Chart.yaml, default values, the values schema, templates, the other files, and the subcharts
 * found in charts/. Built by load.ts from a chart's files, wherever they came from.
 */
import type { PlainObject } from '../../util/plain-object.js';

/** One file of a chart: its path inside the chart ('/'-separated) and its bytes. */
export interface HelmFile {
  readonly name: string;
  readonly data: Uint8Array;
}

export interface HelmMaintainer {
  name: string;
  email: string;
  url: string;
}

/** A `dependencies` entry of Chart.yaml (requirements.yaml for apiVersion v1). */
export interface HelmDependency {
  name: string;
  version: string;
  repository: string;
  condition: string;
  tags: string[];
  enabled: boolean;
  importValues: unknown[];
  alias: string;
}

/** Chart.yaml, with Go's zero values for what it leaves out. */
export interface HelmMetadata {
  name: string;
  home: string;
  sources: string[];
  version: string;
  description: string;
  keywords: string[];
  maintainers: HelmMaintainer[];
  icon: string;
  apiVersion: string;
  condition: string;
  tags: string;
  appVersion: string;
  deprecated: boolean;
  /** null when Chart.yaml has none (Go's nil map). */
  annotations: Record<string, string> | null;
  kubeVersion: string;
  dependencies: HelmDependency[];
  type: string;
}

export interface HelmChart {
  metadata: HelmMetadata;
  /** values.yaml (its documents merged); import-values may add to it before rendering. */
  values: PlainObject;
  /** values.schema.json as read, when there is one. */
  schema?: Uint8Array;
  templates: HelmFile[];
  /** Every other file (crds/, README, ci/ ...): what `.Files` serves. */
  files: HelmFile[];
  dependencies: HelmChart[];
  parent?: HelmChart;
}

export function chartName(c: HelmChart): string {
  return c.metadata.name;
}

/** `parent/charts/child`: the prefix of a template's name and of `# Source:` lines. */
export function chartFullPath(c: HelmChart): string {
  return c.parent ? `${chartFullPath(c.parent)}/charts/${c.metadata.name}` : c.metadata.name;
}

export function isLibraryChart(c: HelmChart): boolean {
  return c.metadata.type === 'library';
}

const MANIFEST_EXTENSION = /\.(ya?ml|json)$/;

/** The crds/ files of a chart and of its subcharts, parents first (Helm's CRDObjects). */
export function crdObjects(c: HelmChart): { filename: string; data: Uint8Array }[] {
  const own = c.files
    .filter((f) => f.name.startsWith('crds/') && MANIFEST_EXTENSION.test(f.name))
    .map((f) => ({ filename: `${chartFullPath(c)}/${f.name}`, data: f.data }));
  return [...own, ...c.dependencies.flatMap(crdObjects)];
}
