// Prediction model of kyverno-json (main @ bd9932a0) assertion trees, used by the generator to keep
// generated cases deterministic (Go map iteration order must never show in the output) and to
// steer towards PASSED / FAILED / ERROR. See shared reference kyverno-json.md §2-§4.
import { BAD_BINDING, type Bindings, type EvalResult, type Expr, evaluate } from './jp.js';
import {
  clustermintKind,
  deepEqual,
  GoInt,
  isNumber,
  isObj,
  kindOf,
  num,
  type Value,
  type VObject,
} from './values.js';

export type Outcome = 'pass' | 'fail' | 'error';
/** `random`: the Go result would depend on map iteration order; `unknown`: outside the model. */
export type Res = Outcome | 'random' | 'unknown';

export const foreachRe = /^~(\w+)?\.(.*)/;
export const bindingRe = /(.*)\s*->\s*(\w+)$/;
export const escapeRe = /^\\(.+)\\$/;
export const compilerRe = /^\((?:(\w+);)?(.+)\)$/;

export interface ParsedKey {
  foreach: boolean;
  foreachName: string;
  binding: string;
  compiler: string; // '' = none (literal)
  statement: string;
}

/** pkg/core/expression/expression.go Parse */
export function parseExpression(input: string): ParsedKey {
  const out: ParsedKey = { foreach: false, foreachName: '', binding: '', compiler: '', statement: '' };
  let m = foreachRe.exec(input);
  if (m) {
    out.foreach = true;
    out.foreachName = m[1] ?? '';
    input = m[2];
  }
  m = bindingRe.exec(input);
  if (m) {
    out.binding = m[2];
    input = m[1];
  }
  m = escapeRe.exec(input);
  if (m) input = m[1];
  else {
    m = compilerRe.exec(input);
    if (m) {
      out.compiler = m[1] ?? 'default';
      input = m[2];
    }
  }
  out.statement = input;
  return out;
}

/** A literal string (key or leaf) that kyverno-json would otherwise parse as an expression. */
export function needsEscape(s: string): boolean {
  return foreachRe.test(s) || bindingRe.test(s) || escapeRe.test(s) || compilerRe.test(s);
}

export function literalText(s: string): string {
  return needsEscape(s) ? `\\${s}\\` : s;
}

/** Expressions the generator wrote, by statement text (the model cannot parse JMESPath). */
export type ExprTable = Map<string, Expr>;

export interface MEnv {
  v: Value;
  b: Bindings;
}

type Mode = 'assert' | 'match';

function evalStatement(
  statement: string,
  compiler: string,
  cur: Value,
  b: Bindings,
  table: ExprTable,
): EvalResult {
  if (compiler !== 'default' && compiler !== 'jp') return { ok: false, kind: 'unknown' };
  const e = table.get(statement);
  if (!e) return { ok: false, kind: 'unknown' };
  return evaluate(e, cur, { bindings: b });
}

/**
 * matching.Equal. `fromExpr`: `expected` is an expression result. The error ("types are not
 * comparable, <expected kind> - <actual kind>") names Go kinds; where clustermint cannot know them
 * (an integral float64, a foreach index `int`, a payload int64 returned by an expression) the
 * result is 'unknown', so the generator keeps such comparisons out.
 */
export function goEqual(expected: Value, actual: Value, fromExpr = false): Res {
  if (expected === null || actual === null) return expected === actual ? 'pass' : 'fail';
  const ke = kindOf(expected);
  const ka = kindOf(actual);
  if (ke === ka) return deepEqual(expected, actual) ? 'pass' : 'fail';
  if (isNumber(expected) && isNumber(actual)) return num(expected) === num(actual) ? 'pass' : 'fail';
  if (clustermintKind(expected, fromExpr) !== ke || clustermintKind(actual, false) !== ka) return 'unknown';
  return 'error'; // types are not comparable
}

/** matching.Match: pass = match, fail = mismatch, error = comparison error. */
export function goMatch(expected: Value, actual: Value, fromExpr = false): Res {
  if (expected !== null && Array.isArray(expected)) {
    if (!Array.isArray(actual)) return 'error';
    if (expected.length !== actual.length) return 'fail';
    for (let i = 0; i < expected.length; i++) {
      const r = goMatch(expected[i], actual[i], fromExpr);
      if (r !== 'pass') return r;
    }
    return 'pass';
  }
  if (expected !== null && isObj(expected)) {
    if (!isObj(actual)) return 'error';
    const rs: Res[] = Object.keys(expected).map((k) =>
      Object.hasOwn(actual, k) ? goMatch(expected[k], actual[k], fromExpr) : 'fail',
    );
    if (rs.includes('unknown')) return 'unknown';
    if (rs.includes('random')) return 'random';
    const bad = new Set(rs.filter((r) => r !== 'pass'));
    if (bad.size === 0) return 'pass';
    if (bad.size > 1 || rs.filter((r) => r === 'error').length > 1) return 'random';
    return [...bad][0];
  }
  return goEqual(expected, actual, fromExpr);
}

function combineUnordered(rs: Res[], mode: Mode): Res {
  if (rs.includes('unknown')) return 'unknown';
  if (rs.includes('random')) return 'random';
  const errors = rs.filter((r) => r === 'error').length;
  const fails = rs.filter((r) => r === 'fail').length;
  if (errors > 1) return 'random';
  if (errors === 1) return 'error';
  if (fails > 1 && mode === 'assert') return 'random';
  return fails ? 'fail' : 'pass';
}

function combineOrdered(rs: Res[]): Res {
  let acc: Res = 'pass';
  for (const r of rs) {
    if (r === 'unknown' || r === 'random' || r === 'error') return r;
    if (r === 'fail') acc = 'fail';
  }
  return acc;
}

