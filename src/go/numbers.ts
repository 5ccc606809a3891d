/** Go numeric conversions used by the functions. */
import { goFloat } from './json-format.js';

/** util.ToInteger: an integral float. */
export function toInteger(v: unknown): number | undefined {
  return typeof v === 'number' && Math.floor(v) === v ? v : undefined;
}

export function toPositiveInteger(v: unknown): number | undefined {
  const n = toInteger(v);
  return n !== undefined && n >= 0 ? n : undefined;
}

const TWO_63 = 2 ** 63;

/** kyverno's intNumber: an integral float that fits a Go int, else an error text. */
export function intNumber(x: number): number | string {
  if (!Number.isFinite(x) || Math.trunc(x) !== x) return `expected an integer number but got: ${goFloat(x)}`;
  if (x >= TWO_63 || x < -TWO_63) return `number is outside the range of integer numbers: ${goFloat(x)}`;
  return x;
}

/** Go math.Round: half away from zero. */
export function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+$/;

/** strconv.ParseFloat(s, 64); undefined on a syntax or range error. */
export function parseGoFloat(s: string): number | undefined {
  const lower = s.toLowerCase();
  const body = lower.replace(/^[+-]/, '');
  const neg = lower.startsWith('-');
  if (body === 'inf' || body === 'infinity') return neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (body === 'nan') return Number.NaN;
  let v: number;
  if (DECIMAL.test(s)) v = Number(s);
  else if (HEX.test(s)) {
    const m = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)p([+-]?\d+)$/.exec(lower)!;
    const digits = m[2] + m[3];
    v = Number.parseInt(digits || '0', 16) * 2 ** (Number(m[4]) - 4 * m[3].length);
    if (m[1] === '-') v = -v;
  } else return undefined;
  return Number.isFinite(v) ? v : undefined;
}
