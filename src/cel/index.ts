/**
 * The `cel` compiler of kyverno-json policies (pkg/core/compilers/cel): an expression sees
 * `object` (the current value, what `@` is in JMESPath) and `bindings`, whose
 * `bindings.resolve('name')` is the value of `$name`. See env.ts for the environment.
 *
 * compile() parses and type-checks once (programs are cached by expression text);
 * evaluate() converts the value in (integers → CEL int, objects → maps) and the result back
 * to plain JSON values.
 */
import type { ParseResult } from '@marcbachmann/cel-js';
import type { Bindings } from '../expression/bindings.js';
import { BudgetExceededError, withBudget } from '../expression/budget.js';
import {
  type Compiler,
  ExpressionCompileError,
  ExpressionEvalError,
  type Program,
} from '../expression/compilers.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { CEL_COST_LIMITS, COST_LIMIT_MESSAGE } from './cost.js';
import { BindingsHandle, celEnvironment } from './env.js';
import { findHeterogeneousLiteral } from './literals.js';
import { fromCel, toCel } from './values.js';

/** Errors of the library carry the bare text in `summary` and a highlighted copy in `message`. */
interface CelLibraryError extends Error {
  readonly summary?: string;
  readonly range?: { readonly start: number };
}

/** cel-go's layout: `ERROR: <input>:line:col: msg`, the source line and a caret. */
function compileMessage(expression: string, summary: string, pos: number | undefined): string {
  // the library gives -1 (or nothing) when it has no position: cel-go prints no caret then
  if (pos === undefined || pos < 0 || pos > expression.length) return `ERROR: <input>: ${summary}`;
  const before = expression.slice(0, pos);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = pos - lineStart + 1;
  const lineEnd = expression.indexOf('\n', pos);
  const text = expression.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  return `ERROR: <input>:${line}:${col}: ${summary}\n | ${text}\n | ${'.'.repeat(col - 1)}^`;
}

/** Global functions cel-go knows in kyverno-json's environment (standard + ext strings/sets). */
const KNOWN_GLOBALS = new Set([
  'size',
  'matches',
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'bool',
  'duration',
  'timestamp',
  'type',
  'dyn',
  'has',
  'optional',
  'strings',
  'sets',
  'math',
]);

/** The library's wording of what cel-go reports differently. */
function celGoSummary(
  summary: string,
  pos: number | undefined,
): { summary: string; pos: number | undefined } {
  // a field a typed object (a CRD schema's `self`) does not declare; cel-go points at the dot
  const noField = /^No such key: (.+)$/.exec(summary);
  if (noField) return { summary: `undefined field '${noField[1]}'`, pos: pos === undefined ? pos : pos - 1 };
  const unknownVar = /^Unknown variable: (.+)$/.exec(summary);
  if (unknownVar) return { summary: `undeclared reference to '${unknownVar[1]}' (in container '')`, pos };
  const overload = /^found no matching overload for '([A-Za-z_][A-Za-z0-9_]*)\((.*)\)'$/.exec(summary);
  if (overload) {
    // cel-go places a call's error at its opening parenthesis
    const at = pos === undefined ? undefined : pos + overload[1].length;
    if (!KNOWN_GLOBALS.has(overload[1]))
      return { summary: `undeclared reference to '${overload[1]}' (in container '')`, pos: at };
    return {
      summary: `found no matching overload for '${overload[1]}' applied to '(${overload[2]})'`,
      pos: at,
    };
  }
  return { summary, pos };
}

function compileError(expression: string, e: unknown): ExpressionCompileError {
  const err = e as CelLibraryError;
  const raw = err?.summary ?? (err instanceof Error ? err.message : String(e));
  const { summary, pos } = celGoSummary(raw, err?.range?.start);
  return new ExpressionCompileError(compileMessage(expression, summary, pos));
}

/** cel-go's text of a parse or check error of the library (`ERROR: <input>:1:3: ...`). */
export function celGoCompileMessage(expression: string, e: unknown): string {
  return compileError(expression, e).message;
}

/** The library's bare text of an evaluation error. */
export function celEvalMessage(e: unknown): string {
  return evalError(e).message;
}

function evalError(e: unknown): ExpressionEvalError {
  if (e instanceof ExpressionEvalError) return e;
  if (e instanceof BudgetExceededError) return new ExpressionEvalError(COST_LIMIT_MESSAGE);
  const message = e instanceof Error ? ((e as CelLibraryError).summary ?? e.message) : String(e);
  // cel-go says only "no such overload" where the library adds the operand types
  return new ExpressionEvalError(/^no such overload\b/.test(message) ? 'no such overload' : message);
}

class CelProgram implements Program {
  constructor(private readonly run: ParseResult) {}

  evaluate(value: unknown, bindings: Bindings): unknown {
    try {
      // Kubernetes' per-expression runtime cost limit, shared with nested bindings
      return withBudget(CEL_COST_LIMITS.perCallLimit, () =>
        fromCel(this.run({ object: toCel(value), bindings: new BindingsHandle(bindings) })),
      );
    } catch (e) {
      throw evalError(e);
    }
  }
}

function compileProgram(expression: string): CelProgram {
  let run: ParseResult;
  try {
    run = celEnvironment().parse(expression);
  } catch (e) {
    throw compileError(expression, e);
  }
  const checked = run.check();
  if (!checked.valid) throw compileError(expression, checked.error);
  const literal = findHeterogeneousLiteral(run.ast);
  if (literal) throw new ExpressionCompileError(compileMessage(expression, literal.message, literal.pos));
  return new CelProgram(run);
}

/** How many compiled programs are kept (the oldest are dropped first). */
export const CEL_PROGRAM_CACHE_SIZE = 1024;
const programs = new BoundedCache<string, CelProgram>(CEL_PROGRAM_CACHE_SIZE);

export const celCompiler: Compiler = {
  compile(expression: string): Program {
    return programs.getOrCreate(expression, () => compileProgram(expression));
  },
};
