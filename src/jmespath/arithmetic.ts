/**
 * kyverno's arithmetic functions (pkg/jp/kyverno/arithmetic.go): each operand is a number
 * (scalar), or a string parsed first as a Kubernetes Quantity, then as a Go duration.
 */
import { durationFromFloat, durationSeconds, formatDuration, parseDuration, SECOND } from '../go/duration.js';
import { goFloat } from '../go/json-format.js';
import { goRound, intNumber } from '../go/numbers.js';
import {
  addQuantity,
  divQuantity,
  formatQuantity,
  mulQuantity,
  newQuantity,
  parseQuantity,
  type Quantity,
  quantityFloat,
} from '../k8s/quantity.js';
import { fnError, JpError } from './errors.js';
import { arg, type FunctionEntry } from './types.js';

type Operand =
  | { kind: 'scalar'; v: number }
  | { kind: 'quantity'; q: Quantity }
  | { kind: 'duration'; d: bigint };

function operand(v: unknown, fn: string): Operand {
  if (typeof v === 'number') return { kind: 'scalar', v };
  if (typeof v === 'string') {
    try {
      return { kind: 'quantity', q: parseQuantity(v) };
    } catch {
      try {
        return { kind: 'duration', d: parseDuration(v) };
      } catch {
        // fall through
      }
    }
  }
  throw fnError(fn, 'invalid operand');
}

const mismatch = (fn: string) => fnError(fn, 'Types mismatch');
const zero = (fn: string) => fnError(fn, 'Zero divisor passed');
const nonIntModulo = () => fnError('modulo', 'Non-integer argument(s) passed for modulo');

/** The scalar as a Quantity, as upstream does with ParseQuantity(fmt.Sprintf("%v", f)). */
function scalarQuantity(f: number): Quantity {
  try {
    return parseQuantity(goFloat(f));
  } catch (e) {
    throw new JpError((e as Error).message);
  }
}

function add(a: unknown, b: unknown, fn: string, negate = false): unknown {
  const x = operand(a, fn);
  const y = operand(b, fn);
  if (x.kind === 'scalar' && y.kind === 'scalar') return negate ? x.v - y.v : x.v + y.v;
  if (x.kind === 'quantity' && y.kind === 'quantity') return formatQuantity(addQuantity(x.q, y.q, negate));
  if (x.kind === 'duration' && y.kind === 'duration') return formatDuration(negate ? x.d - y.d : x.d + y.d);
  throw mismatch(fn);
}

function multiply(a: unknown, b: unknown): unknown {
  let x = operand(a, 'multiply');
  let y = operand(b, 'multiply');
  if (x.kind === 'scalar' && y.kind === 'scalar') return x.v * y.v;
  if (x.kind === 'scalar') [x, y] = [y, x];
  if (y.kind !== 'scalar') throw mismatch('multiply');
  if (x.kind === 'quantity') return formatQuantity(mulQuantity(x.q, scalarQuantity(y.v)));
  if (x.kind === 'duration') {
    return formatDuration(durationFromFloat(durationSeconds(x.d) * y.v * Number(SECOND)));
  }
  throw mismatch('multiply');
}

function divide(a: unknown, b: unknown): unknown {
  const x = operand(a, 'divide');
  const y = operand(b, 'divide');
  if (x.kind === 'quantity') {
    if (y.kind === 'quantity') {
      const divisor = quantityFloat(y.q);
      if (divisor === 0) throw zero('divide');
      return quantityFloat(x.q) / divisor;
    }
    if (y.kind === 'scalar') {
      if (y.v === 0) throw zero('divide');
      return formatQuantity(divQuantity(x.q, scalarQuantity(y.v)));
    }
  } else if (x.kind === 'duration') {
    if (y.kind === 'duration') {
      if (durationSeconds(y.d) === 0) throw zero('divide');
      return durationSeconds(x.d) / durationSeconds(y.d);
    }
    if (y.kind === 'scalar') {
      if (y.v === 0) throw zero('divide');
      return formatDuration(durationFromFloat((durationSeconds(x.d) / y.v) * Number(SECOND)));
    }
  } else if (y.kind === 'scalar') {
    if (y.v === 0) throw zero('divide');
    return x.v / y.v;
  }
  throw mismatch('divide');
}

/** Go's int64(f) for an in-range float (truncation). */
const int64 = (f: number): number => Math.trunc(f);

function modulo(a: unknown, b: unknown): unknown {
  const x = operand(a, 'modulo');
  const y = operand(b, 'modulo');
  if (x.kind === 'quantity' && y.kind === 'quantity') {
    const f1 = quantityFloat(x.q);
    const f2 = quantityFloat(y.q);
    if (f1 !== int64(f1) || f2 !== int64(f2) || !Number.isFinite(f1) || !Number.isFinite(f2))
      throw nonIntModulo();
    if (int64(f2) === 0) throw zero('modulo');
    return formatQuantity(newQuantity(BigInt(int64(f1)) % BigInt(int64(f2)), x.q.format));
  }
  if (x.kind === 'duration' && y.kind === 'duration') {
    if (y.d === 0n) throw zero('modulo');
    return formatDuration(x.d % y.d);
  }
  if (x.kind === 'scalar' && y.kind === 'scalar') {
    if (x.v !== int64(x.v) || y.v !== int64(y.v) || !Number.isFinite(x.v) || !Number.isFinite(y.v))
      throw nonIntModulo();
    if (int64(y.v) === 0) throw zero('modulo');
    const r = x.v % y.v;
    return r === 0 ? 0 : r;
  }
  throw mismatch('modulo');
}

function sum(items: unknown): unknown {
  if (!Array.isArray(items)) throw mismatch('sum');
  if (items.length === 0) throw fnError('sum', 'at least one element in the array is required');
  let result = items[0];
  for (const item of items.slice(1)) result = add(result, item, 'sum');
  return result;
}

function round(x: number, places: number): number {
  const n = intNumber(places);
  if (typeof n === 'string') throw fnError('round', 'Non-integer argument(s) passed for round off');
  // Upstream formats argOutOfBoundsError without its arguments.
  if (n < 0) throw fnError('round', '%!d(MISSING) argument is out of bounds (%!d(MISSING))');
  const shift = 10 ** n;
  return goRound(x * shift) / shift;
}

export const arithmeticFunctions: FunctionEntry[] = [
  { name: 'add', args: [arg('any'), arg('any')], handler: ([a, b]) => add(a, b, 'add') },
  { name: 'sum', args: [arg('array')], handler: ([a]) => sum(a) },
  { name: 'subtract', args: [arg('any'), arg('any')], handler: ([a, b]) => add(a, b, 'subtract', true) },
  { name: 'multiply', args: [arg('any'), arg('any')], handler: ([a, b]) => multiply(a, b) },
  { name: 'divide', args: [arg('any'), arg('any')], handler: ([a, b]) => divide(a, b) },
  { name: 'modulo', args: [arg('any'), arg('any')], handler: ([a, b]) => modulo(a, b) },
  {
    name: 'round',
    args: [arg('number'), arg('number')],
    handler: ([a, b]) => round(a as number, b as number),
  },
];
