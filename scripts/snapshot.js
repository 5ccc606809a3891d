// Build step: a V8 startup snapshot of the CLI (dist/bundle/clustermint.blob), which bin/clustermint
// (the launcher `npx clustermint` runs) starts with `node --snapshot-blob`: the CLI is then already
// loaded and its top-level code run, with the code a common command needs compiled, so a cold run
// costs little more than Node's own start. See docs/fast-start.md.
//
// 1. A recording run (its own process) runs the warm-up commands on dist/bundle/cli.cjs and notes
//    every CommonJS module and generated file they load, and how each `require` resolved.
// 2. The snapshot's entry script is written: those files as functions, then scripts/snapshot-loader.cjs.
// 3. `node --build-snapshot` runs it; a check then compares the snapshot's output with the plain CLI's.
// Any failure removes the blob and says so: the launcher then runs bin/clustermint.js as before.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = realpathSync(fileURLToPath(new URL('..', import.meta.url)));
const GENERATED = join(ROOT, 'dist', 'generated');
// Native addons (and what loads them) stay outside: the snapshot cannot hold them.
const NEVER = /[\\/]node_modules[\\/](better-sqlite3|bindings|file-uri-to-path)[\\/]|\.node$/;

/** The commands the snapshot is warmed with: each built-in chart with its CI values, and a render. */
function warmUps() {
  const templates = join(ROOT, 'templates');
  const charts = readdirSync(templates).filter((c) =>
    existsSync(join(templates, c, 'ci', 'example-values.yaml')),
  );
  const example = join(ROOT, 'examples', 'simulated-cluster.yaml');
  return [
    ...charts.map((c) => ['template', c, '-f', join(templates, c, 'ci', 'example-values.yaml')]),
    ...(existsSync(example) ? [['render', '-f', example]] : []),
  ];
}

/** Step 1, in its own process (`--record <out>`): what the warm-ups load. */
async function record(bundle, out, argvs) {
  const resolved = {};
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    const file = resolve.call(this, request, parent, ...rest);
    // by folder: a resolution depends on nothing else (and Node caches relative ones so)
    if (parent?.filename) resolved[`${dirname(parent.filename)}\0${request}`] = file;
    return file;
  };
  const fs = Module.createRequire(import.meta.url)('node:fs');
  let generated = new Set();
  const readFileSync_ = fs.readFileSync;
  fs.readFileSync = function (file, ...rest) {
    if (typeof file === 'string' && file.startsWith(GENERATED) && file.endsWith('.cjs')) generated.add(file);
    return readFileSync_.call(this, file, ...rest);
  };
  const { loadGenerated } = await import('../dist/util/load-generated.js');
  const { cli } = loadGenerated(bundle);
  const sink = { out() {}, err() {} };
  // Generated code every chart needs (the kinds' validators, RE2) goes into the snapshot; one
  // chart's own (its templates, its values validator) loads from dist/generated when used.
  let common;
  for (const argv of argvs) {
    generated = new Set();
    const code = await cli(argv, sink);
    if (code !== 0) throw new Error(`warm-up failed (exit ${code}): clustermint ${argv.join(' ')}`);
    if (argv[0] === 'template')
      common = common
        ? (common.intersection?.(generated) ?? new Set([...common].filter((f) => generated.has(f))))
        : generated;
  }
  const modules = Object.keys(Module._cache).filter((f) => !NEVER.test(f));
  writeFileSync(out, JSON.stringify({ resolved, files: [...new Set([...modules, ...(common ?? [])])] }));
}

function entryScript(bundle, recorded, argvs) {
  const files = [bundle, ...recorded.files.filter((f) => f !== bundle)];
  const embedded = new Set(files);
  const resolved = Object.entries(recorded.resolved).filter(
    ([, f]) => embedded.has(f) || !f.includes('/') || NEVER.test(f),
  );
  const build = { bundle, preload: files.slice(1) };
  return [
    `const FILES = ${JSON.stringify(files)};`,
    `const RESOLVED = new Map(${JSON.stringify(resolved)});`,
    `const WARM_UPS = ${JSON.stringify(argvs)};`,
    `const BUILD = ${JSON.stringify(build)};`,
    readFileSync(join(ROOT, 'scripts', 'snapshot-loader.cjs'), 'utf8'),
  ].join('\n');
}

