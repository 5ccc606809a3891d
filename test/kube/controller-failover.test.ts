// Leader failover of `clustermint controller --leader-elect`: two processes of the built CLI
// with short lease timings share one simulated cloud file. The leader is killed (SIGKILL: no
// release) while a ClusterDeployment provisions; the other process takes over within the lease
// duration and finishes it, and nothing is done twice: one cloud machine per Machine, each
// Machine created once (its MachineCreated events). The survivor serves /metrics and /readyz,
// and a SIGTERM releases the Lease. Needs `npm run build` (skipped without dist/).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterEvent, EVENT_TYPE } from '../../src/api/event.js';
import { MACHINE_TYPE } from '../../src/api/machine.js';
import { LABEL_CLUSTER_DEPLOYMENT } from '../../src/domain/labels.js';
import { SimulatedCloud, systemClock } from '../../src/providers/index.js';
import { installCrds, type KubeStore, openKubeStore } from '../../src/store/kube/index.js';
import type { KubeObject } from '../../src/store/types.js';
import { CliProcess, cliBuilt, eventually } from '../helpers/process.js';
import { kubeTestenv } from '../testenv/index.js';

const built = cliBuilt();
if (!built) console.warn('skipping the controller failover test: run npm run build first');
const env = built ? await kubeTestenv('controller leader failover') : undefined;

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const LEASE = { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 200 };

/** A controller process and its JSON log lines. */
class Replica extends CliProcess {
  constructor(
    readonly name: string,
    args: string[],
  ) {
    super(['controller', ...args]);
  }
  get port(): number {
    return this.first('serving')?.port as number;
  }
  get identity(): string {
    return this.first('campaigning for the lease')?.identity as string;
  }
}

describe.skipIf(!env)('controller leader failover (two CLI processes, one Lease)', () => {
  const ns = `ha-${Date.now().toString(36)}`;
  const cloudFile = join(mkdtempSync(join(tmpdir(), 'cm-ha-')), 'cloud.db');
  let store: KubeStore;
  const replicas: Replica[] = [];

  const start = (name: string) => {
    const r = new Replica(name, [
      '--kubeconfig',
      env!.kubeconfig,
      '--namespace',
      ns,
      '--leader-elect',
      '--leader-election-namespace',
      ns,
      '--lease-duration',
      `${LEASE.leaseDurationMs}ms`,
      '--renew-deadline',
      `${LEASE.renewDeadlineMs}ms`,
      '--retry-period',
      `${LEASE.retryPeriodMs}ms`,
      '--metrics-port',
      '0',
      '--metrics-address',
      '127.0.0.1',
      '--simulated-state',
      cloudFile,
      '--log-level',
      'debug',
    ]);
    replicas.push(r);
    return r;
  };

  beforeAll(async () => {
    store = await openKubeStore({ kubeconfig: env!.kubeconfig });
    await installCrds(store);
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });
  afterAll(async () => {
    for (const r of replicas)
      if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
    if (process.env.CTL_DEBUG)
      for (const r of replicas) for (const l of r.lines) console.log(r.name, JSON.stringify(l));
    await store?.close();
  });

  it('the standby takes over within the lease duration and nothing is done twice', async () => {
    const a = start('a');
    await eventually('a to lead', () => a.first('reconciling'));
    const b = start('b');
    await eventually('b to campaign', () => b.first('campaigning for the lease'));
    expect(b.identity).not.toBe(a.identity);

    await store.create({
      ...CD,
      metadata: { name: 'ha', namespace: ns },
      spec: {
        template: 'simulated-standalone-cp',
        config: {
          controlPlaneNumber: 1,
          workersNumber: 3,
          bootDelay: '1s',
          k0s: { version: 'v1.33.4+k0s.0' },
        },
      },
    });
    // Kill the leader mid-provisioning: after its first machine, before the workers exist.
    await eventually('a to create a machine', () => a.lines.find((l) => l.reason === 'MachineCreated'));
    expect(b.first('reconciling')).toBeUndefined();
    const killedAt = Date.now();
    a.proc.kill('SIGKILL');
    await a.exit;

    const tookOver = await eventually('b to lead', () => b.first('reconciling'), 10_000);
    const after = (tookOver.at as number) - killedAt;
    // not before the Lease ran out (it was renewed up to a retry period before the kill)...
    expect(after).toBeGreaterThanOrEqual(LEASE.leaseDurationMs - LEASE.retryPeriodMs - 100);
    // ...and within the lease duration plus one retry period (and scheduling slack)
    expect(after).toBeLessThan(LEASE.leaseDurationMs + LEASE.retryPeriodMs + 700);

    const ready = (await eventually(
      'ha Ready',
      async () => {
        const cd = (await store.get({ ...CD, namespace: ns, name: 'ha' })) as KubeObject & {
          status?: { conditions?: { type: string; status: string }[] };
        };
        return cd.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? cd : undefined;
      },
      60_000,
    )) as KubeObject;
    expect(ready.metadata.name).toBe('ha');

    const machines = (await store.list(MACHINE_TYPE, { namespace: ns })).items;
    expect(machines).toHaveLength(4);
    const events = (
      await store.list(EVENT_TYPE, { namespace: ns, labelSelector: `${LABEL_CLUSTER_DEPLOYMENT}=ha` })
    ).items as ClusterEvent[];
    const created = events.filter((e) => e.reason === 'MachineCreated').map((e) => e.involvedObject.name);
    // Events are stored with their pass's status (one write): the killed leader's last pass may
    // have lost its events, never made one twice.
    expect(new Set(created).size).toBe(created.length);
    for (const name of created) expect(machines.map((m) => m.metadata.name)).toContain(name);
    // Both processes did part of the work: a created the first machine, b the others.
    const byA = a.lines.filter((l) => l.reason === 'MachineCreated').length;
    const byB = b.lines.filter((l) => l.reason === 'MachineCreated').length;
    expect(byA).toBeGreaterThanOrEqual(1);
    expect(byA + byB).toBe(4);

    const cloud = new SimulatedCloud({ clock: systemClock, path: cloudFile });
    try {
      // one cloud machine per Machine, none made twice
      expect(cloud.machineRecordCount()).toBe(4);
      const live = await cloud.listMachines(`${ns}/ha`);
      expect(live.map((m) => m.machineId).sort()).toEqual(
        machines.map((m) => `${ns}/${m.metadata.name}`).sort(),
      );
    } finally {
      cloud.close();
    }

    const lease = await store.get({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: ns,
      name: 'clustermint-controller',
    });
    expect((lease.spec as { holderIdentity: string; leaseTransitions: number }).holderIdentity).toBe(
      b.identity,
    );
    expect((lease.spec as { leaseTransitions: number }).leaseTransitions).toBe(1);

    // The survivor's ops endpoints, over HTTP.
    const base = `http://127.0.0.1:${b.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^clustermint_leader 1$/m);
    expect(metrics).toMatch(
      /^clustermint_reconcile_duration_seconds_count\{kind="ClusterDeployment",result="requeue"\} [1-9]/m,
    );

    // SIGTERM: finish the step, release the Lease, exit 0.
    b.proc.kill('SIGTERM');
    expect(await b.exit).toBe(0);
    expect(b.stderr).toMatch(/stopped\n$/);
    const released = await store.get({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: ns,
      name: 'clustermint-controller',
    });
    expect((released.spec as { holderIdentity?: string }).holderIdentity ?? '').toBe('');
  }, 120_000);
});
