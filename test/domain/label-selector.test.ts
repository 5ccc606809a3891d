// Label selectors as the domain matches them (src/domain/label-selector.ts, on k8s/label-selector.ts).
import { describe, expect, it } from 'vitest';
import type { LabelSelector } from '../../src/api/label-selector.js';
import {
  type LabelSelectorFact,
  labelSelectorMatches,
  stringSelectorMatches,
} from '../../src/domain/label-selector.js';

const labels = { team: 'a', env: 'prod' };

describe('labelSelectorMatches', () => {
  it.each([
    ['empty matches everything', {}, true],
    ['matchLabels', { matchLabels: { team: 'a' } }, true],
    ['matchLabels, another value', { matchLabels: { team: 'b' } }, false],
    ['In', { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'prod'] }] }, true],
    ['NotIn', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, false],
    ['Exists', { matchExpressions: [{ key: 'team', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, false],
    [
      'all terms must hold',
      { matchLabels: { team: 'a' }, matchExpressions: [{ key: 'x', operator: 'Exists' }] },
      false,
    ],
  ])('%s', (_n, sel, expected) => expect(labelSelectorMatches(sel, labels)).toBe(expected));
  it('an unknown operator is an error', () => {
    expect(() => labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'Gt' }] }, labels)).toThrow(
      'unknown label selector operator "Gt"',
    );
  });
});

describe('stringSelectorMatches', () => {
  it.each([
    ['team=a', true],
    ['team=a,env!=prod', false],
    ['env in (dev,prod)', true],
    ['!team', false],
  ])('%s', (text, expected) => expect(stringSelectorMatches(text, labels)).toBe(expected));
});

describe("api's LabelSelector is a LabelSelectorFact", () => {
  it('assigns without a cast (the compiler checks it) and matches alike', () => {
    const read: LabelSelector = { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] };
    const fact: LabelSelectorFact = read;
    expect(labelSelectorMatches(fact, labels)).toBe(true);
  });
});
