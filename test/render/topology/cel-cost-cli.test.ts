/**
 * A ClusterClass whose variable CEL rule grows a string until V8 would abort (the static cost
 * estimate passes: the variable's maxLength is small): `lint` and `render` end in a located
 * error, exit 1, instead of a process abort (exit 133).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../helpers/cli.js';
import { tmpTree } from '../../helpers/tmp.js';

const CLASS = 'templates/clusterclasses/simulated-k0s.yaml';
const EXAMPLE = 'examples/topology/cluster.yaml';
const RULE = `self${".replace('l', 'll')".repeat(30)} != ''`;

function hostileClass(): string {
  const text = readFileSync(CLASS, 'utf8');
  const anchor = '          description: Simulated region, e.g. local-1.\n          minLength: 1\n';
  expect(text).toContain(anchor);
  return text.replace(
    anchor,
    `${anchor}          maxLength: 16\n          example: local-1\n          x-kubernetes-validations:\n            - rule: ${JSON.stringify(RULE)}\n`,
  );
}

describe('ClusterClass variable rules under the runtime cost limit', () => {
  const dir = tmpTree({ 'class.yaml': hostileClass() });

  it('lint: the example fails the rule with the cost error, exit 1', async () => {
    const r = await run('lint', join(dir, 'class.yaml'));
    expect(r.stdout + r.stderr).toContain('operation cancelled: actual cost limit exceeded');
    expect(r.stdout + r.stderr).toMatch(
      /class\.yaml:\d+:\d+ \(\$\.spec\.variables\[\d+\]\.schema\.openAPIV3Schema\.example\)/,
    );
    expect(r.stdout + r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
  });

  it('render: the Cluster value fails the rule with the cost error, exit 1', async () => {
    const r = await run('render', '-f', join(dir, 'class.yaml'), '-f', EXAMPLE);
    expect(r.stdout + r.stderr).toContain('operation cancelled: actual cost limit exceeded');
    expect(r.stdout + r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
  });
});
