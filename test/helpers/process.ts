/** Helpers for tests that run the built CLI as a process, and wait for what it does. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'clustermint.js');
/** Whether `npm run build` has made the CLI bundle that BIN loads. */
export const cliBuilt = (): boolean => existsSync(join(ROOT, 'dist', 'bundle', 'cli.cjs'));

/** Polls `probe` until it gives something other than undefined; fails after `ms`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `clustermint ...args` as a child process, with its JSON log lines (stdout) and stderr. */
export class CliProcess {
  readonly lines: Record<string, any>[] = [];
  readonly proc: ChildProcess;
  stderr = '';
  readonly exit: Promise<number | null>;
  constructor(args: string[]) {
    this.proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    this.proc.stdout!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim()) this.lines.push({ ...JSON.parse(line), at: Date.now() });
      }
    });
    this.proc.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString('utf8');
    });
    this.exit = new Promise((r) => this.proc.on('exit', (code) => r(code)));
  }
  /** The first log line with this message. */
  first(msg: string) {
    return this.lines.find((l) => l.msg === msg);
  }
  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
}
