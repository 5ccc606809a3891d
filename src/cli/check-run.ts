/** The run behind `clustermint check` (loaded only when that command runs). */

import { runGate, type Verdict } from '../gate/index.js';
import type { LoadedPolicy } from '../policy/load.js';
import { loadPolicyFiles } from '../policy/policy-files.js';
import { isTopologyCluster } from '../render/topology/kinds.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { clusterClassCandidates, type SourcedDocument, sourcedDocuments } from '../resolve/documents.js';
import { TemplateChartLoader } from '../resolve/template-chart.js';
import type { Store } from '../store/types.js';
import { append } from '../util/append.js';
import { ClustermintError } from '../util/errors.js';
import { ADMISSION_KINDS, prepareAdmission } from './admission-run.js';
import { type Chunk, judgeInParallel } from './check-parallel.js';
import { clusterDeployments, expandInputs, readSubmissionFile, type SubmissionFile } from './inputs.js';
import type { IO } from './io.js';
import { offlineTeamLabels, refuseNamespaceDocuments, type TeamLabels } from './team-labels.js';
import {
  jsonVerdicts,
  junitVerdicts,
  type PrintedVerdict,
  printedVerdict,
  sarifVerdicts,
  textVerdicts,
} from './verdict-formats.js';

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
  /** Threads that judge submissions (check-parallel.ts); 1, the default: this one only. */
  threads?: number;
}

export async function runCheck(opts: CheckOptions, io: IO): Promise<number> {
  const judging = await prepareCheck(opts);
  try {
    // the tenancy kinds and identities are inputs of the admission facts, not skipped
    for (const s of judging.skipped) if (!ADMISSION_KINDS.test(s)) io.err(`warning: ${s}\n`);
    if (judging.total === 0)
      throw new ClustermintError(
        'INVALID_SUBMISSION',
        'no ClusterDeployment or Cluster with spec.topology found in the input',
      );
    const verdicts = await judgeInParallel(
      judging.total,
      opts.threads ?? 1,
      { ...opts, threads: 1 },
      judging.judge,
    );
    const print = { text: textVerdicts, json: jsonVerdicts, sarif: sarifVerdicts, junit: junitVerdicts }[
      opts.format
    ];
    io.out(print(verdicts));
    return verdicts.every((v) => v.allowed) ? 0 : 1;
  } finally {
    await judging.close();
  }
}

/** What a check thread holds once it has read the inputs: the submissions to judge, by ordinal. */
export interface CheckJudging {
  /** Submissions (ClusterDeployments in file order, then topology Clusters). */
  total: number;
  /** Documents that are neither, as warnings. */
  skipped: string[];
  /** The verdicts of ordinals [from, to), in order. */
  judge(chunk: Chunk): Promise<PrintedVerdict[]>;
  close(): Promise<void>;
}

/** A worker thread's set-up (check-worker.ts): the same inputs, read again. */
export const checkShard = (opts: CheckOptions): Promise<CheckJudging> => prepareCheck(opts);

async function prepareCheck(opts: CheckOptions): Promise<CheckJudging> {
  const policies = loadPolicyFiles(opts.policies);
  const catalog = new TemplateCatalog(opts.templates);
  const files = expandInputs(opts.files).map(readSubmissionFile);
  refuseNamespaceDocuments(files);
  // the platform's labels: --namespaces files, else the state file's Namespaces (as apply sees them)
  const team = await offlineTeamLabels({ namespaces: opts.namespaces, state: opts.state });
  try {
    return await submissions(opts, files, catalog, policies, team.labels, team.store, () => team.close());
  } catch (e) {
    await team.close();
    throw e;
  }
}

async function submissions(
  opts: CheckOptions,
  files: SubmissionFile[],
  catalog: TemplateCatalog,
  policies: readonly LoadedPolicy[],
  teamLabels: TeamLabels,
  store: Store | undefined,
  close: () => Promise<void>,
): Promise<CheckJudging> {
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
  const tasks: Array<() => Promise<Verdict>> = [];
  const skipped: string[] = [];
  for (const f of files) {
    const found = clusterDeployments(f);
    append(skipped, found.skipped);
    for (const cd of found.deployments) {
      tasks.push(async () => {
        const judged = await admission.judge(cd);
        return runGate({
          deployment: cd,
          resolveTemplate: judged.resolveTemplate,
          admission: judged.admission,
          policies,
          teamLabels: await teamLabels(cd.metadata.namespace),
          clusterClasses: clusterClasses(),
          maxMachines: opts.maxMachines,
        });
      });
    }
  }
  for (const cluster of inputs.filter((d) => isTopologyCluster(d.value))) {
    tasks.push(async () => {
      const meta = (cluster.value.metadata ?? {}) as Record<string, unknown>;
      const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
      return runGate({
        topology: { cluster, candidates: clusterClasses() },
        policies,
        teamLabels: await teamLabels(ns),
        maxMachines: opts.maxMachines,
      });
    });
  }
  return {
    total: tasks.length,
    skipped,
    async judge([from, to]) {
      const out: PrintedVerdict[] = [];
      for (let i = from; i < to; i++) out.push(printedVerdict(await tasks[i]()));
      return out;
    },
    close,
  };
}
