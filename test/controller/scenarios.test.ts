import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../src/api/event.js';
import { Harness } from './harness.js';

const TEMPLATES = [join(import.meta.dirname, 'fixtures', 'templates')];
const POLICIES = join(import.meta.dirname, '..', '..', 'policies');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const pool = (name: string) => name.replace(/-[0-9a-z]{5}$/, '');

describe('policy gate', () => {
  it('a denied deployment gets PolicyPassed=False and nothing is created', async () => {
    h = new Harness({ policies: [POLICIES] });
    // team-a's policies cap the workers (see policies/team-a.yaml).
    await h.apply('big', {
      template: 'simulated-standalone-cp',
      config: { workersNumber: 50, controlPlaneNumber: 2 },
    });
    await h.until(async () => (await h!.condition('big', 'PolicyPassed'))?.status === 'False', 60_000);
    await h.runFor(30_000);
    const cd = await h.cd('big');
    const ready = cd.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'PolicyDenied' });
    expect(cd.status?.phase).toBe('Denied');
    expect(await h.machines()).toHaveLength(0);
    expect(await h.cloud.getCluster('team-a/big')).toBeUndefined();
    expect(h.cloud.machineRecordCount()).toBe(0);
    const events = await h.events();
    expect(events.some((e) => e.type === 'Warning' && e.reason === 'PolicyDenied')).toBe(true);
  });
});

describe('scaling', () => {
  it('scales a MachineDeployment up and down, deleting unhealthy machines first, then the oldest', async () => {
    h = new Harness({ templates: TEMPLATES });
    const spec = (replicas: number) => ({
      template: 'sim-test',
      config: { workers: [{ name: 'md-0', replicas }] },
    });
    await h.apply('s', spec(2));
    await h.untilReady('s');
    await h.runFor(5_000);
    await h.apply('s', spec(4));
    await h.until(async () => (await h!.machines()).filter((m) => m.spec.role === 'worker').length === 4);
    await h.untilReady('s');
    const workers = (await h.machines()).filter((m) => m.spec.role === 'worker');
    expect(workers).toHaveLength(4);
    const byAge = [...workers].sort((a, b) => (a.spec.createdAt! < b.spec.createdAt! ? -1 : 1));
    // Mark the youngest for remediation: it must go before any older one on scale-down.
    const marked = byAge[3];
    await h.runFor(1_000);
    const cp = (await h.machines()).find((m) => m.metadata.name === marked.metadata.name)!;
    await h.store.update({
      ...cp,
      metadata: {
        ...cp.metadata,
        annotations: { 'cluster.x-k8s.io/skip-remediation': '', 'cluster.x-k8s.io/remediate-machine': '' },
      },
    });
    await h.apply('s', spec(2));
    await h.until(async () => (await h!.machines()).filter((m) => m.spec.role === 'worker').length === 2);
    await h.untilReady('s');
    const left = (await h.machines()).filter((m) => m.spec.role === 'worker').map((m) => m.metadata.name);
    // The marked one and the oldest other one went; the two in between stay.
    expect(left.sort()).toEqual([byAge[1].metadata.name, byAge[2].metadata.name].sort());
  });
});

