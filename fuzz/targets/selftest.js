// Targets that test the runner itself (never in a normal run, only by name): one input in ten
// hangs, or aborts the process as V8 does on a fatal error. The runner must report each with
// the seed, a replay path and the input shrunk to the smallest that trips (90).
import fc from 'fast-check';

const trips = (n) => n >= 90;

export const selfTestTargets = [
  {
    name: 'selftest-hang',
    weight: 1,
    arbitrary: fc.nat({ max: 99 }),
    run(n) {
      if (trips(n)) for (;;);
      return undefined;
    },
  },
  {
    name: 'selftest-abort',
    weight: 1,
    arbitrary: fc.nat({ max: 99 }),
    run(n) {
      if (trips(n)) process.abort();
      return undefined;
    },
  },
];
