/**
 * Noticing changed files by polling a fingerprint (path, size, mtime, inode of every file under
 * the paths). Polling rather than fs.watch: a mounted ConfigMap or Secret changes by swapping a
 * `..data` symlink, a GitOps checkout by renames, and both are seen the same way here.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MAX_FILES = 10_000;
const MAX_DEPTH = 8;

/** A string that changes when a file under the paths is added, removed or rewritten. */
export function fingerprint(paths: readonly string[]): string {
  const parts: string[] = [];
  const visit = (p: string, depth: number) => {
    if (parts.length > MAX_FILES) return;
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p); // follows symlinks: a swapped ..data link changes the target's inode
    } catch {
      parts.push(`${p}:missing`);
      return;
    }
    if (st.isDirectory()) {
      if (depth >= MAX_DEPTH) return;
      let names: string[];
      try {
        names = readdirSync(p).sort();
      } catch {
        parts.push(`${p}:unreadable`);
        return;
      }
      for (const n of names) visit(join(p, n), depth + 1);
      return;
    }
    parts.push(`${p}:${st.size}:${st.mtimeMs}:${st.ino}`);
  };
  for (const p of paths) visit(p, 0);
  return parts.join('\n');
}

/** Calls `onChange` (awaited, never concurrently) after the fingerprint of the paths changes. */
export function pollChanges(
  paths: readonly string[],
  intervalMs: number,
  onChange: () => void | Promise<void>,
): () => void {
  let last = fingerprint(paths);
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    const now = fingerprint(paths);
    if (now === last) return;
    busy = true;
    last = now;
    try {
      await onChange();
    } finally {
      busy = false;
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
