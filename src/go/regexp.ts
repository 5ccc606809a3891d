/** Go regexp behaviour on top of RE2 (re2js): ReplaceAll with `$1` / `${name}` expansion, Match. */
import { cachedRe2, type RE2JS } from './re2.js';

/** A compiled pattern, reused (see cachedRe2). */
export function compileGo(pattern: string): RE2JS {
  return cachedRe2(pattern);
}

/** The `extract` of Go's regexp: `name` / `{name}` after a `$`. */
function extract(str: string): { name: string; num: number; rest: string } | undefined {
  if (str === '') return undefined;
  let brace = false;
  if (str[0] === '{') {
    brace = true;
    str = str.slice(1);
  }
  const m = /^[\p{L}\p{Nd}_]*/u.exec(str)!;
  let i = m[0].length;
  if (i === 0) return undefined;
  const name = str.slice(0, i);
  if (brace) {
    if (i >= str.length || str[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (const c of name) {
    if (c < '0' || c > '9' || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + c.charCodeAt(0) - 48;
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: str.slice(i) };
}

/** Go's Regexp.expand: appends `template` with its `$` references replaced, piece by piece. */
function expand(
  template: string,
  groups: (string | null)[],
  names: Record<string, number>,
  add: (piece: string) => void,
): void {
  for (;;) {
    const i = template.indexOf('$');
    if (i < 0) break;
    add(template.slice(0, i));
    template = template.slice(i + 1);
    if (template[0] === '$') {
      add('$');
      template = template.slice(1);
      continue;
    }
    const ex = extract(template);
    if (!ex) {
      add('$');
      continue;
    }
    template = ex.rest;
    if (ex.num >= 0) add(groups[ex.num] ?? '');
    else if (Object.hasOwn(names, ex.name)) add(groups[names[ex.name]] ?? '');
  }
  add(template);
}

/**
 * Regexp.ReplaceAllString (`literal`: ReplaceAllLiteralString). `room`, when given, is asked
 * before each piece is added whether the result may reach that many characters, and throws
 * when not: `$1` repeated in the replacement multiplies the input, and the check has to come
 * before the string is built (a result past V8's string limit is an error no budget sees, and
 * one just under it costs a gigabyte).
 */
export function replaceAll(
  re: RE2JS,
  src: string,
  repl: string,
  literal: boolean,
  room?: (size: number) => void,
): string {
  const m = re.matcher(src);
  const names = re.namedGroups();
  const ngroups = re.groupCount();
  let out = '';
  const add = (piece: string): void => {
    if (piece.length === 0) return;
    room?.(out.length + piece.length);
    out += piece;
  };
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    if (!m.find(searchPos)) break;
    const start = m.start();
    const end = m.end();
    add(src.slice(lastMatchEnd, start));
    if (end > lastMatchEnd || start === 0) {
      if (literal) add(repl);
      else {
        const groups: (string | null)[] = [];
        for (let g = 0; g <= ngroups; g++) groups.push(m.group(g));
        expand(repl, groups, names, add);
      }
    }
    lastMatchEnd = end;
    const cp = src.codePointAt(searchPos);
    const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  add(src.slice(lastMatchEnd));
  return out;
}
