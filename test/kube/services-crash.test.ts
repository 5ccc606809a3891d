// A controller killed in the middle of delivering a service converges when it starts again: the
// real CLI (`clustermint controller --state FILE`, embedded runtime) as a child process, two
// adopted workload clusters (test/testenv/workload.ts), a MultiClusterService whose service is
// many ConfigMaps. SIGKILL lands while some but not all of them exist on a workload cluster; the
// next controller finishes the job with every object there once and an inventory naming exactly
// them. Then the service shrinks, SIGKILL lands in the middle of the prune, and the next
// controller removes the rest and nothing else. Needs `npm run build` (skipped without dist/).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeInventory } from '../../src/services/inventory.js';
import type { ServiceState } from '../../src/services/types.js';
import { WorkloadClient } from '../../src/services/workload-client.js';
import { modify, openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import type { KubeObject, NewObject } from '../../src/store/types.js';
import { BIN, cliBuilt, eventually } from '../helpers/process.js';
import { kubeTestenv } from '../testenv/index.js';
import { closeWorkloadClusters, startWorkloadClusters, type WorkloadCluster } from '../testenv/workload.js';

const built = cliBuilt();
if (!built) console.warn('skipping the services crash test: run npm run build first');
const env = built ? await kubeTestenv('services: a controller killed mid-delivery') : undefined;
const clusters = env
  ? await startWorkloadClusters(2, 'services: a controller killed mid-delivery')
  : undefined;

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const SVC_NS = 'crash';
/** Objects of the service, and how many it keeps after it shrinks. */
const MANY = 150;
const FEW = 40;

const names = (n: number) => Array.from({ length: n }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);

/** The manifests of the service: `n` ConfigMaps in one multi-document YAML. */
const manifests = (n: number) =>
  names(n)
    .map(
      (name, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { index: "${i}" }\n`,
    )
    .join('---\n');

/** `clustermint controller --state FILE` with short intervals; stdout (event lines) and stderr kept. */
class Controller {
  readonly proc: ChildProcess;
  output = '';
  readonly exit: Promise<number | null>;
  constructor(state: string) {
    this.proc = spawn(
      process.execPath,
      [BIN, 'controller', '--state', state, '--drift-interval', '1s', '--adopted-probe', '1s'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const s of [this.proc.stdout!, this.proc.stderr!])
      s.on('data', (c: Buffer) => {
        this.output += c.toString('utf8');
      });
    this.exit = new Promise((r) => this.proc.on('exit', (code) => r(code)));
  }
  async kill(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exit;
  }
}

describe.skipIf(!env || !clusters)('services: a controller killed mid-delivery (embedded, real CLI)', () => {
  let root: string;
  let state: string;
  let store: SqliteStore;
  let ctl: Controller | undefined;
  const clients: WorkloadClient[] = [];
  const cl = () => clusters as WorkloadCluster[];

  /** The service's ConfigMaps on cluster i, by name (the inventory is not one of them). */
  const bulkOn = async (i: number): Promise<KubeObject[]> =>
    (await clients[i]!.list(CONFIG_MAP, { namespace: SVC_NS })).filter((c) =>
      c.metadata.name.startsWith('bulk-'),
    );
  const inventoryOn = async (i: number) => {
    const cm = await clients[i]!.get({ ...CONFIG_MAP, namespace: SVC_NS, name: 'clustermint-svc-bulk' });
    return decodeInventory((cm as { data?: Record<string, string> } | undefined)?.data);
  };
  const stateOf = async (i: number) =>
    (
      (await store.get({ ...CD, namespace: 'team', name: `c${i}` })).status as
        | { services?: ServiceState[] }
        | undefined
    )?.services?.find((s) => s.name === 'bulk');

  /** Polls cluster i until `middle(count)` holds, then SIGKILLs the controller; the count seen. */
  async function killWhen(i: number, middle: (n: number) => boolean, what: string): Promise<number> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const n = (await bulkOn(i)).length;
      if (middle(n)) {
        await ctl!.kill();
        if (process.env.SERVICES_DEBUG) console.log(`killed at ${n} objects (${what})`);
        return n;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last count ${n})`);
    }
  }

  /** Every cluster has exactly `expected` of the service, an inventory naming exactly them, state Deployed. */
  async function converged(expected: string[]): Promise<void> {
    for (const i of [0, 1]) {
      const s = await eventually(
        `c${i}: bulk Deployed with ${expected.length} objects`,
        async () => {
          const st = await stateOf(i);
          const inv = await inventoryOn(i);
          return st?.state === 'Deployed' &&
            st.objects === expected.length &&
            'entries' in inv &&
            inv.hash !== 'pending'
            ? st
            : undefined;
        },
        90_000,
        200,
      );
      expect(s.reason).toBe('Deployed');
      const live = await bulkOn(i);
      expect(live.map((c) => c.metadata.name).sort()).toEqual(expected);
      for (const c of live) {
        expect(c.metadata.annotations?.['clustermint.io/service']).toBe(`${SVC_NS}/bulk`);
        expect((c as { data?: { index?: string } }).data?.index).toBe(
          String(Number(c.metadata.name.slice(5))),
        );
      }
      const inv = await inventoryOn(i);
      if (!('entries' in inv)) throw new Error(inv.error);
      expect(inv.entries.map((e) => `${e.kind}/${e.namespace}/${e.name}`).sort()).toEqual(
        expected.map((n) => `ConfigMap/${SVC_NS}/${n}`),
      );
      expect(inv.owner).toBe('MultiClusterService/bulk');
    }
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cm-svc-crash-'));
    state = join(root, 'state.db');
    for (const c of cl()) clients.push(await WorkloadClient.fromKubeconfig(c.kubeconfig));
    store = openSqliteStore(state);
    for (const ns of ['team', 'clustermint-system'])
      await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const [i, c] of cl().entries()) {
      await store.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `c${i}-kubeconfig`, namespace: 'team' },
        data: { value: Buffer.from(c.kubeconfig).toString('base64') },
      } as NewObject);
      await store.create({
        ...CD,
        metadata: { name: `c${i}`, namespace: 'team', labels: { bulk: 'yes' } },
        spec: { template: 'adopted-cluster', config: { clusterIdentity: { name: `c${i}-kubeconfig` } } },
      });
    }
    await store.create({
      ...CONFIG_MAP,
      metadata: { name: 'bulk-manifests', namespace: 'clustermint-system' },
      data: { 'objects.yaml': manifests(MANY) },
    } as NewObject);
    await store.create({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ServiceTemplate',
      metadata: { name: 'bulk-1-0-0', namespace: 'clustermint-system' },
      spec: { resources: { localSourceRef: { kind: 'ConfigMap', name: 'bulk-manifests' } } },
    });
    ctl = new Controller(state);
    for (const i of [0, 1])
      await eventually(
        `c${i} Ready`,
        async () =>
          (
            (await store.get({ ...CD, namespace: 'team', name: `c${i}` })).status as
              | { conditions?: { type: string; status: string }[] }
              | undefined
          )?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') || undefined,
        60_000,
      );
  }, 120_000);

  afterAll(async () => {
    if (process.env.SERVICES_DEBUG) console.log(ctl?.output);
    if (ctl?.proc.exitCode === null && ctl.proc.signalCode === null) await ctl.kill();
    store?.close();
    for (const c of clients) c.close();
    await closeWorkloadClusters(clusters);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('killed while applying: the next controller finishes, every object once, the inventory exact', async () => {
    await store.create({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'MultiClusterService',
      metadata: { name: 'bulk' },
      spec: {
        clusterSelector: { matchLabels: { bulk: 'yes' } },
        // OneTime: applied once, never again; a delivery the crash cut short is not "once"
        serviceSpec: {
          syncMode: 'OneTime',
          services: [{ name: 'bulk', namespace: SVC_NS, template: 'bulk-1-0-0' }],
        },
      },
    });
    const seen = await killWhen(0, (n) => n > 0 && n < MANY, 'some but not all objects on c0');
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(MANY);
    // what the dead controller left: part of the objects, an inventory that names all it may have made
    const left = await inventoryOn(0);
    expect('entries' in left && left.hash).toBe('pending');
    expect((await bulkOn(0)).length).toBeLessThan(MANY);

    ctl = new Controller(state);
    await converged(names(MANY));
  }, 150_000);

  it('killed while pruning after the service shrank: the rest is pruned, nothing else is lost', async () => {
    // Continuous, so that the smaller service is applied
    const mcsRef = { apiVersion: 'clustermint.io/v1alpha1', kind: 'MultiClusterService', name: 'bulk' };
    await modify(store, mcsRef, (mcs) => {
      (mcs.spec as { serviceSpec: { syncMode: string } }).serviceSpec.syncMode = 'Continuous';
      return mcs;
    });
    const cm = await store.get({ ...CONFIG_MAP, namespace: 'clustermint-system', name: 'bulk-manifests' });
    await store.update({ ...cm, data: { 'objects.yaml': manifests(FEW) } } as KubeObject);
    const seen = await killWhen(
      0,
      (n) => n > FEW && n < MANY,
      'some but not all removed objects pruned on c0',
    );
    expect(seen).toBeGreaterThan(FEW);
    const left = await inventoryOn(0);
    if (!('entries' in left)) throw new Error(left.error);
    // the inventory still names what is left to prune
    expect(left.hash).toBe('pending');
    expect(left.entries.length).toBe(MANY);

    ctl = new Controller(state);
    await converged(names(FEW));
    await ctl.kill();
  }, 150_000);
});
