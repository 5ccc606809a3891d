/**
 * The scan bundle's entry point (dist/bundle/scan.cjs, see scripts/bundle.js): `clustermint
 * scan ...` loads only what a scan needs, since its cold start is most of a run.
 */
import type { IO } from './io.js';
import { runProgram } from './program.js';
import { registerScan } from './scan.js';

export { processIO } from './io.js';

export function cli(argv: readonly string[], io: IO): Promise<number> {
  return runProgram(argv, io, (program, io_, wrap) => registerScan(program, io_, wrap));
}
