/**
 * sprig's math: integer functions on int64 (wrapping like Go), float functions on float64,
 * and `addf`/`subf`/`mulf`/`divf` through decimal arithmetic as shopspring/decimal does.
 */
import { goFloat } from '../../go/fmt.js';
import { fail, panic } from './failure.js';

const int64 = (n: bigint) => BigInt.asIntN(64, n);

export const addInts = (values: readonly bigint[]): bigint => int64(values.reduce((s, v) => s + v, 0n));
export const subInts = (a: bigint, b: bigint): bigint => int64(a - b);
export const mulInts = (values: readonly bigint[]): bigint => int64(values.reduce((s, v) => s * v, 1n));

export function divInts(a: bigint, b: bigint): bigint {
  if (b === 0n) panic('integer divide by zero');
  return int64(a / b);
}

export function modInts(a: bigint, b: bigint): bigint {
  if (b === 0n) panic('integer divide by zero');
  return int64(a % b);
}

/** The largest of one or more int64 values (Math.max does not take bigints). */
export function maxInt(values: readonly bigint[]): bigint {
  let max = values[0];
  for (const v of values) if (v > max) max = v;
  return max;
}

export function minInt(values: readonly bigint[]): bigint {
  let min = values[0];
  for (const v of values) if (v < min) min = v;
  return min;
}
export const maxFloat = (values: readonly number[]): number => values.reduce((m, x) => Math.max(m, x));
export const minFloat = (values: readonly number[]): number => values.reduce((m, x) => Math.min(m, x));

export type DecimalOp = '+' | '-' | '*' | '/';

/** `first op rest[0] op rest[1] ...` in decimal arithmetic, back to float64. */
export function decimalArithmetic(first: number, rest: readonly number[], op: DecimalOp): number {
  let acc = first;
  for (const b of rest) {
    if (op === '/' && b === 0) fail('decimal division by 0');
    acc = decimalApply(acc, b, op);
  }
  return acc;
}

function decimalApply(a: number, b: number, op: DecimalOp): number {
  // Shortest decimal representations, combined exactly as decimals (like decimal.NewFromFloat).
  const [ma, ea] = toDecimal(a);
  const [mb, eb] = toDecimal(b);
  if (op === '*') return Number(`${ma * mb}e${ea + eb}`);
  if (op === '/') return Number(`${ma}e${ea}`) / Number(`${mb}e${eb}`);
  const e = Math.min(ea, eb);
  const xa = ma * 10n ** BigInt(ea - e);
  const xb = mb * 10n ** BigInt(eb - e);
  return Number(`${op === '+' ? xa + xb : xa - xb}e${e}`);
}

function toDecimal(x: number): [mantissa: bigint, exponent: number] {
  if (!Number.isFinite(x)) fail(`Cannot create a Decimal from ${goFloat(x)}`);
  const [m, e] = x.toExponential().split('e');
  const digits = m.replace('.', '').replace('-', '');
  const frac = m.includes('.') ? m.split('.')[1].length : 0;
  return [BigInt((x < 0 ? '-' : '') + digits), Number(e) - frac];
}

/** sprig's `round`: to `places` decimals, rounding up from `roundOn` (0.5 by default). */
export function round(value: number, places: number, roundOn = 0.5): number {
  const pow = 10 ** places;
  const digit = pow * value;
  const div = digit - Math.trunc(digit);
  return (div >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

/** Sequences longer than this are refused (a template must not exhaust memory). */
const MAX_SEQUENCE = 1_000_000;

/** sprig's untilStep: start, start+step, ... up to (not including) stop. */
export function untilStep(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  if (stop < start ? step >= 0 : step <= 0) return out;
  for (let i = start; stop < start ? i > stop : i < stop; i += step) {
    if (out.length >= MAX_SEQUENCE) fail(`untilStep: more than ${MAX_SEQUENCE} elements`);
    out.push(i);
  }
  return out;
}

export const until = (count: number): number[] => untilStep(0, count, count < 0 ? -1 : 1);

/** sprig's `seq` (as the Unix seq): "1 2 3" for `seq 3`, `seq 2 4`, `seq 1 1 3`. */
export function seq(params: readonly number[]): string {
  let r: number[];
  if (params.length === 1) {
    const [end] = params;
    const inc = end < 1 ? -1 : 1;
    r = untilStep(1, end + inc, inc);
  } else if (params.length === 2) {
    const [start, end] = params;
    const step = end < start ? -1 : 1;
    r = untilStep(start, end + step, step);
  } else if (params.length === 3) {
    const [start, step, end] = params;
    let inc = 1;
    if (end < start) {
      inc = -1;
      if (step > 0) return '';
    }
    r = untilStep(start, end + inc, step);
  } else return '';
  return r.join(' ');
}
