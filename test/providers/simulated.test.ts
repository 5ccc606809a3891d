import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MachineStatus, RenderedObject } from '../../src/providers/index.js';
import {
  k0sUserData,
  kubeadmUserData,
  ManualClock,
  parseSimulatedCloudOptions,
  SimulatedCloud,
  type SimulatedCloudConfig,
  TerminalProviderError,
  TransientProviderError,
} from '../../src/providers/index.js';

const T0 = Date.UTC(2025, 0, 1);
const ZONES = ['z-a', 'z-b', 'z-c'];
const open: SimulatedCloud[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function cloud(config: Partial<SimulatedCloudConfig> = {}): { cloud: SimulatedCloud; clock: ManualClock } {
  const clock = new ManualClock(T0);
  const c = new SimulatedCloud({ clock, clusterDelayMs: 0, deleteDelayMs: 0, bootJitter: 0, ...config });
  open.push(c);
  return { cloud: c, clock };
}

function simCluster(
  annotations: Record<string, string> = {},
  spec: Record<string, unknown> = {},
): RenderedObject {
  return {
    apiVersion: 'infrastructure.clustermint.io/v1alpha1',
    kind: 'SimulatedCluster',
    metadata: { name: 'demo', annotations },
    spec: { region: 'sim', zones: ZONES, seed: 7, ...spec },
  };
}

function template(spec: Record<string, unknown> = {}): RenderedObject {
  return {
    apiVersion: 'infrastructure.clustermint.io/v1alpha1',
    kind: 'SimulatedMachineTemplate',
    metadata: { name: 'mt' },
    spec: { template: { spec: { instanceType: 'sim.small', bootDelay: '1s', ...spec } } },
  };
}

function worker(name: string, version = 'v1.33.4'): string {
  return k0sUserData({
    role: 'worker',
    machineName: name,
    clusterName: 'demo',
    version,
    endpoint: { host: '10.0.0.1', port: 6443 },
    joinToken: 'tok',
  }).userData;
}

async function create(
  c: SimulatedCloud,
  id: string,
  extra: { failureDomain?: string; userData?: string; tmpl?: RenderedObject } = {},
) {
  return c.createMachine({
    machineId: id,
    clusterId: 'ns/demo',
    infrastructure: extra.tmpl ?? template(),
    userData: extra.userData ?? worker(id.replace('ns/', '')),
    ...(extra.failureDomain ? { failureDomain: extra.failureDomain } : {}),
  });
}

async function caught<T extends Error>(p: Promise<unknown>, type: new (...a: any[]) => T): Promise<T> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as T;
  }
  throw new Error(`expected a ${type.name}`);
}

const ready = (m: MachineStatus | undefined) => m?.node?.conditions.find((c) => c.type === 'Ready');
const iso = (ms: number) => new Date(ms).toISOString();

