/** `clustermint get` and `clustermint describe`: what the embedded store holds. */
import { type Command, Option } from 'commander';
import { DEFAULT_STATE_PATH } from '../store/sqlite/schema.js';
import { ClustermintError } from '../util/errors.js';
import type { IO } from './io.js';
import type { Wrap } from './program.js';

export function registerGet(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('get')
    .summary('list ClusterDeployments, Machines, Events, the service and tenancy kinds of the embedded store')
    .description(
      'Print a table of the objects of a type (all namespaces unless -n), or one object by name.\n' +
        'Types: clusterdeployments (cd), machines, events, multiclusterservices (mcs), servicetemplates\n' +
        '(svctmpl), clusterresourcesets, and for tenancy (docs/tenancy.md) clustertemplates,\n' +
        'clustertemplatechains, servicetemplatechains, credentials (cred), accessmanagements (am),\n' +
        'providerinterfaces, deploymenthistories (cdhist). ACCESS says whether an object is the\n' +
        "namespace's own, a copy the AccessManagement distributed, or a copy whose grant was revoked.\n" +
        'With -w, keep watching: one more row (or document with -o yaml|json) per change, until Ctrl-C.',
    )
    .argument(
      '<type>',
      'clusterdeployments | machines | events | mcs | servicetemplates | clusterresourcesets | clustertemplates | credentials | accessmanagements | providerinterfaces | deploymenthistories | ...',
    )
    .argument('[name]', 'one object')
    .option('-n, --namespace <ns>', 'only this namespace')
    .addOption(
      new Option(
        '-A, --all-namespaces',
        'every namespace, as kubectl says it (the default without -n)',
      ).conflicts('namespace'),
    )
    .option('-o, --output <format>', 'wide, yaml or json')
    .option('-w, --watch', 'after the list, print a line (or document) per change until interrupted')
    .option('--state <path>', 'state file of the embedded store', DEFAULT_STATE_PATH)
    .option(
      '--kubeconfig <file>',
      'read a cluster where `clustermint controller` runs instead of the embedded store',
    )
    .option('--context <name>', 'a kubeconfig context other than the current one (reads that cluster)')
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint get clusterdeployments -A\n  clustermint get machines -n team-a -o wide\n' +
        '  clustermint get cd dev-1 -o yaml\n  clustermint get events -n team-a\n  clustermint get clusterdeployments -w\n' +
        '  clustermint get credentials -n team-a -o wide\n  clustermint get am\n',
    )
    .action(
      wrap(async (type: string, name: string | undefined, opts) => {
        if (opts.allNamespaces && name !== undefined)
          throw new ClustermintError(
            'USAGE',
            'a resource cannot be retrieved by name across all namespaces (-A)',
          );
        const { runGet } = await import('./get-run.js');
        const ac = new AbortController();
        const stop = () => ac.abort();
        if (opts.watch) {
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        }
        try {
          return await runGet(
            type,
            name,
            {
              state: opts.state,
              kubeconfig: opts.kubeconfig,
              context: opts.context,
              namespace: opts.namespace,
              output: opts.output,
              watch: opts.watch === true,
              signal: ac.signal,
            },
            io,
          );
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}
