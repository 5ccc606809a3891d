// Go template text (Helm charts, ClusterClass patch templates) from a small grammar: fields,
// variables, sprig calls, pipelines, if/range/with, define/template/include, and some breakage.
import fc from 'fast-check';
import { mutated, nasty } from './common.js';

const FUNCS = [
  'default',
  'quote',
  'squote',
  'upper',
  'lower',
  'title',
  'toYaml',
  'toJson',
  'toPrettyJson',
  'toToml',
  'fromYaml',
  'fromJson',
  'fromYamlArray',
  'nindent',
  'indent',
  'printf',
  'print',
  'println',
  'list',
  'dict',
  'get',
  'set',
  'unset',
  'merge',
  'mergeOverwrite',
  'deepCopy',
  'deepEqual',
  'pick',
  'omit',
  'until',
  'untilStep',
  'seq',
  'repeat',
  'trunc',
  'trim',
  'replace',
  'regexReplaceAll',
  'regexFind',
  'regexMatch',
  'regexSplit',
  'splitList',
  'split',
  'join',
  'b64enc',
  'b64dec',
  'add',
  'add1',
  'sub',
  'mul',
  'div',
  'mod',
  'max',
  'min',
  'len',
  'index',
  'slice',
  'first',
  'last',
  'rest',
  'append',
  'prepend',
  'concat',
  'uniq',
  'sortAlpha',
  'reverse',
  'keys',
  'values',
  'hasKey',
  'toString',
  'toStrings',
  'int',
  'int64',
  'float64',
  'atoi',
  'semver',
  'semverCompare',
  'tpl',
  'include',
  'required',
  'fail',
  'lookup',
  'sha256sum',
  'ternary',
  'coalesce',
  'empty',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'and',
  'or',
  'not',
  'kindIs',
  'typeOf',
  'contains',
  'hasPrefix',
  'cat',
  'wrap',
  'nospace',
  'camelcase',
  'snakecase',
  'duration',
  'toDate',
  'date',
  'dig',
  'pluck',
  'compact',
  'without',
  'has',
  'mustRegexReplaceAll',
  'fromJsonArray',
  'urlParse',
  'html',
  'js',
  'call',
];

const NAMES = ['"a"', '"b"', '"t.helper"', '"missing"'];

const field = fc.constantFrom(
  '.',
  '$',
  '.Values',
  '.Values.a',
  '.Values.b',
  '.Values.items',
  '.Values.a.b.c',
  '.Values.n',
  '.Release.Name',
  '.Release.Namespace',
  '.Chart.Name',
  '.Capabilities.KubeVersion.Version',
  '.Template.Name',
  '.Files',
  '$.Values',
  '.builtin.cluster.name',
  '.builtin.controlPlane.replicas',
  '.region',
  '.zones',
  '$x',
  '$v',
  '$i',
  '.a',
  '.x.y',
);

const literal = fc.oneof(
  fc.integer({ min: -2, max: 40 }).map(String),
  fc.constantFrom('0', '1e9', '100000', '3.5', '-1', 'true', 'false', 'nil', '0x10', "'a'"),
  nasty.map((s) => JSON.stringify(s)),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"%s"', '"%v-%d"', '"%*d"', '"(a+)+$"', '"[a-"', '"{{ .Values.a }}"', '"x: [1"'),
);

/** A pipeline: a field, literal or call, optionally piped into more calls. */
export const pipeline = fc.letrec((tie) => ({
  term: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { weight: 3, arbitrary: field },
    { weight: 2, arbitrary: literal },
    { weight: 3, arbitrary: tie('call') },
    { weight: 1, arbitrary: tie('pipe').map((p) => `(${p})`) },
  ),
  call: fc
    .tuple(fc.constantFrom(...FUNCS), fc.array(tie('term'), { maxLength: 3 }))
    .map(([f, args]) =>
      f === 'include' || f === 'template' ? `include ${NAMES[0]} ${args[0] ?? '.'}` : [f, ...args].join(' '),
    ),
  pipe: fc
    .tuple(
      tie('term'),
      fc.array(fc.tuple(fc.constantFrom(...FUNCS), fc.array(tie('term'), { maxLength: 2 })), {
        maxLength: 2,
      }),
    )
    .map(([head, rest]) => [head, ...rest.map(([f, a]) => [f, ...a].join(' '))].join(' | ')),
})).pipe;

const trim = fc.constantFrom(['{{ ', ' }}'], ['{{- ', ' -}}'], ['{{', '}}'], ['{{- ', ' }}']);

/** A template body: text and actions, nested blocks up to a small depth. */
export const body = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    {
      weight: 4,
      arbitrary: fc.constantFrom('a: ', 'b: ', '\n', '\n  ', '- ', 'x', '---\n', 'kind: ConfigMap\n'),
    },
    { weight: 5, arbitrary: fc.tuple(trim, pipeline).map(([[o, c], p]) => `${o}${p}${c}`) },
    { weight: 1, arbitrary: fc.tuple(trim, pipeline).map(([[o, c], p]) => `${o}$x := ${p}${c}`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('if', 'with', 'range', 'range $i, $v :='),
          pipeline,
          tie('body'),
          fc.option(tie('body')),
        )
        .map(([kw, p, t, e]) => {
          const inner = kw.startsWith('range') && t === '' ? '{{ if $i }}{{ break }}{{ end }}' : t;
          return `{{ ${kw} ${p} }}${inner}${e === null ? '' : `{{ else }}${e}`}{{ end }}`;
        }),
    },
    { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((n) => `{{ template ${n} . }}`) },
    { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((n) => `{{ include ${n} . | nindent 2 }}`) },
    { weight: 1, arbitrary: fc.constantFrom('{{/* c */}}', '{{ .Values.a }}', '{{ $x = 2 }}') },
  ),
  body: fc.array(tie('node'), { maxLength: 5 }).map((ns) => ns.join('')),
})).body;

// Every body declares the variables the grammar uses (a define has a scope of its own).
const VARS = '{{- $x := .Values }}{{- $v := 1 }}{{- $i := 0 }}';

/** Named templates: `define` blocks that may call each other (and themselves). */
export const defines = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...NAMES.slice(0, 3)), body), { maxLength: 3, selector: ([n]) => n })
  .map((ds) => ds.map(([n, b]) => `{{ define ${n} }}${VARS}${b}{{ end }}`).join('\n'));

const HEADER = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fuzz\n';

/**
 * A whole template file: an object whose data is the body's output (through a define, quoted),
 * or the body as raw YAML after a header; sometimes mutated as text.
 */
const file = fc
  .tuple(body, fc.boolean())
  .map(([b, raw]) =>
    raw
      ? `${VARS}${HEADER}${b}`
      : `{{ define "fuzz.body" }}${VARS}${b}{{ end }}${HEADER}data:\n  v: {{ include "fuzz.body" . | quote }}\n`,
  );

export const templateText = fc.oneof(
  { weight: 5, arbitrary: file },
  { weight: 1, arbitrary: mutated(file, 3) },
);

/** A chart's two template files: the main one and the helpers with the defines. */
export const chartFiles = fc.record({ main: templateText, helpers: defines });
