import { describe, expect, it } from 'vitest';
import { celCompiler } from '../../src/cel/index.js';
import { Bindings } from '../../src/expression/bindings.js';
import { ExpressionCompileError, ExpressionEvalError } from '../../src/expression/compilers.js';
import { MAP_PROTOTYPE } from '../../src/util/plain-object.js';

const payload = {
  foo: { bar: 4 },
  i: 1,
  d: 1.5,
  s: 'héllo wörld',
  list: [1, 2, 3],
  mixed: [1, 2.5, 'x'],
  tags: ['a', 'b'],
  meta: { labels: { app: 'web', tier: 'front' } },
  nil: null,
};

function run(expression: string, value: unknown = payload, bindings: Bindings = Bindings.empty): unknown {
  return celCompiler.compile(expression).evaluate(value, bindings);
}

function compileError(expression: string): ExpressionCompileError {
  try {
    celCompiler.compile(expression);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionCompileError);
    return e as ExpressionCompileError;
  }
  throw new Error(`expected ${expression} not to compile`);
}

function evalError(
  expression: string,
  value: unknown = payload,
  bindings = Bindings.empty,
): ExpressionEvalError {
  const program = celCompiler.compile(expression);
  try {
    program.evaluate(value, bindings);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionEvalError);
    return e as ExpressionEvalError;
  }
  throw new Error(`expected ${expression} to fail`);
}

describe('cel compiler: conformance case test/commands/scan/cel', () => {
  it('object.foo.bar equals bindings.resolve across cel and jp context entries', () => {
    const p = { foo: { bar: 4 } };
    // context: celFoo = (4); jpFoo = ($celFoo) (jp); celFoo = (bindings.resolve('jpFoo'))
    const b1 = Bindings.empty.withLazy('celFoo', () => run('4', p, Bindings.empty));
    const b2 = b1.withLazy('jpFoo', () => b1.get('celFoo'));
    const b3 = b2.withLazy('celFoo', () => run("bindings.resolve('jpFoo')", p, b2));
    const key = run('object.foo.bar', p, b3);
    const expected = run("bindings.resolve('celFoo')", p, b3);
    expect(key).toBe(4);
    expect(expected).toBe(4);
    expect(run("object.foo.bar == bindings.resolve('celFoo')", p, b3)).toBe(true);
  });

  it('resolves a plain binding', () => {
    const b = Bindings.empty.with('celFoo', 4);
    expect(run("object.foo.bar == bindings.resolve('celFoo')", payload, b)).toBe(true);
    expect(run("bindings.resolve('celFoo') + 1", payload, b)).toBe(5);
    expect(run("bindings.resolve('m').a", payload, Bindings.empty.with('m', { a: 'x' }))).toBe('x');
  });
});

describe('cel compiler: arithmetic and numbers', () => {
  it.each<[string, unknown]>([
    ['1 + 2 * 3', 7],
    ['7 / 2', 3],
    ['-7 / 2', -3],
    ['7 % 3', 1],
    ['7.0 / 2.0', 3.5],
    ['object.foo.bar + 1', 5],
    ['object.foo.bar * object.foo.bar', 16],
    ['object.d * 2.0', 3],
    ['double(object.foo.bar) / 8.0', 0.5],
    ['int(object.d)', 1],
    ['1u + 2u', 3],
    ['size(object.list) - 1', 2],
    ['string(1234567.0)', '1.234567e+06'],
    ['string(2.5)', '2.5'],
  ])('%s → %j', (expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });

  it('integer overflow and division by zero are evaluation errors', () => {
    expect(evalError('9223372036854775807 + 1').message).toContain('overflow');
    expect(evalError('1 / 0').message).toContain('division by zero');
  });

  it('int and double do not mix in arithmetic (no implicit conversion)', () => {
    expect(compileError('1 + 1.0').message).toContain('int + double');
    expect(evalError('object.foo.bar + 0.5').message).toContain('no such overload');
  });
});

describe('cel compiler: cross-type numeric comparisons', () => {
  it.each<[string, boolean]>([
    ['1 < 1.5', true],
    ['2u < 3', true],
    ['1.0 <= 1', true],
    ['3 > 2u', true],
    ['object.i >= 1.0', true],
    ['object.d > object.i', true],
    // equality across numeric types holds at runtime (dyn values)
    ['dyn(1) == 1.0', true],
    ['dyn(1u) == 1', true],
    ['object.i == 1.0', true],
    ['object.d == 1', false],
    ['object.mixed.exists(x, x == 2.5)', true],
    ['1 in dyn([1.0, 2.0])', true],
  ])('%s → %s', (expr, expected) => {
    expect(run(expr)).toBe(expected);
  });

  it('a literal int compared with a literal double does not type-check (as in cel-go)', () => {
    expect(compileError('1 == 1.0').message).toContain('int == double');
  });
});

