import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { k0sUserData, ManualClock, type RenderedObject, SimulatedCloud } from '../../src/providers/index.js';

const open: SimulatedCloud[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const cluster: RenderedObject = {
  apiVersion: 'infrastructure.clustermint.io/v1alpha1',
  kind: 'SimulatedCluster',
  metadata: { name: 'demo' },
  spec: { region: 'sim', zones: ['z-a', 'z-b'], seed: 7 },
};
const template: RenderedObject = {
  apiVersion: 'infrastructure.clustermint.io/v1alpha1',
  kind: 'SimulatedMachineTemplate',
  metadata: { name: 'mt' },
  spec: { template: { spec: { instanceType: 'sim.small', bootDelay: '0s' } } },
};
const userData = (name: string) =>
  k0sUserData({
    role: 'worker',
    machineName: name,
    clusterName: 'demo',
    version: 'v1.33.4',
    endpoint: { host: '10.0.0.1', port: 6443 },
    joinToken: 'tok',
  }).userData;

describe('simulated cloud: two processes on one file', () => {
  it('each sees what the other wrote (its record cache follows the file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clustermint-sim-'));
    dirs.push(dir);
    const clock = new ManualClock();
    const opts = { clock, path: join(dir, 'cloud.db'), clusterDelayMs: 0, deleteDelayMs: 0, bootJitter: 0 };
    const a = new SimulatedCloud(opts);
    const b = new SimulatedCloud(opts);
    open.push(a, b);
    await a.ensureCluster({ clusterId: 'ns/demo', infrastructure: cluster });
    expect(await b.getMachine('ns/m1')).toBeUndefined();
    await a.createMachine({
      machineId: 'ns/m1',
      clusterId: 'ns/demo',
      infrastructure: template,
      userData: userData('m1'),
    });
    clock.advance(1000);
    expect((await b.getMachine('ns/m1'))?.phase).toBe('Running');
    expect((await a.getMachine('ns/m1'))?.phase).toBe('Running');
    await b.deleteMachine('ns/m1');
    expect((await a.getMachine('ns/m1'))?.phase).toBe('Deleted');
    await b.deleteCluster('ns/demo');
    expect((await a.getCluster('ns/demo'))?.phase).toBe('Deleted');
    // ensureCluster after a deletion by the other makes a new incarnation, not the cached one.
    expect((await a.ensureCluster({ clusterId: 'ns/demo', infrastructure: cluster })).phase).toBe(
      'Provisioned',
    );
    expect((await b.getCluster('ns/demo'))?.phase).toBe('Provisioned');
  });
});
