import { describe, expect, it } from 'vitest';
import { isEmpty, required } from '../../../src/render/functions/defaults.js';
import {
  base32Decode,
  base32Encode,
  base64Decode,
  base64Encode,
} from '../../../src/render/functions/encoding.js';
import { AuthorFailure, RegexSyntaxError } from '../../../src/render/functions/failure.js';
import { adler32sum, sha1sum } from '../../../src/render/functions/hashes.js';
import { parseJson, toJson } from '../../../src/render/functions/json.js';
import { basePath, cleanPath, dirPath, extPath, isAbsPath } from '../../../src/render/functions/paths.js';
import * as regex from '../../../src/render/functions/regex.js';
import { GoInt, GoMap, GoSlice } from '../../../src/render/gotemplate/values.js';
import { chartValueModel as chart, goValueModel as go, models } from './models.js';

describe('emptiness and required', () => {
  it.each(models)('Go emptiness (%s)', (_, model) => {
    for (const v of [undefined, null, false, 0, '', [], {}])
      expect(isEmpty(model, v), JSON.stringify(v)).toBe(true);
    for (const v of [true, 1, 'x', [0], { a: null }])
      expect(isEmpty(model, v), JSON.stringify(v)).toBe(false);
  });
  it('typed Go values', () => {
    expect(isEmpty(go, new GoInt('int64', 0n))).toBe(true);
    expect(isEmpty(go, new GoSlice('string', []))).toBe(true);
    expect(isEmpty(go, new GoMap('string', { a: '' }))).toBe(false);
  });
  it('required fails with the author message on nil and "" only', () => {
    expect(required('m', 0)).toBe(0);
    expect(() => required('need it', '')).toThrow(AuthorFailure);
    expect(() => required('need it', undefined)).toThrow('need it');
  });
});

describe('encodings and checksums', () => {
  it('base64 and base32, with Go error texts as results', () => {
    expect(base64Encode('hi')).toBe('aGk=');
    expect(base64Decode('aGk=')).toBe('hi');
    expect(base64Decode('a*Gk=')).toBe('illegal base64 data at input byte 1');
    expect(base32Encode('hi')).toBe('NBUQ====');
    expect(base32Decode('NBUQ====')).toBe('hi');
    expect(base32Decode('nbuq====')).toBe('illegal base32 data at input byte 0');
  });
  it('checksums', () => {
    expect(sha1sum('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(adler32sum('Wikipedia')).toBe('300286872');
  });
});

describe('JSON', () => {
  it.each(models)('sorted keys, HTML escapes, Go float format (%s)', (_, model) => {
    const v = { b: [1, 'x<&>'], a: null, é: 1e21, B: 1e-7 };
    expect(toJson(model, v, { escapeHtml: true })).toBe(
      '{"B":1e-7,"a":null,"b":[1,"x\\u003c\\u0026\\u003e"],"é":1e+21}',
    );
    expect(toJson(model, ['<'], { escapeHtml: false })).toBe('["<"]');
    expect(toJson(model, { a: [1, {}], c: [] }, { escapeHtml: true, indent: '  ' })).toBe(
      '{\n  "a": [\n    1,\n    {}\n  ],\n  "c": []\n}',
    );
    expect(() => toJson(model, Number.NaN, { escapeHtml: true })).toThrow('json: unsupported value: NaN');
  });
  it('typed Go values', () => {
    expect(toJson(go, [new GoInt('int64', 3n), new GoSlice('string', ['a'])], { escapeHtml: true })).toBe(
      '[3,["a"]]',
    );
    expect(toJson(chart, new GoInt('int64', 3n), { escapeHtml: true })).toBe('null');
  });
  it('parses into prototype-less maps with Go error texts', () => {
    const v = parseJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => parseJson('')).toThrow('unexpected end of JSON input');
    expect(() => parseJson("'x'")).toThrow("invalid character '\\'' looking for beginning of value");
  });
});

describe('paths', () => {
  it('Go path semantics', () => {
    expect(cleanPath('a//b/./../c')).toBe('a/c');
    expect(cleanPath('/../x')).toBe('/x');
    expect(dirPath('a/b/c/../../../x')).toBe('.');
    expect(basePath('/var/log/')).toBe('log');
    expect(basePath('///')).toBe('/');
    expect(extPath('a/b.tar.gz')).toBe('.gz');
    expect(extPath('a.b/c')).toBe('');
    expect(isAbsPath('/x')).toBe(true);
  });
});

describe('regular expressions (RE2)', () => {
  it('expands $1, ${name} and $$ in replacements, or replaces literally', () => {
    expect(regex.regexReplaceAll('(a)(b)', 'xaby', '${2}$1$$')).toBe('xba$y');
    expect(regex.regexReplaceAll('(a)(b)', 'xaby', '${2}$1', true)).toBe('x${2}$1y');
    expect(regex.regexReplaceAll('(?P<w>b)', 'ab', '[$w]')).toBe('a[b]');
  });
  it('finds and splits as Go', () => {
    expect(regex.regexFindAll('[0-9]', 'a1b2c3', 2)).toEqual(['1', '2']);
    expect(regex.regexFind('[0-9]+', 'v1.22')).toBe('1');
    expect(regex.regexSplit('a+', 'baaac', -1)).toEqual(['b', 'c']);
    expect(regex.regexSplit('x', '', -1)).toEqual(['']);
    expect(regex.regexQuoteMeta('a.b*c')).toBe('a\\.b\\*c');
  });
  it('refuses backreferences, naming the pattern', () => {
    try {
      regex.regexMatch('(a)\\1', 'aa');
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(RegexSyntaxError);
      expect((e as RegexSyntaxError).pattern).toBe('(a)\\1');
      expect((e as Error).message).toMatch(/^error parsing regexp: /);
    }
  });
});
