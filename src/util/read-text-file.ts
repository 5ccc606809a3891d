/** Reads a text file a user named, refusing folders and files over the size limit with a clear error. */
import { readFileSync, statSync } from 'node:fs';
import { ClustermintError } from './errors.js';
import { LIMITS } from './limits.js';
import { decodeUtf8Strict } from './utf8.js';

export function readTextFile(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory())
      throw new ClustermintError('UNREADABLE', 'is a directory, expected a file', { file });
    size = st.size;
  } catch (e) {
    if (e instanceof ClustermintError) throw e;
    throw new ClustermintError(
      'UNREADABLE',
      `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        file,
      },
    );
  }
  if (size > LIMITS.maxFileBytes) {
    throw new ClustermintError(
      'TOO_LARGE',
      `file is ${(size / 1048576).toFixed(1)} MiB, over the ${LIMITS.maxFileBytes / 1048576} MiB limit`,
      { file },
    );
  }
  return decodeUtf8Strict(readFileSync(file), file);
}
