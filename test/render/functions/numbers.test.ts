import { describe, expect, it } from 'vitest';
import { atoi, octalToDecimal, toFloat64, toInt64 } from '../../../src/render/functions/conversion.js';
import * as math from '../../../src/render/functions/math.js';
import { GoInt } from '../../../src/render/gotemplate/values.js';
import { chartValueModel as chart, goValueModel as go, models } from './models.js';

describe('conversions (spf13/cast)', () => {
  it.each(models)('int64 from strings, numbers and booleans (%s)', (_, model) => {
    const cases: Array<[unknown, bigint]> = [
      ['42', 42n],
      ['0x1F', 31n],
      ['010', 8n],
      ['0b11', 3n],
      ['1_000', 1000n],
      ['1.0', 1n],
      ['1.5', 0n],
      ['x', 0n],
      ['99999999999999999999', 0n],
      [3.9, 3n],
      [-3.9, -3n],
      [true, 1n],
      [null, 0n],
      [undefined, 0n],
      [[1], 0n],
    ];
    for (const [v, want] of cases) expect(toInt64(model, v), String(v)).toBe(want);
  });

  it('typed Go integers keep their value', () => {
    expect(toInt64(go, new GoInt('uint8', 255n))).toBe(255n);
    expect(toFloat64(go, new GoInt('int64', -2n))).toBe(-2);
    expect(toInt64(chart, new GoInt('int', 5n))).toBe(0n);
  });

  it('float64, atoi, toDecimal', () => {
    expect(toFloat64(chart, '1e3')).toBe(1000);
    expect(toFloat64(chart, '-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(toFloat64(chart, 'nope')).toBe(0);
    expect(atoi('-12')).toBe(-12n);
    expect(atoi('1.0')).toBe(0n);
    expect(octalToDecimal('777')).toBe(511n);
    expect(octalToDecimal('8')).toBe(0n);
  });
});

describe('math', () => {
  it('int64 arithmetic wraps and truncates like Go', () => {
    expect(math.addInts([2n ** 63n - 1n, 1n])).toBe(-(2n ** 63n));
    expect(math.mulInts([2n ** 32n, 2n ** 32n])).toBe(0n);
    expect(math.divInts(-7n, 2n)).toBe(-3n);
    expect(math.modInts(-7n, 2n)).toBe(-1n);
    expect(math.maxInt([3n, 9n, 1n])).toBe(9n);
    expect(math.minInt([3n, -9n, 1n])).toBe(-9n);
    expect(() => math.divInts(1n, 0n)).toThrow('integer divide by zero');
  });

  it('decimal arithmetic gives the decimal result', () => {
    expect(math.decimalArithmetic(0.1, [0.2], '+')).toBe(0.3);
    expect(math.decimalArithmetic(1.1, [3], '*')).toBe(3.3);
    expect(math.decimalArithmetic(1, [0.9], '-')).toBe(0.1);
    expect(() => math.decimalArithmetic(1, [0], '/')).toThrow('decimal division by 0');
    expect(() => math.decimalArithmetic(Number.NaN, [1], '+')).toThrow('Cannot create a Decimal from NaN');
    expect(math.round(1.23456, 3)).toBe(1.235);
    expect(math.round(2.5, 0)).toBe(3);
  });

  it('sequences', () => {
    expect(math.seq([3])).toBe('1 2 3');
    expect(math.seq([5, 2])).toBe('5 4 3 2');
    expect(math.seq([1, 2, 6])).toBe('1 3 5');
    expect(math.seq([5, 1, 1])).toBe('');
    expect(math.until(-2)).toEqual([0, -1]);
    expect(math.untilStep(0, 10, 3)).toEqual([0, 3, 6, 9]);
    expect(math.untilStep(0, 10, -1)).toEqual([]);
    expect(() => math.untilStep(0, 2_000_000, 1)).toThrow('more than 1000000 elements');
  });
});
