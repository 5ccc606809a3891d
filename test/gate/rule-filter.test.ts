// The gate leaves out rules that cannot apply to a resource (src/gate/rule-filter.ts). The
// engine must answer exactly the same with and without the filter: same rules evaluated, same
// errors (a type mismatch or an unbound $team is an ERROR, so those rules are never left out).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policiesFor } from '../../src/gate/rule-filter.js';
import { compilePolicy, evaluateResource, type PolicyResponse } from '../../src/policy/engine.js';
import { loadPolicyFiles } from '../../src/policy/policy-files.js';
import type { PlainObject } from '../../src/util/plain-object.js';
import { ROOT } from '../webhook/helpers.js';

const policy = (name: string, rules: PlainObject[], spec: PlainObject = {}): PlainObject => ({
  apiVersion: 'json.kyverno.io/v1alpha1',
  kind: 'ValidatingPolicy',
  metadata: { name },
  spec: { ...spec, rules },
});
const rule = (name: string, match: unknown, extra: PlainObject = {}): PlainObject => ({
  name,
  match,
  assert: { all: [{ check: { metadata: { name: 'x' } } }] },
  ...extra,
});

const RULES: PlainObject[] = [
  policy('kinds', [
    rule('kind', { all: [{ kind: 'AWSCluster' }] }),
    rule('kind-and-version', { all: [{ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster' }] }),
    rule('team', { all: [{ '($team)': 'team-a', kind: 'EffectiveValues', '(spec.chart != `null`)': true }] }),
    rule('team-only', { all: [{ '($team)': 'team-b' }] }),
    rule('two-trees', { all: [{ kind: 'Cluster' }, { '(spec.topology == `null`)': false }] }),
    rule('escaped', { all: [{ kind: '\\(x)\\' }] }),
  ]),
  policy('not-filtered', [
    rule('any', { any: [{ kind: 'Cluster' }], all: [{ kind: 'Cluster' }] }),
    rule('function', { all: [{ kind: 'Cluster', '(length(metadata.name) > `3`)': true }] }),
    rule('nested', { all: [{ kind: 'Cluster', spec: { region: 'eu' } }] }),
    rule('null-check-string', { all: [{ kind: 'Cluster', '(spec.chart != `null`)': 'yes' }] }),
    rule('exclude', { all: [{ kind: 'Cluster' }] }, { exclude: { all: [{ '(spec.x)': 1 }] } }),
    rule('bad', { all: [{ kind: 'Cluster', '(nosuch(@))': true }] }),
  ]),
  policy('cel', [rule('cel-team', { all: [{ '($team)': 'team-a', kind: 'Cluster' }] })], { compiler: 'cel' }),
];

const summary = (responses: PolicyResponse[]) =>
  JSON.stringify(
    responses.map((r) => ({
      policy: r.policy.name,
      rules: r.rules.map((x) => ({
        rule: x.ruleName,
        error: x.error,
        violations: x.violations,
        id: x.identifier,
      })),
    })),
  );

function compare(policies: ReturnType<typeof compilePolicy>[], resource: unknown, bindings: PlainObject) {
  const ctx = { payloadOrigin: 'int64' as const };
  const plain = summary(evaluateResource(resource, policies, bindings, ctx));
  const filtered = summary(
    evaluateResource(resource, policiesFor(policies, resource, bindings), bindings, ctx),
  );
  expect(filtered).toBe(plain);
}

describe('rules left out by the gate', () => {
  const compiled = RULES.map((p) => compilePolicy(p));
  const value = fc.oneof(
    fc.constantFrom('Cluster', 'AWSCluster', 'EffectiveValues', 'cluster.x-k8s.io/v1beta2', 'team-a', '(x)'),
    fc.constant(null),
    fc.integer(),
    fc.boolean(),
    fc.string({ maxLength: 3 }),
  );
  const resource = fc.record(
    {
      apiVersion: value,
      kind: value,
      metadata: fc.record({ name: fc.string({ maxLength: 6 }) }),
      spec: fc.record({ chart: value, topology: value, x: value }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );
  const bindings = fc.record({ team: value }, { requiredKeys: [] });

  it('the engine answers the same with and without the filter', () => {
    fc.assert(
      fc.property(resource, bindings, (r, b) => compare(compiled, r, b)),
      { numRuns: 2000 },
    );
  });

  it('leaves out what it can on the example policies, and only that', () => {
    const examples = loadPolicyFiles([`${ROOT}/policies`]).map((p) => compilePolicy(p.raw));
    const aws = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'AWSCluster',
      metadata: { name: 'a' },
    };
    const kept = policiesFor(examples, aws, { team: 'team-a' });
    const names = (ps: readonly { name: string; rules: { name: string }[] }[]) =>
      ps.flatMap((p) => p.rules.map((r) => `${p.name}/${r.name}`));
    expect(names(kept)).toContain('team-a-aws/regions-eu');
    expect(names(kept)).toContain('aws-bastion/bastion-with-allowed-cidrs');
    expect(names(kept)).not.toContain('team-a-aws/instance-types-t3');
    expect(names(kept)).not.toContain('team-b-regions/regions-us');
    expect(names(kept).length).toBeLessThan(names(examples).length / 2);
    for (const r of [aws, { kind: 'Cluster', spec: { topology: {} } }, { kind: 7 }])
      for (const team of ['team-a', 'team-b', undefined]) compare(examples, r, team ? { team } : {});
  });
});
