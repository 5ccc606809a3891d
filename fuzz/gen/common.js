// Shared generators: scalars that stress parsers (huge and inexact integers, control bytes,
// template and YAML syntax in strings), JSON-like trees, YAML text and text mutations.
import fc from 'fast-check';
import jsyaml from 'js-yaml';

/** Strings that have broken parsers before, or that sit on a limit. */
export const NASTY = [
  '',
  ' ',
  '0',
  '-1',
  '1e+23',
  '99999999999999999999999',
  '9007199254740993',
  '2147483648',
  '-0',
  '0x1F',
  '0o17',
  '1_000',
  '.inf',
  '.nan',
  'NaN',
  'Infinity',
  'null',
  '~',
  'true',
  'yes',
  'off',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '{{',
  '}}',
  '{{ . }}',
  '{{.Values}}',
  '{{this}}',
  '$' + '{x}', // a shell-style placeholder, literally
  '$(x)',
  '\u001b[31mred\u001b[0m',
  '\u001b]0;title\u0007',
  '\u0000',
  '\u0007',
  '\r\n',
  '\t',
  '\ufeff',
  '\ud800',
  '\uffff',
  '𝔘𝔫𝔦',
  'é',
  '../../etc',
  '/dev/zero',
  'a..b',
  'a.b.c',
  'a[0]',
  'a[65536]',
  'a[-1]',
  '\\',
  '\\,',
  '"',
  "'",
  '`',
  '&a',
  '*a',
  '<<',
  '!!binary',
  '- x',
  ': x',
  '# c',
  '%YAML 1.2',
  '---',
  '...',
  '|',
  '>',
  '@',
  '[]',
  '{}',
  '[[]]',
  '{"a":1}',
  'aws-standalone-cp',
  'simulated-standalone-cp',
  'team-a',
  'team-b',
  'kube-system',
  'eu-central-1',
  'v1.31.2',
  'v1.33.4+k0s.0',
];

export const nasty = fc.constantFrom(...NASTY);

/** A short key: mostly plausible names, sometimes nasty ones. */
export const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c', 'name', 'items', 'spec', 'config', 'x', 'y', 'n') },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,8}$/) },
  { weight: 1, arbitrary: nasty },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

export const bigNumber = fc.constantFrom(
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 53,
  2 ** 53 + 2,
  1e23,
  -1e300,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
  0.1,
  -0,
);

/** Scalars, the extreme ones rare: one in a tree is enough to stop most inputs early. */
export const scalar = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: -3, max: 12 }) },
  { weight: 2, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
  { weight: 1, arbitrary: bigNumber },
  { weight: 2, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 8, arbitrary: fc.boolean() },
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 16, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 12,
    arbitrary: fc.constantFrom('a', 'x', 'eu-central-1', 't3.large', 'v1.31.2', 'local-a', 'team-a'),
  },
  { weight: 6, arbitrary: nasty },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);

/** The value one time in `every`, else null (fc.option's freq counts the other way). */
export function sometimes(arb, every) {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

/** A JSON-like tree: objects, arrays and scalars, `depth` levels at most. */
export function tree(depth = 4, maxKeys = 5) {
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: depth, withCrossShrink: true },
      { weight: 4, arbitrary: scalar },
      { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: maxKeys }) },
      { weight: 3, arbitrary: fc.dictionary(key, tie('value'), { maxKeys }) },
    ),
  }));
  return value;
}

/** An object tree (the top of a values file, a spec.config). */
export function objectTree(depth = 4, maxKeys = 6) {
  return fc.dictionary(key, tree(depth - 1, maxKeys), { maxKeys });
}

/** Pieces inserted into text: YAML, template and JSON syntax, control bytes. */
const PIECES = [
  ...NASTY,
  '\n',
  '\n  ',
  '\n- ',
  ': ',
  '&a ',
  '*a',
  '<<: *a',
  '!!str ',
  '!!int ',
  '!!map ',
  '!!set ',
  '!!omap ',
  '!custom ',
  '? ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '\\u0000',
  '\\x1b',
  '\u0085',
  '\u2028',
  '{{-',
  '-}}',
  '{{end}}',
  '{{/if}}',
  '(',
  ')',
];

/**
 * A text with a few edits: insertions of syntax pieces, deletions and duplications of a slice.
 * Shrinks towards the text as given (fewer edits).
 */
export function mutated(textArb, maxEdits = 4) {
  const edit = fc.record({
    kind: fc.constantFrom('insert', 'insert', 'delete', 'duplicate', 'random'),
    at: fc.nat({ max: 0xffff }),
    len: fc.integer({ min: 1, max: 24 }),
    piece: fc.constantFrom(...PIECES),
    random: fc.string({ unit: 'binary', maxLength: 6 }),
  });
  return fc
    .tuple(textArb, fc.array(edit, { maxLength: maxEdits }))
    .map(([text, edits]) => edits.reduce(applyEdit, text));
}

function applyEdit(text, e) {
  const at = text.length === 0 ? 0 : e.at % (text.length + 1);
  switch (e.kind) {
    case 'insert':
      return text.slice(0, at) + e.piece + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + e.len);
    case 'duplicate':
      return text.slice(0, at + e.len) + text.slice(at, at + e.len) + text.slice(at + e.len);
    default:
      return text.slice(0, at) + e.random + text.slice(at);
  }
}

/** YAML text of a value, in block or flow style. */
export function yamlOf(value, flow = false) {
  return jsyaml.dump(value, { flowLevel: flow ? 0 : -1, noRefs: true, lineWidth: -1 });
}

/** YAML documents for a value: mostly its dump, sometimes mutated, sometimes with anchors. */
export function yamlText(valueArb) {
  return fc.oneof(
    { weight: 5, arbitrary: valueArb.map((v) => yamlOf(v)) },
    { weight: 1, arbitrary: valueArb.map((v) => yamlOf(v, true)) },
    { weight: 3, arbitrary: mutated(valueArb.map((v) => yamlOf(v))) },
    { weight: 1, arbitrary: anchored(valueArb) },
  );
}

/** Aliases and merge keys over a value's dump: anchors on the first keys, aliases after. */
function anchored(valueArb) {
  return fc.tuple(valueArb, fc.integer({ min: 1, max: 6 }), fc.boolean()).map(([v, copies, merge]) => {
    const body = yamlOf({ base: v })
      .replace(/^base:/m, 'base: &a')
      .trimEnd();
    const refs = Array.from({ length: copies }, (_, i) =>
      merge ? `m${i}:\n  <<: *a\n  extra: ${i}` : `r${i}: *a`,
    );
    return `${body}\n${refs.join('\n')}\n`;
  });
}
