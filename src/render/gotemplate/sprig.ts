/**
 * sprig v3.3.0's `HermeticTxtFuncMap()` for the Go engine: sprig's generic map minus its
 * non-hermetic list (date, date_in_zone, date_modify, now, htmlDate, htmlDateInZone, dateInZone,
 * dateModify, randAlphaNum, randAlpha, randAscii, randNumeric, randBytes, uuidv4, env, expandenv,
 * getHostByName).
 *
 * The functions are the shared ones (src/render/functions/); this adapter gives each sprig's
 * Go signature, so argument errors match Go, converts Go's typed values to theirs (int -> number,
 * []string -> string[]) and back (int64 results are GoInt, string lists []string), and words
 * sprig's list errors. Functions clustermint does not run fail when called (sprig-unsupported.ts).
 */

import { emptyMap, type PlainObject } from '../../util/plain-object.js';
import { atoi, octalToDecimal, toFloat64, toInt64 } from '../functions/conversion.js';
import { deepEqual } from '../functions/deep-equal.js';
import {
  allNonEmpty,
  anyNonEmpty,
  coalesce,
  failWith,
  isEmpty,
  ternary,
  withDefault,
} from '../functions/defaults.js';
import * as dicts from '../functions/dicts.js';
import { base32Decode, base32Encode, base64Decode, base64Encode } from '../functions/encoding.js';
import { FunctionFailure } from '../functions/failure.js';
import { adler32sum, sha1sum, sha256sum, sha512sum } from '../functions/hashes.js';
import { parseJson, toJson } from '../functions/json.js';
import * as lists from '../functions/lists.js';
import * as math from '../functions/math.js';
import { basePath, cleanPath, dirPath, extPath, isAbsPath } from '../functions/paths.js';
import * as regex from '../functions/regex.js';
import { semverCompare } from '../functions/semver.js';
import * as strings from '../functions/strings.js';
import { sprintValue } from './fmt.js';
import { semverFunction } from './semver-object.js';
import { UNSUPPORTED, unsupportedFunction } from './sprig-unsupported.js';
import { goValueModel as model, strval } from './value-model.js';
import {
  type GoFunc,
  GoFuncError,
  type GoFuncMap,
  GoInt,
  GoMap,
  type GoParamType,
  GoSlice,
  goKindOf,
  goTypeOf,
  int64,
  isSlice,
  sliceItems,
} from './values.js';

const fail = (msg: string): never => {
  throw new GoFuncError(msg);
};
const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';
const MAP = 'map[string]interface {}';

const f = (params: readonly GoParamType[], fn: GoFunc['fn'], variadic?: GoParamType): GoFunc =>
  variadic === undefined ? { params, fn } : { params, variadic, fn };

const int = (n: number | bigint): GoInt => new GoInt('int', BigInt(n));
const stringSlice = (items: string[]): GoSlice => new GoSlice('string', items);
const ints = (items: number[]): GoSlice => new GoSlice('int', items.map(int));
const toInt64s = (vs: readonly unknown[]): bigint[] => vs.map((v) => toInt64(model, v));
const toFloats = (vs: readonly unknown[]): number[] => vs.map((v) => toFloat64(model, v));

/** The elements of a list argument, or sprig's "Cannot X on type KIND" error. */
function listOf(v: unknown, what: string): readonly unknown[] {
  if (v === null || v === undefined) fail(NIL_DEREF);
  if (isSlice(v)) return sliceItems(v);
  return fail(`${what} ${goKindOf(v)}`);
}

/** A function and its `must` twin: alike here, as text/template reports a sprig panic as an error. */
const withMust = (name: string, fn: GoFunc): [string, GoFunc][] => [
  [name, fn],
  [`must${name[0].toUpperCase()}${name.slice(1)}`, fn],
];

const onList = (name: string, what: string, fn: (items: readonly unknown[]) => unknown) =>
  withMust(
    name,
    f(['any'], (l: unknown) => fn(listOf(l, what))),
  );

