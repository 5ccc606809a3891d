/**
 * A Snapshot as a structured-clonable value, for the isolate workers (isolate-worker.ts): what
 * is on disk by its folders (the worker reads them itself), what came from the cluster as plain
 * values (policies as JSON texts, ClusterClasses and their templates as objects, the charts of
 * sourced ClusterTemplates by digest, read from the digest-keyed disk cache, or with their
 * files when the cache does not hold them). A worker's snapshot has no cluster connection.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HelmChartFiles } from '../api/chart.js';
import { type LoadedPolicy, parsePolicies } from '../policy/load.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { sha256Of } from '../resolve/chart-sources/cache.js';
import type { SourcedDocument } from '../resolve/documents.js';
import { chartFromHelmFiles } from '../resolve/load-chart.js';
import { TemplateChartLoader } from '../resolve/template-chart.js';
import { append } from '../util/append.js';
import { ExpansionBudget } from '../util/expansion-budget.js';
import { cacheRoot } from '../util/paths.js';
import type { PlainObject } from '../util/plain-object.js';
import { copyBounded } from '../util/yaml-source.js';
import { type ClusterTemplateObject, jsonDocument, type Snapshot } from './snapshot.js';
import { loadDirectories } from './source-folders.js';

/** The chart of a sourced ClusterTemplate: its archive digest, and its files when not cached on disk. */
export interface SourcedChartSpec {
  digest: string;
  origin: string;
  files?: HelmChartFiles['files'];
}

export type ClusterTemplateSpec = Omit<ClusterTemplateObject, 'sourcedChart'> & {
  sourcedChart?: SourcedChartSpec;
};

export interface SnapshotSpec {
  policyFolders: readonly string[];
  templateFolders: readonly string[];
  /** The cluster's ValidatingPolicies: where from (`cluster ValidatingPolicy <name>`) and the JSON text. */
  clusterPolicies: ReadonlyArray<{ file: string; text: string }>;
  /** The cluster's ClusterClasses and the templates they reference. */
  clusterCandidates: ReadonlyArray<{ file: string; value: PlainObject }>;
  clusterTemplates?: ReadonlyMap<string, ClusterTemplateSpec>;
  namespaceLabels: Snapshot['namespaceLabels'];
  credentials?: Snapshot['credentials'];
  serviceTemplates?: Snapshot['serviceTemplates'];
  serviceChains?: Snapshot['serviceChains'];
  providerInterfaces?: Snapshot['providerInterfaces'];
  accessManagements?: Snapshot['accessManagements'];
  maxMachines?: number;
  /** The main thread reads a cluster (it makes the decisions that read it live). */
  readsCluster: boolean;
}

function cachedOnDisk(digest: string): boolean {
  const hex = sha256Of(digest);
  return hex !== undefined && existsSync(join(cacheRoot(), 'charts', `sha256-${hex}.tgz`));
}

/** The spec of a cluster ClusterTemplate: its chart by digest (files only when not cached on disk). */
export function clusterTemplateSpec(t: ClusterTemplateObject): ClusterTemplateSpec {
  const { sourcedChart, ...rest } = t;
  const helm = sourcedChart?.helm;
  if (!sourcedChart || !helm?.digest) return rest;
  return {
    ...rest,
    sourcedChart: {
      digest: helm.digest,
      origin: sourcedChart.dir,
      ...(cachedOnDisk(helm.digest) ? {} : { files: helm.files }),
    },
  };
}

/** The cluster's policies (LoadedPolicy of `cluster ...` files) as JSON texts. */
export function policyTexts(policies: readonly LoadedPolicy[]): Array<{ file: string; text: string }> {
  return policies.map((p) => ({ file: p.file, text: JSON.stringify(p.raw) }));
}

export function candidateValues(
  docs: readonly SourcedDocument[],
): Array<{ file: string; value: PlainObject }> {
  return docs.map((d) => ({ file: d.file, value: d.value }));
}

let loader: TemplateChartLoader | undefined;

/** The Snapshot a spec describes (reads the folders; no cluster connection). */
export function snapshotFromSpec(spec: SnapshotSpec): Snapshot {
  const dirs = loadDirectories(spec.policyFolders, spec.templateFolders);
  const policies = [...dirs.policies];
  for (const p of spec.clusterPolicies) append(policies, parsePolicies(p.text, p.file));
  const cluster: SourcedDocument[] = spec.clusterCandidates.map(({ file, value }) => {
    // a structured clone has the ordinary prototype: copied again into prototype-less maps
    const copy = copyBounded(value, file, new ExpansionBudget({ file }, 'json')) as PlainObject;
    return { file, value: copy, doc: jsonDocument(copy) };
  });
  let clusterTemplates: Map<string, ClusterTemplateObject> | undefined;
  if (spec.clusterTemplates) {
    clusterTemplates = new Map();
    for (const [key, t] of spec.clusterTemplates) {
      const { sourcedChart, ...rest } = t;
      const object: ClusterTemplateObject = { ...rest };
      if (sourcedChart) {
        loader ??= new TemplateChartLoader({ catalog: new TemplateCatalog() });
        const chart = sourcedChart.files
          ? chartFromHelmFiles(sourcedChart.files, sourcedChart.origin, sourcedChart.digest)
          : loader.byDigest(sourcedChart.digest, sourcedChart.origin);
        if (chart) object.sourcedChart = chart;
      }
      clusterTemplates.set(key, object);
    }
  }
  return {
    catalog: dirs.catalog,
    policies,
    candidates: [...cluster, ...dirs.candidates],
    namespaceLabels: spec.namespaceLabels,
    ...(clusterTemplates ? { clusterTemplates } : {}),
    ...(spec.credentials ? { credentials: spec.credentials } : {}),
    ...(spec.serviceTemplates ? { serviceTemplates: spec.serviceTemplates } : {}),
    ...(spec.serviceChains ? { serviceChains: spec.serviceChains } : {}),
    ...(spec.providerInterfaces ? { providerInterfaces: spec.providerInterfaces } : {}),
    ...(spec.accessManagements ? { accessManagements: spec.accessManagements } : {}),
    ...(spec.maxMachines !== undefined ? { maxMachines: spec.maxMachines } : {}),
    ...(spec.readsCluster ? { readsCluster: true } : {}),
  };
}
