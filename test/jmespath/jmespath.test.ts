import { describe, expect, it } from 'vitest';
import { Bindings } from '../../src/expression/bindings.js';
import { ExpressionCompileError, ExpressionEvalError } from '../../src/expression/compilers.js';
import { jpCompiler, jpFunctions, searchJp } from '../../src/jmespath/index.js';

const data = {
  foo: { bar: 'baz', n: 3 },
  people: [
    { name: 'b', age: 30 },
    { name: 'a', age: 20 },
    { name: 'c', age: 40 },
  ],
  list: [1, 2, 3],
  nested: [[1, 2], [3], 4],
  labels: { app: 'test-app', 'controller-name': 'test-controller' },
  spec: { field: 'Hello world, helworldlo' },
  s: "hgf'b1a2r'b12g",
  neg: -12,
  empty: [],
  nil: null,
};

function run(expression: string, value: unknown = data, bindings: Bindings = Bindings.empty): unknown {
  return jpCompiler.compile(expression).evaluate(value, bindings);
}

function evalError(expression: string, value: unknown = data, bindings: Bindings = Bindings.empty): string {
  const program = jpCompiler.compile(expression);
  try {
    program.evaluate(value, bindings);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionEvalError);
    return (e as Error).message;
  }
  throw new Error(`expected ${expression} to fail`);
}

function compileError(expression: string): string {
  try {
    jpCompiler.compile(expression);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionCompileError);
    return (e as Error).message;
  }
  throw new Error(`expected ${expression} not to compile`);
}

type Case = [expression: string, expected: unknown];

function table(name: string, cases: Case[], value: unknown = data): void {
  describe(name, () => {
    it.each(cases)('%s', (expression, expected) => {
      expect(run(expression, value)).toEqual(expected);
    });
  });
}

function errors(name: string, cases: [string, string][], value: unknown = data): void {
  describe(name, () => {
    it.each(cases)('%s', (expression, message) => {
      expect(evalError(expression, value)).toBe(message);
    });
  });
}

describe('function table', () => {
  it('holds the 41 built-ins, the 4 kyverno-json functions and the 46 kyverno functions (5 overrides)', () => {
    expect(jpFunctions.size).toBe(41 + 4 + 46 - 5);
  });
});

table('interpreter (go-jmespath semantics)', [
  ['foo.bar', 'baz'],
  ['foo.missing', null],
  ['foo.bar.baz', null],
  ['list[0]', 1],
  ['list[-1]', 3],
  ['list[5]', null],
  ['list[1:]', [2, 3]],
  ['list[::-1]', [3, 2, 1]],
  ["'hello'[1:3]", 'el'],
  ["'héllo'[::-1]", 'olléh'],
  ['people[*].name', ['b', 'a', 'c']],
  ['people[?age > `25`].name', ['b', 'c']],
  ['people[?name == `"a"`] | [0].age', 20],
  ['nested[]', [1, 2, 3, 4]],
  ['foo.*', ['baz', 3]],
  ['{a: foo.bar, b: list[0]}', { a: 'baz', b: 1 }],
  ['[foo.bar, foo.n]', ['baz', 3]],
  ['foo.n + `2`', 5],
  ['foo.n - `5`', -2],
  ['foo.n * `2`', 6],
  ['foo.n / `2`', 1.5],
  ['foo.n % `2`', 1],
  ['foo.n // `2`', 1],
  ['-foo.n', -3],
  ['foo.bar + `1`', null],
  ["'a' < 'b'", null],
  ['`1` < `2`', true],
  ['`{"a":[1,{"b":2}]}` == `{"a":[1,{"b":2}]}`', true],
  ['`[1,2]` != `[2,1]`', true],
  ['foo.n == `3`', true],
  ['nil || `"default"`', 'default'],
  ['empty && `true`', []],
  ['!empty', true],
  ['!`0`', false],
  ['let $x = foo.n in $x', 3],
  ['let $x = `0` in let $y = `1` in [$x, $y]', [0, 1]],
  ['let $x = `2` in map(&multiply(@, $x), list)', [2, 4, 6]],
  ['$', null],
  ['`"lit"`', 'lit'],
  ["'raw'", 'raw'],
  ['@', data],
]);

describe('variables and bindings', () => {
  it('resolves $name through the bindings', () => {
    expect(run('$foo', data, Bindings.empty.with('foo', 1))).toBe(1);
    expect(run('$foo.bar', data, Bindings.empty.with('foo', { bar: 'x' }))).toBe('x');
  });

  it('reports a missing variable like go-jmespath', () => {
    expect(evalError('$foo')).toBe('variable not defined: $foo');
    expect(evalError('nil || $nope')).toBe('variable not defined: $nope');
  });

  it('evaluates lazy bindings only when used, at most once', () => {
    let calls = 0;
    const bindings = Bindings.empty
      .withLazy('unused', () => {
        throw new Error('must not be evaluated');
      })
      .withLazy('used', () => {
        calls++;
        return 41;
      });
    expect(run('add($used, `1`)', data, bindings)).toBe(42);
    expect(run('[$used, $used]', data, bindings)).toEqual([41, 41]);
    expect(calls).toBe(1);
  });

  it('resolves falsy values from outer scopes inside let', () => {
    const bindings = Bindings.empty.with('zero', 0).with('no', false);
    expect(run('let $x = `1` in [$zero, $no, $x]', data, bindings)).toEqual([0, false, 1]);
  });

  it('keeps the scope inside expression references', () => {
    expect(run('map(&[@, $k], list)', data, Bindings.empty.with('k', 'v'))).toEqual([
      [1, 'v'],
      [2, 'v'],
      [3, 'v'],
    ]);
  });

  it('let shadows bindings', () => {
    expect(run('let $foo = `2` in $foo', data, Bindings.empty.with('foo', 1))).toBe(2);
  });

  it('searchJp is a cached convenience', () => {
    expect(searchJp('foo.bar', data)).toBe('baz');
    expect(searchJp('$x', null, Bindings.empty.with('x', 'y'))).toBe('y');
    expect(jpCompiler.compile('foo.bar')).toBe(jpCompiler.compile('foo.bar'));
  });
});

