/** `clustermint delete clusterdeployment NAME | -f FILE`: delete deployments (workers, control plane, infrastructure). */
import type { Command } from 'commander';
import { DEFAULT_STATE_PATH } from '../store/sqlite/schema.js';
import { ClustermintError } from '../util/errors.js';
import type { IO } from './io.js';
import { collect } from './options.js';
import type { Wrap } from './program.js';

export function registerDelete(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('delete')
    .summary(
      'delete ClusterDeployments (workers, control plane, infrastructure), or templates, chains, Credentials not in use',
    )
    .description(
      'Delete ClusterDeployments: their workers, then the control plane, then the infrastructure (with\n' +
        '--wait, the reconciler runs until they are gone); each deletion is recorded in the deployment\n' +
        'history (`clustermint history`) as --as, else the OS user. Or delete a ClusterTemplate, ServiceTemplate,\n' +
        'ClusterTemplateChain, ServiceTemplateChain or Credential: refused (exit 1, nothing deleted) while\n' +
        'a ClusterDeployment or MultiClusterService uses it, with the users named, as the webhook refuses it.',
    )
    .argument(
      '[type]',
      'clusterdeployment (cd), clustertemplate, servicetemplate, clustertemplatechain, servicetemplatechain, credential (cred)',
    )
    .argument('[name]', 'its name')
    .option('-f, --filename <file>', 'delete the ClusterDeployments of these files, repeatable', collect, [])
    .option('-n, --namespace <ns>', 'namespace (found by name when unique)')
    .option('--state <path>', 'state file of the embedded store', DEFAULT_STATE_PATH)
    .option('--templates <dir>', 'folder of charts the deployments use, repeatable', collect, [])
    .option('--wait', 'run the reconciler until the deployments are gone')
    .option('--timeout <duration>', 'how long --wait waits', '10m')
    .option('--as <user>', "who deletes, as the deployments' history records it (default: the OS user)")
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint delete clusterdeployment dev-1 --wait\n  clustermint delete -f examples/simulated-cluster.yaml --wait\n' +
        '  clustermint delete credential aws-team-b -n team-b\n',
    )
    .action(
      wrap(async (type: string | undefined, name: string | undefined, opts) => {
        if (!opts.filename.length && !(type && name))
          throw new ClustermintError(
            'USAGE',
            'give TYPE NAME (clusterdeployment NAME, credential NAME, ...) or -f FILE',
          );
        const { runDelete } = await import('./delete-run.js');
        return runDelete(
          {
            type,
            name,
            files: opts.filename,
            namespace: opts.namespace,
            state: opts.state,
            templates: opts.templates,
            wait: Boolean(opts.wait),
            timeout: opts.timeout,
            ...(opts.as !== undefined ? { as: opts.as } : {}),
          },
          io,
        );
      }),
    );
}
