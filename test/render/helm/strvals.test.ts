/**
 * Helm's strvals (--set, --set-string, --set-json, --set-file, --set-literal) and MergeValues'
 * order: table tests, and a differential part against `helm template` of a chart whose
 * template prints `toJson .Values`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGoTemplate } from '../../../src/render/gotemplate/index.js';
import { helmFunctions } from '../../../src/render/helm/functions.js';
import { mergeValueFlags, StrvalsError, type ValueFlags } from '../../../src/render/helm/strvals.js';
import { findHelm } from '../../helpers/helm.js';
import { helmTemplate } from './helm-reference.js';

const files: Record<string, string> = {
  'f1.txt': 'file one\n',
  'v.yaml': 'a: {b: 1}\nl: [1]\n---\nc: yes\n',
};
const readFile = (p: string): string => {
  const name = p.replace(/^.*\//, '');
  if (!Object.hasOwn(files, name)) throw new Error(`open ${p}: no such file or directory`);
  return files[name];
};

/** Our values as Helm's template prints them with toJson. */
function oursJson(flags: ValueFlags): string {
  const values = mergeValueFlags(flags, readFile);
  return parseGoTemplate('{{ toJson .Values }}', { funcs: helmFunctions() }).execute({ Values: values });
}

describe('strvals', () => {
  const cases: [ValueFlags, string][] = [
    [
      { values: ['a=1,b=true,c=FALSE,d=null,e=0,f=01,g=+5,h=-0,i=1.5,j=9223372036854775808'] },
      '{"a":1,"b":true,"c":false,"d":null,"e":0,"f":"01","g":5,"h":0,"i":"1.5","j":"9223372036854775808"}',
    ],
    [{ values: ['a.b[1].c=x', 'a.b[0]=y'] }, '{"a":{"b":["y",{"c":"x"}]}}'],
    [{ values: ['l={a,1,true}', 'k\\.dotted=x\\,y', 'e='] }, '{"e":"","k.dotted":"x,y","l":["a",1,true]}'],
    [{ stringValues: ['n=3,b=true'] }, '{"b":"true","n":"3"}'],
    [
      { jsonValues: ['a={"x":[1,2.5]},b=null', '{"c":{"d":true}}'] },
      '{"a":{"x":[1,2.5]},"b":null,"c":{"d":true}}',
    ],
    [{ literalValues: ['a.b=x,y=z\\n'] }, '{"a":{"b":"x,y=z\\\\n"}}'],
    [{ fileValues: ['f=f1.txt'] }, '{"f":"file one\\n"}'],
    [
      { valueFiles: ['v.yaml'], values: ['a.c=2'], stringValues: ['a.b=s'] },
      '{"a":{"b":"s","c":2},"c":true,"l":[1]}',
    ],
  ];
  it.each(cases)('%j', (flags, json) => {
    expect(oursJson(flags)).toBe(json);
  });

  const errors: [ValueFlags, string][] = [
    [{ values: ['novalue'] }, 'failed parsing --set data: key "novalue" has no value'],
    [{ values: ['a,b=1'] }, 'failed parsing --set data: key "a" has no value (cannot end with ,)'],
    [
      { values: ['a[65537]=1'] },
      'failed parsing --set data: index of 65537 is greater than maximum supported index of 65536',
    ],
    [{ values: ['a[-1]=1'] }, 'failed parsing --set data: negative -1 index not allowed'],
    [
      { values: ['a[x]=1'] },
      'failed parsing --set data: error parsing index: strconv.Atoi: parsing "x": invalid syntax',
    ],
    [
      { values: ['a=1', 'a.b=2'] },
      'failed parsing --set data: unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}',
    ],
    [{ values: ['a={1,2'] }, "failed parsing --set data: list must terminate with '}'"],
    [
      { values: [`${'a.'.repeat(31)}b=1`] },
      'failed parsing --set data: value name nested level is greater than maximum supported nested level of 30',
    ],
    [{ jsonValues: ['a={x'] }, 'failed parsing --set-json data a={x'],
    [{ jsonValues: ['{"a":'] }, 'failed parsing --set-json data JSON: {"a":'],
  ];
  it.each(errors)('%j fails', (flags, message) => {
    expect(() => mergeValueFlags(flags, readFile)).toThrow(message);
  });
});

