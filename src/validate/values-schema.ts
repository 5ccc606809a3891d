/** Values against a chart's values.schema.json (draft-07 or 2020-12), compiled once per schema. */
import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { BoundedCache } from '../util/bounded-cache.js';
import { ClustermintError } from '../util/errors.js';
import { toOrdinaryTree } from '../util/plain-object.js';
import { precompiledValidator } from './precompiled.js';
import { describeSchemaErrors, type SchemaProblem } from './schema-errors.js';
import { cachedValidator, compileAndStore } from './validator-cache.js';

const compiled = new BoundedCache<string, ValidateFunction>(256);
const bySchemaObject = new WeakMap<object, ValidateFunction>();

export function compileValuesSchema(schema: object, file: string): ValidateFunction {
  let fn = bySchemaObject.get(schema);
  if (fn) return fn;
  const key = createHash('sha256').update(JSON.stringify(schema)).digest('hex');
  fn = compiled.get(key);
  if (!fn) {
    try {
      fn = precompiledValidator(schema) ?? cachedValidator(key) ?? compileAndStore(schema, key);
    } catch (e) {
      throw new ClustermintError('INVALID_CHART', `invalid values schema: ${(e as Error).message}`, { file });
    }
    compiled.set(key, fn);
  }
  bySchemaObject.set(schema, fn);
  return fn;
}

const ordinaryCopies = new WeakMap<object, unknown>();

/**
 * The ordinary-object copy of a merged values tree (see toOrdinaryTree), made once per tree: the
 * gate validates it here and hands the same copy to the policies. Merged values are never
 * changed once built, and neither ajv nor the policy engine writes to what it reads.
 */
export function ordinaryValues(values: unknown): unknown {
  if (values === null || typeof values !== 'object') return values;
  let copy = ordinaryCopies.get(values);
  if (copy === undefined) {
    copy = toOrdinaryTree(values);
    ordinaryCopies.set(values, copy);
  }
  return copy;
}

export function validateValues(schema: object, file: string, values: unknown): SchemaProblem[] {
  const validate = compileValuesSchema(schema, file);
  const data = ordinaryValues(values);
  return validate(data) ? [] : describeSchemaErrors(validate.errors, data);
}
