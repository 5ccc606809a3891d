/**
 * The local chart cache: archives under `<cache>/charts/sha256-<hex>.tgz`, keyed by the sha256 of
 * their bytes. An archive is written only once verified (temp file + rename, so a reader never sees
 * half of one), and checked again when read, so a corrupt entry is a miss, never a wrong chart.
 * A cache that cannot be written is no error: it only saves downloads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `${CLUSTERMINT_CACHE:-~/.cache/clustermint}`, or the given root. */
import { cacheRoot } from '../../util/paths.js';

export { cacheRoot };

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The hex of `sha256:<hex>` or of a bare hex digest (index.yaml writes them bare); else undefined. */
export function sha256Of(digest: string): string | undefined {
  const hex = digest.startsWith('sha256:') ? digest.slice(7) : digest;
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

function entryPath(hex: string, root?: string): string {
  return join(cacheRoot(root), 'charts', `sha256-${hex}.tgz`);
}

/** The cached archive with this digest, if there is one and it still has that digest. */
export function readCachedArchive(hex: string, root?: string): Uint8Array | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(entryPath(hex, root));
  } catch {
    return undefined;
  }
  return sha256Hex(bytes) === hex ? bytes : undefined;
}

/** Stores a verified archive under its digest (computed here, never taken on trust). */
export function writeCachedArchive(bytes: Uint8Array, root?: string): string {
  const hex = sha256Hex(bytes);
  const dest = entryPath(hex, root);
  const tmp = `${dest}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(join(cacheRoot(root), 'charts'), { recursive: true });
    writeFileSync(tmp, bytes, { mode: 0o644 });
    renameSync(tmp, dest);
  } catch {
    rmSync(tmp, { force: true });
  }
  return hex;
}
