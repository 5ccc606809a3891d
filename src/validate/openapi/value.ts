/**
 * OpenAPI value validation as the Kubernetes API server runs it for custom resources
 * (kube-openapi's SchemaValidator, then apiextensions' kubeOpenAPIResultToFieldErrors): the
 * same checks in the same order, the same `<name> in body ...` texts and the same mapping to
 * field errors (TooLong, TooMany, NotSupported, TypeInvalid, Required, Invalid).
 */

import { goFloat } from '../../go/fmt.js';
import { cachedRe2, type RE2JS } from '../../go/re2.js';
import {
  child,
  type FieldError,
  type FieldPath,
  invalid,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
} from '../../k8s/field.js';
import { append } from '../../util/append.js';
import { isPlainObject } from '../../util/plain-object.js';
import { validFormat } from './formats.js';
import { jsonEqual } from './json.js';
import { additionalSchema, isIntOrString, type JSONSchemaProps, own } from './schema.js';

type Code =
  | 'type'
  | 'required'
  | 'tooLong'
  | 'tooShort'
  | 'pattern'
  | 'enum'
  | 'multipleOf'
  | 'max'
  | 'min'
  | 'unique'
  | 'maxItems'
  | 'minItems'
  | 'maxProperties'
  | 'minProperties'
  | 'forbiddenProperty'
  | 'composite';

/** One kube-openapi validation result. */
export interface OpenAPIError {
  readonly code: Code;
  /** The dotted name of the value (`spec.replicas`, `items[1]`; `""` at the root). */
  readonly name: string;
  readonly value: unknown;
  /** The limit that failed (maxLength, maxItems, ...). */
  readonly limit?: number;
  readonly enumValues?: unknown[];
  readonly message: string;
}

const IN = 'body';
const say = (name: string, tail: string): string => `${name} in ${IN} ${tail}`;

/** The JSON type name kube-openapi reports for a value. */
export function jsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** Go `%v` of a bound: an integer bound prints as an int64 when the value is an integer too. */
const boundText = (bound: number, value: number): string =>
  Number.isInteger(bound) && Number.isInteger(value) ? String(bound) : goFloat(bound);

const childName = (name: string, key: string): string => (name === '' ? key : `${name}.${key}`);

