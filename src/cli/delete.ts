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
    .summary('delete ClusterDeployments: workers, then control plane, then infrastructure')
    .argument('[type]', 'clusterdeployment (cd)')
    .argument('[name]', 'its name')
    .option('-f, --filename <file>', 'delete the ClusterDeployments of these files, repeatable', collect, [])
    .option('-n, --namespace <ns>', 'namespace (found by name when unique)')
    .option('--state <path>', 'state file of the embedded store', DEFAULT_STATE_PATH)
    .option('--templates <dir>', 'folder of charts the deployments use, repeatable', collect, [])
    .option('--wait', 'run the reconciler until the deployments are gone')
    .option('--timeout <duration>', 'how long --wait waits', '10m')
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint delete clusterdeployment dev-1 --wait\n  clustermint delete -f examples/simulated-cluster.yaml --wait\n',
    )
    .action(
      wrap(async (type: string | undefined, name: string | undefined, opts) => {
        if (!opts.filename.length && !(type && name))
          throw new ClustermintError('USAGE', 'give clusterdeployment NAME or -f FILE');
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
          },
          io,
        );
      }),
    );
}
