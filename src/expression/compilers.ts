/**
 * The expression languages of a policy: `jp` (JMESPath, community dialect with kyverno-json's
 * functions) and `cel`. Compile once, evaluate many (as kyverno-json's pkg/core/compilers).
 */
import type { Bindings } from './bindings.js';

export type CompilerName = 'jp' | 'cel';

/** A compiled expression. `value` is `@` (JMESPath) or `object` (CEL). */
export interface Program {
  evaluate(value: unknown, bindings: Bindings): unknown;
}

/** Thrown by `compile` for a syntax error, an unknown function or a wrong arity. */
export class ExpressionCompileError extends Error {}

/** Thrown by `evaluate`; the message is what kyverno-json prints as the error detail. */
export class ExpressionEvalError extends Error {}

export interface Compiler {
  compile(expression: string): Program;
}
