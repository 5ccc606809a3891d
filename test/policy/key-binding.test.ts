/**
 * The `->name` binding of assertion-tree keys, found without a backtracking regexp: a 110 KB
 * key without a binding took about 20 s (quadratic, worse with spaces); the same answers in
 * linear time.
 */
import { describe, expect, test } from 'vitest';
import { parseKey } from '../../src/policy/expression.js';

// kyverno-json's regexp, the oracle on short keys (where backtracking costs nothing)
const BINDING = /(.*)[\t\n\f\r ]*->[\t\n\f\r ]*([A-Za-z0-9_]+)$/;

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('assertion key bindings', () => {
  test('the same split as the regexp on 50,000 short keys', () => {
    const alphabet = ['a', '_', '-', '>', ' ', '\n', '\r', '\t', '.', '\u2028', 'b', '9'];
    const next = rng(17);
    for (let i = 0; i < 50_000; i++) {
      const len = Math.floor(next() * 14);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(next() * alphabet.length)];
      const m = BINDING.exec(s);
      const k = parseKey(s);
      expect([k.statement, k.binding], JSON.stringify(s)).toEqual(m ? [m[1], m[2]] : [s, '']);
    }
  });

  test('bindings as policies write them', () => {
    expect(parseKey('(spec.name)->name')).toMatchObject({
      statement: 'spec.name',
      binding: 'name',
      compiler: 'default',
    });
    // as in kyverno-json, the greedy group keeps the spaces before the arrow
    expect(parseKey('(spec.name) -> name')).toMatchObject({ statement: '(spec.name) ', binding: 'name' });
    expect(parseKey('~items.(spec)->each')).toMatchObject({
      foreach: true,
      foreachName: 'items',
      binding: 'each',
    });
    expect(parseKey('a -> b c')).toMatchObject({ statement: 'a -> b c', binding: '' });
  });

  test('a 110 KB key without a binding is split in linear time', () => {
    for (const key of [
      `(${'a.'.repeat(55_000)}a)`,
      `(a${' '.repeat(110_000)}b)`,
      `(${'a->'.repeat(36_000)}.)`,
    ]) {
      const t0 = performance.now();
      parseKey(key);
      // quadratic work took tens of seconds on these; linear work takes about a millisecond
      expect(performance.now() - t0).toBeLessThan(2_000);
    }
  });
});
