/**
 * What the webhook decides with: the policies, the template catalog, the ClusterClasses and
 * their templates, and (with --kubeconfig) the cluster's ClusterTemplates, namespace labels and
 * tenancy objects (Credentials, ServiceTemplates, ServiceTemplateChains, ProviderInterfaces,
 * AccessManagements).
 * One immutable value, swapped whole when a source changes, so a request never sees half a reload.
 */

import { type Chart, templateObjectName } from '../api/chart.js';
import { isTemplateName } from '../api/cluster-deployment.js';
import type { ProviderInterfaceFact } from '../api/provider-interface.js';
import type { ServiceChainFact } from '../domain/admission.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import type { LoadedPolicy } from '../policy/load.js';
import type { TemplateCatalog } from '../resolve/catalog.js';
import type { SourcedDocument } from '../resolve/documents.js';
import type { Store } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import type { SourceDocument } from '../util/yaml-source.js';

/** A ClusterTemplate object read from the cluster (k0rdent's shape). */
export interface ClusterTemplateObject {
  namespace: string;
  name: string;
  /** spec.helm.chartSpec.chart and .version. */
  chart?: string;
  version?: string;
  /** status.valid / status.validationError, when the controller set them. */
  valid?: boolean;
  validationError?: string;
  /** The chart comes from a source (chartSpec.sourceRef or chartRef), not the catalog. */
  sourced?: boolean;
  /** That chart, once loaded by the sources (the one at status.chartDigest). */
  sourcedChart?: Chart;
  /** A distributed copy whose grant was withdrawn while in use (clustermint.io/access-revoked). */
  revoked?: boolean;
}

/** A Credential read from the cluster: what its status says (the controller's) and its labels. */
export interface CredentialObject {
  namespace: string;
  name: string;
  ready: boolean;
  /** The CredentialReady condition's reason and message, when set. */
  reason?: string;
  message?: string;
  identityKind?: string;
  revoked: boolean;
}

/** A ServiceTemplate read from the cluster (its status is the controller's). */
export interface ServiceTemplateObject {
  namespace: string;
  name: string;
  /** status.valid; undefined before the controller looked at it. */
  valid?: boolean;
  validationError?: string;
  k8sConstraint?: string;
  revoked: boolean;
}

/** A ServiceTemplateChain read from the cluster, as the admission rules see it (api/template-chain.ts). */
export interface ServiceTemplateChainObject extends ServiceChainFact {
  namespace: string;
  name: string;
}

/**
 * What the webhook asks the cluster at request time: the users a deletion guard names and the
 * AccessManagements a create must not add to are listed live, and the audit trail is written.
 */
export type ClusterAccess = Pick<Store, 'get' | 'list' | 'create' | 'update'>;

export interface Snapshot {
  policies: readonly LoadedPolicy[];
  catalog: TemplateCatalog;
  /** ClusterClasses and the templates they reference. */
  candidates: readonly SourcedDocument[];
  /** From the cluster (`namespace/name`), when the webhook reads one. */
  clusterTemplates?: ReadonlyMap<string, ClusterTemplateObject>;
  namespaceLabels: ReadonlyMap<string, Record<string, string>>;
  /** The platform's ceiling on machines per deployment (domain/machine-ceiling.ts); absent: the default. */
  maxMachines?: number;
  /** Tenancy (docs/tenancy.md), from the cluster: Credentials and ServiceTemplates by `namespace/name`. */
  credentials?: ReadonlyMap<string, CredentialObject>;
  serviceTemplates?: ReadonlyMap<string, ServiceTemplateObject>;
  /** ServiceTemplateChains by `namespace/name`; absent when the cluster does not serve the kind. */
  serviceChains?: ReadonlyMap<string, ServiceTemplateChainObject>;
  providerInterfaces?: readonly ProviderInterfaceFact[];
  /** The names of the AccessManagements: one or more is tenancy mode. */
  accessManagements?: readonly string[];
  /** The cluster itself, when the webhook reads one. */
  cluster?: ClusterAccess;
  /**
   * The webhook reads a cluster, though this snapshot has no connection (an isolate worker's:
   * the main thread makes the decisions that read the cluster at request time).
   */
  readsCluster?: boolean;
}

