/**
 * Expressions that would grow strings until V8 aborts, or loop for minutes, end in a located
 * error through the CLI, quickly: JMESPath and CEL in policies (`check` exits 1; `scan`
 * reports an ERROR result naming the policy and rule, and keeps kyverno-json's exit code).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { BIN, cliBuilt } from '../helpers/process.js';
import { tmpTree } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ALLOWED = join(ROOT, 'examples/gate/team-a-allowed.yaml');
const TEN = '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]';

const nestedReplaceAll = (n: number): string => {
  let e = "'ab'";
  for (let i = 0; i < n; i++) e = `replace_all(${e}, 'a', 'aa')`;
  return e;
};
const chainedReplace = (n: number): string => `'ab'${".replace('a', 'aa')".repeat(n)}`;
const nestedAll = (n: number): string => {
  let e = 'true';
  for (let i = n - 1; i >= 0; i--) e = `${TEN}.all(x${i}, ${e})`;
  return e;
};

const policy = (name: string, key: string): string => `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: ${name}
spec:
  rules:
  - name: grow
    assert:
      all:
      - check:
          ${JSON.stringify(key)}: true
`;

const CASES: Array<[string, string, string, RegExp]> = [
  [
    'jp-bomb',
    'JMESPath replace_all nested 34 times',
    `(length(${nestedReplaceAll(34)}) > \`0\`)`,
    /evaluation cost limit exceeded/,
  ],
  [
    'cel-bomb',
    'CEL .replace chained 30 times',
    `(cel;size(${chainedReplace(30)}) > 0)`,
    /operation cancelled: actual cost limit exceeded/,
  ],
  [
    'cel-loops',
    'CEL .all nested 9 times over 10 items',
    `(cel;${nestedAll(9)})`,
    /operation cancelled: actual cost limit exceeded/,
  ],
];

describe('expression budgets through the CLI', () => {
  const dir = tmpTree({
    ...Object.fromEntries(CASES.map(([name, , key]) => [`${name}.yaml`, policy(name, key)])),
    'payload.json': '{"name": "a"}',
  });
  const p = (f: string) => join(dir, f);

  it.each(CASES)('check, %s (%s): a located error, exit 1, quickly', async (name, _what, _key, message) => {
    const t0 = performance.now();
    const r = await run('check', '-f', ALLOWED, '--policies', p(`${name}.yaml`));
    expect(r.stdout + r.stderr).toMatch(message);
    expect(r.stdout + r.stderr).toContain(name);
    expect(r.stdout + r.stderr).toContain('grow');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(1);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it.each(CASES)('scan, %s (%s): an ERROR naming policy and rule', async (name, _what, _key, message) => {
    const r = await run('scan', '--payload', p('payload.json'), '--policy', p(`${name}.yaml`));
    expect(r.stdout).toMatch(message);
    expect(r.stdout).toContain(`- ERROR: `);
    expect(r.stdout).toContain(`(POLICY=${name}, RULE=grow)`);
  });
});

describe('expression budgets in the built CLI (a process of its own)', () => {
  const dir = tmpTree(Object.fromEntries(CASES.map(([name, , key]) => [`${name}.yaml`, policy(name, key)])));

  it.skipIf(!cliBuilt()).each(CASES)(
    'check, %s: exit 1, not an abort (exit 133)',
    (name, _what, _key, message) => {
      const r = spawnSync(
        process.execPath,
        [BIN, 'check', '-f', ALLOWED, '--policies', join(dir, `${name}.yaml`)],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(r.stdout + r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/Fatal|internal error/);
      expect(r.status).toBe(1);
    },
  );
});
