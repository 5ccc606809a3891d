/**
 * A Kubernetes CRD-style structural schema validator: OpenAPI value validation with the API
 * server's error texts, x-kubernetes-validations (CEL) with self/oldSelf, structural
 * defaulting, unknown-field (pruning) detection and default validation. Compiled schemas are
 * cached by the schema's content.
 */
import { createHash } from 'node:crypto';
import {
  child,
  duplicate,
  type FieldError,
  type FieldPath,
  forbidden,
  index,
  invalid,
  key,
  required,
  withChanges,
} from '../../k8s/field.js';
import { isPlainObject } from '../../util/plain-object.js';
import { CEL_LIMITS, compileRules, type RuleBudget, type RuleFailure, runRules } from './cel.js';
import { applyDefaults, unknownFieldPaths } from './defaulting.js';
import { parseFieldPath } from './field-path.js';
import { canonicalJSON, depthOf, jsonCopy, jsonEqual } from './json.js';
import { additionalSchema, type JSONSchemaProps, own } from './schema.js';
import { type OpenAPIError, toFieldErrors, validateValue } from './value.js';

export {
  CEL_LIMITS,
  type CompiledRule,
  type CompiledRules,
  compileRules,
  estimateCost,
  maxSize,
} from './cel.js';

import { append } from '../../util/append.js';
import { BoundedCache } from '../../util/bounded-cache.js';

export { parseFieldPath } from './field-path.js';
export { isKnownFormat, validFormat } from './formats.js';
export { canonicalJSON, jsonCopy, jsonEqual } from './json.js';
export type { JSONSchemaProps, ValidationRule } from './schema.js';
export { type SchemaLevel, validateStructural } from './structural.js';

/** Deepest value nesting the validator accepts. */
export const MAX_VALUE_DEPTH = 256;

export interface CompiledSchema {
  readonly schema: JSONSchemaProps;
  /** OpenAPI validation (ValidateCustomResource) of `value` at `fldPath`. */
  validate(value: unknown, fldPath: FieldPath): FieldError[];
  /** The raw kube-openapi results (names relative to the value). */
  openAPIErrors(value: unknown): OpenAPIError[];
  /** CEL rules of every node; `oldValue` (undefined on create) feeds transition rules. */
  validateCel(value: unknown, oldValue: unknown, fldPath: FieldPath): FieldError[];
  /** Paths of fields pruning would drop (`a.b`, `l[0].c`). */
  unknownFields(value: unknown): string[];
  /** A defaulted copy of `value`. */
  defaulted(value: unknown): unknown;
}

const cache = new BoundedCache<string, CompiledSchema>(256);

/** The content hash compiled schemas are cached by. */
export const schemaHash = (schema: JSONSchemaProps): string =>
  createHash('sha256').update(canonicalJSON(schema)).digest('hex');

// The same schema object (a parsed ClusterClass rendering many Clusters) skips the hash.
const byIdentity = new WeakMap<object, CompiledSchema>();

export function compileSchema(schema: JSONSchemaProps): CompiledSchema {
  const known = byIdentity.get(schema as object);
  if (known) return known;
  const c = compileSchemaByHash(schema);
  byIdentity.set(schema as object, c);
  return c;
}

function compileSchemaByHash(schema: JSONSchemaProps): CompiledSchema {
  return cache.getOrCreate(schemaHash(schema), () => new Compiled(jsonCopy(schema)));
}

const tooDeep = (fldPath: FieldPath): FieldError =>
  invalid(fldPath, '', `value is nested deeper than ${MAX_VALUE_DEPTH} levels`, 'int64');

class Compiled implements CompiledSchema {
  private readonly nodeKeys = new Map<JSONSchemaProps, string>();
  constructor(readonly schema: JSONSchemaProps) {}

  openAPIErrors(value: unknown): OpenAPIError[] {
    const out: OpenAPIError[] = [];
    validateValue(this.schema, value, '', out);
    return out;
  }

