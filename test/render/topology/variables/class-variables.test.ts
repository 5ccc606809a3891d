import { describe, expect, test } from 'vitest';
import { errorBody, type FieldError } from '../../../../src/k8s/field.js';
import { validateClassVariables } from '../../../../src/render/topology/variables/index.js';

const cc = (...variables: unknown[]) => ({
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'ClusterClass',
  spec: { variables },
});
const v = (name: string, openAPIV3Schema: unknown, extra: object = {}) => ({
  name,
  required: false,
  ...extra,
  schema: { openAPIV3Schema },
});
const brief = (errs: FieldError[]) => errs.map((e) => ({ type: e.type, field: e.field, body: errorBody(e) }));

function expectOne(errs: FieldError[], type: string, field: string, contains: string) {
  expect(brief(errs)).toHaveLength(1);
  expect(errs[0].type).toBe(type);
  expect(errs[0].field).toBe(field);
  expect(errorBody(errs[0])).toContain(contains);
}

describe('ClusterClass variable admission (§4.1)', () => {
  test('duplicate name', () => {
    const s = { type: 'integer', minimum: 1 };
    expectOne(
      validateClassVariables(cc(v('cpu', s), v('cpu', s))),
      'FieldValueInvalid',
      'spec.variables[cpu].name',
      'variable name must be unique. Variable with name "cpu" is defined more than once',
    );
  });
  test('name builtin', () => {
    expectOne(
      validateClassVariables(cc(v('builtin', { type: 'string', minLength: 1 }))),
      'FieldValueInvalid',
      'spec.variables[builtin].name',
      '"builtin" is a reserved variable name',
    );
  });
  test('empty name', () => {
    expectOne(
      validateClassVariables(cc(v('', { type: 'string' }))),
      'FieldValueRequired',
      'spec.variables[].name',
      'variable name must be defined',
    );
  });
  test('dotted name', () => {
    expectOne(
      validateClassVariables(cc(v('path.tovariable', { type: 'string' }))),
      'FieldValueInvalid',
      'spec.variables[path.tovariable].name',
      '"path.tovariable": variable name cannot contain "."',
    );
  });
  test('bad label key in x-metadata (also nested under properties, items, additionalProperties)', () => {
    expectOne(
      validateClassVariables(
        cc(v('variable', { type: 'string', 'x-metadata': { labels: { '.label-key': 'v' } } })),
      ),
      'FieldValueInvalid',
      'spec.variables[variable].schema.openAPIV3Schema.x-metadata.labels',
      'Invalid value: ".label-key": name part must consist of alphanumeric characters',
    );
    expectOne(
      validateClassVariables(
        cc(
          v('variable', {
            type: 'array',
            items: { type: 'string', 'x-metadata': { annotations: { '.annotation-key': 'v' } } },
          }),
        ),
      ),
      'FieldValueInvalid',
      'spec.variables[variable].schema.openAPIV3Schema.items.x-metadata.annotations',
      'Invalid value: ".annotation-key": name part must consist of alphanumeric characters',
    );
  });
  test('bad label key in v1beta1 metadata and v1beta2 deprecatedV1Beta1Metadata', () => {
    expectOne(
      validateClassVariables(
        cc(v('variable', { type: 'string' }, { metadata: { labels: { '.label-key': 'x' } } })),
      ),
      'FieldValueInvalid',
      'spec.variables[variable].metadata.labels',
      '".label-key": name part must consist of alphanumeric characters',
    );
    expectOne(
      validateClassVariables(
        cc(v('variable', { type: 'string' }, { deprecatedV1Beta1Metadata: { annotations: { '.a': 'x' } } })),
      ),
      'FieldValueInvalid',
      'spec.variables[variable].deprecatedV1Beta1Metadata.annotations',
      'name part must consist of alphanumeric characters',
    );
  });
  test('bad default that cannot convert to JSON', () => {
    expectOne(
      validateClassVariables(cc(v('var', { type: 'number', default: Number.POSITIVE_INFINITY }))),
      'FieldValueInvalid',
      'spec.variables[var].schema.openAPIV3Schema.default',
      'failed to convert schema definition for variable "var"',
    );
  });
  test('type null / unknown', () => {
    for (const t of ['null', 'invalidVariableType'])
      expectOne(
        validateClassVariables(cc(v('var', { type: t }))),
        'FieldValueNotSupported',
        'spec.variables[var].schema.openAPIV3Schema.type',
        `Unsupported value: "${t}"`,
      );
  });
  test('missing type', () => {
    expectOne(
      validateClassVariables(cc(v('var', {}))),
      'FieldValueRequired',
      'spec.variables[var].schema.openAPIV3Schema.type',
      'Required value: must not be empty for specified object fields',
    );
    expectOne(
      validateClassVariables(cc(v('var', { type: 'array', items: {} }))),
      'FieldValueRequired',
      'spec.variables[var].schema.openAPIV3Schema.items.type',
      'Required value: must not be empty for specified array items',
    );
    expectOne(
      validateClassVariables(cc(v('var', { type: 'object', additionalProperties: {} }))),
      'FieldValueRequired',
      'spec.variables[var].schema.openAPIV3Schema.additionalProperties.type',
      'must not be empty for specified object fields',
    );
  });
  test('properties + additionalProperties', () => {
    const s = {
      type: 'object',
      additionalProperties: { type: 'object', properties: { enabled: { type: 'boolean', default: false } } },
      properties: { enabled: { type: 'boolean', default: false } },
    };
    expectOne(
      validateClassVariables(cc(v('httpProxy', s))),
      'FieldValueForbidden',
      'spec.variables[httpProxy].schema.openAPIV3Schema',
      'Forbidden: additionalProperties and properties are mutually exclusive',
    );
  });
  test('default longer than maxLength 6 (top level and under items)', () => {
    expectOne(
      validateClassVariables(
        cc(v('var', { type: 'string', maxLength: 6, default: 'veryLongValueIsInvalid' })),
      ),
      'FieldValueTooLong',
      'spec.variables[var].schema.openAPIV3Schema.default',
      'Too long: may not be more than 6 bytes',
    );
    expectOne(
      validateClassVariables(
        cc(
          v('var', {
            type: 'array',
            items: { type: 'string', maxLength: 6, default: 'veryLongValueIsInvalid' },
          }),
        ),
      ),
      'FieldValueTooLong',
      'spec.variables[var].schema.openAPIV3Schema.items.default',
      'Too long: may not be more than 6 bytes',
    );
  });
  test('nested default violates minimum', () => {
    const s = {
      type: 'object',
      default: { spec: { replicas: -100 } },
      properties: { spec: { type: 'object', properties: { replicas: { type: 'integer', minimum: 1 } } } },
    };
    expectOne(
      validateClassVariables(cc(v('var', s))),
      'FieldValueInvalid',
      'spec.variables[var].schema.openAPIV3Schema.default.spec.replicas',
      'should be greater than or equal to 1',
    );
    const s2 = {
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { replicas: { type: 'integer', minimum: 1, default: -100 } } },
      },
    };
    expectOne(
      validateClassVariables(cc(v('var', s2))),
      'FieldValueInvalid',
      'spec.variables[var].schema.openAPIV3Schema.properties[spec].properties[replicas].default',
      'should be greater than or equal to 1',
    );
  });
  test('default missing a required field (nested defaults are not applied to defaults)', () => {
    const s = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['replicas'],
          default: { value: 100 },
          properties: {
            replicas: { type: 'integer', default: 100 },
            value: { type: 'integer', default: 100 },
          },
        },
      },
    };
    expectOne(
      validateClassVariables(cc(v('var', s))),
      'FieldValueRequired',
      'spec.variables[var].schema.openAPIV3Schema.properties[spec].default.replicas',
      'Required value',
    );
  });
  test('example and enum are validated with OpenAPI and CEL', () => {
    expectOne(
      validateClassVariables(cc(v('var', { type: 'string', maxLength: 6, example: 'veryLongValue' }))),
      'FieldValueTooLong',
      'spec.variables[var].schema.openAPIV3Schema.example',
      'may not be more than 6 bytes',
    );
    expectOne(
      validateClassVariables(
        cc(v('cpu', { type: 'integer', example: 0, 'x-kubernetes-validations': [{ rule: 'self >= 1' }] })),
      ),
      'FieldValueInvalid',
      'spec.variables[cpu].schema.openAPIV3Schema.example',
      'Invalid value: 0: failed rule: self >= 1',
    );
    expectOne(
      validateClassVariables(
        cc(
          v('cpu', {
            type: 'object',
            properties: {
              nestedField: {
                type: 'integer',
                enum: [1, 0],
                'x-kubernetes-validations': [{ rule: 'self >= 1' }],
              },
            },
          }),
        ),
      ),
      'FieldValueInvalid',
      'spec.variables[cpu].schema.openAPIV3Schema.properties[nestedField].enum[1]',
      'Invalid value: 0: failed rule: self >= 1',
    );
  });
  test('CEL on defaults, with messageExpression and as a transition rule', () => {
    expectOne(
      validateClassVariables(
        cc(
          v('cpu', {
            type: 'integer',
            default: 0,
            'x-kubernetes-validations': [
              {
                rule: 'self >= 1',
                messageExpression: "'Expected integer greater or equal to 1, got %d'.format([self])",
              },
            ],
          }),
        ),
      ),
      'FieldValueInvalid',
      'spec.variables[cpu].schema.openAPIV3Schema.default',
      'Invalid value: 0: Expected integer greater or equal to 1, got 0',
    );
    expectOne(
      validateClassVariables(
        cc(
          v('cpu', { type: 'integer', default: 0, 'x-kubernetes-validations': [{ rule: 'self > oldSelf' }] }),
        ),
      ),
      'FieldValueInvalid',
      'spec.variables[cpu].schema.openAPIV3Schema.default',
      'Invalid value: 0: failed rule: self > oldSelf',
    );
    expect(
      validateClassVariables(
        cc(
          v('cpu', {
            type: 'integer',
            default: 0,
            'x-kubernetes-validations': [{ rule: 'self == oldSelf' }],
          }),
        ),
      ),
    ).toEqual([]);
  });
  test('CEL does not compile: undeclared function', () => {
    expectOne(
      validateClassVariables(
        cc(v('someIP', { type: 'string', 'x-kubernetes-validations': [{ rule: 'ip(self).family() == 6' }] })),
      ),
      'FieldValueInvalid',
      'spec.variables[someIP].schema.openAPIV3Schema.x-kubernetes-validations[0].rule',
      "compilation failed: ERROR: <input>:1:3: undeclared reference to 'ip' (in container '')",
    );
  });
  test('CEL syntax error: position matches cel-go, the parser wording differs (prefix asserted)', () => {
    const errs = validateClassVariables(
      cc(v('cpu', { type: 'integer', 'x-kubernetes-validations': [{ rule: 'this does not compile' }] })),
    );
    // cel-go: "Syntax error: mismatched input 'does' expecting <EOF>"; our CEL library reports another text.
    expectOne(
      errs,
      'FieldValueInvalid',
      'spec.variables[cpu].schema.openAPIV3Schema.x-kubernetes-validations[0].rule',
      'compilation failed: ERROR: <input>:1:6: ',
    );
  });
  test('messageExpression does not compile', () => {
    const errs = validateClassVariables(
      cc(
        v('cpu', {
          type: 'integer',
          'x-kubernetes-validations': [
            {
              rule: 'self >= 1',
              messageExpression: "'Expected integer greater or equal to 1, got ' + this does not compile",
            },
          ],
        }),
      ),
    );
    expectOne(
      errs,
      'FieldValueInvalid',
      'spec.variables[cpu].schema.openAPIV3Schema.x-kubernetes-validations[0].messageExpression',
      'messageExpression compilation failed: ERROR: <input>:1:',
    );
  });
  test('oldSelf under items (reported against the outermost array)', () => {
    expectOne(
      validateClassVariables(
        cc(
          v('cpu', {
            type: 'array',
            maxItems: 20,
            items: { type: 'string', 'x-kubernetes-validations': [{ rule: "oldSelf.contains('keyword')" }] },
          }),
        ),
      ),
      'FieldValueInvalid',
      'spec.variables[cpu].schema.openAPIV3Schema.items.x-kubernetes-validations[0].rule',
      `Invalid value: "oldSelf.contains('keyword')": oldSelf cannot be used on the uncorrelatable portion of the schema within spec.variables[cpu].schema.openAPIV3Schema.items`,
    );
    expectOne(
      validateClassVariables(
        cc(
          v('cpu', {
            type: 'array',
            maxItems: 10,
            items: {
              type: 'array',
              maxItems: 10,
              items: {
                type: 'string',
                maxLength: 1024,
                'x-kubernetes-validations': [{ rule: "oldSelf.contains('keyword')" }],
              },
            },
          }),
        ),
      ),
      'FieldValueInvalid',
      'spec.variables[cpu].schema.openAPIV3Schema.items.items.x-kubernetes-validations[0].rule',
      'within spec.variables[cpu].schema.openAPIV3Schema.items',
    );
  });
  test('estimated cost too high (approximated estimator)', () => {
    const s = {
      type: 'object',
      properties: {
        array: {
          type: 'array',
          items: {
            type: 'string',
            maxLength: 500000,
            'x-kubernetes-validations': [{ rule: "self.contains('keyword')" }],
          },
        },
        map: {
          type: 'object',
          maxProperties: 10000,
          additionalProperties: {
            type: 'string',
            maxLength: 2048,
            'x-kubernetes-validations': [{ rule: "self.contains('keyword')" }],
          },
        },
        field: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 50 && self < 100' }] },
      },
    };
    const errs = validateClassVariables(cc(v('cpu', s)));
    const p = 'spec.variables[cpu].schema.openAPIV3Schema';
    expect(brief(errs).map((e) => [e.type, e.field])).toEqual([
      ['FieldValueForbidden', `${p}.properties[array].items.x-kubernetes-validations[0].rule`],
      ['FieldValueForbidden', `${p}.properties[array].items.x-kubernetes-validations[0].rule`],
      ['FieldValueForbidden', `${p}.properties[map].additionalProperties.x-kubernetes-validations[0].rule`],
      ['FieldValueForbidden', p],
    ]);
    expect(errorBody(errs[0])).toContain('estimated rule cost exceeds budget by factor of more than 100x');
    expect(errorBody(errs[1])).toContain(
      'contributed to estimated rule & messageExpression cost total exceeding cost limit',
    );
    expect(errorBody(errs[3])).toContain(
      'x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x',
    );
    // bounded: maxItems keeps the same rule under the limit
    const bounded = {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'string',
        maxLength: 500,
        'x-kubernetes-validations': [{ rule: "self.contains('keyword')" }],
      },
    };
    expect(validateClassVariables(cc(v('cpu', bounded)))).toEqual([]);
  });
  test('empty rule', () => {
    expectOne(
      validateClassVariables(
        cc(
          v('var', {
            type: 'object',
            properties: { a: { type: 'number' } },
            'x-kubernetes-validations': [{ rule: ' ' }],
          }),
        ),
      ),
      'FieldValueRequired',
      'spec.variables[var].schema.openAPIV3Schema.x-kubernetes-validations[0].rule',
      'rule is not specified',
    );
  });
  test('message rules', () => {
    const s = {
      type: 'object',
      properties: { a: { type: 'number' } },
      'x-kubernetes-validations': [
        { rule: 'self.a > 0', message: 'valid message' },
        { rule: 'self.a > 0', message: ' ' },
        { rule: 'self.a > 0', message: 'a'.repeat(2049) },
        { rule: 'self.a > 0', message: 'message with \n line break' },
        { rule: 'self.a \n > 0', message: '' },
      ],
    };
    const p = 'spec.variables[var].schema.openAPIV3Schema.x-kubernetes-validations';
    expect(brief(validateClassVariables(cc(v('var', s))))).toEqual([
      {
        type: 'FieldValueInvalid',
        field: `${p}[1].message`,
        body: 'Invalid value: " ": message must be non-empty if specified',
      },
      {
        type: 'FieldValueInvalid',
        field: `${p}[2].message`,
        body: 'Invalid value: "aaaaaaaaaa...": message must have a maximum length of 2048 characters',
      },
      {
        type: 'FieldValueInvalid',
        field: `${p}[3].message`,
        body: 'Invalid value: "message with \\n line break": message must not contain line breaks',
      },
      {
        type: 'FieldValueRequired',
        field: `${p}[4].message`,
        body: 'Required value: message must be specified if rule contains line breaks',
      },
    ]);
    expectOne(
      validateClassVariables(
        cc(
          v('var', {
            type: 'object',
            properties: { a: { type: 'number' } },
            'x-kubernetes-validations': [{ rule: 'self.a > 0', messageExpression: ' ' }],
          }),
        ),
      ),
      'FieldValueRequired',
      `${p}[0].messageExpression`,
      'Required value: messageExpression must be non-empty if specified',
    );
  });
  test('reason and fieldPath', () => {
    expectOne(
      validateClassVariables(
        cc(
          v('var', {
            type: 'object',
            properties: { a: { type: 'number' } },
            'x-kubernetes-validations': [{ rule: 'self.a > 0', reason: 'InternalError', fieldPath: '.a' }],
          }),
        ),
      ),
      'FieldValueNotSupported',
      'spec.variables[var].schema.openAPIV3Schema.x-kubernetes-validations[0].reason',
      'Unsupported value: "InternalError": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"',
    );
    const s = {
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: { type: 'object', properties: { c: { type: 'number' } } } } },
        list: { type: 'array', items: { type: 'object', properties: { a: { type: 'number' } } } },
      },
      'x-kubernetes-validations': ['.list[0].b', '.a.c', ".a['b']", '.', '   '].map((fieldPath) => ({
        rule: 'self.a.b.c > 0.0',
        fieldPath,
      })),
    };
    const p = 'spec.variables[var].schema.openAPIV3Schema.x-kubernetes-validations';
    expect(brief(validateClassVariables(cc(v('var', s))))).toEqual([
      {
        type: 'FieldValueInvalid',
        field: `${p}[0].fieldPath`,
        body: 'Invalid value: ".list[0].b": fieldPath must be a valid path: expected single quoted string but got 0',
      },
      {
        type: 'FieldValueInvalid',
        field: `${p}[1].fieldPath`,
        body: 'Invalid value: ".a.c": fieldPath must be a valid path: does not refer to a valid field',
      },
      {
        type: 'FieldValueInvalid',
        field: `${p}[3].fieldPath`,
        body: 'Invalid value: ".": fieldPath must be a valid path: unexpected end of JSON path',
      },
      {
        type: 'FieldValueInvalid',
        field: `${p}[4].fieldPath`,
        body: 'Invalid value: "   ": fieldPath must be non-empty if specified',
      },
      {
        type: 'FieldValueInvalid',
        field: `${p}[4].fieldPath`,
        body: 'Invalid value: "   ": fieldPath must be a valid path: expected [ or . but got:    ',
      },
    ]);
  });
  test('value validations under allOf/anyOf/oneOf/not must not carry structure', () => {
    const sub = { 'x-kubernetes-validations': [{ rule: 'should be forbidden' }] };
    const errs = validateClassVariables(
      cc(v('variableA', { type: 'number', not: sub, anyOf: [sub], allOf: [sub], oneOf: [sub] })),
    );
    const p = 'spec.variables[variableA].schema.openAPIV3Schema';
    expect(brief(errs).map((e) => [e.type, e.field, e.body])).toEqual(
      ['allOf[0]', 'anyOf[0]', 'not', 'oneOf[0]'].map((x) => [
        'FieldValueForbidden',
        `${p}.${x}.x-kubernetes-validations`,
        'Forbidden: must be empty to be structural',
      ]),
    );
    const intOrString = {
      type: 'object',
      properties: {
        ok: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        bad: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
      },
    };
    expect(
      brief(validateClassVariables(cc(v('variableA', intOrString)))).map((e) => [e.type, e.field]),
    ).toEqual([
      ['FieldValueForbidden', `${p}.properties[bad].oneOf[0].type`],
      ['FieldValueForbidden', `${p}.properties[bad].oneOf[1].type`],
      ['FieldValueRequired', `${p}.properties[bad].type`],
    ]);
  });
  test('a valid ClusterClass has no errors (v1beta1 required bool, v1beta2 required *bool)', () => {
    const good = v(
      'httpProxy',
      {
        type: 'object',
        properties: { enabled: { type: 'boolean', default: false }, url: { type: 'string', format: 'uri' } },
        'x-kubernetes-validations': [
          { rule: '!self.enabled || has(self.url)', message: 'url is required when enabled' },
        ],
      },
      { required: true },
    );
    expect(
      validateClassVariables(cc(good, v('cpu', { type: 'integer', minimum: 1, maximum: 64, default: 2 }))),
    ).toEqual([]);
  });
});
