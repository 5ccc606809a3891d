/**
 * Go's fmt package over the engine's value model (values.ts): Sprint, Sprintln and Sprintf with
 * the verbs templates use. Float printing follows strconv ('g' shortest for %v), integers are
 * exact (bigint), maps print with sorted keys, nil as `<nil>`, bad verbs as `%!x(type=value)`.
 */
import { goFloat, goQuote } from '../../go/fmt.js';
import { isPlainObject } from '../../util/plain-object.js';
import { chargeNode } from '../../util/work-budget.js';
import {
  GoInt,
  GoMap,
  GoObject,
  GoSlice,
  goTypeOf,
  isMap,
  isSlice,
  mapEntries,
  sliceItems,
  sortedKeys,
} from './values.js';

/** `fmt.Sprint(v)` for one value (`%v`). */
export function sprintValue(v: unknown): string {
  if (typeof v === 'string') return v;
  return formatV(v, false);
}

function formatV(v: unknown, plus: boolean): string {
  chargeNode();
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFloat(v);
  if (v instanceof GoInt) return v.v.toString();
  if (isSlice(v))
    return `[${sliceItems(v)
      .map((e) => formatV(e, plus))
      .join(' ')}]`;
  if (isMap(v)) {
    const m = mapEntries(v);
    return `map[${sortedKeys(m)
      .map((k) => `${k}:${formatV(m[k], plus)}`)
      .join(' ')}]`;
  }
  if (v instanceof GoObject) return v.valueText();
  return String(v);
}

