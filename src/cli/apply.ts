/** `clustermint apply -f FILE...`: store ClusterDeployments and reconcile them until Ready. */
import type { Command } from 'commander';
import { DEFAULT_MAX_MACHINES } from '../domain/machine-ceiling.js';
import { DEFAULT_STATE_PATH } from '../store/sqlite/schema.js';
import { ClustermintError } from '../util/errors.js';
import { quote } from '../util/printable.js';
import { type IO, processIO } from './io.js';
import { collect, MAX_MACHINES_HELP, maxMachinesOption } from './options.js';
import type { Wrap } from './program.js';

export function registerApply(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('apply')
    .summary('store ClusterDeployments and reconcile them (embedded store and simulated cloud)')
    .description(
      'Check every ClusterDeployment in the files with the gate, store it (with ClusterTemplateChains\n' +
        'and the service kinds found in the files: ServiceTemplates, ServiceTemplateChains,\n' +
        'MultiClusterServices, ClusterResourceSets, ConfigMaps, Secrets) in the state file, then run the\n' +
        'embedded reconciler (clusters and their services, docs/services.md) in the\n' +
        'foreground, printing its events, until each deployment is Ready, denied by the gate, or failed.\n' +
        'Exit 0 when all are Ready, 1 when one is denied, refused or failed, or the timeout passes.\n' +
        'With --no-wait, only store them: `clustermint controller` reconciles them later.\n' +
        'Namespace documents are refused: namespace labels ($teamLabels) belong to the platform\n' +
        '(`clustermint namespace label`).\n' +
        'Tenancy (docs/tenancy.md): Credentials, the AccessManagement (one may exist), ProviderInterfaces\n' +
        "and SimulatedClusterIdentities are stored too, and k0rdent's admission rules judge each\n" +
        'deployment as the webhook would. Every deployment applied or denied is recorded in its\n' +
        'history (`clustermint history`) as --as, else the OS user: the embedded runtime has no\n' +
        'authentication, --as only names who acts.',
    )
    .option(
      '-f, --filename <file>',
      'file or folder with ClusterDeployments, repeatable; - reads stdin',
      collect,
      [],
    )
    .option('--state <path>', 'state file of the embedded store', DEFAULT_STATE_PATH)
    .option('--templates <dir>', 'folder of charts (or one chart), repeatable', collect, [])
    .option('--policies <path>', 'policy file or folder, repeatable', collect, [])
    .option(
      '--max-machines <n>',
      `${MAX_MACHINES_HELP} (default ${DEFAULT_MAX_MACHINES}); remembered with the state like --policies`,
      maxMachinesOption,
    )
    .option('--wait', 'reconcile until Ready, denied or failed', true)
    .option('--no-wait', 'only store the deployments')
    .option('--timeout <duration>', 'how long --wait waits', '10m')
    .option('--progress <mode>', 'auto (live on a terminal), live or events', 'auto')
    .option('--as <user>', "who applies, as the deployments' history records it (default: the OS user)")
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint apply --wait -f examples/dev-cluster.yaml\n' +
        '  clustermint apply -f clusters/ --policies policies/ --timeout 5m\n' +
        '  clustermint apply -f my-cluster.yaml --no-wait && clustermint controller\n',
    )
    .action(
      wrap(async (opts) => {
        if (opts.filename.length === 0)
          throw new ClustermintError('USAGE', 'no input: give one or more -f FILE');
        if (!['auto', 'live', 'events'].includes(opts.progress))
          throw new ClustermintError(
            'USAGE',
            `--progress must be auto, live or events, got ${quote(opts.progress)}`,
          );
        const terminal =
          (io.raw ?? io) === processIO && process.stderr.isTTY === true && process.env.TERM !== 'dumb';
        const { runApply } = await import('./apply-run.js');
        return runApply(
          {
            files: opts.filename,
            state: opts.state,
            templates: opts.templates,
            policies: opts.policies,
            ...(opts.maxMachines !== undefined ? { maxMachines: opts.maxMachines } : {}),
            wait: opts.wait !== false,
            timeout: opts.timeout,
            progress: opts.progress === 'live' || (opts.progress === 'auto' && terminal) ? 'live' : 'events',
            columns: () => process.stderr.columns || 100,
            ...(opts.as !== undefined ? { as: opts.as } : {}),
          },
          io,
        );
      }),
    );
}
