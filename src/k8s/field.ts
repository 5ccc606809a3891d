/**
 * Field paths and field errors as Kubernetes' apimachinery prints them (kyverno-json reports
 * violations as a field.ErrorList): `spec.containers[0].image`, `Invalid value: "x": detail`.
 */
import { goQuote } from '../go/fmt.js';
import { goValueText, type NumberOrigin } from '../go/values.js';

/** A path, innermost last. `undefined` is the nil root, which prints `<nil>`. */
export type FieldPath = PathNode | undefined;

/** One step of a path: a field name or an index (list position or map key). Fixed shape. */
export interface PathNode {
  readonly parent: FieldPath;
  readonly name: string | undefined;
  readonly index: string | undefined;
}

export const child = (p: FieldPath, name: string): FieldPath => ({ parent: p, name, index: undefined });
export const index = (p: FieldPath, i: number): FieldPath => ({ parent: p, name: undefined, index: `${i}` });
export const key = (p: FieldPath, k: string): FieldPath => ({ parent: p, name: undefined, index: k });

export function pathOf(...names: string[]): FieldPath {
  let p: FieldPath;
  for (const n of names) p = child(p, n);
  return p;
}

export function pathString(p: FieldPath): string {
  if (!p) return '<nil>';
  let s = '';
  for (let q: FieldPath = p; q; q = q.parent) {
    if (q.index !== undefined) s = `[${q.index}]${s}`;
    else s = q.parent ? `.${q.name}${s}` : `${q.name}${s}`;
  }
  return s;
}

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueTypeInvalid'
  | 'InternalError'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueDuplicate';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueDuplicate: 'Duplicate value',
};

/** apimachinery's omitValue: the error body prints no bad value. */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  /** The same path as segments (policy keys as written, list indexes and map keys). */
  readonly segments: Array<string | number>;
  /** The offending value (`""` for Required and Internal, as apimachinery sets it). */
  readonly badValue: unknown;
  readonly detail: string;
  /** The Go type family of the bad value's integers, for printing. */
  readonly origin: NumberOrigin;
}

export function pathSegments(p: FieldPath): Array<string | number> {
  const out: Array<string | number> = [];
  for (let q: FieldPath = p; q; q = q.parent) {
    if (q.index !== undefined) out.push(/^\d+$/.test(q.index) ? Number(q.index) : q.index);
    else out.push(q.name ?? '');
  }
  return out.reverse();
}

/**
 * A field error whose path text is built only when read: match and exclude trees produce many
 * errors that are only counted, never printed. (Fields are assigned in the constructor, not
 * declared with initializers: this is built thousands of times per scan, often before the
 * engine's code is optimized.)
 */
class LazyFieldError implements FieldError {
  declare readonly type: FieldErrorType;
  declare readonly badValue: unknown;
  declare readonly detail: string;
  declare readonly origin: NumberOrigin;
  declare private readonly path: FieldPath;
  declare private fieldText: string | undefined;
  declare private pathParts: Array<string | number> | undefined;
  constructor(
    type: FieldErrorType,
    path: FieldPath,
    badValue: unknown,
    detail: string,
    origin: NumberOrigin,
  ) {
    this.type = type;
    this.path = path;
    this.badValue = badValue;
    this.detail = detail;
    this.origin = origin;
    this.fieldText = undefined;
    this.pathParts = undefined;
  }
  get field(): string {
    if (this.fieldText === undefined) this.fieldText = pathString(this.path);
    return this.fieldText;
  }
  get segments(): Array<string | number> {
    if (this.pathParts === undefined) this.pathParts = pathSegments(this.path);
    return this.pathParts;
  }
}

export const required = (p: FieldPath, detail: string): FieldError =>
  new LazyFieldError('FieldValueRequired', p, '', detail, 'int64');

export const invalid = (p: FieldPath, value: unknown, detail: string, origin: NumberOrigin): FieldError =>
  new LazyFieldError('FieldValueInvalid', p, value, detail, origin);

