/**
 * Finds a Go reference binary for a differential test without building it: the environment
 * variable when set (.ci/run exports it), else what the install script already has in the cache
 * (`--cached`, which never builds). Otherwise the test is skipped with the reason, except under
 * CI=true, where a missing reference is a failure.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface GoReference {
  /** The environment variable that names the binary, e.g. GOTEMPLATE_REF_BIN. */
  envVar: string;
  /** The install script and its arguments, relative to the repository root. */
  install: readonly string[];
  /** What needs it, for the messages. */
  what: string;
}

export function findGoReference(ref: GoReference): { bin?: string; reason?: string } {
  const fromEnv = process.env[ref.envVar];
  if (fromEnv) return { bin: fromEnv };
  const [script, ...args] = ref.install;
  const r = spawnSync(join(ROOT, script!), [...args, '--cached'], { encoding: 'utf8' });
  const bin = r.status === 0 ? r.stdout.trim() : '';
  if (bin) return { bin };
  const reason = `${ref.envVar} is not set and ${ref.install.join(' ')} has not built it yet (run it, then export ${ref.envVar}=<the path it prints>)`;
  if (process.env.CI === 'true') throw new Error(`${ref.what}: ${reason}`);
  console.warn(`skipping ${ref.what}: ${reason}`);
  return { reason };
}
