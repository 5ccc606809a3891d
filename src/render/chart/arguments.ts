/**
 * Argument checks for chart functions: each function names its parameters, so a misuse fails
 * with the function's name and expected signature (`nindent: N must be an integer, got ...`).
 * Strings accept numbers and booleans (as Go prints them) and nil (""), as charts rely on.
 */
import { goString, goTypeName } from '../../go/fmt.js';
import { emptyMap, isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { toInt64 } from '../functions/conversion.js';
import { FunctionFailure } from '../functions/failure.js';
import { chartValueModel } from './value-model.js';

/** A misused chart function: the engine adds the template file, line and column. */
export class FunctionError extends FunctionFailure {}

export interface FunctionSpec {
  /** Names of the parameters, for the error message; a trailing `...` means variadic. */
  params: string[];
  fn: (...args: any[]) => unknown;
}

export function describeArity(params: string[]): string {
  const fixed = params.filter((p) => !p.endsWith('...')).length;
  const variadic = params.some((p) => p.endsWith('...'));
  const noun = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  return variadic ? `at least ${noun(fixed)}` : noun(fixed);
}

/** The accepted argument counts of a function. */
export function arityOf(spec: FunctionSpec): { min: number; max: number } {
  const min = spec.params.filter((p) => !p.endsWith('...')).length;
  return { min, max: spec.params.some((p) => p.endsWith('...')) ? Number.POSITIVE_INFINITY : min };
}

/** Checks the argument count against the spec; throws a FunctionError naming the signature. */
export function checkArity(name: string, spec: FunctionSpec, got: number): void {
  const { min, max } = arityOf(spec);
  if (got < min || got > max)
    throw new FunctionError(
      `${name}: expects ${describeArity(spec.params)} (${spec.params.join(', ')}), got ${got}`,
    );
}

const nil = (v: unknown): v is null | undefined => v === undefined || v === null;

export function str(name: string, v: unknown, param: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return goString(v);
  if (nil(v)) return '';
  throw new FunctionError(`${name}: ${param} must be a string, got ${goTypeName(v)}`);
}

/** An integer: a number (truncated) or a string of digits. */
export function int(name: string, v: unknown, param: string): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number.parseInt(v, 10);
  throw new FunctionError(`${name}: ${param} must be an integer, got ${goTypeName(v)} ${goString(v)}`);
}

export function map(name: string, v: unknown, param: string): PlainObject {
  if (isPlainObject(v)) return v;
  if (nil(v)) return emptyMap();
  throw new FunctionError(`${name}: ${param} must be a map, got ${goTypeName(v)}`);
}

export function list(name: string, v: unknown, param: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (nil(v)) return [];
  throw new FunctionError(`${name}: ${param} must be a list, got ${goTypeName(v)}`);
}

/** sprig's `int` (cast.ToInt64) as a chart number. */
export const toInteger = (v: unknown): number => Number(toInt64(chartValueModel, v));

/** Handlebars' missing value is Go's nil in a collection. */
export const nilIfMissing = (v: unknown): unknown => (v === undefined ? null : v);
