/**
 * The kinds that put add-ons on workload clusters, in k0rdent's and Cluster API's field names:
 * `clustermint.io/v1alpha1` ServiceTemplate, ServiceTemplateChain (template-chain.ts) and
 * MultiClusterService (k0rdent's group `k0rdent.mirantis.com/v1beta1` read too);
 * `addons.cluster.x-k8s.io/v1beta2` ClusterResourceSet and ClusterResourceSetBinding (v1beta1 read
 * too); `lib.projectsveltos.io/v1beta1` SveltosCluster (what the adopted-cluster template renders).
 * The readers take the whole object, check its `spec` and answer `{ spec }` with defaults applied
 * or every problem with its JSON path; the JSON schemas in schemas/ accept everything they accept.
 */
import type { PathSegment } from '../util/json-path.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import type { ChartRef } from './cluster-template.js';
import { isEmptySelector, type LabelSelector, readLabelSelector } from './label-selector.js';
import { Problems, type ReadResult } from './read-problems.js';
import {
  checkLabel,
  checkObjectName,
  DEFAULT_PRIORITY,
  DEFAULT_SYNC_MODE,
  type MultiClusterServiceState,
  readServiceSpecInto,
  type ServiceSpec,
} from './service-spec.js';

export type { LabelSelector, LabelSelectorRequirement } from './label-selector.js';
export type { ReadProblem, ReadResult } from './read-problems.js';
export * from './service-spec.js';
export { SERVICE_TEMPLATE_CHAIN_TYPE } from './template-chain.js';

export const SERVICE_TEMPLATE_TYPE = {
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ServiceTemplate',
} as const;
export const MULTI_CLUSTER_SERVICE_TYPE = {
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'MultiClusterService',
} as const;
export const CLUSTER_RESOURCE_SET_TYPE = {
  apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
  kind: 'ClusterResourceSet',
} as const;
export const CLUSTER_RESOURCE_SET_BINDING_TYPE = {
  apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
  kind: 'ClusterResourceSetBinding',
} as const;
export const SVELTOS_CLUSTER_TYPE = {
  apiVersion: 'lib.projectsveltos.io/v1beta1',
  kind: 'SveltosCluster',
} as const;
export const CONFIG_MAP_TYPE = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

/** The Secret type Cluster API requires of a ClusterResourceSet's Secret resources. */
export const CRS_SECRET_TYPE = 'addons.cluster.x-k8s.io/resource-set';
/** On a SveltosCluster of the embedded runtime: a kubeconfig file to reach the cluster by. */
export const KUBECONFIG_FILE_ANNOTATION = 'clustermint.io/kubeconfig-file';

const CLUSTERMINT_VERSIONS = new Set(['clustermint.io/v1alpha1', 'k0rdent.mirantis.com/v1beta1']);
const ADDONS_VERSIONS = new Set(['addons.cluster.x-k8s.io/v1beta2', 'addons.cluster.x-k8s.io/v1beta1']);
const SVELTOS_VERSIONS = new Set(['lib.projectsveltos.io/v1beta1']);

const isKind = (v: unknown, kind: string, versions: ReadonlySet<string>): boolean =>
  isPlainObject(v) && v.kind === kind && typeof v.apiVersion === 'string' && versions.has(v.apiVersion);

export const isServiceTemplate = (v: unknown) => isKind(v, 'ServiceTemplate', CLUSTERMINT_VERSIONS);
export const isMultiClusterService = (v: unknown) => isKind(v, 'MultiClusterService', CLUSTERMINT_VERSIONS);
export const isClusterResourceSet = (v: unknown) => isKind(v, 'ClusterResourceSet', ADDONS_VERSIONS);
export const isClusterResourceSetBinding = (v: unknown) =>
  isKind(v, 'ClusterResourceSetBinding', ADDONS_VERSIONS);
export const isSveltosCluster = (v: unknown) => isKind(v, 'SveltosCluster', SVELTOS_VERSIONS);

/** A metav1.Condition as the status of these kinds carries it. */
export interface StatusCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

// ------------------------------------------------------------------------------ ServiceTemplate

/** Flux's HelmChartSpec, as ClusterTemplate's `spec.helm.chartSpec` (schema: ServiceTemplate.json). */
export interface HelmChartSpec {
  chart: string;
  version?: string;
  sourceRef?: { apiVersion?: string; kind: string; name: string };
  [field: string]: unknown;
}

