/** The run behind `clustermint check` (loaded only when that command runs). */

import { runGate, type Verdict } from '../gate/index.js';
import type { LoadedPolicy } from '../policy/load.js';
import { loadPolicyFiles } from '../policy/policy-files.js';
import { isTopologyCluster } from '../render/topology/kinds.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { clusterClassCandidates, type SourcedDocument, sourcedDocuments } from '../resolve/documents.js';
import { TemplateChartLoader } from '../resolve/template-chart.js';
import type { Store } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import { ADMISSION_KINDS, prepareAdmission } from './admission-run.js';
import { clusterDeployments, expandInputs, readSubmissionFile, type SubmissionFile } from './inputs.js';
import type { IO } from './io.js';
import { offlineTeamLabels, refuseNamespaceDocuments, type TeamLabels } from './team-labels.js';
import { jsonVerdicts, junitVerdicts, sarifVerdicts, textVerdicts } from './verdict-formats.js';

export interface CheckOptions {
  files: string[];
  templates: string[];
  policies: string[];
  /** Files of the platform's Namespace documents (their labels are $teamLabels). */
  namespaces: string[];
  /** The embedded state whose Namespaces give $teamLabels, read when the file exists. */
  state?: string;
  format: 'text' | 'json' | 'sarif' | 'junit';
  /** The platform's ceiling on machines per deployment. */
  maxMachines: number;
}

export async function runCheck(opts: CheckOptions, io: IO): Promise<number> {
  const policies = loadPolicyFiles(opts.policies);
  const catalog = new TemplateCatalog(opts.templates);
  const files = expandInputs(opts.files).map(readSubmissionFile);
  refuseNamespaceDocuments(files);
  // the platform's labels: --namespaces files, else the state file's Namespaces (as apply sees them)
  const team = await offlineTeamLabels({ namespaces: opts.namespaces, state: opts.state });
  try {
    return await judge(opts, io, files, catalog, policies, team.labels, team.store);
  } finally {
    await team.close();
  }
}

async function judge(
  opts: CheckOptions,
  io: IO,
  files: SubmissionFile[],
  catalog: TemplateCatalog,
  policies: readonly LoadedPolicy[],
  teamLabels: TeamLabels,
  store: Store | undefined,
): Promise<number> {
  const verdicts: Verdict[] = [];
  const inputs = sourcedDocuments(files);
  // ClusterTemplate objects among the inputs (resolved with the sources beside them) and the
  // state's; the admission facts from the inputs' and the state's Credentials, templates, rules
  const admission = await prepareAdmission({
    documents: inputs,
    ...(store ? { store } : {}),
    teamLabels,
    catalog,
    loader: new TemplateChartLoader({ catalog }),
  });
  // The ClusterClass candidates (inputs, folders, built-ins), read once for a chart's topology
  // Cluster (the gate's preview) and for the submitted topology Clusters.
  let candidates: SourcedDocument[] | undefined;
  const clusterClasses = () => (candidates ??= clusterClassCandidates(inputs, opts.templates));
  for (const f of files) {
    const { deployments, skipped } = clusterDeployments(f);
    // the tenancy kinds and identities are inputs of the admission facts, not skipped
    for (const s of skipped) if (!ADMISSION_KINDS.test(s)) io.err(`warning: ${s}\n`);
    for (const cd of deployments) {
      const judged = await admission.judge(cd);
      verdicts.push(
        runGate({
          deployment: cd,
          resolveTemplate: judged.resolveTemplate,
          admission: judged.admission,
          policies,
          teamLabels: await teamLabels(cd.metadata.namespace),
          clusterClasses: clusterClasses(),
          maxMachines: opts.maxMachines,
        }),
      );
    }
  }
  const topologyClusters = inputs.filter((d) => isTopologyCluster(d.value));
  if (topologyClusters.length > 0) {
    const candidates = clusterClasses();
    for (const cluster of topologyClusters) {
      const meta = (cluster.value.metadata ?? {}) as Record<string, unknown>;
      const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
      verdicts.push(
        runGate({
          topology: { cluster, candidates },
          policies,
          teamLabels: await teamLabels(ns),
          maxMachines: opts.maxMachines,
        }),
      );
    }
  }
  if (verdicts.length === 0)
    throw new ClustermintError(
      'INVALID_SUBMISSION',
      'no ClusterDeployment or Cluster with spec.topology found in the input',
    );
  const print = { text: textVerdicts, json: jsonVerdicts, sarif: sarifVerdicts, junit: junitVerdicts }[
    opts.format
  ];
  io.out(print(verdicts));
  return verdicts.every((v) => v.allowed) ? 0 : 1;
}