/** `fmt.Sprint(args...)`: spaces between operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && typeof args[i] !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += sprintValue(args[i]);
  }
  return out;
}

/** `fmt.Sprintln(args...)`: always spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map(sprintValue).join(' ')}\n`;
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

/** `fmt.Sprintf(format, args...)`. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  let reordered = false;
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    flags: while (i < n) {
      switch (format[i]) {
        case '-':
          spec.minus = true;
          spec.zero = false;
          break;
        case '+':
          spec.plus = true;
          break;
        case '#':
          spec.sharp = true;
          break;
        case ' ':
          spec.space = true;
          break;
        case '0':
          spec.zero = !spec.minus;
          break;
        default:
          break flags;
      }
      i++;
    }
    // argument index [n]
    const argIndex = (): boolean => {
      if (format[i] !== '[') return true;
      const close = format.indexOf(']', i);
      const idx = close < 0 ? Number.NaN : Number(format.slice(i + 1, close));
      if (close < 0 || !Number.isInteger(idx) || idx < 1 || idx > args.length) {
        i = close < 0 ? n : close + 1;
        reordered = true;
        return false;
      }
      argi = idx - 1;
      i = close + 1;
      reordered = true;
      return true;
    };
    let goodArgNum = argIndex();
    if (format[i] === '*') {
      i++;
      const w = args[argi++];
      if (w instanceof GoInt) {
        spec.width = w.toNumber();
        if (spec.width < 0) {
          spec.minus = true;
          spec.width = -spec.width;
          spec.zero = false;
        }
      } else out += '%!(BADWIDTH)';
    } else {
      const start = i;
      while (i < n && format[i] >= '0' && format[i] <= '9') i++;
      if (i > start) spec.width = Number(format.slice(start, i));
    }
    if (format[i] === '.') {
      i++;
      goodArgNum = argIndex() && goodArgNum;
      if (format[i] === '*') {
        i++;
        const p = args[argi++];
        if (p instanceof GoInt && p.v >= 0n) spec.prec = p.toNumber();
        else out += '%!(BADPREC)';
      } else {
        const start = i;
        while (i < n && format[i] >= '0' && format[i] <= '9') i++;
        spec.prec = Number(format.slice(start, i) || '0');
      }
    }
    goodArgNum = argIndex() && goodArgNum;
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argi++];
    out += formatArg(arg, verb, spec);
  }
  if (!reordered && argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => (a === undefined || a === null ? '<nil>' : `${goTypeOf(a)}=${sprintValue(a)}`))
      .join(', ')})`;
  }
  return out;
}

function badVerb(verb: string, arg: unknown): string {
  if (arg === undefined || arg === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeOf(arg)}=${sprintValue(arg)})`;
}

function pad(s: string, spec: Spec, zeroOk = true): string {
  const w = spec.width ?? 0;
  const len = [...s].length;
  if (len >= w) return s;
  if (spec.minus) return s + ' '.repeat(w - len);
  if (spec.zero && zeroOk) {
    const sign = /^[+\- ]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(w - len) + s.slice(sign.length);
  }
  return ' '.repeat(w - len) + s;
}

function formatArg(arg: unknown, verb: string, spec: Spec, nested = false): string {
  if (verb === 'T') return pad(goTypeOf(arg), { ...spec, zero: false });
  if (arg === undefined || arg === null) {
    if (nested) return '<nil>';
    if (verb === 'v') return pad('<nil>', { ...spec, zero: false });
    return badVerb(verb, arg);
  }
  if (typeof arg === 'boolean') {
    if (verb === 'v' || verb === 't') return pad(String(arg), { ...spec, zero: false });
    return badVerb(verb, arg);
  }
  if (arg instanceof GoInt) return formatInt(arg, verb, spec);
  if (typeof arg === 'number') return formatFloat(arg, verb, spec);
  if (typeof arg === 'string') return formatString(arg, verb, spec);
  if (arg instanceof GoObject) {
    if ('vsq'.includes(verb)) return formatString(arg.valueText(), verb === 'v' ? 's' : verb, spec);
    return badVerb(verb, arg);
  }
  if (isSlice(arg)) {
    if (verb === 'v' && spec.sharp) return goSyntax(arg);
    const items = sliceItems(arg);
    // []byte-like formatting (%s/%x of []uint8) is not modelled: elements format one by one.
    return `[${items.map((e) => formatArg(e, verb, spec, true)).join(' ')}]`;
  }
  if (isMap(arg)) {
    if (verb === 'v' && spec.sharp) return goSyntax(arg);
    const m = mapEntries(arg);
    return `map[${sortedKeys(m)
      .map((k) => `${formatArg(k, verb, spec, true)}:${formatArg(m[k], verb, spec, true)}`)
      .join(' ')}]`;
  }
  return badVerb(verb, arg);
}

function formatString(s: string, verb: string, spec: Spec): string {
  switch (verb) {
    case 'v':
      if (spec.sharp) return pad(goQuote(s), spec);
      return pad(spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s, spec);
    case 's':
      return pad(spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s, spec);
    case 'q': {
      const t = spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s;
      if (spec.sharp && !t.includes('`') && !/[\x00-\x08\x0b-\x1f\x7f]/.test(t)) return pad(`\`${t}\``, spec);
      return pad(spec.plus ? asciiQuote(t) : goQuote(t), spec);
    }
    case 'x':
    case 'X': {
      let bytes = Buffer.from(s, 'utf8');
      if (spec.prec !== undefined) bytes = bytes.subarray(0, spec.prec);
      let h = '';
      for (let i = 0; i < bytes.length; i++) {
        if (i > 0 && spec.space) h += ' ';
        if (spec.sharp && (spec.space || i === 0)) h += '0x';
        h += bytes[i].toString(16).padStart(2, '0');
      }
      return pad(verb === 'X' ? h.toUpperCase() : h, spec);
    }
    default:
      return badVerb(verb, s);
  }
}

function asciiQuote(s: string): string {
  return goQuote(s).replace(/[^\x00-\x7f]/gu, (c) => {
    const cp = c.codePointAt(0)!;
    return cp < 0x10000 ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
  });
}

function formatInt(n: GoInt, verb: string, spec: Spec): string {
  const v = n.v;
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v':
    case 'd':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      digits = abs.toString(8);
      if (verb === 'O') prefix = '0o';
      else if (spec.sharp) prefix = '0';
      break;
    case 'x':
      digits = abs.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(runeString(v), { ...spec, zero: false });
    case 'q':
      return pad(quoteRune(v), { ...spec, zero: false });
    case 'U': {
      const h = abs.toString(16).toUpperCase().padStart(4, '0');
      let s = `U+${h}`;
      if (spec.sharp && v >= 0n && v <= 0x10ffffn) s += ` '${runeString(v)}'`;
      return pad(s, { ...spec, zero: false });
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return formatFloat(Number(v), verb, spec);
    default:
      return badVerb(verb, n);
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && abs === 0n) digits = '';
    digits = digits.padStart(spec.prec, '0');
  }
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  const body = prefix + digits;
  const w = spec.width ?? 0;
  if (spec.zero && !spec.minus && spec.prec === undefined && sign.length + body.length < w) {
    return sign + prefix + digits.padStart(w - sign.length - prefix.length, '0');
  }
  return pad(sign + body, { ...spec, zero: false });
}

function runeString(v: bigint): string {
  if (v < 0n || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn)) return '\ufffd';
  return String.fromCodePoint(Number(v));
}

function quoteRune(v: bigint): string {
  const s = runeString(v);
  if (s === "'") return "'\\''";
  if (s === '"') return `'"'`;
  const q = goQuote(s);
  return `'${q.slice(1, -1)}'`;
}

function expForm(mant: string, e: number, upper: boolean): string {
  return `${mant}${upper ? 'E' : 'e'}${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** strconv.FormatFloat(x, fmt, prec, 64) for finite x (prec -1 = shortest). */
