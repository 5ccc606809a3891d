/**
 * The chart function map, in one place (as Helm's funcs.go): sprig/Helm names and argument
 * order. The functions are the shared ones (src/render/functions/); this adapter checks and
 * converts each argument (arguments.ts), turns int64 results into numbers and words failures
 * as `NAME: MESSAGE`. `include`, `define` and `lookup` are bound per chart by the engine; the
 * comparisons, `index`, `len` and `printf` are the chart's text/template builtins (builtins.ts).
 */
import { type PlainObject, toSafeTree } from '../../util/plain-object.js';
import { toInt64 } from '../functions/conversion.js';
import {
  coalesce,
  failWith,
  isEmpty as isEmptyValue,
  required,
  ternary,
  withDefault,
} from '../functions/defaults.js';
import * as dicts from '../functions/dicts.js';
import { base64Decode, base64Encode } from '../functions/encoding.js';
import { AuthorFailure, FunctionFailure, RegexSyntaxError } from '../functions/failure.js';
import { sha256sum } from '../functions/hashes.js';
import { toJson } from '../functions/json.js';
import * as lists from '../functions/lists.js';
import * as math from '../functions/math.js';
import { basePath, cleanPath, dirPath } from '../functions/paths.js';
import { regexMatch, regexReplaceAll } from '../functions/regex.js';
import { semverCompare } from '../functions/semver.js';
import * as strings from '../functions/strings.js';
import { toYaml } from '../functions/to-yaml.js';
import {
  FunctionError,
  type FunctionSpec,
  int,
  list,
  map,
  nilIfMissing,
  str,
  toInteger,
} from './arguments.js';
import { BUILTINS } from './builtins.js';
import { chartValueModel as model } from './value-model.js';

export { arityOf, checkArity, FunctionError, type FunctionSpec } from './arguments.js';

/** A `required`/`fail` message: printed exactly as the chart author wrote it. */
export const RequiredError = AuthorFailure;

/** Go's notion of an empty value (template `if`, sprig `default`/`empty`). */
export const isEmpty = (v: unknown): boolean => isEmptyValue(model, v);

const int64s = (vs: readonly unknown[]): bigint[] => vs.map((v) => toInt64(model, v));

/**
 * A failure of function `name` as the chart engine shows it: argument errors and author
 * messages as they are, sprig's failures after the function's name.
 */
export function chartFunctionError(name: string, e: unknown): unknown {
  if (!(e instanceof FunctionFailure) || e instanceof AuthorFailure || e instanceof FunctionError) return e;
  if (e instanceof RegexSyntaxError)
    return new FunctionFailure(
      `${name}: invalid regular expression ${JSON.stringify(e.pattern)}: ${e.detail}`,
    );
  return new FunctionFailure(`${name}: ${e.message}`);
}

