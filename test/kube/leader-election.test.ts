// Leader election on a real Lease: one leader at a time; when the leader dies (stops renewing
// without releasing) the other candidate takes over within the lease duration; a clean stop
// hands over at once.
import type { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderElector } from '../../src/controller/leader-election.js';
import { clientNode, kubeConfig, kubeTestenv } from '../testenv/index.js';

const env = await kubeTestenv('leader election');
const k8s = env ? await clientNode() : undefined;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await wait(20);
  }
  return Date.now() - t0;
}

describe.skipIf(!env)('leader election on a coordination.k8s.io Lease', () => {
  let api: CoordinationV1Api;
  const namespace = `le-${Date.now().toString(36)}`;
  beforeAll(async () => {
    const kc = await kubeConfig(env!);
    api = kc.makeApiClient(k8s!.CoordinationV1Api);
    await kc.makeApiClient(k8s!.CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  });
  const electors: LeaderElector[] = [];
  afterAll(async () => {
    for (const e of electors) await e.stop({ release: false });
  });

  function candidate(identity: string, log: string[]) {
    const e = new LeaderElector({
      api,
      namespace,
      name: 'clustermint-controller',
      identity,
      leaseDurationMs: 2_000,
      renewDeadlineMs: 1_500,
      retryPeriodMs: 200,
      onStartedLeading: () => log.push(`${identity} started`),
      onStoppedLeading: () => log.push(`${identity} stopped`),
      log: (event, fields) => {
        if (process.env.LE_DEBUG) console.log(identity, event, fields);
      },
    });
    electors.push(e);
    void e.run();
    return e;
  }

  it('elects one leader, fails over within the lease duration, never two at once', async () => {
    const log: string[] = [];
    const a = candidate('replica-a', log);
    await until(() => a.isLeader, 5_000);
    const b = candidate('replica-b', log);
    await wait(800);
    expect(b.isLeader).toBe(false);

    // overlap watchdog: sample leadership while the leader dies
    let both = false;
    const sampler = setInterval(() => {
      if (a.isLeader && b.isLeader) both = true;
    }, 10);
    const killedAt = Date.now();
    await a.stop({ release: false }); // crash: no release, the Lease runs out
    const tookOver = await until(() => b.isLeader, 5_000);
    clearInterval(sampler);
    expect(both).toBe(false);
    // b waits for the lease to expire (2 s after a's last renew) and no longer than a retry after
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(1_500);
    expect(tookOver).toBeLessThan(2_000 + 1_000);
    const lease = await api.readNamespacedLease({ name: 'clustermint-controller', namespace });
    expect(lease.spec?.holderIdentity).toBe('replica-b');
    expect(lease.spec?.leaseTransitions).toBe(1);
    expect(log).toEqual(['replica-a started', 'replica-a stopped', 'replica-b started']);
  });

  it('a clean stop releases the Lease so the next candidate leads at once', async () => {
    const log: string[] = [];
    const name = 'handover';
    const make = (identity: string) => {
      const e = new LeaderElector({
        api,
        namespace,
        name,
        identity,
        leaseDurationMs: 10_000,
        renewDeadlineMs: 8_000,
        retryPeriodMs: 200,
        onStartedLeading: () => log.push(`${identity} started`),
        onStoppedLeading: () => log.push(`${identity} stopped`),
      });
      electors.push(e);
      void e.run();
      return e;
    };
    const c = make('replica-c');
    await until(() => c.isLeader, 5_000);
    const d = make('replica-d');
    await c.stop({ release: true });
    // far sooner than the 10 s lease duration
    const took = await until(() => d.isLeader, 3_000);
    expect(took).toBeLessThan(2_000);
  });
});