export const typeInvalid = (p: FieldPath, value: unknown, detail: string, origin: NumberOrigin): FieldError =>
  new LazyFieldError('FieldValueTypeInvalid', p, value, detail, origin);

export const internal = (p: FieldPath, detail: string): FieldError =>
  new LazyFieldError('InternalError', p, undefined, detail, 'int64');

export const forbidden = (p: FieldPath, detail: string): FieldError =>
  new LazyFieldError('FieldValueForbidden', p, '', detail, 'int64');

export const duplicate = (p: FieldPath, value: unknown): FieldError =>
  new LazyFieldError('FieldValueDuplicate', p, value, '', 'int64');

/** field.NotSupported: `supported values: "a", "b"` (each value Go-quoted). */
export const notSupported = (p: FieldPath, value: unknown, supported: readonly string[]): FieldError =>
  new LazyFieldError(
    'FieldValueNotSupported',
    p,
    value,
    supported.length ? `supported values: ${supported.map((v) => goQuote(v)).join(', ')}` : '',
    'int64',
  );

/** field.TooLong with a byte limit (the body never prints the value). */
export const tooLong = (p: FieldPath, value: unknown, maxLength: number): FieldError =>
  new LazyFieldError(
    'FieldValueTooLong',
    p,
    value,
    maxLength >= 0 ? `may not be more than ${maxLength} bytes` : 'value is too long',
    'int64',
  );

/** field.TooMany: `must have at most N items`; an unknown actual count omits the value. */
export const tooMany = (p: FieldPath, actual: number, max: number): FieldError =>
  new LazyFieldError(
    'FieldValueTooMany',
    p,
    actual >= 0 ? actual : OMIT_VALUE,
    max >= 0 ? `must have at most ${max} items` : 'has too many items',
    'int64',
  );

/** A copy of an error with another path, bad value or detail (callers that re-root errors). */
export function withChanges(
  e: FieldError,
  changes: { path?: FieldPath; field?: string; badValue?: unknown; detail?: string },
): FieldError {
  const badValue = 'badValue' in changes ? changes.badValue : e.badValue;
  const detail = changes.detail ?? e.detail;
  if (changes.path !== undefined) return new LazyFieldError(e.type, changes.path, badValue, detail, e.origin);
  return new FixedFieldError(e.type, changes.field ?? e.field, badValue, detail, e.origin);
}

/** An error whose path is already text (paths that field.Path cannot build, such as `value.[1]`). */
class FixedFieldError implements FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
    readonly origin: NumberOrigin,
  ) {}
  get segments(): Array<string | number> {
    return [this.field];
  }
}

/** apimachinery's ErrorBody(). */
export function errorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  if (
    e.type !== 'FieldValueRequired' &&
    e.type !== 'InternalError' &&
    e.type !== 'FieldValueForbidden' &&
    e.type !== 'FieldValueTooLong' &&
    e.badValue !== OMIT_VALUE
  ) {
    const v = e.badValue;
    s += `: ${v === null || v === undefined ? goQuote('null') : goValueText(v, e.origin)}`;
  }
  return e.detail ? `${s}: ${e.detail}` : s;
}

/** apimachinery's Error(): `<field>: <body>`. */
export function errorText(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** An error that stops a rule (kyverno-json returns it as the rule's `error`). */
export class RuleError extends Error {
  declare readonly fieldError: FieldError | undefined;
  constructor(fieldError: FieldError | undefined, message: string) {
    super(message);
    this.fieldError = fieldError;
  }
  /**
   * A rule error for a field error, made without running Error's constructor (no stack trace):
   * rule errors are data (a payload that does not fit a policy), raised thousands of times in a
   * scan. It is still an Error (prototype chain, own `message`).
   */
  static of(e: FieldError): RuleError {
    const err = Object.create(RuleError.prototype) as { fieldError: FieldError; message: string };
    err.fieldError = e;
    err.message = errorText(e);
    return err as RuleError;
  }
}

/**
 * Builds an error without capturing a stack trace: rule errors are data (a payload that does not
 * fit a policy), raised thousands of times in a scan, and V8's stack capture dominated that.
 */
export function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