/** What bin/clustermint checks before using the blob: the node binary it was built by and where the package is. */
export function snapshotKey(nodePath, root) {
  return `${nodePath} ${root}`;
}

/**
 * The snapshots, each of a bundle holding only the commands it serves (scripts/bundle.js), so each
 * stays small: one for the chart commands. `scan` has none: its own bundle is small, and with its
 * code cache it started as fast as from a snapshot (whose size every start pays for) in our
 * measurements. bin/clustermint picks the snapshot by the command.
 */
const SNAPSHOTS = [
  {
    blob: join(ROOT, 'dist', 'bundle', 'chart.blob'),
    bundle: join(ROOT, 'dist', 'bundle', 'chart.cjs'),
    only: ['template', 'render', 'lint'],
  },
];

async function main() {
  if (process.argv[2] === '--record')
    return record(process.argv[3], process.argv[4], JSON.parse(process.argv[5]));
  const dir = mkdtempSync(join(tmpdir(), 'clustermint-snapshot-'));
  try {
    for (const s of SNAPSHOTS) buildSnapshot(s, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function buildSnapshot({ blob, bundle, only }, dir) {
  const t0 = Date.now();
  const tmpBlob = `${blob}.${process.pid}.tmp`; // beside it: a rename across file systems fails
  const name = relative(ROOT, blob);
  try {
    rmSync(blob, { force: true });
    rmSync(`${blob}.key`, { force: true });
    const argvs = warmUps().filter((argv) => only.includes(argv[0]));
    const recordFile = join(dir, 'record.json');
    const rec = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--record', bundle, recordFile, JSON.stringify(argvs)],
      { stdio: 'inherit' },
    );
    if (rec.status !== 0) throw new Error('the recording run failed');
    const entry = join(dir, 'entry.cjs');
    writeFileSync(entry, entryScript(bundle, JSON.parse(readFileSync(recordFile, 'utf8')), argvs));
    const built = spawnSync(process.execPath, ['--snapshot-blob', tmpBlob, '--build-snapshot', entry], {
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(`node --build-snapshot failed:\n${built.stderr}`);
    verify(tmpBlob, dir, only);
    renameSync(tmpBlob, blob);
    writeFileSync(`${blob}.key`, `${snapshotKey(realpathSync(process.execPath), ROOT)}\n`);
    console.log(`built the startup snapshot ${name} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    for (const f of [tmpBlob, blob, `${blob}.key`]) rmSync(f, { force: true });
    console.warn(
      `warning: no startup snapshot ${name} (clustermint starts without it, a little slower): ${e.message}`,
    );
  }
}

/** The snapshot must print what the plain CLI prints, byte for byte, with the same exit code. */
function verify(blob, dir, only) {
  const bin = join(ROOT, 'bin', 'clustermint.js');
  const cases = [
    [
      'template',
      'aws-standalone-cp',
      '-f',
      join(ROOT, 'templates', 'aws-standalone-cp', 'ci', 'example-values.yaml'),
    ],
    ['template', 'no-such-chart'],
    ['render', '-f', join(dir, 'missing.yaml')],
  ].filter((argv) => only.includes(argv[0]));
  for (const argv of cases) {
    const plain = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8' });
    const fast = spawnSync(process.execPath, ['--snapshot-blob', blob, bin, ...argv], { encoding: 'utf8' });
    if (plain.status !== fast.status || plain.stdout !== fast.stdout || plain.stderr !== fast.stderr)
      throw new Error(`its \`clustermint ${argv.join(' ')}\` differs from the plain CLI's:\n${fast.stderr}`);
  }
}

await main();
