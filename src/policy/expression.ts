/**
 * The key grammar of assertion trees: `~name.` foreach, `->name` binding, `\literal\` escape,
 * `(expr)` / `(jp;expr)` / `(cel;expr)` expressions, applied in that order (kyverno-json main).
 */

export interface KeyExpression {
  foreach: boolean;
  foreachName: string;
  statement: string;
  binding: string;
  /** '' for a plain key; 'default', 'jp', 'cel' or an unknown name for an expression. */
  compiler: string;
}

// Go's \w and \s are ASCII; JavaScript's \s is wider, so spell the classes out.
const FOREACH = /^~([A-Za-z0-9_]+)?\.(.*)/;
const WORD = /[A-Za-z0-9_]/;
const SPACE = /[\t\n\f\r ]/;
const LINE_END = /[\n\r\u2028\u2029]/;

/**
 * kyverno-json's binding regexp `(.*)\s*->\s*(\w+)$` (unanchored, `.` stops at a line end)
 * without the regexp: a backtracking engine spends quadratic time on a long key with no
 * binding. Returns [the match's first group, the name], or undefined when it does not match.
 */
function splitBinding(s: string): [string, string] | undefined {
  let w = s.length;
  while (w > 0 && WORD.test(s[w - 1])) w--;
  if (w === s.length) return undefined;
  let arrow = w;
  while (arrow > 0 && SPACE.test(s[arrow - 1])) arrow--;
  if (arrow < 2 || s[arrow - 1] !== '>' || s[arrow - 2] !== '-') return undefined;
  arrow -= 2;
  // the group: from after the last line end before the spaces that precede the arrow, through
  // those spaces up to the first line end among them (greedy `.*`, then `\s*` takes the rest)
  let u = arrow;
  while (u > 0 && SPACE.test(s[u - 1])) u--;
  let start = u;
  while (start > 0 && !LINE_END.test(s[start - 1])) start--;
  let end = u;
  while (end < arrow && !LINE_END.test(s[end])) end++;
  return [s.slice(start, end), s.slice(w)];
}
const ESCAPE = /^\\(.+)\\$/;
const COMPILER = /^\((?:([A-Za-z0-9_]+);)?(.+)\)$/;

export function parseKey(input: string): KeyExpression {
  const e: KeyExpression = { foreach: false, foreachName: '', statement: '', binding: '', compiler: '' };
  let s = input;
  const f = FOREACH.exec(s);
  if (f) {
    e.foreach = true;
    e.foreachName = f[1] ?? '';
    s = f[2];
  }
  const b = splitBinding(s);
  if (b) {
    e.binding = b[1];
    s = b[0];
  }
  const esc = ESCAPE.exec(s);
  if (esc) s = esc[1];
  else {
    const c = COMPILER.exec(s);
    if (c) {
      e.compiler = c[1] || 'default';
      s = c[2];
    }
  }
  e.statement = s;
  return e;
}
