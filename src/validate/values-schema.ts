/** Values against a chart's values.schema.json (draft-07 or 2020-12), compiled once per schema. */
import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { ClustermintError } from '../util/errors.js';
import { toOrdinaryTree } from '../util/plain-object.js';
import { createAjv, dialectOf } from './ajv.js';
import { precompiledValidator } from './precompiled.js';
import { describeSchemaErrors, type SchemaProblem } from './schema-errors.js';

const compiled = new Map<string, ValidateFunction>();
const bySchemaObject = new WeakMap<object, ValidateFunction>();

export function compileValuesSchema(schema: object, file: string): ValidateFunction {
  let fn = bySchemaObject.get(schema);
  if (fn) return fn;
  const key = createHash('sha256').update(JSON.stringify(schema)).digest('hex');
  fn = compiled.get(key);
  if (!fn) {
    try {
      fn = precompiledValidator(schema) ?? createAjv(dialectOf(schema)).compile(schema);
    } catch (e) {
      throw new ClustermintError('INVALID_CHART', `invalid values schema: ${(e as Error).message}`, { file });
    }
    compiled.set(key, fn);
  }
  bySchemaObject.set(schema, fn);
  return fn;
}

export function validateValues(schema: object, file: string, values: unknown): SchemaProblem[] {
  const validate = compileValuesSchema(schema, file);
  const data = toOrdinaryTree(values);
  return validate(data) ? [] : describeSchemaErrors(validate.errors, data);
}
