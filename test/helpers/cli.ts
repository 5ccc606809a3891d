import { bufferIO } from '../../src/cli/io.js';
import { cli } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as `clustermint ...args`. */
export async function run(...args: string[]): Promise<CliResult> {
  const io = bufferIO();
  const code = await cli(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
