/** `clustermint plan -f FILE...`: what an apply would change, without changing anything. */
import type { Command } from 'commander';
import { DEFAULT_MAX_MACHINES } from '../domain/machine-ceiling.js';
import { DEFAULT_STATE_PATH } from '../store/sqlite/schema.js';
import { ClustermintError } from '../util/errors.js';
import type { IO } from './io.js';
import { collect, MAX_MACHINES_HELP, maxMachinesOption } from './options.js';
import type { Wrap } from './program.js';

export function registerPlan(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('plan')
    .summary('what an apply would change: verdict, object diffs, machines, upgrade steps, services')
    .description(
      'For every ClusterDeployment in the files: the gate verdict, the differences between the objects it\n' +
        'renders and the desired state last applied (from the state file), the machines an apply would\n' +
        'create, replace or delete, the ordered upgrade steps, and the services the cluster would get\n' +
        '(its serviceSpec and the MultiClusterServices that select it, from the files and the state) with\n' +
        'the object diff on each, against the workload cluster when it answers. Changes nothing.\n' +
        'Exit 1 when a deployment would be denied, its change refused, or a service refused.',
    )
    .option('-f, --filename <file>', 'file or folder with ClusterDeployments, repeatable', collect, [])
    .option('--state <path>', 'state file of the embedded store', DEFAULT_STATE_PATH)
    .option('--templates <dir>', 'folder of charts, repeatable', collect, [])
    .option('--policies <path>', 'policy file or folder, repeatable', collect, [])
    .option('--max-machines <n>', MAX_MACHINES_HELP, maxMachinesOption, DEFAULT_MAX_MACHINES)
    .option('-o, --output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint plan -f examples/simulated-cluster.yaml\n  clustermint plan -f clusters/ --policies policies/ -o json\n',
    )
    .action(
      wrap(async (opts) => {
        if (opts.filename.length === 0)
          throw new ClustermintError('USAGE', 'no input: give one or more -f FILE');
        if (opts.output !== 'text' && opts.output !== 'json')
          throw new ClustermintError(
            'USAGE',
            `--output must be text or json, got ${JSON.stringify(opts.output)}`,
          );
        const { runPlan } = await import('./plan-run.js');
        return runPlan(
          {
            files: opts.filename,
            state: opts.state,
            templates: opts.templates,
            policies: opts.policies,
            maxMachines: opts.maxMachines,
            output: opts.output,
          },
          io,
        );
      }),
    );
}
