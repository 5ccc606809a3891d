/** The Go engine's values (values.ts) as the shared template functions see them. */
import type { ValueModel } from '../functions/value-model.js';
import { sprintValue } from './fmt.js';
import { GoInt, GoMap, GoObject, goTypeOf, isMap, isSlice, mapEntries, sliceItems } from './values.js';

/** sprig's strval: strings as is, Stringers by String(), else `%v`. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof GoObject) return v.toString();
  return sprintValue(v);
}

export const goValueModel: ValueModel = {
  text: strval,
  typeName: goTypeOf,
  listItems: (v) => (isSlice(v) ? sliceItems(v) : undefined),
  mapEntries: (v) => (isMap(v) ? mapEntries(v) : undefined),
  intValue: (v) => (v instanceof GoInt ? v.v : undefined),
  opaqueText: (v) => (v instanceof GoObject ? v.toString() : undefined),
  isNilCollection: (v) => v instanceof GoMap && v.nil,
};
