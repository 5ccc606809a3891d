/**
 * The work queue: each key at most once, due at a time (the earliest asked for wins), popped in
 * (due time, arrival) order so a run with a ManualClock is repeatable. Keys being reconciled
 * are not handed out twice; adding one meanwhile queues it again for after.
 */
export class WorkQueue {
  private readonly due = new Map<string, { at: number; seq: number }>();
  private readonly active = new Set<string>();
  private seq = 0;

  /** Queue `key` for `at` (ms); an earlier time already queued wins. */
  add(key: string, at: number): void {
    const old = this.due.get(key);
    if (old && old.at <= at) return;
    this.due.set(key, { at, seq: old?.seq ?? this.seq++ });
  }

  /** The next key due at or before `now`, marked active; undefined when none is due. */
  pop(now: number): string | undefined {
    let best: string | undefined;
    let bestAt = Number.POSITIVE_INFINITY;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (const [k, d] of this.due) {
      if (this.active.has(k) || d.at > now) continue;
      if (d.at < bestAt || (d.at === bestAt && d.seq < bestSeq)) {
        best = k;
        bestAt = d.at;
        bestSeq = d.seq;
      }
    }
    if (best !== undefined) {
      this.due.delete(best);
      this.active.add(best);
    }
    return best;
  }

  done(key: string): void {
    this.active.delete(key);
  }

  /** The earliest due time of a key that is not active, or undefined when the queue is empty. */
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const [k, d] of this.due) if (!this.active.has(k) && (min === undefined || d.at < min)) min = d.at;
    return min;
  }

  get size(): number {
    return this.due.size;
  }

  has(key: string): boolean {
    return this.due.has(key);
  }

  remove(key: string): void {
    this.due.delete(key);
  }
}

/** Exponential backoff per key: base × 2^(failures-1), capped. */
export class Backoff {
  private readonly failures = new Map<string, number>();
  constructor(
    private readonly baseMs = 500,
    private readonly maxMs = 60_000,
  ) {}

  /** Delay after one more failure of `key`; at least `atLeastMs` (a provider's retryAfter). */
  next(key: string, atLeastMs = 0): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    return Math.max(atLeastMs, Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n - 1, 20)));
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}
