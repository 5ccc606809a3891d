// The fuzz runner (fuzz/run.js) on its self-test targets: an input that aborts the process or
// hangs is reported with its seed, a replay path and the input shrunk to the smallest that
// trips (90), and the run exits 1; the replay finds it again; bad flags exit 2.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const RUN = join(import.meta.dirname, '..', '..', 'fuzz', 'run.js');

function fuzz(...args: string[]) {
  const r = spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fuzz runner', () => {
  it('reports a V8-style abort of the child with the shrunk input and a replay that finds it again', () => {
    const r = fuzz('--target', 'selftest-abort', '--runs', '20', '--seed', '5', '--budget', '500');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FINDING in selftest-abort: crash: the child died \(signal SIGABRT\)/);
    expect(r.stdout).toContain('shrunk input: 90\n');
    expect(r.stdout).toMatch(/selftest-abort\s+20\s+\d+\s+[\d.]+\s+\d+\s+\d+\s+1\s+\d+/);
    const replay = /replay: node fuzz\/run\.js (.*)\n/.exec(r.stdout)![1].split(' ');
    const again = fuzz(...replay, '--budget', '500');
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('shrunk input: 90\n');
  }, 60_000);

  it('kills a hanging child and reports the hang with the shrunk input', () => {
    const r = fuzz(
      '--target',
      'selftest-hang',
      '--runs',
      '20',
      '--seed',
      '5',
      '--budget',
      '100',
      '--shrink-evals',
      '20',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FINDING in selftest-hang: hang: one input ran more than 500 ms \(killed\)/);
    expect(r.stdout).toContain('shrunk input: 90\n');
  }, 60_000);

  it('refuses unknown targets and bad numbers with exit 2', () => {
    expect(fuzz('--target', 'nope').code).toBe(2);
    expect(fuzz('--runs', 'x').stderr).toContain('--runs must be an integer');
  });
});
