// The reconciler as a Kubernetes controller against the real kube-apiserver of the test
// environment: a ClusterDeployment provisioned to Ready, upgraded one minor and deleted, with
// its status, conditions, Machines and Events read back from the apiserver, and the simulated
// cloud checked for leaks; then /metrics, /healthz and /readyz over HTTP.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterEvent, EVENT_TYPE } from '../../src/api/event.js';
import { MACHINE_TYPE, type Machine } from '../../src/api/machine.js';
import type { DeploymentStatus } from '../../src/controller/deployment.js';
import { type KubeController, startKubeController } from '../../src/controller/kube-mode.js';
import { LABEL_CLUSTER_DEPLOYMENT } from '../../src/domain/labels.js';
import { embeddedRegistry, SimulatedCloud, systemClock } from '../../src/providers/index.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { isNotFound } from '../../src/store/errors.js';
import { installCrds, type KubeStore, openKubeStore } from '../../src/store/kube/index.js';
import { modify } from '../../src/store/modify.js';
import type { KubeObject } from '../../src/store/types.js';
import { createLogger } from '../../src/util/log.js';
import { eventually } from '../helpers/process.js';
import { kubeTestenv } from '../testenv/index.js';

const env = await kubeTestenv('controller scenarios on Kubernetes');

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
type CDObject = KubeObject & { status?: DeploymentStatus };

/** Polls `probe` every 100 ms until it returns a value, for at most `ms`. */

/** JSON log lines, kept for assertions. */
function logSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, stream };
}

const spec = (version: string) => ({
  template: 'simulated-standalone-cp',
  config: { controlPlaneNumber: 1, workersNumber: 2, bootDelay: '0s', k0s: { version } },
});