/** Replays machine events: per pool, machines alive and ready at each step. */
function replay(events: ClusterEvent[]) {
  const alive = new Map<string, { pool: string; version: string; ready: boolean }>();
  const snapshots: {
    event: ClusterEvent;
    pools: Record<string, { live: number; ready: number; versions: string[] }>;
  }[] = [];
  for (const e of events) {
    if (e.involvedObject.kind !== 'Machine') continue;
    const name = e.involvedObject.name;
    if (e.reason === 'MachineCreated') {
      const version = /\((v[0-9.]+)/.exec(e.message)![1];
      alive.set(name, { pool: pool(name), version, ready: false });
    } else if (e.reason === 'MachineReady') {
      const m = alive.get(name);
      if (m) m.ready = true;
    } else if (e.reason === 'MachineDeleting' || e.reason === 'MachineNotReady') {
      const m = alive.get(name);
      if (m && e.reason === 'MachineNotReady') m.ready = false;
      if (e.reason === 'MachineDeleting') alive.delete(name);
    }
    const pools: Record<string, { live: number; ready: number; versions: string[] }> = {};
    for (const m of alive.values()) {
      pools[m.pool] ??= { live: 0, ready: 0, versions: [] };
      pools[m.pool].live++;
      if (m.ready) pools[m.pool].ready++;
      pools[m.pool].versions.push(m.version);
    }
    snapshots.push({ event: e, pools });
  }
  return snapshots;
}

describe('upgrades', () => {
  it('v1.30 -> v1.32: two control-plane steps, one machine at a time with surge, workers after, within maxSurge/maxUnavailable', async () => {
    h = new Harness({ templates: TEMPLATES });
    const workers = [
      { name: 'md-0', replicas: 3, maxSurge: 1, maxUnavailable: 0 },
      { name: 'md-1', replicas: 3, maxSurge: 0, maxUnavailable: 1 },
    ];
    const spec = (k0sVersion: string) => ({
      template: 'sim-test',
      config: { controlPlaneNumber: 3, zones: ['a', 'b', 'c'], bootDelay: '1s', k0sVersion, workers },
    });
    await h.apply('u', spec('v1.30.14+k0s.0'));
    await h.untilReady('u');
    const before = (await h.events()).length;
    await h.apply('u', spec('v1.32.8+k0s.0'));
    await h.until(async () => (await h!.condition('u', 'UpgradeInProgress'))?.status === 'True');
    const upgrading = await h.cd('u');
    expect(upgrading.status?.upgrade?.controlPlaneSteps).toEqual(['v1.31.12', 'v1.32.8']);
    await h.until(async () => (await h!.condition('u', 'UpgradeInProgress'))?.reason === 'UpgradeCompleted');
    await h.untilReady('u');
    const machines = await h.machines();
    expect(machines.map((m) => m.status?.kubeletVersion)).toEqual(machines.map(() => 'v1.32.8+k0s'));
    expect(machines).toHaveLength(9);

    const all = await h.events();
    const events = all.slice(before);
    const fresh = new Set(events.map((e) => e.metadata.name));
    const snaps = replay(all).filter((s) => fresh.has(s.event.metadata.name));
    const created = events
      .filter((e) => e.reason === 'MachineCreated')
      .map((e) => ({ pool: pool(e.involvedObject.name), msg: e.message }));
    // Control plane first: three machines at v1.31.12, then three at v1.32.8, then the workers.
    expect(created.map((c) => `${c.pool} ${/\((v[0-9.]+)/.exec(c.msg)![1]}`)).toEqual([
      'u-cp v1.31.12',
      'u-cp v1.31.12',
      'u-cp v1.31.12',
      'u-cp v1.32.8',
      'u-cp v1.32.8',
      'u-cp v1.32.8',
      ...Array(3).fill('u-md-0 v1.32.8'),
      ...Array(3).fill('u-md-1 v1.32.8'),
    ]);
    for (const s of snaps) {
      const cp = s.pools['u-cp'];
      expect(cp.ready, `${s.event.reason} ${s.event.message}`).toBeGreaterThanOrEqual(3);
      expect(cp.live).toBeLessThanOrEqual(4);
      expect(s.pools['u-md-0'].ready).toBeGreaterThanOrEqual(3);
      expect(s.pools['u-md-0'].live).toBeLessThanOrEqual(4);
      expect(s.pools['u-md-1'].ready).toBeGreaterThanOrEqual(2);
      expect(s.pools['u-md-1'].live).toBeLessThanOrEqual(3);
      // Workers never ahead of the control plane.
      const cpMin = cp.versions.sort()[0];
      for (const v of [...s.pools['u-md-0'].versions, ...s.pools['u-md-1'].versions])
        expect(v <= cpMin || cp.versions.every((x) => x === 'v1.32.8')).toBe(true);
      // upgrade-concurrency 1: md-1 does not roll while md-0 has old machines.
      if (s.pools['u-md-1'].versions.includes('v1.32.8'))
        expect(s.pools['u-md-0'].versions.every((v) => v === 'v1.32.8')).toBe(true);
    }
  });

  it('refuses a downgrade and a skipped minor with no known intermediate version', async () => {
    h = new Harness({ templates: TEMPLATES, controller: { knownVersions: [] } });
    const spec = (k0sVersion: string) => ({ template: 'sim-test', config: { k0sVersion } });
    await h.apply('r', spec('v1.31.12+k0s.0'));
    await h.untilReady('r');
    await h.apply('r', spec('v1.30.14+k0s.0'));
    await h.until(async () => (await h!.condition('r', 'UpgradeInProgress'))?.reason === 'DowngradeRefused');
    expect((await h.condition('r', 'UpgradeInProgress'))?.message).toMatch(
      /cannot be decreased from v1\.31\.12 to v1\.30\.14/,
    );
    expect((await h.condition('r', 'Ready'))?.status).toBe('False');
    await h.apply('r', spec('v1.33.4+k0s.0'));
    await h.until(async () => (await h!.condition('r', 'UpgradeInProgress'))?.reason === 'SkippedMinor');
    expect((await h.condition('r', 'UpgradeInProgress'))?.message).toMatch(/no version of v1\.32 is known/);
    // Nothing was touched: the machines still run v1.31.
    await h.runFor(30_000);
    for (const m of await h.machines()) expect(m.spec.version).toBe('v1.31.12');
    // One minor at a time is fine.
    await h.apply('r', spec('v1.32.8+k0s.0'));
    await h.untilReady('r');
    for (const m of await h.machines()) expect(m.spec.version).toBe('v1.32.8');
  });

  it('holds and defers MachineDeployments as the annotations say', async () => {
    h = new Harness({ templates: TEMPLATES });
    const spec = (k0sVersion: string) => ({
      template: 'sim-test',
      config: {
        k0sVersion,
        workers: [
          { name: 'md-0', replicas: 1, annotations: { 'topology.cluster.x-k8s.io/defer-upgrade': '' } },
          { name: 'md-1', replicas: 1 },
          {
            name: 'md-2',
            replicas: 1,
            annotations: { 'topology.cluster.x-k8s.io/hold-upgrade-sequence': '' },
          },
          { name: 'md-3', replicas: 1 },
        ],
      },
    });
    await h.apply('d', spec('v1.30.14+k0s.0'));
    await h.untilReady('d');
    await h.apply('d', spec('v1.31.12+k0s.0'));
    await h.until(async () => (await h!.condition('d', 'UpgradeInProgress'))?.reason === 'UpgradeDeferred');
    await h.runFor(60_000);
    const versions = Object.fromEntries((await h.machines()).map((m) => [m.spec.pool, m.spec.version]));
    expect(versions).toEqual({
      'd-cp': 'v1.31.12',
      'd-md-0': 'v1.30.14',
      'd-md-1': 'v1.31.12',
      'd-md-2': 'v1.30.14',
      'd-md-3': 'v1.30.14',
    });
    expect((await h.condition('d', 'UpgradeInProgress'))?.message).toMatch(/md-0.*defer-upgrade/);
  });

  it('moves to another template only when a ClusterTemplateChain allows it', async () => {
    const { cpSync } = await import('node:fs');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const v2 = mkdtempSync(join(tmpdir(), 'cm-chain-'));
    cpSync(join(TEMPLATES[0], 'sim-test'), join(v2, 'sim-test'), { recursive: true });
    const chart = join(v2, 'sim-test', 'Chart.yaml');
    writeFileSync(
      chart,
      readFileSync(chart, 'utf8').replace('version: 1.0.0', 'version: 1.1.0').replace('v1.30.14', 'v1.31.12'),
    );
    const values = join(v2, 'sim-test', 'values.yaml');
    writeFileSync(values, readFileSync(values, 'utf8').replace('v1.30.14', 'v1.31.12'));
    h = new Harness({ templates: [...TEMPLATES, v2] });
    await h.apply('c', { template: 'sim-test-1-0-0', config: {} });
    await h.untilReady('c');
    await h.apply('c', { template: 'sim-test-1-1-0', config: {} });
    await h.until(async () => (await h!.condition('c', 'UpgradeInProgress'))?.reason === 'UpgradeNotAllowed');
    expect((await h.cd('c')).status?.availableUpgrades).toEqual([]);
    // k0rdent's admission rule says the same, by name
    expect((await h.condition('c', 'Admitted'))?.message).toContain('[admission/template-upgrade]');
    await h.store.create({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ClusterTemplateChain',
      metadata: { name: 'sim-test', namespace: 'team-a' },
      spec: {
        supportedTemplates: [
          { name: 'sim-test-1-0-0', availableUpgrades: [{ name: 'sim-test-1-1-0' }] },
          { name: 'sim-test-1-1-0' },
        ],
      },
    });
    await h.until(async () => (await h!.cd('c')).status?.applied?.template === 'sim-test-1-1-0');
    await h.untilReady('c');
    for (const m of await h.machines()) expect(m.spec.version).toBe('v1.31.12');
    expect((await h.cd('c')).status?.availableUpgrades).toEqual([]);
  });
});

describe('health checks', () => {
  it('replaces NotReady workers, and short-circuits when too many are unhealthy', async () => {
    h = new Harness({ templates: TEMPLATES });
    await h.apply('hc', {
      template: 'sim-test',
      config: {
        workers: [{ name: 'md-0', replicas: 5 }],
        healthCheck: { enabled: true, maxUnhealthy: '40%', pool: 'md-0', timeoutSeconds: 60 },
      },
    });
    await h.untilReady('hc');
    // Two of five go NotReady: within 40% -> both replaced.
    const workers = (await h.machines()).filter((m) => m.spec.role === 'worker');
    const sick = workers.slice(0, 2).map((m) => m.metadata.name);
    const cluster = await h.store.get({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ClusterDeployment',
      namespace: 'team-a',
      name: 'hc',
    });
    void cluster;
    // Make the nodes NotReady through the simulated cloud's zone of those machines: use the remediate annotation path instead.
    for (const name of sick) {
      const m = (await h.machines()).find((x) => x.metadata.name === name)!;
      await h.store.update({
        ...m,
        metadata: { ...m.metadata, annotations: { 'cluster.x-k8s.io/remediate-machine': '' } },
      });
    }
    await h.until(async () => (await h!.machines()).every((m) => !sick.includes(m.metadata.name)));
    await h.untilReady('hc');
    expect((await h.machines()).filter((m) => m.spec.role === 'worker')).toHaveLength(5);
    const remediated = (await h.events())
      .filter((e) => e.reason === 'MachineRemediation')
      .map((e) => e.message);
    expect(remediated).toHaveLength(2);
    // Three of five (60% > 40%): nothing is remediated, RemediationAllowed=False.
    const now = (await h.machines()).filter((m) => m.spec.role === 'worker').slice(0, 3);
    for (const m of now)
      await h.store.update({
        ...m,
        metadata: { ...m.metadata, annotations: { 'cluster.x-k8s.io/remediate-machine': '' } },
      });
    await h.until(async () => (await h!.condition('hc', 'RemediationAllowed'))?.status === 'False');
    await h.runFor(120_000);
    expect(
      (await h.machines())
        .filter((m) => m.spec.role === 'worker')
        .map((m) => m.metadata.name)
        .sort(),
    ).toEqual(
      now
        .map((m) => m.metadata.name)
        .concat(
          (await h.machines())
            .filter((m) => m.spec.role === 'worker' && !now.some((x) => x.metadata.name === m.metadata.name))
            .map((m) => m.metadata.name),
        )
        .sort(),
    );
    expect((await h.events()).filter((e) => e.reason === 'MachineRemediation')).toHaveLength(2);
    expect((await h.condition('hc', 'RemediationAllowed'))?.message).toMatch(
      /3 of 5 machines are unhealthy, over maxUnhealthy 40%/,
    );
  });

  it('remediates nodes that turn NotReady after their timeout', async () => {
    h = new Harness({ templates: TEMPLATES });
    await h.apply('nr', {
      template: 'sim-test',
      config: {
        notReadyAfter: '30s',
        workers: [{ name: 'md-0', replicas: 2 }],
        healthCheck: { enabled: true, pool: 'md-0', timeoutSeconds: 60 },
      },
    });
    const workerNotReady = (e: ClusterEvent) =>
      e.reason === 'MachineNotReady' && e.involvedObject.name.startsWith('nr-md-0-');
    await h.until(async () => (await h!.events()).some(workerNotReady));
    const first = (await h.events()).find(workerNotReady)!;
    await h.until(async () =>
      (await h!.events()).some(
        (e) => e.reason === 'MachineRemediation' && e.message.includes(first.involvedObject.name),
      ),
    );
    const rem = (await h.events()).find((e) => e.reason === 'MachineRemediation')!;
    // At the condition's 60s timeout: the NotReady event is seen up to one poll (1s) after the transition.
    const after = Date.parse(rem.eventTime) - Date.parse(first.eventTime);
    expect(after).toBeGreaterThanOrEqual(59_000);
    expect(after).toBeLessThanOrEqual(62_000);
    expect(rem.message).toMatch(/UnhealthyNode: node condition Ready=False/);
  });

  it('zone outage: workers in the lost zone are replaced elsewhere; losing most zones short-circuits', async () => {
    h = new Harness({ templates: TEMPLATES });
    const spec = (outage: string) => ({
      template: 'sim-test',
      config: {
        zones: ['a', 'b', 'c'],
        workers: [{ name: 'md-0', replicas: 6 }],
        healthCheck: { enabled: true, maxUnhealthy: '40%', pool: 'md-0', timeoutSeconds: 60 },
        ...(outage ? { simAnnotations: { 'simulated.clustermint.io/zone-outage': outage } } : {}),
      },
    });
    await h.apply('z', spec(''));
    await h.untilReady('z');
    const zoneOf = async () =>
      Object.fromEntries(
        (await h!.machines())
          .filter((m) => m.spec.role === 'worker')
          .map((m) => [m.metadata.name, m.status?.failureDomain]),
      );
    const lost = Object.entries(await zoneOf()).filter(([, z]) => z === 'a');
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.length).toBeLessThanOrEqual(2);
    // Zone a goes down two minutes after the cluster was created.
    await h.apply('z', spec('a@2m'));
    await h.until(
      async () =>
        Object.values(await zoneOf()).every((z) => z !== 'a') &&
        (await h!.condition('z', 'WorkersReady'))?.status === 'True',
      1_800_000,
    );
    expect(
      (await h.machines()).filter((m) => m.spec.role === 'worker' && !m.metadata.deletionTimestamp),
    ).toHaveLength(6);
    const count = (await h.events()).filter((e) => e.reason === 'MachineRemediation').length;
    expect(count).toBe(lost.length);
    // Zones b and c down as well: all workers unhealthy, over 40%: no remediation.
    await h.apply('z', spec('a@2m,b@2m,c@2m'));
    await h.until(async () => (await h!.condition('z', 'RemediationAllowed'))?.status === 'False', 600_000);
    await h.runFor(300_000);
    expect((await h.events()).filter((e) => e.reason === 'MachineRemediation').length).toBe(count);
  });
});

