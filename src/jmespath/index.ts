/**
 * kyverno-json's JMESPath dialect: jmespath-community/go-jmespath (pinned 6eb5a34) with the
 * function table `default + custom + kyverno` (later names override earlier ones).
 *
 * Parsing uses `@jmespath-community/jmespath` 1.3.0; evaluation is our own tree interpreter with
 * go-jmespath's semantics (see interpreter.ts) and our own function table. The npm runtime is
 * not used for evaluation: its error texts differ from Go's, its expref functions (map,
 * sort_by, …) lose `let`/`$var` scope, its variable lookup rejects falsy values from outer
 * scopes, and its function table is a process-wide singleton other code may share.
 *
 * Numbers: Go distinguishes float64 (JSON literals, arithmetic) from int/int64 (payload
 * integers) and rejects the latter for `number`-typed arguments, `type()` and `==` against a
 * float. JavaScript has one number type, so we are permissive: every JS number is accepted
 * wherever Go wants a float64, `type(1)` is "number", and `1 == \`1\`` is true. One exception,
 * in kyverno-json's mode (`scan`, not the gate): its arithmetic functions refuse an integer read
 * from the payload by a field path (payload-ints.ts). Numbers in
 * error texts print as Go prints a float64 (`%v`, e.g. `1e+06`). All other error texts are
 * kyverno-json's.
 *
 * Variables: `$name` resolves through `Bindings.get(name)` when (and only if) evaluated, so
 * lazy bindings are computed on first use; a missing one is `variable not defined: $name`.
 * `$` alone is the root document, which kyverno-json never sets: it evaluates to null.
 *
 * Unknown functions and wrong arities: `compileJp(expr)` (strict, the gate) rejects them at
 * compile time, even in branches that would never run; `jpCompilerDeferred` (scan) reports them
 * when the call is evaluated, with the same text, as kyverno-json does.
 *
 * Known differences from kyverno-json: syntax-error texts are the npm parser's (prefixed
 * `SyntaxError: `); object key order follows insertion where Go's map order is random;
 * Go runtime panics (`at` out of range, uncomparable `label_match` values, `find_first` bounds)
 * become evaluation errors with the panic text; parse_yaml error texts are the `yaml` package's;
 * x509_decode prints certificate policy OIDs as dotted strings (Go ≥ 1.23); time zone
 * abbreviations resolve as if the local zone were UTC; `random` supports the common regex subset.
 */
import { compile as parseJmespath } from '@jmespath-community/jmespath';
import { BindingError, Bindings } from '../expression/bindings.js';
import { BudgetExceededError, withBudget } from '../expression/budget.js';
import {
  type Compiler,
  ExpressionCompileError,
  ExpressionEvalError,
  type Program,
} from '../expression/compilers.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { arityError, buildTable, type FunctionTable } from './caller.js';
import { JpError } from './errors.js';
import { customFunctions } from './functions-custom.js';
import { defaultFunctions } from './functions-default.js';
import { kyvernoFunctions } from './functions-kyverno.js';
import { type AstNode, evaluate } from './interpreter.js';

/** The kyverno-json function table. */
export const jpFunctions: FunctionTable = buildTable(defaultFunctions, customFunctions, kyvernoFunctions);

/**
 * Work one evaluation may do, in cost units (expression/budget.ts: a step per AST node and
 * function call, a tenth of the size of each string or array a function reads or builds).
 * cel-go's per-expression limit is 1,000,000; JMESPath steps are cheaper and policies run an
 * expression once per payload, so ten times that (well under a second).
 */
export const JP_COST_LIMIT = 10_000_000;

/** Deepest AST the checks and the interpreter walk (the parser's own recursion stops a little deeper). */
export const JP_MAX_AST_DEPTH = 1000;

/**
 * Unknown functions and wrong arities are reported when the expression compiles (`strict`);
 * the AST's depth is checked always.
 */
