/**
 * The work queue: each key at most once, due at a time (the earliest asked for wins), popped in
 * (due time, arrival) order so a run with a ManualClock is repeatable. Keys being reconciled
 * are not handed out twice; adding one meanwhile queues it again for after.
 */
interface Entry {
  key: string;
  at: number;
  seq: number;
}

const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class WorkQueue {
  /** The live entry of each queued key; heap entries not in here are stale and skipped. */
  private readonly due = new Map<string, Entry>();
  /** Binary min-heap on (at, seq): pop and nextDue are O(log n), not a scan of every key. */
  private readonly heap: Entry[] = [];
  private readonly active = new Set<string>();
  private seq = 0;

  /** Queue `key` for `at` (ms); an earlier time already queued wins. */
  add(key: string, at: number): void {
    const old = this.due.get(key);
    if (old && old.at <= at) return;
    const e: Entry = { key, at, seq: old?.seq ?? this.seq++ };
    this.due.set(key, e);
    this.push(e);
  }

  /** The next key due at or before `now`, marked active; undefined when none is due. */
  pop(now: number): string | undefined {
    const e = this.first();
    if (e === undefined || e.at > now) return undefined;
    this.due.delete(e.key);
    this.active.add(e.key);
    return e.key;
  }

  done(key: string): void {
    this.active.delete(key);
  }

  /** The earliest due time of a key that is not active, or undefined when the queue is empty. */
  nextDue(): number | undefined {
    return this.first()?.at;
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

  /** The earliest live entry whose key is not active (stale entries are dropped on the way). */
  private first(): Entry | undefined {
    let found: Entry | undefined;
    const skipped: Entry[] = [];
    while (this.heap.length) {
      const top = this.heap[0];
      if (this.due.get(top.key) !== top) {
        this.take();
        continue;
      }
      if (this.active.has(top.key)) {
        skipped.push(this.take());
        continue;
      }
      found = top;
      break;
    }
    // Active keys' entries go back (they are due once the key is done); `found` stays in the
    // heap: pop drops it from `due`, which makes it stale.
    for (const e of skipped) this.push(e);
    return found;
  }

  private push(e: Entry): void {
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  private take(): Entry {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
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
