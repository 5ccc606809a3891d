import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/util/bounded-cache.js';

describe('BoundedCache', () => {
  it('keeps at most maxEntries, dropping the oldest first', () => {
    const c = new BoundedCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.set('a', 10); // an update is not a new entry
    expect(c.size).toBe(2);
    c.set('c', 3);
    expect(c.has('a')).toBe(false);
    expect(c.get('b')).toBe(2);
    expect(c.get('c')).toBe(3);
  });

  it('getOrCreate makes a value once, caches undefined too, and caches nothing when make throws', () => {
    const c = new BoundedCache<string, number | undefined>(4);
    let calls = 0;
    expect(c.getOrCreate('x', () => ++calls)).toBe(1);
    expect(c.getOrCreate('x', () => ++calls)).toBe(1);
    expect(c.getOrCreate('u', () => undefined)).toBeUndefined();
    expect(c.getOrCreate('u', () => ++calls)).toBeUndefined();
    expect(() =>
      c.getOrCreate('bad', () => {
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(c.has('bad')).toBe(false);
    expect(calls).toBe(1);
  });

  it('refuses a ceiling below one', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
  });
});
