/**
 * `.helmignore` rules as Helm's pkg/ignore reads and applies them, quirks included (no npm ignore
 * library has them: gitignore semantics differ):
 *   - one rule a line, trimmed; blank lines and `#` comments skipped; `**` is an error;
 *   - `!rule` negates, `rule/` matches folders only, `/rule` matches from the chart root, a rule
 *     with a `/` matches the whole path, one without matches the base name;
 *   - globs are Go's filepath.Match (`*` and `?` never cross `/`, `[^a-z]` classes, `\` escapes);
 *   - rules are tried in order and the first decides; a negated rule that does NOT match a path
 *     ignores it (so `!keep.txt` ignores every other file), one that matches goes on to the next;
 *   - `templates/.?*` (dotfiles under templates/) is appended after the file's rules.
 */
import { ClustermintError } from '../../util/errors.js';

interface Rule {
  negate: boolean;
  mustDir: boolean;
  /** 'root': from the chart root, 'path': the whole path, 'base': the base name. */
  scope: 'root' | 'path' | 'base';
  glob: Chunk[];
}

export class HelmIgnore {
  private readonly rules: Rule[] = [];

  /** Parses a .helmignore; `file` names it in errors. */
  static parse(text: string, file = '.helmignore'): HelmIgnore {
    const r = new HelmIgnore();
    const lines = text.split('\n');
    lines.forEach((raw, i) => {
      let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (i === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
      const err = r.add(line);
      if (err) throw new ClustermintError('INVALID_CHART', err, { file, line: i + 1 });
    });
    return r;
  }

  /** Helm's default rule, added after the file's: dotfiles in templates/. */
  addDefaults(): this {
    this.add('templates/.?*');
    return this;
  }

  /** Adds one rule; returns Helm's error text for a rule it refuses. */
  add(line: string): string | undefined {
    let rule = line.trim();
    if (rule === '' || rule.startsWith('#')) return undefined;
    if (rule.includes('**')) return 'double-star (**) syntax is not supported';
    if (goMatch(compileGlob(rule), 'abc') === 'bad') return 'syntax error in pattern';
    const negate = rule.startsWith('!');
    if (negate) rule = rule.slice(1);
    const mustDir = rule.endsWith('/');
    if (mustDir) rule = rule.slice(0, -1);
    let scope: Rule['scope'] = 'base';
    if (rule.startsWith('/')) {
      scope = 'root';
      rule = rule.slice(1);
    } else if (rule.includes('/')) scope = 'path';
    this.rules.push({ negate, mustDir, scope, glob: compileGlob(rule) });
    return undefined;
  }

  /** Whether a path inside the chart ('/'-separated) is left out. */
  ignores(path: string, isDir: boolean): boolean {
    if (path === '' || path === '.' || path === './') return false;
    for (const r of this.rules) {
      if (r.negate) {
        if (r.mustDir && !isDir) return true;
        if (!matches(r, path)) return true;
        continue;
      }
      if (r.mustDir && !isDir) continue;
      if (matches(r, path)) return true;
    }
    return false;
  }
}

function matches(r: Rule, path: string): boolean {
  // a malformed glob never matches (Helm logs "failed to compile" and goes on)
  return goMatch(r.glob, r.scope === 'base' ? baseName(path) : path) === true;
}

/** Go's filepath.Base on a '/'-separated path. */
function baseName(p: string): string {
  const s = p.replace(/\/+$/, '');
  if (s === '') return p === '' ? '.' : '/';
  return s.slice(s.lastIndexOf('/') + 1);
}

// --- Go's filepath.Match ---------------------------------------------------------------------

type Atom = { lit: string } | { any: true } | { negated: boolean; ranges: Array<[number, number]> };

/** A run of single-character atoms, after a `*` or not; `atoms` is null when it is malformed. */
interface Chunk {
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