describe('deletion', () => {
  it('deletes workers, then the control plane, then the infrastructure; nothing leaks', async () => {
    h = new Harness({ templates: TEMPLATES });
    await h.apply('del', {
      template: 'sim-test',
      config: { controlPlaneNumber: 3, zones: ['a', 'b', 'c'], workers: [{ name: 'md-0', replicas: 3 }] },
    });
    await h.untilReady('del');
    const before = (await h.events()).length;
    await h.store.delete({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ClusterDeployment',
      namespace: 'team-a',
      name: 'del',
    });
    await h.until(async () => {
      try {
        await h!.cd('del');
        return false;
      } catch {
        return true;
      }
    });
    const events = (await h.events()).slice(before);
    const deleted = events
      .filter((e) => e.reason === 'MachineDeleted')
      .map((e) => pool(e.involvedObject.name));
    expect(deleted).toEqual([...Array(3).fill('del-md-0'), ...Array(3).fill('del-cp')]);
    const reasons = events.filter((e) => e.involvedObject.kind === 'ClusterDeployment').map((e) => e.reason);
    expect(reasons).toContain('DeletingWorkers');
    expect(reasons.indexOf('DeletingWorkers')).toBeLessThan(reasons.indexOf('DeletingControlPlane'));
    expect(reasons.indexOf('DeletingControlPlane')).toBeLessThan(reasons.indexOf('DeletingInfrastructure'));
    expect(reasons.at(-1)).toBe('Deleted');
    expect(await h.machines()).toHaveLength(0);
    expect(await h.cloud.listMachines('team-a/del')).toHaveLength(0);
    expect((await h.cloud.getCluster('team-a/del'))?.phase ?? 'Deleted').toBe('Deleted');
  });
});

describe('restart', () => {
  it('a new reconciler on the same files mid-provisioning duplicates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-restart-'));
    const files = {
      statePath: join(dir, 'state.db'),
      cloudPath: join(dir, 'cloud.db'),
      templates: TEMPLATES,
    };
    h = new Harness(files);
    await h.apply('rs', {
      template: 'sim-test',
      config: {
        controlPlaneNumber: 3,
        zones: ['a', 'b'],
        bootDelay: '5s',
        workers: [{ name: 'md-0', replicas: 4 }],
      },
    });
    await h.until(async () => (await h!.machines()).length >= 4);
    const clock = h.clock;
    await h.close();
    for (let i = 0; i < 3; i++) {
      h = new Harness({ ...files, clock });
      await h.runFor(2_000);
      await h.close();
    }
    h = new Harness({ ...files, clock });
    await h.untilReady('rs');
    const machines = await h.machines();
    expect(machines).toHaveLength(7);
    const cloud = await h.cloud.listMachines('team-a/rs');
    expect(cloud.map((m) => m.machineId).sort()).toEqual(
      machines.map((m) => `team-a/${m.metadata.name}`).sort(),
    );
    expect(h.cloud.machineRecordCount()).toBe(7);
  });
});
