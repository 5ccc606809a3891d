/**
 * Go literal syntax used by the template parser: strconv.Unquote for "..." and `...` strings,
 * character constants, and the number rules of parse.newNumber (int, uint and float views of
 * one constant; hex, octal, binary, underscores).
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/**
 * Decodes one escape or character at `i` of the quoted body (strconv.UnquoteChar).
 * Returns [text, next index] or undefined on invalid syntax.
 */
function unquoteOne(s: string, i: number, quote: string): [string, number] | undefined {
  const c = s[i];
  if (c === quote && (quote === "'" || quote === '"')) return undefined;
  if (c !== '\\') {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    return [ch, i + ch.length];
  }
  const e = s[i + 1];
  if (e === undefined) return undefined;
  if (Object.hasOwn(SIMPLE_ESCAPES, e)) return [SIMPLE_ESCAPES[e], i + 2];
  if (e === "'" || e === '"') return e === quote ? [e, i + 2] : undefined;
  let n = 0;
  if (e === 'x') n = 2;
  else if (e === 'u') n = 4;
  else if (e === 'U') n = 8;
  if (n > 0) {
    const hex = s.slice(i + 2, i + 2 + n);
    if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
    const v = Number.parseInt(hex, 16);
    if (e === 'x') return [String.fromCharCode(v), i + 2 + n]; // a byte; only ASCII round-trips
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
    return [String.fromCodePoint(v), i + 2 + n];
  }
  if (e >= '0' && e <= '7') {
    const oct = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(oct)) return undefined;
    const v = Number.parseInt(oct, 8);
    if (v > 255) return undefined;
    return [String.fromCharCode(v), i + 4];
  }
  return undefined;
}

/** strconv.Unquote for a "..." or `...` literal; undefined on invalid syntax. */
export function unquoteGoString(q: string): string | undefined {
  if (q.length < 2) return undefined;
  const quote = q[0];
  if (quote !== q[q.length - 1]) return undefined;
  const body = q.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) return undefined;
    return body.replace(/\r/g, '');
  }
  if (quote !== '"') return undefined;
  if (body.includes('\n')) return undefined;
  if (!body.includes('\\') && !body.includes('"')) return body;
  let out = '';
  let i = 0;
  while (i < body.length) {
    const r = unquoteOne(body, i, '"');
    if (!r) return undefined;
    out += r[0];
    i = r[1];
  }
  return out;
}

/** A character constant's code point; 'syntax' or 'malformed' on errors (as parse.newNumber). */
export function unquoteChar(q: string): number | 'syntax' | 'malformed' {
  const r = unquoteOne(q, 1, "'");
  if (!r) return 'syntax';
  if (q.slice(r[1]) !== "'") return 'malformed';
  return r[0].codePointAt(0)!;
}

export interface NumberValue {
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
}

/** strconv's underscoreOK: underscores only between digits or after a base prefix. */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s[0] === '+' || s[0] === '-') i++;
  let hex = false;
  if (s.length - i >= 2 && s[i] === '0' && /[bBoOxX]/.test(s[i + 1])) {
    hex = s[i + 1] === 'x' || s[i + 1] === 'X';
    i += 2;
    saw = '0';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseUint/ParseInt with base 0, as a bigint without range checks; undefined if bad. */
function parseIntBase0(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '') return undefined;
  let base = 10;
  let digits = s;
  if (s[0] === '0' && s.length > 1) {
    const p = s[1].toLowerCase();
    if (p === 'x') [base, digits] = [16, s.slice(2)];
    else if (p === 'o') [base, digits] = [8, s.slice(2)];
    else if (p === 'b') [base, digits] = [2, s.slice(2)];
    else [base, digits] = [8, s.slice(1)];
  }
  if (digits.includes('_') && !underscoreOK(text)) return undefined;
  digits = digits.replace(/_/g, '');
  if (digits === '') return undefined;
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[
    base as 2 | 8 | 10 | 16
  ];
  if (!valid.test(digits)) return undefined;
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[base as 2 | 8 | 10 | 16];
  const v = BigInt(prefix + digits);
  return neg ? -v : v;
}

/** strconv.ParseFloat(text, 64); undefined on a syntax error. */
function parseFloat64(text: string): number | undefined {
  if (text.includes('_') && !underscoreOK(text)) return undefined;
  const s = text.replace(/_/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : undefined;
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (hex && (hex[2] || hex[3])) {
    const mant =
      Number.parseInt(hex[2] || '0', 16) + (hex[3] ? Number.parseInt(hex[3], 16) / 16 ** hex[3].length : 0);
    const v = mant * 2 ** Number(hex[4]);
    return hex[1] === '-' ? -v : v;
  }
  return undefined;
}

/**
 * parse.newNumber for a number token: its int/uint/float views, or Go's error text.
 * Complex and imaginary constants are not supported (an error naming them).
 */
export function parseGoNumber(text: string, complex: boolean): NumberValue | string {
  if (complex || (text.endsWith('i') && parseFloat64(text.slice(0, -1)) !== undefined)) {
    return `complex number constants are not supported: ${text}`;
  }
  const n: NumberValue = { isInt: false, isUint: false, isFloat: false, int64: 0n, uint64: 0n, float64: 0 };
  const big = parseIntBase0(text);
  if (big !== undefined) {
    if (big >= 0n && big <= UINT64_MAX && text[0] !== '-' && text[0] !== '+') {
      n.isUint = true;
      n.uint64 = big;
    }
    if (big >= INT64_MIN && big <= INT64_MAX) {
      n.isInt = true;
      n.int64 = big;
      if (big === 0n) {
        n.isUint = true;
        n.uint64 = 0n;
      }
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseFloat64(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${JSON.stringify(text)}`;
      n.isFloat = true;
      n.float64 = f;
      if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
        n.isInt = true;
        n.int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        n.isUint = true;
        n.uint64 = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) return `illegal number syntax: ${JSON.stringify(text)}`;
  return n;
}