/** The order is kept as it was: it breaks ties between "did you mean" suggestions. */
export const FUNCTIONS: Record<string, FunctionSpec> = {
  // --- strings
  quote: { params: ['VALUE...'], fn: (...vs) => strings.quote(model, vs) },
  squote: { params: ['VALUE...'], fn: (...vs) => strings.squote(model, vs) },
  indent: {
    params: ['N', 'STRING'],
    fn: (n, s) => strings.indent(int('indent', n, 'N'), str('indent', s, 'STRING')),
  },
  nindent: {
    params: ['N', 'STRING'],
    fn: (n, s) => strings.nindent(int('nindent', n, 'N'), str('nindent', s, 'STRING')),
  },
  trunc: {
    params: ['N', 'STRING'],
    fn: (n, s) => strings.truncate(int('trunc', n, 'N'), str('trunc', s, 'STRING')),
  },
  trim: { params: ['STRING'], fn: (s) => strings.trimSpace(str('trim', s, 'STRING')) },
  trimPrefix: {
    params: ['PREFIX', 'STRING'],
    fn: (p, s) => strings.trimPrefix(str('trimPrefix', p, 'PREFIX'), str('trimPrefix', s, 'STRING')),
  },
  trimSuffix: {
    params: ['SUFFIX', 'STRING'],
    fn: (p, s) => strings.trimSuffix(str('trimSuffix', p, 'SUFFIX'), str('trimSuffix', s, 'STRING')),
  },
  replace: {
    params: ['OLD', 'NEW', 'STRING'],
    fn: (o, n, s) =>
      strings.replaceAll(str('replace', o, 'OLD'), str('replace', n, 'NEW'), str('replace', s, 'STRING')),
  },
  lower: { params: ['STRING'], fn: (s) => strings.lower(str('lower', s, 'STRING')) },
  upper: { params: ['STRING'], fn: (s) => strings.upper(str('upper', s, 'STRING')) },
  contains: {
    params: ['SUBSTRING', 'STRING'],
    fn: (sub, s) => strings.contains(str('contains', sub, 'SUBSTRING'), str('contains', s, 'STRING')),
  },
  hasPrefix: {
    params: ['PREFIX', 'STRING'],
    fn: (p, s) => strings.hasPrefix(str('hasPrefix', p, 'PREFIX'), str('hasPrefix', s, 'STRING')),
  },
  hasSuffix: {
    params: ['SUFFIX', 'STRING'],
    fn: (p, s) => strings.hasSuffix(str('hasSuffix', p, 'SUFFIX'), str('hasSuffix', s, 'STRING')),
  },
  split: {
    params: ['SEPARATOR', 'STRING'],
    fn: (sep, s) =>
      strings.indexedParts(strings.splitGo(str('split', s, 'STRING'), str('split', sep, 'SEPARATOR'))),
  },
  splitList: {
    params: ['SEPARATOR', 'STRING'],
    fn: (sep, s) => strings.splitGo(str('splitList', s, 'STRING'), str('splitList', sep, 'SEPARATOR')),
  },
  join: {
    params: ['SEPARATOR', 'LIST'],
    fn: (sep, l) => lists.join(model, str('join', sep, 'SEPARATOR'), list('join', l, 'LIST')),
  },
  printf: BUILTINS.printf,
  toString: { params: ['VALUE'], fn: (v: unknown) => model.text(v) },
  b64enc: { params: ['STRING'], fn: (s) => base64Encode(str('b64enc', s, 'STRING')) },
  b64dec: { params: ['STRING'], fn: (s) => base64Decode(str('b64dec', s, 'STRING')) },
  dir: { params: ['PATH'], fn: (p) => dirPath(str('dir', p, 'PATH')) },
  base: { params: ['PATH'], fn: (p) => basePath(str('base', p, 'PATH')) },
  clean: { params: ['PATH'], fn: (p) => cleanPath(str('clean', p, 'PATH')) },
  sha256sum: { params: ['STRING'], fn: (s) => sha256sum(str('sha256sum', s, 'STRING')) },
  regexMatch: {
    params: ['REGEX', 'STRING'],
    fn: (re, s) => regexMatch(str('regexMatch', re, 'REGEX'), str('regexMatch', s, 'STRING')),
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
    fn: (c, v) => semverCompare(str('semverCompare', c, 'CONSTRAINT'), str('semverCompare', v, 'VERSION')),
  },

  // --- conversion and serialisation
  int: { params: ['VALUE'], fn: toInteger },
  toYaml: { params: ['VALUE'], fn: toYaml },
  toJson: { params: ['VALUE'], fn: (v) => toJson(model, v, { escapeHtml: true }) },

  // --- defaults and flow
  default: { params: ['DEFAULT', 'VALUE'], fn: (d, v) => withDefault(model, d, v) },
  empty: { params: ['VALUE'], fn: isEmpty },
  coalesce: { params: ['VALUE...'], fn: (...vs) => coalesce(model, vs) },
  ternary: { params: ['IF_TRUE', 'IF_FALSE', 'CONDITION'], fn: (a, b, c) => ternary(a, b, c === true) },
  required: { params: ['MESSAGE', 'VALUE'], fn: (msg, v) => required(str('required', msg, 'MESSAGE'), v) },
  fail: { params: ['MESSAGE'], fn: (msg) => failWith(str('fail', msg, 'MESSAGE')) },

  // --- logic and comparison (Go template semantics)
  eq: BUILTINS.eq,
  ne: BUILTINS.ne,
  lt: BUILTINS.lt,
  le: BUILTINS.le,
  gt: BUILTINS.gt,
  ge: BUILTINS.ge,
  and: BUILTINS.and,
  or: BUILTINS.or,
  not: BUILTINS.not,

  // --- collections
  dict: { params: ['KEY_VALUE...'], fn: (...kv) => dicts.dict(model, kv.map(nilIfMissing)) },
  list: { params: ['VALUE...'], fn: (...vs) => vs.map(nilIfMissing) },
  get: { params: ['MAP', 'KEY'], fn: (m, k) => dicts.get(map('get', m, 'MAP'), str('get', k, 'KEY')) },
  hasKey: {
    params: ['MAP', 'KEY'],
    fn: (m, k) => dicts.hasKey(map('hasKey', m, 'MAP'), str('hasKey', k, 'KEY')),
  },
  index: BUILTINS.index,
  omit: {
    params: ['MAP', 'KEY...'],
    fn: (m, ...ks) =>
      dicts.omit(
        map('omit', m, 'MAP'),
        ks.map((k) => model.text(k)),
      ),
  },
  merge: {
    params: ['DESTINATION', 'SOURCE...'],
    fn: (dst, ...srcs) => {
      // Chart values are frozen and shared between renders: merge into a copy, copying what it takes.
      const out = toSafeTree(map('merge', dst, 'DESTINATION')) as PlainObject;
      for (const s of srcs) dicts.mergeInto(model, out, map('merge', s, 'SOURCE'), false, toSafeTree);
      return out;
    },
  },
  keys: { params: ['MAP...'], fn: (...ms) => dicts.keys(ms.map((m) => map('keys', m, 'MAP'))) },
  first: { params: ['LIST'], fn: (l) => lists.first(list('first', l, 'LIST')) },
  last: { params: ['LIST'], fn: (l) => lists.last(list('last', l, 'LIST')) },

  len: BUILTINS.len,
  // --- integer math (sprig converts with cast.ToInt64)
  add: { params: ['A', 'B...'], fn: (...vs) => Number(math.addInts(int64s(vs))) },
  sub: { params: ['A', 'B'], fn: (a, b) => Number(math.subInts(toInt64(model, a), toInt64(model, b))) },
  mul: { params: ['A', 'B...'], fn: (...vs) => Number(math.mulInts(int64s(vs))) },
  div: { params: ['A', 'B'], fn: (a, b) => Number(math.divInts(toInt64(model, a), toInt64(model, b))) },
  max: { params: ['A', 'B...'], fn: (...vs) => Number(math.maxInt(int64s(vs))) },
  min: { params: ['A', 'B...'], fn: (...vs) => Number(math.minInt(int64s(vs))) },
};