/** mergo into `dst` (nil: a new map), as merge and mergeOverwrite. */
const merge = (overwrite: boolean) =>
  f(
    [MAP],
    (dst: PlainObject | null, ...srcs: (PlainObject | null)[]) => {
      const d = dst ?? emptyMap();
      for (const s of srcs) if (s) dicts.mergeInto(model, d, s, overwrite);
      return d;
    },
    MAP,
  );

/** sprig's regexMatch (not mustRegexMatch) answers false for a pattern RE2 refuses. */
function falseOnBadPattern(fn: GoFunc): GoFunc {
  return {
    ...fn,
    fn: (...args: unknown[]) => {
      try {
        return fn.fn(...args);
      } catch (e) {
        if (e instanceof FunctionFailure) return false;
        throw e;
      }
    },
  };
}

const regexMatch = f(['string', 'string'], regex.regexMatch);

const entries: [string, GoFunc][] = [
  ['hello', f([], strings.hello)],
  // strings
  ['trunc', f(['int', 'string'], (c: GoInt, s: string) => strings.truncate(c.toNumber(), s))],
  ['trim', f(['string'], strings.trimSpace)],
  ['upper', f(['string'], strings.upper)],
  ['lower', f(['string'], strings.lower)],
  ['title', f(['string'], strings.title)],
  ['untitle', f(['string'], strings.untitle)],
  [
    'substr',
    f(['int', 'int', 'string'], (a: GoInt, b: GoInt, s: string) =>
      strings.substring(a.toNumber(), b.toNumber(), s),
    ),
  ],
  ['repeat', f(['int', 'string'], (c: GoInt, s: string) => strings.repeat(c.v, s))],
  ['trimall', f(['string', 'string'], (cutset: string, s: string) => strings.trimCutset(s, cutset))],
  ['trimAll', f(['string', 'string'], (cutset: string, s: string) => strings.trimCutset(s, cutset))],
  ['trimSuffix', f(['string', 'string'], strings.trimSuffix)],
  ['trimPrefix', f(['string', 'string'], strings.trimPrefix)],
  ['nospace', f(['string'], strings.removeSpace)],
  ['initials', f(['string'], strings.initials)],
  ['contains', f(['string', 'string'], strings.contains)],
  ['hasPrefix', f(['string', 'string'], strings.hasPrefix)],
  ['hasSuffix', f(['string', 'string'], strings.hasSuffix)],
  ['quote', f([], (...vs: unknown[]) => strings.quote(model, vs), 'any')],
  ['squote', f([], (...vs: unknown[]) => strings.squote(model, vs), 'any')],
  ['cat', f([], (...vs: unknown[]) => strings.cat(model, vs), 'any')],
  ['indent', f(['int', 'string'], (n: GoInt, s: string) => strings.indent(n.toNumber(), s))],
  ['nindent', f(['int', 'string'], (n: GoInt, s: string) => strings.nindent(n.toNumber(), s))],
  ['replace', f(['string', 'string', 'string'], strings.replaceAll)],
  [
    'plural',
    f(['string', 'string', 'int'], (one: string, many: string, c: GoInt) => strings.plural(one, many, c.v)),
  ],
  ['sha1sum', f(['string'], sha1sum)],
  ['sha256sum', f(['string'], sha256sum)],
  ['sha512sum', f(['string'], sha512sum)],
  ['adler32sum', f(['string'], adler32sum)],
  ['toString', f(['any'], strval)],
  // conversions
  ['atoi', f(['string'], (s: string) => int(atoi(s)))],
  ['int64', f(['any'], (v: unknown) => int64(toInt64(model, v)))],
  ['int', f(['any'], (v: unknown) => int(toInt64(model, v)))],
  ['float64', f(['any'], (v: unknown) => toFloat64(model, v))],
  ['seq', f([], (...ps: GoInt[]) => math.seq(ps.map((p) => p.toNumber())), 'int')],
  ['toDecimal', f(['any'], (v: unknown) => int64(octalToDecimal(sprintValue(v))))],
  [
    'split',
    f(
      ['string', 'string'],
      (sep: string, s: string) => new GoMap('string', strings.indexedParts(strings.splitGo(s, sep))),
    ),
  ],
  ['splitList', f(['string', 'string'], (sep: string, s: string) => stringSlice(strings.splitGo(s, sep)))],
  [
    'splitn',
    f(
      ['string', 'int', 'string'],
      (sep: string, n: GoInt, s: string) =>
        new GoMap('string', strings.indexedParts(strings.splitGo(s, sep, n.toNumber()))),
    ),
  ],
  ['toStrings', f(['any'], (v: unknown) => stringSlice(lists.toStrings(model, v)))],
  ['until', f(['int'], (c: GoInt) => ints(math.until(c.toNumber())))],
  [
    'untilStep',
    f(['int', 'int', 'int'], (a: GoInt, b: GoInt, c: GoInt) =>
      ints(math.untilStep(a.toNumber(), b.toNumber(), c.toNumber())),
    ),
  ],
  // integer math (int64)
  ['add1', f(['any'], (v: unknown) => int64(math.addInts([toInt64(model, v), 1n])))],
  ['add', f([], (...vs: unknown[]) => int64(math.addInts(toInt64s(vs))), 'any')],
  [
    'sub',
    f(['any', 'any'], (a: unknown, b: unknown) => int64(math.subInts(toInt64(model, a), toInt64(model, b)))),
  ],
  [
    'div',
    f(['any', 'any'], (a: unknown, b: unknown) => int64(math.divInts(toInt64(model, a), toInt64(model, b)))),
  ],
  [
    'mod',
    f(['any', 'any'], (a: unknown, b: unknown) => int64(math.modInts(toInt64(model, a), toInt64(model, b)))),
  ],
  ['mul', f(['any'], (...vs: unknown[]) => int64(math.mulInts(toInt64s(vs))), 'any')],
  ['add1f', f(['any'], (v: unknown) => math.decimalArithmetic(toFloat64(model, v), [1], '+'))],
  ['addf', f([], (...vs: unknown[]) => math.decimalArithmetic(0, toFloats(vs), '+'), 'any')],
  ...(['-', '/', '*'] as const).map((op): [string, GoFunc] => [
    op === '-' ? 'subf' : op === '/' ? 'divf' : 'mulf',
    f(
      ['any'],
      (a: unknown, ...vs: unknown[]) => math.decimalArithmetic(toFloat64(model, a), toFloats(vs), op),
      'any',
    ),
  ]),
  ['biggest', f(['any'], (...vs: unknown[]) => int64(math.maxInt(toInt64s(vs))), 'any')],
  ['max', f(['any'], (...vs: unknown[]) => int64(math.maxInt(toInt64s(vs))), 'any')],
  ['min', f(['any'], (...vs: unknown[]) => int64(math.minInt(toInt64s(vs))), 'any')],
  ['maxf', f(['any'], (...vs: unknown[]) => math.maxFloat(toFloats(vs)), 'any')],
  ['minf', f(['any'], (...vs: unknown[]) => math.minFloat(toFloats(vs)), 'any')],
  ['ceil', f(['any'], (v: unknown) => Math.ceil(toFloat64(model, v)))],
  ['floor', f(['any'], (v: unknown) => Math.floor(toFloat64(model, v)))],
  [
    'round',
    f(
      ['any', 'int'],
      (v: unknown, places: GoInt, ...roundOn: number[]) =>
        math.round(toFloat64(model, v), places.toNumber(), ...roundOn),
      'float64',
    ),
  ],
  // string lists
  ['join', f(['string', 'any'], (sep: string, v: unknown) => lists.join(model, sep, v))],
  ['sortAlpha', f(['any'], (v: unknown) => stringSlice(lists.sortAlpha(model, v)))],
  // defaults and flow
  [
    'default',
    f(
      ['any'],
      (d: unknown, ...given: unknown[]) => (given.length === 0 ? d : withDefault(model, d, given[0])),
      'any',
    ),
  ],
  ['empty', f(['any'], (v: unknown) => isEmpty(model, v))],
  ['coalesce', f([], (...vs: unknown[]) => coalesce(model, vs), 'any')],
  ['all', f([], (...vs: unknown[]) => allNonEmpty(model, vs), 'any')],
  ['any', f([], (...vs: unknown[]) => anyNonEmpty(model, vs), 'any')],
  ...onList('compact', 'Cannot compact on type', (l) => lists.compact(model, l)),
  [
    'fromJson',
    f(['string'], (s: string) => {
      try {
        return parseJson(s);
      } catch {
        return null;
      }
    }),
  ],
  ['mustFromJson', f(['string'], parseJson)],
  ...withMust(
    'toJson',
    f(['any'], (v: unknown) => toJson(model, v, { escapeHtml: true })),
  ),
  ...withMust(
    'toPrettyJson',
    f(['any'], (v: unknown) => toJson(model, v, { escapeHtml: true, indent: '  ' })),
  ),
  ...withMust(
    'toRawJson',
    f(['any'], (v: unknown) => toJson(model, v, { escapeHtml: false })),
  ),
  ['ternary', f(['any', 'any', 'bool'], ternary)],
  // reflection: Go's types, so the Go engine's own
  ['typeOf', f(['any'], goTypeOf)],
  ['typeIs', f(['string', 'any'], (t: string, v: unknown) => t === goTypeOf(v))],
  [
    'typeIsLike',
    f(['string', 'any'], (t: string, v: unknown) => t === goTypeOf(v) || `*${t}` === goTypeOf(v)),
  ],
  ['kindOf', f(['any'], goKindOf)],
  ['kindIs', f(['string', 'any'], (t: string, v: unknown) => t === goKindOf(v))],
  ['deepEqual', f(['any', 'any'], (a: unknown, b: unknown) => deepEqual(model, a, b))],
  // paths (slash-separated on every OS, as on Linux)
  ...(['', 'os'] as const).flatMap((os): [string, GoFunc][] => [
    [os ? 'osBase' : 'base', f(['string'], basePath)],
    [os ? 'osDir' : 'dir', f(['string'], dirPath)],
    [os ? 'osClean' : 'clean', f(['string'], cleanPath)],
    [os ? 'osExt' : 'ext', f(['string'], extPath)],
    [os ? 'osIsAbs' : 'isAbs', f(['string'], isAbsPath)],
  ]),
  // encoding
  ['b64enc', f(['string'], base64Encode)],
  ['b64dec', f(['string'], base64Decode)],
  ['b32enc', f(['string'], base32Encode)],
  ['b32dec', f(['string'], base32Decode)],
  // dicts
  ['tuple', f([], (...vs: unknown[]) => vs, 'any')],
  ['list', f([], (...vs: unknown[]) => vs, 'any')],
  ['dict', f([], (...kv: unknown[]) => dicts.dict(model, kv), 'any')],
  ['get', f([MAP, 'string'], dicts.get)],
  ['set', f([MAP, 'string', 'any'], dicts.set)],
  ['unset', f([MAP, 'string'], dicts.unset)],
  ['hasKey', f([MAP, 'string'], dicts.hasKey)],
  ['pluck', f(['string'], (k: string, ...ds: (PlainObject | null)[]) => dicts.pluck(k, ds), MAP)],
  ['keys', f([], (...ds: (PlainObject | null)[]) => stringSlice(dicts.keys(ds)), MAP)],
  ['pick', f([MAP], (d: PlainObject | null, ...ks: string[]) => dicts.pick(d, ks), 'string')],
  ['omit', f([MAP], (d: PlainObject | null, ...ks: string[]) => dicts.omit(d, ks), 'string')],
  ...withMust('merge', merge(false)),
  ...withMust('mergeOverwrite', merge(true)),
  ['values', f([MAP], dicts.values)],
  ['dig', f([], (...args: unknown[]) => dicts.dig(model, args), 'any')],
  // lists
  ...(['append', 'push'] as const).flatMap((name) =>
    withMust(
      name,
      f(['any', 'any'], (l: unknown, v: unknown) => lists.append(listOf(l, 'Cannot push on type'), v)),
    ),
  ),
  ...onList('first', 'Cannot find first on type', lists.first),
  ...onList('last', 'Cannot find last on type', lists.last),
  ...onList('rest', 'Cannot find rest on type', lists.rest),
  ...onList('initial', 'Cannot find initial on type', lists.initial),
  ...onList('reverse', 'Cannot find reverse on type', lists.reverse),
  ...onList('uniq', 'Cannot find uniq on type', (l) => lists.uniq(model, l)),
  ...withMust(
    'prepend',
    f(['any', 'any'], (l: unknown, v: unknown) => lists.prepend(listOf(l, 'Cannot prepend on type'), v)),
  ),
  ...withMust(
    'without',
    f(
      ['any'],
      (l: unknown, ...omit: unknown[]) =>
        lists.without(model, listOf(l, 'Cannot find without on type'), omit),
      'any',
    ),
  ),
  ...withMust(
    'has',
    f(['any', 'any'], (needle: unknown, hay: unknown) =>
      hay === null ? false : lists.has(model, needle, listOf(hay, 'Cannot find has on type')),
    ),
  ),
  ...withMust(
    'slice',
    f(
      ['any'],
      (l: unknown, ...idx: unknown[]) => {
        const items = listOf(l, 'list should be type of slice or array but');
        const [start, end] = idx.map((i) => Number(toInt64(model, i)));
        const out = lists.sliceItems(items, start, end);
        return out !== null && l instanceof GoSlice ? new GoSlice(l.elem, out) : out;
      },
      'any',
    ),
  ),
  [
    'concat',
    f(
      [],
      (...ls: unknown[]) => {
        const out: unknown[] = [];
        for (const l of ls) {
          if (l === null) fail(NIL_DEREF);
          if (!isSlice(l)) fail(`Cannot concat type ${goKindOf(l)} as list`);
          // one by one: spreading a long list into push overflows the stack
          for (const x of sliceItems(l as unknown[])) out.push(x);
        }
        return out.length ? out : null;
      },
      'any',
    ),
  ],
  ...withMust(
    'chunk',
    f(
      ['int', 'any'],
      (size: GoInt, l: unknown) =>
        new GoSlice('[]interface {}', lists.chunk(size.toNumber(), listOf(l, 'Cannot chunk type'))),
    ),
  ),
  // semver
  ['semver', f(['string'], semverFunction)],
  ['semverCompare', f(['string', 'string'], semverCompare)],
  // flow
  ['fail', f(['string'], failWith)],
  // regular expressions
  ['regexMatch', falseOnBadPattern(regexMatch)],
  ['mustRegexMatch', regexMatch],
  ...withMust(
    'regexFindAll',
    f(['string', 'string', 'int'], (r: string, s: string, n: GoInt) =>
      stringSlice(regex.regexFindAll(r, s, n.toNumber())),
    ),
  ),
  ...withMust('regexFind', f(['string', 'string'], regex.regexFind)),
  ...withMust(
    'regexReplaceAll',
    f(['string', 'string', 'string'], (r: string, s: string, repl: string) =>
      regex.regexReplaceAll(r, s, repl),
    ),
  ),
  ...withMust(
    'regexReplaceAllLiteral',
    f(['string', 'string', 'string'], (r: string, s: string, repl: string) =>
      regex.regexReplaceAll(r, s, repl, true),
    ),
  ),
  ...withMust(
    'regexSplit',
    f(['string', 'string', 'int'], (r: string, s: string, n: GoInt) =>
      stringSlice(regex.regexSplit(r, s, n.toNumber())),
    ),
  ),
  ['regexQuoteMeta', f(['string'], regex.regexQuoteMeta)],
  ...Object.entries(UNSUPPORTED).map(([name, reason]): [string, GoFunc] => [
    name,
    unsupportedFunction(name, reason),
  ]),
];

export const hermeticSprigFuncs: GoFuncMap = Object.assign(
  Object.create(null) as GoFuncMap,
  Object.fromEntries(entries),
);