describe('cel compiler: ext.Strings', () => {
  it.each<[string, unknown]>([
    ["'hello'.charAt(1)", 'e'],
    ["'hello'.charAt(5)", ''],
    ["'héllo'.charAt(1)", 'é'],
    ["'hello mellow'.indexOf('ello')", 1],
    ["'hello mellow'.indexOf('ello', 2)", 7],
    ["'hello mellow'.indexOf('')", 0],
    ["'héllo'.indexOf('l')", 2],
    ["'hello mellow'.lastIndexOf('ello')", 7],
    ["'hello mellow'.lastIndexOf('ello', 6)", 1],
    ["'hello mellow'.lastIndexOf('')", 12],
    ["'TacoCÆt Xii'.lowerAscii()", 'tacocÆt xii'],
    ["'TacoCæt Xii'.upperAscii()", 'TACOCæT XII'],
    ["'hello hello'.replace('he', 'we')", 'wello wello'],
    ["'hello hello'.replace('he', 'we', 1)", 'wello hello'],
    ["'hello hello'.replace('he', 'we', 0)", 'hello hello'],
    ["'hello'.replace('', '_')", '_h_e_l_l_o_'],
    ["'hello hello hello'.split(' ')", ['hello', 'hello', 'hello']],
    ["'hello hello hello'.split(' ', 0)", []],
    ["'hello hello hello'.split(' ', 1)", ['hello hello hello']],
    ["'hello hello hello'.split(' ', 2)", ['hello', 'hello hello']],
    ["'tacocat'.substring(4)", 'cat'],
    ["'tacocat'.substring(0, 4)", 'taco'],
    ['object.s.substring(1, 5)', 'éllo'],
    ["'  \\ttrim\\n    '.trim()", 'trim'],
    ["['hello', 'mellow'].join()", 'hellomellow'],
    ["['hello', 'mellow'].join(' ')", 'hello mellow'],
    ['object.tags.join(",")', 'a,b'],
    ['strings.quote(\'single-quote with "double quote"\')', '"single-quote with \\"double quote\\""'],
    ["strings.quote('two escape sequences \\n')", '"two escape sequences \\n"'],
    ["'gums'.reverse()", 'smug'],
    [
      "'this is a string: %s, and an integer: %d'.format(['str', 42])",
      'this is a string: str, and an integer: 42',
    ],
    ["'%.2f | %x | %X | %o | %b'.format([3.14159, 26, 26, 30, 5])", '3.14 | 1a | 1A | 36 | 101'],
    ["'%s'.format([[1, 'a', 2.5]])", '[1, "a", 2.500000]'],
    ['"size %d".format([size(object.list)])', 'size 3'],
    ["'abc'.contains('b') && 'abc'.startsWith('a') && 'abc'.endsWith('c')", true],
    ['size(object.s)', 11],
  ])('%s → %j', (expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });

  it('out-of-range indices are evaluation errors with cel-go text', () => {
    expect(evalError("'hello'.charAt(-1)").message).toBe('index out of range: -1');
    expect(evalError("'hello mellow'.indexOf('ello', 20)").message).toBe('index out of range: 20');
    expect(evalError("'tacocat'.substring(2, 1)").message).toBe('invalid substring range. start: 2, end: 1');
    expect(evalError("'%d'.format(['x'])").message).toBe(
      'error during formatting: decimal clause can only be used on integers, was given string',
    );
  });
});

describe('cel compiler: ext.Sets', () => {
  it.each<[string, boolean]>([
    ['sets.contains([], [])', true],
    ['sets.contains([1, 2, 3, 4], [2, 3])', true],
    ['sets.contains([1, 2], [3])', false],
    ['sets.contains(object.list, [1.0, 2.0])', true],
    ['sets.equivalent([3, 2, 1, 1], object.list)', true],
    ['sets.equivalent([3.0, 2.0, 1.0], object.list)', true],
    ['sets.equivalent([1, 2], [2, 2, 1])', true],
    ['sets.equivalent([1, 2], [1, 2, 3])', false],
    ['sets.intersects([1], [1, 2])', true],
    ['sets.intersects(object.tags, ["c"])', false],
    ['sets.intersects([[1], [2, 3]], [[1, 2], [2, 3]])', true],
  ])('%s → %s', (expr, expected) => {
    expect(run(expr)).toBe(expected);
  });
});

describe('cel compiler: has(), optionals and macros', () => {
  it.each<[string, unknown]>([
    ['has(object.foo)', true],
    ['has(object.foo.bar)', true],
    ['has(object.nope)', false],
    ['has(object.meta.labels.app)', true],
    ['has(object.nil)', true],
    ['object.nil == null', true],
    ["'app' in object.meta.labels", true],
    ['object.?nope.orValue(3)', 3],
    ['object.?foo.?bar.orValue(0)', 4],
    ['object.?foo.bar', 4],
    ['object.?nope.?deeper.hasValue()', false],
    ['optional.none().hasValue()', false],
    ['object.list.all(x, x > 0)', true],
    ['object.list.all(x, x > 1)', false],
    ['object.list.exists(x, x > 2)', true],
    ['object.list.exists_one(x, x > 2)', true],
    ['object.list.map(x, x * 2)', [2, 4, 6]],
    ['object.list.filter(x, x % 2 == 1)', [1, 3]],
    ['object.list.map(x, x > 1, x * 10)', [20, 30]],
    ['object.meta.labels.map(k, k)', ['app', 'tier']],
    ['object.meta.labels.all(k, object.meta.labels[k] != "")', true],
    ['object.meta.labels.filter(k, k.startsWith("t"))', ['tier']],
  ])('%s → %j', (expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });
});

