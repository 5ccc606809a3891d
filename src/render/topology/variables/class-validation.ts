/**
 * ClusterClass variable admission (Cluster API clusterclass_variable_validation.go): names,
 * metadata, x-metadata, structural schema, defaults, then per node: types, example and enum
 * values, properties vs additionalProperties, x-kubernetes-validations (message, reason,
 * fieldPath, compile errors, oldSelf under items, estimated cost) and CEL on example/enum.
 */

import { goQuote } from '../../../go/fmt.js';
import { GoLiteral } from '../../../go/values.js';
import {
  child,
  type FieldError,
  type FieldPath,
  forbidden,
  index,
  invalid,
  key,
  notSupported,
  required,
  tooLong,
} from '../../../k8s/field.js';
import { LABEL_VALUE, qualifiedNameErrors } from '../../../k8s/names.js';
import { append } from '../../../util/append.js';
import { isPlainObject } from '../../../util/plain-object.js';
import {
  CEL_LIMITS,
  canonicalJSON,
  compileRules,
  compileSchema,
  type JSONSchemaProps,
  maxSize,
  parseFieldPath,
  validateDefaults,
  validateStructural,
} from '../../../validate/openapi/index.js';
import { classVariableDefinitions } from './definitions.js';
import { parsePath } from './paths.js';

const REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const VALID_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

function validateLabels(labels: unknown, p: FieldPath): FieldError[] {
  if (!isPlainObject(labels)) return [];
  const out: FieldError[] = [];
  for (const k of Object.keys(labels).sort()) {
    for (const m of qualifiedNameErrors(k)) out.push(invalid(p, k, m, 'int64'));
    const v = String(labels[k]);
    if (v.length > 63) out.push(invalid(key(p, k), v, 'must be no more than 63 characters', 'int64'));
    if (!LABEL_VALUE.test(v))
      out.push(
        invalid(
          key(p, k),
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
          'int64',
        ),
      );
  }
  return out;
}

function validateAnnotations(annotations: unknown, p: FieldPath): FieldError[] {
  if (!isPlainObject(annotations)) return [];
  const out: FieldError[] = [];
  let size = 0;
  for (const k of Object.keys(annotations).sort()) {
    for (const m of qualifiedNameErrors(k.toLowerCase())) out.push(invalid(p, k, m, 'int64'));
    size += k.length + String(annotations[k]).length;
  }
  if (size > 256 * 1024) out.push(tooLong(p, '', 256 * 1024));
  return out;
}

function xMetadata(s: JSONSchemaProps, p: FieldPath): FieldError[] {
  const out = [
    ...validateLabels(s['x-metadata']?.labels, child(child(p, 'x-metadata'), 'labels')),
    ...validateAnnotations(s['x-metadata']?.annotations, child(child(p, 'x-metadata'), 'annotations')),
  ];
  if (isPlainObject(s.additionalProperties))
    append(out, xMetadata(s.additionalProperties, child(p, 'additionalProperties')));
  for (const k of Object.keys(s.properties ?? {}).sort())
    append(out, xMetadata(s.properties![k], key(child(p, 'properties'), k)));
  if (s.items) append(out, xMetadata(s.items, child(p, 'items')));
  return out;
}

/** Values YAML can hold but JSON cannot (non-finite numbers): Cluster API cannot convert them. */
function nonJSON(v: unknown): string | undefined {
  if (typeof v === 'number' && !Number.isFinite(v))
    return `json: unsupported value: ${v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN'}`;
  if (Array.isArray(v))
    for (const x of v) {
      const e = nonJSON(x);
      if (e) return e;
    }
  if (isPlainObject(v))
    for (const k of Object.keys(v)) {
      const e = nonJSON(v[k]);
      if (e) return e;
    }
  return undefined;
}

