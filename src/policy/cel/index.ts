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
import type { Bindings } from '../bindings.js';
import { type Compiler, ExpressionCompileError, ExpressionEvalError, type Program } from '../compilers.js';
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
  if (pos === undefined) return `ERROR: <input>: ${summary}`;
  const before = expression.slice(0, pos);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = pos - lineStart + 1;
  const lineEnd = expression.indexOf('\n', pos);
  const text = expression.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  return `ERROR: <input>:${line}:${col}: ${summary}\n | ${text}\n | ${'.'.repeat(col - 1)}^`;
}

function compileError(expression: string, e: unknown): ExpressionCompileError {
  const err = e as CelLibraryError;
  const summary = err?.summary ?? (err instanceof Error ? err.message : String(e));
  return new ExpressionCompileError(compileMessage(expression, summary, err?.range?.start));
}

function evalError(e: unknown): ExpressionEvalError {
  if (e instanceof ExpressionEvalError) return e;
  if (e instanceof Error) return new ExpressionEvalError((e as CelLibraryError).summary ?? e.message);
  return new ExpressionEvalError(String(e));
}

class CelProgram implements Program {
  constructor(private readonly run: ParseResult) {}

  evaluate(value: unknown, bindings: Bindings): unknown {
    let out: unknown;
    try {
      out = this.run({ object: toCel(value), bindings: new BindingsHandle(bindings) });
    } catch (e) {
      throw evalError(e);
    }
    return fromCel(out);
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

/** How many compiled programs are kept (least recently used are dropped first). */
export const CEL_PROGRAM_CACHE_SIZE = 1024;
const programs = new Map<string, CelProgram>();

export const celCompiler: Compiler = {
  compile(expression: string): Program {
    let program = programs.get(expression);
    if (program !== undefined) {
      programs.delete(expression);
    } else {
      program = compileProgram(expression);
      if (programs.size >= CEL_PROGRAM_CACHE_SIZE) programs.delete(programs.keys().next().value!);
    }
    programs.set(expression, program);
    return program;
  },
};
