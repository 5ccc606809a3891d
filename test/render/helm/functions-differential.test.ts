/**
 * Differential test of Helm's function map: fast-check generated expressions and values,
 * rendered by our engine (helmFunctions(), missingkey=zero, `<no value>` dropped as Helm does)
 * and by the real `helm template` on a one-template chart. Each expression sits on its own
 * line, its output base64-encoded so that any text is a YAML comment; one helm run checks
 * hundreds. When Helm fails, its error (naming the line) must be ours too; that line is then
 * dropped and the rest run again. Functions whose output depends on the clock or randomness
 * are left out, but for their shape (see functions.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GoTemplateError, parseGoTemplate } from '../../../src/render/gotemplate/index.js';
import { helmFunctions } from '../../../src/render/helm/functions.js';
import { findHelm } from '../../helpers/helm.js';
import { type HelmResult, helmTemplate, TEMPLATE_NAME } from './helm-reference.js';

const helmBin = findHelm('the Helm function differential test');

function renderOurs(template: string, values: unknown): HelmResult {
  try {
    const t = parseGoTemplate(template, { name: TEMPLATE_NAME, funcs: helmFunctions(), missingKey: 'zero' });
    const out = t.execute({ Values: values }).replaceAll('<no value>', '');
    return { output: out };
  } catch (e) {
    if (e instanceof GoTemplateError) return { error: e.message };
    throw e;
  }
}

function firstDifference(a: string, b: string): [string, string] {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return [a.slice(Math.max(0, i - 40), i + 40), b.slice(Math.max(0, i - 40), i + 40)];
}

/** The value an expression reads (for the report of a difference). */
function exprInput(e: string, values: unknown): unknown {
  const m = /\.Values\.(v\d+)/.exec(e);
  return m ? (values as Record<string, unknown>)[m[1]] : undefined;
}

const BEGIN = '# begin';
const END = '# end';

/** The template: each expression's output as base64 on a comment line of its own. */
function templateOf(exprs: readonly string[]): string {
  return [BEGIN, ...exprs.map((e, i) => `# ${i}: {{ ${e} | toString | b64enc }}`), END, ''].join('\n');
}

/** The lines between the markers, decoded. */
function linesOf(out: string): string[] {
  const lines = out.split('\n');
  const from = lines.indexOf(BEGIN);
  const to = lines.indexOf(END);
  return lines.slice(from + 1, to).map((l) => {
    const m = /^# (\d+): (.*)$/.exec(l);
    return m ? `${m[1]}: ${Buffer.from(m[2], 'base64').toString('utf8')}` : `?? ${l}`;
  });
}

/**
 * Runs both engines over the expressions; returns the differences. A line Helm fails on is
 * compared by error text, then dropped (at most `maxErrors` times).
 */
function compare(exprs: string[], values: unknown, maxErrors = 40): string[] {
  const diffs: string[] = [];
  let live = exprs.map((e, i) => ({ e, i }));
  for (let round = 0; round <= maxErrors && live.length; round++) {
    const template = templateOf(live.map((x) => x.e));
    const theirs = helmTemplate(helmBin!, template, values);
    const ours = renderOurs(template, values);
    if ('error' in theirs) {
      const m = new RegExp(`${TEMPLATE_NAME.replaceAll('/', '\\/')}:(\\d+):`).exec(theirs.error);
      const line = m ? Number(m[1]) - 2 : -1;
      const bad = live[line];
      if (!bad) {
        diffs.push(`helm failed outside an expression: ${theirs.error}`);
        return diffs;
      }
      if (!('error' in ours) || ours.error !== theirs.error) {
        diffs.push(`${bad.e}\n  helm: ${theirs.error}\n  ours: ${JSON.stringify(ours).slice(0, 2000)}`);
      }
      live = live.filter((x) => x !== bad);
      continue;
    }
    if ('error' in ours) {
      diffs.push(`ours failed, helm did not: ${ours.error}`);
      return diffs;
    }
    const a = linesOf(theirs.output).map(knownDifferences);
    const b = linesOf(ours.output).map(knownDifferences);
    a.forEach((line, k) => {
      if (line !== b[k])
        diffs.push(
          `${live[k].e} ${JSON.stringify(exprInput(live[k].e, values))}\n  helm: ${JSON.stringify(line)}\n  ours: ${JSON.stringify(b[k])}\n  first difference: ${JSON.stringify(firstDifference(line, b[k] ?? ''))}`,
        );
    });
    return diffs;
  }
  return diffs;
}