describe.skipIf(!env)('clustermint controller on a real kube-apiserver', () => {
  const ns = `ctl-${Date.now().toString(36)}`;
  let store: KubeStore;
  let cloud: SimulatedCloud;
  let ctl: KubeController;
  const log = logSink();

  beforeAll(async () => {
    store = await openKubeStore({ kubeconfig: env!.kubeconfig, fieldManager: 'clustermint-controller' });
    await installCrds(store);
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    cloud = new SimulatedCloud({
      clock: systemClock,
      path: join(mkdtempSync(join(tmpdir(), 'cm-kube-ctl-')), 'cloud.db'),
      bootDelayMs: 0,
      bootJitter: 0,
      clusterDelayMs: 0,
      deleteDelayMs: 0,
    });
    ctl = await startKubeController({
      store,
      registry: embeddedRegistry(cloud),
      clock: systemClock,
      catalog: new TemplateCatalog(),
      policies: [],
      logger: createLogger({ level: 'debug', component: 'clustermint-controller', destination: log.stream }),
      ops: { port: 0, host: '127.0.0.1' },
      // other test files create ClusterDeployments in their namespaces at the same time
      namespace: ns,
      controller: { pollMs: 200 },
    });
  });

  afterAll(async () => {
    if (process.env.CTL_DEBUG) for (const l of log.lines) console.log(JSON.stringify(l));
    await ctl?.stop();
    await store?.close();
    cloud?.close();
  });

  const get = async (name: string): Promise<CDObject | undefined> => {
    try {
      return (await store.get({ ...CD, namespace: ns, name })) as CDObject;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  const condition = (cd: CDObject | undefined, type: string) =>
    cd?.status?.conditions?.find((c) => c.type === type);
  const machines = async () => (await store.list(MACHINE_TYPE, { namespace: ns })).items as Machine[];
  const events = async (name: string) =>
    (
      await store.list(EVENT_TYPE, {
        namespace: ns,
        labelSelector: `${LABEL_CLUSTER_DEPLOYMENT}=${name}`,
      })
    ).items as ClusterEvent[];
  const readyAt = (name: string, version: string) =>
    eventually(`${name} Ready at ${version}`, async () => {
      const cd = await get(name);
      return condition(cd, 'Ready')?.status === 'True' &&
        cd!.status?.k8sVersion === version &&
        cd!.status?.observedGeneration === cd!.metadata.generation
        ? cd
        : undefined;
    });

  it('provisions a ClusterDeployment to Ready', async () => {
    expect(ctl.isLeader).toBe(true);
    await store.create({ ...CD, metadata: { name: 'dev', namespace: ns }, spec: spec('v1.33.4+k0s.0') });
    const cd = await readyAt('dev', 'v1.33.4');
    for (const type of ['TemplateReady', 'ValuesValid', 'PolicyPassed', 'InfrastructureReady'])
      expect(condition(cd, type)?.status, type).toBe('True');
    expect(cd.status?.phase).toBe('Ready');
    expect(cd.metadata.finalizers).toContain('clustermint.io/cluster-deployment');
    const ms = await machines();
    expect(ms).toHaveLength(3);
    expect(ms.every((m) => m.metadata.labels?.[LABEL_CLUSTER_DEPLOYMENT] === 'dev')).toBe(true);
    expect(await cloud.listMachines(`${ns}/dev`)).toHaveLength(3);
    const created = (await events('dev')).filter((e) => e.reason === 'MachineCreated');
    expect(created.map((e) => e.involvedObject.name).sort()).toEqual(ms.map((m) => m.metadata.name).sort());
  });

  it('upgrades it one minor, replacing every machine', async () => {
    const before = new Set((await machines()).map((m) => m.metadata.name));
    // the newest version, again on a Conflict: the controller writes its status meanwhile
    await modify(store, { ...CD, namespace: ns, name: 'dev' }, (cd) => ({
      ...cd,
      spec: spec('v1.34.1+k0s.0'),
    }));
    const up = await readyAt('dev', 'v1.34.1');
    expect(condition(up, 'UpgradeInProgress')?.status).not.toBe('True');
    const after = await eventually('old machines gone', async () => {
      const ms = await machines();
      return ms.length === 3 ? ms : undefined;
    });
    expect(after.some((m) => before.has(m.metadata.name))).toBe(false);
    expect(await cloud.listMachines(`${ns}/dev`)).toHaveLength(3);
    const created = (await events('dev')).filter((e) => e.reason === 'MachineCreated');
    // each machine created once: 3 at first, 3 replacements
    expect(created).toHaveLength(6);
    expect(new Set(created.map((e) => e.involvedObject.name)).size).toBe(6);
  });

  it('deletes it: machines, infrastructure and the object go, nothing leaks', async () => {
    await store.delete({ ...CD, namespace: ns, name: 'dev' });
    await eventually('dev gone', async () => ((await get('dev')) === undefined ? true : undefined));
    expect(await machines()).toHaveLength(0);
    expect((await cloud.getCluster(`${ns}/dev`))?.phase ?? 'Deleted').toBe('Deleted');
    expect(await cloud.listMachines(`${ns}/dev`)).toHaveLength(0);
    // the cloud keeps deleted machines' records: six, each created once, all deleted
    expect(cloud.machineRecordCount()).toBe(6);
    const all = await cloud.listMachines(`${ns}/dev`, { includeDeleted: true });
    expect(all.map((m) => m.phase)).toEqual(Array(6).fill('Deleted'));
    const reasons = (await events('dev')).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['DeletingWorkers', 'DeletingControlPlane', 'Deleted']));
  });

  it('logs transitions and serves /metrics, /healthz and /readyz', async () => {
    const base = `http://127.0.0.1:${ctl.ops!.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    const count = Number(
      /clustermint_reconcile_duration_seconds_count\{kind="ClusterDeployment",result="requeue"\} (\d+)/.exec(
        text,
      )?.[1],
    );
    // a pass goes as far as it can (rounds), so the scenarios above took a handful of requeues
    expect(count).toBeGreaterThan(0);
    expect(text).toMatch(/^clustermint_leader 1$/m);
    expect(text).toMatch(/^clustermint_workqueue_depth\{kind="ClusterDeployment"\} \d+$/m);
    const transitions = log.lines.filter((l) => l.reason === 'MachineCreated');
    expect(transitions).toHaveLength(6);
    expect(transitions[0]).toMatchObject({ component: 'clustermint-controller', level: 30 });
  });
});
