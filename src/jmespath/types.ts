/** Function signatures, as go-jmespath declares them. */

export type JpType =
  | 'number'
  | 'string'
  | 'array'
  | 'object'
  | 'array[array]'
  | 'array[number]'
  | 'array[string]'
  | 'expref'
  | 'any';

export interface ArgSpec {
  types: JpType[];
  variadic?: boolean;
  optional?: boolean;
}

export interface FunctionEntry {
  name: string;
  /** No arguments declared = no arity or type checks at all (time_now, time_now_utc). */
  args: ArgSpec[];
  handler: (args: unknown[]) => unknown;
}

/** Shorthand for a required argument of the given types. */
export const arg = (...types: JpType[]): ArgSpec => ({ types });
export const opt = (...types: JpType[]): ArgSpec => ({ types, optional: true });
export const variadic = (...types: JpType[]): ArgSpec => ({ types, variadic: true });
