import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameJson } from '../../src/controller/machines.js';
import { WorkQueue } from '../../src/controller/queue.js';

/** The queue's contract in its plainest form: a scan of every key for each pop. */
class ScanQueue {
  private readonly due = new Map<string, { at: number; seq: number }>();
  private readonly active = new Set<string>();
  private seq = 0;
  add(key: string, at: number): void {
    const old = this.due.get(key);
    if (old && old.at <= at) return;
    this.due.set(key, { at, seq: old?.seq ?? this.seq++ });
  }
  pop(now: number): string | undefined {
    let best: [string, { at: number; seq: number }] | undefined;
    for (const e of this.due)
      if (!this.active.has(e[0]) && e[1].at <= now)
        if (!best || e[1].at < best[1].at || (e[1].at === best[1].at && e[1].seq < best[1].seq)) best = e;
    if (!best) return undefined;
    this.due.delete(best[0]);
    this.active.add(best[0]);
    return best[0];
  }
  done(key: string): void {
    this.active.delete(key);
  }
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const [k, d] of this.due) if (!this.active.has(k) && (min === undefined || d.at < min)) min = d.at;
    return min;
  }
  remove(key: string): void {
    this.due.delete(key);
  }
  get size(): number {
    return this.due.size;
  }
}

const op = fc.oneof(
  fc.record({
    t: fc.constant('add' as const),
    key: fc.integer({ min: 0, max: 7 }),
    at: fc.integer({ min: 0, max: 20 }),
  }),
  fc.record({ t: fc.constant('pop' as const), now: fc.integer({ min: 0, max: 25 }) }),
  fc.record({ t: fc.constant('done' as const), key: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ t: fc.constant('remove' as const), key: fc.integer({ min: 0, max: 7 }) }),
);

describe('WorkQueue', () => {
  it('hands out keys in (due time, arrival) order, skipping active ones, as a full scan would', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const q = new WorkQueue();
        const model = new ScanQueue();
        for (const o of ops) {
          if (o.t === 'add') {
            q.add(`k${o.key}`, o.at);
            model.add(`k${o.key}`, o.at);
          } else if (o.t === 'pop') expect(q.pop(o.now)).toBe(model.pop(o.now));
          else if (o.t === 'done') {
            q.done(`k${o.key}`);
            model.done(`k${o.key}`);
          } else {
            q.remove(`k${o.key}`);
            model.remove(`k${o.key}`);
          }
          expect(q.nextDue()).toBe(model.nextDue());
          expect(q.size).toBe(model.size);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('pops 10,000 keys in order', () => {
    const q = new WorkQueue();
    for (let i = 0; i < 10_000; i++) q.add(`k${i}`, (i * 7919) % 10_000);
    let last = -1;
    for (let i = 0; i < 10_000; i++) {
      const at = q.nextDue()!;
      expect(at).toBeGreaterThanOrEqual(last);
      last = at;
      const k = q.pop(at)!;
      q.done(k);
    }
    expect(q.pop(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe('sameJson', () => {
  it('agrees with comparing JSON texts after sorting keys', () => {
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;
    const text = (v: unknown) => JSON.stringify(sorted(JSON.parse(JSON.stringify(v))));
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, false, 0, 1, 'a', 'b', undefined),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b'), value),
        fc.dictionary(fc.constantFrom('a', 'b'), value),
        (a, b) => {
          expect(sameJson(a, b)).toBe(text(a) === text(b));
          expect(sameJson(a, JSON.parse(JSON.stringify(a)))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
