/** `clustermint template CHART`: render one chart with values, like `helm template`. */
import type { Command } from 'commander';
import { runChart } from '../gate/chart-pipeline.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { ClustermintError } from '../util/errors.js';
import { readSetFlags, readValuesFile } from './inputs.js';
import type { IO } from './io.js';
import { collect, outputFormat } from './options.js';
import { printObjects, printViolations } from './print.js';
import type { Wrap } from './program.js';

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function registerTemplate(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('template')
    .summary('render one ClusterTemplate chart, like helm template')
    .description(
      'Render a ClusterTemplate chart with values and print the objects.\n\n' +
        'CHART is a chart folder or the name of a built-in template (see `clustermint template --list`).\n' +
        'Values: the chart defaults, then each -f file in order, then --set; maps merge, lists replace, null removes a key.',
    )
    .argument('[CHART]', 'chart folder or built-in template name')
    .option('-f, --values <file>', 'values file (YAML), repeatable; - reads stdin', collect, [])
    .option('--set <key=value>', 'set a value (a.b[0].c=v, comma-separated), repeatable', collect, [])
    .option('--set-string <key=value>', 'set a value, always as a string, repeatable', collect, [])
    .option('--name <name>', 'release name (the cluster name)', 'release-name')
    .option('-n, --namespace <ns>', 'release namespace', 'default')
    .option('--kube-version <version>', 'Kubernetes version for Capabilities.KubeVersion')
    .option('--templates <dir>', 'extra folder of charts, repeatable', collect, [])
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .option('--list', 'list the templates that can be named')
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint template aws-standalone-cp -f my-values.yaml --name dev-1\n  clustermint template ./my-chart --set workersNumber=3 -o json\n',
    )
    .action(
      wrap((chartRef: string | undefined, opts) => {
        const catalog = new TemplateCatalog(opts.templates);
        if (opts.list) {
          for (const e of catalog.list()) io.out(`${e.name}\t${e.version}\t${e.dir}\n`);
          return 0;
        }
        if (!chartRef)
          throw new ClustermintError(
            'USAGE',
            'missing CHART: a chart folder or a template name (--list shows them)',
          );
        const format = outputFormat(opts.output);
        if (!RELEASE_NAME.test(opts.name) || opts.name.length > 53) {
          throw new ClustermintError(
            'USAGE',
            `--name ${JSON.stringify(opts.name)}: a release name is a DNS-1123 label of at most 53 characters`,
          );
        }
        const chart = catalog.resolve(chartRef);
        const sources = [...opts.values.map(readValuesFile), ...readSetFlags(opts.set, opts.setString)];
        const result = runChart({
          chart,
          sources,
          release: { name: opts.name, namespace: opts.namespace },
          kubeVersion: opts.kubeVersion,
        });
        io.err(printViolations(result.warnings));
        if (result.violations.length > 0) {
          io.err(printViolations(result.violations));
          return 1;
        }
        io.out(
          printObjects(
            result.documents.map((d) => ({
              object: d.object,
              source: `${chart.metadata.name}/${d.template}`,
            })),
            format,
          ),
        );
        return 0;
      }),
    );
}