describe('simulated cloud: lifecycle', () => {
  it('cluster infrastructure becomes ready after its delay, with endpoint and failure domains', async () => {
    const { cloud: c, clock } = cloud({ clusterDelayMs: 3000 });
    const s = await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    expect(s).toMatchObject({ phase: 'Provisioning', ready: false });
    expect(s.failureDomains).toEqual(ZONES.map((name) => ({ name, controlPlane: true })));
    expect(s.controlPlaneEndpoint?.port).toBe(6443);
    clock.advance(3000);
    expect(await c.getCluster('ns/demo')).toMatchObject({ phase: 'Provisioned', ready: true });
    const fixed = await c.ensureCluster({
      clusterId: 'ns/demo',
      infrastructure: simCluster({}, { controlPlaneEndpoint: { host: '10.9.9.9', port: 443 } }),
    });
    expect(fixed.controlPlaneEndpoint).toEqual({ host: '10.9.9.9', port: 443 });
    expect(await c.getCluster('ns/other')).toBeUndefined();
  });

  it('a machine is Pending until the infrastructure is ready, then Provisioning, then a Ready Node at the user data version', async () => {
    const { cloud: c, clock } = cloud({ clusterDelayMs: 2000 });
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    const m = await create(c, 'ns/w-0');
    expect(m.phase).toBe('Pending');
    expect(m.providerID).toMatch(/^simulated:\/\/sim\/z-[abc]\/sim-[0-9a-f]{17}$/);
    expect(m.addresses.map((a) => a.type)).toEqual(['Hostname', 'InternalIP']);
    clock.advance(2000);
    expect((await c.getMachine('ns/w-0'))?.phase).toBe('Provisioning');
    clock.advance(999);
    expect((await c.getMachine('ns/w-0'))?.phase).toBe('Provisioning');
    clock.advance(1);
    const running = await c.getMachine('ns/w-0');
    expect(running?.phase).toBe('Running');
    expect(running?.node).toMatchObject({ name: 'w-0', kubeletVersion: 'v1.33.4+k0s' });
    expect(running?.node?.labels['topology.kubernetes.io/zone']).toBe(running?.failureDomain);
    expect(ready(running)).toEqual({
      type: 'Ready',
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
      lastTransitionTime: iso(T0 + 3000),
    });
  });

  it('the kubelet version comes from the user data, whatever installs it', async () => {
    const { cloud: c, clock } = cloud();
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    await create(c, 'ns/old', { userData: worker('old', 'v1.32.7') });
    const kubeadm = kubeadmUserData({
      role: 'control-plane-init',
      machineName: 'kcp-0',
      clusterName: 'demo',
      version: 'v1.31.3',
      endpoint: { host: '10.0.0.1', port: 6443 },
    }).userData;
    await create(c, 'ns/kcp-0', { userData: kubeadm });
    clock.advance(1000);
    expect((await c.getMachine('ns/old'))?.node?.kubeletVersion).toBe('v1.32.7+k0s');
    const cp = await c.getMachine('ns/kcp-0');
    expect(cp?.node?.kubeletVersion).toBe('v1.31.3');
    expect(cp?.node?.labels['node-role.kubernetes.io/control-plane']).toBe('');
  });

  it('invalid user data makes the machine fail at boot with the reason', async () => {
    const { cloud: c, clock } = cloud();
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    await create(c, 'ns/bad', { userData: '#!/bin/bash\necho hello\n' });
    expect((await c.getMachine('ns/bad'))?.phase).toBe('Provisioning');
    clock.advance(1000);
    expect(await c.getMachine('ns/bad')).toMatchObject({
      phase: 'Failed',
      failureReason: 'InvalidUserData',
      failureMessage:
        'cloud-init could not run the user data: user data does not start with "#cloud-config" (first line: "#!/bin/bash")',
    });
  });

  it('createMachine needs an ensured cluster and a valid failure domain', async () => {
    const { cloud: c } = cloud();
    const e = await caught(create(c, 'ns/x'), TerminalProviderError);
    expect(e.reason).toBe('ClusterNotFound');
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    expect((await caught(create(c, 'ns/x', { failureDomain: 'z-q' }), TerminalProviderError)).message).toBe(
      'failure domain "z-q" is not one of the cluster\'s zones (z-a, z-b, z-c)',
    );
    expect((await create(c, 'ns/y', { failureDomain: 'z-b' })).failureDomain).toBe('z-b');
    expect((await create(c, 'ns/z', { tmpl: template({ zone: 'z-c' }) })).failureDomain).toBe('z-c');
  });
});

