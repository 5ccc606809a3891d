/**
 * sprig v3.3.0's `HermeticTxtFuncMap()`: sprig's generic map minus its non-hermetic list
 * (date, date_in_zone, date_modify, now, htmlDate, htmlDateInZone, dateInZone, dateModify,
 * randAlphaNum, randAlpha, randAscii, randNumeric, randBytes, uuidv4, env, expandenv,
 * getHostByName). Each function declares sprig's Go signature, so argument errors match Go.
 *
 * Functions that are in that map but are not deterministic or not implemented here are present
 * (so templates parse as in Go) and fail when called with `sprig function NAME is not supported
 * by clustermint (REASON)`; see UNSUPPORTED.
 */
import { createHash } from 'node:crypto';
import { compileRe2, type RE2JS } from '../../go/re2.js';
import { emptyMap, isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { goPathBase, goPathClean, goPathDir } from '../chart/functions.js';
import { semverCompare as chartSemverCompare } from '../chart/semver.js';
import { sprintf, sprintValue } from './fmt.js';
import {
  compareGoStrings,
  type GoFunc,
  GoFuncError,
  type GoFuncMap,
  GoInt,
  GoMap,
  GoObject,
  GoSlice,
  goKindOf,
  goTypeOf,
  int64,
  isMap,
  isSlice,
  mapEntries,
  sliceItems,
  sortedKeys,
} from './values.js';

const fail = (msg: string): never => {
  throw new GoFuncError(msg);
};
const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

const f = (params: GoFunc['params'], fn: GoFunc['fn'], variadic?: string): GoFunc =>
  variadic === undefined ? { params, fn } : { params, variadic, fn };

const newMap = (): PlainObject => emptyMap();

// --- conversions (sprig's strval, spf13/cast)

/** sprig's strval: strings as is, Stringers, else `%v`. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof GoObject) return v.toString();
  return sprintValue(v);
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** cast.ToInt64: numbers truncate, strings parse (base prefixes, "1.0"), anything else 0. */
export function toInt64(v: unknown): bigint {
  if (v instanceof GoInt) return v.v;
  if (typeof v === 'number')
    return Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : -(2n ** 63n);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    const s = trimZeroDecimal(v);
    const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]*|[1-9][0-9_]*)$/.exec(s);
    if (!m || /__|_$/.test(m[2])) return 0n;
    let body = m[2].replace(/_/g, '');
    if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
    if (/^0[oO]$/.test(body)) return 0n;
    const n = BigInt(body) * (m[1] === '-' ? -1n : 1n);
    return n >= -(2n ** 63n) && n < 2n ** 63n ? n : 0n;
  }
  return 0n;
}

/** cast.ToFloat64. */
export function toFloat64(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoInt) return Number(v.v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.replace(/_/g, '');
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^_|_$/.test(v)) return Number(s);
    if (/^[+-]?(inf|infinity)$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
    if (/^nan$/i.test(v)) return Number.NaN;
    return 0;
  }
  return 0;
}

/** sprig's empty (reflect-based emptiness). */
export function empty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.length === 0;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v === 0;
  if (v instanceof GoInt) return v.v === 0n;
  if (isSlice(v)) return sliceItems(v).length === 0;
  if (isMap(v)) return Object.keys(mapEntries(v)).length === 0;
  return false;
}

/** reflect.DeepEqual over the value model. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (goTypeOf(a) !== goTypeOf(b)) return false;
  if (a instanceof GoInt) return a.v === (b as GoInt).v;
  if (isSlice(a)) {
    const x = sliceItems(a);
    const y = sliceItems(b as unknown[]);
    return x.length === y.length && x.every((e, i) => deepEqual(e, y[i]));
  }
  if (isMap(a)) {
    const x = mapEntries(a);
    const y = mapEntries(b as PlainObject);
    const kx = Object.keys(x);
    return (
      kx.length === Object.keys(y).length && kx.every((k) => Object.hasOwn(y, k) && deepEqual(x[k], y[k]))
    );
  }
  return false;
}

/** The slice elements of a list argument, or sprig's "Cannot X on type KIND" error. */
function listOf(v: unknown, what: string): unknown[] {
  if (v === null || v === undefined) fail(NIL_DEREF);
  if (isSlice(v)) return sliceItems(v);
  if (typeof v === 'string' && what === '') return [];
  return fail(`${what} ${goKindOf(v)}`);
}

function strslice(v: unknown): GoSlice {
  if (v instanceof GoSlice && v.elem === 'string') return v;
  if (isSlice(v))
    return new GoSlice(
      'string',
      sliceItems(v)
        .filter((e) => e !== null && e !== undefined)
        .map(strval),
    );
  if (v === null || v === undefined) return new GoSlice('string', []);
  return new GoSlice('string', [strval(v)]);
}

// --- JSON (encoding/json)

