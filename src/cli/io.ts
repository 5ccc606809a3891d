import { terminalText } from '../util/printable.js';

/** What a command may touch: two output streams and the working directory. Tests pass buffers. */
export interface IO {
  out(text: string): void;
  err(text: string): void;
  /**
   * The streams as given, without the escaping of `forTerminal`: only for escape sequences
   * clustermint writes itself (the live progress display).
   */
  raw?: IO;
}

/**
 * The IO commands get: standard error is human text only (errors, warnings, progress), so every
 * write to it is escaped and its lines capped here (src/util/printable.ts); standard output may
 * be data (YAML, JSON, rendered manifests) and its text printers escape what they print.
 */
export function forTerminal(io: IO): IO {
  const raw = io.raw ?? io;
  return { out: (t) => raw.out(t), err: (t) => raw.err(terminalText(t)), raw };
}

export const processIO: IO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

export function bufferIO(): IO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}
