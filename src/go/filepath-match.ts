/**
 * Go's path/filepath.Match on '/'-separated names: `*` and `?` within a path segment, `[...]`
 * classes with `^` negation and ranges, `\` escapes, and Go's lazy reporting of a malformed
 * pattern. Used by `.helmignore` and by `helm template --show-only`.
 */

type Atom = { lit: string } | { any: true } | { negated: boolean; ranges: Array<[number, number]> };

/** A run of single-character atoms, after a `*` or not; `atoms` is null when it is malformed. */
export interface Chunk {
  star: boolean;
  atoms: Atom[] | null;
}

/** Splits a glob at its stars, as Go does (a `*` inside `[...]` or after `\` does not split). */
export function compileGlob(pattern: string): Chunk[] {
  const cps = Array.from(pattern);
  const chunks: Chunk[] = [];
  let i = 0;
  while (i < cps.length) {
    let star = false;
    while (cps[i] === '*') {
      star = true;
      i++;
    }
    let inRange = false;
    let j = i;
    for (; j < cps.length; j++) {
      const c = cps[j];
      if (c === '\\') {
        if (j + 1 < cps.length) j++;
      } else if (c === '[') inRange = true;
      else if (c === ']') inRange = false;
      else if (c === '*' && !inRange) break;
    }
    chunks.push({ star, atoms: parseAtoms(cps.slice(i, j)) });
    i = j;
  }
  return chunks;
}

function parseAtoms(cps: string[]): Atom[] | null {
  const atoms: Atom[] = [];
  let i = 0;
  // one class character, maybe escaped; null when malformed (Go's getEsc)
  const classChar = (): number | null => {
    let c = cps[i];
    if (c === undefined || c === '-' || c === ']') return null;
    if (c === '\\') {
      c = cps[++i];
      if (c === undefined) return null;
    }
    i++;
    if (i >= cps.length) return null;
    return c.codePointAt(0) as number;
  };
  while (i < cps.length) {
    const c = cps[i];
    if (c === '[') {
      i++;
      const negated = cps[i] === '^';
      if (negated) i++;
      const ranges: Array<[number, number]> = [];
      for (;;) {
        if (cps[i] === ']' && ranges.length > 0) {
          i++;
          break;
        }
        const lo = classChar();
        if (lo === null) return null;
        let hi = lo;
        if (cps[i] === '-') {
          i++;
          const h = classChar();
          if (h === null) return null;
          hi = h;
        }
        ranges.push([lo, hi]);
      }
      atoms.push({ negated, ranges });
    } else if (c === '?') {
      atoms.push({ any: true });
      i++;
    } else if (c === '\\') {
      if (i + 1 >= cps.length) return null;
      atoms.push({ lit: cps[i + 1] });
      i += 2;
    } else {
      atoms.push({ lit: c });
      i++;
    }
  }
  return atoms;
}

/** Where the atoms match name from `at`: the index after them, or -1. */
function matchAtoms(atoms: Atom[], name: string[], at: number): number {
  if (at + atoms.length > name.length) return -1;
  for (let k = 0; k < atoms.length; k++) {
    const a = atoms[k];
    const c = name[at + k];
    if ('lit' in a) {
      if (a.lit !== c) return -1;
    } else if ('any' in a) {
      if (c === '/') return -1;
    } else {
      const cp = c.codePointAt(0) as number;
      const inside = a.ranges.some(([lo, hi]) => lo <= cp && cp <= hi);
      if (inside === a.negated) return -1;
    }
  }
  return at + atoms.length;
}

/**
 * filepath.Match: true, false, or 'bad' when it reaches a malformed part of the pattern (Go checks
 * lazily, so whether a bad pattern is reported depends on the name, as it does in Go).
 */
export function goMatch(chunks: Chunk[], nameText: string): boolean | 'bad' {
  const name = Array.from(nameText);
  let pos = 0;
  next: for (let k = 0; k < chunks.length; k++) {
    const { star, atoms } = chunks[k];
    const last = k === chunks.length - 1;
    if (atoms === null) return 'bad';
    // a trailing star takes the rest of the name unless it has a '/'
    if (star && atoms.length === 0) return !name.slice(pos).includes('/');
    const end = matchAtoms(atoms, name, pos);
    if (end >= 0 && (end === name.length || !last)) {
      pos = end;
      continue;
    }
    if (star) {
      for (let s = pos; s < name.length && name[s] !== '/'; s++) {
        const e = matchAtoms(atoms, name, s + 1);
        if (e < 0 || (last && e < name.length)) continue;
        pos = e;
        continue next;
      }
    }
    return false;
  }
  return pos === name.length;
}

/** filepath.Match(pattern, name): a malformed pattern matches nothing (Helm ignores the error). */
export function filepathMatch(pattern: string, name: string): boolean {
  return goMatch(compileGlob(pattern), name) === true;
}
