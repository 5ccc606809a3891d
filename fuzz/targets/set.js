// `--set`, `--set-string`, `--set-json`, `--set-literal` strings through Helm's strvals parser
// and the merge of the flags (what `template` does before rendering).
import fc from 'fast-check';
import { key, mutated, nasty } from '../gen/common.js';

const segment = fc.oneof(
  { weight: 5, arbitrary: key.map((k) => k.replace(/[.,=[\]\\]/g, '')).filter((k) => k !== '') },
  {
    weight: 2,
    arbitrary: fc.tuple(key, fc.constantFrom(0, 1, 2, 5, 64, 65536, 99999, -1)).map(([k, i]) => `${k}[${i}]`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'a\\.b', 'a[0][1]', '[0]', 'a]', 'a[', 'a[x]', '__proto__', 'constructor'),
  },
);

const keyPath = fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join('.'));

const value = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 2, arbitrary: fc.integer().map(String) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom('a', '1', 'x y', ''), { maxLength: 4 })
      .map((l) => `{${l.join(',')}}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"a":1}',
      '[1,2]',
      '"s"',
      'null',
      '{',
      '[[[[',
      '1e+23',
      '\\,',
      'a\\',
      '{a,{b}}',
    ),
  },
);

const assignment = fc.tuple(keyPath, fc.constantFrom('=', '=', '=', '', '=='), value).map((p) => p.join(''));
const setText = fc.oneof(
  { weight: 6, arbitrary: fc.array(assignment, { minLength: 1, maxLength: 4 }).map((a) => a.join(',')) },
  {
    weight: 2,
    arbitrary: mutated(fc.array(assignment, { minLength: 1, maxLength: 3 }).map((a) => a.join(','))),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  // depth: a.a.a... and l[0][0]... towards the limits
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }).map((n) => `${Array(n).fill('a').join('.')}=1`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }).map((n) => `l${'[0]'.repeat(n)}=1`) },
);

const flag = fc.constantFrom('values', 'values', 'stringValues', 'jsonValues', 'literalValues');

export const setTarget = {
  name: 'set',
  weight: 835,
  arbitrary: fc.array(fc.tuple(flag, setText), { minLength: 1, maxLength: 4 }),
  run(input, env) {
    const flags = {};
    for (const [f, text] of input) {
      flags[f] ??= [];
      flags[f].push(text);
    }
    const { lib } = env;
    try {
      lib.mergeValueFlags(flags, (path) => {
        throw new lib.ClustermintError('UNREADABLE', `open ${path}: no such file or directory`);
      });
    } catch (e) {
      if (e instanceof lib.StrvalsError || e instanceof lib.ClustermintError) return undefined;
      throw e;
    }
    return undefined;
  },
};
