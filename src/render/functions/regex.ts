/** sprig's regular expression functions, on RE2 (Go's regexp syntax and linear-time matching). */
import type { RE2JS } from '../../go/re2.js';
import { compileGo, replaceAll as goReplaceAll } from '../../go/regexp.js';
import { BoundedCache } from '../../util/bounded-cache.js';
import { reserveOutput } from '../../util/work-budget.js';
import { RegexSyntaxError } from './failure.js';

/** The compiled pattern (cached); throws RegexSyntaxError. */
export function compileRegex(pattern: string): RE2JS {
  try {
    return compileGo(pattern);
  } catch (e) {
    throw new RegexSyntaxError(pattern, (e as Error).message);
  }
}

export const regexMatch = (pattern: string, s: string): boolean => compileRegex(pattern).matcher(s).find();

/** Up to `n` leftmost matches (all when n < 0). */
export function regexFindAll(pattern: string, s: string, n: number): string[] {
  const m = compileRegex(pattern).matcher(s);
  const out: string[] = [];
  while ((n < 0 || out.length < n) && m.find()) out.push(m.group() ?? '');
  return out;
}

export const regexFind = (pattern: string, s: string): string => regexFindAll(pattern, s, 1)[0] ?? '';

/**
 * Results of regexReplaceAll by pattern, replacement and input (length-prefixed, so the key is
 * unambiguous): charts call it in chains on values (path cleaning), the same for every render
 * of the same values. Inputs and results over 4 KiB are not kept.
 */
const replaced = new BoundedCache<string, string>(10_000);

/** regexp.ReplaceAllString (`$1`, `${1}`, `$name`, `${name}` and `$$` expand) or ReplaceAllLiteralString. */
export function regexReplaceAll(pattern: string, s: string, replacement: string, literal = false): string {
  const re = compileRegex(pattern);
  // the running template's output budget is asked as the result grows (`$1` repeated multiplies s)
  if (s.length > 4096) return goReplaceAll(re, s, replacement, literal, reserveOutput);
  const key = `${literal ? 'L' : 'E'}${pattern.length}:${pattern}${replacement.length}:${replacement}${s}`;
  const known = replaced.get(key);
  if (known !== undefined) return known;
  const out = goReplaceAll(re, s, replacement, literal, reserveOutput);
  if (out.length <= 4096) replaced.set(key, out);
  return out;
}

/** regexp.Split: at most `n` parts (all when n < 0, none when n == 0). */
export function regexSplit(pattern: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (pattern.length > 0 && s.length === 0) return [''];
  const m = compileRegex(pattern).matcher(s);
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

/** regexp.QuoteMeta. */
export const regexQuoteMeta = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
