/**
 * text/template's predefined functions (funcs.go): and, or, not, len, index, slice, print,
 * printf, println, html, js, urlquery, call and the comparisons. `and`/`or` short-circuit in
 * the evaluator; here they only declare their signature. Parameters typed `value` receive the
 * raw value: `undefined` (no value) or `null` (a nil interface) included.
 */

import { isPlainObject } from '../../util/plain-object.js';
import { sprint, sprintf, sprintln, sprintValue } from './fmt.js';
import {
  GoFuncError,
  type GoFuncMap,
  GoInt,
  GoMap,
  GoObject,
  GoSlice,
  goTypeOf,
  isMap,
  isSlice,
  isTrue,
  mapEntries,
  sliceItems,
  utf8Length,
} from './values.js';

const fail = (msg: string): never => {
  throw new GoFuncError(msg);
};

/** An empty interface unwraps to its content; a nil one to no value. */
const unwrap = (v: unknown) => (v === null ? undefined : v);

type Kind = 'invalid' | 'bool' | 'int' | 'uint' | 'float' | 'string';

function basicKind(v: unknown): Kind {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float';
  if (v instanceof GoInt) return v.unsigned ? 'uint' : 'int';
  return 'invalid';
}

function isNilValue(v: unknown): boolean {
  return v === undefined || v === null;
}

function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  const a = unwrap(arg1);
  if (arg2.length === 0) fail('missing argument for comparison');
  const k1 = basicKind(a);
  for (const raw of arg2) {
    const b = unwrap(raw);
    const k2 = basicKind(b);
    let truth = false;
    if (k1 !== k2) {
      if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) {
        truth = (a as GoInt).v === (b as GoInt).v;
      } else if (a !== undefined && b !== undefined) {
        fail(`incompatible types for comparison: ${goTypeOf(a)} and ${goTypeOf(b)}`);
      }
    } else if (k1 === 'int' || k1 === 'uint') truth = (a as GoInt).v === (b as GoInt).v;
    else if (k1 !== 'invalid') truth = a === b;
    else {
      const kindA = goKind(a);
      const kindB = goKind(b);
      if (kindA !== kindB && a !== undefined && b !== undefined) {
        fail(`non-comparable types ${sprintf('%s', [a])}: ${goTypeOf(a)}, ${goTypeOf(b)}: ${sprintValue(b)}`);
      }
      if (isNilValue(a) || isNilValue(b)) truth = isNilValue(a) === isNilValue(b);
      else {
        if (isSlice(b) || isMap(b)) fail(`non-comparable type ${sprintf('%s', [b])}: ${goTypeOf(b)}`);
        truth = a === b;
      }
    }
    if (truth) return true;
  }
  return false;
}

function goKind(v: unknown): string {
  if (v === undefined) return 'invalid';
  if (isSlice(v)) return 'slice';
  if (isMap(v)) return 'map';
  if (v instanceof GoObject) return 'ptr';
  return typeof v;
}

function lt(arg1: unknown, arg2: unknown): boolean {
  const a = unwrap(arg1);
  const k1 = basicKind(a);
  if (k1 === 'invalid') fail('invalid type for comparison');
  const b = unwrap(arg2);
  const k2 = basicKind(b);
  if (k2 === 'invalid') fail('invalid type for comparison');
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return (a as GoInt).v < (b as GoInt).v;
    if (k1 === 'uint' && k2 === 'int') return (a as GoInt).v < (b as GoInt).v;
    fail(`incompatible types for comparison: ${goTypeOf(a)} and ${goTypeOf(b)}`);
  }
  switch (k1) {
    case 'bool':
      return fail('invalid type for comparison');
    case 'int':
    case 'uint':
      return (a as GoInt).v < (b as GoInt).v;
    case 'float':
      return (a as number) < (b as number);
    default:
      return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0;
  }
}

function le(a: unknown, b: unknown): boolean {
  return lt(a, b) || eq(a, b);
}

function indexArg(index: unknown, cap: number): number {
  let x: bigint;
  if (index instanceof GoInt) x = index.v;
  else if (index === undefined) return fail('cannot index slice/array with nil');
  else return fail(`cannot index slice/array with type ${goTypeOf(index)}`);
  if (x < 0n || x > BigInt(cap)) fail(`index out of range: ${x}`);
  return Number(x);
}

