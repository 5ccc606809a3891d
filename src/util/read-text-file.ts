/**
 * The one reader of inputs a user names: files, devices, FIFOs and stdin (`-`). A regular file
 * over the cap is refused by its size; anything else is read in chunks and the read stops at the
 * cap, so `/dev/zero` or an endless pipe costs at most the cap in memory.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ClustermintError } from './errors.js';
import { LIMITS } from './limits.js';
import { decodeUtf8Strict } from './utf8.js';

const CHUNK = 1 << 16;

/** `10 MiB`, `512 KiB` or `300 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}

function unreadable(file: string, e: unknown): ClustermintError {
  const code = (e as NodeJS.ErrnoException).code;
  if (file === '-') return new ClustermintError('UNREADABLE', 'cannot read standard input', { file });
  return new ClustermintError('UNREADABLE', `cannot read: ${code ?? (e as Error).message}`, { file });
}

/** Sleeps without an event loop (stdin may be a non-blocking pipe or terminal). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The bytes of `file` (`-` is stdin), at most `maxBytes`; more is a TOO_LARGE error naming the
 * file and the cap (exit code 2). Folders and unreadable paths are UNREADABLE.
 */
export function readInputBytes(file: string, maxBytes: number = LIMITS.maxFileBytes): Buffer {
  let fd: number;
  try {
    fd = file === '-' ? 0 : openSync(file, 'r');
  } catch (e) {
    throw unreadable(file, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory())
      throw new ClustermintError('UNREADABLE', 'is a directory, expected a file', { file });
    if (st.isFile() && st.size > maxBytes) {
      throw new ClustermintError(
        'TOO_LARGE',
        `input is ${formatBytes(st.size)}, over the ${formatBytes(maxBytes)} limit`,
        { file },
      );
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // one byte past the cap tells "exactly at the cap" from "over it"
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          pause(5);
          continue;
        }
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw unreadable(file, e);
      }
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > maxBytes) {
        throw new ClustermintError(
          'TOO_LARGE',
          `input is larger than ${formatBytes(maxBytes)} (read stopped at ${formatBytes(maxBytes)})`,
          { file },
        );
      }
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** The text of `file` (`-` is stdin) as UTF-8, within the input cap. */
export function readTextFile(file: string): string {
  return decodeUtf8Strict(readInputBytes(file), file);
}
