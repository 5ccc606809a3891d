/**
 * What the shared functions need to know about an engine's values. The chart engine has JSON
 * values (every number a JS number); the Go engine adds typed integers, typed slices and maps
 * and objects with methods. Each engine passes its model; the functions stay one copy.
 */
import type { PlainObject } from '../../util/plain-object.js';

export interface ValueModel {
  /** A value as text: sprig's strval (strings as is, a Stringer's String(), else `%v`). */
  text(v: unknown): string;
  /** The type's name (Go's reflect.Type.String()), for reflect.DeepEqual's same-type rule. */
  typeName(v: unknown): string;
  /** The elements of a list, or undefined when `v` is not a list. */
  listItems(v: unknown): readonly unknown[] | undefined;
  /** The entries of a map, or undefined when `v` is not a map. */
  mapEntries(v: unknown): PlainObject | undefined;
  /** The value of an integer-typed value, or undefined (numbers are float64 in both engines). */
  intValue(v: unknown): bigint | undefined;
  /** The text of a value that is neither data nor scalar (a Go object), or undefined. */
  opaqueText(v: unknown): string | undefined;
  /** A nil map or slice of a typed Go value (json.Marshal writes null), if the engine has them. */
  isNilCollection?(v: unknown): boolean;
}

export const isNil = (v: unknown): v is null | undefined => v === undefined || v === null;

/**
 * A map[string]interface{} (JSON-like map), not a typed map such as map[string]string: the
 * only maps that sprig's merge descends into and dig reads.
 */
export function untypedMap(model: ValueModel, v: unknown): PlainObject | undefined {
  const entries = model.mapEntries(v);
  return entries === v ? entries : undefined;
}
