/**
 * Counting work instead of timing it: while `fn` runs, every step of an array iteration (`for
 * ... of`, spreads, destructuring) is counted, and every call of an array's scanning methods
 * (some, find, includes, indexOf, filter, map, ...) counts as many steps as the array is long.
 * A scan inside a loop shows up as n x m steps whatever the machine's speed, so "4x the input,
 * about 4x the steps" is a test of linearity that a slow or busy machine cannot make flaky.
 */
const SCANS = [
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'includes',
  'indexOf',
  'lastIndexOf',
  'filter',
  'map',
  'forEach',
  'reduce',
  'slice',
  'concat',
] as const;

export function countArraySteps<T>(fn: () => T): { result: T; steps: number } {
  const proto = Array.prototype as unknown as Record<PropertyKey, unknown>;
  const originals = new Map<PropertyKey, unknown>([
    [Symbol.iterator, proto[Symbol.iterator]],
    ...SCANS.map((name) => [name, proto[name]] as [PropertyKey, unknown]),
  ]);
  let steps = 0;
  proto[Symbol.iterator] = function* (this: unknown[]) {
    for (let i = 0; i < this.length; i++) {
      steps++;
      yield this[i];
    }
  };
  for (const name of SCANS) {
    const original = originals.get(name) as (...args: unknown[]) => unknown;
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      steps += this.length;
      return original.apply(this, args);
    };
  }
  try {
    return { result: fn(), steps };
  } finally {
    for (const [key, original] of originals) proto[key] = original;
  }
}
