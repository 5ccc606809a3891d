import { describe, expect, it } from 'vitest';
import { FunctionFailure } from '../../../src/render/functions/failure.js';
import {
  cat,
  indexedParts,
  lower,
  quote,
  repeat,
  replaceAll,
  splitGo,
  squote,
  substring,
  title,
  trimCutset,
  trimSpace,
  truncate,
  upper,
} from '../../../src/render/functions/strings.js';
import { GoInt } from '../../../src/render/gotemplate/values.js';
import { chartValueModel, goValueModel, models } from './models.js';

function failure(fn: () => unknown): FunctionFailure {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FunctionFailure);
    return e as FunctionFailure;
  }
  throw new Error('expected a failure');
}

describe('shared string functions', () => {
  it('trunc and substr count UTF-8 bytes, as Go', () => {
    expect(truncate(3, 'héllo')).toBe('hé');
    expect(truncate(-3, 'héllo')).toBe('llo');
    expect(truncate(63, 'short')).toBe('short');
    expect(truncate(-9, 'short')).toBe('short');
    expect(substring(1, 3, 'héllo')).toBe('é');
    expect(substring(-1, 2, 'abc')).toBe('ab');
    const e = failure(() => substring(3, 1, 'abc'));
    expect(e.runtimePanic).toBe(true);
    expect(e.message).toBe('slice bounds out of range [3:1]');
  });

  it('replace is literal: no $ patterns, an empty OLD matches around every character', () => {
    expect(replaceAll('a', '$&$1', 'banana')).toBe('b$&$1n$&$1n$&$1');
    expect(replaceAll('', '-', 'ab')).toBe('-a-b-');
    expect(replaceAll('x', 'y', '')).toBe('');
  });

  it('trim uses Go white space (NBSP, NEL, ideographic space; not the BOM)', () => {
    expect(trimSpace('\u00a0\u0085 x \u3000')).toBe('x');
    expect(trimSpace('\ufeffx')).toBe('\ufeffx');
    expect(trimSpace(' \t\nplain \r')).toBe('plain');
    expect(trimCutset('$$x$', '$')).toBe('x');
    expect(trimCutset('abc', '')).toBe('abc');
  });

  it('upper, lower and title use one-character case mappings, as Go', () => {
    expect(upper('straße')).toBe('STRAßE');
    expect(lower('ÀÉ İ')).toBe('àé i');
    expect(title('ǆemal élan ß')).toBe('ǅemal Élan ß');
  });

  it('split follows strings.Split/SplitN; split parts are keyed _0, _1 in a prototype-less map', () => {
    expect(splitGo('a,b,c', ',', 2)).toEqual(['a', 'b,c']);
    expect(splitGo('héj', '')).toEqual(['h', 'é', 'j']);
    expect(splitGo('a', ',', 0)).toEqual([]);
    const parts = indexedParts(['x', 'y']);
    expect(Object.keys(parts)).toEqual(['_0', '_1']);
    expect(Object.getPrototypeOf(parts)).not.toBe(Object.prototype);
  });

  it('repeat refuses negative counts and huge outputs', () => {
    expect(repeat(3n, 'ab')).toBe('ababab');
    expect(failure(() => repeat(-1n, 'x')).message).toBe('strings: negative Repeat count');
    expect(failure(() => repeat(100_000_000n, 'x')).message).toBe('strings: Repeat output length overflow');
  });

  it.each(models)('quote, squote and cat skip nil and print values as the %s engine does', (_, model) => {
    expect(quote(model, ['a"b', null, undefined, true])).toBe('"a\\"b" "true"');
    expect(quote(model, [null])).toBe('');
    expect(squote(model, ['a', null, false])).toBe("'a' 'false'");
    expect(cat(model, ['a', null, 'b'])).toBe('a b');
  });

  it('numbers print as each engine prints them', () => {
    expect(quote(chartValueModel, [3, 2.5])).toBe('"3" "2.5"');
    expect(quote(goValueModel, [new GoInt('int64', 3n), 3, 1e21])).toBe('"3" "3" "1e+21"');
  });
});
