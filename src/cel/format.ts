/**
 * `<string>.format(<list>)` of cel-go's ext.Strings (v0.20.1, locale en_US) and the Go number
 * and time printing it relies on. Runtime only: cel-go also checks literal format calls at
 * compile time; here a bad clause is an evaluation error with cel-go's text.
 */

import { isPlainObject } from '../util/plain-object.js';
import { CelFunctionError } from './strings.js';
import { celTypeName, Duration, durationString, goFloatG, rfc3339, UnsignedInt } from './values.js';

function formatError(what: string, msg: string): CelFunctionError {
  return new CelFunctionError(`${what}: ${msg}`);
}

const clauseError = (kind: string, v: unknown) => {
  const t = celTypeName(v);
  switch (kind) {
    case 'd':
      return `decimal clause can only be used on integers, was given ${t}`;
    case 'f':
      return `fixed-point clause can only be used on doubles, was given ${t}`;
    case 'e':
      return `scientific clause can only be used on doubles, was given ${t}`;
    case 'b':
      return `only integers and bools can be formatted as binary, was given ${t}`;
    case 'o':
      return `octal clause can only be used on integers, was given ${t}`;
    case 'x':
      return `only integers, byte buffers, and strings can be formatted as hex, was given ${t}`;
    default:
      return `string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given ${t}`;
  }
};

const isInt = (v: unknown): v is bigint | UnsignedInt => typeof v === 'bigint' || v instanceof UnsignedInt;
const intValue = (v: bigint | UnsignedInt): bigint => (typeof v === 'bigint' ? v : v.value);

/** A double argument of %f / %e: a number or one of the strings NaN, Infinity, -Infinity. */
function doubleArg(kind: string, v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  throw new Error(clauseError(kind, v));
}

function fixed(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  // golang.org/x/text/message with en_US groups thousands.
  return x.toLocaleString('en-US', {
    minimumFractionDigits: precision,
    maximumFractionDigits: precision,
    useGrouping: true,
  });
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

function scientific(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  // golang.org/x/text/message prints 2.718280e+00 as "2.718280 × 10⁰⁰" (narrow no-break spaces).
  const [mant, expText] = x.toExponential(precision).split('e');
  const exp = Number(expText);
  const digits = String(Math.abs(exp))
    .padStart(2, '0')
    .replace(/\d/g, (d) => SUPERSCRIPT[Number(d)]);
  return `${mant}\u202f×\u202f10${exp < 0 ? '⁻' : ''}${digits}`;
}

function hex(v: unknown, upper: boolean): string {
  let out: string;
  if (typeof v === 'string') out = Buffer.from(v, 'utf8').toString('hex');
  else if (v instanceof Uint8Array) out = Buffer.from(v).toString('hex');
  else if (isInt(v)) {
    const n = intValue(v);
    out = n < 0n ? `-${(-n).toString(16)}` : n.toString(16);
  } else throw new Error(clauseError('x', v));
  return upper ? out.toUpperCase() : out;
}

/** `%s` of one value; nested strings (and bytes) are quoted like Go's %q. */
function asString(v: unknown, nested: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return nested ? JSON.stringify(v) : v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof UnsignedInt) return String(v.value);
  if (typeof v === 'number') {
    if (!nested) return goFloatG(v);
    // Inside a list or map cel-go prints doubles with %.6f, quoting NaN and the infinities.
    if (Number.isNaN(v)) return '"NaN"';
    if (!Number.isFinite(v)) return v > 0 ? '"+Inf"' : '"-Inf"';
    return v.toFixed(6);
  }
  if (v instanceof Uint8Array) {
    const s = Buffer.from(v).toString('utf8');
    return nested ? `b${JSON.stringify(s)}` : s;
  }
  if (v instanceof Date) return nested ? `timestamp(${JSON.stringify(rfc3339(v))})` : rfc3339(v);
  if (v instanceof Duration)
    return nested ? `duration(${JSON.stringify(durationString(v))})` : durationString(v);
  if (Array.isArray(v) || v instanceof Set) return `[${[...v].map((e) => asString(e, true)).join(', ')}]`;
  if (v instanceof Map || isPlainObject(v)) {
    const entries = v instanceof Map ? [...v] : Object.entries(v as object);
    const pairs = entries.map(([k, e]) => {
      if (typeof k !== 'string' && typeof k !== 'boolean' && !isInt(k)) {
        throw new Error(`no formatting function for map key of type ${celTypeName(k)}`);
      }
      return [asString(k, true), asString(e, true)] as const;
    });
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return `{${pairs.map(([k, e]) => `${k}:${e}`).join(', ')}}`;
  }
  const t = celTypeName(v);
  if (t === 'type') return String((v as { name: string }).name);
  throw new Error(clauseError('s', v));
}

function clause(kind: string, precision: number | undefined, v: unknown): string {
  switch (kind) {
    case 's':
      return asString(v, false);
    case 'd':
      if (!isInt(v)) throw new Error(clauseError('d', v));
      return String(intValue(v));
    case 'f':
      return fixed(doubleArg('f', v), precision ?? 6);
    case 'e':
      return scientific(doubleArg('e', v), precision ?? 6);
    case 'b':
      if (typeof v === 'boolean') return v ? '1' : '0';
      if (!isInt(v)) throw new Error(clauseError('b', v));
      return intValue(v) < 0n ? `-${(-intValue(v)).toString(2)}` : intValue(v).toString(2);
    case 'o':
      if (!isInt(v)) throw new Error(clauseError('o', v));
      return intValue(v) < 0n ? `-${(-intValue(v)).toString(8)}` : intValue(v).toString(8);
    case 'x':
    case 'X':
      return hex(v, kind === 'X');
    default:
      throw new Error(`unrecognized formatting clause "${kind}"`);
  }
}

export function format(fmt: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt[i];
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    if (fmt[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    if (argIndex >= args.length) throw new CelFunctionError(`index ${argIndex} out of range`);
    if (i + 1 >= fmt.length) throw new CelFunctionError('unexpected end of string');
    let j = i + 1;
    let precision: number | undefined;
    if (fmt[j] === '.') {
      j++;
      const start = j;
      while (j < fmt.length && fmt[j] >= '0' && fmt[j] <= '9') j++;
      if (j >= fmt.length) {
        throw formatError(
          'could not parse formatting clause',
          'error while parsing precision: could not find end of precision specifier',
        );
      }
      precision = Number.parseInt(fmt.slice(start, j), 10);
      if (Number.isNaN(precision)) {
        throw formatError(
          'could not parse formatting clause',
          `error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing "": invalid syntax`,
        );
      }
    }
    const kind = fmt[j];
    if (!'sdfebxXo'.includes(kind)) {
      throw formatError('could not parse formatting clause', `unrecognized formatting clause "${kind}"`);
    }
    try {
      out += clause(kind, precision, args[argIndex]);
    } catch (e) {
      if (e instanceof CelFunctionError) throw e;
      throw formatError('error during formatting', (e as Error).message);
    }
    argIndex++;
    i = j + 1;
  }
  return out;
}
