/**
 * Defaulting and validation of the variable values of a Cluster against the ClusterClass
 * definitions (Cluster API internal/topology/variables): the OpenAPI checks, then unknown
 * fields (pruning), then CEL rules with the old value for transition rules. Bad values print
 * as the raw JSON of the whole variable value, as Cluster API prints them.
 */

import { goQuote } from '../../../go/fmt.js';
import {
  child,
  type FieldError,
  type FieldPath,
  invalid,
  key,
  required,
  typeInvalid,
  withChanges,
} from '../../../k8s/field.js';
import { append } from '../../../util/append.js';
import { emptyMap, isPlainObject, type PlainObject, setOwn } from '../../../util/plain-object.js';
import { compileSchema, jsonEqual } from '../../../validate/openapi/index.js';
import type { ClusterVariable, VariableDefinition } from './definitions.js';
import { parsePath } from './paths.js';

/** The raw JSON Cluster API holds for a value (`""` when the value is absent). */
export function rawJSON(v: unknown): string {
  return v === undefined ? '' : JSON.stringify(sortKeys(v));
}

/** Go's json.Marshal of a map sorts keys; defaulted values are re-marshalled that way. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isPlainObject(v)) {
    const out: PlainObject = emptyMap();
    for (const k of Object.keys(v).sort()) setOwn(out, k, sortKeys(v[k]));
    return out;
  }
  return v;
}

function valuesIndex(
  p: FieldPath,
  values: readonly ClusterVariable[],
): { index?: Map<string, ClusterVariable>; errors: FieldError[] } {
  const index = new Map<string, ClusterVariable>();
  const errors: FieldError[] = [];
  for (const v of values) {
    if (index.has(v.name))
      errors.push(
        invalid(
          key(p, v.name),
          rawJSON(v.value),
          `variable ${goQuote(v.name)} is set more than once`,
          'int64',
        ),
      );
    index.set(v.name, v);
  }
  return errors.length ? { errors } : { index, errors };
}

interface DefinitionsIndex {
  index?: Map<string, VariableDefinition>;
  names: string;
  problems: string[];
}

// A class's definitions are indexed once, not once per Cluster and variable list.
const indexedDefinitions = new WeakMap<readonly VariableDefinition[], DefinitionsIndex>();

/** Definitions by name; a name with conflicting definitions (or none) makes the index invalid. */
function definitionsIndex(
  p: FieldPath,
  defs: readonly VariableDefinition[],
): { index?: Map<string, VariableDefinition>; errors: FieldError[] } {
  let known = indexedDefinitions.get(defs);
  if (!known) {
    known = indexDefinitions(defs);
    indexedDefinitions.set(defs, known);
  }
  if (known.index) return { index: known.index, errors: [] };
  const agg = known.problems.length === 1 ? known.problems[0] : `[${known.problems.join(', ')}]`;
  return {
    errors: [
      typeInvalid(
        p,
        `[${known.names}]`,
        `variable definitions in the ClusterClass not valid: ${agg}`,
        'int64',
      ),
    ],
  };
}

function indexDefinitions(defs: readonly VariableDefinition[]): DefinitionsIndex {
  const byName = new Map<string, VariableDefinition[]>();
  for (const d of defs) byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
  const problems: string[] = [];
  for (const [name, list] of byName) {
    const conflicting =
      list.some((d) => d.conflict) ||
      list.some((d) => d.required !== list[0].required || !jsonEqual(d.schema, list[0].schema));
    if (conflicting) problems.push(`variable ${goQuote(name)} has conflicting definitions`);
  }
  const names = [...byName.keys()].map((n) => `Name: ${n}`).join(',');
  if (problems.length) return { names, problems };
  const index = new Map<string, VariableDefinition>();
  for (const [name, list] of byName) index.set(name, list[0]);
  return { index, names, problems };
}

