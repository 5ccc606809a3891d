// kyverno-json ValidatingPolicies with generated assertion trees and JMESPath, loaded and
// evaluated by `scan` against a generated payload, and by `check` against a fixed submission
// (with the gate's bindings: $team, $teamLabels, EffectiveValues).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { key, mutated, objectTree, scalar, sometimes, tree, yamlOf } from '../gen/common.js';
import { jmespath } from '../gen/expressions.js';
import { cliFinding } from './cli-result.js';

const assertionTree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    { weight: 3, arbitrary: scalar },
    { weight: 1, arbitrary: jmespath.map((e) => `(${e})`) },
    { weight: 1, arbitrary: fc.array(tie('node'), { maxLength: 2 }) },
    { weight: 3, arbitrary: tie('map') },
  ),
  map: fc.dictionary(
    fc.oneof(
      { weight: 2, arbitrary: key },
      {
        weight: 2,
        arbitrary: fc.constantFrom('kind', 'spec', 'metadata', 'values', 'workersNumber', 'name'),
      },
      { weight: 2, arbitrary: jmespath.map((e) => `(${e})`) },
      { weight: 1, arbitrary: jmespath.map((e) => `~.(${e})`) },
      { weight: 1, arbitrary: jmespath.map((e) => `~index.(${e})`) },
    ),
    tie('node'),
    { maxKeys: 3 },
  ),
})).map;

const message = fc.oneof(
  fc.string({ maxLength: 10 }),
  jmespath.map((e) => `value {{ ${e} }} is wrong`),
);

const rule = fc.record(
  {
    name: fc.constantFrom('r1', 'r2', 'r1', 'rule-with-a-long-name'),
    match: fc.record({ any: fc.array(assertionTree, { minLength: 1, maxLength: 2 }) }),
    exclude: fc.record({ all: fc.array(assertionTree, { minLength: 1, maxLength: 1 }) }),
    context: fc.array(fc.record({ name: fc.constantFrom('x', 'team', 'y'), variable: tree(2) }), {
      maxLength: 2,
    }),
    assert: fc.oneof(
      fc.record({
        all: fc.array(fc.record({ message, check: assertionTree }, { requiredKeys: ['check'] }), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
      fc.record({
        any: fc.array(fc.record({ message, check: assertionTree }, { requiredKeys: ['check'] }), {
          minLength: 1,
          maxLength: 2,
        }),
      }),
    ),
  },
  { requiredKeys: ['name', 'assert'] },
);

const policy = fc.record({
  apiVersion: fc.oneof(
    { weight: 15, arbitrary: fc.constant('json.kyverno.io/v1alpha1') },
    { weight: 1, arbitrary: fc.constant('json.kyverno.io/v1beta1') },
  ),
  kind: fc.oneof(
    { weight: 15, arbitrary: fc.constant('ValidatingPolicy') },
    { weight: 1, arbitrary: fc.constant('Policy') },
  ),
  metadata: fc.record(
    {
      name: fc.constantFrom('fuzz', 'fuzz-policy', ''),
      labels: fc.dictionary(fc.constantFrom('clustermint.io/team', 'a'), fc.constantFrom('team-a', 'x')),
    },
    { requiredKeys: ['name'] },
  ),
  spec: fc.record({ rules: fc.array(rule, { minLength: 1, maxLength: 3 }) }),
});

const policyText = fc.oneof(
  { weight: 5, arbitrary: policy.map((p) => yamlOf(p)) },
  { weight: 1, arbitrary: mutated(policy.map((p) => yamlOf(p))) },
);

export const policyTarget = {
  name: 'policy',
  weight: 25,
  arbitrary: fc.record({
    cmd: fc.constantFrom('scan', 'scan', 'scan', 'check'),
    policy: policyText,
    payload: fc.oneof(objectTree(4), fc.array(tree(3), { maxLength: 3 })),
    preProcess: sometimes(jmespath, 20),
  }),
  run(input, env) {
    const { lib, dir } = env;
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, input.policy);
    if (input.cmd === 'check') {
      const args = [
        'check',
        '-f',
        join(lib.root, 'examples/simulated-cluster.yaml'),
        '--policies',
        policyFile,
        '--namespaces',
        join(lib.root, 'examples/platform/namespaces.yaml'),
        '--state',
        join(dir, 'absent.db'),
      ];
      return cliFinding(lib, args, env);
    }
    const payloadFile = join(dir, 'payload.json');
    writeFileSync(payloadFile, JSON.stringify(input.payload));
    const args = ['scan', '--payload', payloadFile, '--policy', policyFile];
    if (input.preProcess !== null) args.push('--pre-process', input.preProcess);
    return cliFinding(lib, args, env);
  },
};
