/**
 * Go formatting rules that leak into kyverno-json's JMESPath results and error texts:
 * `%v` / `%g` of a float64, `%v` of decoded JSON values, `%q` (strconv.Quote),
 * encoding/json's Marshal (sorted keys, HTML escaping) and string ordering by code point.
 */

import { ExpRef, isObject } from '../expression/values.js';
import { goFloat, goQuote } from './fmt.js';

export { goFloat, goQuote };

/** encoding/json's text for a float64 (`'f'`, or `'e'` below 1e-6 / from 1e21, `e-07` → `e-7`). */
export function goJsonNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`json: unsupported value: ${goFloat(x)}`);
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

/** Compare strings as Go does (bytewise UTF-8 = code point order). */
export function goCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

export function sortedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).sort(goCompare);
}

/** `fmt.Sprintf("%v", v)` for a decoded JSON value. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (v instanceof ExpRef) return '0x0';
  if (isObject(v)) {
    return `map[${sortedKeys(v)
      .map((k) => `${k}:${goValue(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += ch + s[++i];
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** encoding/json Marshal of a decoded JSON value (compact, keys sorted, HTML-safe). */
export function goJsonMarshal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return goJsonNumber(v);
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(goJsonMarshal).join(',')}]`;
  if (v instanceof ExpRef) throw new Error('json: unsupported type: functions.ExpRef');
  if (isObject(v)) {
    return `{${sortedKeys(v)
      .map((k) => `${jsonString(k)}:${goJsonMarshal(v[k])}`)
      .join(',')}}`;
  }
  return 'null';
}

/** UTF-8 byte length of a string. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** strconv.FormatFloat(f, 'f', -1, 32): shortest float32 digits, never an exponent. */
export function formatFloat32(f: number): string {
  const x = Math.fround(f);
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits = '';
  for (let p = 1; p <= 9; p++) {
    digits = x.toExponential(p - 1);
    if (Math.fround(Number(digits)) === x) break;
  }
  return expandExponent(digits);
}

/** "1.25e+3" → "1250", "1.5e-3" → "0.0015". */
export function expandExponent(s: string): string {
  const neg = s.startsWith('-');
  const [mant, e] = (neg ? s.slice(1) : s).split('e');
  const exp = Number(e ?? 0);
  const [ip, fp = ''] = mant.split('.');
  const all = ip + fp;
  const point = ip.length + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${all}`;
  else if (point >= all.length) out = all + '0'.repeat(point - all.length);
  else out = `${all.slice(0, point)}.${all.slice(point)}`;
  out = out.replace(/^0+(?=\d)/, '');
  if (out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
  return (neg ? '-' : '') + out;
}