/**
 * Known differences: YAML syntax errors are worded by the `yaml` package, not by go-yaml v2
 * (fromYaml puts the text under "Error"); that there is an error must agree. fromYaml of
 * arbitrary text is not generated: the `yaml` package and go-yaml v2 disagree on some
 * malformed documents (and on U+2028/U+0085 line breaks), so only toYaml output is read back.
 */
const knownDifferences = (line: string): string =>
  line
    .replace(
      /error converting YAML to JSON: yaml: (?:[^"\\]|\\.)*/g,
      'error converting YAML to JSON: yaml: ...',
    )
    .replace(/invalid character '(?:[^'\x00-\x7f]|\\\\u00a0)+'/g, "invalid character '?'");

// ---------------------------------------------------------------------------------------------
// Generators

const CHARS = [...'abcxyzAZ019 _-.:#,[]{}&*!|>\'"%@`?=~/\\', '\n', '\t', 'é', 'ß', '😀', '\u00a0', '\u0001'];
const SPECIAL_STRINGS = [
  '',
  ' ',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'true',
  'null',
  '~',
  '1',
  '-1',
  '+1',
  '0755',
  '08',
  '0x1F',
  '0o17',
  '0b101',
  '1_000',
  '1e3',
  '1.5',
  '.5',
  '.inf',
  '-.Inf',
  '.nan',
  '1:20',
  '-1:20:30.5',
  '2024-01-01',
  '2024-1-1 10:00:00',
  '2024-02-30',
  '2001-12-14t21:59:43.10-05:00',
  '<<',
  '=',
  '---',
  '...',
  '- a',
  'a: b',
  'a:b',
  '#x',
  'a #x',
  'key:',
  '@x',
  '%x',
  'line\n',
  'line\n\n',
  '\nlead',
  ' lead',
  'trail ',
  'a\n b',
  'a \nb',
  '9223372036854775808',
  '18446744073709551616',
];
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...CHARS), { maxLength: 12 }).map((cs) => cs.join('')) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom('word', 'longer-word', 'x', ' ', '  ', 'sentence', ':', '#'), {
        minLength: 20,
        maxLength: 60,
      })
      .map((ws) => ws.join(' ')),
  },
);
const key = fc.oneof(
  fc.constantFrom(
    'a',
    'b',
    'a1',
    'a10',
    'a9',
    'a01',
    'A',
    '_x',
    '1',
    '10',
    '9',
    '',
    'yes',
    'é',
    'a b',
    'x:y',
  ),
  fc.array(fc.constantFrom(...'ab019_-.'), { minLength: 1, maxLength: 5 }).map((cs) => cs.join('')),
);
const number = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    1.5,
    1e6,
    1234567.5,
    1e21,
    1e20,
    1e-7,
    0.000001,
    0.0001,
    2 ** 53,
    2 ** 63,
    2 ** 64,
    1e100,
    -2.5e-10,
  ),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** Expressions over `.Values.vN` (N < count) and literals. */