describe('cel compiler: matches uses RE2', () => {
  it.each<[string, boolean]>([
    ["'abc'.matches('^a.c$')", true],
    ["'xabcx'.matches('b')", true],
    ["'abc'.matches('^b')", false],
    ["'ABC'.matches('(?i)abc')", true],
    ["matches('abc', 'b+')", true],
    ["object.s.matches('^h.llo')", true],
    ["object.tags.all(t, t.matches('^[a-z]$'))", true],
  ])('%s → %s', (expr, expected) => {
    expect(run(expr)).toBe(expected);
  });

  it('RE2 syntax errors are evaluation errors (lookarounds are not RE2)', () => {
    expect(evalError("'abc'.matches('[')").message).toBe('error parsing regexp: missing closing ]: `[`');
    expect(evalError("'abc'.matches('a(?=b)')").message).toContain('error parsing regexp');
  });
});

describe('cel compiler: errors', () => {
  it('syntax errors fail to compile with a cel-go style location', () => {
    const e = compileError('1 +');
    expect(e.message).toMatch(/^ERROR: <input>:1:4: /);
    expect(e.message).toContain('\n | 1 +\n | ...^');
    compileError('object.foo.');
    compileError('(1');
    compileError('"unterminated');
  });

  it('unknown variables and functions, bad operand types fail to compile', () => {
    expect(compileError('nope').message).toContain('nope');
    expect(compileError('foo()').message).toContain('foo');
    expect(compileError('"a" + 1').message).toContain('string + int');
    expect(compileError('bindings.foo').message).toContain('foo');
  });

  it('list and map literals must be homogeneous, except inside format()', () => {
    expect(compileError('[1, 2.0]').message).toContain("expected type 'int' but found 'double'");
    expect(compileError('{"a": 1, "b": "x"}').message).toContain("expected type 'int' but found 'string'");
    expect(compileError('[1, object.i]').message).toContain("expected type 'int' but found 'dyn'");
    expect(run("'%s %s'.format(['a', 1])")).toBe('a 1');
  });

  it('an unknown binding is `variable not defined: $name`', () => {
    expect(evalError("bindings.resolve('missing')").message).toBe('variable not defined: $missing');
  });

  it('a failing lazy binding propagates its error', () => {
    const b = Bindings.empty.withLazy('bad', () => {
      throw new ExpressionEvalError('boom');
    });
    expect(evalError("bindings.resolve('bad')", payload, b).message).toBe('boom');
  });

  it('missing keys and bad runtime types are evaluation errors', () => {
    expect(evalError('object.nope').message).toContain('nope');
    expect(evalError('object.foo.bar.startsWith("x")').message).toContain('no matching overload');
    expect(evalError('object.foo', null).message.length).toBeGreaterThan(0);
  });
});

describe('cel compiler: values in and out', () => {
  it('returns plain JSON values', () => {
    const out = run('object.meta') as Record<string, unknown>;
    expect(out).toEqual({ labels: { app: 'web', tier: 'front' } });
    // a map from user data inherits nothing (MAP_PROTOTYPE: fast, but no Object.prototype)
    expect(Object.getPrototypeOf(out)).toBe(MAP_PROTOTYPE);
    expect('constructor' in out).toBe(false);
    expect(run('{"a": [1, 2], "b": [3]}')).toEqual({ a: [1, 2], b: [3] });
    expect(run('[object.foo, object.meta.labels]')).toEqual([{ bar: 4 }, { app: 'web', tier: 'front' }]);
    expect(run('object')).toEqual(payload);
    expect(run('object', 'scalar')).toBe('scalar');
    expect(run('object', null)).toBe(null);
    expect(run('type(object)')).toBe('map');
    expect(run('b"abc"')).toBe('YWJj');
    expect(run('duration("1h30m")')).toBe('5400s');
    expect(run('timestamp("2024-01-02T03:04:05Z")')).toBe('2024-01-02T03:04:05Z');
  });

  it('keeps __proto__ and constructor as plain keys', () => {
    const value = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 2}');
    expect(run('object["__proto__"].polluted + object.constructor', value)).toBe(3);
    const out = run('object', value) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('uses UTC as the default time zone', () => {
    expect(run('timestamp("2024-01-01T23:30:00-02:00").getHours()')).toBe(1);
    expect(run('timestamp("2024-01-01T23:30:00-02:00").getDayOfMonth()')).toBe(1);
    expect(run('timestamp("2024-01-01T23:30:00Z").getHours("America/New_York")')).toBe(18);
  });
});

describe('cel compiler: programs', () => {
  it('compiles once per expression text', () => {
    const a = celCompiler.compile('object.i + 1');
    expect(celCompiler.compile('object.i + 1')).toBe(a);
    expect(a.evaluate({ i: 1 }, Bindings.empty)).toBe(2);
    expect(a.evaluate({ i: 41 }, Bindings.empty)).toBe(42);
  });
});
