/** `clustermint render -f FILE...`: render ClusterDeployment submissions into objects. */
import type { Command } from 'commander';
import { TemplateCatalog } from '../api/catalog.js';
import type { Chart } from '../api/chart.js';
import { runChart } from '../gate/chart-pipeline.js';
import { ClustermintError } from '../util/errors.js';
import type { Violation } from '../validate/violation.js';
import { clusterDeployments, expandInputs, readSubmissionFile } from './inputs.js';
import type { IO } from './io.js';
import { collect, outputFormat, type Wrap } from './main.js';
import { printObjects, printViolations, type SourcedObject } from './print.js';

export function registerRender(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('render')
    .summary('render submissions (ClusterDeployments) into Cluster API objects')
    .description(
      'Render every ClusterDeployment found in the files with its template (built-ins, plus charts under\n' +
        '--templates) and print all objects. spec.config holds the values; the release is the\n' +
        "ClusterDeployment's name and namespace.",
    )
    .option(
      '-f, --filename <file>',
      'file with ClusterDeployments (multi-document YAML), repeatable; - reads stdin',
      collect,
      [],
    )
    .option('--templates <dir>', 'folder of charts (or one chart), repeatable', collect, [])
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .addHelpText('after', '\nExample:\n  clustermint render -f examples/simulated-cluster.yaml\n')
    .action(
      wrap((opts) => {
        if (opts.filename.length === 0)
          throw new ClustermintError('USAGE', 'no input: give one or more -f FILE');
        const format = outputFormat(opts.output);
        const catalog = new TemplateCatalog(opts.templates);
        const objects: SourcedObject[] = [];
        const violations: Violation[] = [];
        const warnings: Violation[] = [];
        let found = 0;
        for (const file of expandInputs(opts.filename)) {
          const { deployments, skipped } = clusterDeployments(readSubmissionFile(file));
          for (const s of skipped) io.err(`warning: ${s}\n`);
          for (const cd of deployments) {
            found++;
            let chart: Chart;
            try {
              chart = catalog.resolve(cd.spec.template);
            } catch (e) {
              if (!(e instanceof ClustermintError) || e.code !== 'UNKNOWN_TEMPLATE') throw e;
              const pos = cd.source.doc.locate(['spec', 'template']);
              violations.push({
                stage: 'resolve',
                severity: 'error',
                code: e.code,
                message: e.message,
                location: { file, line: pos?.line, col: pos?.col, path: '$.spec.template' },
                details: e.details,
              });
              continue;
            }
            const result = runChart({
              chart,
              sources: [
                { label: file, value: cd.spec.config, doc: cd.source.doc, prefix: ['spec', 'config'] },
              ],
              release: { name: cd.metadata.name, namespace: cd.metadata.namespace },
            });
            warnings.push(...result.warnings);
            violations.push(...result.violations);
            objects.push(
              ...result.documents.map((d) => ({
                object: d.object,
                source: `${cd.metadata.namespace}/${cd.metadata.name} <- ${chart.metadata.name}/${d.template}`,
              })),
            );
          }
        }
        if (found === 0)
          throw new ClustermintError('INVALID_SUBMISSION', 'no ClusterDeployment found in the input');
        io.err(printViolations(warnings));
        if (violations.length > 0) {
          io.err(printViolations(violations));
          return 1;
        }
        io.out(printObjects(objects, format));
        return 0;
      }),
    );
}
