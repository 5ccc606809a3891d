/**
 * Work budgets of expression evaluations (src/expression/budget.ts, src/cel/cost.ts,
 * src/jmespath/costs.ts): inputs that grew strings until V8 aborted the process, or looped for
 * minutes, end in a clear error after bounded work; ordinary expressions are unaffected.
 */
import { describe, expect, test } from 'vitest';
import { celCompiler } from '../../src/cel/index.js';
import { Bindings } from '../../src/expression/bindings.js';
import { activeBudget, BudgetExceededError, charge, withBudget } from '../../src/expression/budget.js';
import { ExpressionEvalError } from '../../src/expression/compilers.js';
import { compileJp, JP_COST_LIMIT } from '../../src/jmespath/index.js';

const nestedReplaceAll = (n: number): string => {
  let e = "'ab'";
  for (let i = 0; i < n; i++) e = `replace_all(${e}, 'a', 'aa')`;
  return e;
};
const chainedReplace = (n: number): string => `'ab'${".replace('a', 'aa')".repeat(n)}`;
const nestedAll = (n: number, over: string): string => {
  let e = 'true';
  for (let i = n - 1; i >= 0; i--) e = `${over}.all(x${i}, ${e})`;
  return e;
};
const TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

const jp = (expr: string, value: unknown = {}) => compileJp(expr).evaluate(value, Bindings.empty);
const cel = (expr: string, value: unknown = {}) => celCompiler.compile(expr).evaluate(value, Bindings.empty);

