/**
 * Where the package's files are, found from this module: `dist/util/` when built, inside the
 * single-file bundle `dist/bundle/` when bundled, `src/util/` under the tests. In each case the
 * folder above is the build (or source) folder and the one above that the package root.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/ (or src/ when running from sources). */
export const BUILD_DIR = fileURLToPath(new URL('../', import.meta.url));
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Code generated at build time (dist/generated); absent when running from sources. */
export const GENERATED_DIR = `${BUILD_DIR}generated/`;

/** clustermint's cache root: `$CLUSTERMINT_CACHE`, else `~/.cache/clustermint` (`root` overrides). */
export function cacheRoot(root?: string): string {
  return root ?? process.env.CLUSTERMINT_CACHE ?? join(homedir(), '.cache', 'clustermint');
}

/**
 * A module of the build that runs as a worker thread (`rel` under dist/, e.g.
 * `cli/check-worker.js`): beside the running code when it is the build (or the bundle, whose
 * BUILD_DIR is dist/ too), the package's dist/ when it runs from the TypeScript sources (tests);
 * undefined when there is no build.
 */
export function builtModule(rel: string): string | undefined {
  for (const file of [`${BUILD_DIR}${rel}`, join(PACKAGE_ROOT, 'dist', rel)])
    if (existsSync(file)) return file;
  return undefined;
}