export function defaultClusterVariables(
  values: ClusterVariable[] | undefined,
  defs: VariableDefinition[],
  opts: { createVariables: boolean; fieldPath: string },
): { values: ClusterVariable[]; errors: FieldError[] } {
  const current = values ?? [];
  const p = parsePath(opts.fieldPath);
  const vi = valuesIndex(p, current);
  if (!vi.index) return { values: current, errors: vi.errors };
  const di = definitionsIndex(p, defs);
  if (!di.index) return { values: current, errors: di.errors };

  const all: ClusterVariable[] = [...current];
  for (const name of di.index.keys()) if (!vi.index.has(name)) all.push({ name, value: undefined });

  const out: ClusterVariable[] = [];
  const errors: FieldError[] = [];
  for (const variable of all) {
    const def = di.index.get(variable.name);
    if (def === undefined) {
      errors.push(
        invalid(key(p, variable.name), rawJSON(variable.value), 'variable is not defined', 'int64'),
      );
      continue;
    }
    const existing = vi.index.get(variable.name);
    if (existing === undefined && (!opts.createVariables || def.schema.default === undefined)) continue;
    const defaulted = compileSchema(def.schema).defaulted(existing?.value ?? null);
    const value = sortKeys(defaulted);
    out.push({
      name: def.name,
      value,
      ...(existing?.definitionFrom !== undefined ? { definitionFrom: existing.definitionFrom } : {}),
    });
  }
  return errors.length ? { values: current, errors } : { values: out, errors };
}

export function validateClusterVariables(
  values: ClusterVariable[] | undefined,
  oldValues: ClusterVariable[] | undefined,
  defs: VariableDefinition[],
  opts: { validateRequired: boolean; fieldPath: string },
): FieldError[] {
  const p = parsePath(opts.fieldPath);
  const current = values ?? [];
  const vi = valuesIndex(p, current);
  if (!vi.index) return vi.errors;
  const oi = valuesIndex(p, oldValues ?? []);
  if (!oi.index) return oi.errors;
  const di = definitionsIndex(p, defs);
  if (!di.index) return di.errors;

  const errors: FieldError[] = [];
  if (opts.validateRequired) {
    for (const [name, def] of di.index) {
      if (def.required && !vi.index.has(name))
        errors.push(required(p, `required variable ${goQuote(name)} must be set`));
    }
  }
  for (const v of current) {
    const vp = key(p, v.name);
    const def = di.index.get(v.name);
    if (def === undefined) {
      errors.push(invalid(vp, rawJSON(v.value), 'variable is not defined', 'int64'));
      continue;
    }
    append(errors, validateClusterVariable(v, oi.index.get(v.name), def, vp));
  }
  return errors;
}

/** One value against its definition (ValidateClusterVariable). */
export function validateClusterVariable(
  v: ClusterVariable,
  old: ClusterVariable | undefined,
  def: VariableDefinition,
  vp: FieldPath,
): FieldError[] {
  // the raw JSON is only printed with an error: not computed for valid values
  let rawText: string | undefined;
  const raw = () => {
    if (rawText === undefined) rawText = rawJSON(v.value);
    return rawText;
  };
  const value = v.value === undefined ? null : v.value;
  const compiled = compileSchema(def.schema);
  const valuePath = child(vp, 'value');
  const openAPI = compiled.validate(value, valuePath);
  if (openAPI.length > 0) {
    return openAPI.map((e) =>
      withChanges(e, { badValue: raw(), detail: e.detail.replace(/^ in body /, '') }),
    );
  }
  const unknown = compiled.unknownFields(value);
  if (unknown.length > 0) {
    return [
      invalid(
        vp,
        raw(),
        `failed validation: ${goQuote(unknown.join(','))} field(s) are not specified in the variable schema of variable ${goQuote(v.name)}`,
        'int64',
      ),
    ];
  }
  const oldValue = old === undefined || old.value === undefined || old.value === null ? undefined : old.value;
  return compiled.validateCel(value, oldValue, valuePath).map((e) => withChanges(e, { badValue: raw() }));
}
