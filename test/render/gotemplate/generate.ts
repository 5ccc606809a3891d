/**
 * fast-check generator of Go templates over a fixed data set: literals, fields (present,
 * missing, null, nested), builtins and sprig functions, pipelines, control structures,
 * variables and trim markers. Many generated templates are errors; both engines must agree.
 */
import fc from 'fast-check';

export const generatedData = {
  s: 'str',
  e: '',
  n: 3,
  f: 2.5,
  z: 0,
  b: true,
  nil: null,
  l: ['x', 'y'],
  nl: [1, 2.5],
  m: { k: 'v', n: 1, inner: { deep: 'd' } },
  em: {},
};

const field = fc.constantFrom(
  '.s',
  '.e',
  '.n',
  '.f',
  '.z',
  '.b',
  '.nil',
  '.l',
  '.nl',
  '.m',
  '.m.k',
  '.m.n',
  '.m.inner.deep',
  '.m.missing',
  '.missing',
  '.em',
  '.s.x',
  '.nil.x',
  '$.s',
  '.',
);
const literal = fc.constantFrom(
  '1',
  '0',
  '-2',
  '2.5',
  '1e6',
  '"a"',
  '""',
  '`r`',
  'true',
  'false',
  'nil',
  "'c'",
  '0x10',
);
const fn1 = fc.constantFrom(
  'len',
  'not',
  'print',
  'upper',
  'quote',
  'toString',
  'empty',
  'toJson',
  'int',
  'float64',
  'first',
  'typeOf',
  'kindOf',
  'b64enc',
  'trim',
  'default "d"',
  'add1',
  'html',
  'js',
  'urlquery',
  'list',
  'keys',
  'toStrings',
  'title',
  'lower',
  'sortAlpha',
  'uniq',
  'compact',
  'reverse',
  'last',
);
const fn2 = fc.constantFrom(
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'and',
  'or',
  'index',
  'printf "%v-%v"',
  'add',
  'sub',
  'mul',
  'max',
  'min',
  'addf',
  'mulf',
  'list',
  'dict',
  'hasKey',
  'get',
  'contains',
  'hasPrefix',
  'repeat',
  'trunc',
  'join',
  'ternary 1',
  'coalesce',
  'default',
  'cat',
  'printf "%d %s"',
  'print',
  'semverCompare',
  'without',
  'has',
  'pluck',
);

const operand: fc.Arbitrary<string> = fc.oneof(field, literal);

const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    operand,
    fc.tuple(fn1, operand).map(([f, a]) => `${f} ${a}`),
    fc.tuple(fn2, operand, operand).map(([f, a, b]) => `${f} ${a} ${b}`),
    fc
      .tuple(fn2, fc.constant('('), tie('e'), fc.constant(')'), operand)
      .map(([f, , e, , b]) => `${f} (${e}) ${b}`),
    fc.tuple(tie('e'), fn1).map(([e, f]) => `${e} | ${f}`),
    fc.tuple(tie('e'), fn2, operand).map(([e, f, a]) => `${e} | ${f} ${a}`),
  ),
})).e;

const text = fc.constantFrom('a', ' ', '\n', 'x y', '  \n  ', '-');
const open = fc.constantFrom('{{', '{{- ', '{{ ');
const close = fc.constantFrom('}}', ' -}}', ' }}');

const stmt: fc.Arbitrary<string> = fc.letrec<{ s: string; body: string }>((tie) => ({
  body: fc.array(tie('s'), { maxLength: 3 }).map((a) => a.join('')),
  s: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.tuple(open, expr, close).map(([o, e, c]) => `${o}${e}${c}`),
    fc.tuple(expr, tie('body'), tie('body')).map(([e, a, b]) => `{{if ${e}}}${a}{{else}}${b}{{end}}`),
    fc.tuple(expr, tie('body')).map(([e, a]) => `{{with ${e}}}${a}{{end}}`),
    fc
      .tuple(expr, tie('body'), tie('body'))
      .map(([e, a, b]) => `{{range $i, $v := ${e}}}{{$i}}:{{$v}}${a}{{else}}${b}{{end}}`),
    fc.tuple(expr, tie('body')).map(([e, a]) => `{{range ${e}}}{{.}}${a}{{end}}`),
    fc.tuple(expr, tie('body')).map(([e, a]) => `{{$x := ${e}}}${a}{{$x}}`),
  ),
})).s;

export const templateArbitrary: fc.Arbitrary<string> = fc
  .array(stmt, { minLength: 1, maxLength: 4 })
  .map((a) => a.join(''));