function conversionErrors(s: JSONSchemaProps, p: FieldPath, name: string): FieldError[] {
  const out: FieldError[] = [];
  const prefix = `failed to convert schema definition for variable ${goQuote(name)}; ClusterClass should be checked: `;
  const check = (v: unknown, at: FieldPath, what: string) => {
    const e = v === undefined ? undefined : nonJSON(v);
    if (e) out.push(invalid(at, String(v), `${prefix}${what} is not valid JSON: ${e}`, 'int64'));
  };
  check(s.default, child(p, 'default'), 'default');
  check(s.example, child(p, 'example'), 'example');
  for (const [i, e] of (s.enum ?? []).entries()) check(e, index(child(p, 'enum'), i), 'enum value');
  if (isPlainObject(s.additionalProperties))
    append(out, conversionErrors(s.additionalProperties, child(p, 'additionalProperties'), name));
  for (const k of Object.keys(s.properties ?? {}).sort())
    append(out, conversionErrors(s.properties![k], key(child(p, 'properties'), k), name));
  if (s.items) append(out, conversionErrors(s.items, child(p, 'items'), name));
  for (const [kw, list] of [
    ['oneOf', s.oneOf],
    ['anyOf', s.anyOf],
    ['allOf', s.allOf],
  ] as const)
    for (const [i, x] of (list ?? []).entries())
      append(out, conversionErrors(x, index(child(p, kw), i), name));
  if (s.not) append(out, conversionErrors(s.not, child(p, 'not'), name));
  return out;
}

