import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { goYamlSchema, resolvePlainV2, resolvePlainV3 } from '../../src/go/yaml-scalars.js';
import { parsePolicies } from '../../src/policy/load.js';

describe('go-yaml plain scalars', () => {
  it.each([
    // text, go-yaml v2 (sigs.k8s.io/yaml), go-yaml v3
    ['yes', true, 'yes'],
    ['Y', true, 'Y'],
    ['on', true, 'on'],
    ['Off', false, 'Off'],
    ['n', false, 'n'],
    ['True', true, true],
    ['FALSE', false, false],
    ['~', null, null],
    ['', null, null],
    ['017', 15, 15],
    ['0o17', 15, 15],
    ['0b11', 3, 3],
    ['0x1F', 31, 31],
    ['1_000', 1000, 1000],
    ['+12', 12, 12],
    ['-0b11', -3, -3],
    ['1e3', 1000, 1000],
    ['.5', 0.5, 0.5],
    ['09', 9, 9], // not octal: Go's ParseInt fails, the YAML-style float reads it
    ['1e400', '1e400', '1e400'], // overflows: text
    ['1:30', '1:30', '1:30'],
    ['2024-01-01', '2024-01-01', '2024-01-01'],
    ['0x1p3', '0x1p3', '0x1p3'],
  ])('%j is %j in v2 and %j in v3', (text, v2, v3) => {
    expect(resolvePlainV2('', text).value).toEqual(v2);
    expect(resolvePlainV3('', text).value).toEqual(v3);
  });

  it('leaves quoted and block scalars as text, and `<<` merges', () => {
    const v = jsyaml.load('a: "yes"\nb: |\n  017\nbase: &b {x: on}\nc:\n  <<: *b\n  y: n\n', {
      schema: goYamlSchema('v2', false),
    });
    expect(v).toEqual({ a: 'yes', b: '017\n', base: { x: true }, c: { x: true, true: false } });
    expect(jsyaml.load('x: on\n', { schema: goYamlSchema('v3', false) })).toEqual({ x: 'on' });
  });
});

describe('policy files read as kyverno-json reads them', () => {
  const policy = (check: string) =>
    `apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: p\nspec:\n  rules:\n    - name: r\n      assert:\n        all:\n          - check:\n              ${check}\n`;
  const checkOf = (text: string) =>
    (
      parsePolicies(text, 'p.yaml')[0]!.raw as {
        spec: { rules: { assert: { all: { check: unknown }[] } }[] };
      }
    ).spec.rules[0]!.assert.all[0]!.check;

  it('with YAML 1.1 words and Go integers', () => {
    expect(checkOf(policy('enabled: yes'))).toEqual({ enabled: true });
    expect(checkOf(policy('mode: 0755'))).toEqual({ mode: 493 });
    expect(checkOf(policy('y: 1'))).toEqual({ true: 1 });
    expect(checkOf(policy('v: 09'))).toEqual({ v: 9 });
  });

  it('refuses what JSON cannot hold, at its line and column', () => {
    expect(() => parsePolicies(policy('v: .inf'), 'p.yaml')).toThrow(
      expect.objectContaining({ location: expect.objectContaining({ file: 'p.yaml', line: 11, col: 18 }) }),
    );
    expect(() => parsePolicies(policy('v: 9007199254740993'), 'p.yaml')).toThrow(/out of range/);
    expect(() => parsePolicies(policy('v: 99999999999999999999'), 'p.yaml')).toThrow(/out of range/);
  });
});
