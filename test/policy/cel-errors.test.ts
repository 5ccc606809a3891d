import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

// CEL error texts as kyverno-json (cel-go) prints them; each expected line was produced by the
// real kyverno-json (main@bd9932a0) on the same policy and payload.
const cases: Array<[string, string]> = [
  [
    '(cel;nope.x)',
    `- ERROR: spec.rules[0].assert.all[0].check.(cel;nope.x): Invalid value: "nope.x": ERROR: <input>:1:1: undeclared reference to 'nope' (in container '')\n | nope.x\n | ^ (POLICY=t, RULE=r)`,
  ],
  [
    '(cel;nosuch(object))',
    `- ERROR: spec.rules[0].assert.all[0].check.(cel;nosuch(object)): Invalid value: "nosuch(object)": ERROR: <input>:1:7: undeclared reference to 'nosuch' (in container '')\n | nosuch(object)\n | ......^ (POLICY=t, RULE=r)`,
  ],
  [
    '(cel;size(1, 2))',
    `- ERROR: spec.rules[0].assert.all[0].check.(cel;size(1, 2)): Invalid value: "size(1, 2)": ERROR: <input>:1:5: found no matching overload for 'size' applied to '(int, int)'\n | size(1, 2)\n | ....^ (POLICY=t, RULE=r)`,
  ],
  [
    "(cel;object.spec.i + 'a')",
    `- ERROR: (cel;object.spec.i + 'a'): Internal error: no such overload (POLICY=t, RULE=r)`,
  ],
];

describe('CEL errors as kyverno-json prints them', () => {
  it.each(cases)('%s', async (key, expected) => {
    const dir = tmpTree({
      'p.json': '{"spec":{"i":5}}',
      'pol.yaml': `apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: t}\nspec:\n  rules:\n    - name: r\n      assert:\n        all:\n          - check:\n              "${key}": 5\n`,
    });
    const r = await run('scan', '--payload', join(dir, 'p.json'), '--policy', join(dir, 'pol.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${expected}\nDone\n`);
  });
});
