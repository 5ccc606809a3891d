import type { Clock } from './contract.js';

/** The wall clock, for the reconciler. */
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
