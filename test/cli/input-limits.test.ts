/** Issue 17, class 6: limits on what hostile input may ask for, end to end through the CLI. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

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

describe('invalid UTF-8', () => {
  const bad = (before: string) =>
    Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from('"\n')]);

  it('in a values file is an error at its place, not U+FFFD', async () => {
    const dir = tmpTree({});
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, bad('region: sim\nclusterLabels:\n  env: "ü'));
    expectRefused(
      await run('template', chart, '-f', values, '-f', file),
      new RegExp(`${file}:3:10: invalid UTF-8 at byte offset 37 \\(byte 0xff, line 3, column 10\\)`),
    );
  });

  it('in a submission and in a policy file', async () => {
    const dir = tmpTree({});
    const submission = join(dir, 'sub.yaml');
    writeFileSync(
      submission,
      bad(
        'apiVersion: k0rdent.mirantis.com/v1beta1\nkind: ClusterDeployment\nmetadata: {name: x, namespace: team-a}\nspec:\n  template: simulated-standalone-cp\n  config: {region: "',
      ),
    );
    expectRefused(await run('check', '-f', submission), /sub\.yaml:6:21: invalid UTF-8 at byte offset \d+/);
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, bad('apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: "'));
    expectRefused(
      await run('check', '-f', 'examples/gate/team-a-allowed.yaml', '--policies', policy),
      /policy\.yaml:4:10: invalid UTF-8 at byte offset \d+/,
    );
  });
});

describe('integers out of range', () => {
  it('a values file integer past 2^53 is a located error, not replicas: 1e+23', async () => {
    const dir = tmpTree({ 'big.yaml': 'workersNumber: 99999999999999999999999\n' });
    const file = join(dir, 'big.yaml');
    expectRefused(
      await run('template', chart, '-f', values, '-f', file),
      new RegExp(
        `${file}:1:16: integer 99999999999999999999999 is out of range \\(at most 2\\^53-1 is exact\\)`,
      ),
    );
  });
});
