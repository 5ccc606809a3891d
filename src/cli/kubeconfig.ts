/** `clustermint kubeconfig`: a workload cluster's kubeconfig, from Cluster API's Secret. */
import type { Command } from 'commander';
import type { IO } from './io.js';
import type { Wrap } from './program.js';

export function registerKubeconfig(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('kubeconfig')
    .summary(
      "print a ClusterDeployment's workload-cluster kubeconfig (Cluster API's <cluster>-kubeconfig Secret)",
    )
    .description(
      'Print the admin kubeconfig of the cluster a ClusterDeployment made through Cluster API (the\n' +
        "capi provider): the `value` of Cluster API's Secret <cluster>-kubeconfig in the deployment's\n" +
        'namespace, read with your own credentials for the management cluster. It exists once the\n' +
        'control plane is initialized; until then this says so and exits 1.',
    )
    .argument('<name>', 'the ClusterDeployment')
    .option('-n, --namespace <ns>', "the ClusterDeployment's namespace", 'default')
    .option(
      '--kubeconfig <file>',
      'kubeconfig of the management cluster (default: $KUBECONFIG or ~/.kube/config)',
    )
    .option('--context <name>', 'a kubeconfig context other than the current one')
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint kubeconfig dev-1 -n team-a > dev-1.kubeconfig\n' +
        '  kubectl --kubeconfig dev-1.kubeconfig get nodes\n',
    )
    .action(
      wrap(async (name: string, opts: { namespace: string; kubeconfig?: string; context?: string }) => {
        const { runKubeconfig } = await import('./kubeconfig-run.js');
        return runKubeconfig(name, opts, io);
      }),
    );
}
