/**
 * Go's fmt conventions, which chart authors coming from Helm expect: `%v` printing, `%q`
 * quoting (strconv.Quote) and a printf subset. Hand-written because no npm library formats
 * the way Go's fmt does.
 */
import { isPlainObject } from '../util/plain-object.js';

/** Go's `%v` of a JSON value (as sprig's strval / toString). */
export function goString(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (isPlainObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goString(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** float64 printing like Go's %v: integers without exponent up to 1e21, shortest repr. */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    // Go: 1e-05, 1.5e+21 (two-digit exponent minimum)
    const [mant, exp] = n.toExponential().split('e');
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(n);
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;

/** Printable ASCII other than `"` and `\`: strconv.Quote leaves such a string as it is. */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** strconv.Quote. */
export function goQuote(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`; // the common case, without the per-character walk
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else if (c < 0x80) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** `fmt.Sprintf("%v", f)` (= `%g` with the shortest precision) for a float64. */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, e] = x.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(x);
}

/** A subset of Go's Sprintf: %v %s %d %q %t %f %e %g %x %X %o %b %c %%, flags `-+0 `, width, precision. */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let argi = 0;
  return (
    format.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, flags: string, w, p, verb: string) => {
      if (verb === '%') return '%';
      if (argi >= args.length) return `%!${verb}(MISSING)`;
      const arg = args[argi++];
      let s: string;
      const prec = p === undefined ? undefined : Number(p);
      switch (verb) {
        case 'v':
        case 's':
          s = goString(arg);
          if (prec !== undefined) s = s.slice(0, prec);
          break;
        case 'q':
          s = typeof arg === 'string' ? goQuote(arg) : goString(arg);
          break;
        case 'd':
          s =
            typeof arg === 'number' && Number.isInteger(arg)
              ? String(arg)
              : `%!d(${goTypeName(arg)}=${goString(arg)})`;
          if (flags.includes('+') && typeof arg === 'number' && arg >= 0) s = `+${s}`;
          break;
        case 't':
          s = typeof arg === 'boolean' ? String(arg) : `%!t(${goTypeName(arg)}=${goString(arg)})`;
          break;
        case 'f':
        case 'F':
          s = typeof arg === 'number' ? arg.toFixed(prec ?? 6) : `%!f(${goTypeName(arg)}=${goString(arg)})`;
          break;
        case 'e':
          s =
            typeof arg === 'number'
              ? goNumberExp(arg, prec ?? 6)
              : `%!e(${goTypeName(arg)}=${goString(arg)})`;
          break;
        case 'g':
          s = typeof arg === 'number' ? goNumber(arg) : `%!g(${goTypeName(arg)}=${goString(arg)})`;
          break;
        case 'x':
        case 'X': {
          if (typeof arg === 'number' && Number.isInteger(arg)) s = arg.toString(16);
          else s = Buffer.from(goString(arg)).toString('hex');
          if (verb === 'X') s = s.toUpperCase();
          break;
        }
        case 'o':
          s = typeof arg === 'number' ? Math.trunc(arg).toString(8) : goString(arg);
          break;
        case 'b':
          s = typeof arg === 'number' ? Math.trunc(arg).toString(2) : goString(arg);
          break;
        case 'c':
          s = typeof arg === 'number' ? String.fromCodePoint(arg) : goString(arg);
          break;
        default:
          s = `%!${verb}(${goTypeName(arg)}=${goString(arg)})`;
      }
      const width = w === undefined ? 0 : Number(w);
      if (s.length < width) {
        if (flags.includes('-')) s = s.padEnd(width);
        else if (flags.includes('0') && /^[dfeFxXob]$/.test(verb)) {
          const neg = s.startsWith('-');
          s = (neg ? '-' : '') + s.slice(neg ? 1 : 0).padStart(width - (neg ? 1 : 0), '0');
        } else s = s.padStart(width);
      }
      return s;
    }) +
    (argi < args.length
      ? `%!(EXTRA ${args
          .slice(argi)
          .map((a) => `${goTypeName(a)}=${goString(a)}`)
          .join(', ')})`
      : '')
  );
}

function goNumberExp(n: number, prec: number): string {
  const [mant, exp] = n.toExponential(prec).split('e');
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}