  validate(value: unknown, fldPath: FieldPath): FieldError[] {
    if (depthOf(value, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH) return [tooDeep(fldPath)];
    return toFieldErrors(fldPath, this.openAPIErrors(value));
  }

  validateCel(value: unknown, oldValue: unknown, fldPath: FieldPath): FieldError[] {
    if (depthOf(value, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH) return [tooDeep(fldPath)];
    const out: FieldError[] = [];
    this.celNode(this.schema, value, oldValue, fldPath, out, {
      evaluations: CEL_LIMITS.maxEvaluationsPerValue,
      cost: CEL_LIMITS.runtimeCostBudget,
    });
    return out;
  }

  unknownFields(value: unknown): string[] {
    return unknownFieldPaths(value, this.schema);
  }

  defaulted(value: unknown): unknown {
    const copy = jsonCopy(value);
    const wrapper = { v: copy } as Record<string, unknown>;
    applyDefaults(wrapper, { type: 'object', properties: { v: this.schema } });
    return wrapper.v;
  }

  private nodeKey(s: JSONSchemaProps): string {
    let k = this.nodeKeys.get(s);
    if (k === undefined) {
      k = canonicalJSON(s);
      this.nodeKeys.set(s, k);
    }
    return k;
  }

  private celNode(
    s: JSONSchemaProps,
    value: unknown,
    oldValue: unknown,
    p: FieldPath,
    out: FieldError[],
    budget: RuleBudget,
  ): void {
    if (value === null || value === undefined) return;
    if (s['x-kubernetes-validations']?.length) {
      const rules = compileRules(s, this.nodeKey(s));
      for (const f of runRules(rules, value, oldValue, budget)) out.push(ruleError(f, s, value, p));
      if (budget.evaluations < 0) return;
    }
    if (isPlainObject(value)) {
      const old = isPlainObject(oldValue) ? oldValue : undefined;
      const extra = additionalSchema(s);
      for (const k of Object.keys(value)) {
        const prop = own(s.properties, k);
        const sub = prop ?? extra;
        if (sub === undefined) continue;
        const oldChild = old !== undefined && Object.hasOwn(old, k) ? old[k] : undefined;
        this.celNode(sub, value[k], oldChild, prop ? child(p, k) : key(p, k), out, budget);
      }
    } else if (Array.isArray(value) && s.items) {
      // atomic lists: items cannot be correlated with the old list
      for (const [i, v] of value.entries()) this.celNode(s.items, v, undefined, index(p, i), out, budget);
    }
  }
}

function ruleError(f: RuleFailure, s: JSONSchemaProps, value: unknown, p: FieldPath): FieldError {
  let path = p;
  const fp = f.rule.rule.fieldPath;
  if (!f.evalError && fp !== undefined && fp.trim() !== '') {
    const parsed = parseFieldPath(fp.trim(), s);
    if ('names' in parsed) for (const n of parsed.names) path = child(path, n);
  }
  if (f.evalError) return invalid(path, value, f.message, 'int64');
  switch (f.rule.rule.reason) {
    case 'FieldValueRequired':
      return required(path, f.message);
    case 'FieldValueForbidden':
      return forbidden(path, f.message);
    case 'FieldValueDuplicate':
      return withChanges(duplicate(path, value), { detail: f.message });
    default:
      return invalid(path, value, f.message, 'int64');
  }
}

/**
 * structuraldefaulting.ValidateDefaults: every `default` must survive pruning unchanged, pass
 * OpenAPI validation and the node's CEL rules (with the default as both self and oldSelf).
 */
export function validateDefaults(s: JSONSchemaProps, p: FieldPath): FieldError[] {
  const out: FieldError[] = [];
  walkDefaults(s, p, out);
  return out;
}

function walkDefaults(s: JSONSchemaProps, p: FieldPath, out: FieldError[]): void {
  if (s.default !== undefined) {
    const dp = child(p, 'default');
    const c = compileSchema(s);
    if (c.unknownFields(s.default).length > 0) {
      out.push(invalid(dp, s.default, 'must not have unknown fields', 'int64'));
    } else {
      const errs = c.validate(s.default, dp);
      if (errs.length > 0) append(out, errs);
      else append(out, c.validateCel(s.default, s.default, dp));
    }
  }
  for (const k of Object.keys(s.properties ?? {}).sort())
    walkDefaults(s.properties![k], key(child(p, 'properties'), k), out);
  if (typeof s.additionalProperties === 'object')
    walkDefaults(s.additionalProperties, child(p, 'additionalProperties'), out);
  if (s.items) walkDefaults(s.items, child(p, 'items'), out);
}

export { jsonEqual as valuesEqual };
