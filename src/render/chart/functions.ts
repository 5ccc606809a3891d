/**
 * The chart function map, in one place (as Helm's funcs.go): sprig/Helm names and argument
 * order, Go semantics for emptiness and comparison. `include`, `define` and `lookup` are
 * bound per chart by the engine. Every function checks its arity and argument kinds, so a
 * misuse fails with the function's name and expected signature.
 */
import { createHash } from 'node:crypto';
import { goQuote, goSprintf, goString, goTypeName } from '../../go/fmt.js';
import { compileRe2, type RE2JS } from '../../go/re2.js';
import { emptyMap, hasOwn, isPlainObject, type PlainObject, toSafeTree } from '../../util/plain-object.js';
import { semverCompare } from './semver.js';
import { toYaml } from './to-yaml.js';

/** A failure inside a function: the engine adds the template file, line and column. */
export class FunctionError extends Error {}

/** A `required`/`fail` message: printed exactly as the chart author wrote it. */
export class RequiredError extends FunctionError {}

export interface FunctionSpec {
  /** Names of the parameters, for the error message; a trailing `...` means variadic. */
  params: string[];
  fn: (...args: any[]) => unknown;
}

/** Go's notion of an empty value (template `if`, sprig `default`/`empty`). */
export function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) return Object.keys(v).length === 0;
  return false;
}

const nil = (v: unknown) => v === undefined || v === null;

function str(name: string, v: unknown, param: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return goString(v);
  if (nil(v)) return '';
  throw new FunctionError(`${name}: ${param} must be a string, got ${goTypeName(v)}`);
}

function int(name: string, v: unknown, param: string): number {
  const n = toInt(v);
  if (typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v.trim()))) return n;
  throw new FunctionError(`${name}: ${param} must be an integer, got ${goTypeName(v)} ${goString(v)}`);
}

/** cast.ToInt as sprig's `int`: numbers truncate, numeric strings parse, anything else is 0. */
export function toInt(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^[-+]?\d+$/.test(t)) return Number.parseInt(t, 10);
    if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
    return 0;
  }
  return 0;
}

function map(name: string, v: unknown, param: string): PlainObject {
  if (isPlainObject(v)) return v;
  if (nil(v)) return emptyMap();
  throw new FunctionError(`${name}: ${param} must be a map, got ${goTypeName(v)}`);
}

function list(name: string, v: unknown, param: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (nil(v)) return [];
  throw new FunctionError(`${name}: ${param} must be a list, got ${goTypeName(v)}`);
}

/** Go template `eq`/`lt` comparisons: numbers across int/float, strings, bools, nil. */
function basicCompare(name: string, a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new FunctionError(
    `${name}: incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`,
  );
}

function equal(a: unknown, b: unknown): boolean {
  if (nil(a) && nil(b)) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'object') throw new FunctionError(`eq: cannot compare ${goTypeName(a)} values`);
  return a === b;
}

/** encoding/json: sorted map keys, HTML-safe escapes like Go. */
export function toJson(v: unknown): string {
  return JSON.stringify(sortKeys(v) ?? null).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isPlainObject(v)) {
    const out: PlainObject = {};
    for (const k of Object.keys(v).sort())
      Object.defineProperty(out, k, { value: sortKeys(v[k]), enumerable: true });
    return out;
  }
  return v;
}

function indent(n: number, s: string): string {
  const pad = ' '.repeat(n);
  return pad + s.replace(/\n/g, `\n${pad}`);
}

/** Go regexp's Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandGo(template: string, group: (ref: string) => string | undefined): string {
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
    (_m, all: string, braced?: string, bare?: string) => {
      if (all === '$') return '$';
      return group(braced ?? bare ?? '') ?? '';
    },
  );
}

const regexCache = new Map<string, RE2JS>();
function re2(name: string, pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = compileRe2(pattern);
    } catch (e) {
      throw new FunctionError(
        `${name}: invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`,
      );
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/**
 * Results of regexReplaceAll by pattern, replacement and input (length-prefixed, so the key is
 * unambiguous): a pure function that charts call in chains on values (path cleaning), the same
 * for every render of the same values. Inputs over 4 KiB are not kept.
 */
