/** go-jmespath's function caller: table lookup, arity check, type check, call. */

import { ExpRef, isObject } from '../expression/values.js';
import { chargeCall, chargeResult } from './costs.js';
import { invalidType, JpError, tooFewArguments, tooManyArguments } from './errors.js';
import type { ArgSpec, FunctionEntry, JpType } from './types.js';

export type FunctionTable = ReadonlyMap<string, FunctionEntry>;

/** A table where later entries override earlier ones (default + custom + kyverno). */
export function buildTable(...groups: FunctionEntry[][]): FunctionTable {
  const table = new Map<string, FunctionEntry>();
  for (const group of groups) for (const entry of group) table.set(entry.name, entry);
  return table;
}

/** The arity error text for `count` arguments, if any. */
export function arityError(entry: FunctionEntry, count: number): string | undefined {
  const specs = entry.args;
  if (specs.length === 0) return undefined;
  const variadic = specs.some((s) => s.variadic);
  const min = specs.filter((s) => !s.optional).length;
  if (count < min) return tooFewArguments(entry.name, count, min, variadic);
  if (!variadic && count > specs.length) return tooManyArguments(entry.name, count, specs.length);
  return undefined;
}

function matches(type: JpType, v: unknown): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'number':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'array':
    case 'array[array]':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    case 'array[number]':
      return Array.isArray(v) && v.every((x) => typeof x === 'number');
    case 'array[string]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'expref':
      return v instanceof ExpRef;
  }
}

function typeCheck(spec: ArgSpec, v: unknown): void {
  const types = spec.types;
  for (let i = 0; i < types.length; i++) if (matches(types[i], v)) return;
  throw invalidType(v, types);
}

export function callFunction(table: FunctionTable, name: string, args: unknown[]): unknown {
  const entry = table.get(name);
  if (!entry) throw new JpError(`unknown function: ${name}`);
  const specs = entry.args;
  const n = specs.length;
  if (n > 0) {
    // the arity check, without arityError's allocations when the count is plainly right
    let fixed = args.length === n;
    for (let i = 0; fixed && i < n; i++) if (specs[i].variadic) fixed = false;
    if (!fixed) {
      const arity = arityError(entry, args.length);
      if (arity) throw new JpError(arity);
    }
    for (let i = 0; i < n; i++) {
      const spec = specs[i];
      if (!spec.optional || i <= args.length - 1) typeCheck(spec, args[i]);
    }
    const last = specs[n - 1];
    if (last.variadic) for (let i = n - 1; i < args.length; i++) typeCheck(last, args[i]);
  }
  chargeCall(name, args);
  const result = entry.handler(args);
  chargeResult(result);
  return result;
}