describe('compile-time errors', () => {
  it.each([
    ['foo(@)', 'unknown function: foo'],
    ['items(@)', "invalid arity, the function 'items' expects 3 arguments but 1 were supplied"],
    [
      "split('a,b', ',', `1`)",
      "invalid arity, the function 'split' expects at most 2 arguments but 3 were supplied",
    ],
    [
      "replace('aaa', 'a', 'b')",
      "invalid arity, the function 'replace' expects 4 arguments but 3 were supplied",
    ],
    ["trim(' a ')", "invalid arity, the function 'trim' expects 2 arguments but 1 were supplied"],
    ['merge()', "invalid arity, the function 'merge' expects 1 argument or more but none were supplied"],
    ['zip(`[1]`)', "invalid arity, the function 'zip' expects 2 arguments or more but only 1 were supplied"],
    ['abs()', "invalid arity, the function 'abs' expects 1 argument but none were supplied"],
    ['abs(`1`, `2`)', "invalid arity, the function 'abs' expects at most 1 arguments but 2 were supplied"],
    ["find_first('a')", "invalid arity, the function 'find_first' expects 2 arguments but 1 were supplied"],
    [
      'not_null()',
      "invalid arity, the function 'not_null' expects 1 argument or more but none were supplied",
    ],
    ['foo[?bar(@)]', 'unknown function: bar'],
    ['`false` && nope()', 'unknown function: nope'],
    ['a ? b : c', "SyntaxError: Unknown char: '?'"],
  ])('%s', (expression, message) => {
    expect(compileError(expression)).toBe(message);
  });

  it('reports syntax errors', () => {
    expect(compileError('foo.')).toMatch(/^SyntaxError: /);
    expect(compileError('foo[?')).toMatch(/^SyntaxError: /);
  });

  it('does not check functions that declare no arguments', () => {
    expect(run("time_now('ignored', `1`)")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  });
});

table('built-in functions', [
  ['abs(`-3.5`)', 3.5],
  ['avg(list)', 2],
  ['avg(empty)', null],
  ['ceil(`1.2`)', 2],
  ['floor(`1.8`)', 1],
  ["contains('foobar', 'bar')", true],
  ['contains(list, `2`)', true],
  ['contains(list, `5`)', false],
  ["contains('abc', `1`)", false],
  ["contains('abc', nil)", false],
  ['contains(`[{"a":1}]`, `{"a":1}`)', true],
  ["ends_with('Amigo', 'go')", true],
  ["starts_with('Gophers', 'Go')", true],
  ["find_first('subject string', 'string')", 8],
  ["find_first('subject string', 'x')", null],
  ["find_first('subject string', 's', `1`)", 8],
  ["find_last('subject string subject', 'subject')", 15],
  ["find_last('subject string subject', 'subject', `0`, `10`)", 0],
  ['from_items(`[["a", 1], ["b", [2]]]`)', { a: 1, b: [2] }],
  ['group_by(people, &name)', { b: [data.people[0]], a: [data.people[1]], c: [data.people[2]] }],
  ['group_by(empty, &name)', null],
  ['join(`", "`, `["a", "b"]`)', 'a, b'],
  ['keys(foo)', ['bar', 'n']],
  ['values(foo)', ['baz', 3]],
  ["length('héllo')", 5],
  ['length(list)', 3],
  ['length(foo)', 2],
  ["lower('ABC')", 'abc'],
  ["upper('abc')", 'ABC'],
  ['map(&age, people)', [30, 20, 40]],
  ['max(list)', 3],
  ['max(`["a", "c", "b"]`)', 'c'],
  ['max(empty)', null],
  ['min(list)', 1],
  ['min(`["b", "a"]`)', 'a'],
  ['max_by(people, &age).name', 'c'],
  ['min_by(people, &age).name', 'a'],
  ['min_by(people, &name).name', 'a'],
  ['merge(`{"a":1,"b":2}`, `{"b":3}`)', { a: 1, b: 3 }],
  ['not_null(nil, foo.missing, `"x"`)', 'x'],
  ["pad_left('ab', `4`)", '  ab'],
  ["pad_right('ab', `4`, '.')", 'ab..'],
  ["pad_left('é', `3`, '-')", '-é'],
  ["reverse('héllo')", 'olléh'],
  ['reverse(list)', [3, 2, 1]],
  ['sort(`[3, 1, 2]`)', [1, 2, 3]],
  ['sort(`["b", "a", "B"]`)', ['B', 'a', 'b']],
  ['sort_by(people, &age)[*].name', ['a', 'b', 'c']],
  ['sort_by(people, &name)[*].age', [20, 30, 40]],
  ['to_array(`1`)', [1]],
  ['to_array(list)', [1, 2, 3]],
  ["to_number('1e3')", 1000],
  ["to_number('-1.5')", -1.5],
  ["to_number('abc')", null],
  ["to_number('')", null],
  ["to_number('1e400')", null],
  ["to_number('0x10p0')", 16],
  ['to_number(`true`)', null],
  ['to_number(list)', null],
  ["to_string('x')", 'x'],
  ['to_string(`{"b":1,"a":"<&>"}`)', '{"a":"\\u003c\\u0026\\u003e","b":1}'],
  ['to_string(`[1.5, null, true]`)', '[1.5,null,true]'],
  ['to_string(`1e21`)', '1e+21'],
  ["trim_left('  a  ')", 'a  '],
  ["trim_right('xxaxx', 'x')", 'xxa'],
  ['type(`1`)', 'number'],
  ["type('a')", 'string'],
  ['type(list)', 'array'],
  ['type(foo)', 'object'],
  ['type(nil)', 'null'],
  ['type(`true`)', 'boolean'],
  [
    'zip(`[1, 2, 3]`, `["a", "b"]`)',
    [
      [1, 'a'],
      [2, 'b'],
    ],
  ],
  ['sum(list)', 6],
]);

errors('built-in function errors', [
  ["abs('x')", 'invalid type for: x, expected: []functions.JpType{"number"}'],
  ['length(`1`)', 'invalid type for: 1, expected: []functions.JpType{"string", "array", "object"}'],
  ["contains(`1`, 'a')", 'invalid type for: 1, expected: []functions.JpType{"array", "string"}'],
  ['upper(`1000000`)', 'invalid type for: 1e+06, expected: []functions.JpType{"string"}'],
  ['keys(`[1, "a", null]`)', 'invalid type for: [1 a <nil>], expected: []functions.JpType{"object"}'],
  [
    'upper(`{"b":1,"a":[true]}`)',
    'invalid type for: map[a:[true] b:1], expected: []functions.JpType{"string"}',
  ],
  [
    'max(`["a", 1]`)',
    'invalid type for: [a 1], expected: []functions.JpType{"array[number]", "array[string]"}',
  ],
  ['map(list, &age)', 'invalid type for: [1 2 3], expected: []functions.JpType{"expref"}'],
  ['merge(foo, `1`)', 'invalid type for: 1, expected: []functions.JpType{"object"}'],
  [
    "find_first('abc', 'b', `1.5`)",
    "invalid value, the function 'find_first' expects its 'start' argument to be an integer.",
  ],
  [
    "pad_left('a', `-1`)",
    "invalid value, the function 'pad_left' expects its 'width' argument to be a an integer value greater than or equal to zero.",
  ],
  [
    "pad_left('a', `3`, 'xy')",
    "invalid value, the function 'pad_left' expects its 'pad' argument to be a string of length 1",
  ],
  ['from_items(`[1]`)', 'invalid type, first argument must be an array of arrays'],
  [
    'from_items(`[[1, 2]]`)',
    'invalid value, each array must contain two elements, a pair of string and value',
  ],
  ['group_by(people, &age)', 'invalid type, the expression must evaluate to a string'],
  ['sort_by(`[{"a":1},{"a":"x"}]`, &a)', 'error in sort_by comparison'],
  ['sort_by(`[{"a":true},{"a":false}]`, &a)', 'invalid type, must be number of string'],
  ['max_by(`[{"a":1},{"a":"x"}]`, &a)', 'invalid type, must be number'],
  ['min_by(`[{"a":null},{"a":1}]`, &a)', 'invalid type, must be number of string'],
]);

describe('contains (Go semantics, not npm)', () => {
  it('returns false, not null, for a string subject and a non-string element', () => {
    expect(run("contains('@', foo.n)")).toBe(false);
    expect(run("contains('$allowed-values', 'x')")).toBe(false);
  });
  it('compares array elements deeply', () => {
    expect(run('contains(people, `{"name":"a","age":20}`)')).toBe(true);
    expect(run('contains(`[[1,2]]`, `[1,2]`)')).toBe(true);
  });
  it('not_null of only nulls is null', () => {
    expect(run('not_null(nil)')).toBeNull();
  });
});

table('kyverno-json custom functions', [
  ['at(list, `1`)', 2],
  ['at(list, `1.9`)', 2],
  ["concat('a', 'b')", 'ab'],
  ['json_parse(\'{"a": [1, {"b": null}]}\')', { a: [1, { b: null }] }],
  ["json_parse('1.5')", 1.5],
  ["wildcard('*', '')", true],
  ["wildcard('*', 'anything')", true],
  ["wildcard('', '')", true],
  ["wildcard('', 'a')", false],
  ["wildcard('a?c', 'abc')", true],
  ["wildcard('a?c', 'ac')", false],
  ["wildcard('a?c', 'abbc')", false],
  ["wildcard('?', 'é')", true],
  ["wildcard('*.example.com', 'foo.example.com')", true],
  ["wildcard('*.example.com', 'example.com')", false],
  ["wildcard('a*b*c', 'axxbyyc')", true],
  ["wildcard('a*b*c', 'axxbyy')", false],
  ["wildcard('**', '')", true],
  ["wildcard('a*', 'b')", false],
  ["wildcard('[a]', 'a')", false],
  ["wildcard('[a]', '[a]')", true],
]);

errors('kyverno-json custom function errors', [
  ['at(list, `5`)', 'runtime error: index out of range [5] with length 3'],
  ["at(list, 'x')", 'invalid type for: x, expected: []functions.JpType{"number"}'],
  ["concat('a', `1`)", 'invalid type for: 1, expected: []functions.JpType{"string"}'],
  ["json_parse('{')", 'unexpected end of JSON input'],
  ["json_parse('[1,]')", "invalid character ']' looking for beginning of value"],
  ['json_parse(\'{"a" 1}\')', "invalid character '1' after object key"],
  ['json_parse(\'{"a":1 "b"}\')', "invalid character '\"' after object key:value pair"],
  ["json_parse('[1 2]')", "invalid character '2' after array element"],
  ["json_parse('{1:2}')", "invalid character '1' looking for beginning of object key string"],
  ["json_parse('nul1')", "invalid character '1' in literal null (expecting 'l')"],
  ["json_parse('1 2')", "invalid character '2' after top-level value"],
  ["json_parse('-x')", "invalid character 'x' in numeric literal"],
  ["json_parse('1.x')", "invalid character 'x' after decimal point in numeric literal"],
  ["json_parse('')", 'unexpected end of JSON input'],
  ["wildcard(`1`, 'a')", 'invalid type for: 1, expected: []functions.JpType{"string"}'],
]);

table('kyverno string functions', [
  ["compare('a', 'a')", 0],
  ["compare('a', 'b')", -1],
  ["compare('b', 'a')", 1],
  ["equal_fold('Go', 'GO')", true],
  ["equal_fold('a', 'b')", false],
  ["replace('Lorem ipsum dolor sit amet', 'ipsum', 'muspi', `-1`)", 'Lorem muspi dolor sit amet'],
  [
    "replace('Lorem ipsum ipsum ipsum dolor sit amet', 'ipsum', 'muspi', `-1`)",
    'Lorem muspi muspi muspi dolor sit amet',
  ],
  [
    "replace('Lorem ipsum ipsum ipsum dolor sit amet', 'ipsum', 'muspi', `1`)",
    'Lorem muspi ipsum ipsum dolor sit amet',
  ],
  ["replace('abc', '', '-', `2`)", '-a-bc'],
  ["replace_all('Lorem ipsum ipsum dolor', 'ipsum', 'muspi')", 'Lorem muspi muspi dolor'],
  ["to_upper('a#%&123Bc')", 'A#%&123BC'],
  ["to_lower('A#%&123BC')", 'a#%&123bc'],
  ["trim('¡¡¡Hello, Gophers!!!', '!¡')", 'Hello, Gophers'],
  ["trim('  a  ', '')", '  a  '],
  ["trim_prefix('¡¡¡Hello, Gophers!!!', '¡¡¡Hello, ')", 'Gophers!!!'],
  ["trim_prefix('¡¡¡Hello, Gophers!!!', '¡¡¡Hola, ')", '¡¡¡Hello, Gophers!!!'],
  ["split('Hello, Gophers', ', ')", ['Hello', 'Gophers']],
  ["split('abc', '')", ['a', 'b', 'c']],
  ["split('', ',')", ['']],
  ["regex_replace_all('([Hh]e|G)l', spec.field, '${2}G')", 'Glo world, Gworldlo'],
  ["regex_replace_all('(l)', 'Hello', '$1W')", 'Heo'],
  ["regex_replace_all('(l)', 'Hello', '${1}W')", 'HelWlWo'],
  ["regex_replace_all('(?P<x>l)', 'Hello', '[$x]')", 'He[l][l]o'],
  ["regex_replace_all('a', 'aaa', '$$')", '$$$'],
  ["regex_replace_all('x*', 'abc', '-')", '-a-b-c-'],
  ["regex_replace_all('\\d', `123`, 'x')", 'xxx'],
  ["regex_replace_all('1', `0.1`, `2`)", '0.2'],
  ["regex_replace_all_literal('[Hh]el?', spec.field, 'G')", 'Glo world, Gworldlo'],
  ["regex_replace_all_literal('l', 'Hello', '$1')", 'He$1$1o'],
  ["regex_match('12.*', s)", true],
  ["regex_match('^12', abs(neg))", true],
  ["regex_match('^a$', 'ab')", false],
  ["regex_match('é', 'café')", true],
  ["pattern_match('prefix-*', 'prefix-foo')", true],
  ["pattern_match('12*', abs(neg))", true],
  ["pattern_match('a?', 'abc')", false],
  ['label_match(`{ "app": "test-app" }`, labels)', true],
  ['label_match(`{ "app": "test-app", "controller-name": "test-controller" }`, labels)', true],
  ['label_match(`{ "app": "test-app2" }`, labels)', false],
  ['label_match(`{ "app.kubernetes.io/name": "test-app" }`, labels)', false],
  ['label_match(`{}`, labels)', true],
  ["to_boolean('true')", true],
  ["to_boolean('TRue')", true],
  ["to_boolean('FaLse')", false],
  ["base64_decode('SGVsbG8sIHdvcmxkIQ==')", 'Hello, world!'],
  ["base64_decode('SGVs\nbG8=')", 'Hello'],
  ["base64_encode('Hello, world!')", 'SGVsbG8sIHdvcmxkIQ=='],
  ["base64_encode('é')", 'w6k='],
  ["path_canonicalize('///')", '/'],
  ["path_canonicalize('///var/run/containerd/containerd.sock')", '/var/run/containerd/containerd.sock'],
  ["path_canonicalize('/var/run///containerd/containerd.sock')", '/var/run/containerd/containerd.sock'],
  ["path_canonicalize('/var/run///containerd////')", '/var/run/containerd'],
  ["path_canonicalize('/run///')", '/run'],
  ["path_canonicalize('/run/../etc')", '/etc'],
  ["path_canonicalize('///etc*')", '/etc*'],
  ["path_canonicalize('/../../')", '/'],
  ["path_canonicalize('a/../../b')", '../b'],
  ["path_canonicalize('')", ''],
  ["truncate('Lorem ipsum dolor sit amet', `5`)", 'Lorem'],
  ["truncate('Lorem ipsum ipsum ipsum dolor sit amet', `11`)", 'Lorem ipsum'],
  ["truncate('Lorem ipsum ipsum ipsum dolor sit amet', `40`)", 'Lorem ipsum ipsum ipsum dolor sit amet'],
  ["truncate('Lorem ipsum', `2.6`)", 'Lo'],
  ["truncate('Lorem ipsum', `0`)", ''],
  ["truncate('Lorem ipsum', `-1`)", ''],
  ["truncate('héllo', `2`)", 'hé'],
]);

errors('kyverno string function errors', [
  ["compare(`1`, 'b')", 'invalid type for: 1, expected: []functions.JpType{"string"}'],
  ["regex_match('(', 'a')", 'error parsing regexp: missing closing ): `(`'],
  [
    "regex_replace_all('(', 'a', 'b')",
    "JMESPath function 'regex_replace_all': error parsing regexp: missing closing ): `(`",
  ],
  [
    "regex_replace_all_literal('a**', 'a', 'b')",
    "JMESPath function 'regex_replace_all_literal': error parsing regexp: invalid nested repetition operator: `**`",
  ],
  ["regex_match('a', `true`)", 'invalid type for: true, expected: []functions.JpType{"string", "number"}'],
  [
    "to_boolean('foo')",
    "JMESPath function 'to_boolean': lowercase argument must be 'true' or 'false' (provided: 'foo')",
  ],
  ['to_boolean(`1`)', 'invalid type for: 1, expected: []functions.JpType{"string"}'],
  ["base64_decode('SGVsbG8')", 'illegal base64 data at input byte 4'],
  ["base64_decode('SGV$')", 'illegal base64 data at input byte 3'],
  ["base64_decode('SGVsbG8=x')", 'illegal base64 data at input byte 8'],
  ['label_match(`{"a":[1]}`, `{"a":[1]}`)', 'runtime error: comparing uncomparable type []interface {}'],
  ["truncate('a', 'b')", 'invalid type for: b, expected: []functions.JpType{"number"}'],
]);

table('semver_compare (blang/semver ranges)', [
  ["semver_compare('4.1.3', '>=4.1.x')", true],
  ["semver_compare('4.1.3', '!4.x.x')", false],
  ["semver_compare('1.8.6', '>1.0.0 <2.0.0')", true],
  ["semver_compare('2.1.5', '<2.0.0 || >=3.0.0')", false],
  ["semver_compare('3.1.0', '<2.0.0 || >=3.0.0')", true],
  ["semver_compare('1.0.0', '=1.0.0')", true],
  ["semver_compare('1.0.0', '1.0.0')", true],
  ["semver_compare('1.0.0', '!=1.0.0')", false],
  ["semver_compare('1.0.0', '<= 1.0.0')", true],
  ["semver_compare('1.0.0-alpha', '<1.0.0')", true],
  ["semver_compare('1.0.0-alpha.1', '>1.0.0-alpha')", true],
  ["semver_compare('1.0.0-2', '<1.0.0-beta')", true],
  ["semver_compare('1.0.0+build', '=1.0.0')", true],
  ["semver_compare('1.2.3', '1.2.x')", true],
  ["semver_compare('1.3.0', '1.2.x')", false],
  ["semver_compare('1.2.3', '<=1.2.x')", true],
  ["semver_compare('not-a-version', '<0.0.1')", true],
  ["semver_compare('v1.0.0', '=0.0.0')", true],
]);

errors('semver_compare errors', [
  ["semver_compare('1.0.0', '')", "Last element in range is '||'"],
  ["semver_compare('1.0.0', '|| 1.0.0')", "First element in range is '||'"],
  ["semver_compare('1.0.0', '>=a.b.c')", 'Could not get version from string: ">=a.b.c"'],
  [
    "semver_compare('1.0.0', '~1.0.0')",
    'Could not parse Range "~1.0.0": Could not parse comparator "~" in "~1.0.0"',
  ],
  [
    "semver_compare('1.0.0', '>=1.0')",
    'Could not parse Range ">=1.0": Could not parse version "1.0" in ">=1.0": No Major.Minor.Patch elements found',
  ],
  [
    "semver_compare('1.0.0', '>=01.0.0')",
    'Could not parse Range ">=01.0.0": Could not parse version "01.0.0" in ">=01.0.0": Major number must not contain leading zeroes "01"',
  ],
]);

table('parse_json / parse_yaml / lookup / items / object_from_lists', [
  ['to_string(parse_json(\'{"a":"b"}\'))', '{"a":"b"}'],
  ['to_string(parse_json(\'[1,2,3,{"a":"b"}]\'))', '[1,2,3,{"a":"b"}]'],
  ['to_string(parse_json(\'[1.2,true,{"a":{"a":"b"}}]\'))', '[1.2,true,{"a":{"a":"b"}}]'],
  ["parse_json('null')", null],
  ['parse_json(\'{"a": [1, 2, 3, 4]}\').a[0]', 1],
  ['parse_json(\'[1, 2, {"a": {"b": {"c": [1, 2]}}}]\')[2].a.b.c[1]', 2],
  ["parse_yaml('a: b')", { a: 'b' }],
  ["parse_yaml('\n- 1\n- 2\n- a: b')", [1, 2, { a: 'b' }]],
  ["parse_yaml('\nspec:\n  test: 1\n  test2:\n    - 2\n    - 3\n')", { spec: { test: 1, test2: [2, 3] } }],
  [
    "parse_yaml('\nbar: >\n  this is not a normal string it\n  spans more than\n  one line\n  see?')",
    { bar: 'this is not a normal string it spans more than one line see?' },
  ],
  ["parse_yaml('\n---\nfoo: ~\nbar: null\n')", { foo: null, bar: null }],
  ["parse_yaml('a: yes\nb: off\nc: 2001-12-14\n1: x')", { a: true, b: false, c: '2001-12-14', '1': 'x' }],
  ["parse_yaml('a: 1\n---\nb: 2')", { a: 1 }],
  ['lookup(`{}`, `"key1"`)', null],
  ['lookup(`{"key1": "value1"}`, `"key1"`)', 'value1'],
  ['lookup(`{"": "value1"}`, `""`)', 'value1'],
  ['lookup(`{"k": [7, "x", true]}`, `"k"`)', [7, 'x', true]],
  ['lookup(`[]`, `0`)', null],
  ['lookup(`["item0"]`, `-1`)', null],
  ['lookup(`["item0"]`, `1`)', null],
  ['lookup(`["item0", "item1", "item2"]`, `2`)', 'item2'],
  ['lookup(`["item0", "item1"]`, `0.99999999999999999999999999999999999999999999`)', 'item1'],
  ['lookup(`{"constructor": 1}`, `"toString"`)', null],
  ['items(`{ "key1": "value1" }`, `"key"`, `"value"`)', [{ key: 'key1', value: 'value1' }]],
  [
    'items(`{ "key2": "value2", "key1": "value1" }`, `"myKey"`, `"myValue"`)',
    [
      { myKey: 'key1', myValue: 'value1' },
      { myKey: 'key2', myValue: 'value2' },
    ],
  ],
  [
    'items(`["A", "B"]`, `"i"`, `"v"`)',
    [
      { i: 0, v: 'A' },
      { i: 1, v: 'B' },
    ],
  ],
  ['object_from_lists(`["key1", "key2"]`, `["1", "2"]`)', { key1: '1', key2: '2' }],
  ['object_from_lists(`["key1", "key2"]`, `[1, "2"]`)', { key1: 1, key2: '2' }],
  ['object_from_lists(`["key1", "key2"]`, `[1]`)', { key1: 1, key2: null }],
  ['object_from_lists(`[1.5, true]`, `[1, 2]`)', { '1.5': 1, true: 2 }],
]);

errors('parse_json / lookup / items / object_from_lists errors', [
  ['parse_json(\'{"a":\')', 'unexpected end of JSON input'],
  ['lookup(`{}`, `123`)', "JMESPath function 'lookup': argument #2 is not of type String"],
  ['lookup(`[]`, `"abc"`)', "JMESPath function 'lookup': argument #2 is not of type Number"],
  ['lookup(`[]`, `1.5`)', "JMESPath function 'lookup': argument #2: expected an integer number but got: 1.5"],
  [
    'lookup(`[]`, `1e300`)',
    "JMESPath function 'lookup': argument #2: number is outside the range of integer numbers: 1e+300",
  ],
  ['lookup(`1`, `1`)', 'invalid type for: 1, expected: []functions.JpType{"object", "array"}'],
  ['items(`{}`, `1`, `"v"`)', 'invalid type for: 1, expected: []functions.JpType{"string"}'],
  [
    'object_from_lists(`[null]`, `[1]`)',
    "JMESPath function 'object_from_lists': argument #1 is not of type StringArray",
  ],
  ["parse_yaml('a: .nan')", 'json: unsupported value: NaN'],
]);

describe('random', () => {
  it('generates a string matching the pattern', () => {
    for (const pattern of ['[a-z]{5}', '[0-9a-f]{8}-x', '(foo|bar)+\\d?', '[^a-z]{3}', 'a.b']) {
      const out = run(`random('${pattern}')`) as string;
      expect(out).toMatch(new RegExp(`^(?:${pattern})$`));
    }
  });
  it('reports an empty or invalid pattern', () => {
    expect(evalError("random('')")).toBe('no pattern provided');
    expect(evalError("random('(')")).toBe('error parsing regexp: missing closing ): `(`');
  });
});

table('arithmetic: scalars, quantities, durations (upstream vectors)', [
  ['add(`12`, `13`)', 25],
  ["add('12Ki', '13Ki')", '25Ki'],
  ["add('12Ki', '13')", '12301'],
  ["add('12s', '13s')", '25s'],
  ['sum(`[12]`)', 12],
  ['sum(`[12, 13, 1, 4]`)', 30],
  ["sum(['12Ki'])", '12Ki'],
  ["sum(['12Ki', '13Ki', '1Ki', '4Ki'])", '30Ki'],
  ["sum(['12Ki', '13'])", '12301'],
  ["sum(['12s', '13s', '1s', '4s'])", '30s'],
  ['subtract(`12`, `13`)', -1],
  ["subtract('12Ki', '13Ki')", '-1Ki'],
  ["subtract('12Ki', '13')", '12275'],
  ["subtract('12s', '13s')", '-1s'],
  ["multiply('12Ki', `2`)", '24Ki'],
  ["multiply('12s', `2`)", '24s'],
  ['multiply(`2.5`, `2.5`)', 6.25],
  ["multiply(`2.5`, '12Ki')", '30Ki'],
  ["multiply(`2.5`, '12')", '30'],
  ["multiply(`2.5`, '40s')", '1m40s'],
  ["divide('256M', '256M')", 1],
  ["divide('512M', '256M')", 2],
  ["divide('8', '3')", 8 / 3],
  ["divide('128M', '256M')", 0.5],
  ["divide('12Ki', `3`)", '4Ki'],
  ["divide('12Ki', '2Ki')", 6],
  ["divide('12Ki', '200')", 61.44],
  ["divide('12s', `3`)", '4s'],
  ["divide('12s', '5s')", 2.4],
  ['divide(`14`, `3`)', 4.666666666666667],
  ["modulo('12Ki', '5Ki')", '2Ki'],
  ["modulo('13s', '2s')", '1s'],
  ['modulo(`13`, `5`)', 3],
  ['modulo(`-13`, `5`)', -3],
  ['round(`9.414675`, `2`)', 9.41],
  ['round(`14.123`, `6`)', 14.123],
  ['round(`2.5`, `0`)', 3],
  ['round(`-2.5`, `0`)', -3],
]);

table('arithmetic: quantity and duration formatting', [
  ["add('100Mi', '1.5Gi')", '1636Mi'],
  ["add('1.5Gi', '512Mi')", '2Gi'],
  ["subtract('1Gi', '1Mi')", '1023Mi'],
  ["add('250m', '250m')", '500m'],
  ["add('100m', '1')", '1100m'],
  ["multiply('250m', `4`)", '1'],
  ["multiply('1m', `0.5`)", '500u'],
  ["multiply('1Gi', `0.5`)", '512Mi'],
  ["multiply('1.5', `1000000`)", '1500k'],
  ["divide('1Gi', `3`)", '357913941'],
  ["divide('1', `3`)", '0'],
  ["divide('1.0', `3`)", '300m'],
  ["add('1k', '1Ki')", '2024'],
  ["add('1e3', '1')", '1001'],
  ["add('1e3', '1e3')", '2e3'],
  ["add('1Ki', '-1024')", '0'],
  ["subtract('1', '1')", '0'],
  ["add('0.5Ki', '0.5Ki')", '1Ki'],
  ["add('1n', '1n')", '2n'],
  ["add('0.1n', '0')", '1n'],
  ["add('1h', '1800s')", '1h30m0s'],
  ["add('1h', '30s')", '1h0m30s'],
  ["add('1.5h', '0s')", '1h30m0s'],
  ["subtract('1s', '1500ms')", '-500ms'],
  ["multiply('1h30m', `2`)", '3h0m0s'],
  ["multiply('1ms', `1.5`)", '1.5ms'],
  ["add('1us', '1ns')", '1.001µs'],
  ["divide('1h', '1800s')", 2],
  ["modulo('90s', '60s')", '30s'],
  ["add('-1h', '1h')", '0s'],
]);

errors('arithmetic errors', [
  ["add('12', '13s')", "JMESPath function 'add': Types mismatch"],
  ["add(`12`, '13Ki')", "JMESPath function 'add': Types mismatch"],
  ["add(`12`, '13')", "JMESPath function 'add': Types mismatch"],
  ["add('12Ki', `13`)", "JMESPath function 'add': Types mismatch"],
  ["add('12s', '13')", "JMESPath function 'add': Types mismatch"],
  ["add('1h', '30m')", "JMESPath function 'add': Types mismatch"],
  ['add(`true`, `1`)', "JMESPath function 'add': invalid operand"],
  ["add(`1`, 'abc')", "JMESPath function 'add': invalid operand"],
  ['sum(`[]`)', "JMESPath function 'sum': at least one element in the array is required"],
  ["sum(['12', '13s'])", "JMESPath function 'sum': Types mismatch"],
  ['sum(`[1, "x"]`)', "JMESPath function 'sum': invalid operand"],
  ['sum(`1`)', 'invalid type for: 1, expected: []functions.JpType{"array"}'],
  ["subtract('12s', `13`)", "JMESPath function 'subtract': Types mismatch"],
  ["multiply('12Ki', '12Ki')", "JMESPath function 'multiply': Types mismatch"],
  ["multiply('12s', '12s')", "JMESPath function 'multiply': Types mismatch"],
  ["divide('12Ki', '2s')", "JMESPath function 'divide': Types mismatch"],
  ["divide(`14`, '5Ki')", "JMESPath function 'divide': Types mismatch"],
  ['divide(`14`, `0`)', "JMESPath function 'divide': Zero divisor passed"],
  ["divide('4Ki', `0`)", "JMESPath function 'divide': Zero divisor passed"],
  ["divide('4Ki', '0Ki')", "JMESPath function 'divide': Zero divisor passed"],
  ["divide('4s', '0s')", "JMESPath function 'divide': Zero divisor passed"],
  ["modulo('12Ki', `13`)", "JMESPath function 'modulo': Types mismatch"],
  ["modulo('13s', `2`)", "JMESPath function 'modulo': Types mismatch"],
  ['modulo(`14`, `0`)', "JMESPath function 'modulo': Zero divisor passed"],
  ["modulo('4Ki', '0Ki')", "JMESPath function 'modulo': Zero divisor passed"],
  ["modulo('4s', '0s')", "JMESPath function 'modulo': Zero divisor passed"],
  ["modulo('4', '1.5')", "JMESPath function 'modulo': Non-integer argument(s) passed for modulo"],
  ["modulo('4.5', '1')", "JMESPath function 'modulo': Non-integer argument(s) passed for modulo"],
  ['modulo(`14`, `1.5`)', "JMESPath function 'modulo': Non-integer argument(s) passed for modulo"],
  ["round(`23`, '12Ki')", 'invalid type for: 12Ki, expected: []functions.JpType{"number"}'],
  ['round(`14`, `1.5`)', "JMESPath function 'round': Non-integer argument(s) passed for round off"],
  ['round(`14`, `-2`)', "JMESPath function 'round': %!d(MISSING) argument is out of bounds (%!d(MISSING))"],
]);

table('time functions', [
  ["time_since('', '2021-01-02T15:04:05-07:00', '2021-01-10T03:14:05-07:00')", '180h10m0s'],
  [
    "time_since('Mon Jan _2 15:04:05 MST 2006', 'Mon Jan 02 15:04:05 MST 2021', 'Mon Jan 10 03:14:16 MST 2021')",
    '180h10m11s',
  ],
  ["time_to_cron('2023-02-02T15:04:05Z')", '4 15 2 2 4'],
  ["time_to_cron(time_utc('2023-02-02T15:04:05-07:00'))", '4 22 2 2 4'],
  ["time_to_cron('2023-02-02T15:04:05-07:00')", '4 15 2 2 4'],
  ["time_add('2021-01-02T15:04:05-07:00', '3h')", '2021-01-02T18:04:05-07:00'],
  [
    "time_add(time_parse('Mon Jan 02 15:04:05 MST 2006', 'Sat Jan 02 15:04:05 MST 2021'), '5h30m40s')",
    '2021-01-02T20:34:45Z',
  ],
  ["time_add('2021-01-02T15:04:05Z', '-1.5h')", '2021-01-02T13:34:05Z'],
  ["time_parse('2006-01-02T15:04:05Z07:00', '2021-01-02T15:04:05-07:00')", '2021-01-02T15:04:05-07:00'],
  ["time_parse('Mon Jan 02 15:04:05 MST 2006', 'Sat Jan 02 15:04:05 MST 2021')", '2021-01-02T15:04:05Z'],
  ["time_parse('02 Jan 06 15:04 -0700', '05 Mar 21 08:30 +0530')", '2021-03-05T08:30:00+05:30'],
  ["time_parse('January 2, 2006 3:04PM', 'March 5, 2021 1:30AM')", '2021-03-05T01:30:00Z'],
  ["time_parse('2006-002', '2020-060')", '2020-02-29T00:00:00Z'],
  ["time_parse('2006-01-02 15:04:05.000', '2021-01-02 03:04:05.123')", '2021-01-02T03:04:05Z'],
  ["time_parse('Mon Jan 2 15:04:05 MST 2006', 'Tue Mar 2 10:00:00 GMT+2 2021')", '2021-03-02T10:00:00+02:00'],
  ["time_utc('2023-02-02T15:04:05Z')", '2023-02-02T15:04:05Z'],
  ["time_utc('2023-02-02T15:04:05-07:00')", '2023-02-02T22:04:05Z'],
  ["time_diff('2021-01-02T15:04:05-07:00', '2021-01-10T03:14:05-07:00')", '180h10m0s'],
  ["time_diff('2021-01-02T15:04:05.5Z', '2021-01-02T15:04:06Z')", '500ms'],
  ["time_diff('2021-01-02T16:00:00Z', '2021-01-02T15:00:00Z')", '-1h0m0s'],
  ["time_before('2021-01-02T15:04:05-07:00', '2021-01-02T16:04:05-07:00')", true],
  ["time_before('2021-01-02T15:04:05-07:00', '2021-01-02T15:04:05-07:00')", false],
  ["time_after('2021-01-02T16:04:05-07:00', '2021-01-02T15:04:05-07:00')", true],
  ["time_after('2021-01-02T15:04:05-07:00', '2021-01-02T22:04:05Z')", false],
  [
    "time_between('2021-01-02T17:04:05-07:00', '2021-01-02T15:04:05-07:00', '2021-01-02T18:04:05-07:00')",
    true,
  ],
  [
    "time_between('2021-01-02T15:04:05-07:00', '2021-01-02T15:04:05-07:00', '2021-01-02T18:04:05-07:00')",
    false,
  ],
  [
    "time_between('2021-01-02T18:04:05-07:00', '2021-01-02T15:04:05-07:00', '2021-01-02T18:04:05-07:00')",
    false,
  ],
  ["time_truncate('2023-02-02T15:04:05Z', '1h')", '2023-02-02T15:00:00Z'],
  ["time_truncate('2023-02-02T15:04:05Z', '24h')", '2023-02-02T00:00:00Z'],
  ["time_truncate('2023-02-02T15:04:05-07:00', '24h')", '2023-02-01T17:00:00-07:00'],
  ["time_truncate('2023-02-02T15:04:05Z', '0s')", '2023-02-02T15:04:05Z'],
]);

errors('time function errors', [
  ["time_utc('x')", 'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"'],
  ["time_utc('')", 'parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006"'],
  [
    "time_utc('2021-01-02 15:04:05Z')",
    'parsing time "2021-01-02 15:04:05Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 15:04:05Z" as "T"',
  ],
  ["time_utc('2021-13-01T00:00:00Z')", 'parsing time "2021-13-01T00:00:00Z": month out of range'],
  ["time_utc('2021-02-30T00:00:00Z')", 'parsing time "2021-02-30T00:00:00Z": day out of range'],
  ["time_utc('2021-01-01T00:00:00Zx')", 'parsing time "2021-01-01T00:00:00Zx": extra text: "x"'],
  ["time_add('2021-01-02T15:04:05Z', 'x')", 'time: invalid duration "x"'],
  ["time_add('2021-01-02T15:04:05Z', '1')", 'time: missing unit in duration "1"'],
  ["time_add('2021-01-02T15:04:05Z', '1d')", 'time: unknown unit "d" in duration "1d"'],
  ["time_add('2021-01-02T15:04:05Z', '1é')", 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"'],
  ["time_truncate('2021-01-02T15:04:05Z', '')", 'time: invalid duration ""'],
  [
    "time_parse('2006-01-02', '2021-1-02')",
    'parsing time "2021-1-02" as "2006-01-02": cannot parse "1-02" as "01"',
  ],
  ["time_parse('15:04', '25:00')", 'parsing time "25:00": hour out of range'],
  ["time_since('', 'x', '')", 'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"'],
  ['time_before(`1`, `2`)', 'invalid type for: 1, expected: []functions.JpType{"string"}'],
]);

describe('time_now', () => {
  it('prints RFC 3339 in local time and UTC', () => {
    expect(run('time_now()')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    expect(run('time_now_utc()')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(run("time_since('', '2020-01-01T00:00:00Z', '')")).toMatch(/^\d+h\d+m[\d.]+s$/);
  });
});