export function formatFloatStrconv(x: number, fmt: 'e' | 'f' | 'g', prec: number): string {
  if (fmt === 'f') {
    if (prec < 0) {
      // shortest digits, no exponent
      const s = String(Math.abs(x));
      if (!s.includes('e')) return (x < 0 || Object.is(x, -0) ? '-' : '') + s;
      return (x < 0 ? '-' : '') + expandExponential(Math.abs(x));
    }
    return toFixedGo(x, prec);
  }
  if (fmt === 'e') {
    const [m, e] = (prec < 0 ? x.toExponential() : x.toExponential(prec)).split('e');
    return expForm(m, Number(e), false);
  }
  // 'g'
  if (prec < 0) return goFloat(x);
  const p = prec === 0 ? 1 : prec;
  const [m, e] = x.toExponential(p - 1).split('e');
  const exp = Number(e);
  const digitsOnly = m.replace(/^-/, '').replace('.', '').replace(/0+$/, '');
  let eprec = p;
  const nd = Math.max(digitsOnly.length, 1);
  if (eprec > nd && nd >= exp + 1) eprec = nd;
  if (exp < -4 || exp >= eprec) {
    const trimmed = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    return expForm(trimmed, exp, false);
  }
  const f = toFixedGo(x, Math.max(p - 1 - exp, 0));
  return f.includes('.') ? f.replace(/0+$/, '').replace(/\.$/, '') : f;
}

function expandExponential(x: number): string {
  const [m, e] = x.toExponential().split('e');
  const exp = Number(e);
  const digits = m.replace('.', '');
  if (exp >= 0) {
    return digits.length > exp + 1
      ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
      : digits.padEnd(exp + 1, '0');
  }
  return `0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** `%.Nf` with Go's rounding: the exact binary value, ties to even (JS toFixed rounds ties up). */
function toFixedGo(x: number, prec: number): string {
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let s: string;
  if (a < 1e21) {
    s = a.toFixed(prec);
    if (prec <= 80) {
      const exact = a.toFixed(Math.min(100, prec + 20));
      const cut = prec === 0 ? exact.indexOf('.') : exact.indexOf('.') + 1 + prec;
      const rest = exact.slice(cut).replace('.', '');
      if (/^50*$/.test(rest)) {
        // A tie: round half to even on the last kept digit.
        const kept = exact.slice(0, cut).replace(/\.$/, '');
        const last = Number(kept[kept.length - 1]);
        if (last % 2 === 0) s = kept;
      }
    }
  } else {
    const int = BigInt(a).toString();
    s = prec > 0 ? `${int}.${'0'.repeat(prec)}` : int;
  }
  return neg ? `-${s}` : s;
}

function formatFloat(x: number, verb: string, spec: Spec): string {
  let s: string;
  if (!Number.isFinite(x)) {
    s = Number.isNaN(x) ? 'NaN' : x > 0 ? (spec.plus ? '+Inf' : spec.space ? ' Inf' : '+Inf') : '-Inf';
    if (Number.isNaN(x) && spec.plus) s = '+NaN';
    if (x === Number.POSITIVE_INFINITY && !spec.plus && !spec.space) s = '+Inf';
    return pad(s, { ...spec, zero: false });
  }
  switch (verb) {
    case 'v':
    case 'g':
      s = formatFloatStrconv(x, 'g', spec.prec ?? -1);
      break;
    case 'G':
      s = formatFloatStrconv(x, 'g', spec.prec ?? -1).toUpperCase();
      break;
    case 'e':
      s = formatFloatStrconv(x, 'e', spec.prec ?? 6);
      break;
    case 'E':
      s = formatFloatStrconv(x, 'e', spec.prec ?? 6).toUpperCase();
      break;
    case 'f':
    case 'F':
      s = formatFloatStrconv(x, 'f', spec.prec ?? 6);
      break;
    default:
      return badVerb(verb, x);
  }
  if (spec.plus && !s.startsWith('-')) s = `+${s}`;
  else if (spec.space && !s.startsWith('-')) s = ` ${s}`;
  return pad(s, spec);
}

/** `%#v`: Go-syntax representation. */
function goSyntax(v: unknown): string {
  if (v === undefined || v === null) return 'interface {}(nil)';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    const s = goFloat(v);
    return /[.eIN]/.test(s) ? s : `${s}`;
  }
  if (v instanceof GoInt) return v.kind === 'int' ? v.v.toString() : `${v.kind}(${v.v})`;
  if (Array.isArray(v) || v instanceof GoSlice) {
    return `${goTypeOf(v)}{${sliceItems(v).map(goSyntax).join(', ')}}`;
  }
  if (v instanceof GoMap || isPlainObject(v)) {
    const m = mapEntries(v);
    return `${goTypeOf(v)}{${sortedKeys(m)
      .map((k) => `${goQuote(k)}:${goSyntax(m[k])}`)
      .join(', ')}}`;
  }
  return String(v);
}
