/**
 * IGLOU-EU/go-wildcard v1.0.3 `Match` (via kyverno/pkg ext/wildcard): `*` matches any run of
 * runes (also empty), `?` exactly one rune, everything else itself; no escaping, no classes.
 * The empty pattern matches only the empty string. Linear-time greedy matcher with the same
 * results as the recursive upstream one.
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  if (pattern === '') return name === '';
  if (pattern === '*') return true;
  const p = [...pattern];
  const s = [...name];
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === s[si]))) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