/** The error `f` throws, with the time it took. */
function failure(f: () => unknown): { error: unknown; ms: number } {
  const t0 = performance.now();
  try {
    f();
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
  throw new Error('expected an error');
}

describe('the shared budget', () => {
  test('nested evaluations charge the enclosing budget; an exhausted budget cannot be swallowed', () => {
    let inner = 0;
    expect(() =>
      withBudget(100, () => {
        charge(60);
        try {
          withBudget(
            1000,
            () => charge(50),
            (units) => {
              inner = units;
            },
          );
        } catch {
          // swallowed, as CEL's `||` or a JMESPath projection would
        }
        return 'ok';
      }),
    ).toThrow(BudgetExceededError);
    expect(inner).toBe(50);
    expect(activeBudget()).toBeUndefined();
  });
});

describe('JMESPath', () => {
  test('replace_all nested 34 times: a budget error, no abort, bounded work', () => {
    const { error, ms } = failure(() => jp(nestedReplaceAll(34)));
    expect(error).toBeInstanceOf(ExpressionEvalError);
    expect((error as Error).message).toMatch(/^evaluation cost limit exceeded: more than 10000000 units/);
    expect(ms).toBeLessThan(15_000);
  });

  test('results the budget cannot hold are never built (pad, join, replace)', () => {
    expect(() => jp("pad_left('a', `1000000000`)")).toThrow(/evaluation cost limit exceeded/);
    expect(() => jp("replace_all('ab', '', join('', [`\"x\"`]))")).not.toThrow();
    const big = 'x'.repeat(1_000_000);
    expect(() => jp("replace_all(s, '', s)", { s: big })).toThrow(/evaluation cost limit exceeded/);
    expect(() => jp('join(s, l)', { s: big, l: Array.from({ length: 200 }, () => 'y') })).toThrow(
      /evaluation cost limit exceeded/,
    );
  });

  test('steps are counted: nested projections over a large array stop', () => {
    const rows = Array.from({ length: 1000 }, () => Array.from({ length: 1000 }, (_, i) => i));
    // 1,000,000 elements, several steps each, ten times over
    const expr = `[${Array.from({ length: 10 }, () => '[*][*].to_string(@)').join(', ')}]`;
    expect(() => jp(expr, rows)).toThrow(/evaluation cost limit exceeded/);
  });

  test('errors swallowed by projections do not hide an exhausted budget', () => {
    // a filter projection swallows errors of its left side
    const expr = `(${nestedReplaceAll(34)})[?@]`;
    expect(() => jp(expr)).toThrow(/evaluation cost limit exceeded/);
  });

  test('ordinary expressions keep their results', () => {
    expect(jp("items[?x > `1`].x | join(',', [to_string(@[0])])", { items: [{ x: 1 }, { x: 2 }] })).toBe('2');
    expect(jp(nestedReplaceAll(10))).toBe(`${'a'.repeat(1024)}b`);
    expect(JP_COST_LIMIT).toBe(10_000_000);
  });

  test('an AST deeper than the interpreter walks is a compile error, not a stack overflow', () => {
    expect(() => compileJp(`${'abs('.repeat(3000)}a${')'.repeat(3000)}`)).toThrow(
      /SyntaxError: expression nested/,
    );
    expect(() => compileJp(Array.from({ length: 20_000 }, () => 'a').join(' || '))).toThrow(
      /SyntaxError: expression nested/,
    );
  });

  test('a 110 KB expression compiles in linear time', () => {
    const list = `[${Array.from({ length: 110_000 / 4 }, (_, i) => `a${i % 10}`).join(',')}]`;
    const t0 = performance.now();
    compileJp(list);
    // quadratic work on 110 KB took tens of seconds; linear takes milliseconds
    expect(performance.now() - t0).toBeLessThan(3_000);
  });
});

describe('CEL (Kubernetes runtime cost, PerCallLimit 1,000,000)', () => {
  test(".replace chained 30 times: cel-go's cost error, no abort", () => {
    const { error, ms } = failure(() => cel(`size(${chainedReplace(30)}) > 0`));
    expect((error as Error).message).toBe('operation cancelled: actual cost limit exceeded');
    expect(ms).toBeLessThan(15_000);
  });

  test('nine nested .all over ten items: stopped after about a million steps', () => {
    const { error, ms } = failure(() => cel(nestedAll(9, 'object'), TEN));
    expect((error as Error).message).toBe('operation cancelled: actual cost limit exceeded');
    expect(ms).toBeLessThan(15_000);
    // three nested levels (1,000 iterations) are well within the limit
    expect(cel(nestedAll(3, 'object'), TEN)).toBe(true);
  });

  test('an exhausted budget is not absorbed by || or .exists', () => {
    expect(() => cel(`object.exists(y, ${nestedAll(9, 'object')} || y == 1)`, TEN)).toThrow(
      'operation cancelled: actual cost limit exceeded',
    );
  });

  test('size-dependent costs: `in` over a large list inside a comprehension', () => {
    const list = Array.from({ length: 5000 }, (_, i) => i);
    // 5,000 elements x `in` over 5,000 = 25,000,000 units
    expect(() => cel('object.all(x, x in object)', list)).toThrow(
      'operation cancelled: actual cost limit exceeded',
    );
    expect(cel('object.all(x, x in object)', list.slice(0, 100))).toBe(true);
  });

  test('strings doubled by + stop before they are built', () => {
    let e = "'ab'";
    for (let i = 0; i < 40; i++) e = `cel.bind(s${i}, ${e}, s${i} + s${i})`;
    expect(() => cel(`size(${e}) > 0`)).toThrow('operation cancelled: actual cost limit exceeded');
  });

  test('a result sharing lists (2^40 elements as JSON) stops while it is converted', () => {
    let e = '[1, 1]';
    for (let i = 0; i < 40; i++) e = `cel.bind(l${i}, ${e}, [l${i}, l${i}])`;
    expect(() => cel(e)).toThrow('operation cancelled: actual cost limit exceeded');
  });

  test('ordinary expressions keep their results', () => {
    expect(cel("object.all(x, x > 0) && 'abc'.replace('b', 'x') == 'axc'", [1, 2, 3])).toBe(true);
    expect(cel("['a', 'b'].join('-') + 'c'.upperAscii()", {})).toBe('a-bC');
  });
});

describe('JMESPath random()', () => {
  test('nested repetitions are steps of the budget', () => {
    // each `+` repeats 1 to 10 times (at random): 40 levels make about 10^26 steps, fewer than
    // 10^7 with a probability far below 10^-12
    const nested = `${'('.repeat(40)}a${')+'.repeat(40)}`;
    expect(() => jp(`random('${nested}')`)).toThrow(/evaluation cost limit exceeded/);
    expect(jp("length(random('a{3}'))")).toBe(3);
  });
});