export interface ServiceTemplateHelm {
  chartSpec?: HelmChartSpec;
  chartRef?: ChartRef;
}

export interface LocalSourceRef {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  /** Default: the ServiceTemplate's namespace. */
  namespace?: string;
}

/** Plain manifests: every data value of the ConfigMap / Secret a (multi-document) YAML or JSON manifest. */
export interface ServiceTemplateResources {
  localSourceRef: LocalSourceRef;
  path?: string;
}

export interface ServiceTemplateSpec {
  helm?: ServiceTemplateHelm;
  resources?: ServiceTemplateResources;
  version?: string;
  /** A Masterminds semver constraint on the cluster's Kubernetes version, e.g. `>=1.30.0 <1.40.0`. */
  k8sConstraint?: string;
  /** k0rdent's Helm options: accepted, not used. */
  helmOptions?: PlainObject;
}

export interface ServiceTemplateStatus {
  observedGeneration?: number;
  valid: boolean;
  validationError?: string;
  description?: string;
  k8sConstraint?: string;
  chartVersion?: string;
  chartRef?: ChartRef;
  /** The chart's default values. */
  config?: PlainObject;
}

const TEMPLATE_SPEC_FIELDS = new Set([
  'helm',
  'resources',
  'kustomize',
  'version',
  'k8sConstraint',
  'helmOptions',
]);
const HELM_FIELDS = new Set(['chartSpec', 'chartRef']);
const HELM_UNSUPPORTED = new Set(['chartSource']);
const RESOURCES_UNSUPPORTED = new Set(['remoteSourceSpec']);
const CHART_REF_KINDS = new Set(['HelmChart', 'OCIRepository', 'ExternalArtifact']);
const CHART_SOURCE_KINDS = new Set(['HelmRepository', 'GitRepository', 'Bucket']);
const RESOURCES_FIELDS = new Set(['localSourceRef', 'path', 'deploymentType']);
const LOCAL_SOURCE_FIELDS = new Set(['kind', 'name', 'namespace']);

function specOf(p: Problems, object: unknown, path: readonly PathSegment[]): PlainObject | undefined {
  const o = p.map(object, path, 'an object (apiVersion, kind, metadata, spec)');
  if (!o) return undefined;
  return p.map(o.spec, [...path, 'spec'], 'a map (spec is required)');
}

