/** The input reader: a cap on every kind of input, applied while reading, not after. */
import { spawn } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClustermintError } from '../../src/util/errors.js';
import { LIMITS } from '../../src/util/limits.js';
import { readInputBytes, readTextFile } from '../../src/util/read-text-file.js';
import { tmpTree } from '../helpers/tmp.js';

function failure(f: () => unknown): ClustermintError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ClustermintError);
    return e as ClustermintError;
  }
  throw new Error('expected an error');
}

describe('readInputBytes', () => {
  it('stops reading /dev/zero at the cap, naming the file and the cap (exit code 2)', () => {
    const t0 = Date.now();
    const e = failure(() => readTextFile('/dev/zero'));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(e.code).toBe('TOO_LARGE');
    expect(e.exitCode).toBe(2);
    expect(e.location?.file).toBe('/dev/zero');
    expect(e.message).toBe(
      `input is larger than ${LIMITS.maxFileBytes / 1048576} MiB (read stopped at ${LIMITS.maxFileBytes / 1048576} MiB)`,
    );
  });

  it('a stream of exactly the cap is read whole; one byte more is refused', () => {
    expect(readInputBytes('/dev/null', 10).length).toBe(0);
    expect(failure(() => readInputBytes('/dev/urandom', 1000)).message).toBe(
      'input is larger than 1000 bytes (read stopped at 1000 bytes)',
    );
    const dir = tmpTree({ 'ten.txt': '0123456789' });
    expect(readInputBytes(join(dir, 'ten.txt'), 10).toString()).toBe('0123456789');
  });

  it('a regular file over the cap is refused by its size, before it is read', () => {
    const file = join(tmpTree({}), 'huge.yaml');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const e = failure(() => readTextFile(file));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toBe(`input is 50 MiB, over the ${LIMITS.maxFileBytes / 1048576} MiB limit`);
  });

  it('reads a FIFO to its end, and stops an endless one at the cap', async () => {
    const dir = tmpTree({});
    const fifo = join(dir, 'pipe');
    await new Promise<void>((ok, ko) =>
      spawn('mkfifo', [fifo]).on('exit', (c) => (c === 0 ? ok() : ko(new Error(`mkfifo: ${c}`)))),
    );
    // a writer in another process: this one blocks in the read
    const short = spawn(process.execPath, [
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(fifo)}, 'a: 1\\n')`,
    ]);
    expect(readTextFile(fifo)).toBe('a: 1\n');
    await new Promise((r) => short.on('exit', r));
    const endless = spawn('sh', ['-c', `exec cat /dev/zero > '${fifo}'`]);
    try {
      expect(failure(() => readInputBytes(fifo, 1 << 20)).message).toBe(
        'input is larger than 1 MiB (read stopped at 1 MiB)',
      );
    } finally {
      endless.kill();
    }
  });

  it('a folder or a missing file is unreadable', () => {
    const dir = tmpTree({});
    mkdirSync(join(dir, 'sub'));
    expect(failure(() => readTextFile(join(dir, 'sub'))).message).toBe('is a directory, expected a file');
    const e = failure(() => readTextFile(join(dir, 'nope.yaml')));
    expect(e.code).toBe('UNREADABLE');
    expect(e.message).toBe('cannot read: ENOENT');
    writeFileSync(join(dir, 'ok.yaml'), 'x: 1\n');
    expect(readTextFile(join(dir, 'ok.yaml'))).toBe('x: 1\n');
  });
});