describe('strvals limits of ours (Helm has none)', () => {
  const deep = (n: number) => `l${'[0]'.repeat(n)}=1`;

  it('a path nests at most 100 maps and lists, names and indices together', () => {
    expect(oursJson({ values: [deep(100)] })).toBe(`{"l":${'['.repeat(100)}1${']'.repeat(100)}}`);
    const message = 'value nests deeper than the maximum of 100 levels';
    expect(() => mergeValueFlags({ values: [deep(101)] }, readFile)).toThrow(
      `failed parsing --set data: ${message}`,
    );
    // Helm's 30 counts only names: a list between them resets nothing here
    expect(() => mergeValueFlags({ values: [`${'a[0].'.repeat(60)}b=1`] }, readFile)).toThrow(message);
    expect(() => mergeValueFlags({ literalValues: [`${'a[0].'.repeat(60)}b=1`] }, readFile)).toThrow(
      `failed parsing --set-literal data: ${message}`,
    );
    expect(() => mergeValueFlags({ jsonValues: [deep(5000)] }, readFile)).toThrow(
      `failed parsing --set-json data: ${message}`,
    );
  });

  it('5,000 levels are an error, not a stack overflow', () => {
    expect(() => mergeValueFlags({ values: [deep(5000)] }, readFile)).toThrow(StrvalsError);
    expect(() => mergeValueFlags({ stringValues: [`${'a[0].'.repeat(5000)}b=1`] }, readFile)).toThrow(
      StrvalsError,
    );
  });

  it('the list items that indices create are bounded across all the flags', () => {
    const big = (i: number) => `l${i}[65536]=1`;
    // 15 such lists fit in 1,048,576 items; the same list set again creates none
    const fifteen = Array.from({ length: 15 }, (_, i) => big(i));
    expect(() => mergeValueFlags({ values: [...fifteen, big(0), big(0)] }, readFile)).not.toThrow();
    const before = process.memoryUsage().heapUsed;
    const many = Array.from({ length: 300 }, (_, i) => big(i));
    const message = 'list indices would create over 1,048,576 list items in all';
    expect(() => mergeValueFlags({ values: many }, readFile)).toThrow(
      `failed parsing --set data: ${message}`,
    );
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(256 * 1024 * 1024);
    // one budget for every kind of value flag, and for several assignments in one flag
    expect(() =>
      mergeValueFlags(
        { values: fifteen.slice(0, 8), stringValues: [fifteen.slice(8).join(','), big(99)] },
        readFile,
      ),
    ).toThrow(`failed parsing --set-string data: ${message}`);
    expect(() => mergeValueFlags({ jsonValues: [...fifteen, 'j[65536]=1'] }, readFile)).toThrow(
      `failed parsing --set-json data: ${message}`,
    );
    expect(() => mergeValueFlags({ values: [`n${'[65536]'.repeat(20)}=1`] }, readFile)).toThrow(message);
  });
});

const helmBin = findHelm('the strvals differential test');

describe.skipIf(!helmBin)('strvals against helm template', () => {
  const keyPart = fc.constantFrom(
    'a',
    'b',
    'c',
    'x.y',
    'a\\.b',
    'l[0]',
    'l[2]',
    'm[1].n',
    'l[0][1]',
    'k\\,',
    'a.b',
    'name',
  );
  const valuePart = fc.constantFrom(
    '1',
    '0',
    '01',
    '-3',
    '+4',
    'true',
    'False',
    'null',
    'NULL',
    '',
    'x',
    '1.5',
    'a\\,b',
    '{1,x}',
    '{}',
    '{a}',
    'é',
    ' s ',
    '9223372036854775807',
    '9223372036854775808',
  );
  const assignment = fc.tuple(keyPart, valuePart).map(([k, v]) => `${k}=${v}`);
  const setArg = fc.array(assignment, { minLength: 1, maxLength: 4 }).map((as) => as.join(','));
  const jsonValue = fc.constantFrom('1', '"s"', '{"q":[1,null]}', '[true]', 'null', '', '2.50');
  const jsonArg = fc.tuple(keyPart, jsonValue).map(([k, v]) => `${k}=${v}`);
  const flags = fc.record({
    values: fc.array(setArg, { maxLength: 3 }),
    stringValues: fc.array(setArg, { maxLength: 2 }),
    jsonValues: fc.array(jsonArg, { maxLength: 2 }),
    literalValues: fc.array(assignment, { maxLength: 2 }),
  });

  it('gives the values helm template prints', () => {
    fc.assert(
      fc.property(flags, (f) => {
        const args = [
          ...f.jsonValues.flatMap((v) => ['--set-json', v]),
          ...f.values.flatMap((v) => ['--set', v]),
          ...f.stringValues.flatMap((v) => ['--set-string', v]),
          ...f.literalValues.flatMap((v) => ['--set-literal', v]),
        ];
        const theirs = helmTemplate(helmBin!, '# {{ toJson .Values | b64enc }}\n', {}, args);
        let ours: { output: string } | { error: string };
        try {
          ours = { output: oursJson(f) };
        } catch (e) {
          ours = { error: (e as Error).message };
        }
        if ('error' in theirs) {
          expect('error' in ours ? ours.error : ours).toBe(theirs.error);
        } else {
          const printed = Buffer.from(theirs.output.replace(/^# /, ''), 'base64').toString('utf8');
          expect('output' in ours ? ours.output : ours).toBe(printed);
        }
      }),
      { numRuns: Number(process.env.HELM_DIFF_RUNS ?? 40) },
    );
  }, 120_000);
});
