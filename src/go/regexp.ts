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

function expand(template: string, groups: (string | null)[], names: Record<string, number>): string {
  let out = '';
  for (;;) {
    const i = template.indexOf('$');
    if (i < 0) break;
    out += template.slice(0, i);
    template = template.slice(i + 1);
    if (template[0] === '$') {
      out += '$';
      template = template.slice(1);
      continue;
    }
    const ex = extract(template);
    if (!ex) {
      out += '$';
      continue;
    }
    template = ex.rest;
    if (ex.num >= 0) out += groups[ex.num] ?? '';
    else if (Object.hasOwn(names, ex.name)) out += groups[names[ex.name]] ?? '';
  }
  return out + template;
}

/** regexp.ReplaceAll (expanding the template) or ReplaceAllLiteral. */
export function replaceAll(re: RE2JS, src: string, repl: string, literal: boolean): string {
  const m = re.matcher(src);
  const names = re.namedGroups();
  const ngroups = re.groupCount();
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    if (!m.find(searchPos)) break;
    const start = m.start();
    const end = m.end();
    out += src.slice(lastMatchEnd, start);
    if (end > lastMatchEnd || start === 0) {
      if (literal) out += repl;
      else {
        const groups: (string | null)[] = [];
        for (let g = 0; g <= ngroups; g++) groups.push(m.group(g));
        out += expand(repl, groups, names);
      }
    }
    lastMatchEnd = end;
    const cp = src.codePointAt(searchPos);
    const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + src.slice(lastMatchEnd);
}
