// The audit trail's pure parts (src/domain/audit.ts): the action, bounded appends, expiry.
import { describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  appendEntry,
  auditAction,
  DEFAULT_HISTORY_RETENTION_MS,
  historyExpired,
  historyExpiry,
  MAX_HISTORY_ENTRIES,
} from '../../src/domain/audit.js';

describe('auditAction', () => {
  it.each([
    ['create', true, undefined, 'a', 'created'],
    ['create', false, undefined, 'a', 'denied'],
    ['update', true, 'a', 'a', 'changed'],
    ['update', true, 'a', 'b', 'upgraded'],
    ['update', true, undefined, 'b', 'changed'],
    ['update', false, 'a', 'b', 'denied'],
    ['delete', true, 'a', undefined, 'deleted'],
    ['delete', false, 'a', undefined, 'denied'],
  ] as const)('%s allowed=%s %s -> %s: %s', (op, allowed, from, to, action) => {
    expect(auditAction(op, allowed, from, to)).toBe(action);
  });
});

const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  time: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  user: 'alice',
  via: 'cli',
  action: 'changed',
  template: 't',
  allowed: true,
  ...over,
});

describe('appendEntry', () => {
  it('appends at the end and drops nothing below the cap', () => {
    const r = appendEntry([entry(1)], entry(2));
    expect(r.entries.map((e) => e.time)).toEqual([entry(1).time, entry(2).time]);
    expect(r.dropped).toBe(0);
  });
  it(`keeps the newest ${MAX_HISTORY_ENTRIES} and counts the dropped`, () => {
    const full = Array.from({ length: MAX_HISTORY_ENTRIES }, (_, i) => entry(i));
    const r = appendEntry(full, entry(999));
    expect(r.entries).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(r.dropped).toBe(1);
    expect(r.entries[0]).toEqual(entry(1));
    expect(r.entries.at(-1)).toEqual(entry(999));
  });
  it('clips violations to 20 lines of at most 512 characters', () => {
    const long = 'x'.repeat(600);
    const r = appendEntry(
      [],
      entry(1, {
        allowed: false,
        action: 'denied',
        violations: [long, ...Array.from({ length: 24 }, (_, i) => `v${i}`)],
      }),
    );
    const v = r.entries[0]!.violations!;
    expect(v).toHaveLength(20);
    expect([...v[0]!]).toHaveLength(512);
    expect(v[0]!.endsWith('…')).toBe(true);
    expect(v[18]).toBe('v17');
    expect(v[19]).toBe('(and 6 more)');
  });
  it('does not change the entries it was given', () => {
    const given = [entry(1)];
    const violations = ['a'];
    appendEntry(given, entry(2, { violations }));
    expect(given).toEqual([entry(1)]);
    expect(violations).toEqual(['a']);
  });
});

describe('historyExpired', () => {
  const now = Date.parse('2025-02-01T00:00:00Z');
  it.each([
    ['not deleted', {}, false],
    [
      'deleted, expiry ahead',
      { deletedAt: '2025-01-31T00:00:00Z', expiresAt: '2025-02-02T00:00:00Z' },
      false,
    ],
    [
      'deleted, expiry passed',
      { deletedAt: '2025-01-01T00:00:00Z', expiresAt: '2025-01-31T00:00:00Z' },
      true,
    ],
    ['expiry exactly now', { deletedAt: '2025-01-01T00:00:00Z', expiresAt: '2025-02-01T00:00:00Z' }, true],
    [
      'no expiresAt: the default retention (30 days) from deletedAt, not yet',
      { deletedAt: '2025-01-03T00:00:00Z' },
      false,
    ],
    ['no expiresAt: the default retention passed', { deletedAt: '2025-01-01T00:00:00Z' }, true],
    ['an unreadable time never expires', { deletedAt: 'yesterday', expiresAt: 'x' }, false],
    ['an expiresAt without deletedAt: the object still exists', { expiresAt: '2025-01-01T00:00:00Z' }, false],
  ])('%s', (_n, h, expected) => expect(historyExpired(h, now)).toBe(expected));
  it('historyExpiry adds the retention', () => {
    expect(historyExpiry('2025-01-01T00:00:00Z')).toBe('2025-01-31T00:00:00.000Z');
    expect(historyExpiry('2025-01-01T00:00:00Z', 3600_000)).toBe('2025-01-01T01:00:00.000Z');
    expect(DEFAULT_HISTORY_RETENTION_MS).toBe(30 * 24 * 3600_000);
  });
});
