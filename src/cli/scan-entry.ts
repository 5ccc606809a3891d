/**
 * The scan bundle's entry point (dist/bundle/scan.cjs, see scripts/bundle.js): `clustermint
 * scan ...` loads only what a scan needs, since its cold start is most of a run. The program is
 * built as main.ts builds it, with the scan command alone; anything else goes to the full CLI.
 */
import { Command, CommanderError } from 'commander';
import { ClustermintError, formatError } from '../util/errors.js';
import type { IO } from './io.js';
import { registerScan } from './scan.js';
import { VERSION } from './version.js';

export { processIO } from './io.js';

export async function cli(argv: readonly string[], io: IO): Promise<number> {
  let code = 0;
  const program = new Command('clustermint')
    .description('Render, validate and gate Kubernetes clusters from ClusterTemplates and ClusterClasses.')
    .version(VERSION, '--version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  registerScan(program, io, (run) => async (...args) => {
    code = await run(...args);
  });
  for (const c of program.commands)
    c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
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
    io.err(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.CLUSTERMINT_DEBUG) io.err(`${(e as Error).stack}\n`);
    return 70;
  }
}
