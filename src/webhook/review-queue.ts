/**
 * Which review an isolate takes next, and which ones wait or are refused (issue 17: one tenant's
 * large reviews must not raise the others' latency). Pure bookkeeping, no timers: the pool
 * (isolate-pool.ts) asks and tells.
 * - A review whose body is over the large-review size is "large": at most ceil(isolates/2) of them
 *   are evaluated at once, at most 4 × isolates wait; one more is refused (HTTP 429).
 * - A free isolate takes the oldest small review first, then, if it is one that takes large
 *   reviews, the oldest large one if fewer than the limit are running (the pool runs large
 *   reviews only in its low-priority isolates, isolate-pool.ts).
 * - A review whose deadline passed while it waited is dropped (HTTP 503), never evaluated.
 */

export interface Queued {
  large: boolean;
  /** When its deadline passes (ms, the caller's clock). */
  deadlineAt: number;
}

export class ReviewQueue<T extends Queued> {
  readonly maxLargeRunning: number;
  readonly maxLargeWaiting: number;
  private readonly small: T[] = [];
  private readonly large: T[] = [];
  private largeRunning = 0;

  constructor(isolates: number) {
    this.maxLargeRunning = Math.max(1, Math.ceil(isolates / 2));
    this.maxLargeWaiting = Math.max(1, 4 * isolates);
  }

  /** Whether a review would be refused now. */
  full(large: boolean): boolean {
    return large && this.large.length >= this.maxLargeWaiting;
  }

  /** Queues a review, or refuses it (false) when too many large ones wait already. */
  offer(item: T): boolean {
    if (!item.large) {
      this.small.push(item);
      return true;
    }
    if (this.full(true)) return false;
    this.large.push(item);
    return true;
  }

  /**
   * For a free isolate at `now`: the review to evaluate (counted as running until `finished`),
   * and the ones whose deadline passed meanwhile (removed). An isolate that does not take large
   * reviews (`takesLarge` false) gets small ones only.
   */
  next(now: number, takesLarge = true): { take?: T; expired: T[] } {
    const expired = this.expire(now);
    let take = this.small.shift();
    if (!take && takesLarge && this.large.length > 0 && this.largeRunning < this.maxLargeRunning) {
      take = this.large.shift();
      this.largeRunning++;
    }
    return { ...(take ? { take } : {}), expired };
  }

  /** A review taken by `next` is done (answered, stopped or dropped). */
  finished(item: T): void {
    if (item.large) this.largeRunning = Math.max(0, this.largeRunning - 1);
  }

  /** Removes a waiting review (its deadline passed); false when it is not waiting. */
  remove(item: T): boolean {
    const list = item.large ? this.large : this.small;
    const i = list.indexOf(item);
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
  }

  /** The reviews past their deadline, removed. */
  expire(now: number): T[] {
    const out: T[] = [];
    for (const list of [this.small, this.large])
      for (let i = list.length - 1; i >= 0; i--)
        if (list[i]!.deadlineAt <= now) out.unshift(...list.splice(i, 1));
    return out;
  }

  get waiting(): { small: number; large: number; largeRunning: number } {
    return { small: this.small.length, large: this.large.length, largeRunning: this.largeRunning };
  }
}
