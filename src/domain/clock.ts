/**
 * Time as the reconciler, the providers and the stores see it: milliseconds since the epoch from
 * a Clock they are given. Production passes the wall clock; tests a ManualClock they advance.
 */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to, for tests and benchmarks that drive time explicitly. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(startMs = Date.UTC(2025, 0, 1)) {
    this.ms = startMs;
  }
  now(): number {
    return this.ms;
  }
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ${ms} is not a non-negative number`);
    this.ms += ms;
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
