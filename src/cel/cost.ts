/**
 * Kubernetes' runtime cost of CEL (k8s.io/apiserver/pkg/cel: cel-go's interpreter.CostTracker
 * with the library's CallCost), enforced while an expression runs on @marcbachmann/cel-js:
 *
 * - one unit per evaluation step (each AST node the evaluator runs, comprehension bodies once
 *   per element), ten more for a list literal and thirty for a map literal;
 * - size-dependent calls as cel-go and Kubernetes charge them: string `+` and list `+` a tenth
 *   of both sizes, comparisons a tenth of the smaller, `in` the list's size, contains /
 *   startsWith / endsWith / matches / indexOf / lowerAscii / trim / substring / quote /
 *   format a tenth of the receiver (matches and contains times the pattern's share),
 *   replace / split two tenths of the receiver, join two tenths of the result, sets.* the
 *   product of the sizes;
 * - before a call builds a string or list (`+`, replace, join, split, format, reverse), its
 *   size is reserved (expression/budget.ts): a result the remaining budget could not traverse
 *   is never built.
 *
 * The library has no cost hooks: the handlers of those operators and functions are wrapped in
 * the environment's own registry (reached as env.ts reaches it), and the environment's
 * evaluator counts steps through its `run`, found by evaluating a probe once. Outside an
 * evaluation under a budget (expression/budget.ts withBudget) nothing is counted.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { charge, reserve, traversalCost } from '../expression/budget.js';

/** Kubernetes' limits (k8s.io/apiserver/pkg/apis/cel/config.go). */
export const CEL_COST_LIMITS = {
  /** Largest runtime cost of one evaluation of one expression (PerCallLimit). */
  perCallLimit: 1_000_000,
  /** Runtime cost of all rules on one validated object (RuntimeCELCostBudget). */
  runtimeCostBudget: 10_000_000,
} as const;

/** The text cel-go gives a cancelled evaluation. */
export const COST_LIMIT_MESSAGE = 'operation cancelled: actual cost limit exceeded';

/** cel-go's regex cost: each 4 characters of a pattern count as one expression (0.25). */
const REGEX_COST_FACTOR = 0.25;

type Handler = (...args: any[]) => unknown;

interface Decl {
  readonly name?: string;
  readonly operator?: string;
  readonly receiverType: unknown;
  readonly returnType: unknown;
  readonly leftType?: unknown;
  readonly rightType?: unknown;
  readonly description?: string | null;
  readonly params?: unknown[];
  readonly handler: Handler;
  readonly macro?: unknown;
  readonly async?: boolean;
  readonly constructor: new (init: object) => Decl;
}

interface Candidates {
  declarations: Decl[];
}

export interface CostRegistry {
  functionCandidates(receiver: boolean, name: string, argCount: number): Candidates;
  operatorCandidates(op: string): Candidates;
}

/** Size as cel-go's actualSize: string length, list and map entries, else 1. */
function size(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  if (v instanceof Uint8Array) return v.length;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.keys(v).length;
  return 1;
}

const isSized = (v: unknown): boolean => typeof v === 'string' || Array.isArray(v) || v instanceof Uint8Array;

/** Charge (and reserve) before the operator runs; the arguments are (left, right). */
const OPERATOR_COSTS: Record<string, (l: unknown, r: unknown) => void> = {
  '+': (l, r) => {
    if (!isSized(l) || !isSized(r)) return;
    const n = size(l) + size(r);
    charge(traversalCost(n));
    reserve(n);
  },
  '==': (l, r) => charge(traversalCost(Math.min(size(l), size(r)))),
  '!=': (l, r) => charge(traversalCost(Math.min(size(l), size(r)))),
  '<': (l, r) => charge(traversalCost(Math.min(size(l), size(r)))),
  '<=': (l, r) => charge(traversalCost(Math.min(size(l), size(r)))),
  '>': (l, r) => charge(traversalCost(Math.min(size(l), size(r)))),
  '>=': (l, r) => charge(traversalCost(Math.min(size(l), size(r)))),
  in: (_l, r) => charge(Array.isArray(r) || r instanceof Set ? size(r) : 1),
};

const receiverTraversal = (a: unknown[]) => charge(traversalCost(size(a[0])));

/** Length of `s` with `old` replaced by `repl` everywhere (an upper bound for a count). */
function replacedLength(s: string, old: string, repl: string): number {
  if (old === '') return s.length + (s.length + 1) * repl.length;
  if (repl.length <= old.length) return s.length;
  let count = 0;
  for (let i = s.indexOf(old); i >= 0; i = s.indexOf(old, i + old.length)) count++;
  return s.length + count * (repl.length - old.length);
}

