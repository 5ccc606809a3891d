/**
 * The work budget of one template evaluation: how many steps it may take and how many
 * characters it may produce, shared by every nested include, `template` and `tpl` call, so that
 * work is bounded in total and not only in depth (an include that calls the next one twice, 40
 * deep, stays under any depth limit and still makes 2^40 calls). One budget is made per render
 * of a chart or of a ClusterClass's patches and handed down; each engine counts in its hot loop
 * (a compare per step) and, when a count goes over, throws its own error located where the
 * template was when it tripped, worded by `exceeded()`.
 */
import { ClustermintError, type SourceLocation } from './errors.js';
import { LIMITS } from './limits.js';

export interface WorkLimits {
  maxSteps: number;
  maxChars: number;
}

export class WorkBudget {
  /** Steps taken so far. */
  steps = 0;
  /** Characters produced so far. */
  chars = 0;
  /** Nested include/template/tpl calls now in progress (kept by the engines, for the message). */
  depth = 0;
  readonly maxSteps: number;
  readonly maxChars: number;

  constructor(limits: Partial<WorkLimits> = {}) {
    this.maxSteps = limits.maxSteps ?? LIMITS.maxTemplateSteps;
    this.maxChars = limits.maxChars ?? LIMITS.maxTemplateOutputChars;
  }

  /** Counts `n` steps; false once the budget is spent. */
  step(n = 1): boolean {
    this.steps += n;
    return this.steps <= this.maxSteps;
  }

  /** Counts `n` characters produced; false once the budget is spent. */
  output(n: number): boolean {
    this.chars += n;
    return this.chars <= this.maxChars;
  }

  /** Whether either count is over: an evaluation that tripped stays tripped. */
  get spent(): boolean {
    return this.steps > this.maxSteps || this.chars > this.maxChars;
  }

  /** The message for the limit that was exceeded (say where in the engine's own way). */
  exceeded(): string {
    const what =
      this.chars > this.maxChars
        ? `more than ${this.maxChars.toLocaleString('en-US')} characters of output`
        : `more than ${this.maxSteps.toLocaleString('en-US')} steps`;
    return `template work limit exceeded: ${what} (include depth ${this.depth})`;
  }
}

/** A spent budget as a CLI error (exit 1), at the template's file, line and column. */
export class WorkLimitError extends ClustermintError {
  constructor(message: string, location: SourceLocation, details: string[] = []) {
    super('TEMPLATE_EXEC', message, location, details);
    this.name = 'WorkLimitError';
  }
}

/** The budget of the evaluation now running (rendering is synchronous: one at a time). */
let running: WorkBudget | undefined;

/** Runs `fn` with `budget` as the running evaluation's (see chargeNode). */
export function runWithin<T>(budget: WorkBudget, fn: () => T): T {
  const outer = running;
  running = budget;
  try {
    return fn();
  } finally {
    running = outer;
  }
}

/**
 * One node visited by a function that walks a value (serializing, printing, merging): a map
 * that holds the same map twice, nested 40 times, is small to build and 2^40 nodes to walk.
 * Throws once the running evaluation's budget is spent; the engine that called the function
 * sees the spent budget and reports it at the call. Outside an evaluation it counts nothing.
 */
export function chargeNode(): void {
  if (running !== undefined && !running.step()) throw new WorkBudgetSpent(running.exceeded());
}

/**
 * Before a function makes a string of `size` characters: throws once the running evaluation
 * could not print that much (the result would be counted as output when it comes back, but
 * building it first can cost gigabytes: `$1` repeated in a replacement). Nothing is counted.
 */
export function reserveOutput(size: number): void {
  if (running !== undefined && running.chars + size > running.maxChars) {
    running.output(size); // spent: the engine reports the output limit where the call was
    throw new WorkBudgetSpent(running.exceeded());
  }
}

/** Thrown from inside a function by chargeNode; engines report the spent budget in their own words. */
export class WorkBudgetSpent extends Error {
  override name = 'WorkBudgetSpent';
}

/**
 * Charges every node of a value as a walk would expand it (a shared part once per place it
 * appears) before a function turns it into text: the walk costs a step per node and no
 * strings, so a value that would print as gigabytes stops here. `children`: a node's items or
 * values, undefined for a leaf.
 */
export function chargeTree(root: unknown, children: (v: unknown) => readonly unknown[] | undefined): void {
  if (running === undefined) return;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    chargeNode();
    const c = children(v);
    if (c !== undefined) for (const x of c) stack.push(x);
  }
}
