/**
 * sprig's defaults and flow (empty, default, coalesce, all, any, ternary, fail) with Go's
 * emptiness, and Helm's `required`.
 */
import { AuthorFailure } from './failure.js';
import { isNil, type ValueModel } from './value-model.js';

/** sprig's `empty`: nil, false, 0, "" and empty lists and maps are empty; objects never are. */
export function isEmpty(model: ValueModel, v: unknown): boolean {
  if (isNil(v)) return true;
  switch (typeof v) {
    case 'string':
      return v.length === 0;
    case 'boolean':
      return !v;
    case 'number':
      return v === 0;
  }
  const int = model.intValue(v);
  if (int !== undefined) return int === 0n;
  const items = model.listItems(v);
  if (items !== undefined) return items.length === 0;
  const entries = model.mapEntries(v);
  if (entries !== undefined) {
    for (const _ in entries) return false;
    return true;
  }
  return false;
}

/** sprig's `default`: `value` unless it is empty. */
export function withDefault(model: ValueModel, fallback: unknown, value: unknown): unknown {
  return isEmpty(model, value) ? fallback : value;
}

/** The first value that is not empty, else nil. */
export function coalesce(model: ValueModel, values: readonly unknown[]): unknown {
  for (const v of values) if (!isEmpty(model, v)) return v;
  return null;
}

export function allNonEmpty(model: ValueModel, values: readonly unknown[]): boolean {
  return values.every((v) => !isEmpty(model, v));
}

export function anyNonEmpty(model: ValueModel, values: readonly unknown[]): boolean {
  return values.some((v) => !isEmpty(model, v));
}

export function ternary(ifTrue: unknown, ifFalse: unknown, condition: boolean): unknown {
  return condition ? ifTrue : ifFalse;
}

/** sprig's `fail`: stops the render with the author's message. */
export function failWith(message: string): never {
  throw new AuthorFailure(message);
}

/** Helm's `required`: the value, unless it is nil or "" (then the author's message). */
export function required(message: string, value: unknown): unknown {
  if (isNil(value) || value === '') failWith(message);
  return value;
}
