/**
 * Helm's strvals (--set, --set-string, --set-json, --set-file, --set-literal) and MergeValues'
 * order: table tests, and a differential part against `helm template` of a chart whose
 * template prints `toJson .Values`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGoTemplate } from '../../../src/render/gotemplate/index.js';
import { helmFunctions } from '../../../src/render/helm/functions.js';
import { mergeValueFlags, type ValueFlags } from '../../../src/render/helm/strvals.js';
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
