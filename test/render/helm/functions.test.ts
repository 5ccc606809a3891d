/**
 * Helm's function map: table tests of exact outputs (the differential test checks them against
 * helm itself) and the shape of the clock and random functions, which it cannot compare.
 */
import { describe, expect, it } from 'vitest';
import { parseGoTemplate } from '../../../src/render/gotemplate/index.js';
import { helmFunctions } from '../../../src/render/helm/functions.js';

const render = (text: string, values: unknown = {}): string =>
  parseGoTemplate(text, { funcs: helmFunctions(), missingKey: 'zero' })
    .execute({ Values: values })
    .replaceAll('<no value>', '');

describe('helmFunctions', () => {
  it.each([
    [
      '{{ toYaml .Values }}',
      { b: [1, 'yes'], a10: 'x: y', a9: 1234567.5 },
      'a9: 1.2345675e+06\na10: \'x: y\'\nb:\n- 1\n- "yes"',
    ],
    ['{{ toYaml .Values.s }}', { s: 'line1\nline2\n' }, '|\n  line1\n  line2'],
    ['{{ toYaml .Values.s }}', { s: 'a\tb😀' }, '"a\\tb\\U0001F600"'],
    ['{{ toYaml (list) }}|{{ toYaml (dict) }}|{{ toYaml nil }}', {}, '[]|{}|null'],
    ['{{ fromYaml "a: [0x1F, yes, 1:20, 0755]" | toJson }}', {}, '{"a":[31,true,"1:20",493]}'],
    [
      '{{ fromYaml "- 1" | toJson }}',
      {},
      '{"Error":"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"}',
    ],
    [
      '{{ fromYamlArray "a: 1" | toJson }}',
      {},
      '["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]',
    ],
    [
      '{{ fromJson "[1]" | toJson }}',
      {},
      '{"Error":"json: cannot unmarshal array into Go value of type map[string]interface {}"}',
    ],
    ['{{ fromJsonArray "[1,\\"<\\"]" | toJson }}', {}, '[1,"\\u003c"]'],
    [
      '{{ mustToDuration "90m" }} {{ durationRoundTo "2h13m" "30m" }} {{ durationSeconds "1m30s" }} {{ durationMilliseconds 2 }}',
      {},
      '1h30m0s 2h0m0s 90 2000',
    ],
    ['{{ durationSeconds "bad" }} {{ durationRoundTo "1h" "bad" }}', {}, '0 1h0m0s'],
    ['{{ duration "95" }} {{ duration 95 }} {{ durationRound "49h" }}', {}, '1m35s 0s 2d'],
    [
      '{{ dateInZone "2006-01-02T15:04:05Z07:00 MST" 1700000000 "America/New_York" }}',
      {},
      '2023-11-14T17:13:20-05:00 EST',
    ],
    ['{{ dateInZone "Jan _2 3:04PM .000" 0 "Bogus/Zone" }}', {}, 'Jan  1 12:00AM .000'],
    ['{{ toDate "2006-01-02T15:04:05Z07:00" "2024-03-10T02:30:00+05:30" | unixEpoch }}', {}, '1710018000'],
    ['{{ getHostByName "example.com" }}', {}, ''],
    ['{{ toJson .Values.m }}', { m: { b: '<&>', a: 1 } }, '{"a":1,"b":"\\u003c\\u0026\\u003e"}'],
  ])('%s', (text, values, out) => {
    expect(render(text, values)).toBe(out);
  });

  it('gives the clock and random functions their shapes', () => {
    expect(render('{{ now | date "2006" }}')).toMatch(/^\d{4}$/);
    expect(render('{{ now | unixEpoch }}')).toMatch(/^\d{10}$/);
    expect(render('{{ randAlphaNum 12 }}')).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(render('{{ randNumeric 5 }}')).toMatch(/^\d{5}$/);
    expect(render('{{ randAlpha 3 }}')).toMatch(/^[A-Za-z]{3}$/);
    expect(render('{{ randAscii 40 }}')).toMatch(/^[\x20-\x7e]{40}$/);
    expect(render('{{ randBytes 6 }}')).toMatch(/^[A-Za-z0-9+/]{8}$/);
    expect(render('{{ uuidv4 }}')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(Number(render('{{ randInt 3 5 }}'))).toBeGreaterThanOrEqual(3);
    expect(render('{{ shuffle "aabbc" }}').split('').sort().join('')).toBe('aabbc');
    expect(render('{{ ago now }}')).toBe('0s');
    expect(render('{{ now | dateModify "-1h" | ago }}')).toBe('1h0m0s');
  });

  it('has no env, expandenv; leaves include, tpl, required, lookup to the engine', () => {
    const map = helmFunctions();
    for (const name of ['env', 'expandenv', 'include', 'tpl', 'required', 'lookup'])
      expect(map[name]).toBeUndefined();
    expect(() => render('{{ toToml .Values }}')).toThrow(/not supported by clustermint/);
  });
});
