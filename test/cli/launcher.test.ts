// bin/clustermint, the installed command (package.json "bin"): starts template, render and lint
// from the startup snapshot when its key matches the node on PATH, else the plain CLI; either way
// the same bytes and exit code. `sh -x` shows which way it went. Needs `npm run build` (which
// makes dist/bundle/chart.blob): skipped without it, failing under CI=true.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliBuilt, ROOT } from '../helpers/process.js';

const LAUNCHER = join(ROOT, 'bin', 'clustermint');
const BLOB = join(ROOT, 'dist', 'bundle', 'chart.blob');
const ready = cliBuilt() && existsSync(BLOB);
if (!ready) {
  if (process.env.CI === 'true') throw new Error('the launcher tests need npm run build (and its snapshot)');
  console.warn('skipping the launcher tests: run npm run build first');
}

// the node running the tests first on PATH, as the build saw it
const PATH = `${dirname(process.execPath)}:${process.env.PATH}`;
const VALUES = join(ROOT, 'templates', 'aws-standalone-cp', 'ci', 'example-values.yaml');

function launch(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('sh', ['-x', LAUNCHER, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH, NODE_OPTIONS: '', ...env },
  });
  const trace = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('+'))
    .join('\n');
  const stderr = r.stderr
    .split('\n')
    .filter((l) => !l.startsWith('+'))
    .join('\n');
  return { status: r.status, stdout: r.stdout, stderr, snapshot: /exec \S+ --snapshot-blob /.test(trace) };
}

function plain(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!ready)('bin/clustermint', () => {
  it('runs template from the snapshot, printing what the plain CLI prints', () => {
    const args = ['template', 'aws-standalone-cp', '-f', VALUES];
    const fast = launch(args);
    expect(fast.snapshot).toBe(true);
    const slow = plain(args);
    expect(fast.status).toBe(0);
    expect(fast.stdout).toBe(slow.stdout);
    expect(fast.stdout).toContain('kind: AWSCluster');
  });

  it('gives an error the same way from the snapshot', () => {
    const args = ['template', 'no-such-template'];
    const fast = launch(args);
    expect(fast.snapshot).toBe(true);
    const slow = plain(args);
    expect(fast.status).toBe(slow.status);
    expect(fast.status).not.toBe(0);
    expect(fast.stderr.trim()).toBe(slow.stderr.trim());
  });

  it('runs the plain CLI under NODE_OPTIONS and for the other commands', () => {
    const underOptions = launch(['template', 'aws-standalone-cp', '-f', VALUES], {
      NODE_OPTIONS: '--max-old-space-size=512',
    });
    expect(underOptions.snapshot).toBe(false);
    expect(underOptions.status).toBe(0);
    expect(underOptions.stdout).toBe(plain(['template', 'aws-standalone-cp', '-f', VALUES]).stdout);
    const version = launch(['--version']);
    expect(version.snapshot).toBe(false);
    expect(version.stdout).toBe(plain(['--version']).stdout);
  });
});
