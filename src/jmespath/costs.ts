/**
 * What a JMESPath function call costs (see expression/budget.ts): one step, a traversal of each
 * string or array argument and of the result; and, for the functions whose result can be much
 * larger than their arguments, the result's size reserved before the function builds it.
 */
import { charge, reserve, traversalCost } from '../expression/budget.js';

const sizeOf = (v: unknown): number => (typeof v === 'string' || Array.isArray(v) ? v.length : 0);

/** Length of `s` with every occurrence of `old` replaced by `repl` (an upper bound for a count). */
export function replacedLength(s: string, old: string, repl: string): number {
  if (old === '') return s.length + (s.length + 1) * repl.length;
  if (repl.length <= old.length) return s.length;
  let count = 0;
  for (let i = s.indexOf(old); i >= 0; i = s.indexOf(old, i + old.length)) count++;
  return s.length + count * (repl.length - old.length);
}

const text = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** Result sizes (an upper bound, in UTF-16 units or elements) of the functions that can grow. */
const RESULT_SIZE: ReadonlyMap<string, (args: unknown[]) => number> = new Map<
  string,
  (args: unknown[]) => number
>([
  ['replace', (a) => replacedLength(text(a[0]), text(a[1]), text(a[2]))],
  ['replace_all', (a) => replacedLength(text(a[0]), text(a[1]), text(a[2]))],
  // regex_replace_all and regex_replace_all_literal ask the budget as their result grows
  [
    'join',
    (a) => {
      const list = Array.isArray(a[1]) ? a[1] : [];
      let n = Math.max(0, list.length - 1) * text(a[0]).length;
      for (const s of list) n += sizeOf(s);
      return n;
    },
  ],
  ['pad_left', (a) => sizeOf(a[0]) + (typeof a[1] === 'number' ? a[1] : 0)],
  ['pad_right', (a) => sizeOf(a[0]) + (typeof a[1] === 'number' ? a[1] : 0)],
  ['concat', (a) => sizeOf(a[0]) + sizeOf(a[1])],
]);

/** Before the call: its step, its arguments' traversal and room for a result that grows. */
export function chargeCall(name: string, args: unknown[]): void {
  let cost = 1;
  for (let i = 0; i < args.length; i++) cost += traversalCost(sizeOf(args[i]));
  charge(cost);
  const size = RESULT_SIZE.get(name);
  if (size !== undefined) reserve(size(args));
}

/** After the call: a traversal of its result. */
export function chargeResult(result: unknown): void {
  const n = sizeOf(result);
  if (n > 0) charge(traversalCost(n));
}
