import { describe, expect, test } from 'vitest';
import { errorBody, type FieldError } from '../../../../src/k8s/field.js';
import {
  type ClusterVariable,
  classVariableDefinitions,
  defaultAndValidateTopologyVariables,
  defaultClusterVariables,
  type VariableDefinition,
  validateClusterVariables,
} from '../../../../src/render/topology/variables/index.js';

const def = (name: string, schema: object, required = false): VariableDefinition => ({
  name,
  required,
  from: 'inline',
  schema,
});
const opts = { validateRequired: true, fieldPath: 'spec.topology.variables' };
const validate = (values: ClusterVariable[], defs: VariableDefinition[], old?: ClusterVariable[]) =>
  validateClusterVariables(values, old, defs, opts);
const brief = (errs: FieldError[]) => errs.map((e) => ({ type: e.type, field: e.field, body: errorBody(e) }));

function expectOne(errs: FieldError[], type: string, field: string, body: string, exact = true) {
  expect(brief(errs)).toHaveLength(1);
  expect(errs[0].type).toBe(type);
  expect(errs[0].field).toBe(field);
  if (exact) expect(errorBody(errs[0])).toBe(body);
  else expect(errorBody(errs[0])).toContain(body);
}

describe('Cluster variable validation (§4.3)', () => {
  test('required missing', () => {
    expectOne(
      validate([], [def('cpu', { type: 'integer' }, true)]),
      'FieldValueRequired',
      'spec.topology.variables',
      'Required value: required variable "cpu" must be set',
    );
  });
  test('no definition', () => {
    expectOne(
      validate([{ name: 'location', value: 'us-east-1' }], [def('cpu', { type: 'integer' })]),
      'FieldValueInvalid',
      'spec.topology.variables[location]',
      'Invalid value: "\\"us-east-1\\"": variable is not defined',
    );
  });
  test('set twice', () => {
    expectOne(
      validate(
        [
          { name: 'cpu', value: 1 },
          { name: 'cpu', value: 2 },
        ],
        [def('cpu', { type: 'integer' })],
      ),
      'FieldValueInvalid',
      'spec.topology.variables[cpu]',
      'Invalid value: "2": variable "cpu" is set more than once',
    );
  });
  test('wrong type', () => {
    expectOne(
      validate([{ name: 'cpu', value: 1 }], [def('cpu', { type: 'string' })]),
      'FieldValueTypeInvalid',
      'spec.topology.variables[cpu].value',
      'Invalid value: "1": must be of type string: "integer"',
    );
  });
  test('conflicting definitions', () => {
    const defs = [def('cpu', { type: 'integer' }), { ...def('cpu', { type: 'string' }), from: 'patch1' }];
    expectOne(
      validate([{ name: 'cpu', value: 1 }], defs),
      'FieldValueTypeInvalid',
      'spec.topology.variables',
      'Invalid value: "[Name: cpu]": variable definitions in the ClusterClass not valid: variable "cpu" has conflicting definitions',
    );
    const flagged = classVariableDefinitions({
      status: {
        variables: [
          {
            name: 'cpu',
            definitionsConflict: true,
            definitions: [
              { from: 'inline', required: false, schema: { openAPIV3Schema: { type: 'integer' } } },
            ],
          },
        ],
      },
    });
    expect(brief(validate([], flagged))[0].body).toContain('variable "cpu" has conflicting definitions');
  });
  const cpu = (
    schema: object,
    value: unknown,
    body: string,
    type = 'FieldValueInvalid',
    field = 'spec.topology.variables[cpu].value',
  ) => expectOne(validate([{ name: 'cpu', value }], [def('cpu', schema)]), type, field, body);
  test('maximum, minimum, integer expected', () => {
    cpu({ type: 'integer', maximum: 10 }, 99, 'Invalid value: "99": should be less than or equal to 10');
    cpu({ type: 'integer', minimum: 1 }, 0, 'Invalid value: "0": should be greater than or equal to 1');
    cpu(
      { type: 'integer' },
      '1',
      'Invalid value: "\\"1\\"": must be of type integer: "string"',
      'FieldValueTypeInvalid',
    );
  });
  const loc = (schema: object, value: unknown, body: string, type = 'FieldValueInvalid') =>
    expectOne(
      validate([{ name: 'location', value }], [def('location', schema)]),
      type,
      'spec.topology.variables[location].value',
      body,
    );
  test('pattern, format uri, enum', () => {
    loc(
      { type: 'string', pattern: '^[0-9]+$' },
      '000000a',
      `Invalid value: "\\"000000a\\"": should match '^[0-9]+$'`,
    );
    loc(
      { type: 'string', format: 'uri' },
      'not a URI',
      'Invalid value: "\\"not a URI\\"": must be of type uri: "not a URI"',
      'FieldValueTypeInvalid',
    );
    loc(
      { type: 'string', enum: ['us-east-1', 'us-east-2'] },
      'us-east-invalid',
      'Unsupported value: "\\"us-east-invalid\\"": supported values: "us-east-1", "us-east-2"',
      'FieldValueNotSupported',
    );
  });
  test('nested wrong type', () => {
    expectOne(
      validate(
        [{ name: 'httpProxy', value: { enabled: 'not-a-bool' } }],
        [def('httpProxy', { type: 'object', properties: { enabled: { type: 'boolean' } } })],
      ),
      'FieldValueTypeInvalid',
      'spec.topology.variables[httpProxy].value.enabled',
      'Invalid value: "{\\"enabled\\":\\"not-a-bool\\"}": enabled in body must be of type boolean: "string"',
    );
  });
  test('maxProperties 2', () => {
    expectOne(
      validate(
        [{ name: 'testObject', value: { a: 1, b: 2, c: 3 } }],
        [def('testObject', { type: 'object', maxProperties: 2, additionalProperties: { type: 'integer' } })],
      ),
      'FieldValueTooMany',
      'spec.topology.variables[testObject].value',
      'Too many: "{\\"a\\":1,\\"b\\":2,\\"c\\":3}": must have at most 2 items',
    );
  });
  test('map entry missing required', () => {
    const schema = {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['url'],
        properties: { url: { type: 'string' }, enabled: { type: 'boolean' } },
      },
    };
    expectOne(
      validate([{ name: 'httpProxy', value: { proxy: { enabled: false } } }], [def('httpProxy', schema)]),
      'FieldValueRequired',
      'spec.topology.variables[httpProxy].value.proxy.url',
      'Required value',
    );
  });
  const arr = (schema: object, value: unknown, type: string, field: string, body: string) =>
    expectOne(
      validate([{ name: 'testArray', value }], [def('testArray', { type: 'array', ...schema })]),
      type,
      field,
      body,
      false,
    );
  test('array item enum, maxItems, minItems, uniqueItems', () => {
    arr(
      { items: { type: 'string', enum: ['enumValue1', 'enumValue2'] } },
      ['enumValue1', 'enumValueInvalid'],
      'FieldValueNotSupported',
      'spec.topology.variables[testArray].value.[1]',
      'Unsupported value: "[\\"enumValue1\\",\\"enumValueInvalid\\"]": supported values: "enumValue1", "enumValue2"',
    );
    arr(
      { items: { type: 'string' }, maxItems: 3 },
      ['a', 'b', 'c', 'd'],
      'FieldValueTooMany',
      'spec.topology.variables[testArray].value',
      'must have at most 3 items',
    );
    arr(
      { items: { type: 'string' }, minItems: 3 },
      ['a', 'b'],
      'FieldValueInvalid',
      'spec.topology.variables[testArray].value',
      'should have at least 3 items',
    );
    arr(
      { items: { type: 'string' }, uniqueItems: true },
      ['a', 'a'],
      'FieldValueInvalid',
      'spec.topology.variables[testArray].value',
      "shouldn't contain duplicates",
    );
  });
  test('unknown nested field, also when preserve-unknown-fields is set only one level above', () => {
    const schema = {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { test: { type: 'object', properties: { knownProperty: { type: 'boolean' } } } },
    };
    expectOne(
      validate(
        [{ name: 'testObject', value: { test: { knownProperty: false, unknownProperty: true } } }],
        [def('testObject', schema)],
      ),
      'FieldValueInvalid',
      'spec.topology.variables[testObject]',
      'failed validation: "test.unknownProperty" field(s) are not specified in the variable schema of variable "testObject"',
      false,
    );
  });
  test('nested CEL and CEL on an undefined field', () => {
    const nested = {
      type: 'object',
      properties: {
        objectField: {
          type: 'object',
          properties: { field: { type: 'integer' } },
          'x-kubernetes-validations': [{ rule: 'self.field <= 1' }],
        },
      },
    };
    expectOne(
      validate([{ name: 'cpu', value: { objectField: { field: 2 } } }], [def('cpu', nested)]),
      'FieldValueInvalid',
      'spec.topology.variables[cpu].value.objectField',
      'Invalid value: "{\\"objectField\\":{\\"field\\":2}}": failed rule: self.field <= 1',
    );
    const undef = {
      type: 'object',
      properties: { field: { type: 'integer' } },
      'x-kubernetes-validations': [{ rule: 'self.field3 <= 1' }],
    };
    expectOne(
      validate([{ name: 'cpu', value: { field: 2 } }], [def('cpu', undef)]),
      'FieldValueInvalid',
      'spec.topology.variables[cpu].value',
      "rule compile error: compilation failed: ERROR: <input>:1:5: undefined field 'field3'",
      false,
    );
  });
  test('oneOf with 2 matches, not', () => {
    expectOne(
      validate(
        [{ name: 'cpu', value: 5 }],
        [def('cpu', { type: 'integer', oneOf: [{ minimum: 1 }, { maximum: 10 }] })],
      ),
      'FieldValueInvalid',
      'spec.topology.variables[cpu].value',
      'Invalid value: "5": "" must validate one and only one schema (oneOf). Found 2 valid alternatives',
    );
    expectOne(
      validate([{ name: 'cpu', value: 5 }], [def('cpu', { type: 'integer', not: { minimum: 1 } })]),
      'FieldValueInvalid',
      'spec.topology.variables[cpu].value',
      'Invalid value: "5": "" must not validate the schema (not)',
    );
  });
  test('transition rule self > oldSelf', () => {
    const d = [def('cpu', { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > oldSelf' }] })];
    expectOne(
      validate([{ name: 'cpu', value: 1 }], d, [{ name: 'cpu', value: 2 }]),
      'FieldValueInvalid',
      'spec.topology.variables[cpu].value',
      'Invalid value: "1": failed rule: self > oldSelf',
    );
    expect(validate([{ name: 'cpu', value: 1 }], d)).toEqual([]); // no old value: transition rules do not run
  });
  test('MD override not defined', () => {
    const errs = validateClusterVariables(
      [{ name: 'location', value: 'x' }],
      undefined,
      [def('cpu', { type: 'integer' }, true)],
      {
        validateRequired: false,
        fieldPath: 'spec.topology.workers.machineDeployments[mdTopologyName].variables.overrides',
      },
    );
    expectOne(
      errs,
      'FieldValueInvalid',
      'spec.topology.workers.machineDeployments[mdTopologyName].variables.overrides[location]',
      'Invalid value: "\\"x\\"": variable is not defined',
    );
  });
});

describe('Case 13 — validation', () => {
  test('unknown field', () => {
    const d = [def('testObject', { type: 'object', properties: { knownProperty: { type: 'boolean' } } })];
    expectOne(
      validate([{ name: 'testObject', value: { knownProperty: false, unknownProperty: true } }], d),
      'FieldValueInvalid',
      'spec.topology.variables[testObject]',
      'Invalid value: "{\\"knownProperty\\":false,\\"unknownProperty\\":true}": failed validation: "unknownProperty" field(s) are not specified in the variable schema of variable "testObject"',
    );
  });
  test('unknown field allowed', () => {
    const d = [
      def('testObject', {
        type: 'object',
        properties: { knownProperty: { type: 'boolean' } },
        'x-kubernetes-preserve-unknown-fields': true,
      }),
    ];
    expect(
      validate([{ name: 'testObject', value: { knownProperty: false, unknownProperty: true } }], d),
    ).toEqual([]);
  });
  test('CEL maximum', () => {
    expectOne(
      validate(
        [{ name: 'cpu', value: 99 }],
        [def('cpu', { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self <= 1' }] })],
      ),
      'FieldValueInvalid',
      'spec.topology.variables[cpu].value',
      'Invalid value: "99": failed rule: self <= 1',
    );
  });
  test('message, messageExpression preferred, empty messageExpression falls back to message', () => {
    const rule = (extra: object) => [
      def('cpu', {
        type: 'integer',
        'x-kubernetes-validations': [
          { rule: 'self >= 1', message: 'new value must be greater than or equal to 1', ...extra },
        ],
      }),
    ];
    expectOne(
      validate([{ name: 'cpu', value: 0 }], rule({})),
      'FieldValueInvalid',
      'spec.topology.variables[cpu].value',
      'Invalid value: "0": new value must be greater than or equal to 1',
    );
    expectOne(
      validate(
        [{ name: 'cpu', value: 0 }],
        rule({
          messageExpression: "'new value must be greater than or equal to 1, but got %d'.format([self])",
        }),
      ),
      'FieldValueInvalid',
      'spec.topology.variables[cpu].value',
      'Invalid value: "0": new value must be greater than or equal to 1, but got 0',
    );
    expectOne(
      validate([{ name: 'cpu', value: 0 }], rule({ messageExpression: "''" })),
      'FieldValueInvalid',
      'spec.topology.variables[cpu].value',
      'Invalid value: "0": new value must be greater than or equal to 1',
    );
  });
  test('transition rule with messageExpression', () => {
    const d = [
      def('cpu', {
        type: 'object',
        properties: { field: { type: 'string' } },
        'x-kubernetes-validations': [
          {
            rule: 'self.field == oldSelf.field',
            messageExpression: `'field is immutable, but field was changed from "%s" to "%s"'.format([oldSelf.field,self.field])`,
          },
        ],
      }),
    ];
    expectOne(
      validate([{ name: 'cpu', value: { field: 'value2' } }], d, [
        { name: 'cpu', value: { field: 'value1' } },
      ]),
      'FieldValueInvalid',
      'spec.topology.variables[cpu].value',
      'Invalid value: "{\\"field\\":\\"value2\\"}": field is immutable, but field was changed from "value1" to "value2"',
    );
  });
});

describe('Case 12 — defaulting', () => {
  const httpProps = { enabled: { type: 'boolean' }, url: { type: 'string' }, noProxy: { type: 'string' } };
  const run = (schema: object, existing: unknown, create = true, name = 'httpProxy') =>
    defaultClusterVariables(existing === undefined ? [] : [{ name, value: existing }], [def(name, schema)], {
      createVariables: create,
      fieldPath: 'spec.topology.variables',
    });
  const json = (r: { values: ClusterVariable[]; errors: FieldError[] }) => {
    expect(r.errors).toEqual([]);
    return r.values.map((v) => JSON.stringify(v.value));
  };
  test('top-level default', () => {
    expect(
      json(run({ type: 'object', default: { enabled: false }, properties: httpProps }, undefined)),
    ).toEqual(['{"enabled":false}']);
  });
  test('no top-level default: no variable created', () => {
    expect(
      json(
        run(
          { type: 'object', properties: { ...httpProps, enabled: { type: 'boolean', default: false } } },
          undefined,
        ),
      ),
    ).toEqual([]);
  });
  test('nested defaults apply inside a top-level default', () => {
    const props = { ...httpProps, enabled: { type: 'boolean', default: false } };
    expect(json(run({ type: 'object', default: { url: 'test-url' }, properties: props }, undefined))).toEqual(
      ['{"enabled":false,"url":"test-url"}'],
    );
    expect(json(run({ type: 'object', default: {}, properties: props }, undefined))).toEqual([
      '{"enabled":false}',
    ]);
  });
  test('existing value is kept; nested defaults fill it', () => {
    expect(
      json(
        run(
          { type: 'object', default: { enabled: true }, properties: httpProps },
          { enabled: false, url: 'https://example.com' },
        ),
      ),
    ).toEqual(['{"enabled":false,"url":"https://example.com"}']);
    expect(
      json(
        run(
          {
            type: 'object',
            default: { enabled: false },
            properties: { ...httpProps, url: { type: 'string', default: 'https://example.com' } },
          },
          { enabled: false },
        ),
      ),
    ).toEqual(['{"enabled":false,"url":"https://example.com"}']);
  });
  const mapSchema = (extra: object) => ({
    type: 'object',
    ...extra,
    additionalProperties: {
      type: 'object',
      properties: { enabled: { type: 'boolean' }, url: { type: 'string', default: 'https://example.com' } },
    },
  });
  test('maps', () => {
    expect(json(run(mapSchema({ default: { proxy: { enabled: false } } }), undefined))).toEqual([
      '{"proxy":{"enabled":false,"url":"https://example.com"}}',
    ]);
    expect(json(run(mapSchema({}), { proxy1: { enabled: false }, proxy2: { enabled: false } }))).toEqual([
      '{"proxy1":{"enabled":false,"url":"https://example.com"},"proxy2":{"enabled":false,"url":"https://example.com"}}',
    ]);
  });
  test('arrays', () => {
    const schema = {
      type: 'array',
      items: { type: 'object', properties: { enabled: { type: 'boolean' }, url: { type: 'string' } } },
      default: [
        { enabled: false, url: '123' },
        { enabled: false, url: '456' },
      ],
    };
    expect(json(run(schema, undefined, true, 'testVariable'))).toEqual([
      '[{"enabled":false,"url":"123"},{"enabled":false,"url":"456"}]',
    ]);
    expect(json(run(schema, [], true, 'testVariable'))).toEqual(['[]']);
  });
  test('overrides never create variables', () => {
    expect(json(run({ type: 'string', default: 'x' }, undefined, false))).toEqual([]);
  });
  test('order: existing values first, then definitions; undefined names are errors', () => {
    const defs = [def('a', { type: 'integer', default: 1 }), def('b', { type: 'integer', default: 2 })];
    const r = defaultClusterVariables([{ name: 'b', value: 5 }], defs, {
      createVariables: true,
      fieldPath: 'spec.topology.variables',
    });
    expect(r.values.map((v) => [v.name, v.value])).toEqual([
      ['b', 5],
      ['a', 1],
    ]);
    const bad = defaultClusterVariables([{ name: 'zzz', value: 5 }], defs, {
      createVariables: true,
      fieldPath: 'spec.topology.variables',
    });
    expect(brief(bad.errors)).toEqual([
      {
        type: 'FieldValueInvalid',
        field: 'spec.topology.variables[zzz]',
        body: 'Invalid value: "5": variable is not defined',
      },
    ]);
  });
});

describe('Cluster webhook flow', () => {
  const clusterClass = {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'ClusterClass',
    spec: {
      variables: [
        {
          name: 'cpu',
          required: true,
          schema: { openAPIV3Schema: { type: 'integer', minimum: 1, default: 2 } },
        },
        {
          name: 'location',
          schema: { openAPIV3Schema: { type: 'string', enum: ['us-east-1', 'us-east-2'] } },
        },
      ],
    },
  };
  test('v1beta2 topology: defaults cluster variables, leaves overrides alone, validates overrides', () => {
    const cluster = {
      spec: {
        topology: {
          classRef: { name: 'cc' },
          variables: [],
          workers: {
            machineDeployments: [
              { class: 'w', name: 'md1', variables: { overrides: [{ name: 'location', value: 'eu' }] } },
            ],
          },
        },
      },
    };
    const r = defaultAndValidateTopologyVariables(cluster, classVariableDefinitions(clusterClass));
    expect((r.cluster as any).spec.topology.variables).toEqual([{ name: 'cpu', value: 2 }]);
    expect(cluster.spec.topology.variables).toEqual([]); // the input is not mutated
    expect(brief(r.errors)).toEqual([
      {
        type: 'FieldValueNotSupported',
        field: 'spec.topology.workers.machineDeployments[md1].variables.overrides[location].value',
        body: 'Unsupported value: "\\"eu\\"": supported values: "us-east-1", "us-east-2"',
      },
    ]);
  });
  test('v1beta1 topology with controlPlane overrides and an old Cluster', () => {
    const defs = [
      def('cpu', {
        type: 'integer',
        'x-kubernetes-validations': [{ rule: 'self >= oldSelf', message: 'cpu cannot shrink' }],
      }),
    ];
    const cluster = {
      spec: {
        topology: {
          class: 'cc',
          version: 'v1.30.0',
          variables: [{ name: 'cpu', value: 2 }],
          controlPlane: { variables: { overrides: [{ name: 'cpu', value: 1 }] } },
        },
      },
    };
    const old = {
      spec: {
        topology: {
          class: 'cc',
          variables: [{ name: 'cpu', value: 4 }],
          controlPlane: { variables: { overrides: [{ name: 'cpu', value: 1 }] } },
        },
      },
    };
    expect(brief(defaultAndValidateTopologyVariables(cluster, defs, old).errors)).toEqual([
      {
        type: 'FieldValueInvalid',
        field: 'spec.topology.variables[cpu].value',
        body: 'Invalid value: "2": cpu cannot shrink',
      },
    ]);
  });
});