function check(node: unknown, strict: boolean, depth: number): void {
  if (depth > JP_MAX_AST_DEPTH)
    throw new ExpressionCompileError(
      `SyntaxError: expression nested more than ${JP_MAX_AST_DEPTH} levels deep`,
    );
  if (Array.isArray(node)) {
    for (const n of node) check(n, strict, depth);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as AstNode;
  if (n.type === 'Literal') return;
  if (strict && n.type === 'Ternary') throw new ExpressionCompileError("SyntaxError: Unknown char: '?'");
  if (strict && n.type === 'Function') {
    const entry = jpFunctions.get(n.name);
    if (!entry) throw new ExpressionCompileError(`unknown function: ${n.name}`);
    const arity = arityError(entry, n.children.length);
    if (arity) throw new ExpressionCompileError(arity);
  }
  for (const value of Object.values(n))
    if (value !== null && typeof value === 'object') check(value, strict, depth + 1);
}

function parse(expression: string): AstNode {
  try {
    return parseJmespath(expression);
  } catch (e) {
    if (e instanceof RangeError)
      throw new ExpressionCompileError('SyntaxError: expression nested too deeply to parse');
    const msg = (e as Error).message.replace(/^Syntax error[:,]?\s*/i, '');
    throw new ExpressionCompileError(`SyntaxError: ${msg}`);
  }
}

function toEvalError(e: unknown): Error {
  if (e instanceof ExpressionEvalError) return e;
  if (e instanceof BudgetExceededError)
    return new ExpressionEvalError(
      `evaluation cost limit exceeded: more than ${JP_COST_LIMIT} units (steps, and sizes of the strings and arrays read or built)`,
    );
  if (e instanceof JpError || e instanceof BindingError) return new ExpressionEvalError(e.message);
  if (e instanceof RangeError) return new ExpressionEvalError(`runtime error: ${e.message}`);
  return e instanceof Error ? e : new ExpressionEvalError(String(e));
}

class JpProgram implements Program {
  /** @param payloadInts kyverno-json's refusal of payload integers in arithmetic (payload-ints.ts) */
  constructor(
    private readonly ast: AstNode,
    private readonly payloadInts: boolean,
  ) {}

  evaluate(value: unknown, bindings: Bindings): unknown {
    try {
      return withBudget(JP_COST_LIMIT, () =>
        evaluate(this.ast, value ?? null, {
          bindings,
          functions: jpFunctions,
          root: null,
          payloadInts: this.payloadInts,
        }),
      );
    } catch (e) {
      throw toEvalError(e);
    }
  }
}

const cache = new BoundedCache<string, Program>(2048);

/**
 * @param payloadInts refuse payload integers in kyverno-json's arithmetic (payload-ints.ts)
 * @param strict report unknown functions and wrong arities now (the gate refuses such a policy
 *   before anything runs); without it they surface when the call is evaluated, as in kyverno-json.
 */
export function compileJp(expression: string, strict = true, payloadInts = false): Program {
  const key = `${strict ? 's' : 'l'}${payloadInts ? 'i' : 'n'}${expression}`;
  return cache.getOrCreate(key, () => {
    const ast = parse(expression);
    // the depth check runs always: the interpreter recurses as deep as the AST
    check(ast, strict, 0);
    return new JpProgram(ast, payloadInts);
  });
}

export const jpCompiler: Compiler = { compile: (e) => compileJp(e, true) };

/** kyverno-json's own timing of function checks: at evaluation. */
export const jpCompilerDeferred: Compiler = { compile: (e) => compileJp(e, false) };

/** kyverno-json's semantics (`scan`): deferred function checks, payload integers refused by arithmetic. */
export const jpCompilerKyverno: Compiler = { compile: (e) => compileJp(e, false, true) };

/** Compile (cached) and evaluate `expression` with `@` = value. */
export function searchJp(expression: string, value: unknown, bindings: Bindings = Bindings.empty): unknown {
  return compileJp(expression).evaluate(value, bindings);
}
