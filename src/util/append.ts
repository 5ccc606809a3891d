/**
 * `target.push(...items)` without the spread: a spread passes every item as an argument, and past
 * about 100,000 of them (one finding per key of a large map) V8 throws "Maximum call stack size
 * exceeded".
 */
export function append<T>(target: T[], items: readonly T[]): T[] {
  for (const item of items) target.push(item);
  return target;
}
