// test/testenv/*.ts compiled on the fly (esbuild), so that a plain Node bench script can start the
// test environment's API servers (and Cluster API) without vitest.
//
//   const { startTestenv, findBinaries } = await loadTestenv(['binaries', 'cluster']);
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The named modules of test/testenv/ (`cluster`, `binaries`, `workload`, ...), merged into one object. */
export async function loadTestenv(modules) {
  const { build } = await import('esbuild');
  // inside the package, so that the bundles' bare imports resolve from its node_modules
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'cm-bench-testenv-'));
  try {
    await build({
      entryPoints: Object.fromEntries(modules.map((m) => [m, join(ROOT, 'test', 'testenv', `${m}.ts`)])),
      outdir: out,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'warning',
      define: { 'import.meta.dirname': JSON.stringify(join(ROOT, 'test', 'testenv')) },
    });
    const mod = {};
    for (const m of modules) Object.assign(mod, await import(pathToFileURL(join(out, `${m}.mjs`)).href));
    return mod;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
