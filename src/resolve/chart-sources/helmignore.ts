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
import { type Chunk, compileGlob, goMatch } from '../../go/filepath-match.js';
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
