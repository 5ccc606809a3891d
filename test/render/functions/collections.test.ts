import { describe, expect, it } from 'vitest';
import * as dicts from '../../../src/render/functions/dicts.js';
import { FunctionFailure } from '../../../src/render/functions/failure.js';
import * as lists from '../../../src/render/functions/lists.js';
import { markImmutable } from '../../../src/render/functions/to-yaml.js';
import { GoInt, GoMap, GoSlice } from '../../../src/render/gotemplate/values.js';
import { toSafeTree } from '../../../src/util/plain-object.js';
import { chartValueModel as chart, goValueModel as go, models } from './models.js';

const int = (n: number) => new GoInt('int', BigInt(n));

describe('shared list functions', () => {
  it('uniq, has and without compare with reflect.DeepEqual: int and float64 differ in Go', () => {
    expect(lists.uniq(go, [int(1), 1, int(1), '1'])).toEqual([int(1), 1, '1']);
    expect(lists.has(go, int(1), [1, 2])).toBe(false);
    expect(lists.without(go, [1, int(1), 2], [int(1)])).toEqual([1, 2]);
    expect(lists.uniq(chart, [1, 1, { a: [1] }, { a: [1] }, [2], [2]])).toEqual([1, { a: [1] }, [2]]);
  });

  it.each(models)('toStrings and join skip nil elements (%s)', (_, model) => {
    expect(lists.toStrings(model, ['a', null, true])).toEqual(['a', 'true']);
    expect(lists.toStrings(model, null)).toEqual([]);
    expect(lists.toStrings(model, 'x')).toEqual(['x']);
    expect(lists.join(model, ',', ['a', null, 'b'])).toBe('a,b');
  });

  it('sortAlpha sorts by UTF-8 bytes, typed slices included', () => {
    expect(lists.sortAlpha(chart, ['b', 'B', 'é', 'a', 1])).toEqual(['1', 'B', 'a', 'b', 'é']);
    expect(lists.sortAlpha(go, new GoSlice('string', ['z', 'y']))).toEqual(['y', 'z']);
    expect(lists.sortAlpha(go, 'one')).toEqual(['one']);
  });

  it('chunk, slice, compact', () => {
    expect(lists.chunk(2, [1, 2, 3])).toEqual([[1, 2], [3]]);
    expect(lists.chunk(2, [])).toEqual([]);
    expect(() => lists.chunk(0, [1])).toThrow('makeslice: len out of range');
    expect(lists.sliceItems([1, 2, 3], 1)).toEqual([2, 3]);
    expect(lists.sliceItems([], 0, 0)).toBeNull();
    expect(() => lists.sliceItems([1], 0, 2)).toThrow('reflect: slice index out of range');
    expect(lists.compact(go, ['', 0, int(0), null, [], 'x', new GoMap('string', {})])).toEqual(['x']);
  });
});

describe('shared dict functions', () => {
  it.each(models)('dict, set and pick keep __proto__ a plain key (%s)', (_, model) => {
    const d = dicts.dict(model, ['__proto__', { polluted: true }, 1, 'one', 'odd']);
    expect(Object.keys(d)).toEqual(['1', '__proto__', 'odd']);
    expect(d.odd).toBe('');
    dicts.set(d, '__proto__', { polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(dicts.pick(d, ['__proto__']), '__proto__')).toBe(true);
    expect(Object.keys(dicts.omit(d, ['__proto__', 'odd']))).toEqual(['1']);
  });

  it('merge fills missing and empty values and skips nil; mergeOverwrite takes every value', () => {
    const dst = () => toSafeTree({ a: '', b: 1, l: [1], n: { x: 1 } }) as Record<string, unknown>;
    const src = toSafeTree({ a: 'A', b: 2, c: 3, l: [], z: null, n: { x: 2, y: 3 } }) as Record<
      string,
      unknown
    >;
    const merged = dst();
    dicts.mergeInto(chart, merged, src, false);
    expect(merged).toEqual({ a: 'A', b: 1, c: 3, l: [1], n: { x: 1, y: 3 } });
    const overwritten = dst();
    dicts.mergeInto(chart, overwritten, src, true);
    expect(overwritten).toEqual({ a: 'A', b: 2, c: 3, l: [], z: null, n: { x: 2, y: 3 } });
  });

  it('merge adopts source values through the given copy, so frozen inputs stay untouched', () => {
    const src = markImmutable(toSafeTree({ n: { x: 1 } }) as Record<string, unknown>);
    const out = toSafeTree({}) as Record<string, unknown>;
    dicts.mergeInto(chart, out, src, false, toSafeTree);
    dicts.mergeInto(chart, out, toSafeTree({ n: { y: 2 } }) as Record<string, unknown>, false, toSafeTree);
    expect(out).toEqual({ n: { x: 1, y: 2 } });
    expect(src).toEqual({ n: { x: 1 } });
  });

  it('dig walks map[string]interface{} values only, with Go conversion errors', () => {
    const data = toSafeTree({ a: { b: 1 }, s: 'x' });
    expect(dicts.dig(go, ['a', 'b', 'def', data])).toBe(1);
    expect(dicts.dig(go, ['a', 'x', 'def', data])).toBe('def');
    expect(() => dicts.dig(go, ['s', 'b', 'def', data])).toThrow(
      'interface conversion: interface {} is string, not map[string]interface {}',
    );
    expect(() => dicts.dig(go, ['a', 'def', new GoMap('string', { a: 'x' })])).toThrow(
      'interface conversion: interface {} is map[string]string, not map[string]interface {}',
    );
    expect(() => dicts.dig(go, ['a', 'b'])).toThrow(FunctionFailure);
  });

  it('get, hasKey, keys, values, pluck treat nil maps as empty', () => {
    expect(dicts.get(null, 'a')).toBe('');
    expect(dicts.hasKey(null, 'a')).toBe(false);
    expect(dicts.keys([{ a: 1 }, null, { b: 2 }])).toEqual(['a', 'b']);
    expect(dicts.values(null)).toEqual([]);
    expect(dicts.pluck('a', [{ a: 1 }, null, { b: 2 }, { a: 3 }])).toEqual([1, 3]);
    expect(() => dicts.set(null, 'a', 1)).toThrow('assignment to entry in nil map');
  });
});
