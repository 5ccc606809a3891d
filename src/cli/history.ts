/** `clustermint history NAME -n NS`: who created, changed, upgraded or deleted a ClusterDeployment, and the gate's word. */
import type { Command } from 'commander';
import { DEFAULT_STATE_PATH } from '../store/sqlite/schema.js';
import { ClustermintError } from '../util/errors.js';
import type { IO } from './io.js';
import type { Wrap } from './program.js';

export function registerHistory(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('history')
    .summary("a ClusterDeployment's audit trail: who did what, with which template, and the verdict")
    .description(
      'Print the DeploymentHistory of a ClusterDeployment (same name, same namespace), oldest first: ' +
        'TIME, USER, ACTION (created, changed, upgraded, deleted, denied), TEMPLATE and VERDICT, with ' +
        "the gate's violations indented under a denied line. Entries are written by `apply` and " +
        '`delete` on the embedded runtime (the user is --as, else the OS user) and by the admission ' +
        'webhook in a cluster (the user of the request). A history outlives its deployment by a ' +
        'retention period (720h by default), so a deleted deployment still has one. Exit 1 when there ' +
        'is none.',
    )
    .argument('<name>', "the ClusterDeployment's name")
    .option('-n, --namespace <ns>', 'its namespace (found by name when unique)')
    .option('-o, --output <format>', 'yaml or json: the DeploymentHistory object')
    .option('--state <path>', 'state file of the embedded store', DEFAULT_STATE_PATH)
    .option(
      '--kubeconfig <file>',
      'read a cluster where the webhook records histories instead of the embedded store',
    )
    .option('--context <name>', 'a kubeconfig context other than the current one (reads that cluster)')
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint history dev-cluster -n team-a\n  clustermint history prod-1 -n team-b -o yaml\n' +
        '  clustermint history prod-1 -n team-b --kubeconfig ~/.kube/config\n',
    )
    .action(
      wrap(async (name: string, opts) => {
        if (opts.output !== undefined && opts.output !== 'yaml' && opts.output !== 'json')
          throw new ClustermintError(
            'USAGE',
            `--output must be yaml or json, got ${JSON.stringify(opts.output)}`,
          );
        const { runHistory } = await import('./history-run.js');
        return runHistory(
          name,
          {
            state: opts.state,
            namespace: opts.namespace,
            output: opts.output,
            kubeconfig: opts.kubeconfig,
            context: opts.context,
          },
          io,
        );
      }),
    );
}
