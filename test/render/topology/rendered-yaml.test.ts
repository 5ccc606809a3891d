/**
 * How a rendered `valueFrom.template` output is read: as sigs.k8s.io/yaml's Unmarshal (go-yaml v2)
 * reads it. Expected values were taken from sigs.k8s.io/yaml v1.4.0 into apiextensionsv1.JSON.
 */
import { describe, expect, it } from 'vitest';
import { readRenderedYaml } from '../../../src/render/topology/rendered-yaml.js';

describe('readRenderedYaml (go-yaml v2, first document only)', () => {
  it.each([
    ['[one]-<no value>-GEN-48', ['one']],
    ['{a: 1} b', { a: 1 }],
    ['"x" y', 'x'],
    ['[a] [b]', ['a']],
    ['[a]\n- b', ['a']],
    ['[a], b', ['a']],
    ['[a] # c\nb: 1', ['a']],
    ['[a]\n---\nb', ['a']],
    ['{a: 1}\n{b: 2}', { a: 1 }],
    ['[a]x', ['a']],
    ['x\n[a]', 'x [a]'],
    ['yes', true],
    ['a: on', { a: true }],
    ['t: 2025-01-01T00:00:00Z', { t: '2025-01-01T00:00:00Z' }],
  ])('%j reads as %j', (text, value) => {
    expect(readRenderedYaml(text)).toEqual(value);
  });

  it.each([['a: 1\nfoo'], ["'q' r: s"], ['[a]: b'], ['{[a]: b}'], ['[a] "unclosed'], ['[a]\n\tb']])(
    '%j is an error',
    (text) => {
      expect(() => readRenderedYaml(text)).toThrow(/failed to unmarshal rendered template/);
    },
  );
});