function pattern(p: string): RE2JS | Error {
  try {
    return cachedRe2(p);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** Runs every check of `schema` on `value`; results are appended to `out`. */
export function validateValue(
  schema: JSONSchemaProps,
  value: unknown,
  name: string,
  out: OpenAPIError[],
): void {
  if ((value === null || value === undefined) && schema.nullable === true) return;
  const typeOk = checkType(schema, value, name, out);
  checkComposition(schema, value, name, out);
  if (!typeOk) return;
  if (typeof value === 'string') checkString(schema, value, name, out);
  if (typeof value === 'number') checkNumber(schema, value, name, out);
  if (Array.isArray(value)) checkArray(schema, value, name, out);
  if (schema.enum !== undefined && schema.enum.length > 0 && !schema.enum.some((e) => jsonEqual(e, value))) {
    out.push({
      code: 'enum',
      name,
      value,
      enumValues: schema.enum,
      message: say(name, `should be one of ${goSliceV(schema.enum)}`),
    });
  }
  if (isPlainObject(value)) checkObject(schema, value, name, out);
}

function goSliceV(values: unknown[]): string {
  const v = (x: unknown): string =>
    x === null
      ? '<nil>'
      : typeof x === 'object'
        ? JSON.stringify(x)
        : typeof x === 'number'
          ? goFloat(x)
          : String(x);
  return `[${values.map(v).join(' ')}]`;
}

function checkType(schema: JSONSchemaProps, value: unknown, name: string, out: OpenAPIError[]): boolean {
  const actual = jsonTypeOf(value);
  if (isIntOrString(schema)) {
    if (actual === 'integer' || actual === 'string') return true;
    out.push({
      code: 'type',
      name,
      value: actual,
      message: say(name, `must be of type integer,string: ${JSON.stringify(actual)}`),
    });
    return false;
  }
  const t = schema.type;
  if (t === undefined || t === '') return true;
  const ok = t === actual || (t === 'number' && actual === 'integer');
  if (!ok) {
    out.push({
      code: 'type',
      name,
      value: actual,
      message: say(name, `must be of type ${t}: ${JSON.stringify(actual)}`),
    });
    return false;
  }
  return true;
}

function checkComposition(schema: JSONSchemaProps, value: unknown, name: string, out: OpenAPIError[]): void {
  const run = (s: JSONSchemaProps): OpenAPIError[] => {
    const errs: OpenAPIError[] = [];
    validateValue(s, value, name, errs);
    return errs;
  };
  const quoted = JSON.stringify(name);
  if (schema.allOf) for (const s of schema.allOf) append(out, run(s));
  if (schema.anyOf && schema.anyOf.length > 0) {
    let best: OpenAPIError[] | undefined;
    let ok = false;
    for (const s of schema.anyOf) {
      const errs = run(s);
      if (errs.length === 0) {
        ok = true;
        break;
      }
      if (best === undefined || errs.length < best.length) best = errs;
    }
    if (!ok) {
      out.push({
        code: 'composite',
        name,
        value,
        message: `${quoted} must validate at least one schema (anyOf)`,
      });
      append(out, best ?? []);
    }
  }
  if (schema.oneOf && schema.oneOf.length > 0) {
    let valid = 0;
    let best: OpenAPIError[] | undefined;
    for (const s of schema.oneOf) {
      const errs = run(s);
      if (errs.length === 0) valid++;
      else if (best === undefined || errs.length < best.length) best = errs;
    }
    if (valid === 0) {
      out.push({
        code: 'composite',
        name,
        value,
        message: `${quoted} must validate one and only one schema (oneOf). Found none valid`,
      });
      append(out, best ?? []);
    } else if (valid > 1) {
      out.push({
        code: 'composite',
        name,
        value,
        message: `${quoted} must validate one and only one schema (oneOf). Found ${valid} valid alternatives`,
      });
    }
  }
  if (schema.not && run(schema.not).length === 0) {
    out.push({ code: 'composite', name, value, message: `${quoted} must not validate the schema (not)` });
  }
}

function checkString(schema: JSONSchemaProps, s: string, name: string, out: OpenAPIError[]): void {
  const runes = [...s].length;
  if (schema.maxLength !== undefined && runes > schema.maxLength)
    out.push({
      code: 'tooLong',
      name,
      value: s,
      limit: schema.maxLength,
      message: say(name, `should be at most ${schema.maxLength} chars long`),
    });
  if (schema.minLength !== undefined && runes < schema.minLength)
    out.push({
      code: 'tooShort',
      name,
      value: s,
      limit: schema.minLength,
      message: say(name, `should be at least ${schema.minLength} chars long`),
    });
  if (schema.pattern !== undefined) {
    const re = pattern(schema.pattern);
    if (re instanceof Error || !re.test(s))
      out.push({ code: 'pattern', name, value: s, message: say(name, `should match '${schema.pattern}'`) });
  }
  if (schema.format !== undefined && schema.format !== '' && !validFormat(schema.format, s))
    out.push({
      code: 'type',
      name,
      value: s,
      message: say(name, `must be of type ${schema.format}: ${JSON.stringify(s)}`),
    });
}

function checkNumber(schema: JSONSchemaProps, n: number, name: string, out: OpenAPIError[]): void {
  if (schema.multipleOf !== undefined && schema.multipleOf > 0) {
    const q = n / schema.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9)
      out.push({
        code: 'multipleOf',
        name,
        value: n,
        message: say(name, `should be a multiple of ${goFloat(schema.multipleOf)}`),
      });
  }
  if (schema.maximum !== undefined) {
    const ex = schema.exclusiveMaximum === true;
    if (ex ? n >= schema.maximum : n > schema.maximum)
      out.push({
        code: 'max',
        name,
        value: n,
        message: say(name, `should be less than ${ex ? '' : 'or equal to '}${boundText(schema.maximum, n)}`),
      });
  }
  if (schema.minimum !== undefined) {
    const ex = schema.exclusiveMinimum === true;
    if (ex ? n <= schema.minimum : n < schema.minimum)
      out.push({
        code: 'min',
        name,
        value: n,
        message: say(
          name,
          `should be greater than ${ex ? '' : 'or equal to '}${boundText(schema.minimum, n)}`,
        ),
      });
  }
}

function checkArray(schema: JSONSchemaProps, a: unknown[], name: string, out: OpenAPIError[]): void {
  if (schema.minItems !== undefined && a.length < schema.minItems)
    out.push({
      code: 'minItems',
      name,
      value: a.length,
      limit: schema.minItems,
      message: say(name, `should have at least ${schema.minItems} items`),
    });
  if (schema.maxItems !== undefined && a.length > schema.maxItems)
    out.push({
      code: 'maxItems',
      name,
      value: a.length,
      limit: schema.maxItems,
      message: say(name, `should have at most ${schema.maxItems} items`),
    });
  if (schema.uniqueItems === true) {
    const dup = a.some((x, i) => a.findIndex((y) => jsonEqual(x, y)) !== i);
    if (dup)
      out.push({
        code: 'unique',
        name,
        value: undefined,
        message: say(name, "shouldn't contain duplicates"),
      });
  }
  if (schema.items) for (const [i, x] of a.entries()) validateValue(schema.items, x, `${name}[${i}]`, out);
}

function checkObject(
  schema: JSONSchemaProps,
  o: Record<string, unknown>,
  name: string,
  out: OpenAPIError[],
): void {
  const keys = Object.keys(o);
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties)
    out.push({
      code: 'maxProperties',
      name,
      value: keys.length,
      limit: schema.maxProperties,
      message: say(name, `should have at most ${schema.maxProperties} properties`),
    });
  if (schema.minProperties !== undefined && keys.length < schema.minProperties)
    out.push({
      code: 'minProperties',
      name,
      value: keys.length,
      limit: schema.minProperties,
      message: say(name, `should have at least ${schema.minProperties} properties`),
    });
  for (const r of schema.required ?? []) {
    if (!Object.hasOwn(o, r)) {
      const n = childName(name, r);
      out.push({ code: 'required', name: n, value: undefined, message: say(n, 'is required') });
    }
  }
  const extra = additionalSchema(schema);
  for (const k of keys) {
    const prop = own(schema.properties, k);
    if (prop !== undefined) validateValue(prop, o[k], childName(name, k), out);
    else if (extra !== undefined) validateValue(extra, o[k], childName(name, k), out);
    else if (schema.additionalProperties === false)
      out.push({
        code: 'forbiddenProperty',
        name,
        value: k,
        message: `${name}.${k} in ${IN} is a forbidden property`,
      });
  }
}

/** apiextensions' kubeOpenAPIResultToFieldErrors: kube-openapi results as field errors under `fldPath`. */
export function toFieldErrors(fldPath: FieldPath, errs: readonly OpenAPIError[]): FieldError[] {
  return errs.map((e) => {
    if (e.code === 'composite') return invalid(fldPath, '', e.message, 'int64');
    const name = e.name.replace(/^\./, '');
    const p = name === '' ? fldPath : child(fldPath, name);
    const value = e.value ?? '';
    switch (e.code) {
      case 'required':
        return required(p, '');
      case 'enum':
        return notSupported(
          p,
          e.value,
          (e.enumValues ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
        );
      case 'tooLong':
        return tooLong(p, value, e.limit ?? -1);
      case 'maxItems':
      case 'maxProperties':
        return tooMany(p, typeof e.value === 'number' ? e.value : -1, e.limit ?? -1);
      case 'type':
        return typeInvalid(p, value, e.message, 'int64');
      default:
        return invalid(p, value, e.message, 'int64');
    }
  });
}
