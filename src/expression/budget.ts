/**
 * A work budget for one expression evaluation, shared through nested calls (a `$binding`
 * computed lazily inside another expression charges the same budget).
 *
 * The unit follows cel-go's runtime cost (k8s.io/apiserver/pkg/cel, interpreter.CostTracker):
 * one per evaluation step, and for functions that traverse or build strings and lists a tenth
 * of their size (common.StringTraversalCostFactor). Unlike cel-go, which adds a call's cost
 * after the call returns, a function that builds a string or list asks `reserve(size)` before
 * it allocates: a value that could not even be traversed once within the remaining budget is
 * never built, so no input can grow a string until V8 aborts the process.
 *
 * The budget in force is module state: evaluation is synchronous, and the interpreters'
 * functions have no other way to reach it. Once exceeded the budget stays exhausted, so an
 * engine that swallows errors (CEL's `||` and `.exists`, JMESPath's projections) cannot turn
 * it into a result: `withBudget` throws again when the evaluation returns.
 */
import { LIMITS } from '../util/limits.js';

/** The fraction of a string's or list's size one traversal costs (cel-go). */
export const TRAVERSAL_COST_FACTOR = 0.1;

/**
 * Largest string (UTF-16 units) or list one function may build, whatever the budget left: a
 * quarter of the text one input may hold after alias expansion (LIMITS.maxExpandedChars).
 */
export const MAX_VALUE_SIZE = LIMITS.maxExpandedChars / 4;

/** Thrown when an evaluation exceeds its budget; engines map it to their own wording. */
export class BudgetExceededError extends Error {
  constructor(readonly limit: number) {
    super(`actual cost limit exceeded (more than ${limit} cost units)`);
  }
}

/** A value larger than MAX_VALUE_SIZE, outside any budget. */
class ValueTooLargeError extends BudgetExceededError {
  constructor(size: number) {
    super(0);
    this.message = `value too large: ${size} elements or characters (at most ${MAX_VALUE_SIZE})`;
  }
}

export class WorkBudget {
  spent = 0;
  exhausted = false;
  constructor(
    readonly limit: number,
    private readonly parent: WorkBudget | undefined,
  ) {}

  /** Adds `cost` units; throws once the budget (or an enclosing one) is exceeded. */
  charge(cost: number): void {
    this.spent += cost;
    if (this.spent > this.limit || this.exhausted) this.exhaust();
    this.parent?.charge(cost);
  }

  /** Refuses to build a value of `size` that the remaining budget could not traverse. */
  reserve(size: number): void {
    if (size > MAX_VALUE_SIZE || this.spent + Math.ceil(size * TRAVERSAL_COST_FACTOR) > this.limit)
      this.exhaust();
    this.parent?.reserve(size);
  }

  private exhaust(): never {
    this.exhausted = true;
    throw new BudgetExceededError(this.limit);
  }
}

let current: WorkBudget | undefined;

/** The budget of the evaluation in progress, if any. */
export function activeBudget(): WorkBudget | undefined {
  return current;
}

/**
 * Runs `evaluate` under a budget of `limit` units, nested in (and charging) the budget in
 * force. Throws BudgetExceededError when the budget ran out, even if `evaluate` swallowed it.
 * `spent`, when given, learns what the evaluation cost (also when it throws).
 */
export function withBudget<T>(limit: number, evaluate: () => T, spent?: (units: number) => void): T {
  const outer = current;
  const budget = new WorkBudget(limit, outer);
  current = budget;
  try {
    const out = evaluate();
    if (budget.exhausted) throw new BudgetExceededError(limit);
    return out;
  } catch (e) {
    if (budget.exhausted && !(e instanceof BudgetExceededError)) throw new BudgetExceededError(limit);
    throw e;
  } finally {
    current = outer;
    spent?.(budget.spent);
  }
}

/** Charges `cost` to the budget in force (no-op outside an evaluation). */
export function charge(cost: number): void {
  current?.charge(cost);
}

/** `reserve(size)` on the budget in force (outside an evaluation only the size cap applies). */
export function reserve(size: number): void {
  if (current) current.reserve(size);
  else if (size > MAX_VALUE_SIZE) throw new ValueTooLargeError(size);
}

/** The cost of traversing `size` elements or characters once. */
export function traversalCost(size: number): number {
  return Math.ceil(size * TRAVERSAL_COST_FACTOR);
}

/**
 * Charges a step per node of `root` as a deep walk (printing, comparing) would visit it, a
 * shared list or map once per place: `[@,@]` piped 30 times is 30 small arrays and 2^30 nodes
 * to print. Throws once the budget in force runs out; outside an evaluation it walks nothing.
 */
export function chargeWalk(root: unknown): void {
  if (current === undefined) return;
  const stack: unknown[] = [root];
  let n = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    // in batches: a charge climbs the chain of enclosing budgets
    if (++n === 4096) {
      charge(n);
      n = 0;
    }
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else for (const x of Object.values(v)) stack.push(x);
  }
  charge(n);
}
