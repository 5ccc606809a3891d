/**
 * Hostile inputs through the built CLI (`npm run build` first), as child processes so that time
 * and peak memory are the process's own: endless devices, pipes and stdin stop at the input cap
 * (exit 2), and aliases to long strings stop at the expansion limit (exit 1), never an internal
 * error after gigabytes.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliBuilt, ROOT } from '../helpers/process.js';
import { tmpTree } from '../helpers/tmp.js';

const built = cliBuilt();
if (!built) console.warn('skipping the hostile input tests: run npm run build first');

const dir = tmpTree({
  // writes the process's peak RSS (KiB) to a file when it exits
  'rss.cjs':
    "process.on('exit', () => require('fs').writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
});
const CHART = join(ROOT, 'templates', 'aws-standalone-cp');
const POLICY = join(ROOT, 'policies', 'baseline.yaml');
const MiB = 1024;

interface Result {
  code: number | null;
  stderr: string;
  ms: number;
  rssMiB: number;
}

function cm(args: string[], stdin: number | 'ignore' = 'ignore'): Result {
  const rssFile = join(dir, `rss-${Math.random()}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-r', join(dir, 'rss.cjs'), BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: [stdin, 'pipe', 'pipe'],
    env: { ...process.env, RSS_FILE: rssFile },
  });
  let rss = Number.NaN;
  try {
    rss = Number(readFileSync(rssFile, 'utf8')) / MiB;
  } catch {
    // killed before it could write
  }
  return { code: r.status, stderr: r.stderr, ms: Date.now() - t0, rssMiB: rss };
}

/** Refused quickly and cheaply with one clear line. */
function expectBounded(r: Result, code: number, message: RegExp): void {
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.code).toBe(code);
  expect(r.ms).toBeLessThan(10_000);
  expect(r.rssMiB).toBeLessThan(400);
}

const CAP = /input is larger than 10 MiB \(read stopped at 10 MiB\)/;

function stringBomb(indent = ''): string {
  const s = 'x'.repeat(4096);
  return [
    `${indent}a: &a "${s}"`,
    `${indent}b: &b [${Array(100).fill('*a').join(',')}]`,
    `${indent}c: [${Array(4000).fill('*b').join(',')}]`,
  ].join('\n');
}

describe.skipIf(!built)('hostile input through the CLI', () => {
  it('-f /dev/zero stops at the cap with exit 2', () => {
    expectBounded(cm(['template', CHART, '-f', '/dev/zero']), 2, new RegExp(`/dev/zero: ${CAP.source}`));
  });

  it('-f - fed from /dev/urandom stops at the cap with exit 2', () => {
    const fd = openSync('/dev/urandom', 'r');
    try {
      expectBounded(cm(['template', CHART, '-f', '-'], fd), 2, new RegExp(`-: ${CAP.source}`));
    } finally {
      closeSync(fd);
    }
  });

  it('scan --payload and check --policies on /dev/zero stop at the cap', () => {
    expectBounded(cm(['scan', '--payload', '/dev/zero', '--policy', POLICY]), 2, CAP);
    expectBounded(
      cm(['check', '-f', join(ROOT, 'examples', 'dev-cluster.yaml'), '--policies', '/dev/zero']),
      2,
      CAP,
    );
  });

  it('an endless FIFO stops at the cap', () => {
    const fifo = join(dir, 'values.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer: ChildProcess = spawn('sh', ['-c', `exec cat /dev/zero > '${fifo}'`], { stdio: 'ignore' });
    try {
      expectBounded(cm(['template', CHART, '-f', fifo]), 2, new RegExp(`values\\.fifo: ${CAP.source}`));
    } finally {
      writer.kill();
    }
  });

  it('a values file aliasing long strings fails fast with exit 1, not exit 70 after gigabytes', () => {
    writeFileSync(join(dir, 'bomb.yaml'), `${stringBomb()}\n`);
    expectBounded(
      cm(['template', CHART, '-f', join(dir, 'bomb.yaml'), '-o', 'json']),
      1,
      /bomb\.yaml: YAML aliases expand to over 32 MiB of keys and strings \(the limit\)/,
    );
  });

  it('a submission aliasing long strings in its config fails fast in render and check', () => {
    const sub = readFileSync(join(ROOT, 'examples', 'dev-cluster.yaml'), 'utf8').replace(
      '  config:\n',
      `  config:\n    junk:\n${stringBomb('      ')}\n`,
    );
    writeFileSync(join(dir, 'sub.yaml'), sub);
    const message = /sub\.yaml: YAML aliases expand to over 32 MiB/;
    expectBounded(cm(['render', '-f', join(dir, 'sub.yaml')]), 1, message);
    expectBounded(
      cm(['check', '-f', join(dir, 'sub.yaml'), '--policies', join(ROOT, 'policies')]),
      1,
      message,
    );
  });

  it('a scan payload with an alias bomb is refused', () => {
    const s = 'x'.repeat(4096);
    writeFileSync(
      join(dir, 'payload.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: &a "${s}"\n  b: [${Array(9000).fill('*a').join(',')}]\n`,
    );
    expectBounded(
      cm(['scan', '--payload', join(dir, 'payload.yaml'), '--policy', POLICY]),
      1,
      /payload\.yaml: YAML aliases expand to over 32 MiB/,
    );
  });
});
