import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const POLICY = `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: p
  labels: {team: a}
spec:
  rules:
  - name: r
    identifier: name
    assert:
      all:
      - check:
          size: 1
`;

describe('clustermint scan: inputs and errors', () => {
  const dir = tmpTree({
    'policies/policy.yaml': POLICY,
    'policies/nested/other.yml': POLICY.replace('name: p', 'name: q').replace('team: a', 'team: b'),
    'policies/ignored.json': '{"apiVersion": "json.kyverno.io/v1alpha1"}',
    'payload.json': '[{"name": "a", "size": 1}, {"name": "b", "size": 2}]',
    'multi.yaml': 'name: a\nsize: 1\n---\nname: b\nsize: 1\n',
    'seq.yaml': '- a\n- b\n',
    'payload.txt': 'x',
    'null.json': 'null',
    'truncated.json': '[{"name": "a",\n  "size": [1, 2\n',
    'token.json': '[{"name": "a",\n  "size": tru}]',
    'broken.yaml': 'name: a\nsize: [1, 2\n',
    'bindings.json': '[1, 2]',
  });
  const p = (f: string) => join(dir, f);
  const policies = join(dir, 'policies');

  it('walks a policy folder (yaml/yml only), one line per resource x rule, exit 0 on FAILED', async () => {
    const r = await run('scan', '--payload', p('payload.json'), '--policy', policies);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Running ( evaluating 2 resources against 2 policies ) ...');
    expect(r.stdout).toContain('- PASSED (POLICY=q, RULE=r, ID=a)');
    expect(r.stdout).toContain('- FAILED (POLICY=p, RULE=r, ID=b)');
    expect(r.stdout).toContain('  -> Invalid value: 2: Expected value: 1 (PATH=size)');
  });

  it('--labels selects policies; a multi-document YAML payload is a list', async () => {
    const r = await run('scan', '--payload', p('multi.yaml'), '--policy', policies, '--labels', 'team=a');
    expect(r.stdout).toContain('against 1 policy )');
    expect(r.stdout.match(/- PASSED/g)).toHaveLength(2);
  });

  it('--output json prints only the report', async () => {
    const r = await run(
      'scan',
      '--payload',
      p('payload.json'),
      '--policy',
      p('policies/policy.yaml'),
      '--output',
      'json',
    );
    const report = JSON.parse(r.stdout);
    expect(report).toHaveLength(2);
    expect(report[1].results[0].rules[0].violations[0].errors[0]).toEqual({
      type: 'FieldValueInvalid',
      field: 'size',
      value: 2,
      detail: 'Expected value: 1',
    });
    expect(report[0].results[0].policy.metadata).toEqual({
      name: 'p',
      creationTimestamp: null,
      labels: { team: 'a' },
    });
  });

  it.each([
    ['payload.txt', 2, /unrecognized payload format, must be yaml or json/],
    ['seq.yaml', 1, /a payload document must be a mapping/],
    ['null.json', 1, /payload is `null`/],
    ['truncated.json', 1, /truncated\.json:3:1: invalid JSON: Expected ',' or ']' after array element\n/],
    ['token.json', 1, /token\.json:2:14: invalid JSON: Unexpected token '}'\n/],
    ['broken.yaml', 1, /broken\.yaml:3:1: invalid YAML: /],
  ])('refuses payload %s clearly (exit %d)', async (file, code, message) => {
    const r = await run('scan', '--payload', p(file), '--policy', p('policies/policy.yaml'));
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses bindings that are not a map, a bad selector, and a missing policy path', async () => {
    expect(
      (
        await run(
          'scan',
          '--payload',
          p('payload.json'),
          '--policy',
          policies,
          '--bindings',
          p('bindings.json'),
        )
      ).stderr,
    ).toMatch(/bindings are not a map\[string\]any object/);
    expect(
      (await run('scan', '--payload', p('payload.json'), '--policy', policies, '--labels', 'a in b')).code,
    ).toBe(2);
    const missing = await run('scan', '--payload', p('payload.json'), '--policy', p('nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope/);
  });

  it('a pre-process that yields null is refused with the expression', async () => {
    const r = await run(
      'scan',
      '--payload',
      p('payload.json'),
      '--policy',
      policies,
      '--pre-process',
      'nothing.here',
    );
    expect(r.stderr).toMatch(/prepocessor resulted in `null` payload \(nothing\.here\)/);
    expect(r.code).toBe(1);
  });

  it('a pre-process that does not compile is a usage error; one that fails on the payload a refusal', async () => {
    // found by npm run fuzz: these were 'internal error' (exit 70)
    for (const [expr, code, message] of [
      ['abs()', 2, /--pre-process "abs\(\)": invalid arity/],
      ['@.@', 2, /--pre-process "@\.@": .*unexpected token/],
      ['$team', 1, /--pre-process "\$team" failed on the payload: variable not defined: \$team/],
      ['abs(@)', 1, /--pre-process "abs\(@\)" failed on the payload: invalid type/],
    ] as const) {
      const r = await run(
        'scan',
        '--payload',
        p('payload.json'),
        '--policy',
        policies,
        '--pre-process',
        expr,
      );
      expect(r.stderr, expr).toMatch(message);
      expect(r.stderr, expr).not.toMatch(/internal error/);
      expect(r.code, expr).toBe(code);
    }
  });
});

describe('compile errors print Go values as kyverno-json does', () => {
  it('empty match and empty assert', async () => {
    const dir = tmpTree({
      'p.json': '{"spec":{"i":5}}',
      'pol.yaml':
        'apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: t}\nspec:\n  rules:\n    - name: r\n      match: {}\n      assert:\n        all:\n          - check: {a: 1}\n    - name: r2\n      assert: {}\n',
    });
    const r = await run('scan', '--payload', join(dir, 'p.json'), '--policy', join(dir, 'pol.yaml'));
    // as printed by kyverno-json main@bd9932a0 for the same input
    expect(r.stdout).toContain(
      '- ERROR: spec.rules[0].match: Invalid value: v1alpha1.Match{Compiler:(*v1alpha1.Compiler)(nil), Any:[]v1alpha1.AssertionTree(nil), All:[]v1alpha1.AssertionTree(nil)}: an empty match is not valid (POLICY=t, RULE=r)\n' +
        '- ERROR: spec.rules[1].assert: Invalid value: v1alpha1.Assert{Compiler:(*v1alpha1.Compiler)(nil), Any:[]v1alpha1.Assertion(nil), All:[]v1alpha1.Assertion(nil)}: an empty assert is not valid (POLICY=t, RULE=r2)\n',
    );
  });
});
