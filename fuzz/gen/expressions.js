// CEL (ClusterClass variable rules) and JMESPath (kyverno-json policies) expressions from small
// grammars: field access, literals, macros and functions, operators, with growth (replace,
// repeat, nested all/exists) among the choices.
import fc from 'fast-check';

const CEL_FIELDS = [
  'self',
  'self.a',
  'self.b',
  'self.items',
  'oldSelf',
  'self.n',
  'x',
  'y',
  'self[0]',
  "self['a']",
];
const CEL_LITERALS = [
  '1',
  '0',
  '-1',
  '1000000',
  '9223372036854775807',
  '1.5',
  'true',
  'false',
  'null',
  "'a'",
  "'ab'",
  '""',
  "b'x'",
  '[1, 2, 3]',
  "['a', 'b']",
  "{'a': 1}",
  '2u',
  'duration("1s")',
  'timestamp("2024-01-01T00:00:00Z")',
];

/** A CEL expression. */
export const cel = fc.letrec((tie) => ({
  atom: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { weight: 3, arbitrary: fc.constantFrom(...CEL_FIELDS) },
    { weight: 2, arbitrary: fc.constantFrom(...CEL_LITERALS) },
    { weight: 2, arbitrary: tie('expr').map((e) => `(${e})`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(tie('atom'), fc.constantFrom('all', 'exists', 'exists_one', 'map', 'filter'), tie('expr'))
        .map(([r, m, p]) => `${r}.${m}(x, ${p})`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          tie('atom'),
          fc.constantFrom(
            'size',
            'contains',
            'startsWith',
            'endsWith',
            'matches',
            'replace',
            'split',
            'join',
            'lowerAscii',
            'upperAscii',
            'trim',
            'substring',
            'indexOf',
            'format',
            'isSorted',
            'sum',
            'min',
            'max',
          ),
          fc.array(tie('atom'), { maxLength: 2 }),
        )
        .map(([r, f, a]) => `${r}.${f}(${a.join(', ')})`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'size',
            'has',
            'int',
            'string',
            'double',
            'type',
            'dyn',
            'quantity',
            'url',
            'isURL',
          ),
          tie('atom'),
        )
        .map(([f, a]) => `${f}(${a})`),
    },
  ),
  expr: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { weight: 3, arbitrary: tie('atom') },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          tie('atom'),
          fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '&&', '||', 'in'),
          tie('atom'),
        )
        .map(([a, o, b]) => `${a} ${o} ${b}`),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(tie('atom'), tie('atom'), tie('atom')).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
    },
    { weight: 1, arbitrary: tie('atom').map((a) => `!${a}`) },
  ),
})).expr;

const JP_FIELDS = [
  '@',
  'a',
  'b',
  'items',
  'spec',
  'spec.values',
  'metadata.name',
  'n',
  '$team',
  '$teamLabels',
  '$namespace',
  '"quoted key"',
  'foo[0]',
  'foo[-1]',
  'foo[*]',
  'foo[]',
  'foo[::-1]',
  'foo[1:3]',
  '*',
];
const JP_LITERALS = [
  '`1`',
  '`0`',
  '`-1`',
  '`1000000`',
  '`1e23`',
  '`"a"`',
  "'raw'",
  "''",
  '`null`',
  '`true`',
  '`[]`',
  '`{}`',
  '`[1,2,3]`',
  '`{"a":1}`',
  '`"\\u001b[31m"`',
];
const JP_FUNCS = [
  'abs',
  'avg',
  'ceil',
  'contains',
  'ends_with',
  'floor',
  'join',
  'keys',
  'length',
  'map',
  'max',
  'max_by',
  'merge',
  'min',
  'not_null',
  'reverse',
  'sort',
  'sort_by',
  'starts_with',
  'sum',
  'to_array',
  'to_number',
  'to_string',
  'type',
  'values',
  'items',
  'from_items',
  'zip',
  'group_by',
  'find_first',
  'lower',
  'upper',
  'pad_left',
  'pad_right',
  'replace',
  'split',
  'trim',
  'concat',
  'compare',
  'equal_fold',
  'label_match',
  'lookup',
  'parse_json',
  'parse_yaml',
  'pattern_match',
  'regex_match',
  'regex_replace_all',
  'regex_replace_all_literal',
  'replace_all',
  'semver_compare',
  'to_upper',
  'to_lower',
  'trim_prefix',
  'truncate',
  'wildcard',
  'x509_decode',
  'base64_decode',
  'base64_encode',
  'time_parse',
  'time_add',
  'time_since',
  'random',
  'path_canonicalize',
  'object_from_lists',
  'sha256',
  'divide',
  'multiply',
  'add',
  'subtract',
  'modulo',
];

/** A JMESPath expression. */
export const jmespath = fc.letrec((tie) => ({
  atom: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { weight: 3, arbitrary: fc.constantFrom(...JP_FIELDS) },
    { weight: 2, arbitrary: fc.constantFrom(...JP_LITERALS) },
    { weight: 1, arbitrary: tie('expr').map((e) => `(${e})`) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...JP_FUNCS), fc.array(tie('expr'), { maxLength: 3 }))
        .map(([f, a]) => `${f}(${a.join(', ')})`),
    },
    { weight: 1, arbitrary: tie('expr').map((e) => `&${e}`) },
    {
      weight: 1,
      arbitrary: fc.array(tie('expr'), { minLength: 1, maxLength: 3 }).map((a) => `[${a.join(', ')}]`),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(tie('expr'), { minLength: 1, maxLength: 2 })
        .map((a) => `{${a.map((e, i) => `k${i}: ${e}`).join(', ')}}`),
    },
  ),
  expr: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { weight: 3, arbitrary: tie('atom') },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          tie('atom'),
          fc.constantFrom(
            '.',
            ' | ',
            ' || ',
            ' && ',
            ' == ',
            ' != ',
            ' < ',
            ' >= ',
            ' + ',
            ' * ',
            ' / ',
            ' % ',
          ),
          tie('atom'),
        )
        .map(([a, o, b]) => `${a}${o}${b}`),
    },
    { weight: 1, arbitrary: fc.tuple(tie('atom'), tie('expr')).map(([a, p]) => `${a}[?${p}]`) },
    { weight: 1, arbitrary: tie('atom').map((a) => `!${a}`) },
  ),
})).expr;
