/** Unit tests of the Go template engine: API, error fields, limits, options, pluggable functions. */
import { describe, expect, it } from 'vitest';
import {
  GoFuncError,
  GoInt,
  GoTemplateError,
  hermeticSprigFuncs,
  parseGoTemplate,
} from '../../../src/render/gotemplate/index.js';

const render = (text: string, data?: unknown) =>
  parseGoTemplate(text, { name: 'patch', funcs: hermeticSprigFuncs }).execute(data);

function errorOf(fn: () => unknown): GoTemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GoTemplateError) return e;
    throw e;
  }
  throw new Error('expected a GoTemplateError');
}

describe('parseGoTemplate', () => {
  it('renders CAPI-style data with Go printing', () => {
    const data = { builtin: { cluster: { name: 'c1' } }, n: 1000000, f: 2.5, m: { b: 1, a: [1, 'x'] } };
    expect(render('{{ .builtin.cluster.name }}-vnet {{ .n }} {{ .f }} {{ .m }} {{ .none }}', data)).toBe(
      'c1-vnet 1e+06 2.5 map[a:[1 x] b:1] <no value>',
    );
  });

  it('reports parse errors with the template name and line', () => {
    const e = errorOf(() => parseGoTemplate('ok\n{{ .a }', { name: 'tpl' }));
    expect(e.kind).toBe('parse');
    expect(e.templateName).toBe('tpl');
    expect(e.line).toBe(2);
    expect(e.column).toBeUndefined();
    expect(e.message).toBe('template: tpl:2: unexpected "}" in operand');
  });

  it('reports exec errors with line, byte column and the node', () => {
    const e = errorOf(() => render('a\n  {{ eq .n 3 }}', { n: 3 }));
    expect(e.kind).toBe('exec');
    expect([e.line, e.column]).toEqual([2, 5]);
    expect(e.message).toBe(
      'template: patch:2:5: executing "patch" at <eq .n 3>: error calling eq: incompatible types for comparison: float64 and int',
    );
  });

  it('keeps __proto__ as a plain map key', () => {
    const data = JSON.parse('{"m": {"__proto__": "p", "x": 1}}');
    expect(render('{{ .m.__proto__ }} {{ index .m "__proto__" }} {{ len .m }} {{ .m }}', data)).toBe(
      'p p 2 map[__proto__:p x:1]',
    );
  });

  it('honours missingkey', () => {
    const t = (missingKey: 'default' | 'zero' | 'error') =>
      parseGoTemplate('{{ .a }}', { missingKey }).execute({});
    expect(t('default')).toBe('<no value>');
    expect(t('zero')).toBe('<no value>');
    expect(() => t('error')).toThrow('map has no entry for key "a"');
  });

  it('takes pluggable functions with Go signatures', () => {
    const funcs = Object.assign(Object.create(null), {
      double: { params: ['int'], fn: (n: GoInt) => new GoInt('int', n.v * 2n) },
      boom: {
        params: [],
        fn: () => {
          throw new GoFuncError('nope');
        },
      },
    });
    const t = (s: string) => parseGoTemplate(s, { funcs }).execute({ f: 1.5 });
    expect(t('{{ double 21 }}')).toBe('42');
    expect(() => t('{{ double .f }}')).toThrow('wrong type for value; expected int; got float64');
    expect(() => t('{{ boom }}')).toThrow('error calling boom: nope');
    expect(() => t('{{ upper "x" }}')).toThrow('function "upper" not defined');
  });

  it('limits template recursion, output and range iterations', () => {
    expect(() => render('{{define "T"}}{{template "T"}}{{end}}{{template "T"}}')).toThrow(
      'exceeded maximum template depth (1000)',
    );
    const big = parseGoTemplate('{{range 100}}xxxxxxxxxx{{end}}', { limits: { maxOutput: 500 } });
    expect(() => big.execute(null)).toThrow('output exceeds the limit of 500 characters');
    const loops = parseGoTemplate('{{range 10}}{{range 10}}.{{end}}{{end}}', {
      limits: { maxRangeIterations: 50 },
    });
    expect(() => loops.execute(null)).toThrow('range iterations exceed the limit of 50');
  });

  it('a recursion whose levels fill the JavaScript stack before depth 1000 is the same limit, located', () => {
    // found by npm run fuzz: variables and an `if` per level filled the stack at ~800 levels, and
    // the error was V8's 'Maximum call stack size exceeded'
    const text =
      '{{define "T"}}{{- $x := .}}{{- $v := 1}}{{- $i := 0}}{{if .}}{{template "T" .}}{{end}}{{end}}{{template "T" .}}';
    let message = '';
    try {
      parseGoTemplate(text, { name: 'x.tpl' }).execute({ a: 1 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^template: x\.tpl:1:\d+: executing "T" at <\{\{template "T" \.\}\}>: exceeded maximum template depth \(/,
    );
    expect(message).not.toMatch(/Maximum call stack/);
  });

  it('evaluates define/template/block and break/continue', () => {
    expect(
      render(
        '{{define "row"}}<{{.}}>{{end}}{{range .}}{{if eq . "b"}}{{continue}}{{end}}{{template "row" .}}{{end}}',
        ['a', 'b', 'c'],
      ),
    ).toBe('<a><c>');
    expect(render('{{block "b" .}}[{{.}}]{{end}}', 'x')).toBe('[x]');
    expect(render('{{range $i, $e := .}}{{if ge $i 1}}{{break}}{{end}}{{$e}}{{end}}', ['a', 'b'])).toBe('a');
  });

  it('short-circuits and/or and returns the deciding value', () => {
    expect(
      render('{{ or .a .b "c" }}|{{ and 1 .missing.x }}|{{ or 1 (fail "never") | default "d" }}', { b: 'B' }),
    ).toBe('B|<no value>|1');
  });

  it('has sprig math with Go int64/float64 results', () => {
    expect(render('{{ add 1 2 | typeOf }} {{ addf 0.1 0.2 }} {{ mul 3 .n }} {{ div 7 2 }}', { n: 2.9 })).toBe(
      'int64 0.3 6 3',
    );
    expect(() => render('{{ randInt 1 2 }}')).toThrow(
      'sprig function randInt is not supported by clustermint (random)',
    );
  });
});
