/**
 * Decoding a JSON tree into Go types, as encoding/json (sigs.k8s.io/json) does when the API
 * server or a webhook reads an object: a value of the wrong JSON kind is an
 * `UnmarshalTypeError` (`json: cannot unmarshal string into Go struct field
 * JSONSchemaProps.spec.variables.schema.openAPIV3Schema.enum of type []v1.JSON`), and `null`
 * is the Go zero value. Only the fields a type lists are checked; other fields pass through
 * untouched, except in a `closed` struct (one whose every field is listed), which drops them as
 * Go does. The result is a copy in which every listed field has its Go type, so the code
 * reading it after a clean decode never meets a value of the wrong kind.
 */
import {
  child,
  type FieldError,
  type FieldPath,
  index,
  key,
  OMIT_VALUE,
  typeInvalid,
} from '../../k8s/field.js';
import { emptyMap, isPlainObject, type PlainObject } from '../../util/plain-object.js';

export type GoType =
  | { kind: 'string' | 'bool' | 'int64' | 'json' }
  | { kind: 'slice' | 'map'; elem: GoType }
  | {
      kind: 'struct';
      name: string;
      pkg: string;
      fields: () => Record<string, GoType>;
      /** Every field of the Go struct is listed: others are dropped, as decoding drops them. */
      closed: boolean;
    };

export const GO_STRING: GoType = { kind: 'string' };
export const GO_BOOL: GoType = { kind: 'bool' };
export const GO_INT64: GoType = { kind: 'int64' };
/** apiextensionsv1.JSON: any value (`null` included, kept as such). */
export const GO_JSON: GoType = { kind: 'json' };
export const sliceOf = (elem: GoType): GoType => ({ kind: 'slice', elem });
export const mapOf = (elem: GoType): GoType => ({ kind: 'map', elem });
export const struct = (
  pkg: string,
  name: string,
  fields: () => Record<string, GoType>,
  closed = false,
): GoType => ({ kind: 'struct', pkg, name, fields, closed });

/** reflect.Type.String() of the type. */
export function goTypeName(t: GoType): string {
  switch (t.kind) {
    case 'slice':
      return `[]${goTypeName(t.elem)}`;
    case 'map':
      return `map[string]${goTypeName(t.elem)}`;
    case 'struct':
      return `${t.pkg}.${t.name}`;
    case 'json':
      return 'v1.JSON';
    default:
      return t.kind;
  }
}

/** The JSON kind encoding/json names in an UnmarshalTypeError. */
function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** Go's zero value of a type, as it is re-encoded inside a list or map (`null` for JSON). */
function zero(t: GoType): unknown {
  switch (t.kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int64':
      return 0;
    case 'struct':
      return emptyMap();
    case 'slice':
      return [];
    case 'map':
      return emptyMap();
    default:
      return null;
  }
}

interface Context {
  errors: FieldError[];
  /** The innermost struct a field was found in and the JSON names from the root (Go's errorContext). */
  struct: string;
  stack: string[];
}

const fits = (t: GoType, v: unknown): boolean => {
  switch (t.kind) {
    case 'string':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'int64':
      return typeof v === 'number' || typeof v === 'bigint';
    case 'slice':
      return Array.isArray(v);
    case 'map':
    case 'struct':
      return isPlainObject(v);
    default:
      return true;
  }
};

function mismatch(ctx: Context, p: FieldPath, what: string, t: GoType): undefined {
  const where =
    ctx.struct !== '' || ctx.stack.length > 0
      ? `Go struct field ${ctx.struct}.${ctx.stack.join('.')}`
      : 'Go value';
  ctx.errors.push(
    typeInvalid(
      p,
      OMIT_VALUE,
      `json: cannot unmarshal ${what} into ${where} of type ${goTypeName(t)}`,
      'int64',
    ),
  );
  return undefined;
}

const INT64_MAX = 2n ** 63n - 1n;

/** The decoded value, or undefined after a mismatch (recorded in ctx). `v` is not null. */
function decodeValue(t: GoType, v: unknown, p: FieldPath, ctx: Context): unknown {
  if (!fits(t, v)) return mismatch(ctx, p, jsonKind(v), t);
  switch (t.kind) {
    case 'int64': {
      const n = typeof v === 'bigint' ? v : Number.isInteger(v) ? BigInt(v as number) : undefined;
      if (n === undefined || n > INT64_MAX || n < -INT64_MAX - 1n) return mismatch(ctx, p, `number ${v}`, t);
      return v;
    }
    case 'slice': {
      const out: unknown[] = [];
      for (const [i, x] of (v as unknown[]).entries()) {
        if (x === null || x === undefined) out.push(zero(t.elem));
        else out.push(decodeValue(t.elem, x, index(p, i), ctx));
      }
      return out;
    }
    case 'map': {
      const out = emptyMap();
      for (const k of Object.keys(v as PlainObject)) {
        const x = (v as PlainObject)[k];
        out[k] = x === null || x === undefined ? zero(t.elem) : decodeValue(t.elem, x, key(p, k), ctx);
      }
      return out;
    }
    case 'struct': {
      const fields = t.fields();
      const out = emptyMap();
      for (const k of Object.keys(v as PlainObject)) {
        const x = (v as PlainObject)[k];
        const ft = Object.hasOwn(fields, k) ? fields[k] : undefined;
        if (ft === undefined) {
          if (!t.closed) out[k] = x;
          continue;
        }
        // a null field is Go's zero value, which omitempty leaves out when re-encoded
        if (x === null || x === undefined) continue;
        const saved = { struct: ctx.struct, depth: ctx.stack.length };
        ctx.struct = t.name;
        ctx.stack.push(k);
        const d = decodeValue(ft, x, child(p, k), ctx);
        if (d !== undefined) out[k] = d;
        // as encoding/json: after each field, the context is the one the object was entered with
        ctx.stack.length = saved.depth;
        ctx.struct = saved.struct;
      }
      return out;
    }
    default:
      return v;
  }
}

export interface Decoded<T> {
  value: T;
  errors: FieldError[];
}

/** Decode `value` (an object) as the struct type `t`; every error is reported, not only the first. */
export function decodeStruct(t: GoType, value: PlainObject, root: FieldPath): Decoded<PlainObject> {
  const ctx: Context = { errors: [], struct: '', stack: [] };
  const out = decodeValue(t, value, root, ctx);
  return { value: isPlainObject(out) ? out : emptyMap(), errors: ctx.errors };
}