/** Tenancy mode: an AccessManagement exists. */
export const tenancyMode = (snap: Snapshot): boolean => (snap.accessManagements?.length ?? 0) > 0;

/**
 * Whether the catalog (built-in and --templates charts) is a fallback for `namespace`: always in
 * open mode; in tenancy mode only for the system namespace (elsewhere a team uses the
 * ClusterTemplates of its namespace, its own or distributed copies).
 */
export const catalogServes = (snap: Snapshot, namespace: string): boolean =>
  !tenancyMode(snap) || namespace === SYSTEM_NAMESPACE;

/**
 * Charts found, per catalog (a snapshot's catalog is never reloaded in place; a reload makes a
 * new one): a review does not look at the disk to find a chart it found before.
 */
const found = new WeakMap<TemplateCatalog, Map<string, Chart>>();

function catalogResolve(catalog: TemplateCatalog, name: string): Chart {
  let charts = found.get(catalog);
  if (!charts) {
    charts = new Map();
    found.set(catalog, charts);
  }
  let chart = charts.get(name);
  if (!chart) {
    chart = catalog.resolve(name);
    if (charts.size < 1000) charts.set(name, chart);
  }
  return chart;
}

/**
 * The chart behind a ClusterDeployment's `spec.template`: the cluster's ClusterTemplate of that
 * name in the namespace (its chart and version, looked up in the catalog) when there is one,
 * else the catalog by chart or ClusterTemplate name. Throws ClustermintError as the catalog does.
 */
export function resolveTemplate(snap: Snapshot, name: string, namespace: string): Chart {
  // an object name, never a path: the catalog would read a chart folder from the webhook's disk
  if (!isTemplateName(name))
    throw new ClustermintError(
      'UNKNOWN_TEMPLATE',
      `unknown template ${JSON.stringify(name)}: a template is named by a DNS-1123 name`,
    );
  const obj = snap.clusterTemplates?.get(`${namespace}/${name}`);
  if (obj) {
    if (obj.valid === false)
      throw new ClustermintError(
        'INVALID_CHART',
        `the ClusterTemplate ${name} is invalid with the error: ${obj.validationError ?? '(no message)'}`,
      );
    if (obj.sourced) {
      if (obj.sourcedChart) return obj.sourcedChart;
      throw new ClustermintError(
        'TEMPLATE_NOT_READY',
        obj.valid === undefined
          ? `the ClusterTemplate ${name} has not been resolved yet`
          : `the chart of ClusterTemplate ${name} is not loaded by the webhook yet`,
      );
    }
    if (obj.chart) {
      if (obj.version) {
        try {
          return catalogResolve(snap.catalog, templateObjectName({ name: obj.chart, version: obj.version }));
        } catch {
          // fall through to the chart name
        }
      }
      return catalogResolve(snap.catalog, obj.chart);
    }
  }
  if (!catalogServes(snap, namespace))
    throw new ClustermintError(
      'UNKNOWN_TEMPLATE',
      `ClusterTemplate ${name} not found in namespace ${namespace}; the platform distributes templates through AccessManagement`,
    );
  return catalogResolve(snap.catalog, name);
}

/** The catalog's chart of that name, whatever the mode (the admission facts judge access). */
export function catalogTemplate(snap: Snapshot, name: string): Chart | undefined {
  if (!isTemplateName(name)) return undefined;
  try {
    return catalogResolve(snap.catalog, name);
  } catch (e) {
    if (e instanceof ClustermintError) return undefined;
    throw e;
  }
}

/** Whether a template of that name is known in the namespace (catalog or cluster). */
export function templateKnown(snap: Snapshot, name: string, namespace: string): boolean {
  if (snap.clusterTemplates?.has(`${namespace}/${name}`)) return true;
  if (!isTemplateName(name) || !catalogServes(snap, namespace)) return false;
  try {
    catalogResolve(snap.catalog, name);
    return true;
  } catch (e) {
    if (e instanceof ClustermintError) return false;
    throw e;
  }
}

/** A document that came as JSON: no lines to point at, paths stand in for them. */
export function jsonDocument(value: unknown): SourceDocument {
  return { value, index: 0, locate: () => undefined };
}
