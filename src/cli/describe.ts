/** `clustermint describe clusterdeployment NAME`: conditions, machines, upgrade progress, events. */
import type { Command } from 'commander';
import { DEFAULT_STATE_PATH } from '../store/sqlite/schema.js';
import type { IO } from './io.js';
import type { Wrap } from './program.js';

export function registerDescribe(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('describe')
    .summary('show a ClusterDeployment (conditions, machines, upgrade progress, events) or a Credential')
    .argument('<type>', 'clusterdeployment (cd) or credential (cred)')
    .argument('<name>', 'its name')
    .option('-n, --namespace <ns>', 'its namespace (found by name when unique)')
    .option('--state <path>', 'state file of the embedded store', DEFAULT_STATE_PATH)
    .option(
      '--kubeconfig <file>',
      'read a cluster where `clustermint controller` runs instead of the embedded store',
    )
    .option('--context <name>', 'a kubeconfig context other than the current one (reads that cluster)')
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint describe clusterdeployment dev-1\n  clustermint describe cd dev-1 -n team-a\n  clustermint describe credential aws-team-a -n team-a\n',
    )
    .action(
      wrap(async (type: string, name: string, opts) => {
        const { runDescribe } = await import('./get-run.js');
        return runDescribe(
          type,
          name,
          {
            state: opts.state,
            namespace: opts.namespace,
            kubeconfig: opts.kubeconfig,
            context: opts.context,
          },
          io,
        );
      }),
    );
}
