/**
 * The command tree and the mapping of failures to exit codes (0 ok, 1 input read but rejected,
 * 2 usage error or unreadable input), shared by the full CLI (main.ts) and the scan-only bundle
 * (scan-entry.ts). Never prints a stack trace for a user error.
 */
import { Command, CommanderError } from 'commander';
import { ClustermintError, formatError } from '../util/errors.js';
import { REFLOWED_HELP } from './help-text.js';
import { forTerminal, type IO } from './io.js';
import { VERSION } from './version.js';

export type Wrap = (run: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;
export type Register = (program: Command, io: IO, wrap: Wrap) => void;

export function buildProgram(given: IO, setResult: (code: number) => void, register: Register): Command {
  const io = forTerminal(given);
  const program = new Command('clustermint')
    .description('Render, validate and gate Kubernetes clusters from ClusterTemplates and ClusterClasses.')
    .version(VERSION, '--version')
    // root options only before the command name: `template --version 1.2.0` is the chart's version
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  const wrap: Wrap =
    (run) =>
    async (...args) => {
      setResult(await run(...args));
    };
  register(program, io, wrap);
  program.configureHelp(REFLOWED_HELP);
  for (const c of program.commands)
    c.exitOverride()
      .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
      .configureHelp(REFLOWED_HELP);
  return program;
}

/** Parses argv, runs the command, and returns its exit code. */
export async function runProgram(argv: readonly string[], given: IO, register: Register): Promise<number> {
  const io = forTerminal(given);
  let code = 0;
  const program = buildProgram(
    io,
    (c) => {
      code = c;
    },
    register,
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      if (e.code === 'commander.executeSubCommandAsync') return e.exitCode;
      return 2;
    }
    if (e instanceof ClustermintError) {
      io.err(`error: ${formatError(e)}\n`);
      return e.exitCode;
    }
    // A bug of ours: say so plainly, with the message but no stack unless asked for.
    io.err(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.CLUSTERMINT_DEBUG) io.err(`${(e as Error).stack}\n`);
    return 70;
  }
}
