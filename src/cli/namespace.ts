/**
 * `clustermint namespace label NAME KEY=VALUE... KEY-...`: the platform labels a team's namespace
 * in the embedded state (what `$teamLabels` is for apply, check --state and the controller).
 * Submissions cannot: `apply` refuses Namespace documents (docs/policies.md, "Teams").
 */
import type { Command } from 'commander';
import { DEFAULT_STATE_PATH } from '../store/sqlite/schema.js';
import type { IO } from './io.js';
import type { Wrap } from './program.js';

export function registerNamespace(program: Command, io: IO, wrap: Wrap): void {
  const namespace = program
    .command('namespace')
    .summary("the platform's namespaces (teams) and their labels in the embedded state");
  namespace
    .command('label')
    .summary('set or remove labels of a namespace (creates it when missing), like kubectl label')
    .description(
      'Set (KEY=VALUE) or remove (KEY-) labels of a team namespace in the state file. Policies see them\n' +
        'as $teamLabels. Changing the value of an existing label needs --overwrite.\n' +
        "This is the platform's command: submissions given to apply may not carry Namespace documents.",
    )
    .argument('<name>', 'the namespace (the team)')
    .argument('<labels...>', 'KEY=VALUE to set, KEY- to remove')
    .option('--state <path>', 'state file of the embedded store', DEFAULT_STATE_PATH)
    .option('--overwrite', 'allow changing the value of a label that is set')
    .addHelpText(
      'after',
      '\nExamples:\n  clustermint namespace label team-a tier=development\n' +
        '  clustermint namespace label team-a tier=production --overwrite\n' +
        '  clustermint namespace label team-a tier-\n',
    )
    .action(
      wrap(async (name: string, labels: string[], opts) => {
        const { runNamespaceLabel } = await import('./namespace-run.js');
        return runNamespaceLabel(
          { name, changes: labels, state: opts.state, overwrite: Boolean(opts.overwrite) },
          io,
        );
      }),
    );
}
