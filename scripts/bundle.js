// Build step: the CLI as one CommonJS file (dist/bundle/cli.cjs) with a V8 code cache beside it,
// plus a smaller one for `clustermint scan` alone (dist/bundle/scan.cjs): a scan's cold start is
// most of its run, and loading the render/validate/gate code it never calls costs time.
// Loading ~150 small ES modules cost a cold start more than running them, and Node 20 has no
// module compile cache; bin/clustermint.js loads these files through src/util/load-generated.ts.
// Heavy dependencies that the code loads on demand (createRequire: handlebars, ajv, yaml, re2js)
// stay outside the bundles and load only when needed.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

// node:child_process (with net, stream, dgram, ...) is required at the top of commander, which
// needs it only for executable subcommands (we have none): a proxy loads it on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => {
      if (args.namespace === 'lazy-builtin') return { path: 'node:child_process', external: true };
      // only commander's (plain property access); an ES import would need the real module's keys
      if (!/[\\/]commander[\\/]/.test(args.importer)) return undefined;
      return { path: 'child_process', namespace: 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents:
        "let m;\nmodule.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });\n",
      loader: 'js',
    }));
  },
};

// The chart commands alone, for their startup snapshot (scripts/snapshot.js): a snapshot's cost
// at every start grows with the code it holds, and these need half of the CLI's.
export const CHART_COMMANDS = ['template', 'render', 'lint'];
const chartEntry = {
  resolveDir: 'dist/cli',
  sourcefile: 'chart-entry.js',
  contents: `export { processIO } from './io.js';
import { runProgram } from './program.js';
${CHART_COMMANDS.map((c) => `import { register${c[0].toUpperCase()}${c.slice(1)} } from './${c}.js';`).join('\n')}
export function cli(argv, io) {
  return runProgram(argv, io, (program, io_, wrap) => {
${CHART_COMMANDS.map((c) => `    register${c[0].toUpperCase()}${c.slice(1)}(program, io_, wrap);`).join('\n')}
  });
}
`,
};

const bundles = [
  [{ entryPoints: ['dist/cli/entry.js'] }, 'dist/bundle/cli.cjs'],
  [{ entryPoints: ['dist/cli/scan-entry.js'] }, 'dist/bundle/scan.cjs'],
  [{ stdin: chartEntry }, 'dist/bundle/chart.cjs'],
];
for (const [entry, outfile] of bundles) {
  await build({
    ...entry,
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // No comments nor indentation: half the text to read and hash on every start, and ASCII only
    // (a comment's curly quote made V8 hold the whole 2.7 MB source as a two-byte string).
    minifyWhitespace: true,
    charset: 'ascii',
    plugins: [lazyChildProcess],
    // The sources find their files from import.meta.url; in CommonJS that is this file's URL.
    define: { 'import.meta.url': '__cmModuleUrl' },
    banner: { js: "const __cmModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
}

// Warm the code caches with real runs (a cache keeps the functions its runs compiled).
const warm = spawnSync(process.execPath, ['scripts/warm-bundle-cache.js'], { stdio: 'inherit' });
if (warm.status !== 0) throw new Error('warming the bundle code cache failed');
console.log('bundled the CLI into dist/bundle/cli.cjs, scan.cjs and chart.cjs');