const replaced = new Map<string, string>();

function regexReplaceAll(pattern: string, s: string, repl: string): string {
  const re = re2('regexReplaceAll', pattern);
  if (s.length > 4096) return replaceAllUncached(re, s, repl);
  const key = `${pattern.length}:${pattern}${repl.length}:${repl}${s}`;
  let out = replaced.get(key);
  if (out === undefined) {
    out = replaceAllUncached(re, s, repl);
    if (replaced.size >= 10_000) replaced.clear();
    replaced.set(key, out);
  }
  return out;
}

function replaceAllUncached(re: RE2JS, s: string, repl: string): string {
  const m = re.matcher(s);
  let out = '';
  let last = 0;
  while (m.find()) {
    out += s.slice(last, m.start());
    out += expandGo(repl, (ref) => {
      try {
        const g = /^\d+$/.test(ref) ? m.group(Number(ref)) : m.group(ref);
        return g ?? '';
      } catch {
        return '';
      }
    });
    last = m.end();
  }
  return out + s.slice(last);
}

function deepMergeLeftWins(dst: PlainObject, src: PlainObject): void {
  for (const k of Object.keys(src)) {
    if (!hasOwn(dst, k) || nil(dst[k])) dst[k] = toSafeTree(src[k]);
    else if (isPlainObject(dst[k]) && isPlainObject(src[k]))
      deepMergeLeftWins(dst[k] as PlainObject, src[k] as PlainObject);
  }
}

/** Go's path.Clean: lexical, slash-separated. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

/** Go's path.Dir: everything but the last element, cleaned. */
export function goPathDir(p: string): string {
  const i = p.lastIndexOf('/');
  return goPathClean(p.slice(0, i + 1));
}

/** Go's path.Base. */
export function goPathBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Go's `index`: maps by key, lists by integer; a missing map key is nil, a bad list index an error. */
function indexInto(v: unknown, keys: unknown[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (Array.isArray(cur)) {
      const i = typeof k === 'number' ? k : Number.NaN;
      if (!Number.isInteger(i)) throw new FunctionError(`index: cannot index a list with ${goTypeName(k)}`);
      if (i < 0 || i >= cur.length) throw new FunctionError(`index: index out of range: ${i}`);
      cur = cur[i];
    } else if (isPlainObject(cur)) {
      const key = typeof k === 'string' ? k : goString(k);
      cur = hasOwn(cur, key) ? cur[key] : undefined;
    } else if (nil(cur)) {
      throw new FunctionError('index: index of untyped nil');
    } else throw new FunctionError(`index: cannot index into ${goTypeName(cur)}`);
  }
  return cur;
}

