/**
 * cel-go's `ext.Strings()` library (v0.20.1, the version kyverno-json pins, all versions of the
 * library enabled), written against Go's semantics: indices count code points (Go runes), not
 * UTF-16 units; `lowerAscii`/`upperAscii` touch ASCII only; `trim` is strings.TrimSpace;
 * `replace`/`split` are strings.Replace / strings.SplitN. Error texts are cel-go's.
 *
 * The functions take and return CEL runtime values of @marcbachmann/cel-js (int = bigint).
 */

/** A CEL evaluation error raised by an extension function (the message is cel-go's). */
export class CelFunctionError extends Error {}

const runes = (s: string): string[] => Array.from(s);

export function charAt(s: string, index: bigint): string {
  const r = runes(s);
  if (index < 0n || index > BigInt(r.length)) throw new CelFunctionError(`index out of range: ${index}`);
  return index === BigInt(r.length) ? '' : r[Number(index)];
}

/** Position of `sub` in `r` at or after `from`, in runes; -1 when absent. */
function runeIndex(r: string[], sub: string[], from: number): number {
  for (let i = from; i < r.length - (sub.length - 1); i++) {
    let found = true;
    for (let j = 0; j < sub.length; j++) {
      if (r[i + j] !== sub[j]) {
        found = false;
        break;
      }
    }
    if (found) return i;
  }
  return -1;
}

export function indexOf(s: string, sub: string, offset = 0n): bigint {
  // cel-go v0.20.1 returns the offset for an empty search string without a range check.
  if (sub === '') return offset;
  const r = runes(s);
  if (offset < 0n || offset >= BigInt(r.length)) throw new CelFunctionError(`index out of range: ${offset}`);
  return BigInt(runeIndex(r, runes(sub), Number(offset)));
}

export function lastIndexOf(s: string, sub: string, offset?: bigint): bigint {
  const r = runes(s);
  if (offset === undefined) {
    if (sub === '') return BigInt(r.length);
    offset = BigInt(r.length - 1);
  }
  if (sub === '') return offset;
  if (offset < 0n || offset >= BigInt(r.length)) throw new CelFunctionError(`index out of range: ${offset}`);
  const subRunes = runes(sub);
  let off = Number(offset);
  if (off > r.length - subRunes.length) off = r.length - subRunes.length;
  for (let i = off; i >= 0; i--) {
    let found = true;
    for (let j = 0; j < subRunes.length; j++) {
      if (r[i + j] !== subRunes[j]) {
        found = false;
        break;
      }
    }
    if (found) return BigInt(i);
  }
  return -1n;
}

export function lowerAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function upperAscii(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Go's strings.Replace: at most `n` replacements (all when n < 0); an empty `old` matches between runes. */
export function replace(s: string, old: string, repl: string, n = -1n): string {
  if (old === repl || n === 0n) return s;
  if (old === '') {
    const r = runes(s);
    const limit = n < 0n || n > BigInt(r.length + 1) ? r.length + 1 : Number(n);
    let out = '';
    for (let i = 0; i < r.length; i++) out += i < limit ? repl + r[i] : r[i];
    return limit > r.length ? out + repl : out;
  }
  if (n < 0n) return s.split(old).join(repl);
  let out = '';
  let start = 0;
  for (let i = 0n; i < n; i++) {
    const j = s.indexOf(old, start);
    if (j < 0) break;
    out += s.slice(start, j) + repl;
    start = j + old.length;
  }
  return out + s.slice(start);
}

/** Go's strings.SplitN: n == 0 → [], n < 0 → every piece, else at most n pieces. */
export function split(s: string, sep: string, n = -1n): string[] {
  if (n === 0n) return [];
  if (sep === '') {
    const r = runes(s);
    const count = n < 0n || n > BigInt(r.length) ? r.length : Number(n);
    if (count === 0) return [];
    return [...r.slice(0, count - 1), r.slice(count - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0n || BigInt(parts.length) <= n) return parts;
  const k = Number(n);
  return [...parts.slice(0, k - 1), parts.slice(k - 1).join(sep)];
}

export function substring(s: string, start: bigint, end?: bigint): string {
  const r = runes(s);
  const len = BigInt(r.length);
  if (end === undefined) {
    if (start < 0n || start > len) throw new CelFunctionError(`index out of range: ${start}`);
    return r.slice(Number(start)).join('');
  }
  if (start > end) throw new CelFunctionError(`invalid substring range. start: ${start}, end: ${end}`);
  if (start < 0n || start > len) throw new CelFunctionError(`index out of range: ${start}`);
  if (end < 0n || end > len) throw new CelFunctionError(`index out of range: ${end}`);
  return r.slice(Number(start), Number(end)).join('');
}

// Go's unicode.IsSpace (what strings.TrimSpace trims); unlike JS trim(), no U+FEFF, plus U+0085.
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

export function trim(s: string): string {
  return s.replace(TRIM, '');
}

export function reverse(s: string): string {
  return runes(s).reverse().join('');
}

export function join(list: readonly unknown[], sep = ''): string {
  for (const e of list) {
    if (typeof e !== 'string') throw new CelFunctionError(`join: invalid input: ${String(e)}`);
  }
  return list.join(sep);
}

const QUOTE_ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** `strings.quote`: CEL escapes, other characters kept; lone surrogates become U+FFFD. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd';
    else out += QUOTE_ESCAPES[ch] ?? ch;
  }
  return `${out}"`;
}
