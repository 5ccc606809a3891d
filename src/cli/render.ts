/** `clustermint render -f FILE...`: render ClusterDeployment submissions into objects. */
import type { Command } from 'commander';
import { resolveInputTemplates, templateResolver } from '../gate/cluster-template.js';
import { renderDeployment } from '../gate/index.js';
import { isTopologyCluster } from '../render/topology/kinds.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { clusterClassCandidates, sourcedDocuments } from '../resolve/documents.js';
import { TemplateChartLoader } from '../resolve/template-chart.js';
import { append } from '../util/append.js';
import { ClustermintError } from '../util/errors.js';
import { printable } from '../util/printable.js';
import type { Violation } from '../validate/violation.js';
import { type ExplainedCluster, explainText } from './explain.js';
import { clusterDeployments, expandInputs, readSubmissionFile } from './inputs.js';
import type { IO } from './io.js';
import { collect, outputFormat } from './options.js';
import { printObjects, printViolations, type SourcedObject } from './print.js';
import type { Wrap } from './program.js';

export function registerRender(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('render')
    .summary('render submissions (ClusterDeployments) into Cluster API objects')
    .description(
      'Render every submission found in the files and print all objects.\n' +
        'ClusterDeployments render with their chart (built-ins, plus charts under --templates); spec.config\n' +
        "holds the values and the release is the ClusterDeployment's name and namespace.\n" +
        'Clusters with spec.topology render with their ClusterClass (v1beta1 or v1beta2) as Cluster API\n' +
        'would: variable defaults and validation, desired objects, inline JSON patches. The ClusterClass and\n' +
        'its templates come from the -f files or from YAML files under --templates.',
    )
    .option(
      '-f, --filename <file>',
      'file with ClusterDeployments (multi-document YAML), repeatable; - reads stdin',
      collect,
      [],
    )
    .option('--templates <dir>', 'folder of charts (or one chart), repeatable', collect, [])
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .option(
      '--explain',
      'for topology Clusters, print which ClusterClass patch set which path of which object (instead of the objects)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint render -f examples/simulated-cluster.yaml\n' +
        '  clustermint render -f examples/topology/cluster.yaml -f examples/topology/clusterclass.yaml\n' +
        '  clustermint render -f examples/topology/cluster.yaml --templates examples/topology --explain\n',
    )
    .action(
      wrap(async (opts) => {
        if (opts.filename.length === 0)
          throw new ClustermintError('USAGE', 'no input: give one or more -f FILE');
        const format = outputFormat(opts.output);
        const catalog = new TemplateCatalog(opts.templates);
        const objects: SourcedObject[] = [];
        const violations: Violation[] = [];
        const warnings: Violation[] = [];
        const explained: ExplainedCluster[] = [];
        let found = 0;
        const files = expandInputs(opts.filename).map(readSubmissionFile);
        const inputs = sourcedDocuments(files);
        const templates = await resolveInputTemplates(inputs, new TemplateChartLoader({ catalog }));
        const topologyClusters = inputs.filter((d) => isTopologyCluster(d.value));
        if (topologyClusters.length > 0) {
          const candidates = clusterClassCandidates(inputs, opts.templates);
          const { runTopologyPipeline } = await import('../gate/topology-pipeline.js');
          for (const cluster of topologyClusters) {
            found++;
            const run = runTopologyPipeline(cluster, candidates, { trace: opts.explain === true });
            append(warnings, run.warnings);
            append(violations, run.violations);
            const meta = (cluster.value.metadata ?? {}) as Record<string, unknown>;
            const className = String(
              (run.clusterClass?.metadata as Record<string, unknown> | undefined)?.name ?? '',
            );
            const label = `${String(meta.namespace ?? 'default')}/${String(meta.name ?? '')}`;
            explained.push({ cluster: label, objects: run.objects, trace: run.trace });
            objects.push(
              ...run.objects.map((object) => ({ object, source: `${label} <- ClusterClass ${className}` })),
            );
          }
        }
        for (const { file, docs } of files) {
          const { deployments, skipped } = clusterDeployments({ file, docs });
          for (const s of skipped) io.err(`warning: ${s}\n`);
          for (const cd of deployments) {
            found++;
            const { verdict, chart, documents } = renderDeployment(
              cd,
              templateResolver(templates, cd.metadata.namespace, (name) => catalog.resolve(name)),
            );
            append(warnings, verdict.warnings);
            append(violations, verdict.violations);
            objects.push(
              ...documents.map((d) => ({
                object: d.object,
                source: `${cd.metadata.namespace}/${cd.metadata.name} <- ${chart?.metadata.name}/${d.template}`,
              })),
            );
          }
        }
        if (found === 0)
          throw new ClustermintError(
            'INVALID_SUBMISSION',
            'no ClusterDeployment or Cluster with spec.topology found in the input',
          );
        io.err(printViolations(warnings));
        if (violations.length > 0) {
          io.err(printViolations(violations));
          return 1;
        }
        if (opts.explain) {
          io.out(
            format === 'json' ? `${JSON.stringify(explained, null, 2)}\n` : printable(explainText(explained)),
          );
          return 0;
        }
        io.out(printObjects(objects, format));
        return 0;
      }),
    );
}
