/**
 * Structural schema rules (apiextensions `ValidateStructural`): every specified node has a
 * type (unless int-or-string or preserve-unknown-fields), types are from the OpenAPI set, and
 * allOf/anyOf/oneOf/not only carry value validations (no type, default, CEL rules, nullable,
 * additionalProperties or x-kubernetes flags), except the int-or-string anyOf pattern.
 * Errors are sorted by their text, as Kubernetes sorts them.
 */
import {
  child,
  errorText,
  type FieldError,
  type FieldPath,
  forbidden,
  index,
  invalid,
  key,
  notSupported,
  required,
} from '../../k8s/field.js';
import {
  additionalSchema,
  isIntOrString,
  type JSONSchemaProps,
  preservesUnknown,
  VALID_TYPES,
} from './schema.js';

export type SchemaLevel = 'root' | 'field' | 'item';

const TYPE_REQUIRED: Record<SchemaLevel, string> = {
  root: 'must not be empty at the root',
  field: 'must not be empty for specified object fields',
  item: 'must not be empty for specified array items',
};

export function validateStructural(
  schema: JSONSchemaProps,
  fldPath: FieldPath,
  level: SchemaLevel,
): FieldError[] {
  const errs: FieldError[] = [];
  invariants(schema, level, fldPath, errs);
  return errs
    .map((e) => ({ e, text: errorText(e) }))
    .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .map((x) => x.e);
}

function invariants(s: JSONSchemaProps, level: SchemaLevel, p: FieldPath, errs: FieldError[]): void {
  const type = s.type ?? '';
  if (type !== '' && !(VALID_TYPES as readonly string[]).includes(type)) {
    errs.push(notSupported(child(p, 'type'), type, VALID_TYPES));
  }
  if (isIntOrString(s) && type !== '') {
    errs.push(
      invalid(child(p, 'type'), type, 'must be empty if x-kubernetes-int-or-string is true', 'int64'),
    );
  }
  if (
    type === '' &&
    !isIntOrString(s) &&
    !preservesUnknown(s) &&
    s['x-kubernetes-embedded-resource'] !== true
  ) {
    errs.push(required(child(p, 'type'), TYPE_REQUIRED[level]));
  }
  valueValidations(s, p, errs);
  for (const k of Object.keys(s.properties ?? {}).sort()) {
    invariants(s.properties![k], 'field', key(child(p, 'properties'), k), errs);
  }
  const extra = additionalSchema(s);
  if (extra !== undefined && typeof s.additionalProperties === 'object') {
    invariants(extra, 'field', child(p, 'additionalProperties'), errs);
  }
  if (s.items) invariants(s.items, 'item', child(p, 'items'), errs);
}

const isType = (s: JSONSchemaProps, t: string): boolean =>
  s.type === t && Object.keys(s).every((k) => k === 'type' || k === 'description');

/** `anyOf: [{type: integer}, {type: string}]`, which int-or-string schemas may spell out. */
const intOrStringAnyOf = (list: JSONSchemaProps[] | undefined): boolean =>
  list !== undefined && list.length === 2 && isType(list[0], 'integer') && isType(list[1], 'string');

function valueValidations(s: JSONSchemaProps, p: FieldPath, errs: FieldError[]): void {
  const skipAnyOf = isIntOrString(s) && intOrStringAnyOf(s.anyOf);
  const skipFirstAllOfAnyOf =
    isIntOrString(s) && s.allOf !== undefined && intOrStringAnyOf(s.allOf[0]?.anyOf);
  if (s.not) nested(s.not, child(p, 'not'), errs, false);
  for (const [i, x] of (s.allOf ?? []).entries())
    nested(x, index(child(p, 'allOf'), i), errs, i === 0 && skipFirstAllOfAnyOf);
  if (!skipAnyOf)
    for (const [i, x] of (s.anyOf ?? []).entries()) nested(x, index(child(p, 'anyOf'), i), errs, false);
  for (const [i, x] of (s.oneOf ?? []).entries()) nested(x, index(child(p, 'oneOf'), i), errs, false);
}

/** A schema inside allOf/anyOf/oneOf/not: only value validations are allowed. */
function nested(s: JSONSchemaProps, p: FieldPath, errs: FieldError[], skipAnyOf: boolean): void {
  if (s.type !== undefined && s.type !== '')
    errs.push(forbidden(child(p, 'type'), 'must be empty to be structural'));
  if (s.default !== undefined)
    errs.push(forbidden(child(p, 'default'), 'must be undefined to be structural'));
  if (s['x-kubernetes-validations'] !== undefined && s['x-kubernetes-validations'].length > 0)
    errs.push(forbidden(child(p, 'x-kubernetes-validations'), 'must be empty to be structural'));
  if (s.additionalProperties !== undefined)
    errs.push(forbidden(child(p, 'additionalProperties'), 'must be undefined to be structural'));
  if (s.nullable === true) errs.push(forbidden(child(p, 'nullable'), 'must be false to be structural'));
  if (preservesUnknown(s))
    errs.push(forbidden(child(p, 'x-kubernetes-preserve-unknown-fields'), 'must be false to be structural'));
  if (isIntOrString(s))
    errs.push(forbidden(child(p, 'x-kubernetes-int-or-string'), 'must be false to be structural'));
  if (s.not) nested(s.not, child(p, 'not'), errs, false);
  for (const [i, x] of (s.allOf ?? []).entries()) nested(x, index(child(p, 'allOf'), i), errs, false);
  if (!skipAnyOf)
    for (const [i, x] of (s.anyOf ?? []).entries()) nested(x, index(child(p, 'anyOf'), i), errs, false);
  for (const [i, x] of (s.oneOf ?? []).entries()) nested(x, index(child(p, 'oneOf'), i), errs, false);
  for (const k of Object.keys(s.properties ?? {}).sort())
    nested(s.properties![k], key(child(p, 'properties'), k), errs, false);
  if (s.items) nested(s.items, child(p, 'items'), errs, false);
}
