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
const BINDING = /(.*)[\t\n\f\r ]*->[\t\n\f\r ]*([A-Za-z0-9_]+)$/;
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
  const b = BINDING.exec(s);
  if (b) {
    e.binding = b[2];
    s = b[1];
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
