import { describe, expect, it } from 'vitest';
import { goFloat, goSharpV, goV } from '../../src/go/values.js';
import { errorBody, index, invalid, pathOf, pathString, required } from '../../src/k8s/field.js';
import { matchesSelector, parseSelector } from '../../src/k8s/label-selector.js';
import { parseKey } from '../../src/policy/expression.js';
import { match } from '../../src/policy/matching.js';

describe('key grammar (kyverno-json expression vectors)', () => {
  const table: Array<[string, boolean, string, string, string, string]> = [
    // key, foreach, foreachName, statement, binding, compiler
    ['', false, '', '', '', ''],
    ['test', false, '', 'test', '', ''],
    ['(test)', false, '', 'test', '', 'default'],
    ['test.test', false, '', 'test.test', '', ''],
    ['(test.test)', false, '', 'test.test', '', 'default'],
    ['~.test', true, '', 'test', '', ''],
    ['~.(test)', true, '', 'test', '', 'default'],
    ['~.(test.test)', true, '', 'test.test', '', 'default'],
    ['test->foo', false, '', 'test', 'foo', ''],
    ['(test)->foo', false, '', 'test', 'foo', 'default'],
    ['~.test->foo', true, '', 'test', 'foo', ''],
    ['~.(test)->foo', true, '', 'test', 'foo', 'default'],
    ['\\~(test)->foo\\', false, '', '~(test)->foo', '', ''],
    ['\\test\\', false, '', 'test', '', ''],
    ['\\(test)\\', false, '', '(test)', '', ''],
    ['\\/test/\\', false, '', '/test/', '', ''],
    ['~index.\\(test)\\', true, 'index', '(test)', '', ''],
    ['~index.\\(test)\\->name', true, 'index', '(test)', 'name', ''],
    ['(cel;object.a)', false, '', 'object.a', '', 'cel'],
    ['(jp;a.b)', false, '', 'a.b', '', 'jp'],
  ];
  it.each(table)('%j', (key, foreach, foreachName, statement, binding, compiler) => {
    expect(parseKey(key)).toEqual({ foreach, foreachName, statement, binding, compiler });
  });
});

describe('Go printing', () => {
  it('formats float64 like strconv g', () => {
    expect([3, 1.5, 1e6, 123456, 1234567, 0.0001, 0.00001, 1e21, -2.5].map(goFloat)).toEqual([
      '3',
      '1.5',
      '1e+06',
      '123456',
      '1.234567e+06',
      '0.0001',
      '1e-05',
      '1e+21',
      '-2.5',
    ]);
  });
  it('prints %v and %#v of maps and lists', () => {
    expect(goSharpV({ Name: 'My bucket', Environment: 'Dev' }, 'int64')).toBe(
      'map[string]interface {}{"Environment":"Dev", "Name":"My bucket"}',
    );
    expect(goSharpV(['a', 1, null, { b: true }], 'int64')).toBe(
      '[]interface {}{"a", 1, interface {}(nil), map[string]interface {}{"b":true}}',
    );
    expect(goV({ b: [1, 2], a: 'x' }, 'int64')).toBe('map[a:x b:[1 2]]');
    expect(goV(1000000, 'float64')).toBe('1e+06');
    expect(goV(1000000, 'int64')).toBe('1000000');
  });
  it('prints field errors like apimachinery', () => {
    const p = index(pathOf('spec', 'containers'), 0);
    expect(pathString(p)).toBe('spec.containers[0]');
    expect(pathString(undefined)).toBe('<nil>');
    expect(errorBody(invalid(p, true, 'Expected value: false', 'int64'))).toBe(
      'Invalid value: true: Expected value: false',
    );
    expect(errorBody(invalid(p, null, 'value is null', 'int64'))).toBe(
      'Invalid value: "null": value is null',
    );
    expect(errorBody(invalid(p, 'x', 'bad', 'int64'))).toBe('Invalid value: "x": bad');
    expect(errorBody(required(p, 'field not found in the input object'))).toBe(
      'Required value: field not found in the input object',
    );
  });
});

describe('matching (Match / Equal)', () => {
  const o = { expected: 'int64' as const, actual: 'int64' as const };
  it('maps are subsets, slices element-wise, numbers across types', () => {
    expect(match({ a: 1 }, { a: 1.0, b: 2 }, o)).toBe(true);
    expect(match({ a: 1 }, { b: 2 }, o)).toBe(false);
    expect(match([1, { a: 'x' }], [1, { a: 'x', b: 1 }], o)).toBe(true);
    expect(match([1], [1, 2], o)).toBe(false);
    expect(match(null, null, o)).toBe(true);
    expect(match(null, 1, o)).toBe(false);
  });
  it('type mixes are errors, named with Go kinds', () => {
    expect(() => match('3', 3, o)).toThrow('types are not comparable, string - int64');
    expect(() => match('3', 3, { expected: 'int64', actual: 'int' })).toThrow(
      'types are not comparable, string - int',
    );
    expect(() => match([1], 'x', o)).toThrow('invalid actual value, must be a slice, found string');
    expect(() => match({ a: 1 }, null, o)).toThrow('invalid actual value, must be a map, found invalid');
  });
});

describe('label selectors', () => {
  it('parses and matches equality, sets and existence', () => {
    const s = parseSelector('team=a,tier!=prod,env in (dev, test),!legacy,owner');
    expect(matchesSelector(s, { team: 'a', env: 'dev', owner: 'x' })).toBe(true);
    expect(matchesSelector(s, { team: 'a', env: 'dev', owner: 'x', legacy: 'y' })).toBe(false);
    expect(matchesSelector(s, { team: 'a', env: 'prod', owner: 'x' })).toBe(false);
    expect(() => parseSelector('a in b')).toThrow();
  });
});