describe('simulated cloud: idempotency', () => {
  it('create twice is the same machine; delete twice and delete of a missing machine succeed', async () => {
    const { cloud: c, clock } = cloud({ deleteDelayMs: 500 });
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    const a = await create(c, 'ns/m');
    clock.advance(10);
    const b = await create(c, 'ns/m', { userData: worker('other-name', 'v1.34.0') });
    expect(b.providerID).toBe(a.providerID);
    expect(b.userDataHash).toBe(a.userDataHash);
    expect(b.creationTimestamp).toBe(a.creationTimestamp);
    expect(c.machineRecordCount()).toBe(1);
    expect(await c.listMachines('ns/demo')).toHaveLength(1);

    expect((await c.deleteMachine('ns/m'))?.phase).toBe('Deleting');
    expect((await c.deleteMachine('ns/m'))?.phase).toBe('Deleting');
    // The id is busy until the deletion finishes.
    const busy = await caught(create(c, 'ns/m'), TransientProviderError);
    expect(busy.reason).toBe('MachineDeleting');
    expect(busy.retryAfterMs).toBe(500);
    clock.advance(500);
    expect((await c.deleteMachine('ns/m'))?.phase).toBe('Deleted');
    expect(await c.listMachines('ns/demo')).toEqual([]);
    expect(await c.listMachines('ns/demo', { includeDeleted: true })).toHaveLength(1);
    expect(await c.deleteMachine('ns/never')).toBeUndefined();

    // A new machine with a deleted machine's id is a new instance.
    const again = await create(c, 'ns/m');
    expect(again.providerID).not.toBe(a.providerID);
    expect(c.machineRecordCount()).toBe(1);
  });

  it('a restarted process finds its machines in the file and creates no duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clustermint-sim-'));
    dirs.push(dir);
    const path = join(dir, '.clustermint', 'simulated-cloud.db');
    const clock = new ManualClock(T0);
    const first = new SimulatedCloud({ clock, path, clusterDelayMs: 0 });
    await first.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    const before: MachineStatus[] = [];
    for (let i = 0; i < 5; i++) before.push(await create(first, `ns/w-${i}`));
    await first.deleteMachine('ns/w-4');
    first.close();

    clock.advance(60_000);
    const second = new SimulatedCloud({ clock, path, clusterDelayMs: 0 });
    open.push(second);
    const after = await second.listMachines('ns/demo');
    expect(after.map((m) => [m.machineId, m.providerID])).toEqual(
      before.slice(0, 4).map((m) => [m.machineId, m.providerID]),
    );
    expect(after.every((m) => m.phase === 'Running')).toBe(true);
    // The reconciler repeats its creates after the restart: same machines, nothing new.
    for (let i = 0; i < 4; i++)
      expect((await create(second, `ns/w-${i}`)).providerID).toBe(before[i].providerID);
    expect(second.machineRecordCount()).toBe(5);
    expect((await second.getCluster('ns/demo'))?.phase).toBe('Provisioned');
  });

  it('deleteCluster waits for the machines, then completes; deleting a missing cluster succeeds', async () => {
    const { cloud: c, clock } = cloud({ deleteDelayMs: 100 });
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    await create(c, 'ns/a');
    await create(c, 'ns/b');
    await c.deleteMachine('ns/a');
    const s = await c.deleteCluster('ns/demo');
    expect(s).toMatchObject({
      phase: 'Deleting',
      ready: false,
      message: 'waiting for 2 machine(s) to be deleted (1 not being deleted)',
    });
    expect((await caught(create(c, 'ns/c'), TerminalProviderError)).reason).toBe('ClusterDeleting');
    await c.deleteMachine('ns/b');
    clock.advance(100);
    expect((await c.deleteCluster('ns/demo')).phase).toBe('Deleted');
    expect((await c.deleteCluster('ns/never')).phase).toBe('Deleted');
    // Ensuring it again starts a new cluster.
    expect((await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() })).phase).toBe(
      'Provisioned',
    );
  });
});

