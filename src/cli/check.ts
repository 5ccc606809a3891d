/** `clustermint check`: the whole gate for each submission, with a verdict per submission. */
import type { Command } from 'commander';
import { DEFAULT_MAX_MACHINES } from '../domain/machine-ceiling.js';
import { DEFAULT_STATE_PATH } from '../store/sqlite/schema.js';
import { ClustermintError } from '../util/errors.js';
import { defaultCheckThreads } from './check-parallel.js';
import type { IO } from './io.js';
import { collect, MAX_MACHINES_HELP, maxMachinesOption, threadsOption } from './options.js';
import type { Wrap } from './program.js';

export function registerCheck(program: Command, io: IO, wrap: Wrap): void {
  program
    .command('check')
    .summary('run the whole gate (values, render, schemas, team policies) on submissions')
    .description(
      'For every ClusterDeployment in the files: resolve its template, merge and validate its values,\n' +
        'render it, validate every object, then apply the team policies (kyverno-json ValidatingPolicies)\n' +
        'to the submission, its effective values and each rendered object. Prints a verdict per\n' +
        'submission with every violation and where it points. Exit 1 if any submission is denied.\n' +
        "A team is a namespace; its labels ($teamLabels) are the platform's: those of --namespaces files,\n" +
        'else of the Namespaces stored in the state file (when it exists), as apply and the controller\n' +
        'see them. Namespace documents among the submissions are refused, as apply refuses them.\n' +
        "k0rdent's admission rules (docs/tenancy.md) are judged from the Credentials, identities,\n" +
        'ServiceTemplates, ProviderInterfaces and AccessManagement in the files and in the state file\n' +
        '(when it exists), as the webhook will judge them: a violation is tagged [admission/RULE].',
    )
    .option('-f, --filename <file>', 'file with ClusterDeployments, repeatable', collect, [])
    .option('--templates <dir>', 'folder of charts (or one chart), repeatable', collect, [])
    .option('--policies <path>', 'policy file or folder, repeatable', collect, [])
    .option(
      '--namespaces <file>',
      "the platform's Namespace documents, whose labels are $teamLabels; repeatable",
      collect,
      [],
    )
    .option(
      '--state <path>',
      'state file whose Namespaces ($teamLabels), Credentials, templates and AccessManagement are read, when it exists',
      DEFAULT_STATE_PATH,
    )
    .option('--max-machines <n>', MAX_MACHINES_HELP, maxMachinesOption, DEFAULT_MAX_MACHINES)
    .option(
      '--parallel <n>',
      'threads that judge submissions, from 64 of them on (default: the cores up to 4, one below 4 cores)',
      (v: string) => threadsOption('--parallel', v),
    )
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--format <format>', 'sarif or junit (for CI systems); overrides --output')
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint check -f examples/aws-cluster.yaml --policies policies/\n  clustermint check -f examples/gate/ --policies policies/ --namespaces examples/platform/namespaces.yaml\n  clustermint check -f clusters/ --policies policies/ --format sarif > results.sarif\n',
    )
    .action(
      wrap(async (opts) => {
        if (opts.filename.length === 0)
          throw new ClustermintError('USAGE', 'no input: give one or more -f FILE');
        const format = opts.format ?? opts.output;
        if (!['text', 'json', 'sarif', 'junit'].includes(format)) {
          throw new ClustermintError(
            'USAGE',
            `unknown format ${JSON.stringify(format)}: use -o text|json or --format sarif|junit`,
          );
        }
        const { runCheck } = await import('./check-run.js');
        return runCheck(
          {
            files: opts.filename,
            templates: opts.templates,
            policies: opts.policies,
            namespaces: opts.namespaces,
            state: opts.state,
            format,
            maxMachines: opts.maxMachines,
            threads: opts.parallel ?? defaultCheckThreads(),
          },
          io,
        );
      }),
    );
}
