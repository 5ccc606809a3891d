import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest, distance } from '../../src/util/suggest.js';

/** The edit distance by its definition, the whole table: what the pruned one must agree with. */
function fullDistance(a: string, b: string): number {
  const t = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      t[i][j] = Math.min(t[i - 1][j] + 1, t[i][j - 1] + 1, t[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return t[a.length][b.length];
}

/** The first candidate at the smallest distance, accepted by closest's rule. */
function naiveClosest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let score = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = fullDistance(name.toLowerCase(), c.toLowerCase());
    if (d < score) [best, score] = [c, d];
  }
  if (best === undefined) return undefined;
  const ok =
    score <= Math.max(2, Math.floor(name.length / 3)) || best.startsWith(name) || name.startsWith(best);
  return ok ? best : undefined;
}

const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'x', '-'), maxLength: 12 });

describe('did you mean', () => {
  it('suggests the closest name', () => {
    expect(closest('workerNumber', ['workersNumber', 'controlPlaneNumber'])).toBe('workersNumber');
    expect(closest('zzz', ['workersNumber'])).toBeUndefined();
    expect(closest('k0', ['k0s', 'region'])).toBe('k0s');
  });

  it('property: the distance is the edit distance; cut short, it is still a lower bound', () => {
    fc.assert(
      fc.property(word, word, fc.nat(14), (a, b, limit) => {
        const full = fullDistance(a, b);
        expect(distance(a, b)).toBe(full);
        const cut = distance(a, b, limit);
        if (cut < limit) expect(cut).toBe(full);
        else expect(full).toBeGreaterThanOrEqual(limit);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: pruning changes no suggestion', () => {
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 12 }), (name, candidates) => {
        expect(closest(name, candidates)).toBe(naiveClosest(name, candidates));
      }),
      { numRuns: 2000 },
    );
  });
});
