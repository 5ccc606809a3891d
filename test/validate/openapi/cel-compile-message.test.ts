// A CEL rule whose compile error has no position in the expression (the library gives -1 for
// some type errors) is reported without a caret line, not with an internal error
// ("Invalid count value: -1", exit 70; found by npm run fuzz).
import { expect, test } from 'vitest';
import { errorText, pathOf } from '../../../src/k8s/field.js';
import { compileSchema } from '../../../src/validate/openapi/index.js';

test("a rule on an object without properties, self['a'] == 1: a compile error, no crash", () => {
  const schema = { type: 'object', 'x-kubernetes-validations': [{ rule: "self['a'] == 1" }] };
  let errors: string[] = [];
  expect(() => {
    errors = compileSchema(schema).validateCel({ a: 1 }, undefined, pathOf('spec')).map(errorText);
  }).not.toThrow();
  expect(errors).toEqual([
    `spec: Invalid value: map[string]interface {}{"a":1}: rule compile error: compilation failed: ERROR: <input>: undefined field 'a'`,
  ]);
});