export const FUNCTIONS: Record<string, FunctionSpec> = {
  // --- strings
  quote: {
    params: ['VALUE...'],
    fn: (...vs) =>
      vs
        .filter((v) => !nil(v))
        .map((v) => goQuote(goString(v)))
        .join(' '),
  },
  squote: {
    params: ['VALUE...'],
    fn: (...vs) =>
      vs
        .filter((v) => !nil(v))
        .map((v) => `'${goString(v)}'`)
        .join(' '),
  },
  indent: {
    params: ['N', 'STRING'],
    fn: (n, s) => indent(int('indent', n, 'N'), str('indent', s, 'STRING')),
  },
  nindent: {
    params: ['N', 'STRING'],
    fn: (n, s) => `\n${indent(int('nindent', n, 'N'), str('nindent', s, 'STRING'))}`,
  },
  trunc: {
    params: ['N', 'STRING'],
    fn: (n, s) => {
      const c = int('trunc', n, 'N');
      const v = str('trunc', s, 'STRING');
      if (c < 0 && v.length + c > 0) return v.slice(v.length + c);
      if (c >= 0 && v.length > c) return v.slice(0, c);
      return v;
    },
  },
  trim: { params: ['STRING'], fn: (s) => str('trim', s, 'STRING').trim() },
  trimPrefix: {
    params: ['PREFIX', 'STRING'],
    fn: (p, s) => {
      const v = str('trimPrefix', s, 'STRING');
      const pre = str('trimPrefix', p, 'PREFIX');
      return pre && v.startsWith(pre) ? v.slice(pre.length) : v;
    },
  },
  trimSuffix: {
    params: ['SUFFIX', 'STRING'],
    fn: (p, s) => {
      const v = str('trimSuffix', s, 'STRING');
      const suf = str('trimSuffix', p, 'SUFFIX');
      return suf && v.endsWith(suf) ? v.slice(0, v.length - suf.length) : v;
    },
  },
  replace: {
    params: ['OLD', 'NEW', 'STRING'],
    fn: (o, n, s) =>
      str('replace', s, 'STRING')
        .split(str('replace', o, 'OLD'))
        .join(str('replace', n, 'NEW')),
  },
  lower: { params: ['STRING'], fn: (s) => str('lower', s, 'STRING').toLowerCase() },
  upper: { params: ['STRING'], fn: (s) => str('upper', s, 'STRING').toUpperCase() },
  contains: {
    params: ['SUBSTRING', 'STRING'],
    fn: (sub, s) => str('contains', s, 'STRING').includes(str('contains', sub, 'SUBSTRING')),
  },
  hasPrefix: {
    params: ['PREFIX', 'STRING'],
    fn: (p, s) => str('hasPrefix', s, 'STRING').startsWith(str('hasPrefix', p, 'PREFIX')),
  },
  hasSuffix: {
    params: ['SUFFIX', 'STRING'],
    fn: (p, s) => str('hasSuffix', s, 'STRING').endsWith(str('hasSuffix', p, 'SUFFIX')),
  },
  split: {
    params: ['SEPARATOR', 'STRING'],
    fn: (sep, s) => {
      const out = emptyMap();
      str('split', s, 'STRING')
        .split(str('split', sep, 'SEPARATOR'))
        .forEach((part, i) => {
          out[`_${i}`] = part;
        });
      return out;
    },
  },
  splitList: {
    params: ['SEPARATOR', 'STRING'],
    fn: (sep, s) => str('splitList', s, 'STRING').split(str('splitList', sep, 'SEPARATOR')),
  },
  join: {
    params: ['SEPARATOR', 'LIST'],
    fn: (sep, l) =>
      list('join', l, 'LIST')
        .filter((v) => !nil(v))
        .map(goString)
        .join(str('join', sep, 'SEPARATOR')),
  },
  printf: {
    params: ['FORMAT', 'ARGS...'],
    fn: (f, ...args) =>
      goSprintf(
        str('printf', f, 'FORMAT'),
        args.map((a: unknown) => (a === undefined ? null : a)),
      ),
  },
  toString: { params: ['VALUE'], fn: (v: unknown) => goString(v) },
  b64enc: {
    params: ['STRING'],
    fn: (s) => Buffer.from(str('b64enc', s, 'STRING'), 'utf8').toString('base64'),
  },
  b64dec: {
    params: ['STRING'],
    fn: (s) => {
      const v = str('b64dec', s, 'STRING');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0)
        return 'illegal base64 data at input byte 0';
      return Buffer.from(v, 'base64').toString('utf8');
    },
  },
  dir: { params: ['PATH'], fn: (p) => goPathDir(str('dir', p, 'PATH')) },
  base: { params: ['PATH'], fn: (p) => goPathBase(str('base', p, 'PATH')) },
  clean: { params: ['PATH'], fn: (p) => goPathClean(str('clean', p, 'PATH')) },
  sha256sum: {
    params: ['STRING'],
    fn: (s) =>
      createHash('sha256')
        .update(str('sha256sum', s, 'STRING'))
        .digest('hex'),
  },
  regexMatch: {
    params: ['REGEX', 'STRING'],
    fn: (re, s) => re2('regexMatch', str('regexMatch', re, 'REGEX')).test(str('regexMatch', s, 'STRING')),
  },
  regexReplaceAll: {
    params: ['REGEX', 'STRING', 'REPLACEMENT'],
    fn: (re, s, r) =>
      regexReplaceAll(
        str('regexReplaceAll', re, 'REGEX'),
        str('regexReplaceAll', s, 'STRING'),
        str('regexReplaceAll', r, 'REPLACEMENT'),
      ),
  },
  semverCompare: {
    params: ['CONSTRAINT', 'VERSION'],
    fn: (c, v) => {
      try {
        return semverCompare(str('semverCompare', c, 'CONSTRAINT'), str('semverCompare', v, 'VERSION'));
      } catch (e) {
        throw new FunctionError(`semverCompare: ${(e as Error).message}`);
      }
    },
  },

  // --- conversion and serialisation
  int: { params: ['VALUE'], fn: (v) => toInt(v) },
  toYaml: { params: ['VALUE'], fn: (v) => toYaml(v) },
  toJson: { params: ['VALUE'], fn: (v) => toJson(v) },

  // --- defaults and flow
  default: { params: ['DEFAULT', 'VALUE'], fn: (d, v) => (isEmpty(v) ? d : v) },
  empty: { params: ['VALUE'], fn: (v) => isEmpty(v) },
  coalesce: { params: ['VALUE...'], fn: (...vs) => vs.find((v) => !isEmpty(v)) ?? null },
  ternary: { params: ['IF_TRUE', 'IF_FALSE', 'CONDITION'], fn: (a, b, c) => (c === true ? a : b) },
  required: {
    params: ['MESSAGE', 'VALUE'],
    fn: (msg, v) => {
      if (nil(v) || v === '') throw new RequiredError(str('required', msg, 'MESSAGE'));
      return v;
    },
  },
  fail: {
    params: ['MESSAGE'],
    fn: (msg) => {
      throw new RequiredError(str('fail', msg, 'MESSAGE'));
    },
  },

  // --- logic and comparison (Go template semantics)
  eq: { params: ['A', 'B', 'OTHERS...'], fn: (a, ...bs) => bs.some((b) => equal(a, b)) },
  ne: { params: ['A', 'B'], fn: (a, b) => !equal(a, b) },
  lt: { params: ['A', 'B'], fn: (a, b) => basicCompare('lt', a, b) < 0 },
  le: { params: ['A', 'B'], fn: (a, b) => basicCompare('le', a, b) <= 0 },
  gt: { params: ['A', 'B'], fn: (a, b) => basicCompare('gt', a, b) > 0 },
  ge: { params: ['A', 'B'], fn: (a, b) => basicCompare('ge', a, b) >= 0 },
  and: {
    params: ['A', 'B...'],
    fn: (...vs) => {
      for (const v of vs) if (isEmpty(v)) return v;
      return vs[vs.length - 1];
    },
  },
  or: {
    params: ['A', 'B...'],
    fn: (...vs) => {
      for (const v of vs) if (!isEmpty(v)) return v;
      return vs[vs.length - 1];
    },
  },
  not: { params: ['VALUE'], fn: (v) => isEmpty(v) },

  // --- collections
  dict: {
    params: ['KEY_VALUE...'],
    fn: (...kv) => {
      const out = emptyMap();
      for (let i = 0; i < kv.length; i += 2)
        out[goString(kv[i])] = i + 1 < kv.length ? (kv[i + 1] ?? null) : '';
      return out;
    },
  },
  list: { params: ['VALUE...'], fn: (...vs) => vs.map((v) => (v === undefined ? null : v)) },
  get: {
    params: ['MAP', 'KEY'],
    fn: (m, k) => {
      const d = map('get', m, 'MAP');
      const key = str('get', k, 'KEY');
      return hasOwn(d, key) ? d[key] : '';
    },
  },
  hasKey: { params: ['MAP', 'KEY'], fn: (m, k) => hasOwn(map('hasKey', m, 'MAP'), str('hasKey', k, 'KEY')) },
  index: { params: ['COLLECTION', 'KEY...'], fn: (c, ...ks) => indexInto(c, ks) },
  omit: {
    params: ['MAP', 'KEY...'],
    fn: (m, ...ks) => {
      const d = map('omit', m, 'MAP');
      const drop = new Set(ks.map(goString));
      const out = emptyMap();
      for (const k of Object.keys(d)) if (!drop.has(k)) out[k] = d[k];
      return out;
    },
  },
  merge: {
    params: ['DESTINATION', 'SOURCE...'],
    fn: (dst, ...srcs) => {
      const out = toSafeTree(map('merge', dst, 'DESTINATION')) as PlainObject;
      for (const s of srcs) deepMergeLeftWins(out, map('merge', s, 'SOURCE'));
      return out;
    },
  },
  keys: { params: ['MAP...'], fn: (...ms) => ms.flatMap((m) => Object.keys(map('keys', m, 'MAP'))) },
  first: { params: ['LIST'], fn: (l) => list('first', l, 'LIST')[0] ?? null },
  last: {
    params: ['LIST'],
    fn: (l) => {
      const v = list('last', l, 'LIST');
      return v.length ? v[v.length - 1] : null;
    },
  },
  len: {
    params: ['VALUE'],
    fn: (v) => {
      if (typeof v === 'string') return Buffer.byteLength(v);
      if (Array.isArray(v)) return v.length;
      if (isPlainObject(v)) return Object.keys(v).length;
      throw new FunctionError(`len: cannot take the length of ${goTypeName(v)}`);
    },
  },

  // --- integer math (sprig converts with cast.ToInt64)
  add: { params: ['A', 'B...'], fn: (...vs) => vs.reduce((s: number, v) => s + toInt(v), 0) },
  sub: { params: ['A', 'B'], fn: (a, b) => toInt(a) - toInt(b) },
  mul: { params: ['A', 'B...'], fn: (...vs) => vs.reduce((s: number, v) => s * toInt(v), 1) },
  div: {
    params: ['A', 'B'],
    fn: (a, b) => {
      if (toInt(b) === 0) throw new FunctionError('div: integer divide by zero');
      return Math.trunc(toInt(a) / toInt(b));
    },
  },
  max: { params: ['A', 'B...'], fn: (...vs) => Math.max(...vs.map(toInt)) },
  min: { params: ['A', 'B...'], fn: (...vs) => Math.min(...vs.map(toInt)) },
};

function arity(name: string, params: string[], got: number): never {
  throw new FunctionError(`${name}: expects ${describeArity(params)} (${params.join(', ')}), got ${got}`);
}

export function describeArity(params: string[]): string {
  const fixed = params.filter((p) => !p.endsWith('...')).length;
  const variadic = params.some((p) => p.endsWith('...'));
  const noun = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  return variadic ? `at least ${noun(fixed)}` : noun(fixed);
}

/** Checks the argument count against the spec; throws a FunctionError naming the signature. */
export function checkArity(name: string, spec: FunctionSpec, got: number): void {
  const { min, max } = arityOf(spec);
  if (got < min || got > max) arity(name, spec.params, got);
}

/** The accepted argument counts of a function. */
export function arityOf(spec: FunctionSpec): { min: number; max: number } {
  const min = spec.params.filter((p) => !p.endsWith('...')).length;
  return { min, max: spec.params.some((p) => p.endsWith('...')) ? Number.POSITIVE_INFINITY : min };
}
