/** `clustermint lint PATH...`: static checks of charts and ClusterDeployment submissions. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Chart } from '../api/chart.js';
import { lintLoadedChart, violationOf } from '../gate/chart-lint.js';
import { renderDeployment } from '../gate/index.js';
import { isClusterClass, isTopologyCluster } from '../render/topology/kinds.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import type { SourcedDocument } from '../resolve/documents.js';
import { clusterClassCandidates, sourcedDocuments } from '../resolve/documents.js';
import { isChartDir, loadChart } from '../resolve/load-chart.js';
import { append } from '../util/append.js';
import { ClustermintError } from '../util/errors.js';
import { formatPath } from '../util/json-path.js';
import { printable } from '../util/printable.js';
import type { Violation } from '../validate/violation.js';
import { clusterDeployments, readSubmissionFile } from './inputs.js';
import type { IO } from './io.js';
import { collect } from './options.js';
import { formatViolation } from './print.js';
import type { Wrap } from './program.js';

export interface LintReport {
  path: string;
  kind: 'chart' | 'submissions';
  errors: Violation[];
  warnings: Violation[];
}

export function lintChart(dir: string): LintReport {
  const report: LintReport = { path: dir, kind: 'chart', errors: [], warnings: [] };
  let chart: Chart;
  try {
    chart = loadChart(dir);
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    report.errors.push(violationOf(e, 'resolve'));
    return report;
  }
  const { errors, warnings } = lintLoadedChart(chart);
  append(report.errors, errors);
  append(report.warnings, warnings);
  return report;
}

// The topology engine loads only when a file holds topology documents (startup stays small).
type TopologyModules = typeof import('../gate/topology-pipeline.js') &
  typeof import('../render/topology/index.js');
let topologyModules: TopologyModules | undefined;
export async function loadTopologyModules(): Promise<void> {
  if (!topologyModules)
    topologyModules = {
      ...(await import('../gate/topology-pipeline.js')),
      ...(await import('../render/topology/index.js')),
    };
}

/** ClusterClasses (patch and variable rules) and topology Clusters (variables, rendering) in a file. */
function lintTopologyDocuments(
  docs: SourcedDocument[],
  templateDirs: readonly string[],
  report: LintReport,
): number {
  let found = 0;
  if (!docs.some((x) => isClusterClass(x.value) || isTopologyCluster(x.value))) return 0;
  if (!topologyModules) throw new Error('lint: loadTopologyModules() was not called');
  const { fieldToSegments, lintClusterClass, runTopologyPipeline } = topologyModules;
  for (const d of docs.filter((x) => isClusterClass(x.value))) {
    found++;
    for (const issue of lintClusterClass(d.value)) {
      const field = issue.field;
      const segments = field ? fieldToSegments(field, d.value) : [];
      let pos: { line: number; col: number } | undefined;
      for (let n = segments.length; n >= 0 && !pos; n--) pos = d.doc.locate(segments.slice(0, n));
      report.errors.push({
        stage: 'resolve',
        severity: 'error',
        code: 'CLUSTERCLASS_INVALID',
        message: issue.message,
        location: { file: d.file, line: pos?.line, col: pos?.col, path: formatPath(segments) },
      });
    }
  }
  const clusters = docs.filter((x) => isTopologyCluster(x.value));
  if (clusters.length > 0) {
    const candidates = clusterClassCandidates(docs, templateDirs);
    for (const c of clusters) {
      found++;
      const run = runTopologyPipeline(c, candidates);
      append(report.errors, run.violations);
      append(report.warnings, run.warnings);
    }
  }
  return found;
}

