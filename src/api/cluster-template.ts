/**
 * `clustermint.io/v1alpha1 ClusterTemplate` in k0rdent's shape (`spec.helm.chartSpec` or
 * `spec.helm.chartRef`, a status with `valid`, `config`, `chartVersion` ...) and the Flux source
 * kinds a template's chart is found through: `source.toolkit.fluxcd.io/v1` HelmRepository,
 * OCIRepository and HelmChart (and the core Secrets they name for credentials).
 */
import { isPlainObject, type PlainObject } from '../util/plain-object.js';

export const CLUSTER_TEMPLATE_TYPE = {
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ClusterTemplate',
} as const;
/** k0rdent's own ClusterTemplates are read too (the CLI's inputs). */
const TEMPLATE_API_VERSIONS = new Set([
  'clustermint.io/v1alpha1',
  'k0rdent.mirantis.com/v1beta1',
  'k0rdent.mirantis.com/v1alpha1',
]);

export const FLUX_SOURCE_GROUP = 'source.toolkit.fluxcd.io';
export const HELM_REPOSITORY_TYPE = {
  apiVersion: `${FLUX_SOURCE_GROUP}/v1`,
  kind: 'HelmRepository',
} as const;
export const OCI_REPOSITORY_TYPE = { apiVersion: `${FLUX_SOURCE_GROUP}/v1`, kind: 'OCIRepository' } as const;
export const HELM_CHART_TYPE = { apiVersion: `${FLUX_SOURCE_GROUP}/v1`, kind: 'HelmChart' } as const;
export const SECRET_TYPE = { apiVersion: 'v1', kind: 'Secret' } as const;

/** The kinds a ClusterTemplate's chart may be found through. */
export type SourceKind = 'HelmRepository' | 'OCIRepository' | 'HelmChart' | 'Secret';
export const SOURCE_TYPES = [
  HELM_REPOSITORY_TYPE,
  OCI_REPOSITORY_TYPE,
  HELM_CHART_TYPE,
  SECRET_TYPE,
] as const;

/** Flux's CrossNamespaceSourceReference (spec.helm.chartRef, status.chartRef). */
export interface ChartRef {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** What the template controller writes: k0rdent's ClusterTemplateStatus, plus `configSchema` and `chartDigest`. */
export interface ClusterTemplateStatus {
  observedGeneration?: number;
  valid: boolean;
  validationError?: string;
  description?: string;
  chartVersion?: string;
  chartRef?: ChartRef;
  /** `sha256:<hex>` of the chart archive the template resolved to; deployments render this exact chart. */
  chartDigest?: string;
  providers?: string[];
  providerContracts?: Record<string, string>;
  k8sVersion?: string;
  /** The chart's default values (values.yaml). */
  config?: PlainObject;
  /** The chart's values.schema.json. */
  configSchema?: PlainObject;
}

export function isClusterTemplate(v: unknown): boolean {
  return (
    isPlainObject(v) &&
    v.kind === 'ClusterTemplate' &&
    typeof v.apiVersion === 'string' &&
    TEMPLATE_API_VERSIONS.has(v.apiVersion)
  );
}

/** A Flux source object (any version of source.toolkit.fluxcd.io) or a core Secret. */
export function isTemplateSource(v: unknown): boolean {
  if (!isPlainObject(v) || typeof v.apiVersion !== 'string') return false;
  if (v.kind === 'Secret') return v.apiVersion === 'v1';
  return (
    v.apiVersion.startsWith(`${FLUX_SOURCE_GROUP}/`) &&
    (v.kind === 'HelmRepository' || v.kind === 'OCIRepository' || v.kind === 'HelmChart')
  );
}

/** The status a stored ClusterTemplate carries, read leniently (a missing or malformed one: undefined). */
export function templateStatusOf(o: { status?: unknown }): ClusterTemplateStatus | undefined {
  const s = o.status;
  if (!isPlainObject(s) || typeof s.valid !== 'boolean') return undefined;
  return s as unknown as ClusterTemplateStatus;
}