describe('simulated cloud: determinism', () => {
  async function run(seed: number) {
    const { cloud: c, clock } = cloud({ bootJitter: 0.5 });
    await c.ensureCluster({
      clusterId: 'ns/demo',
      infrastructure: simCluster(
        {
          'simulated.clustermint.io/boot-failure-rate': '0.2',
          'simulated.clustermint.io/slow-boot-rate': '0.2',
        },
        { seed },
      ),
    });
    for (let i = 0; i < 30; i++) await create(c, `ns/w-${i}`);
    const snapshots: MachineStatus[][] = [];
    for (let t = 0; t < 8; t++) {
      clock.advance(700);
      snapshots.push(await c.listMachines('ns/demo'));
    }
    return snapshots;
  }

  it('the same seed gives the same machines, faults and timings; another seed does not', async () => {
    const a = await run(1);
    const b = await run(1);
    expect(b).toEqual(a);
    const c = await run(2);
    expect(c).not.toEqual(a);
    const last = a.at(-1)!;
    expect(new Set(last.map((m) => m.phase))).toEqual(new Set(['Running', 'Failed', 'Provisioning']));
  });
});

describe('simulated cloud: faults', () => {
  it('boot failure rate: about that share of machines fails with BootFailed', async () => {
    const { cloud: c, clock } = cloud();
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster({}, { seed: 3 }) });
    for (let i = 0; i < 200; i++) await create(c, `ns/w-${i}`, { tmpl: template({ bootFailureRate: 0.3 }) });
    clock.advance(1000);
    const all = await c.listMachines('ns/demo');
    const failed = all.filter((m) => m.phase === 'Failed');
    expect(failed.length).toBeGreaterThan(40);
    expect(failed.length).toBeLessThan(80);
    expect(failed[0].failureReason).toBe('BootFailed');
    expect(failed[0].failureMessage).toMatch(/failed to boot \(simulated, boot failure rate 0.3\)/);
    expect(all.filter((m) => m.phase === 'Running')).toHaveLength(200 - failed.length);
  });

  it('annotations override the template: rate 0 means no failures', async () => {
    const { cloud: c, clock } = cloud();
    await c.ensureCluster({
      clusterId: 'ns/demo',
      infrastructure: simCluster({ 'simulated.clustermint.io/boot-failure-rate': '0' }),
    });
    for (let i = 0; i < 50; i++) await create(c, `ns/w-${i}`, { tmpl: template({ bootFailureRate: 1 }) });
    clock.advance(1000);
    expect((await c.listMachines('ns/demo')).every((m) => m.phase === 'Running')).toBe(true);
  });

  it('slow boots: a share of machines takes slow-boot-factor times longer', async () => {
    const { cloud: c, clock } = cloud();
    await c.ensureCluster({
      clusterId: 'ns/demo',
      infrastructure: simCluster({
        'simulated.clustermint.io/slow-boot-rate': '0.5',
        'simulated.clustermint.io/slow-boot-factor': '10',
      }),
    });
    for (let i = 0; i < 40; i++) await create(c, `ns/w-${i}`);
    clock.advance(1000);
    const fast = (await c.listMachines('ns/demo')).filter((m) => m.phase === 'Running').length;
    expect(fast).toBeGreaterThan(10);
    expect(fast).toBeLessThan(30);
    clock.advance(8999);
    expect((await c.listMachines('ns/demo')).filter((m) => m.phase === 'Running')).toHaveLength(fast);
    clock.advance(1);
    expect((await c.listMachines('ns/demo')).every((m) => m.phase === 'Running')).toBe(true);
  });

  it('boot jitter spreads boot times within ± the fraction', async () => {
    const { cloud: c, clock } = cloud({ bootJitter: 0.2 });
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    for (let i = 0; i < 40; i++) await create(c, `ns/w-${i}`);
    clock.advance(799);
    expect((await c.listMachines('ns/demo')).some((m) => m.phase === 'Running')).toBe(false);
    clock.advance(201);
    const half = (await c.listMachines('ns/demo')).filter((m) => m.phase === 'Running').length;
    expect(half).toBeGreaterThan(5);
    expect(half).toBeLessThan(35);
    clock.advance(200);
    expect((await c.listMachines('ns/demo')).every((m) => m.phase === 'Running')).toBe(true);
  });

  it('a node goes NotReady not-ready-after its Ready time, for not-ready-rate of the nodes', async () => {
    const { cloud: c, clock } = cloud();
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    await create(c, 'ns/w', { tmpl: template({ notReadyAfter: '10m' }) });
    clock.advance(1000 + 600_000 - 1);
    expect(ready(await c.getMachine('ns/w'))?.status).toBe('True');
    clock.advance(1);
    const m = await c.getMachine('ns/w');
    expect(m?.phase).toBe('Running');
    expect(ready(m)).toMatchObject({
      status: 'False',
      reason: 'KubeletNotReady',
      lastTransitionTime: iso(T0 + 601_000),
    });

    // Set on the cluster later, it applies to machines that already run; a rate picks some.
    await c.ensureCluster({
      clusterId: 'ns/demo',
      infrastructure: simCluster({
        'simulated.clustermint.io/not-ready-after': '1m',
        'simulated.clustermint.io/not-ready-rate': '0.5',
      }),
    });
    for (let i = 0; i < 40; i++) await create(c, `ns/n-${i}`);
    clock.advance(1000 + 60_000);
    const nodes = (await c.listMachines('ns/demo')).filter((x) => x.machineId.startsWith('ns/n-'));
    const notReady = nodes.filter((x) => ready(x)?.status === 'False').length;
    expect(notReady).toBeGreaterThan(10);
    expect(notReady).toBeLessThan(30);
  });

  it('zone outage from T for D: nodes go Unknown and come back, creates there are transient errors, boots wait', async () => {
    const { cloud: c, clock } = cloud();
    await c.ensureCluster({
      clusterId: 'ns/demo',
      infrastructure: simCluster({ 'simulated.clustermint.io/zone-outage': 'z-b@1m/5m' }),
    });
    await create(c, 'ns/b-running', { failureDomain: 'z-b' });
    clock.advance(59_500);
    await create(c, 'ns/b-booting', { failureDomain: 'z-b' }); // would boot at 60.5s, inside the outage
    clock.advance(500); // T0 + 60s: the outage starts
    expect(ready(await c.getMachine('ns/b-running'))).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      lastTransitionTime: iso(T0 + 60_000),
    });
    expect((await c.getMachine('ns/b-running'))?.node?.conditions.every((x) => x.status === 'Unknown')).toBe(
      true,
    );
    expect((await c.getMachine('ns/b-running'))?.phase).toBe('Running');

    clock.advance(60_000);
    const e = await caught(create(c, 'ns/b-new', { failureDomain: 'z-b' }), TransientProviderError);
    expect(e.reason).toBe('ZoneUnavailable');
    expect(e.retryAfterMs).toBe(30_000); // capped; 240 s remain
    // Without a failure domain the provider places machines in the zones that are up.
    for (let i = 0; i < 20; i++) expect((await create(c, `ns/auto-${i}`)).failureDomain).not.toBe('z-b');

    clock.set(T0 + 360_000 - 1);
    expect((await c.getMachine('ns/b-booting'))?.phase).toBe('Provisioning');
    clock.advance(1);
    expect(ready(await c.getMachine('ns/b-running'))).toMatchObject({
      status: 'True',
      lastTransitionTime: iso(T0 + 360_000),
    });
    expect(ready(await c.getMachine('ns/b-booting'))).toMatchObject({
      status: 'True',
      lastTransitionTime: iso(T0 + 360_000),
    });
    expect((await create(c, 'ns/b-new', { failureDomain: 'z-b' })).failureDomain).toBe('z-b');
  });

  it('zones in spec.faults.zoneOutage are down until removed; all zones down is a transient error', async () => {
    const { cloud: c } = cloud();
    await c.ensureCluster({
      clusterId: 'ns/demo',
      infrastructure: simCluster({}, { faults: { zoneOutage: ['z-a', 'z-b', 'z-c'] } }),
    });
    const e = await caught(create(c, 'ns/x'), TransientProviderError);
    expect(e.message).toBe('zone z-a, z-b, z-c is unavailable (simulated outage)');
    expect(e.retryAfterMs).toBe(30_000);
    expect(c.machineRecordCount()).toBe(0);
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    expect((await create(c, 'ns/x')).phase).toBe('Provisioning');
  });

  it('API errors are transient; a create that errs after creating is found by the retry, never duplicated', async () => {
    const { cloud: c, clock } = cloud();
    await c.ensureCluster({
      clusterId: 'ns/demo',
      infrastructure: simCluster({ 'simulated.clustermint.io/api-error-rate': '0.5' }),
    });
    let errors = 0;
    let late = 0;
    for (let i = 0; i < 30; i++) {
      const id = `ns/w-${i}`;
      for (let attempt = 0; ; attempt++) {
        const existed = (await c.getMachine(id)) !== undefined;
        try {
          await create(c, id);
          break;
        } catch (e) {
          expect(e).toBeInstanceOf(TransientProviderError);
          expect((e as TransientProviderError).reason).toBe('SimulatedAPIError');
          errors++;
          if (!existed && (await c.getMachine(id))) late++;
          clock.advance((e as TransientProviderError).retryAfterMs);
        }
        expect(attempt).toBeLessThan(20);
      }
    }
    expect(errors).toBeGreaterThan(5);
    expect(late).toBeGreaterThan(0);
    expect(c.machineRecordCount()).toBe(30);
  });
});

