import { describe, expect, it } from 'vitest';
import { goQuote, goSprintf } from '../../../src/go/fmt.js';
import { compileChart } from '../../../src/render/chart/engine.js';
import { semverCompare } from '../../../src/render/functions/semver.js';
import { markImmutable } from '../../../src/render/functions/to-yaml.js';
import { ClustermintError } from '../../../src/util/errors.js';

/** Renders one template string with a context. */
function render(src: string, ctx: object = {}): string {
  return compileChart([{ name: 'templates/t.yaml.hbs', source: src }]).render(ctx)[0].text;
}

function renderError(src: string, ctx: object = {}): ClustermintError {
  try {
    render(src, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(ClustermintError);
    return e as ClustermintError;
  }
  throw new Error('expected the render to fail');
}

describe('chart functions (sprig/Helm semantics)', () => {
  const V = {
    Values: {
      s: 'hello',
      n: 3,
      zero: 0,
      empty: '',
      list: ['a', 'b', 'c'],
      map: { b: 2, a: 1 },
      ver: 'v1.33.4+k0s.0',
      nested: { x: { z: 'deep' } },
    },
  };
  const cases: Array<[string, string]> = [
    ['{{quote Values.s}}', '"hello"'],
    ['{{quote Values.n}}', '"3"'],
    ['{{quote Values.missing}}', ''],
    ['{{squote Values.s}}', "'hello'"],
    ['{{quote "a\\"b"}}', '"a\\"b"'],
    ['{{default "d" Values.missing}}', 'd'],
    ['{{default "d" Values.zero}}', 'd'],
    ['{{default "d" Values.empty}}', 'd'],
    ['{{default "d" Values.s}}', 'hello'],
    ['{{ternary "y" "n" true}}', 'y'],
    ['{{ternary "y" "n" Values.n}}', 'n'],
    ['{{trunc 3 Values.s}}', 'hel'],
    ['{{trunc -2 Values.s}}', 'lo'],
    ['{{trunc 63 Values.s}}', 'hello'],
    ['{{trim "  x  "}}', 'x'],
    ['{{trimPrefix "he" Values.s}}', 'llo'],
    ['{{trimSuffix "lo" Values.s}}', 'hel'],
    ['{{replace "l" "L" Values.s}}', 'heLLo'],
    ['{{upper Values.s}}{{lower "ABC"}}', 'HELLOabc'],
    ['{{index (split "+" Values.ver) "_0"}}', 'v1.33.4'],
    ['{{index (split "+" Values.ver) "_1"}}', 'k0s.0'],
    ['{{join "," Values.list}}', 'a,b,c'],
    ['{{first Values.list}}-{{last Values.list}}', 'a-c'],
    ['{{len Values.list}} {{len Values.map}} {{len Values.s}}', '3 2 5'],
    ['{{int "42"}} {{int 3.9}} {{int "x"}}', '42 3 0'],
    ['{{toString Values.n}}', '3'],
    ['{{b64enc "hi"}} {{b64dec "aGk="}}', 'aGk= hi'],
    ['{{sha256sum "abc"}}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['{{printf "%s-%d-%v-%q" "a" 7 true "q"}}', 'a-7-true-"q"'],
    ['{{printf "%05d|%-4s|%.2f" 42 "x" 3.14159}}', '00042|x   |3.14'],
    ['{{regexReplaceAll "[^a-z0-9-]" "My_Cluster" "-"}}', '-y--luster'],
    ['{{regexReplaceAll "(a)(b)" "xaby" "${2}$1"}}', 'xbay'],
    ['{{regexMatch "^v[0-9]+" Values.ver}}', 'true'],
    ['{{semverCompare ">=1.31.0" "v1.33.4+k0s.0"}}', 'true'],
    ['{{semverCompare "<1.31" "1.30.9"}}', 'true'],
    ['{{semverCompare "~1.33.0" "1.34.0"}}', 'false'],
    ['{{#if (eq Values.n 3)}}yes{{/if}}', 'yes'],
    ['{{#if (eq Values.s "x" "hello")}}any{{/if}}', 'any'],
    ['{{#if (ne Values.s "x")}}ne{{/if}}', 'ne'],
    ['{{#if (and (gt Values.n 2) (lt Values.n 4) (ge Values.n 3) (le Values.n 3))}}range{{/if}}', 'range'],
    ['{{or Values.zero Values.empty "third"}}', 'third'],
    ['{{and Values.n Values.zero}}', '0'],
    ['{{#if (not Values.empty)}}empty{{/if}}', 'empty'],
    ['{{toJson (dict "b" 1 "a" (list 1 "x"))}}', '{"a":[1,"x"],"b":1}'],
    ['{{toYaml Values.map}}', 'a: 1\nb: 2'],
    ['{{toYaml Values.list}}', '- a\n- b\n- c'],
    ['x:{{nindent 2 (toYaml Values.nested)}}', 'x:\n  x:\n    z: deep'],
    ['{{indent 2 "a\nb"}}', '  a\n  b'],
    ['{{get Values.map "a"}}|{{get Values.map "zz"}}', '1|'],
    ['{{hasKey Values.map "a"}} {{hasKey Values.map "z"}}', 'true false'],
    ['{{index Values "nested" "x" "z"}} {{index Values.list 1}}', 'deep b'],
    ['{{toJson (omit Values.map "a")}}', '{"b":2}'],
    ['{{toJson (merge (dict "a" 1) (dict "a" 2 "b" 3))}}', '{"a":1,"b":3}'],
    ['{{toJson (keys Values.map)}}', '["b","a"]'],
    ['{{add 1 2 3}} {{sub 5 2}} {{mul 2 3}} {{div 7 2}} {{max 1 9 3}} {{min 4 2}}', '6 3 6 3 9 2'],
    ['{{contains "ell" Values.s}} {{hasPrefix "he" Values.s}} {{hasSuffix "x" Values.s}}', 'true true false'],
    ['{{coalesce Values.empty Values.zero "c"}}', 'c'],
    ['{{empty Values.list}} {{empty Values.empty}}', 'false true'],
    ['{{toJson (lookup "v1" "Secret" "ns" "name")}}', '{}'],
    ['{{toJson (splitList "," "a,b")}}', '["a","b"]'],
    ['{{required "need s" Values.s}}', 'hello'],
  ];
  it.each(cases)('%s', (src, expected) => {
    expect(render(src, V)).toBe(expected);
  });

  it('toYaml quotes YAML 1.1 look-alikes as Helm does, so they stay strings', () => {
    const out = render('{{toYaml Values.l}}', {
      Values: { l: ['yes', 'on', 'N', '1_000', '2024-01-01', '1:20', 'plain'] },
    });
    expect(out).toBe('- "yes"\n- "on"\n- "N"\n- "1_000"\n- "2024-01-01"\n- "1:20"\n- plain');
  });

  it('blocks use Go truth: empty maps, lists, 0 and "" are false', () => {
    const V = { Values: { m: {}, l: [], z: 0, s: '', full: { a: 1 } } };
    expect(
      render(
        '{{#if Values.m}}T{{else}}F{{/if}}{{#if Values.l}}T{{else}}F{{/if}}{{#if Values.z}}T{{else}}F{{/if}}',
        V,
      ),
    ).toBe('FFF');
    expect(render('{{#with Values.m}}T{{else}}F{{/with}}{{#with Values.z}}T{{else}}F{{/with}}', V)).toBe(
      'FF',
    );
    expect(
      render('{{#with Values.full as |f|}}{{f.a}}{{a}}{{/with}}{{#unless Values.s}}U{{/unless}}', V),
    ).toBe('11U');
  });

  it('dir, base and clean follow Go path semantics', () => {
    expect(
      render('{{dir "a/b/../c/d.log"}} {{dir "/var/log/x"}} {{dir "x"}} {{dir "a/b/c/../../../x"}}'),
    ).toBe('a/c /var/log . .');
    expect(render('{{base "/var/log/x.log"}} {{clean "a//b/./../c"}}')).toBe('x.log a/c');
  });

  it('adjacent numbers are concatenated as text, not added', () => {
    expect(render('{{Values.n}}{{Values.n}}{{add 1 2}}{{add 1 2}}', { Values: { n: 1 } })).toBe('1133');
    expect(render('{{#with Values.m as |m|}}{{m.a}}{{a}}{{/with}}', { Values: { m: { a: 1 } } })).toBe('11');
  });

  it('never HTML-escapes', () => {
    expect(render('{{Values.s}}', { Values: { s: '<a href="x">&\'' } })).toBe('<a href="x">&\'');
  });

  it('does not evaluate template syntax found in values (no template injection)', () => {
    expect(render('v: {{quote Values.s}}', { Values: { s: '{{fail "boom"}}' } })).toBe(
      'v: "{{fail \\"boom\\"}}"',
    );
  });

  it('cannot reach prototypes through values', () => {
    expect(
      render('[{{Values.constructor}}][{{Values.__proto__}}][{{Values.toString}}]', { Values: {} }),
    ).toBe('[][][]');
  });
});

describe('function errors name the function, the template, line and column', () => {
  it('required fails with the author message', () => {
    const e = renderError('a: 1\nb: {{required "region is required" Values.region}}', { Values: {} });
    expect(e.code).toBe('REQUIRED');
    expect(e.message).toBe('region is required');
    expect(e.location).toMatchObject({ file: 'templates/t.yaml.hbs', line: 2, col: 4 });
  });

  it('wrong arity', () => {
    const e = renderError('x\n  y: {{nindent 4}}');
    expect(e.message).toBe('nindent: expects 2 arguments (N, STRING), got 1');
    expect(e.location).toMatchObject({ line: 2, col: 6 });
  });

  it('wrong argument kind', () => {
    expect(renderError('{{nindent "four" "x"}}').message).toMatch(
      /nindent: N must be an integer, got string four/,
    );
    expect(renderError('{{index 5 "a"}}').message).toMatch(/cannot index into int/);
    expect(renderError('{{gt "a" 1}}').message).toMatch(/incompatible types for comparison: string and int/);
  });

  it('unknown function suggests the closest', () => {
    const e = renderError('{{nindnet 4 "x"}}');
    expect(e.message).toBe('unknown function "nindnet" (did you mean "nindent"?)');
  });

  it('invalid regular expressions are reported, and RE2 refuses backreferences', () => {
    expect(renderError('{{regexMatch "(a)\\1" "aa"}}').message).toMatch(
      /regexMatch: invalid regular expression/,
    );
  });

  it('fail', () => {
    expect(renderError('{{fail "unsupported"}}').message).toBe('unsupported');
  });

  it('failures of the shared functions carry the function name', () => {
    expect(renderError('{{div 1 0}}').message).toBe('div: integer divide by zero');
    expect(renderError('{{semverCompare ">=banana" "1.0.0"}}').message).toBe(
      'semverCompare: improper constraint: >=banana',
    );
    expect(renderError('{{regexReplaceAll "(" "x" "y"}}').message).toMatch(
      /^regexReplaceAll: invalid regular expression "\(": /,
    );
    expect(renderError('{{toJson Values.x}}', { Values: { x: Number.NaN } }).message).toBe(
      'toJson: json: unsupported value: NaN',
    );
    expect(renderError('{{fail "stop"}}').code).toBe('REQUIRED');
  });
});

describe('chart functions share sprig semantics with the Go engine', () => {
  it.each([
    ['{{trunc 3 "héllo"}}|{{trunc -3 "héllo"}}', 'hé|llo'],
    ['{{replace "a" "$&" "banana"}}', 'b$&n$&n$&'],
    ['{{upper "straße"}} {{lower "İ"}}', 'STRAßE i'],
    ['{{trim "\u00a0x\u3000"}}', 'x'],
    ['{{toJson (splitList "" "héj")}}', '["h","é","j"]'],
    [
      '{{toJson (merge (dict "a" "" "b" 0 "c" 1) (dict "a" "A" "b" 2 "c" 3 "d" Values.missing))}}',
      '{"a":"A","b":2,"c":1}',
    ],
    ['{{int "0x1F"}} {{int "010"}} {{int "1.0"}} {{add "1_000" 1}}', '31 8 1 1001'],
    ['{{b64dec "a*Gk="}}', 'illegal base64 data at input byte 1'],
    ['{{toJson (dict "é" 1 "B" 2 "a" "<&>")}}', '{"B":2,"a":"\\u003c\\u0026\\u003e","é":1}'],
    ['{{toJson (list 1 Values.missing)}} {{toYaml (dict "k" Values.missing)}}', '[1,null] k: null'],
  ])('%s', (src, expected) => {
    expect(render(src, { Values: {} })).toBe(expected);
  });

  it('merge leaves frozen values untouched', () => {
    const Values = markImmutable({ a: { x: 1 }, b: { a: { y: 2 }, z: [1] } });
    expect(
      render('{{toJson (merge Values.a Values.b.a)}} {{toJson (merge (dict) Values.b)}}', { Values }),
    ).toBe('{"x":1,"y":2} {"a":{"y":2},"z":[1]}');
    expect(Values).toEqual({ a: { x: 1 }, b: { a: { y: 2 }, z: [1] } });
  });
});

describe('Go formatting helpers', () => {
  it('quotes like strconv.Quote', () => {
    expect(goQuote('a\nb\t"c"\\')).toBe('"a\\nb\\t\\"c\\"\\\\"');
    expect(goQuote('\u0001é')).toBe('"\\x01é"');
  });
  it('printf reports missing and extra arguments like Go', () => {
    expect(goSprintf('%s %s', ['a'])).toBe('a %!s(MISSING)');
    expect(goSprintf('%s', ['a', 1])).toBe('a%!(EXTRA int=1)');
    expect(goSprintf('%d', ['x'])).toBe('%!d(string=x)');
  });
});

describe('semverCompare (Masterminds rules)', () => {
  const table: Array<[string, string, boolean]> = [
    ['>=1.2.3', '1.2.3', true],
    ['>1.2', '1.2.9', false],
    ['>1.2', '1.3.0', true],
    ['<=1.2', '1.2.9', true],
    ['1.2.x', '1.2.7', true],
    ['1.2.x', '1.3.0', false],
    ['^1.2.3', '1.9.0', true],
    ['^1.2.3', '2.0.0', false],
    ['^0.2.3', '0.3.0', false],
    ['~1.2', '1.2.9', true],
    ['>=1.0 <2.0', '1.5.0', true],
    ['>=1.0, <2.0', '2.0.0', false],
    ['<1.0 || >=3.0', '3.1.0', true],
    ['1.1 - 1.3', '1.3.0', true],
    ['!=1.2.3', '1.2.3', false],
    ['>=1.2.0', '1.3.0-rc.1', false],
    ['>=1.3.0-rc.0', '1.3.0-rc.1', true],
    ['*', '9.9.9', true],
  ];
  it.each(table)('%s matches %s: %s', (c, v, want) => {
    expect(semverCompare(c, v)).toBe(want);
  });
  it('rejects nonsense', () => {
    expect(() => semverCompare('>=banana', '1.0.0')).toThrow(/improper constraint/);
    expect(() => semverCompare('>=1.0.0', 'banana')).toThrow(/Invalid Semantic Version/);
  });
});
