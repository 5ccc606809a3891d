/**
 * x-kubernetes-validations under Kubernetes' runtime cost (PerCallLimit per rule,
 * RuntimeCELCostBudget per value), enforced while the rule runs: rules whose static estimate
 * passes (small maxLength) but whose evaluation grows strings or loops end in Kubernetes'
 * errors, and later rules are not run. ClusterClass variables (examples checked by `lint`,
 * values by `render`) go through the same code.
 */
import { describe, expect, test } from 'vitest';
import { errorBody, errorText, type FieldError, pathOf } from '../../../src/k8s/field.js';
import { validateClassVariables } from '../../../src/render/topology/variables/index.js';
import { compileSchema } from '../../../src/validate/openapi/index.js';

const p = pathOf('spec');
const celErrors = (schema: object, value: unknown) =>
  compileSchema(schema).validateCel(value, undefined, p).map(errorText);

const chainedReplace = (n: number): string => `self${".replace('a', 'aa')".repeat(n)}`;
const nestedAll = (n: number): string => {
  let e = 'true';
  for (let i = n - 1; i >= 0; i--) e = `self.all(x${i}, ${e})`;
  return e;
};

describe('runtime cost of validation rules', () => {
  test('.replace chained 30 times: the per-call limit, no further rules', () => {
    const t0 = performance.now();
    const errs = celErrors(
      {
        type: 'string',
        maxLength: 4,
        'x-kubernetes-validations': [{ rule: `${chainedReplace(30)} != ''` }, { rule: 'self == "never"' }],
      },
      'ab',
    );
    expect(errs).toEqual([
      `spec: Invalid value: "ab": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${chainedReplace(30)} != ''`,
    ]);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  test('nine nested .all over ten items: stopped', () => {
    const errs = celErrors(
      {
        type: 'array',
        maxItems: 10,
        items: { type: 'integer' },
        'x-kubernetes-validations': [{ rule: nestedAll(9), message: 'loops' }],
      },
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    expect(errs).toHaveLength(1);
    expect(errs[0]).toContain('call cost exceeds limit for rule: loops');
  });

  test('the per-value budget: rules that each stay under the per-call limit run out together', () => {
    // each rule costs a few hundred thousand units; the value's budget is 10,000,000
    const rule = { rule: nestedAll(5) };
    const errs = celErrors(
      {
        type: 'array',
        items: { type: 'integer' },
        'x-kubernetes-validations': Array.from({ length: 200 }, () => rule),
      },
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    expect(errs).toEqual([
      'spec: Invalid value: []interface {}{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}: validation failed due to running out of cost budget, no further validation rules will be run',
    ]);
  });

  test('cheap rules are unaffected', () => {
    expect(
      celErrors(
        { type: 'string', 'x-kubernetes-validations': [{ rule: "self.replace('a', 'b') == 'bb'" }] },
        'aa',
      ),
    ).toEqual([]);
  });
});

describe('ClusterClass variables', () => {
  const cc = (schema: object) => ({
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'ClusterClass',
    spec: { variables: [{ name: 'name', required: false, schema: { openAPIV3Schema: schema } }] },
  });

  test('an example checked against a growing rule: a located error, not an abort', () => {
    const errs: FieldError[] = validateClassVariables(
      cc({
        type: 'string',
        maxLength: 4,
        example: 'ab',
        'x-kubernetes-validations': [{ rule: `${chainedReplace(30)} != ''` }],
      }),
    );
    expect(errs.map(errorBody).join('\n')).toContain('operation cancelled: actual cost limit exceeded');
    expect(errs[0].field).toBe('spec.variables[name].schema.openAPIV3Schema.example');
  });
});