describe('simulated cloud: hosted control planes', () => {
  const kmcp = (version: string, extra: Record<string, unknown> = {}): RenderedObject => ({
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
    kind: 'K0smotronControlPlane',
    metadata: { name: 'cp' },
    spec: { replicas: 3, version, ...extra },
  });

  it('becomes ready after its delay at the version, upgrades one minor at a time, and deletes', async () => {
    const { cloud: c, clock } = cloud({ controlPlaneDelayMs: 5000, deleteDelayMs: 100 });
    const s = await c.ensureControlPlane({
      clusterId: 'ns/h',
      controlPlane: kmcp('v1.32.5-k0s.0', { service: { apiPort: 31443 } }),
    });
    expect(s).toMatchObject({
      phase: 'Provisioning',
      ready: false,
      desiredVersion: 'v1.32.5',
      replicas: 3,
      readyReplicas: 0,
    });
    expect(s.endpoint?.port).toBe(31443);
    expect(s.version).toBeUndefined();
    const busy = await caught(
      c.ensureControlPlane({ clusterId: 'ns/h', controlPlane: kmcp('v1.33.1') }),
      TransientProviderError,
    );
    expect(busy.reason).toBe('ControlPlaneBusy');
    clock.advance(6000); // within 5 s ± 20 %
    expect(await c.getControlPlane('ns/h')).toMatchObject({
      phase: 'Ready',
      ready: true,
      version: 'v1.32.5',
      readyReplicas: 3,
    });

    expect(
      (
        await caught(
          c.ensureControlPlane({ clusterId: 'ns/h', controlPlane: kmcp('v1.34.0') }),
          TerminalProviderError,
        )
      ).reason,
    ).toBe('UnsupportedVersionSkew');
    expect(
      (
        await caught(
          c.ensureControlPlane({ clusterId: 'ns/h', controlPlane: kmcp('v1.31.0') }),
          TerminalProviderError,
        )
      ).reason,
    ).toBe('DowngradeNotSupported');
    const up = await c.ensureControlPlane({ clusterId: 'ns/h', controlPlane: kmcp('v1.33.1-k0s.0') });
    expect(up).toMatchObject({
      phase: 'Upgrading',
      ready: true,
      version: 'v1.32.5',
      desiredVersion: 'v1.33.1',
    });
    // Repeating the same ensure is idempotent.
    expect(await c.ensureControlPlane({ clusterId: 'ns/h', controlPlane: kmcp('v1.33.1-k0s.0') })).toEqual(
      up,
    );
    clock.advance(5000);
    expect(await c.getControlPlane('ns/h')).toMatchObject({ phase: 'Ready', version: 'v1.33.1' });

    expect((await c.deleteControlPlane('ns/h')).phase).toBe('Deleting');
    clock.advance(100);
    expect((await c.deleteControlPlane('ns/h')).phase).toBe('Deleted');
    expect((await c.deleteControlPlane('ns/none')).phase).toBe('Deleted');
  });
});