function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20) {
      out +=
        ch === '\n'
          ? '\\n'
          : ch === '\r'
            ? '\\r'
            : ch === '\t'
              ? '\\t'
              : `\\u00${c.toString(16).padStart(2, '0')}`;
    } else if (escapeHTML && (ch === '<' || ch === '>' || ch === '&')) out += `\\u00${c.toString(16)}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

function jsonFloat(x: number): string {
  if (!Number.isFinite(x)) fail(`json: unsupported value: ${sprintValue(x)}`);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return x
      .toExponential()
      .replace(/e([+-])(\d)$/, 'e$1$2')
      .replace('e+', 'e+');
  }
  return String(x);
}

export function toJsonText(v: unknown, escapeHTML: boolean, indent = '', prefix = ''): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return jsonString(v, escapeHTML);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return jsonFloat(v);
  if (v instanceof GoInt) return v.v.toString();
  const inner = prefix + indent;
  const nl = indent ? `\n${inner}` : '';
  const end = indent ? `\n${prefix}` : '';
  if (isSlice(v)) {
    const items = sliceItems(v);
    if (items.length === 0) return '[]';
    return `[${nl}${items.map((e) => toJsonText(e, escapeHTML, indent, inner)).join(`,${nl}`)}${end}]`;
  }
  if (isMap(v)) {
    const m = mapEntries(v);
    const keys = sortedKeys(m);
    if (keys.length === 0) return '{}';
    const sep = indent ? ': ' : ':';
    return `{${nl}${keys
      .map((k) => `${jsonString(k, escapeHTML)}${sep}${toJsonText(m[k], escapeHTML, indent, inner)}`)
      .join(`,${nl}`)}${end}}`;
  }
  if (v instanceof GoObject) return jsonString(v.toString(), escapeHTML);
  return 'null';
}

function fromJsonValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJsonValue);
  if (isPlainObject(v)) {
    const out = newMap();
    for (const k of Object.keys(v)) out[k] = fromJsonValue(v[k]);
    return out;
  }
  return v;
}

function mustFromJson(s: string): unknown {
  try {
    return fromJsonValue(JSON.parse(s));
  } catch (e) {
    // encoding/json's wording for the common cases.
    const t = s.trimStart();
    if (t === '' || /end of JSON input/.test((e as Error).message))
      return fail('unexpected end of JSON input');
    if (!/^[-0-9"[{tfn]/.test(t))
      return fail(
        `invalid character ${sprintf('%q', [new GoInt('int32', BigInt(t.codePointAt(0)!))])} looking for beginning of value`,
      );
    return fail(`invalid JSON: ${(e as Error).message}`);
  }
}

// --- regular expressions (Go's regexp is RE2)

const regexCache = new Map<string, RE2JS>();
function re(pattern: string): RE2JS {
  let r = regexCache.get(pattern);
  if (!r) {
    try {
      r = compileRe2(pattern);
    } catch (e) {
      return fail(`error parsing regexp: ${(e as Error).message}`);
    }
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(pattern, r);
  }
  return r;
}

function findAll(pattern: string, s: string, n: number): string[] {
  const m = re(pattern).matcher(s);
  const out: string[] = [];
  while ((n < 0 || out.length < n) && m.find()) out.push(m.group() ?? '');
  return out;
}

function replaceAll(pattern: string, s: string, repl: string, literal: boolean): string {
  const m = re(pattern).matcher(s);
  let out = '';
  let last = 0;
  while (m.find()) {
    out += s.slice(last, m.start());
    out += literal
      ? repl
      : repl.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (_x, all: string, braced?: string, bare?: string) => {
          if (all === '$') return '$';
          const ref = braced ?? bare ?? '';
          try {
            return (/^\d+$/.test(ref) ? m.group(Number(ref)) : m.group(ref)) ?? '';
          } catch {
            return '';
          }
        });
    last = m.end();
  }
  return out + s.slice(last);
}

function regexSplit(pattern: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (pattern.length > 0 && s.length === 0) return [''];
  const m = re(pattern).matcher(s);
  const out: string[] = [];
  let beg = 0;
  while (m.find()) {
    if (n > 0 && out.length === n - 1) break;
    const end = m.start();
    if (m.end() === 0) continue;
    out.push(s.slice(beg, end));
    beg = m.end();
  }
  out.push(s.slice(beg));
  return out;
}

// --- strings

function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = !/[\p{L}\p{Nd}_]/u.test(prev) && !/[\p{Mn}]/u.test(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function goTrim(s: string, cutset: string): string {
  const set = new Set(cutset);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && set.has(chars[a])) a++;
  while (b > a && set.has(chars[b - 1])) b--;
  return chars.slice(a, b).join('');
}

/** Byte-indexed substring as Go's s[a:b]; panics like Go when out of range. */
function byteSlice(s: string, a: number, b?: number): string {
  const buf = Buffer.from(s, 'utf8');
  const end = b ?? buf.length;
  if (a < 0 || end > buf.length || a > end) fail(`runtime error: slice bounds out of range [${a}:${end}]`);
  return buf.subarray(a, end).toString('utf8');
}

function trunc(c: number, s: string): string {
  const len = Buffer.byteLength(s);
  if (c < 0 && len + c > 0) return byteSlice(s, len + c);
  if (c >= 0 && len > c) return byteSlice(s, 0, c);
  return s;
}

function substr(start: number, end: number, s: string): string {
  if (start < 0) return byteSlice(s, 0, end);
  if (end < 0 || end > Buffer.byteLength(s)) return byteSlice(s, start);
  return byteSlice(s, start, end);
}

function indent(n: number, s: string): string {
  const pad = ' '.repeat(Math.max(0, n));
  return pad + s.replaceAll('\n', `\n${pad}`);
}

function initials(s: string): string {
  return s
    .split(/[\s]+/u)
    .filter(Boolean)
    .map((w) => [...w][0])
    .join('');
}

function b64dec(s: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    const bad = s.search(/[^A-Za-z0-9+/=]/);
    return `illegal base64 data at input byte ${bad >= 0 ? bad : Math.max(0, s.length - (s.length % 4))}`;
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function b32enc(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

function b32dec(s: string): string {
  const body = s.replace(/=+$/, '');
  if (s.length % 8 !== 0 || /[^A-Z2-7]/.test(body)) {
    const bad = s.search(/[^A-Z2-7=]/);
    return `illegal base32 data at input byte ${Math.max(bad, 0)}`;
  }
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of body) {
    value = (value << 5) | B32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out).toString('utf8');
}

function adler32(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

const hash = (alg: string) => (s: string) => createHash(alg).update(s, 'utf8').digest('hex');

// --- numbers

function untilStep(start: number, stop: number, step: number): GoSlice {
  const v: GoInt[] = [];
  const LIMIT = 1_000_000;
  if (stop < start) {
    if (step >= 0) return new GoSlice('int', v);
    for (let i = start; i > stop; i += step) {
      if (v.length >= LIMIT) fail(`untilStep: more than ${LIMIT} elements`);
      v.push(new GoInt('int', BigInt(i)));
    }
    return new GoSlice('int', v);
  }
  if (step <= 0) return new GoSlice('int', v);
  for (let i = start; i < stop; i += step) {
    if (v.length >= LIMIT) fail(`untilStep: more than ${LIMIT} elements`);
    v.push(new GoInt('int', BigInt(i)));
  }
  return new GoSlice('int', v);
}

function seq(...params: GoInt[]): string {
  const p = params.map((x) => x.toNumber());
  let r: GoSlice;
  if (p.length === 1) {
    const inc = p[0] < 1 ? -1 : 1;
    r = untilStep(1, p[0] + inc, inc);
  } else if (p.length === 2) {
    const step = p[1] < p[0] ? -1 : 1;
    r = untilStep(p[0], p[1] + step, step);
  } else if (p.length === 3) {
    let inc = 1;
    if (p[2] < p[0]) {
      inc = -1;
      if (p[1] > 0) return '';
    }
    r = untilStep(p[0], p[2] + inc, p[1]);
  } else return '';
  return r.items.map((x) => (x as GoInt).v.toString()).join(' ');
}

/** shopspring/decimal arithmetic on float64 inputs, back to float64 (exact for + - *). */
function decimalOp(a: unknown, rest: unknown[], op: '+' | '-' | '*' | '/'): number {
  let acc = toFloat64(a);
  for (const x of rest) {
    const b = toFloat64(x);
    if (op === '/' && b === 0) fail('decimal division by 0');
    acc = decimalApply(acc, b, op);
  }
  return acc;
}

function decimalApply(a: number, b: number, op: '+' | '-' | '*' | '/'): number {
  // Shortest decimal representations, combined exactly as decimals (like decimal.NewFromFloat).
  const [ma, ea] = toDecimal(a);
  const [mb, eb] = toDecimal(b);
  if (op === '*') return Number(`${ma * mb}e${ea + eb}`);
  if (op === '/') return Number(`${ma}e${ea}`) / Number(`${mb}e${eb}`);
  const e = Math.min(ea, eb);
  const xa = ma * 10n ** BigInt(ea - e);
  const xb = mb * 10n ** BigInt(eb - e);
  return Number(`${op === '+' ? xa + xb : xa - xb}e${e}`);
}

function toDecimal(x: number): [bigint, number] {
  if (!Number.isFinite(x)) fail(`Cannot create a Decimal from ${sprintValue(x)}`);
  const [m, e] = x.toExponential().split('e');
  const digits = m.replace('.', '').replace('-', '');
  const frac = m.includes('.') ? m.split('.')[1].length : 0;
  return [BigInt((x < 0 ? '-' : '') + digits), Number(e) - frac];
}

function round(a: unknown, p: GoInt, ...rOpt: number[]): number {
  const roundOn = rOpt.length > 0 ? rOpt[0] : 0.5;
  const val = toFloat64(a);
  const pow = 10 ** p.toNumber();
  const digit = pow * val;
  const div = digit - Math.trunc(digit);
  return (div >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

const bigMax = (a: bigint, b: bigint) => (a < b ? b : a);
const bigMin = (a: bigint, b: bigint) => (a < b ? a : b);

function goIntDiv(a: bigint, b: bigint, op: 'div' | 'mod'): GoInt {
  if (b === 0n) fail('runtime error: integer divide by zero');
  return int64(op === 'div' ? a / b : a % b);
}

// --- dicts

function dict(...kv: unknown[]): PlainObject {
  const out = newMap();
  for (let i = 0; i < kv.length; i += 2) out[strval(kv[i])] = i + 1 < kv.length ? kv[i + 1] : '';
  return out;
}

function asDict(v: unknown): PlainObject {
  return v === null ? newMap() : (v as PlainObject);
}

/** mergo.Merge (overwrite=false) / MergeWithOverwrite for map[string]interface{} values. */
function mergeInto(dst: PlainObject, src: PlainObject, overwrite: boolean): void {
  for (const k of Object.keys(src)) {
    const s = src[k];
    const d = dst[k];
    if (Object.hasOwn(dst, k) && isPlainObject(d) && isPlainObject(s)) {
      mergeInto(d, s, overwrite);
    } else if (!Object.hasOwn(dst, k) || empty(d)) {
      if (!(overwrite && empty(s) && Object.hasOwn(dst, k))) dst[k] = s;
    } else if (overwrite && !empty(s)) dst[k] = s;
  }
}

function dig(...ps: unknown[]): unknown {
  if (ps.length < 3) fail('dig needs at least three arguments');
  let d = ps[ps.length - 1];
  const def = ps[ps.length - 2];
  const keys = ps.slice(0, -2);
  for (let i = 0; i < keys.length; i++) {
    if (!isPlainObject(d))
      fail(`interface conversion: interface {} is ${goTypeOf(d)}, not map[string]interface {}`);
    const k = keys[i];
    if (typeof k !== 'string') fail(`interface conversion: interface {} is ${goTypeOf(k)}, not string`);
    const m = d as PlainObject;
    if (!Object.hasOwn(m, k as string)) return def;
    d = m[k as string];
  }
  return d;
}

// --- the map

const listFn = (name: string, fn: (l: unknown[]) => unknown, what: string): [string, GoFunc][] => {
  const g = f(['any'], (l: unknown) => fn(listOf(l, what)));
  return [
    [name, g],
    [`must${name[0].toUpperCase()}${name.slice(1)}`, g],
  ];
};

const unsupported = (name: string, reason: string): GoFunc =>
  f([], () => fail(`sprig function ${name} is not supported by clustermint (${reason})`), 'any');

/** Functions of sprig's hermetic map that clustermint does not run, and why. */
export const UNSUPPORTED: Record<string, string> = {
  ago: 'reads the clock',
  duration: 'time values are not modelled',
  durationRound: 'time values are not modelled',
  toDate: 'time values are not modelled',
  mustToDate: 'time values are not modelled',
  unixEpoch: 'time values are not modelled',
  must_date_modify: 'time values are not modelled',
  mustDateModify: 'time values are not modelled',
  randInt: 'random',
  shuffle: 'random',
  bcrypt: 'random salt',
  htpasswd: 'random salt',
  genPrivateKey: 'random',
  derivePassword: 'not implemented',
  buildCustomCert: 'not implemented',
  genCA: 'random',
  genCAWithKey: 'random',
  genSelfSignedCert: 'random',
  genSelfSignedCertWithKey: 'random',
  genSignedCert: 'random',
  genSignedCertWithKey: 'random',
  encryptAES: 'random IV',
  decryptAES: 'not implemented',
  semver: 'version objects are not modelled; use semverCompare',
  urlParse: 'not implemented',
  urlJoin: 'not implemented',
  snakecase: 'not implemented',
  camelcase: 'not implemented',
  kebabcase: 'not implemented',
  swapcase: 'not implemented',
  wrap: 'not implemented',
  wrapWith: 'not implemented',
  abbrev: 'not implemented',
  abbrevboth: 'not implemented',
  deepCopy: 'not implemented',
  mustDeepCopy: 'not implemented',
};

const entries: [string, GoFunc][] = [
  ['hello', f([], () => 'Hello!')],
  // strings
  ['trunc', f(['int', 'string'], (c: GoInt, s: string) => trunc(c.toNumber(), s))],
  ['trim', f(['string'], (s: string) => s.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, ''))],
  ['upper', f(['string'], (s: string) => s.toUpperCase())],
  ['lower', f(['string'], (s: string) => s.toLowerCase())],
  ['title', f(['string'], title)],
  ['untitle', f(['string'], (s: string) => (s ? s[0].toLowerCase() + s.slice(1) : s))],
  [
    'substr',
    f(['int', 'int', 'string'], (a: GoInt, b: GoInt, s: string) => substr(a.toNumber(), b.toNumber(), s)),
  ],
  [
    'repeat',
    f(['int', 'string'], (c: GoInt, s: string) => {
      if (c.v < 0n) fail('strings: negative Repeat count');
      if (BigInt(s.length) * c.v > 10_000_000n) fail('strings: Repeat output length overflow');
      return s.repeat(c.toNumber());
    }),
  ],
  ['trimall', f(['string', 'string'], (a: string, b: string) => goTrim(b, a))],
  ['trimAll', f(['string', 'string'], (a: string, b: string) => goTrim(b, a))],
  [
    'trimSuffix',
    f(['string', 'string'], (a: string, b: string) =>
      a && b.endsWith(a) ? b.slice(0, b.length - a.length) : b,
    ),
  ],
  [
    'trimPrefix',
    f(['string', 'string'], (a: string, b: string) => (a && b.startsWith(a) ? b.slice(a.length) : b)),
  ],
  ['nospace', f(['string'], (s: string) => s.replace(/\s/gu, ''))],
  ['initials', f(['string'], initials)],
  ['contains', f(['string', 'string'], (sub: string, s: string) => s.includes(sub))],
  ['hasPrefix', f(['string', 'string'], (p: string, s: string) => s.startsWith(p))],
  ['hasSuffix', f(['string', 'string'], (p: string, s: string) => s.endsWith(p))],
  [
    'quote',
    f(
      [],
      (...vs: unknown[]) =>
        vs
          .filter((v) => v !== null)
          .map((v) => sprintf('%q', [strval(v)]))
          .join(' '),
      'any',
    ),
  ],
  [
    'squote',
    f(
      [],
      (...vs: unknown[]) =>
        vs
          .filter((v) => v !== null)
          .map((v) => `'${sprintValue(v)}'`)
          .join(' '),
      'any',
    ),
  ],
  [
    'cat',
    f(
      [],
      (...vs: unknown[]) => {
        const kept = vs.filter((v) => v !== null);
        return sprintf(kept.map(() => '%v').join(' '), kept);
      },
      'any',
    ),
  ],
  ['indent', f(['int', 'string'], (n: GoInt, s: string) => indent(n.toNumber(), s))],
  ['nindent', f(['int', 'string'], (n: GoInt, s: string) => `\n${indent(n.toNumber(), s)}`)],
  ['replace', f(['string', 'string', 'string'], (o: string, n: string, s: string) => s.replaceAll(o, n))],
  [
    'plural',
    f(['string', 'string', 'int'], (one: string, many: string, c: GoInt) => (c.v === 1n ? one : many)),
  ],
  ['sha1sum', f(['string'], hash('sha1'))],
  ['sha256sum', f(['string'], hash('sha256'))],
  ['sha512sum', f(['string'], hash('sha512'))],
  ['adler32sum', f(['string'], adler32)],
  ['toString', f(['any'], strval)],
  // conversions
  [
    'atoi',
    f(['string'], (s: string) => new GoInt('int', /^[+-]?\d+$/.test(s) ? BigInt.asIntN(64, BigInt(s)) : 0n)),
  ],
  ['int64', f(['any'], (v: unknown) => int64(toInt64(v)))],
  ['int', f(['any'], (v: unknown) => new GoInt('int', toInt64(v)))],
  ['float64', f(['any'], toFloat64)],
  ['seq', f([], seq, 'int')],
  [
    'toDecimal',
    f(['any'], (v: unknown) => {
      const s = sprintValue(v);
      return int64(
        /^[+-]?[0-7]+$/.test(s)
          ? BigInt.asIntN(64, BigInt(`${s.startsWith('-') ? '-' : ''}0o${s.replace(/^[+-]/, '')}`))
          : 0n,
      );
    }),
  ],
  [
    'split',
    f(['string', 'string'], (sep: string, s: string) => {
      const out = newMap();
      goSplit(s, sep, -1).forEach((p, i) => {
        out[`_${i}`] = p;
      });
      return new GoMap('string', out);
    }),
  ],
  [
    'splitList',
    f(['string', 'string'], (sep: string, s: string) => new GoSlice('string', goSplit(s, sep, -1))),
  ],
  [
    'splitn',
    f(['string', 'int', 'string'], (sep: string, n: GoInt, s: string) => {
      const out = newMap();
      goSplit(s, sep, n.toNumber()).forEach((p, i) => {
        out[`_${i}`] = p;
      });
      return new GoMap('string', out);
    }),
  ],
  ['toStrings', f(['any'], strslice)],
  ['until', f(['int'], (c: GoInt) => untilStep(0, c.toNumber(), c.v < 0n ? -1 : 1))],
  [
    'untilStep',
    f(['int', 'int', 'int'], (a: GoInt, b: GoInt, c: GoInt) =>
      untilStep(a.toNumber(), b.toNumber(), c.toNumber()),
    ),
  ],
  // integer math (int64)
  ['add1', f(['any'], (v: unknown) => int64(toInt64(v) + 1n))],
  ['add', f([], (...vs: unknown[]) => int64(vs.reduce((s: bigint, v) => s + toInt64(v), 0n)), 'any')],
  ['sub', f(['any', 'any'], (a: unknown, b: unknown) => int64(toInt64(a) - toInt64(b)))],
  ['div', f(['any', 'any'], (a: unknown, b: unknown) => goIntDiv(toInt64(a), toInt64(b), 'div'))],
  ['mod', f(['any', 'any'], (a: unknown, b: unknown) => goIntDiv(toInt64(a), toInt64(b), 'mod'))],
  [
    'mul',
    f(
      ['any'],
      (a: unknown, ...vs: unknown[]) => int64(vs.reduce((s: bigint, v) => s * toInt64(v), toInt64(a))),
      'any',
    ),
  ],
  ['add1f', f(['any'], (v: unknown) => decimalOp(v, [new GoInt('int', 1n)], '+'))],
  ['addf', f([], (...vs: unknown[]) => decimalOp(0, vs, '+'), 'any')],
  ['subf', f(['any'], (a: unknown, ...vs: unknown[]) => decimalOp(a, vs, '-'), 'any')],
  ['divf', f(['any'], (a: unknown, ...vs: unknown[]) => decimalOp(a, vs, '/'), 'any')],
  ['mulf', f(['any'], (a: unknown, ...vs: unknown[]) => decimalOp(a, vs, '*'), 'any')],
  [
    'biggest',
    f(['any'], (a: unknown, ...vs: unknown[]) => int64(vs.map(toInt64).reduce(bigMax, toInt64(a))), 'any'),
  ],
  [
    'max',
    f(['any'], (a: unknown, ...vs: unknown[]) => int64(vs.map(toInt64).reduce(bigMax, toInt64(a))), 'any'),
  ],
  [
    'min',
    f(['any'], (a: unknown, ...vs: unknown[]) => int64(vs.map(toInt64).reduce(bigMin, toInt64(a))), 'any'),
  ],
  [
    'maxf',
    f(
      ['any'],
      (a: unknown, ...vs: unknown[]) => vs.map(toFloat64).reduce((m, x) => Math.max(m, x), toFloat64(a)),
      'any',
    ),
  ],
  [
    'minf',
    f(
      ['any'],
      (a: unknown, ...vs: unknown[]) => vs.map(toFloat64).reduce((m, x) => Math.min(m, x), toFloat64(a)),
      'any',
    ),
  ],
  ['ceil', f(['any'], (v: unknown) => Math.ceil(toFloat64(v)))],
  ['floor', f(['any'], (v: unknown) => Math.floor(toFloat64(v)))],
  ['round', f(['any', 'int'], round, 'float64')],
  // string lists
  ['join', f(['string', 'any'], (sep: string, v: unknown) => strslice(v).items.join(sep))],
  [
    'sortAlpha',
    f(['any'], (v: unknown) =>
      isSlice(v)
        ? new GoSlice('string', [...(strslice(v).items as string[])].sort(compareGoStrings))
        : new GoSlice('string', [strval(v)]),
    ),
  ],
  // defaults and flow
  [
    'default',
    f(
      ['any'],
      (d: unknown, ...given: unknown[]) => (given.length === 0 || empty(given[0]) ? d : given[0]),
      'any',
    ),
  ],
  ['empty', f(['any'], empty)],
  ['coalesce', f([], (...vs: unknown[]) => vs.find((v) => !empty(v)) ?? null, 'any')],
  ['all', f([], (...vs: unknown[]) => vs.every((v) => !empty(v)), 'any')],
  ['any', f([], (...vs: unknown[]) => vs.some((v) => !empty(v)), 'any')],
  ...listFn('compact', (l) => l.filter((e) => !empty(e)), 'Cannot compact on type'),
  [
    'fromJson',
    f(['string'], (s: string) => {
      try {
        return mustFromJson(s);
      } catch {
        return null;
      }
    }),
  ],
  ['mustFromJson', f(['string'], mustFromJson)],
  ['toJson', f(['any'], (v: unknown) => toJsonText(v, true))],
  ['mustToJson', f(['any'], (v: unknown) => toJsonText(v, true))],
  ['toPrettyJson', f(['any'], (v: unknown) => toJsonText(v, true, '  '))],
  ['mustToPrettyJson', f(['any'], (v: unknown) => toJsonText(v, true, '  '))],
  ['toRawJson', f(['any'], (v: unknown) => toJsonText(v, false))],
  ['mustToRawJson', f(['any'], (v: unknown) => toJsonText(v, false))],
  ['ternary', f(['any', 'any', 'bool'], (a: unknown, b: unknown, c: boolean) => (c ? a : b))],
  // reflection
  ['typeOf', f(['any'], goTypeOf)],
  ['typeIs', f(['string', 'any'], (t: string, v: unknown) => t === goTypeOf(v))],
  [
    'typeIsLike',
    f(['string', 'any'], (t: string, v: unknown) => t === goTypeOf(v) || `*${t}` === goTypeOf(v)),
  ],
  ['kindOf', f(['any'], goKindOf)],
  ['kindIs', f(['string', 'any'], (t: string, v: unknown) => t === goKindOf(v))],
  ['deepEqual', f(['any', 'any'], deepEqual)],
  // paths (slash-separated on every OS, as on Linux)
  ['base', f(['string'], goPathBase)],
  ['dir', f(['string'], goPathDir)],
  ['clean', f(['string'], goPathClean)],
  ['ext', f(['string'], pathExt)],
  ['isAbs', f(['string'], (p: string) => p.startsWith('/'))],
  ['osBase', f(['string'], goPathBase)],
  ['osClean', f(['string'], goPathClean)],
  ['osDir', f(['string'], goPathDir)],
  ['osExt', f(['string'], pathExt)],
  ['osIsAbs', f(['string'], (p: string) => p.startsWith('/'))],
  // encoding
  ['b64enc', f(['string'], (s: string) => Buffer.from(s, 'utf8').toString('base64'))],
  ['b64dec', f(['string'], b64dec)],
  ['b32enc', f(['string'], b32enc)],
  ['b32dec', f(['string'], b32dec)],
  // dicts
  ['tuple', f([], (...vs: unknown[]) => vs, 'any')],
  ['list', f([], (...vs: unknown[]) => vs, 'any')],
  ['dict', f([], dict, 'any')],
  [
    'get',
    f(['map[string]interface {}', 'string'], (d: PlainObject | null, k: string) =>
      d && Object.hasOwn(d, k) ? d[k] : '',
    ),
  ],
  [
    'set',
    f(['map[string]interface {}', 'string', 'any'], (d: PlainObject | null, k: string, v: unknown) => {
      if (d === null) fail('assignment to entry in nil map');
      d![k] = v;
      return d;
    }),
  ],
  [
    'unset',
    f(['map[string]interface {}', 'string'], (d: PlainObject | null, k: string) => {
      if (d) delete d[k];
      return d;
    }),
  ],
  [
    'hasKey',
    f(
      ['map[string]interface {}', 'string'],
      (d: PlainObject | null, k: string) => !!d && Object.hasOwn(d, k),
    ),
  ],
  [
    'pluck',
    f(
      ['string'],
      (k: string, ...ds: (PlainObject | null)[]) =>
        ds.filter((d) => d && Object.hasOwn(d, k)).map((d) => d![k]),
      'map[string]interface {}',
    ),
  ],
  [
    'keys',
    f(
      [],
      (...ds: (PlainObject | null)[]) =>
        new GoSlice(
          'string',
          ds.flatMap((d) => Object.keys(asDict(d))),
        ),
      'map[string]interface {}',
    ),
  ],
  [
    'pick',
    f(
      ['map[string]interface {}'],
      (d: PlainObject | null, ...ks: string[]) => {
        const out = newMap();
        for (const k of ks) if (d && Object.hasOwn(d, k)) out[k] = d[k];
        return out;
      },
      'string',
    ),
  ],
  [
    'omit',
    f(
      ['map[string]interface {}'],
      (d: PlainObject | null, ...ks: string[]) => {
        const out = newMap();
        for (const k of Object.keys(asDict(d))) if (!ks.includes(k)) out[k] = d![k];
        return out;
      },
      'string',
    ),
  ],
  ...(['merge', 'mustMerge', 'mergeOverwrite', 'mustMergeOverwrite'] as const).map(
    (name): [string, GoFunc] => [
      name,
      f(
        ['map[string]interface {}'],
        (dst: PlainObject | null, ...srcs: (PlainObject | null)[]) => {
          const d = dst ?? newMap();
          for (const s of srcs) if (s) mergeInto(d, s, name.toLowerCase().includes('overwrite'));
          return d;
        },
        'map[string]interface {}',
      ),
    ],
  ),
  ['values', f(['map[string]interface {}'], (d: PlainObject | null) => Object.values(asDict(d)))],
  ['dig', f([], dig, 'any')],
  // lists
  ...(['append', 'push', 'mustAppend', 'mustPush'] as const).map((name): [string, GoFunc] => [
    name,
    f(['any', 'any'], (l: unknown, v: unknown) => [...listOf(l, 'Cannot push on type'), v]),
  ]),
  ...listFn('first', (l) => (l.length ? l[0] : null), 'Cannot find first on type'),
  ...listFn('last', (l) => (l.length ? l[l.length - 1] : null), 'Cannot find last on type'),
  ...listFn('rest', (l) => l.slice(1), 'Cannot find rest on type'),
  ...listFn('initial', (l) => l.slice(0, -1), 'Cannot find initial on type'),
  ...listFn('reverse', (l) => [...l].reverse(), 'Cannot find reverse on type'),
  ...listFn(
    'uniq',
    (l) => {
      const out: unknown[] = [];
      for (const e of l) if (!out.some((o) => deepEqual(o, e))) out.push(e);
      return out;
    },
    'Cannot find uniq on type',
  ),
  ...(['prepend', 'mustPrepend'] as const).map((name): [string, GoFunc] => [
    name,
    f(['any', 'any'], (l: unknown, v: unknown) => [v, ...listOf(l, 'Cannot prepend on type')]),
  ]),
  ...(['without', 'mustWithout'] as const).map((name): [string, GoFunc] => [
    name,
    f(
      ['any'],
      (l: unknown, ...omit: unknown[]) =>
        listOf(l, 'Cannot find without on type').filter((e) => !omit.some((o) => deepEqual(o, e))),
      'any',
    ),
  ]),
  ...(['has', 'mustHas'] as const).map((name): [string, GoFunc] => [
    name,
    f(['any', 'any'], (needle: unknown, hay: unknown) =>
      hay === null ? false : listOf(hay, 'Cannot find has on type').some((e) => deepEqual(needle, e)),
    ),
  ]),
  ...(['slice', 'mustSlice'] as const).map((name): [string, GoFunc] => [
    name,
    f(
      ['any'],
      (l: unknown, ...idx: unknown[]) => {
        const items = listOf(l, 'list should be type of slice or array but');
        if (items.length === 0) return null;
        const start = idx.length > 0 ? Number(toInt64(idx[0])) : 0;
        const end = idx.length < 2 ? items.length : Number(toInt64(idx[1]));
        if (start < 0 || end < start || end > items.length) {
          fail(`reflect: slice index out of range`);
        }
        const out = items.slice(start, end);
        return l instanceof GoSlice ? new GoSlice(l.elem, out) : out;
      },
      'any',
    ),
  ]),
  [
    'concat',
    f(
      [],
      (...lists: unknown[]) => {
        const out: unknown[] = [];
        for (const l of lists) {
          if (l === null) fail(NIL_DEREF);
          if (!isSlice(l)) fail(`Cannot concat type ${goKindOf(l)} as list`);
          out.push(...sliceItems(l as unknown[]));
        }
        return out.length ? out : null;
      },
      'any',
    ),
  ],
  ...(['chunk', 'mustChunk'] as const).map((name): [string, GoFunc] => [
    name,
    f(['int', 'any'], (size: GoInt, l: unknown) => {
      const items = listOf(l, 'Cannot chunk type');
      const n = size.toNumber();
      if (n <= 0) fail('runtime error: integer divide by zero');
      const out: unknown[][] = [];
      for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
      if (items.length === 0) out.push([]);
      return new GoSlice('[]interface {}', out);
    }),
  ]),
  // semver
  [
    'semverCompare',
    f(['string', 'string'], (c: string, v: string) => {
      try {
        return chartSemverCompare(c, v);
      } catch (e) {
        return fail((e as Error).message);
      }
    }),
  ],
  // flow
  ['fail', f(['string'], (msg: string) => fail(msg))],
  // regular expressions
  ...(['regexMatch', 'mustRegexMatch'] as const).map((name): [string, GoFunc] => [
    name,
    f(['string', 'string'], (r: string, s: string) => {
      try {
        return re(r).matcher(s).find();
      } catch (e) {
        if (name === 'regexMatch') return false;
        throw e;
      }
    }),
  ]),
  ...(['regexFindAll', 'mustRegexFindAll'] as const).map((name): [string, GoFunc] => [
    name,
    f(['string', 'string', 'int'], (r: string, s: string, n: GoInt) => {
      const out = findAll(r, s, n.toNumber());
      return new GoSlice('string', out);
    }),
  ]),
  ...(['regexFind', 'mustRegexFind'] as const).map((name): [string, GoFunc] => [
    name,
    f(['string', 'string'], (r: string, s: string) => findAll(r, s, 1)[0] ?? ''),
  ]),
  ...(['regexReplaceAll', 'mustRegexReplaceAll'] as const).map((name): [string, GoFunc] => [
    name,
    f(['string', 'string', 'string'], (r: string, s: string, repl: string) => replaceAll(r, s, repl, false)),
  ]),
  ...(['regexReplaceAllLiteral', 'mustRegexReplaceAllLiteral'] as const).map((name): [string, GoFunc] => [
    name,
    f(['string', 'string', 'string'], (r: string, s: string, repl: string) => replaceAll(r, s, repl, true)),
  ]),
  ...(['regexSplit', 'mustRegexSplit'] as const).map((name): [string, GoFunc] => [
    name,
    f(
      ['string', 'string', 'int'],
      (r: string, s: string, n: GoInt) => new GoSlice('string', regexSplit(r, s, n.toNumber())),
    ),
  ]),
  ['regexQuoteMeta', f(['string'], (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'))],
  ...Object.entries(UNSUPPORTED).map(([name, reason]): [string, GoFunc] => [name, unsupported(name, reason)]),
];

function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

/** strings.Split / SplitN (n < 0: all; n == 0: none). */
function goSplit(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = [...s];
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

export const hermeticSprigFuncs: GoFuncMap = Object.assign(
  Object.create(null) as GoFuncMap,
  Object.fromEntries(entries),
);
