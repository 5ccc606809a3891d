import { describe, expect, test } from 'vitest';
import { errorText, pathOf } from '../../../src/k8s/field.js';
import {
  compileSchema,
  schemaHash,
  validateDefaults,
  validateStructural,
  validFormat,
} from '../../../src/validate/openapi/index.js';

const p = pathOf('spec');
const errs = (schema: object, value: unknown, old?: unknown) => {
  const c = compileSchema(schema);
  return [...c.validate(value, p), ...c.validateCel(value, old, p)].map(errorText);
};

describe('OpenAPI value validation (CRD wording)', () => {
  test('type, bounds, lengths, enum, items', () => {
    expect(
      errs({ type: 'object', properties: { replicas: { type: 'integer', minimum: 1 } } }, { replicas: 0 }),
    ).toEqual(['spec.replicas: Invalid value: 0: replicas in body should be greater than or equal to 1']);
    expect(errs({ type: 'object', properties: { n: { type: 'integer' } } }, { n: 'x' })).toEqual([
      'spec.n: Invalid value: "string": n in body must be of type integer: "string"',
    ]);
    expect(errs({ type: 'string', maxLength: 2 }, 'abc')).toEqual([
      'spec: Too long: may not be more than 2 bytes',
    ]);
    expect(errs({ type: 'string', minLength: 2 }, 'é')).toEqual([
      'spec: Invalid value: "é":  in body should be at least 2 chars long',
    ]);
    expect(errs({ type: 'number', maximum: 1.5, exclusiveMaximum: true }, 1.5)).toEqual([
      'spec: Invalid value: 1.5:  in body should be less than 1.5',
    ]);
    expect(errs({ type: 'array', maxItems: 1, items: { type: 'string', enum: ['a'] } }, ['a', 'b'])).toEqual([
      'spec: Too many: 2: must have at most 1 items', // Kubernetes appends the item name as a child: `spec.[1]` (as Cluster API's `value.[1]`)
      'spec.[1]: Unsupported value: "b": supported values: "a"',
    ]);
    expect(errs({ type: 'object', required: ['a'], properties: { a: { type: 'string' } } }, {})).toEqual([
      'spec.a: Required value',
    ]);
    expect(errs({ type: 'string', nullable: true }, null)).toEqual([]);
    expect(errs({ 'x-kubernetes-int-or-string': true }, true)).toEqual([
      'spec: Invalid value: "boolean":  in body must be of type integer,string: "boolean"',
    ]);
  });
  test('patterns run on RE2 (Go syntax)', () => {
    expect(errs({ type: 'string', pattern: '^\\p{Greek}+$' }, 'αβ')).toEqual([]);
    expect(errs({ type: 'string', pattern: '(a+)+$' }, `${'a'.repeat(40)}!`)).toEqual([
      `spec: Invalid value: "${'a'.repeat(40)}!":  in body should match '(a+)+$'`,
    ]);
  });
  test('formats', () => {
    for (const [f, good, bad] of [
      ['ipv4', '10.0.0.1', '10.0.0'],
      ['ipv6', '::1', '1.2.3.4'],
      ['cidr', '10.0.0.0/8', '10.0.0.0/33'],
      ['uuid', '123e4567-e89b-12d3-a456-426614174000', 'x'],
      ['date', '2024-02-29', '2023-02-29'],
      ['date-time', '2024-01-01T00:00:00Z', '2024-01-01'],
      ['byte', 'aGVsbG8=', 'a'],
      ['hostname', 'example.com', '-bad-.com'],
      ['mac', '00:1a:2b:3c:4d:5e', '00:1a'],
      ['email', 'a@b.c', 'nope'],
    ]) {
      expect([f, validFormat(f, good), validFormat(f, bad)]).toEqual([f, true, false]);
    }
    expect(validFormat('unknown-format', 'anything')).toBe(true);
  });
  test('CEL rules: reason, fieldPath, maps, lists, escaping', () => {
    expect(
      errs(
        {
          type: 'object',
          properties: { a: { type: 'integer' } },
          'x-kubernetes-validations': [
            {
              rule: 'self.a > 0',
              reason: 'FieldValueForbidden',
              fieldPath: '.a',
              message: 'a must be positive',
            },
          ],
        },
        { a: 0 },
      ),
    ).toEqual(['spec.a: Forbidden: a must be positive']);
    expect(
      errs(
        {
          type: 'object',
          additionalProperties: { type: 'integer' },
          'x-kubernetes-validations': [{ rule: 'self.all(k, self[k] < 3)' }],
        },
        { x: 1, y: 5 },
      ),
    ).toEqual([
      'spec: Invalid value: map[string]interface {}{"x":1, "y":5}: failed rule: self.all(k, self[k] < 3)',
    ]);
    expect(
      errs(
        {
          type: 'array',
          items: {
            type: 'object',
            properties: { 'my-name': { type: 'string' } },
            'x-kubernetes-validations': [{ rule: 'self.my__dash__name != ""' }],
          },
        },
        [{ 'my-name': '' }],
      ),
    ).toEqual([
      'spec[0]: Invalid value: map[string]interface {}{"my-name":""}: failed rule: self.my__dash__name != ""',
    ]);
    expect(errs({ type: 'number', 'x-kubernetes-validations': [{ rule: 'self > 1.0' }] }, 2)).toEqual([]);
  });
  test('defaulting and unknown fields', () => {
    const c = compileSchema({
      type: 'object',
      properties: {
        a: { type: 'object', default: {}, properties: { b: { type: 'integer', default: 3 } } },
        l: { type: 'array', items: { type: 'object', properties: { x: { type: 'string', default: 'd' } } } },
      },
    });
    expect(JSON.stringify(c.defaulted({ l: [{}, { x: 'y' }] }))).toBe(
      '{"l":[{"x":"d"},{"x":"y"}],"a":{"b":3}}',
    );
    expect(c.unknownFields({ a: { b: 1, c: 2 }, l: [{ z: 1 }], top: 1 })).toEqual(['a.c', 'l[0].z', 'top']);
  });
  test('structural rules are sorted by text; defaults are validated', () => {
    expect(
      validateStructural({ type: 'object', properties: { b: {}, a: { type: 'strin' } } }, p, 'root').map(
        errorText,
      ),
    ).toEqual([
      'spec.properties[a].type: Unsupported value: "strin": supported values: "array", "boolean", "integer", "number", "object", "string"',
      'spec.properties[b].type: Required value: must not be empty for specified object fields',
    ]);
    expect(
      validateDefaults(
        { type: 'object', properties: { a: { type: 'object', default: { zzz: 1 }, properties: {} } } },
        p,
      ).map(errorText),
    ).toEqual([
      'spec.properties[a].default: Invalid value: map[string]interface {}{"zzz":1}: must not have unknown fields',
    ]);
  });
  test('limits and cache', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 300; i++) deep = [deep];
    expect(compileSchema({ type: 'array' }).validate(deep, p).map(errorText)).toEqual([
      'spec: Invalid value: "": value is nested deeper than 256 levels',
    ]);
    expect(schemaHash({ type: 'string', maxLength: 1 })).toBe(schemaHash({ maxLength: 1, type: 'string' }));
    expect(compileSchema({ type: 'string', maxLength: 1 })).toBe(
      compileSchema({ maxLength: 1, type: 'string' }),
    );
  });
});