describe('simulated cloud: configuration errors', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { 'simulated.clustermint.io/boot-delay': '5 seconds' },
      /annotation simulated.clustermint.io\/boot-delay: "5 seconds" is not a duration/,
    ],
    [{ 'simulated.clustermint.io/boot-failure-rate': '1.5' }, /"1.5" is not a fraction between 0 and 1/],
    [{ 'simulated.clustermint.io/slow-boot-factor': '0.5' }, /"0.5" is not a factor of at least 1/],
    [
      { 'simulated.clustermint.io/zone-outage': 'z-q@1m' },
      /zone outage names "z-q", which is not one of spec.zones/,
    ],
    [{ 'simulated.clustermint.io/zone-outage': 'z-a@soon' }, /"soon" is not a duration/],
    [
      { 'simulated.clustermint.io/boot-dealy': '5s' },
      /unknown annotation simulated.clustermint.io\/boot-dealy; known: .*boot-delay/,
    ],
  ];
  for (const [annotations, message] of cases) {
    it(`rejects ${JSON.stringify(annotations)}`, async () => {
      const { cloud: c } = cloud();
      const e = await caught(
        c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster(annotations) }),
        TerminalProviderError,
      );
      expect(e.reason).toBe('InvalidSimulationConfig');
      expect(e.message).toMatch(message);
      expect(await c.getCluster('ns/demo')).toBeUndefined();
    });
  }

  it('accepts absolute outage times', async () => {
    const { cloud: c, clock } = cloud();
    await c.ensureCluster({
      clusterId: 'ns/demo',
      infrastructure: simCluster({ 'simulated.clustermint.io/zone-outage': `z-a@${iso(T0 + 10_000)}/10s` }),
    });
    await create(c, 'ns/a', { failureDomain: 'z-a' });
    clock.advance(10_000);
    expect(ready(await c.getMachine('ns/a'))?.status).toBe('Unknown');
    clock.advance(10_000);
    expect(ready(await c.getMachine('ns/a'))?.status).toBe('True');
  });

  it('reads a config file with the annotation names', async () => {
    const opts = parseSimulatedCloudOptions(
      'seed: 9\nboot-delay: 250ms\nboot-jitter: 0\ncluster-delay: 0s\n',
      'sim.yaml',
    );
    expect(opts).toEqual({ seed: '9', bootDelayMs: 250, bootJitter: 0, clusterDelayMs: 0 });
    const { cloud: c, clock } = cloud(opts);
    await c.ensureCluster({ clusterId: 'ns/demo', infrastructure: simCluster() });
    await create(c, 'ns/a', { tmpl: template({ bootDelay: undefined }) });
    clock.advance(250);
    expect((await c.getMachine('ns/a'))?.phase).toBe('Running');
    expect(() => parseSimulatedCloudOptions('boot-dely: 1s\n', 'sim.yaml')).toThrow(
      /sim.yaml: unknown key boot-dely/,
    );
    expect(() => parseSimulatedCloudOptions('boot-delay: fast\n', 'sim.yaml')).toThrow(
      /sim.yaml: boot-delay: "fast" is not a duration/,
    );
  });
});