function index(item0: unknown, ...indexes: unknown[]): unknown {
  let item: unknown = unwrap(item0);
  if (item === undefined) fail('index of untyped nil');
  for (const raw of indexes) {
    const idx = unwrap(raw);
    if (item === null) fail('index of nil pointer');
    if (isSlice(item)) {
      const items = sliceItems(item);
      const x = indexArg(idx, items.length);
      if (x === items.length) fail('reflect: slice index out of range');
      item = items[x];
    } else if (typeof item === 'string') {
      const bytes = Buffer.from(item, 'utf8');
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) fail('reflect: string index out of range');
      item = new GoInt('uint8', BigInt(bytes[x]));
    } else if (isMap(item)) {
      if (idx === undefined) fail('value is nil; should be of type string');
      if (typeof idx !== 'string') fail(`value has type ${goTypeOf(idx)}; should be string`);
      const m = mapEntries(item);
      if (Object.hasOwn(m, idx as string)) item = m[idx as string];
      else item = item instanceof GoMap ? (item.elem === 'string' ? '' : null) : null;
    } else fail(`can't index item of type ${goTypeOf(item)}`);
  }
  return item;
}

function slice(item0: unknown, ...indexes: unknown[]): unknown {
  const item = unwrap(item0);
  if (item === undefined) fail('slice of untyped nil');
  if (indexes.length > 3) fail(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) fail('cannot 3-index slice a string');
    len = utf8Length(item);
  } else if (isSlice(item)) len = sliceItems(item).length;
  else return fail(`can't slice item of type ${goTypeOf(item)}`);
  const idx = [0, len, len];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(unwrap(x), len);
  });
  if (idx[0] > idx[1]) fail(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) fail(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(idx[0], idx[1]).toString('utf8');
  const items = sliceItems(item).slice(idx[0], idx[1]);
  return item instanceof GoSlice ? new GoSlice(item.elem, items) : items;
}

function length(item0: unknown): GoInt {
  if (item0 === null) return fail('len of nil pointer');
  const item = item0;
  if (typeof item === 'string') return new GoInt('int', BigInt(utf8Length(item)));
  if (isSlice(item)) return new GoInt('int', BigInt(sliceItems(item).length));
  if (isMap(item)) return new GoInt('int', BigInt(Object.keys(mapEntries(item)).length));
  if (item === undefined) return fail('reflect: call of reflect.Value.Type on zero Value');
  return fail(`len of type ${goTypeOf(item)}`);
}

/** html/js/urlquery's argument handling: one string as is, anything else Sprint-ed. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)));
}

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === '\0'
      ? '\ufffd'
      : c === '"'
        ? '&#34;'
        : c === "'"
          ? '&#39;'
          : c === '&'
            ? '&amp;'
            : c === '<'
              ? '&lt;'
              : '&gt;',
  );
}

const JS_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (c < 0x20) out += `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (c < 0x80) out += ch;
    else if (JS_PRINTABLE.test(ch)) out += ch;
    else out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** url.QueryEscape. */
export function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function call(name: string, fn: unknown): never {
  const f = unwrap(fn);
  if (f === undefined) fail('call of nil');
  return fail(`non-function ${name} of type ${goTypeOf(f)}`);
}

export const builtinFuncs: GoFuncMap = Object.assign(Object.create(null) as GoFuncMap, {
  and: { params: ['value'], variadic: 'value', fn: () => undefined },
  or: { params: ['value'], variadic: 'value', fn: () => undefined },
  not: { params: ['value'], fn: (v: unknown) => !isTrue(v) },
  call: { params: ['value'], variadic: 'value', fn: call },
  html: { params: [], variadic: 'any', fn: (...a: unknown[]) => htmlEscape(evalArgs(a)) },
  js: { params: [], variadic: 'any', fn: (...a: unknown[]) => jsEscape(evalArgs(a)) },
  urlquery: { params: [], variadic: 'any', fn: (...a: unknown[]) => urlQueryEscape(evalArgs(a)) },
  index: { params: ['value'], variadic: 'value', fn: index },
  slice: { params: ['value'], variadic: 'value', fn: slice },
  len: { params: ['value'], fn: length },
  print: { params: [], variadic: 'any', fn: (...a: unknown[]) => sprint(a) },
  printf: { params: ['string'], variadic: 'any', fn: (f: string, ...a: unknown[]) => sprintf(f, a) },
  println: { params: [], variadic: 'any', fn: (...a: unknown[]) => sprintln(a) },
  eq: { params: ['value'], variadic: 'value', fn: eq },
  ne: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !eq(a, b) },
  lt: { params: ['value', 'value'], fn: lt },
  le: { params: ['value', 'value'], fn: le },
  gt: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !le(a, b) },
  ge: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !lt(a, b) },
});

void isPlainObject;
