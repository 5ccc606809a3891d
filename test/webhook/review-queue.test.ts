// The isolate queue's decisions (src/webhook/review-queue.ts): large reviews' share, the
// waiting limit (429), small reviews first, deadlines passed while waiting.
import { describe, expect, it } from 'vitest';
import { ReviewQueue } from '../../src/webhook/review-queue.js';

interface Item {
  name: string;
  large: boolean;
  deadlineAt: number;
}
const small = (name: string, deadlineAt = 1000): Item => ({ name, large: false, deadlineAt });
const large = (name: string, deadlineAt = 1000): Item => ({ name, large: true, deadlineAt });

describe('ReviewQueue', () => {
  it.each([
    [1, 1, 4],
    [2, 1, 8],
    [3, 2, 12],
    [4, 2, 16],
  ])('with %i isolates: %i large reviews at once, %i waiting', (isolates, running, waiting) => {
    const q = new ReviewQueue<Item>(isolates);
    expect([q.maxLargeRunning, q.maxLargeWaiting]).toEqual([running, waiting]);
  });

  it('refuses a large review beyond the waiting limit, never a small one', () => {
    const q = new ReviewQueue<Item>(1);
    for (let i = 0; i < 4; i++) expect(q.offer(large(`l${i}`))).toBe(true);
    expect(q.full(true)).toBe(true);
    expect(q.full(false)).toBe(false);
    expect(q.offer(large('l4'))).toBe(false);
    for (let i = 0; i < 100; i++) expect(q.offer(small(`s${i}`))).toBe(true);
    // one taken: room for one more
    for (let i = 0; i < 100; i++) q.next(0);
    expect(q.next(0).take?.name).toBe('l0');
    expect(q.offer(large('l5'))).toBe(true);
  });

  it.each<[string, Item[], number, string[]]>([
    [
      'small before large, oldest first',
      [large('l1'), small('s1'), large('l2'), small('s2')],
      0,
      ['s1', 's2', 'l1'],
    ],
    ['large ones only up to their share (2 isolates: 1)', [large('l1'), large('l2'), large('l3')], 0, ['l1']],
    [
      'a review past its deadline is dropped, not taken',
      [small('s1', 5), small('s2', 50), large('l1', 5)],
      10,
      ['s2'],
    ],
  ])('%s', (_, items, now, taken) => {
    const q = new ReviewQueue<Item>(2);
    for (const i of items) q.offer(i);
    const out: string[] = [];
    for (;;) {
      const { take } = q.next(now);
      if (!take) break;
      out.push(take.name);
    }
    expect(out).toEqual(taken);
  });

  it('reports the expired ones, and frees a large slot when told a review finished', () => {
    const q = new ReviewQueue<Item>(2);
    const l1 = large('l1', 100);
    q.offer(l1);
    q.offer(large('l2', 100));
    q.offer(small('old', 5));
    expect(q.next(10)).toEqual({ take: l1, expired: [small('old', 5)] });
    expect(q.next(10).take).toBeUndefined(); // l2 waits: one large at a time
    q.finished(l1);
    expect(q.next(10).take?.name).toBe('l2');
    expect(q.waiting).toEqual({ small: 0, large: 0, largeRunning: 1 });
  });

  it('an isolate that does not take large reviews gets the small ones only', () => {
    const q = new ReviewQueue<Item>(2);
    q.offer(large('l1'));
    q.offer(small('s1'));
    expect(q.next(0, false).take?.name).toBe('s1');
    expect(q.next(0, false).take).toBeUndefined(); // l1 stays for an isolate that takes large ones
    expect(q.waiting).toEqual({ small: 0, large: 1, largeRunning: 0 });
    expect(q.next(0, true).take?.name).toBe('l1');
  });

  it('removes a waiting review (its deadline timer fired)', () => {
    const q = new ReviewQueue<Item>(1);
    const s = small('s');
    q.offer(s);
    expect(q.remove(s)).toBe(true);
    expect(q.remove(s)).toBe(false);
    expect(q.next(0).take).toBeUndefined();
  });
});
