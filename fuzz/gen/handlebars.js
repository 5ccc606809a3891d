// Handlebars chart templates (clustermint's own charts) from a small grammar: paths, helper
// calls with subexpressions and hash arguments, if/unless/each/with blocks, define/include.
import fc from 'fast-check';
import { mutated, nasty } from './common.js';

const HELPERS = [
  'quote',
  'squote',
  'indent',
  'nindent',
  'trunc',
  'trim',
  'trimPrefix',
  'trimSuffix',
  'replace',
  'lower',
  'upper',
  'contains',
  'hasPrefix',
  'hasSuffix',
  'split',
  'splitList',
  'join',
  'printf',
  'toString',
  'b64enc',
  'b64dec',
  'dir',
  'base',
  'clean',
  'sha256sum',
  'regexMatch',
  'regexReplaceAll',
  'semverCompare',
  'int',
  'toYaml',
  'toJson',
  'default',
  'empty',
  'coalesce',
  'ternary',
  'required',
  'fail',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'and',
  'or',
  'not',
  'dict',
  'list',
  'get',
  'hasKey',
  'index',
  'omit',
  'merge',
  'keys',
  'first',
  'last',
  'len',
  'add',
  'sub',
  'mul',
  'div',
  'max',
  'min',
  'include',
  'lookup',
  'log',
  'helperMissing',
  'blockHelperMissing',
  'constructor',
  '__proto__',
];

const NAMES = ['"a"', '"b"', '"missing"'];

const path = fc.constantFrom(
  'this',
  '.',
  'Values',
  'Values.a',
  'Values.b',
  'Values.items',
  'Values.a.b.c',
  'Values.n',
  'Release.Name',
  'Release.Namespace',
  'Chart.Name',
  '@index',
  '@key',
  '@root',
  '@root.Values',
  '../Values',
  'this.constructor',
  'Values.__proto__',
  'Values.[a]',
  'a',
  'x.y',
);

const literal = fc.oneof(
  fc.integer({ min: -2, max: 40 }).map(String),
  fc.constantFrom('0', '1e9', '100000', '3.5', '-1', 'true', 'false', 'null', 'undefined'),
  nasty.map((s) => JSON.stringify(s)),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"%s"', '"%v-%d"', '"(a+)+$"', '"[a-"', '"{{ Values.a }}"', '"x: [1"'),
);

export const expr = fc.letrec((tie) => ({
  term: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { weight: 3, arbitrary: path },
    { weight: 2, arbitrary: literal },
    { weight: 2, arbitrary: tie('call').map((c) => `(${c})`) },
  ),
  call: fc
    .tuple(
      fc.constantFrom(...HELPERS),
      fc.array(tie('term'), { maxLength: 3 }),
      fc.array(fc.tuple(fc.constantFrom('key', 'a', 'b'), tie('term')), { maxLength: 1 }),
    )
    .map(([h, args, hash]) =>
      h === 'include'
        ? `include ${NAMES[0]} ${args[0] ?? 'this'}`
        : [h, ...args, ...hash.map(([k, v]) => `${k}=${v}`)].join(' '),
    ),
  expr: fc.oneof(path, literal, tie('call'), tie('call')),
})).expr;

const open = fc.constantFrom(['{{', '}}'], ['{{~', '~}}'], ['{{{', '}}}']);

export const body = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    {
      weight: 4,
      arbitrary: fc.constantFrom('a: ', 'b: ', '\n', '\n  ', '- ', 'x', '---\n', 'kind: ConfigMap\n'),
    },
    { weight: 5, arbitrary: fc.tuple(open, expr).map(([[o, c], e]) => `${o}${e}${c}`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('if', 'unless', 'each', 'with'), expr, tie('body'), fc.option(tie('body')))
        .map(([kw, e, t, el]) => `{{#${kw} ${e}}}${t}${el === null ? '' : `{{else}}${el}`}{{/${kw}}}`),
    },
    { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((n) => `{{include ${n} this}}`) },
    { weight: 1, arbitrary: fc.constantFrom('{{!-- c --}}', '{{@index}}', '{{Values.a}}', '{{this}}') },
  ),
  body: fc.array(tie('node'), { maxLength: 5 }).map((ns) => ns.join('')),
})).body;

export const defines = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...NAMES.slice(0, 2)), body), { maxLength: 2, selector: ([n]) => n })
  .map((ds) => ds.map(([n, b]) => `{{#define ${n}}}${b}{{/define}}`).join('\n'));

const HEADER = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fuzz\n';

/** The body's output as the object's data (quoted, through a define), or as raw YAML. */
const files = fc.tuple(defines, body, fc.boolean()).map(([d, b, raw]) =>
  raw
    ? { main: `${HEADER}${b}`, helpers: d }
    : {
        main: `${HEADER}data:\n  v: {{quote (include "fuzz.body" this)}}\n`,
        helpers: `${d}\n{{#define "fuzz.body"}}${b}{{/define}}`,
      },
);

/** A chart's two template files: the main one and the helpers with the defines. */
export const chartFiles = fc.oneof(
  { weight: 5, arbitrary: files },
  {
    weight: 1,
    arbitrary: fc.record({
      main: mutated(
        files.map((f) => f.main),
        2,
      ),
      helpers: mutated(
        files.map((f) => f.helpers),
        2,
      ),
    }),
  },
);

/** One template text (the body of a define), for other users of the grammar. */
export const templateText = body;
