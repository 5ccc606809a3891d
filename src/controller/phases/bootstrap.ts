/**
 * Boot recipes: a pool's bootstrap options with the files its config takes from Secrets and
 * ConfigMaps, read once per pass. While a file cannot be read the pool has no recipe (it gets no
 * new machines); a Warning event says why (at most every 5 minutes) and the deployment is tried
 * again in 10 s.
 */
import type { BootstrapOptions, UnresolvedBootstrapFile } from '../../providers/contract.js';
import { resolveBootstrapFiles } from '../bootstrap-files.js';
import type { PassContext } from './context.js';
import type { PhaseOutcome } from './outcome.js';

const MISSING_FILES_RETRY_MS = 10_000;

export interface ResolvedOptions {
  /** Undefined while a file cannot be read. */
  options: BootstrapOptions | undefined;
  outcome: PhaseOutcome;
}

export async function withBootstrapFiles(
  ctx: PassContext,
  options: BootstrapOptions,
  unresolved: readonly UnresolvedBootstrapFile[],
  pool: string,
): Promise<ResolvedOptions> {
  if (unresolved.length === 0) return { options, outcome: {} };
  const r = await resolveBootstrapFiles(ctx.o.store, ctx.ns, unresolved);
  if ('missing' in r) {
    await ctx.event(
      'BootstrapFilesUnavailable',
      `${pool}: no new machines until its bootstrap files can be read: ${r.missing}`,
      'Warning',
      300_000,
    );
    return { options: undefined, outcome: { retryAfterMs: MISSING_FILES_RETRY_MS } };
  }
  const files = r.files.length ? { ...options, files: [...(options.files ?? []), ...r.files] } : options;
  return { options: files, outcome: {} };
}
