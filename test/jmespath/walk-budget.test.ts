/**
 * JMESPath functions whose result can be much larger than their arguments ask the evaluation's
 * budget (src/expression/budget.ts) before they build it: `regex_replace_all` with `$1`
 * repeated used to build a string past V8's limit ("runtime error: Invalid string length") or
 * close to it (a gigabyte) before anything was charged.
 */
import { describe, expect, it } from 'vitest';
import { Bindings } from '../../src/expression/bindings.js';
import { ExpressionEvalError } from '../../src/expression/compilers.js';
import { compileJp, JP_COST_LIMIT } from '../../src/jmespath/index.js';

const jp = (expr: string, value: unknown = {}) => compileJp(expr).evaluate(value, Bindings.empty);
const ones = (n: number) => '$1'.repeat(n);

describe('regex_replace_all', () => {
  it('with $1 repeated, nested, stops at the cost limit before it builds the string', () => {
    const call = (inner: string, n: number) => `regex_replace_all('(.*)', ${inner}, '${ones(n)}')`;
    const expr = `${call(call(call("'abcdefghij'", 200), 2000), 1000)} | length(@)`;
    const t0 = performance.now();
    let error: unknown;
    try {
      jp(expr);
    } catch (e) {
      error = e;
    }
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(ExpressionEvalError);
    expect((error as Error).message).toBe(
      `evaluation cost limit exceeded: more than ${JP_COST_LIMIT} units (steps, and sizes of the strings and arrays read or built)`,
    );
  });

  it('expands and replaces as Go does, the literal form too', () => {
    expect(jp("regex_replace_all('a(x*)b', '-ab-axxb-', '${1}W$$')")).toBe('-W$-xxW$-');
    expect(jp("regex_replace_all_literal('a(x*)b', '-ab-axxb-', '$1')")).toBe('-$1-$1-');
    // a literal replacement at each of 100,000 positions stays within the budget
    expect(jp("regex_replace_all_literal('', @, 'xy') | length(@)", 'a'.repeat(100_000))).toBe(300_002);
  });
});

describe('values that hold one array twice, 30 deep (30 small arrays, 2^30 nodes)', () => {
  const doubled = Array(30).fill('[@,@]').join(' | ');
  /** The error `expr` ends in, which must come within a few seconds. */
  const stops = (expr: string): Error => {
    const t0 = performance.now();
    try {
      jp(expr, { a: 1 });
    } catch (e) {
      expect(performance.now() - t0).toBeLessThan(10_000);
      return e as Error;
    }
    throw new Error('expected an error');
  };
  const costLimit = `evaluation cost limit exceeded: more than ${JP_COST_LIMIT} units`;

  it('to_string stops at the cost limit (it printed 2 GB, then "Invalid string length")', () => {
    expect(stops(`${doubled} | to_string(@)`).message).toContain(costLimit);
    expect(jp('[@,@] | [@,@] | to_string(@)', 1)).toBe('[[1,1],[1,1]]');
  });

  it('== and contains stop at the cost limit (19-23 s each before)', () => {
    expect(stops(`{x: @ | ${doubled}, y: @ | ${doubled}} | x == y`).message).toContain(costLimit);
    expect(stops(`{x: @ | ${doubled}, y: @ | ${doubled}} | contains([x], y)`).message).toContain(costLimit);
    expect(jp('{x: [@,@], y: [@,@]} | x == y', 1)).toBe(true);
  });

  it('a type error that prints the value stops at the cost limit (it never finished)', () => {
    expect(stops(`${doubled} | abs(@)`).message).toContain(costLimit);
    expect(() => jp('abs(@)', [1, 2])).toThrow('invalid type for: [1 2], expected:');
  });
});
