/**
 * Kubernetes resource.Quantity (k8s.io/apimachinery v0.31): parsing (with the nano round-up
 * and the int64 cap), exact decimal arithmetic and the canonical String() form.
 * A value is `unscaled × 10^-scale` (inf.Dec semantics).
 */

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export interface Quantity {
  readonly u: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
}

export const ERR_FORMAT_WRONG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

export class QuantityError extends Error {}

const DEC_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const MAX_ALLOWED = (1n << 63n) - 1n;
const pow10 = (n: number): bigint => 10n ** BigInt(n);

function interpret(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  if (Object.hasOwn(DEC_SUFFIXES, suffix))
    return { base: 10, exponent: DEC_SUFFIXES[suffix], format: 'DecimalSI' };
  if (Object.hasOwn(BIN_SUFFIXES, suffix))
    return { base: 2, exponent: BIN_SUFFIXES[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    if (!/^[+-]?\d+$/.test(suffix.slice(1))) return undefined;
    const n = Number(suffix.slice(1));
    if (!Number.isSafeInteger(n)) return undefined;
    return { base: 10, exponent: n | 0, format: 'DecimalExponent' };
  }
  return undefined;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** parseQuantityString: sign, numerator, denominator, suffix. */
function split(str: string): {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
} {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  pos = i;
  if (i >= end) return { positive, value: str, num, denom: '', suffix: '' };
  if (num === '') num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityError(ERR_FORMAT_WRONG);
}

/** resource.ParseQuantity. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw new QuantityError(ERR_FORMAT_WRONG);
  if (str === '0') return { u: 0n, scale: 0, format: 'DecimalSI' };
  const { positive, value, num, denom, suffix } = split(str);
  const interp = interpret(suffix);
  if (!interp) throw new QuantityError(ERR_SUFFIX);
  const { base, exponent, format } = interp;

  let precision = 0;
  let scale = 0;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc(Math.fround((exponent * 3) / 10)) - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= -9) {
      const result = BigInt(num + denom) * mantissa;
      if (result <= MAX_ALLOWED) return { u: positive ? result : -result, scale: -scale, format };
    }
  }

  // The inf.Dec path.
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new QuantityError(ERR_NUMERIC);
  const neg = m[1] === '-';
  let u = BigInt((m[2] || '0') + (m[3] ?? ''));
  let s = (m[3] ?? '').length;
  if (base === 10) s -= exponent;
  else u *= 1n << BigInt(exponent);
  if (u !== 0n) {
    // Round up (away from zero) to nano precision.
    if (s > 9) {
      const d = pow10(s - 9);
      u = (u + d - 1n) / d;
    } else u *= pow10(9 - s);
    s = 9;
  }
  if (cmp({ u, scale: s }, { u: MAX_ALLOWED, scale: 0 }) > 0) {
    u = MAX_ALLOWED;
    s = 0;
  }
  if (base === 10 && u === 0n) s = 0;
  return { u: neg ? -u : u, scale: s, format };
}

/** Align two decimals to the larger scale. */
function align(a: { u: bigint; scale: number }, b: { u: bigint; scale: number }): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale);
  return [a.u * pow10(s - a.scale), b.u * pow10(s - b.scale), s];
}

function cmp(a: { u: bigint; scale: number }, b: { u: bigint; scale: number }): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Quantity.Add / Sub (a zero receiver takes the other's format). */
export function addQuantity(a: Quantity, b: Quantity, negate = false): Quantity {
  const [x, y, s] = align(a, b);
  const format = a.u === 0n ? b.format : a.format;
  return { u: negate ? x - y : x + y, scale: s, format };
}

/** inf.Dec multiplication, keeping the receiver's format (NewDecimalQuantity). */
export function mulQuantity(a: Quantity, b: Quantity): Quantity {
  return { u: a.u * b.u, scale: a.scale + b.scale, format: a.format };
}

/** inf.Dec QuoRound(a, b, max(scales), RoundDown), keeping a's format. */
export function divQuantity(a: Quantity, b: Quantity): Quantity {
  const s = Math.max(a.scale, b.scale);
  const e = s - a.scale + b.scale;
  const num = a.u * (e > 0 ? pow10(e) : 1n);
  const den = b.u * (e < 0 ? pow10(-e) : 1n);
  return { u: num / den, scale: s, format: a.format };
}

/** AsApproximateFloat64. */
export function quantityFloat(q: Quantity): number {
  const base = Number(q.u);
  return q.scale === 0 ? base : base * 10 ** -q.scale;
}

function removeFactors(v: bigint, base: bigint): [bigint, number] {
  let times = 0;
  while (v !== 0n && v % base === 0n) {
    v /= base;
    times++;
  }
  return [v, times];
}

function decSuffix(exponent: number, format: QuantityFormat): string {
  if (format === 'DecimalExponent') return exponent === 0 ? '' : `e${exponent}`;
  for (const [k, v] of Object.entries(DEC_SUFFIXES)) if (v === exponent) return k;
  return ''; // upstream ignores the missing suffix
}

/** Quantity.String() for a computed quantity (canonical form). */
export function formatQuantity(q: Quantity): string {
  if (q.u === 0n) return '0';
  let format = q.format;
  let integral: bigint | undefined;
  if (format === 'BinarySI') {
    const abs = q.u < 0n ? -q.u : q.u;
    if (cmp({ u: abs, scale: q.scale }, { u: 1024n, scale: 0 }) < 0) format = 'DecimalSI';
    else if (q.scale <= 0) integral = q.u * pow10(-q.scale);
    else if (q.u % pow10(q.scale) === 0n) integral = q.u / pow10(q.scale);
    else format = 'DecimalSI';
  }
  if (format === 'BinarySI' && integral !== undefined) {
    const [amount, times] = removeFactors(integral, 1024n);
    const suffix = Object.entries(BIN_SUFFIXES).find(([, e]) => e === times * 10)?.[0] ?? '';
    return `${amount}${suffix}`;
  }
  let [amount, times] = removeFactors(q.u, 10n);
  let exponent = -q.scale + times;
  while (((exponent % 3) + 3) % 3 !== 0) {
    amount *= 10n;
    exponent--;
  }
  return `${amount}${decSuffix(exponent, format)}`;
}

/** resource.NewQuantity(int64, format). */
export function newQuantity(value: bigint, format: QuantityFormat): Quantity {
  return { u: value, scale: 0, format };
}
