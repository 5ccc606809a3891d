/**
 * sprig's string functions. Lengths and positions are in UTF-8 bytes, as in Go (`trunc 3`
 * counts bytes); ASCII strings, the common case, take the JS-string path.
 */
import { goQuote } from '../../go/fmt.js';
import {
  goReplace,
  goToLower,
  goToUpper,
  trimCutset as goTrimCutset,
  trimSpace as goTrimSpace,
} from '../../go/strings.js';
import { emptyMap, type PlainObject } from '../../util/plain-object.js';
import { fail, panic } from './failure.js';
import { isNil, type ValueModel } from './value-model.js';

const isAscii = (s: string, bytes: number) => bytes === s.length;

/** Go's s[start:end] on bytes; out of range is Go's runtime panic. */
export function byteSlice(s: string, start: number, end?: number): string {
  const bytes = Buffer.byteLength(s);
  const stop = end ?? bytes;
  if (start < 0 || stop > bytes || start > stop) panic(`slice bounds out of range [${start}:${stop}]`);
  if (isAscii(s, bytes)) return s.slice(start, stop);
  return Buffer.from(s, 'utf8').subarray(start, stop).toString('utf8');
}

/** `trunc`: the first `count` bytes, or with a negative count the last -count bytes. */
export function truncate(count: number, s: string): string {
  const bytes = Buffer.byteLength(s);
  if (count < 0 && bytes + count > 0) return byteSlice(s, bytes + count);
  if (count >= 0 && bytes > count) return byteSlice(s, 0, count);
  return s;
}

export function substring(start: number, end: number, s: string): string {
  if (start < 0) return byteSlice(s, 0, end);
  if (end < 0 || end > Buffer.byteLength(s)) return byteSlice(s, start);
  return byteSlice(s, start, end);
}

const ASCII = /^[\x00-\x7f]*$/;

/** strings.TrimSpace (Unicode white space); ASCII ends take the quick path. */
export function trimSpace(s: string): string {
  const t = s.replace(/^[\t-\r ]+|[\t-\r ]+$/g, '');
  if (t === '' || (t.charCodeAt(0) < 0x80 && t.charCodeAt(t.length - 1) < 0x80)) return t;
  return goTrimSpace(t, true, true);
}

/** strings.Trim: drops the characters of `cutset` from both ends. */
export const trimCutset = (s: string, cutset: string): string => goTrimCutset(s, cutset, true, true);

export function trimPrefix(prefix: string, s: string): string {
  return prefix && s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

export function trimSuffix(suffix: string, s: string): string {
  return suffix && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
}

/** strings.ReplaceAll, literally (no `$` patterns). */
export const replaceAll = (old: string, replacement: string, s: string): string =>
  goReplace(s, old, replacement, -1);
/** strings.ToUpper / ToLower (one-rune case mappings: `ß` stays). */
export const upper = (s: string): string => (ASCII.test(s) ? s.toUpperCase() : goToUpper(s));
// İ (U+0130) lower-cases to i in Go's one-character mapping; JS adds a combining dot.
export const lower = (s: string): string =>
  ASCII.test(s) ? s.toLowerCase() : goToLower(s.replaceAll('İ', 'i'));
export const contains = (substr: string, s: string): boolean => s.includes(substr);
export const hasPrefix = (prefix: string, s: string): boolean => s.startsWith(prefix);
export const hasSuffix = (suffix: string, s: string): boolean => s.endsWith(suffix);
export const hello = (): string => 'Hello!';

/** Letters whose title case is neither their upper nor their lower case (the Latin digraphs). */
const TITLE_CASE: Record<string, string> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
};

/** unicode.ToTitle of one character: a one-character mapping only, as Go's. */
function titleCase(ch: string): string {
  const digraph = TITLE_CASE[ch];
  if (digraph !== undefined) return digraph;
  const up = ch.toUpperCase();
  return up.length === ch.length || [...up].length === 1 ? up : ch;
}

/** strings.Title: title-cases the first letter of each word. */
export function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = !/[\p{L}\p{Nd}_]/u.test(prev) && !/[\p{Mn}]/u.test(prev);
    out += sep ? titleCase(ch) : ch;
    prev = ch;
  }
  return out;
}

export const untitle = (s: string): string => (s ? s[0].toLowerCase() + s.slice(1) : s);

export function initials(s: string): string {
  return s
    .split(/[\s]+/u)
    .filter(Boolean)
    .map((w) => [...w][0])
    .join('');
}

export const removeSpace = (s: string): string => s.replace(/\s/gu, '');

/** Output over this many UTF-16 units is refused (a template must not exhaust memory). */
const MAX_REPEAT_LENGTH = 10_000_000n;

export function repeat(count: bigint, s: string): string {
  if (count < 0n) fail('strings: negative Repeat count');
  if (BigInt(s.length) * count > MAX_REPEAT_LENGTH) fail('strings: Repeat output length overflow');
  return s.repeat(Number(count));
}

export function indent(spaces: number, s: string): string {
  const pad = ' '.repeat(Math.max(0, spaces));
  return pad + s.replaceAll('\n', `\n${pad}`);
}

export const nindent = (spaces: number, s: string): string => `\n${indent(spaces, s)}`;

export const plural = (one: string, many: string, count: bigint): string => (count === 1n ? one : many);

/** strings.Split / SplitN (n < 0: all parts; n == 0: none; "" splits into characters). */
export function splitGo(s: string, sep: string, n = -1): string[] {
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

/** sprig's `split`/`splitn` result: the parts keyed `_0`, `_1`, ... */
export function indexedParts(parts: readonly string[]): PlainObject {
  const out = emptyMap();
  for (let i = 0; i < parts.length; i++) out[`_${i}`] = parts[i];
  return out;
}

/** `quote`: each non-nil value as a Go double-quoted string, space-separated. */
export function quote(model: ValueModel, values: readonly unknown[]): string {
  if (values.length === 1) return isNil(values[0]) ? '' : goQuote(model.text(values[0]));
  return nonNil(values)
    .map((v) => goQuote(model.text(v)))
    .join(' ');
}

export function squote(model: ValueModel, values: readonly unknown[]): string {
  return nonNil(values)
    .map((v) => `'${model.text(v)}'`)
    .join(' ');
}

/** `cat`: the non-nil values as text, space-separated. */
export function cat(model: ValueModel, values: readonly unknown[]): string {
  return nonNil(values)
    .map((v) => model.text(v))
    .join(' ');
}

const nonNil = (values: readonly unknown[]) => values.filter((v) => !isNil(v));
