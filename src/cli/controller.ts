/** `clustermint controller`: run the embedded reconciler in the foreground until interrupted. */
import type { Command } from 'commander';
import { DEFAULT_STATE_PATH } from '../store/sqlite/schema.js';
import type { IO } from './io.js';
import { collect, type Wrap } from './main.js';

export function registerController(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('controller')
    .summary('run the embedded reconciler until interrupted')
    .description(
      'Reconcile every ClusterDeployment in the state file through the provider plugins (the simulated\n' +
        'cloud beside the state file), printing events. SIGINT or SIGTERM: finish the current step, close\n' +
        'the store, exit 0.',
    )
    .option('--state <path>', 'state file of the embedded store', DEFAULT_STATE_PATH)
    .option('--templates <dir>', 'folder of charts, repeatable', collect, [])
    .option('--policies <path>', 'policy file or folder, repeatable', collect, [])
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint controller\n  clustermint controller --state /var/lib/clustermint/state.db --policies policies/\n',
    )
    .action(
      wrap(async (opts) => {
        const { eventLine, openEmbedded } = await import('./embedded-run.js');
        const emb = await openEmbedded({
          state: opts.state,
          templates: opts.templates,
          policies: opts.policies,
          onEvent: (e) => io.out(eventLine(e)),
        });
        const ac = new AbortController();
        const stop = () => ac.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        io.err(`reconciling ${opts.state} (Ctrl-C to stop)\n`);
        try {
          await emb.controller.runtime.runRealtime({ signal: ac.signal });
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          await emb.close();
        }
        io.err('stopped\n');
        return 0;
      }),
    );
}
