// Build step: the CLI as one CommonJS file (dist/bundle/cli.cjs) with a V8 code cache beside it.
// Loading ~150 small ES modules cost a cold start more than running them, and Node 20 has no
// module compile cache; bin/clustermint.js loads this file through src/util/load-generated.ts.
// Heavy dependencies that the code loads on demand (createRequire: handlebars, ajv, yaml, re2js)
// stay outside the bundle and load only when needed.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/entry.js'],
  outfile: 'dist/bundle/cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  // The sources find their files from import.meta.url; in CommonJS that is this file's URL.
  define: { 'import.meta.url': '__cmModuleUrl' },
  banner: { js: "const __cmModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// Warm the code cache with real runs (the cache keeps the functions they compiled).
const warm = spawnSync(process.execPath, ['scripts/warm-bundle-cache.js'], { stdio: 'inherit' });
if (warm.status !== 0) throw new Error('warming the bundle code cache failed');
console.log('bundled the CLI into dist/bundle/cli.cjs');
