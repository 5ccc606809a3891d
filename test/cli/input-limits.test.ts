/** Issue 17, class 6: limits on what hostile input may ask for, end to end through the CLI. */
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const chart = 'templates/simulated-standalone-cp';
const values = `${chart}/ci/example-values.yaml`;

/** One clear message, exit 1, no stack, nothing on stdout. */
function expectRefused(r: { code: number; stderr: string; stdout: string }, message: RegExp) {
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
}

describe('--set limits', () => {
  it('5,000 nested names are refused with the flag named, not a stack overflow', async () => {
    const deep = `${Array.from({ length: 5000 }, () => 'a').join('.')}=1`;
    expectRefused(
      await run('template', chart, '-f', values, '--set', deep),
      /--set "a\.a\.a.*: value nests deeper than the maximum of 100 levels/,
    );
  });

  it('300 indices of 65536 are refused before they allocate', async () => {
    const sets = Array.from({ length: 300 }, (_, i) => ['--set', `l${i}[65536]=1`]).flat();
    const before = process.memoryUsage().rss;
    expectRefused(
      await run('template', chart, '-f', values, ...sets),
      /--set "l15\[65536\]=1": list indices would create over 1,048,576 list items in all/,
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });
});
