// Events expire after the TTL, as the apiserver's --event-ttl expires them; the embedded
// controller sweeps them itself while it records new ones.
import { describe, expect, it } from 'vitest';
import { EVENT_TYPE } from '../../src/api/event.js';
import { EventRecorder } from '../../src/controller/events.js';
import { ManualClock } from '../../src/providers/index.js';
import { openSqliteStore } from '../../src/store/index.js';

const involved = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment', name: 'dev' };

function setup(ttlMs?: number) {
  const clock = new ManualClock();
  const store = openSqliteStore(':memory:', { clock });
  const recorder = new EventRecorder(store, clock, undefined, ttlMs === undefined ? {} : { ttlMs });
  const record = (reason: string) =>
    recorder.record({ deployment: 'dev', namespace: 'team-a', involved, reason, message: reason });
  const reasons = async () =>
    (await store.list(EVENT_TYPE)).items.map((e) => (e as unknown as { reason: string }).reason).sort();
  return { clock, store, recorder, record, reasons };
}

describe('event TTL', () => {
  it('deletes events older than the TTL (default 1 h) when new ones are recorded', async () => {
    const { clock, record, reasons, recorder } = setup();
    await record('Old');
    clock.advance(30 * 60_000);
    await record('Middle');
    clock.advance(31 * 60_000); // Old is 61 min old, Middle 31 min
    await record('New');
    expect(await reasons()).toEqual(['Middle', 'New']);
    expect(recorder.expired).toBe(1);
  });

  it('sweeps at most every tenth of the TTL', async () => {
    const { clock, record, reasons } = setup(10 * 60_000);
    const t0 = clock.now();
    const at = (ms: number) => clock.set(t0 + ms);
    await record('A'); // t=0
    at(70_000);
    await record('X'); // a sweep (due after 1 min): nothing expired
    at(650_000);
    await record('B'); // a sweep: A is 10m50s old
    expect(await reasons()).toEqual(['B', 'X']);
    at(680_000);
    await record('C'); // X is 10m10s old, but the next sweep is due at 11m50s
    expect(await reasons()).toEqual(['B', 'C', 'X']);
    at(711_000);
    await record('D');
    expect(await reasons()).toEqual(['B', 'C', 'D']);
  });

  it('sweeps deferred events when they are flushed', async () => {
    const { clock, record, reasons, recorder } = setup(60_000);
    await record('A');
    clock.advance(2 * 60_000);
    recorder.defer();
    await record('B');
    expect(await reasons()).toEqual(['A']);
    await recorder.flush();
    expect(await reasons()).toEqual(['B']);
  });

  it('keeps every event with a TTL of 0 (a Kubernetes API server expires them itself)', async () => {
    const { clock, record, reasons, recorder } = setup(0);
    await record('A');
    clock.advance(48 * 3_600_000);
    await record('B');
    expect(await recorder.sweep()).toBe(0);
    expect(await reasons()).toEqual(['A', 'B']);
  });
});
