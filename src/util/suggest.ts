/**
 * "Did you mean": the candidate closest to `name` by edit distance, if close enough. Called once
 * per unknown key (a submission may have tens of thousands), so a candidate that cannot beat the
 * best so far is not measured in full: its length difference, or a row of the distance table
 * already at the best, rules it out without changing which candidate wins.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const other = c.toLowerCase();
    if (Math.abs(other.length - lower.length) >= bestScore) continue;
    const d = distance(lower, other, bestScore);
    if (d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  if (best === undefined) return undefined;
  return bestScore <= Math.max(2, Math.floor(name.length / 3)) ||
    best.startsWith(name) ||
    name.startsWith(best)
    ? best
    : undefined;
}

/**
 * Levenshtein distance with a rolling row. With `atLeast`, it may stop early and return a
 * value of at least `atLeast` once the distance is known to be no smaller (a row's minimum
 * never decreases further down the table).
 */
export function distance(a: string, b: string, atLeast = Number.POSITIVE_INFINITY): number {
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= atLeast) return rowMin;
    const done = prev;
    prev = cur;
    cur = done;
  }
  return prev[b.length];
}