function expression(count: number): fc.Arbitrary<string> {
  const v = fc.nat(count - 1).map((i) => `.Values.v${i}`);
  const s = fc.nat(count - 1).map((i) => `(toString .Values.v${i})`);
  const unix = fc.constantFrom('0', '1700000000', '951782400', '-1', '4102444800', '(int64 1234567890)');
  const zone = fc.constantFrom('"UTC"', '"America/New_York"', '"Local"', '""', '"Bogus/Zone"');
  const layout = fc.constantFrom(
    '"2006-01-02"',
    '"2006-01-02T15:04:05Z07:00"',
    '"Mon Jan _2 15:04:05 MST 2006"',
    '"3:04PM .000 .999 ,9 -0700 -07 Z0700 002 __2 pm"',
    '"January 2, 06 Monday"',
    '"no layout"',
  );
  const durationText = fc.constantFrom(
    '"1h30m"',
    '"90"',
    '"2.5"',
    '" 1m "',
    '""',
    '"x"',
    '"-1.5h"',
    '"1e3"',
    '"inf"',
    '"1us"',
    '"300ms"',
    '"9223372037"',
  );
  const durationArg = fc.oneof(
    durationText,
    fc.constantFrom('90', '-5', '2.5', '(int64 3)', 'nil', '(list 1)', '(mustToDuration "2h13m")', '1e300'),
    v,
  );
  return fc.oneof(
    v.map((x) => `toYaml ${x}`),
    v.map((x) => `toJson ${x}`),
    v.map((x) => `mustToJson ${x}`),
    fc.tuple(key, v).map(([k, x]) => `toYaml (dict ${JSON.stringify(k)} ${x} "z" (list ${x} ${x}))`),
    v.map((x) => `fromYaml (toYaml ${x}) | toJson`),
    v.map((x) => `fromJson (toJson ${x}) | toJson`),
    v.map((x) => `fromYamlArray (toYaml ${x}) | toJson`),
    v.map((x) => `fromJsonArray (toJson ${x}) | toJson`),
    s.map((x) => `fromJson ${x} | toJson`),
    s.map((x) => `fromJsonArray ${x} | toJson`),
    fc.tuple(layout, unix).map(([l, u]) => `date ${l} ${u}`),
    fc.tuple(layout, unix, zone).map(([l, u, z]) => `dateInZone ${l} ${u} ${z}`),
    fc.tuple(unix, zone).map(([u, z]) => `htmlDateInZone ${u} ${z}`),
    unix.map((u) => `htmlDate ${u}`),
    fc.tuple(durationArg).map(([d]) => `duration ${d}`),
    durationArg.map((d) => `durationRound ${d}`),
    fc
      .tuple(
        fc.constantFrom(
          'durationSeconds',
          'durationMilliseconds',
          'durationMicroseconds',
          'durationNanoseconds',
          'durationMinutes',
          'durationHours',
          'durationDays',
          'durationWeeks',
        ),
        durationArg,
      )
      .map(([f, d]) => `${f} ${d}`),
    fc
      .tuple(fc.constantFrom('durationRoundTo', 'durationTruncateTo'), durationArg, durationArg)
      .map(([f, a, b]) => `${f} ${a} ${b}`),
    durationArg.map((d) => `mustToDuration ${d}`),
    fc
      .tuple(
        fc.constantFrom('"2006-01-02"', '"2006-01-02 15:04"', '"2006-01-02T15:04:05Z07:00"'),
        fc.constantFrom('"2024-03-10"', '"2024-03-10 02:30"', '"2024-03-10T02:30:00+05:30"', '"bad"'),
      )
      .map(([l, t]) => `toDate ${l} ${t} | unixEpoch`),
    fc
      .constantFrom('"1h"', '"-30m"', '"bad"', '"1.5h"')
      .map((d) => `toDate "2006" "2020" | dateModify ${d} | date "2006-01-02 15:04:05" `),
    fc.tuple(text).map(([t]) => `getHostByName ${JSON.stringify(t)}`),
  );
}

const VALUE_COUNT = 12;
/** A fixed seed unless HELM_DIFF_SEED is given (to explore). */
const SEED = Number(process.env.HELM_DIFF_SEED ?? 20260501);

describe.skipIf(!helmBin)('Helm functions against helm template', () => {
  it('agrees on generated expressions', () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: VALUE_COUNT, maxLength: VALUE_COUNT }),
        fc.array(expression(VALUE_COUNT), { minLength: 150, maxLength: 150 }),
        (vals, exprs) => {
          const values = Object.fromEntries(vals.map((v, i) => [`v${i}`, v]));
          expect(compare(exprs, values)).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.HELM_DIFF_RUNS ?? 6), endOnFailure: true, seed: SEED },
    );
  }, 120_000);
});