export function lintSubmissions(
  file: string,
  catalog: TemplateCatalog,
  templateDirs: readonly string[] = [],
): LintReport {
  const report: LintReport = { path: file, kind: 'submissions', errors: [], warnings: [] };
  try {
    const f = readSubmissionFile(file);
    const { deployments, skipped } = clusterDeployments(f);
    for (const s of skipped)
      report.warnings.push({ stage: 'resolve', severity: 'warning', code: 'SKIPPED', message: s });
    const topologyFound = lintTopologyDocuments(sourcedDocuments([f]), templateDirs, report);
    if (deployments.length === 0 && topologyFound === 0) {
      report.errors.push({
        stage: 'resolve',
        severity: 'error',
        code: 'INVALID_SUBMISSION',
        message: 'no ClusterDeployment, ClusterClass or Cluster with spec.topology found',
        location: { file },
      });
    }
    for (const cd of deployments) {
      const { verdict } = renderDeployment(cd, (name) => catalog.resolve(name));
      append(report.errors, verdict.violations);
      append(report.warnings, verdict.warnings);
    }
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    report.errors.push(violationOf(e, 'resolve'));
  }
  return report;
}

/** Expands PATH arguments: a chart, a folder of charts, or a submissions file. */
export function lintPaths(
  paths: readonly string[],
  catalog: TemplateCatalog,
  templateDirs: readonly string[] = [],
): LintReport[] {
  const reports: LintReport[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new ClustermintError('UNREADABLE', 'no such file or folder', { file: p });
    if (statSync(p).isDirectory()) {
      if (isChartDir(p)) reports.push(lintChart(p));
      else {
        const charts = readdirSync(p, { withFileTypes: true })
          .filter((d) => d.isDirectory() && isChartDir(join(p, d.name)))
          .map((d) => join(p, d.name))
          .sort();
        if (charts.length === 0)
          throw new ClustermintError('UNREADABLE', 'no charts (folders with Chart.yaml) found here', {
            file: p,
          });
        append(reports, charts.map(lintChart));
      }
    } else reports.push(lintSubmissions(p, catalog, templateDirs));
  }
  return reports;
}

export function registerLint(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('lint')
    .summary('check charts, ClusterClasses and submissions, without a cluster')
    .description(
      'Lint each PATH: a chart folder, a folder of charts, or a file of ClusterDeployments.\n' +
        'Charts: Chart.yaml and values.schema.json are valid, every template parses, and the chart renders\n' +
        'into objects that pass their schemas with each ci/*.yaml values file (as chart-testing does) or,\n' +
        'without ci/ files, with its default values. With ci/ files, failures with the bare defaults are warnings.\n' +
        'ClusterDeployments: the template exists, the values are valid and the objects render.\n' +
        "ClusterClasses: the ClusterClass webhook's rules for patches (ops, paths, array indexes, values,\n" +
        'templates that parse, variables and builtins that exist, selectors that match a template) and for\n' +
        'variable schemas (types, defaults, CEL rules).\n' +
        'Clusters with spec.topology: variables default and validate against the ClusterClass, and render.',
    )
    .argument('<PATH...>', 'chart folder, folder of charts, or submissions file')
    .option('--templates <dir>', 'extra folder of charts that submissions may name, repeatable', collect, [])
    .option('--strict', 'fail on warnings too')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(
      wrap(async (paths: string[], opts) => {
        if (opts.output !== 'text' && opts.output !== 'json') {
          throw new ClustermintError(
            'USAGE',
            `--output must be text or json, got ${JSON.stringify(opts.output)}`,
          );
        }
        await loadTopologyModules();
        const reports = lintPaths(paths, new TemplateCatalog(opts.templates), opts.templates);
        const failed = reports.filter((r) => r.errors.length > 0 || (opts.strict && r.warnings.length > 0));
        if (opts.output === 'json') {
          io.out(`${JSON.stringify(reports, null, 2)}\n`);
        } else {
          for (const r of reports) {
            io.out(`==> ${printable(r.path, { oneLine: true })}\n`);
            for (const v of r.errors) io.out(`  ${formatViolation(v).replace(/\n/g, '\n  ')}\n`);
            for (const v of r.warnings) io.out(`  ${formatViolation(v).replace(/\n/g, '\n  ')}\n`);
            if (r.errors.length === 0 && r.warnings.length === 0) io.out('  ok\n');
          }
          io.out(`\n${reports.length} linted, ${failed.length} failed\n`);
        }
        return failed.length > 0 ? 1 : 0;
      }),
    );
}
