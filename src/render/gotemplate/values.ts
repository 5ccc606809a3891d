/**
 * The Go data model the engine evaluates over. Go templates are typed: `eq 1 1.0` is an error,
 * sprig's `add` returns int64 and printing depends on the dynamic type. JSON-like data maps onto
 * Go the way encoding/json decodes into interface{}:
 *
 * | JS value                         | Go value                                  |
 * | -------------------------------- | ----------------------------------------- |
 * | `undefined`                      | the invalid reflect.Value (missing key)   |
 * | `null`                           | a nil interface{} (JSON null)             |
 * | string / boolean / number        | string / bool / float64                   |
 * | `GoInt`                          | int, int64, uint64, ... (a kind + bigint) |
 * | array                            | []interface{}                             |
 * | prototype-less or plain object   | map[string]interface{}                    |
 * | `GoSlice` / `GoMap`              | []string, []int, map[string]string, ...   |
 * | `GoObject`                       | a Go value with methods (*semver.Version) |
 */
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { FunctionFailure } from '../functions/failure.js';

export { sortedKeys } from '../../go/json-format.js';

export type IntKind =
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64';

const INT_BITS: Record<IntKind, [bits: number, signed: boolean]> = {
  int: [64, true],
  int8: [8, true],
  int16: [16, true],
  int32: [32, true],
  int64: [64, true],
  uint: [64, false],
  uint8: [8, false],
  uint16: [16, false],
  uint32: [32, false],
  uint64: [64, false],
};

/** A Go integer: its kind and its value, wrapped to the kind's width like Go arithmetic. */
export class GoInt {
  readonly kind: IntKind;
  readonly v: bigint;
  constructor(kind: IntKind, v: bigint) {
    this.kind = kind;
    const [bits, signed] = INT_BITS[kind];
    this.v = signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
  }
  get unsigned(): boolean {
    return !INT_BITS[this.kind][1];
  }
  toNumber(): number {
    return Number(this.v);
  }
}

export const goInt = (n: number | bigint, kind: IntKind = 'int'): GoInt =>
  new GoInt(kind, typeof n === 'bigint' ? n : BigInt(Math.trunc(n)));
export const int64 = (n: number | bigint): GoInt => goInt(n, 'int64');

/** A slice with a concrete element type other than interface{} ([]string, []int). */
export class GoSlice {
  constructor(
    readonly elem: string,
    readonly items: unknown[],
  ) {}
  /** Methods of a named slice type (Helm's VersionSet.Has); none for a plain slice. */
  methods(): Record<string, GoFunc> {
    return {};
  }
}

/** A map with a concrete value type other than interface{} (map[string]string). */
export class GoMap {
  constructor(
    readonly elem: string,
    readonly entries: PlainObject,
    /** Go's nil map: empty, prints `map[]`, but json.Marshal writes null. */
    readonly nil = false,
  ) {}
  /** Methods of a named map type (Helm's `.Files`); they win over keys, as in Go. */
  methods(): Record<string, GoFunc> {
    return {};
  }
}

/** A Go value with methods, reachable as `.Name` (e.g. *semver.Version). */
export abstract class GoObject {
  abstract readonly goType: string;
  /** Methods callable from a template; each returns a value or throws GoFuncError. */
  abstract methods(): Record<string, GoFunc>;
  /** Exported struct fields, reachable as `.Name` like methods (none by default). */
  fields(): Record<string, unknown> {
    return {};
  }
  /** Printed form (`fmt.Stringer`). */
  abstract toString(): string;
  /**
   * Printed form of a copy (passed to a function, or inside a map or slice): differs from
   * toString when Go's String method has a pointer receiver, which a copy does not have.
   */
  valueText(): string {
    return this.toString();
  }
}

/** A failure inside a function: the engine wraps it as `error calling NAME: MESSAGE`. */
export class GoFuncError extends FunctionFailure {}

/**
 * A parameter type of a template function, as Go's reflection sees it. `any` is interface{};
 * `value` is reflect.Value (the builtins receive the raw value, including invalid/nil).
 */
export type GoParamType = 'any' | 'value' | 'string' | 'bool' | 'float64' | IntKind | string;

/**
 * A function callable from templates. `params` are the fixed parameter types and `variadic` the
 * element type of a trailing `...` parameter. `fn` returns the single result or throws
 * GoFuncError (the `error` second result).
 */
export interface GoFunc {
  params: readonly GoParamType[];
  variadic?: GoParamType;
  fn: (...args: any[]) => unknown;
}

export type GoFuncMap = Record<string, GoFunc>;

export function isMap(v: unknown): v is PlainObject | GoMap {
  return v instanceof GoMap || isPlainObject(v);
}

export function isSlice(v: unknown): v is unknown[] | GoSlice {
  return Array.isArray(v) || v instanceof GoSlice;
}

export function sliceItems(v: unknown[] | GoSlice): unknown[] {
  return v instanceof GoSlice ? v.items : v;
}

export function mapEntries(v: PlainObject | GoMap): PlainObject {
  return v instanceof GoMap ? v.entries : v;
}

/** reflect.Type.String() of a value. `null`/`undefined` have no type (`<nil>`). */
export function goTypeOf(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (v instanceof GoInt) return v.kind;
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoSlice) return `[]${v.elem}`;
  if (v instanceof GoMap) return `map[string]${v.elem}`;
  if (v instanceof GoObject) return v.goType;
  if (isPlainObject(v)) return 'map[string]interface {}';
  return 'interface {}';
}

/** reflect.Kind.String() of a value. */
export function goKindOf(v: unknown): string {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (v instanceof GoInt) return v.kind;
  if (isSlice(v)) return 'slice';
  if (isMap(v)) return 'map';
  if (v instanceof GoObject) return 'ptr';
  return 'interface';
}

/** Go template truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof GoInt) return v.v !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoSlice) return v.items.length > 0;
  if (v instanceof GoMap) return Object.keys(v.entries).length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** Whether a value of this type may be passed where `param` is declared (reflect AssignableTo). */
export function assignable(v: unknown, param: GoParamType): boolean {
  if (param === 'any' || param === 'value') return true;
  return goTypeOf(v) === param;
}

/** The zero value of a parameter type that cannot be nil (for missing arguments it errors). */
export function canBeNil(param: GoParamType): boolean {
  return (
    param === 'any' ||
    param === 'value' ||
    param.startsWith('[]') ||
    param.startsWith('map[') ||
    param.startsWith('*')
  );
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