/** assertion.Parse + Assert for one node against one actual value. */
export function assertNode(node: Value, env: MEnv, table: ExprTable, mode: Mode = 'assert'): Res {
  if (Array.isArray(node)) {
    const v = env.v;
    if (v === null) return 'fail'; // value is null
    if (!Array.isArray(v)) return 'error'; // expected a slice
    if (v.length !== node.length) return 'fail';
    return combineOrdered(node.map((n, i) => assertNode(n, { v: v[i], b: env.b }, table, mode)));
  }
  if (isObj(node)) {
    const keys = Object.keys(node);
    if (keys.length === 0) return env.v === null ? 'fail' : 'pass';
    return combineUnordered(
      keys.map((k) => assertEntry(k, node[k], env, table, mode)),
      mode,
    );
  }
  // scalar node
  let expected: Value = node;
  let fromExpr = false;
  if (typeof node === 'string') {
    const p = parseExpression(node);
    if (p.foreach || p.binding) return 'error'; // compile error
    if (p.compiler) {
      const r = evalStatement(p.statement, p.compiler, env.v, env.b, table);
      if (!r.ok) return r.kind;
      expected = r.v;
      fromExpr = true;
    } else expected = p.statement;
  }
  return goMatch(expected, env.v, fromExpr);
}

export function assertEntry(key: string, child: Value, env: MEnv, table: ExprTable, mode: Mode): Res {
  const p = parseExpression(key);
  let projected: Value;
  if (p.compiler && p.compiler !== 'default' && p.compiler !== 'jp') return 'unknown';
  if (p.compiler) {
    const r = evalStatement(p.statement, p.compiler, env.v, env.b, table);
    if (!r.ok) return r.kind;
    projected = r.v;
  } else {
    const v = env.v;
    if (v === null) return 'fail'; // Required: field not found
    if (!isObj(v)) return 'error'; // projection not recognized
    if (!Object.hasOwn(v, p.statement)) return 'fail';
    projected = v[p.statement];
  }
  const b: Bindings = p.binding ? { ...env.b, [p.binding]: projected } : env.b;
  if (!p.foreach) return assertNode(child, { v: projected, b }, table, mode);
  if (Array.isArray(projected)) {
    return combineOrdered(
      projected.map((el, i) =>
        assertNode(
          child,
          { v: el, b: p.foreachName ? { ...b, [p.foreachName]: new GoInt(i) } : b },
          table,
          mode,
        ),
      ),
    );
  }
  if (isObj(projected)) {
    const obj = projected;
    return combineUnordered(
      Object.keys(obj).map((k) =>
        assertNode(child, { v: obj[k], b: p.foreachName ? { ...b, [p.foreachName]: k } : b }, table, mode),
      ),
      mode,
    );
  }
  return 'error'; // expected a slice or a map
}

export type RuleResult = 'skip' | Outcome | 'random' | 'unknown';

/** jsonengine.CompileMatch evaluation: 'pass' = matched (zero errors). */
function matchResult(m: VObject, env: MEnv, table: ExprTable): Res {
  const anyTrees = (m.any as Value[] | undefined) ?? [];
  const allTrees = (m.all as Value[] | undefined) ?? [];
  let failed = false;
  for (const t of anyTrees) {
    const r = assertNode(t, env, table, 'match');
    if (r !== 'pass' && r !== 'fail') return r;
    if (r === 'pass') return 'pass';
    failed = true;
  }
  for (const t of allTrees) {
    const r = assertNode(t, env, table, 'match');
    if (r !== 'pass' && r !== 'fail') return r;
    if (r === 'fail') failed = true;
  }
  return failed ? 'fail' : 'pass';
}

function assertionResult(a: VObject, env: MEnv, table: ExprTable): Res {
  return assertNode(a.check, env, table, 'assert');
}

/** Predicted outcome of one rule against the payload. `compileError` marks rules generated to fail compilation. */
export function predictRule(
  rule: VObject,
  payload: Value,
  table: ExprTable,
  compileError: boolean,
): RuleResult {
  if (compileError) return 'error';
  const b: Bindings = { payload };
  for (const c of (rule.context as VObject[] | undefined) ?? []) {
    const v = c.variable;
    if (typeof v === 'string') {
      const p = parseExpression(v);
      if (p.compiler) {
        const r = evalStatement(p.statement, p.compiler, payload, { ...b }, table);
        if (!r.ok && r.kind === 'unknown') return 'unknown';
        b[c.name as string] = r.ok ? r.v : BAD_BINDING;
        continue;
      }
      b[c.name as string] = p.statement;
      continue;
    }
    b[c.name as string] = v;
  }
  const env: MEnv = { v: payload, b };
  if (rule.match) {
    const r = matchResult(rule.match as VObject, env, table);
    if (r === 'fail') return 'skip';
    if (r !== 'pass') return r;
  }
  if (rule.exclude) {
    const r = matchResult(rule.exclude as VObject, env, table);
    if (r === 'pass') return 'skip';
    if (r !== 'fail') return r;
  }
  const assert = rule.assert as VObject;
  const anyList = (assert.any as VObject[] | undefined) ?? [];
  const allList = (assert.all as VObject[] | undefined) ?? [];
  if (anyList.length) {
    let passed = false;
    for (const a of anyList) {
      const r = assertionResult(a, env, table);
      if (r === 'pass') {
        passed = true;
        break;
      }
      if (r !== 'fail') return r;
    }
    if (!passed) return 'fail';
  }
  let failed = false;
  for (const a of allList) {
    const r = assertionResult(a, env, table);
    if (r === 'fail') failed = true;
    else if (r !== 'pass') return r;
  }
  return failed ? 'fail' : 'pass';
}