/** Reads a ServiceTemplate object's spec: exactly one of helm / resources, as k0rdent's rules say. */
export function readServiceTemplate(
  object: unknown,
  path: readonly PathSegment[] = [],
): ReadResult<ServiceTemplateSpec> {
  const p = new Problems();
  const at = [...path, 'spec'];
  const spec = specOf(p, object, path);
  if (!spec) return p.result({});
  p.unknownKeys(spec, at, TEMPLATE_SPEC_FIELDS);
  const given = ['helm', 'kustomize', 'resources'].filter((k) => spec[k] !== undefined);
  if (given.length > 1) p.add(at, 'Helm, Kustomize and Resources are mutually exclusive');
  else if (given.length === 0) p.add(at, 'One of Helm, Kustomize, or Resources must be specified');
  else if (given[0] === 'kustomize') p.add([...at, 'kustomize'], 'kustomize is not supported by clustermint');
  const helm = spec.helm === undefined ? undefined : readHelm(p, spec.helm, [...at, 'helm']);
  const resources =
    spec.resources === undefined ? undefined : readResources(p, spec.resources, [...at, 'resources']);
  const version = p.optString(spec.version, [...at, 'version']);
  let k8sConstraint: string | undefined;
  if (spec.k8sConstraint !== undefined) {
    if (typeof spec.k8sConstraint === 'string' && spec.k8sConstraint.trim() !== '')
      k8sConstraint = spec.k8sConstraint;
    else p.add([...at, 'k8sConstraint'], 'must be a semver constraint such as ">=1.30.0 <1.40.0"');
  }
  const helmOptions =
    spec.helmOptions === undefined ? undefined : p.map(spec.helmOptions, [...at, 'helmOptions']);
  return p.result({
    ...(helm ? { helm } : {}),
    ...(resources ? { resources } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(k8sConstraint !== undefined ? { k8sConstraint } : {}),
    ...(helmOptions ? { helmOptions } : {}),
  });
}

function readHelm(p: Problems, raw: unknown, at: readonly PathSegment[]): ServiceTemplateHelm | undefined {
  const h = p.map(raw, at, 'a map (chartSpec or chartRef)');
  if (!h) return undefined;
  p.unknownKeys(h, at, HELM_FIELDS, HELM_UNSUPPORTED);
  if (h.chartSpec !== undefined && h.chartRef !== undefined)
    p.add(at, 'chartSpec, chartSource and chartRef are mutually exclusive');
  else if (h.chartSpec === undefined && h.chartRef === undefined && h.chartSource === undefined)
    p.add(at, 'one of chartSpec, chartRef or chartSource must be set');
  const out: ServiceTemplateHelm = {};
  if (h.chartSpec !== undefined) {
    const cs = p.map(h.chartSpec, [...at, 'chartSpec'], 'a map (chart, version, sourceRef, ...)');
    if (cs) {
      const ok = typeof cs.chart === 'string' && cs.chart !== '';
      if (!ok) p.add([...at, 'chartSpec', 'chart'], 'chart is required: the chart name');
      p.optString(cs.version, [...at, 'chartSpec', 'version']);
      if (cs.sourceRef !== undefined) {
        const sr = p.map(cs.sourceRef, [...at, 'chartSpec', 'sourceRef'], 'a map (kind, name)');
        if (sr) {
          if (typeof sr.kind !== 'string' || !CHART_SOURCE_KINDS.has(sr.kind))
            p.add(
              [...at, 'chartSpec', 'sourceRef', 'kind'],
              `kind must be one of ${[...CHART_SOURCE_KINDS].join(', ')}`,
            );
          checkObjectName(p, sr.name, [...at, 'chartSpec', 'sourceRef', 'name'], 'name');
        }
      }
      if (ok) out.chartSpec = cs as HelmChartSpec;
    }
  }
  if (h.chartRef !== undefined) {
    const cr = p.map(h.chartRef, [...at, 'chartRef'], 'a map (kind, name, namespace)');
    if (cr) {
      const kindOk = typeof cr.kind === 'string' && CHART_REF_KINDS.has(cr.kind);
      if (!kindOk)
        p.add([...at, 'chartRef', 'kind'], `kind must be one of ${[...CHART_REF_KINDS].join(', ')}`);
      const name = checkObjectName(p, cr.name, [...at, 'chartRef', 'name'], 'name');
      const namespace =
        cr.namespace === undefined
          ? undefined
          : checkLabel(p, cr.namespace, [...at, 'chartRef', 'namespace'], 'namespace');
      const apiVersion = p.optString(cr.apiVersion, [...at, 'chartRef', 'apiVersion']);
      if (kindOk && name)
        out.chartRef = {
          kind: cr.kind as string,
          name,
          ...(namespace ? { namespace } : {}),
          ...(apiVersion ? { apiVersion } : {}),
        };
    }
  }
  return out;
}

function readResources(
  p: Problems,
  raw: unknown,
  at: readonly PathSegment[],
): ServiceTemplateResources | undefined {
  const r = p.map(raw, at, 'a map (localSourceRef, path)');
  if (!r) return undefined;
  p.unknownKeys(r, at, RESOURCES_FIELDS, RESOURCES_UNSUPPORTED);
  // k0rdent's Local deploys into the management cluster: clustermint delivers to workload clusters only.
  if (r.deploymentType !== undefined && r.deploymentType !== 'Remote')
    p.add(
      [...at, 'deploymentType'],
      `deploymentType ${JSON.stringify(r.deploymentType)} is not supported by clustermint (only Remote)`,
    );
  const path = p.optString(r.path, [...at, 'path']);
  if (r.localSourceRef === undefined) {
    if (r.remoteSourceSpec === undefined)
      p.add([...at, 'localSourceRef'], 'localSourceRef is required: a ConfigMap or Secret');
    return undefined;
  }
  const l = p.map(r.localSourceRef, [...at, 'localSourceRef'], 'a map (kind, name, namespace)');
  if (!l) return undefined;
  p.unknownKeys(l, [...at, 'localSourceRef'], LOCAL_SOURCE_FIELDS);
  let kind: LocalSourceRef['kind'] | undefined;
  if (l.kind === 'ConfigMap' || l.kind === 'Secret') kind = l.kind;
  else
    p.add(
      [...at, 'localSourceRef', 'kind'],
      typeof l.kind === 'string' && ['GitRepository', 'Bucket', 'OCIRepository'].includes(l.kind)
        ? `kind ${l.kind} is not supported by clustermint (ConfigMap or Secret)`
        : `kind must be ConfigMap or Secret (got ${JSON.stringify(l.kind ?? null)})`,
    );
  const name = checkObjectName(p, l.name, [...at, 'localSourceRef', 'name'], 'name');
  const namespace =
    l.namespace === undefined
      ? undefined
      : checkLabel(p, l.namespace, [...at, 'localSourceRef', 'namespace'], 'namespace');
  if (!kind || !name) return undefined;
  return {
    localSourceRef: { kind, name, ...(namespace ? { namespace } : {}) },
    ...(path !== undefined ? { path } : {}),
  };
}

// -------------------------------------------------------------------------- MultiClusterService

export interface MultiClusterServiceSpec {
  clusterSelector: LabelSelector;
  /** Other MultiClusterServices (names) deployed first. */
  dependsOn: string[];
  serviceSpec: ServiceSpec;
  keepServicesOnSelectorMismatch: boolean;
}

export interface MatchingCluster {
  objectRef: { namespace: string; name: string };
  deployed: boolean;
  reason?: string;
  message?: string;
}

export interface MultiClusterServiceStatus {
  observedGeneration?: number;
  services?: MultiClusterServiceState[];
  matchingClusters?: MatchingCluster[];
  conditions?: StatusCondition[];
}

const MCS_SPEC_FIELDS = new Set([
  'clusterSelector',
  'dependsOn',
  'serviceSpec',
  'keepServicesOnSelectorMismatch',
]);
const MAX_MCS_DEPENDS_ON = 100;

/** Reads a MultiClusterService object's spec (defaults: selector {}, dependsOn [], serviceSpec's own). */
export function readMultiClusterService(
  object: unknown,
  path: readonly PathSegment[] = [],
): ReadResult<MultiClusterServiceSpec> {
  const p = new Problems();
  const at = [...path, 'spec'];
  const empty: MultiClusterServiceSpec = {
    clusterSelector: {},
    dependsOn: [],
    serviceSpec: { services: [], priority: DEFAULT_PRIORITY, syncMode: DEFAULT_SYNC_MODE },
    keepServicesOnSelectorMismatch: false,
  };
  const spec = specOf(p, object, path);
  if (!spec) return p.result(empty);
  p.unknownKeys(spec, at, MCS_SPEC_FIELDS);
  const clusterSelector = readLabelSelector(p, spec.clusterSelector, [...at, 'clusterSelector']) ?? {};
  const dependsOn: string[] = [];
  const deps = p.optList(spec.dependsOn, [...at, 'dependsOn'], MAX_MCS_DEPENDS_ON) ?? [];
  deps.forEach((d, i) => {
    const name = checkObjectName(p, d, [...at, 'dependsOn', i], 'a MultiClusterService name');
    if (name === undefined) return;
    if (dependsOn.includes(name)) p.add([...at, 'dependsOn', i], `duplicate ${JSON.stringify(name)}`);
    else dependsOn.push(name);
  });
  const serviceSpec =
    spec.serviceSpec === undefined
      ? empty.serviceSpec
      : readServiceSpecInto(p, spec.serviceSpec, [...at, 'serviceSpec']);
  const keep = p.optBoolean(spec.keepServicesOnSelectorMismatch, [...at, 'keepServicesOnSelectorMismatch']);
  return p.result({
    clusterSelector,
    dependsOn,
    serviceSpec: serviceSpec ?? empty.serviceSpec,
    keepServicesOnSelectorMismatch: keep ?? false,
  });
}

// ---------------------------------------------------------------------------- ClusterResourceSet

export const CRS_STRATEGIES = ['ApplyOnce', 'Reconcile'] as const;
export type ClusterResourceSetStrategy = (typeof CRS_STRATEGIES)[number];

export interface ResourceRef {
  name: string;
  kind: 'Secret' | 'ConfigMap';
}

export interface ClusterResourceSetSpec {
  /** An empty selector matches no cluster (Cluster API's rule). */
  clusterSelector: LabelSelector;
  resources: ResourceRef[];
  strategy: ClusterResourceSetStrategy;
}

export interface ClusterResourceSetStatus {
  observedGeneration?: number;
  conditions?: StatusCondition[];
}

/** One resource of a binding: what was applied to the cluster, when, and its content hash. */
export interface ResourceBinding extends ResourceRef {
  hash?: string;
  applied: boolean;
  lastAppliedTime?: string;
}

export interface ResourceSetBinding {
  clusterResourceSetName: string;
  resources?: ResourceBinding[];
}

/** A ClusterResourceSetBinding (named after its cluster): which sets were applied to it. */
export interface ClusterResourceSetBindingSpec {
  clusterName: string;
  bindings?: ResourceSetBinding[];
}

const CRS_SPEC_FIELDS = new Set(['clusterSelector', 'resources', 'strategy']);
const RESOURCE_REF_FIELDS = new Set(['name', 'kind']);
/** Cluster API's bound. */
export const MAX_CRS_RESOURCES = 100;

/** Reads a ClusterResourceSet object's spec (strategy defaults to ApplyOnce). */
export function readClusterResourceSet(
  object: unknown,
  path: readonly PathSegment[] = [],
): ReadResult<ClusterResourceSetSpec> {
  const p = new Problems();
  const at = [...path, 'spec'];
  const spec = specOf(p, object, path);
  if (!spec) return p.result({ clusterSelector: {}, resources: [], strategy: 'ApplyOnce' });
  p.unknownKeys(spec, at, CRS_SPEC_FIELDS);
  if (spec.clusterSelector === undefined)
    p.add([...at, 'clusterSelector'], 'clusterSelector is required (an empty one matches no cluster)');
  const clusterSelector = readLabelSelector(p, spec.clusterSelector, [...at, 'clusterSelector']) ?? {};
  const resources: ResourceRef[] = [];
  const list = p.optList(spec.resources, [...at, 'resources'], MAX_CRS_RESOURCES);
  if (!list || list.length === 0) {
    if (spec.resources === undefined || list?.length === 0)
      p.add([...at, 'resources'], 'resources is required: at least one {name, kind: Secret|ConfigMap}');
  } else
    list.forEach((raw, i) => {
      const r = p.map(raw, [...at, 'resources', i], 'a map (name, kind)');
      if (!r) return;
      p.unknownKeys(r, [...at, 'resources', i], RESOURCE_REF_FIELDS);
      const name = checkObjectName(p, r.name, [...at, 'resources', i, 'name'], 'name');
      if (r.kind !== 'Secret' && r.kind !== 'ConfigMap')
        p.add(
          [...at, 'resources', i, 'kind'],
          `kind must be Secret or ConfigMap (got ${JSON.stringify(r.kind ?? null)})`,
        );
      else if (name) resources.push({ name, kind: r.kind });
    });
  let strategy: ClusterResourceSetStrategy = 'ApplyOnce';
  if (spec.strategy !== undefined) {
    if (typeof spec.strategy === 'string' && (CRS_STRATEGIES as readonly string[]).includes(spec.strategy))
      strategy = spec.strategy as ClusterResourceSetStrategy;
    else
      p.add([...at, 'strategy'], `unknown strategy ${JSON.stringify(spec.strategy)}: ApplyOnce or Reconcile`);
  }
  return p.result({ clusterSelector, resources, strategy });
}

export { isEmptySelector };

// -------------------------------------------------------------------------------- SveltosCluster

export const DEFAULT_KUBECONFIG_KEYS = ['value', 'kubeconfig'] as const;

/** Sveltos' registration of a cluster it did not create (the adopted-cluster template's output). */
export interface SveltosClusterSpec {
  /** The Secret (in the SveltosCluster's namespace) holding the kubeconfig. */
  kubeconfigName?: string;
  /** Its data key; default `value`, falling back to `kubeconfig`. */
  kubeconfigKeyName?: string;
  /** Failed connection checks in a row before the cluster is marked not ready (Sveltos' default 3). */
  consecutiveFailureThreshold?: number;
  paused?: boolean;
}

export interface SveltosClusterStatus {
  ready?: boolean;
  version?: string;
  failureMessage?: string;
  connectionStatus?: string;
  connectionFailures?: number;
}
