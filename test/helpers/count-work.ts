/**
 * Counting work instead of timing it: while `fn` runs, every step of an array iteration (`for
 * ... of`, spreads, destructuring, Array.from of an array) is counted. A scan inside a loop
 * shows up as n x m steps whatever the machine's speed, so "4x the input, about 4x the steps"
 * is a test of linearity that a slow or busy machine cannot make flaky.
 */
export function countArraySteps<T>(fn: () => T): { result: T; steps: number } {
  const proto = Array.prototype as unknown as Record<symbol, unknown>;
  const original = proto[Symbol.iterator];
  let steps = 0;
  proto[Symbol.iterator] = function* (this: unknown[]) {
    for (let i = 0; i < this.length; i++) {
      steps++;
      yield this[i];
    }
  };
  try {
    return { result: fn(), steps };
  } finally {
    proto[Symbol.iterator] = original;
  }
}
