/**
 * sprig's list functions on the elements of a list. Whether an argument is a list, and the
 * error when it is not, is the engine's (see the adapters); these get the elements.
 */
import { goCompare } from '../../go/json-format.js';
import { deepEqual } from './deep-equal.js';
import { isEmpty } from './defaults.js';
import { fail, panic } from './failure.js';
import { isNil, type ValueModel } from './value-model.js';

type Items = readonly unknown[];

export const first = (items: Items): unknown => (items.length ? items[0] : null);
export const last = (items: Items): unknown => (items.length ? items[items.length - 1] : null);
export const rest = (items: Items): unknown[] => items.slice(1);
export const initial = (items: Items): unknown[] => items.slice(0, -1);
export const reverse = (items: Items): unknown[] => [...items].reverse();
export const append = (items: Items, v: unknown): unknown[] => [...items, v];
export const prepend = (items: Items, v: unknown): unknown[] => [v, ...items];

/**
 * sprig's uniq (the first of each run of deeply equal elements, in order). Go compares each
 * element with every one kept (quadratic: 12 s for 40,000 numbers); scalars are found by a key
 * of type and value here, and only lists and maps are compared with the lists and maps kept.
 */
export function uniq(model: ValueModel, items: Items): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<string>();
  const composites: unknown[] = [];
  for (const e of items) {
    const key = scalarKey(model, e);
    if (key !== undefined) {
      if (seen.has(key)) continue;
      seen.add(key);
    } else {
      if (composites.some((o) => deepEqual(model, o, e))) continue;
      composites.push(e);
    }
    out.push(e);
  }
  return out;
}

/**
 * A text that two scalars share exactly when deepEqual holds between them; undefined for a list,
 * a map, NaN (unequal to itself) and other values, which are compared.
 */
function scalarKey(model: ValueModel, v: unknown): string | undefined {
  if (
    v === null ||
    v === undefined ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    (typeof v === 'number' && !Number.isNaN(v))
  )
    return `${model.typeName(v)}\0${String(v)}`;
  const i = model.intValue(v);
  return i === undefined ? undefined : `${model.typeName(v)}\0${i}`;
}

export const compact = (model: ValueModel, items: Items): unknown[] =>
  items.filter((e) => !isEmpty(model, e));

export const without = (model: ValueModel, items: Items, omit: Items): unknown[] =>
  items.filter((e) => !omit.some((o) => deepEqual(model, o, e)));

export const has = (model: ValueModel, needle: unknown, items: Items): boolean =>
  items.some((e) => deepEqual(model, needle, e));

/** sprig's `slice`: items[start:end]; nil for an empty list. */
export function sliceItems(items: Items, start?: number, end?: number): unknown[] | null {
  if (items.length === 0) return null;
  const from = start ?? 0;
  const to = end ?? items.length;
  if (from < 0 || to < from || to > items.length) fail('reflect: slice index out of range');
  return items.slice(from, to);
}

/** sprig's `chunk`: lists of `size` elements (the last one shorter); a size under 1 is Go's panic. */
export function chunk(size: number, items: Items): unknown[][] {
  if (size <= 0) panic('makeslice: len out of range');
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** sprig's strslice: a list's non-nil elements as text, nil as no strings, else one string. */
export function toStrings(model: ValueModel, v: unknown): string[] {
  const items = model.listItems(v);
  if (items !== undefined) {
    const out: string[] = [];
    for (const e of items) if (!isNil(e)) out.push(model.text(e));
    return out;
  }
  return isNil(v) ? [] : [model.text(v)];
}

export const join = (model: ValueModel, separator: string, v: unknown): string =>
  toStrings(model, v).join(separator);

/** sprig's `sortAlpha`: a list's elements as text, sorted byte-wise. */
export function sortAlpha(model: ValueModel, v: unknown): string[] {
  if (model.listItems(v) === undefined) return [model.text(v)];
  return toStrings(model, v).sort(goCompare);
}