function costMessage(what: string, cost: number, limit: number): string {
  const f = cost / limit;
  const factor = f > 100 ? 'more than 100x' : f < 1.5 ? `${f.toFixed(6)}x` : `${f.toFixed(1)}x`;
  return `${what} exceeds budget by factor of ${factor} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}

interface TotalCost {
  total: number;
  mostExpensive: Array<{ path: FieldPath; cost: number }>;
}

function observe(t: TotalCost, path: FieldPath, cost: number): void {
  t.total = Math.min(t.total + cost, Number.MAX_SAFE_INTEGER);
  if (cost > CEL_LIMITS.staticEstimatedCRDCostLimit / 100) {
    t.mostExpensive.push({ path, cost });
    t.mostExpensive.sort((a, b) => b.cost - a.cost);
    t.mostExpensive.length = Math.min(t.mostExpensive.length, 4);
  }
}

interface Errs {
  schema: FieldError[];
  cel: FieldError[];
}

const hasNewlines = (s: string): boolean => /[\n\r]/.test(s);

/** validateSchema of Cluster API; `cardinality` is undefined under allOf/anyOf/oneOf/not (no CEL context). */
function validateSchema(
  s: JSONSchemaProps,
  p: FieldPath,
  cardinality: number | undefined,
  total: TotalCost,
  uncorrelatable: FieldPath | undefined,
): Errs {
  const errs: Errs = { schema: [], cel: [] };
  const add = (o: Errs) => {
    append(errs.schema, o.schema);
    append(errs.cel, o.cel);
  };
  if (s.type !== undefined && s.type !== '' && !VALID_TYPES.includes(s.type)) {
    errs.schema.push(notSupported(child(p, 'type'), s.type, VALID_TYPES));
    return errs;
  }
  const compiled = compileSchema(s);
  if (s.example !== undefined) append(errs.schema, compiled.validate(s.example, child(p, 'example')));
  for (const [i, e] of (s.enum ?? []).entries())
    if (e !== null) append(errs.schema, compiled.validate(e, index(child(p, 'enum'), i)));
  const extra = isPlainObject(s.additionalProperties)
    ? (s.additionalProperties as JSONSchemaProps)
    : undefined;
  if (extra !== undefined) {
    if (Object.keys(s.properties ?? {}).length > 0)
      errs.schema.push(forbidden(p, 'additionalProperties and properties are mutually exclusive'));
    add(
      validateSchema(
        extra,
        child(p, 'additionalProperties'),
        cardinality === undefined ? undefined : cardinality * maxSize(s),
        total,
        uncorrelatable,
      ),
    );
  }
  for (const k of Object.keys(s.properties ?? {}).sort())
    add(validateSchema(s.properties![k], key(child(p, 'properties'), k), cardinality, total, uncorrelatable));
  if (s.items) {
    const ip = child(p, 'items');
    add(
      validateSchema(
        s.items,
        ip,
        cardinality === undefined ? undefined : cardinality * maxSize(s),
        total,
        uncorrelatable ?? ip,
      ),
    );
  }
  if (s.not) add(validateSchema(s.not, child(p, 'not'), undefined, total, uncorrelatable));
  for (const [kw, list] of [
    ['allOf', s.allOf],
    ['oneOf', s.oneOf],
    ['anyOf', s.anyOf],
  ] as const)
    for (const [i, x] of (list ?? []).entries())
      add(validateSchema(x, index(child(p, kw), i), undefined, total, uncorrelatable));

  const rules = s['x-kubernetes-validations'] ?? [];
  if (rules.length === 0) return errs;
  const vp = child(p, 'x-kubernetes-validations');
  for (const [i, rule] of rules.entries()) {
    const rp = index(vp, i);
    const text = rule.rule ?? '';
    const msg = rule.message ?? '';
    if (text.trim() === '') errs.schema.push(required(child(rp, 'rule'), 'rule is not specified'));
    else if (msg.length > 0 && msg.trim() === '')
      errs.schema.push(invalid(child(rp, 'message'), msg, 'message must be non-empty if specified', 'int64'));
    else if (msg.length > 2048)
      errs.schema.push(
        invalid(
          child(rp, 'message'),
          `${msg.slice(0, 10)}...`,
          'message must have a maximum length of 2048 characters',
          'int64',
        ),
      );
    else if (hasNewlines(msg.trim()))
      errs.schema.push(invalid(child(rp, 'message'), msg, 'message must not contain line breaks', 'int64'));
    else if (hasNewlines(text.trim()) && msg.trim() === '')
      errs.schema.push(
        required(child(rp, 'message'), 'message must be specified if rule contains line breaks'),
      );
    if (
      rule.messageExpression !== undefined &&
      rule.messageExpression.length > 0 &&
      rule.messageExpression.trim() === ''
    )
      errs.schema.push(
        required(child(rp, 'messageExpression'), 'messageExpression must be non-empty if specified'),
      );
    if (rule.reason !== undefined && rule.reason !== '' && !REASONS.includes(rule.reason))
      errs.schema.push(notSupported(child(rp, 'reason'), rule.reason, REASONS));
    const fp = rule.fieldPath ?? '';
    if (fp.length > 0 && fp.trim() === '')
      errs.schema.push(
        invalid(child(rp, 'fieldPath'), fp, 'fieldPath must be non-empty if specified', 'int64'),
      );
    if (hasNewlines(fp))
      errs.schema.push(
        invalid(child(rp, 'fieldPath'), fp, 'fieldPath must not contain line breaks', 'int64'),
      );
    if (fp.length > 0) {
      const parsed = parseFieldPath(fp, s);
      if ('error' in parsed)
        errs.schema.push(
          invalid(child(rp, 'fieldPath'), fp, `fieldPath must be a valid path: ${parsed.error}`, 'int64'),
        );
    }
  }
  if (errs.schema.length === 0 && cardinality !== undefined) {
    const compiledRules = compileRules(s, canonicalJSON(s));
    for (const [i, cr] of compiledRules.rules.entries()) {
      const rp = index(vp, i);
      const cost = Math.min(cr.maxCost * cardinality, Number.MAX_SAFE_INTEGER);
      if (cost > CEL_LIMITS.staticEstimatedCostLimit)
        errs.cel.push(
          forbidden(
            child(rp, 'rule'),
            costMessage('estimated rule cost', cost, CEL_LIMITS.staticEstimatedCostLimit),
          ),
        );
      observe(total, child(rp, 'rule'), cost);
      if (cr.error) {
        if (cr.error.type === 'Required') errs.cel.push(required(child(rp, 'rule'), cr.error.detail));
        else errs.cel.push(invalid(child(rp, 'rule'), ruleGoValue(cr.rule), cr.error.detail, 'int64'));
      }
      if (cr.messageExpressionError) {
        errs.cel.push(
          invalid(
            child(rp, 'messageExpression'),
            ruleGoValue(cr.rule),
            cr.messageExpressionError.detail,
            'int64',
          ),
        );
      } else if (cr.messageProgram) {
        const mcost = Math.min(cr.messageExpressionMaxCost * cardinality, Number.MAX_SAFE_INTEGER);
        if (mcost > CEL_LIMITS.staticEstimatedCostLimit)
          errs.cel.push(
            forbidden(
              child(rp, 'messageExpression'),
              costMessage('estimated messageExpression cost', mcost, CEL_LIMITS.staticEstimatedCostLimit),
            ),
          );
        observe(total, child(rp, 'messageExpression'), mcost);
      }
      if (cr.usesOldSelf && uncorrelatable !== undefined) {
        errs.cel.push(
          invalid(
            child(rp, 'rule'),
            cr.rule.rule ?? '',
            `oldSelf cannot be used on the uncorrelatable portion of the schema within ${pathText(uncorrelatable)}`,
            'int64',
          ),
        );
      }
    }
  }
  if (errs.schema.length + errs.cel.length > 0) return errs;
  if (cardinality === undefined) return errs;
  if (s.example !== undefined)
    append(errs.cel, compiled.validateCel(s.example, undefined, child(p, 'example')));
  for (const [i, e] of (s.enum ?? []).entries())
    if (e !== null) append(errs.cel, compiled.validateCel(e, undefined, index(child(p, 'enum'), i)));
  return errs;
}

/** Go's %#v of the apiextensions ValidationRule, which apimachinery prints as the bad value. */
function ruleGoValue(rule: {
  rule?: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
}): GoLiteral {
  const reason = rule.reason
    ? `(*apiextensions.FieldValueErrorReason)(${goQuote(rule.reason)})`
    : '(*apiextensions.FieldValueErrorReason)(nil)';
  return new GoLiteral(
    `apiextensions.ValidationRule{Rule:${goQuote(rule.rule ?? '')}, Message:${goQuote(rule.message ?? '')}, MessageExpression:${goQuote(rule.messageExpression ?? '')}, Reason:${reason}, FieldPath:${goQuote(rule.fieldPath ?? '')}, OptionalOldSelf:(*bool)(nil)}`,
  );
}

function pathText(p: FieldPath): string {
  const parts: string[] = [];
  for (let q = p; q; q = q.parent) parts.push(q.index !== undefined ? `[${q.index}]` : `.${q.name}`);
  return parts.reverse().join('').replace(/^\./, '');
}

export function validateClassVariables(clusterClass: unknown): FieldError[] {
  const cc = isPlainObject(clusterClass) ? clusterClass : {};
  const spec = isPlainObject(cc.spec) ? cc.spec : {};
  const vars = Array.isArray(spec.variables) ? spec.variables.filter(isPlainObject) : [];
  const base = parsePath('spec.variables');
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const v of vars) {
    const name = typeof v.name === 'string' ? v.name : '';
    if (seen.has(name))
      errs.push(
        invalid(
          child(key(base, name), 'name'),
          name,
          `variable name must be unique. Variable with name ${goQuote(name)} is defined more than once`,
          'int64',
        ),
      );
    seen.add(name);
  }
  const defs = classVariableDefinitions({ spec: { variables: vars } });
  for (const [i, v] of vars.entries()) {
    const name = typeof v.name === 'string' ? v.name : '';
    const vp = key(base, name);
    const np = child(vp, 'name');
    if (name === '') errs.push(required(np, 'variable name must be defined'));
    if (name === 'builtin') errs.push(invalid(np, name, '"builtin" is a reserved variable name', 'int64'));
    if (name.includes('.')) errs.push(invalid(np, name, 'variable name cannot contain "."', 'int64'));
    const metaKey = isPlainObject(v.deprecatedV1Beta1Metadata) ? 'deprecatedV1Beta1Metadata' : 'metadata';
    const meta = isPlainObject(v[metaKey]) ? (v[metaKey] as Record<string, unknown>) : {};
    append(errs, validateLabels(meta.labels, child(child(vp, metaKey), 'labels')));
    append(errs, validateAnnotations(meta.annotations, child(child(vp, metaKey), 'annotations')));
    const sp = child(child(vp, 'schema'), 'openAPIV3Schema');
    const schema = defs[i]?.schema ?? {};
    append(errs, xMetadata(schema, sp));
    append(errs, validateRootSchema(schema, sp, name));
  }
  return errs;
}

function validateRootSchema(schema: JSONSchemaProps, p: FieldPath, name: string): FieldError[] {
  const conv = conversionErrors(schema, p, name);
  if (conv.length > 0) return conv;
  const structural = validateStructural(schema, p, 'field');
  if (structural.length > 0) return structural;
  const defaults = validateDefaults(schema, p);
  if (defaults.length > 0) return defaults;
  const total: TotalCost = { total: 0, mostExpensive: [] };
  const r = validateSchema(schema, p, 1, total, undefined);
  const errs = [...r.schema, ...r.cel];
  if (total.total > CEL_LIMITS.staticEstimatedCRDCostLimit) {
    for (const e of total.mostExpensive)
      errs.push(
        forbidden(
          e.path,
          'contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema',
        ),
      );
    errs.push(
      forbidden(
        p,
        costMessage(
          'x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema',
          total.total,
          CEL_LIMITS.staticEstimatedCRDCostLimit,
        ),
      ),
    );
  }
  return errs;
}