/** Charge (and reserve) before the function runs; the arguments are the receiver first. */
const FUNCTION_COSTS: Record<string, (a: unknown[]) => void> = {
  contains: (a) => charge(traversalCost(size(a[0])) * traversalCost(size(a[1]))),
  startsWith: (a) => charge(traversalCost(size(a[1]))),
  endsWith: (a) => charge(traversalCost(size(a[1]))),
  matches: (a) => charge(Math.ceil((1 + size(a[0])) * 0.1) * Math.ceil(size(a[1]) * REGEX_COST_FACTOR)),
  indexOf: receiverTraversal,
  lastIndexOf: receiverTraversal,
  lowerAscii: receiverTraversal,
  upperAscii: receiverTraversal,
  substring: receiverTraversal,
  trim: receiverTraversal,
  charAt: receiverTraversal,
  quote: (a) => charge(traversalCost(size(a[1]))),
  reverse: (a) => {
    receiverTraversal(a);
    reserve(size(a[0]));
  },
  format: (a) => {
    let n = size(a[0]);
    if (Array.isArray(a[1])) for (const v of a[1]) n += typeof v === 'string' ? v.length : 32;
    charge(traversalCost(n));
    reserve(n);
  },
  replace: (a) => {
    charge(traversalCost(size(a[0]) * 2));
    if (typeof a[0] === 'string' && typeof a[1] === 'string' && typeof a[2] === 'string')
      reserve(replacedLength(a[0], a[1], a[2]));
  },
  split: (a) => {
    charge(traversalCost(size(a[0]) * 2));
    // splitting on '' makes one string per character
    reserve(size(a[0]) + 1);
  },
  join: (a) => {
    const list = Array.isArray(a[0]) ? a[0] : [];
    let n = typeof a[1] === 'string' ? Math.max(0, list.length - 1) * a[1].length : 0;
    for (const s of list) n += size(s);
    charge(traversalCost(n * 2));
    reserve(n);
  },
};

/** sets.contains / equivalent / intersects: (namespace, a, b), a nested scan. */
const SET_COST = (a: unknown[]) => charge(size(a[1]) * size(a[2]));
const SET_FUNCTIONS = ['contains', 'equivalent', 'intersects'];

function rebuild(candidates: Candidates, wrap: (h: Handler) => Handler, only?: (d: Decl) => boolean): void {
  const ds = candidates.declarations;
  for (let i = 0; i < ds.length; i++) {
    const d = ds[i];
    if (d.macro || (only && !only(d))) continue;
    const handler = wrap(d.handler);
    ds[i] =
      d.operator !== undefined
        ? new d.constructor({
            op: d.operator,
            leftType: d.leftType,
            rightType: d.rightType ?? undefined,
            handler,
            returnType: d.returnType,
            async: false,
          })
        : new d.constructor({
            name: d.name,
            receiverType: d.receiverType,
            returnType: d.returnType,
            description: d.description,
            params: d.params,
            handler,
            async: false,
          });
  }
}

/** A type without values in any expression (see instrumentCosts). */
class CostProbe {}

interface Evaluator {
  run(ast: { op: string; evaluate: Handler }, ctx: unknown): unknown;
}

/**
 * Wraps the costed operators and functions of `env` (call last, when every overload is
 * registered) and makes its evaluator count steps.
 */
export function instrumentCosts(env: Environment, registry: CostRegistry): void {
  // Until an environment declares an operator of its own it shares the library's global
  // operator table (and its overload caches): declare one on a type no expression can reach.
  env.registerType('CostProbe', CostProbe).registerOperator('-CostProbe: CostProbe', (x: CostProbe) => x);
  let evaluator: Evaluator | undefined;
  for (const [op, cost] of Object.entries(OPERATOR_COSTS)) {
    rebuild(registry.operatorCandidates(op), (h) => (l: unknown, r: unknown, ast: unknown, ev: Evaluator) => {
      evaluator ??= ev;
      cost(l, r);
      return h(l, r, ast, ev);
    });
  }
  for (const [name, cost] of Object.entries(FUNCTION_COSTS)) {
    for (const receiver of [true, false]) {
      for (let n = 0; n <= 3; n++) {
        rebuild(
          registry.functionCandidates(receiver, name, n),
          (h) =>
            function (this: unknown, ...args: unknown[]) {
              cost(args);
              return h.apply(this, args);
            },
          // sets.contains shares the name with string.contains
          (d) => !String((d.receiverType as { name?: string } | null)?.name ?? '').endsWith('Namespace'),
        );
      }
    }
  }
  for (const name of SET_FUNCTIONS) {
    rebuild(
      registry.functionCandidates(true, name, 2),
      (h) =>
        function (this: unknown, ...args: unknown[]) {
          SET_COST(args);
          return h.apply(this, args);
        },
      (d) => String((d.receiverType as { name?: string } | null)?.name ?? '') === 'SetsNamespace',
    );
  }
  // the wrapped `+` sees the evaluator: count its steps from now on
  env.evaluate('"" + ""');
  if (evaluator === undefined)
    throw new Error('cel: unsupported @marcbachmann/cel-js internals (no evaluator)');
  const ev = evaluator;
  ev.run = function run(ast, ctx) {
    charge(ast.op === 'list' ? 11 : ast.op === 'map' ? 31 : 1);
    return ast.evaluate(this, ast, ctx);
  };
}
