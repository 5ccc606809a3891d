/**
 * `clustermint` entry: builds the command tree and maps failures to exit codes
 * (0 ok, 1 input read but rejected, 2 usage error or unreadable input). Never prints a stack
 * trace for a user error.
 */
import { Command, CommanderError } from 'commander';
import { ClustermintError, formatError } from '../util/errors.js';
import { registerApply } from './apply.js';
import { registerCheck } from './check.js';
import { registerController } from './controller.js';
import { registerDelete } from './delete.js';
import { registerDescribe } from './describe.js';
import { registerGet } from './get.js';
import type { IO } from './io.js';
import { registerLint } from './lint.js';
import { registerPlan } from './plan.js';
import { registerRender } from './render.js';
import { registerScan } from './scan.js';
import { registerTemplate } from './template.js';
import { VERSION } from './version.js';

/** A command's result: its exit code. */
export type Run = () => Promise<number> | number;

export function buildProgram(io: IO, setResult: (code: number) => void): Command {
  const program = new Command('clustermint')
    .description('Render, validate and gate Kubernetes clusters from ClusterTemplates and ClusterClasses.')
    .version(VERSION, '--version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  const wrap =
    (run: (...args: any[]) => Promise<number> | number) =>
    async (...args: any[]) => {
      setResult(await run(...args));
    };
  registerTemplate(program, io, wrap);
  registerRender(program, io, wrap);
  registerLint(program, io, wrap);
  registerScan(program, io, wrap);
  registerCheck(program, io, wrap);
  registerPlan(program, io, wrap);
  registerApply(program, io, wrap);
  registerGet(program, io, wrap);
  registerDescribe(program, io, wrap);
  registerDelete(program, io, wrap);
  registerController(program, io, wrap);
  for (const c of program.commands)
    c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

export async function cli(argv: readonly string[], io: IO): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
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

export type Wrap = (run: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function outputFormat(value: string): 'yaml' | 'json' {
  if (value !== 'yaml' && value !== 'json') {
    throw new ClustermintError('USAGE', `--output must be yaml or json, got ${JSON.stringify(value)}`);
  }
  return value;
}
