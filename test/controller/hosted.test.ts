/**
 * A hosted control plane (K0smotronControlPlane on the simulated cloud): provisioned, upgraded
 * one minor at a time through ensureControlPlane with the same chain-aware versions as a machine
 * control plane, and deleted after the workers.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './harness.js';

const TEMPLATES = [join(import.meta.dirname, 'fixtures', 'templates')];

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const spec = (k0sVersion: string) => ({
  template: 'sim-hosted-1-0-0',
  config: {
    controlPlaneNumber: 2,
    zones: ['a', 'b'],
    bootDelay: '1s',
    k0sVersion,
    workers: [{ name: 'md-0', replicas: 2 }],
  },
});

describe('hosted control plane', () => {
  it('provisions, upgrades one minor at a time, and is deleted after the workers', async () => {
    h = new Harness({ templates: TEMPLATES });
    await h.apply('hc', spec('v1.30.14+k0s.0'));
    await h.untilReady('hc');
    let st = (await h.cd('hc')).status!;
    expect(st.controlPlane).toMatchObject({
      mode: 'hosted',
      version: 'v1.30.14',
      replicas: 2,
      readyReplicas: 2,
      initialized: true,
    });
    expect(st.k8sVersion).toBe('v1.30.14');
    expect(st.endpoint).toMatch(/^https:\/\//);
    expect((await h.machines()).map((m) => m.spec.role)).toEqual(['worker', 'worker']);
    const ready = (await h.events()).find((e) => e.reason === 'Ready');
    expect(ready?.message).toContain('2 control-plane replicas and 2 workers at v1.30.14');

    await h.apply('hc', spec('v1.32.8+k0s.0'));
    await h.until(async () => (await h!.condition('hc', 'UpgradeInProgress'))?.reason === 'UpgradeCompleted');
    await h.untilReady('hc');
    st = (await h.cd('hc')).status!;
    expect(st.k8sVersion).toBe('v1.32.8');
    const steps = (await h.events()).filter((e) => e.reason === 'ControlPlaneUpgrade').map((e) => e.message);
    expect(steps).toEqual([
      'upgrading the hosted control plane from v1.30.14 to v1.31.12',
      'upgrading the hosted control plane from v1.31.12 to v1.32.8',
    ]);
    for (const m of await h.machines()) expect(m.spec.version).toBe('v1.32.8');

    await h.store.delete({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ClusterDeployment',
      namespace: 'team-a',
      name: 'hc',
    });
    await h.until(async () => (await h!.condition('hc', 'Ready')) === undefined);
    const reasons = (await h.events()).map((e) => e.reason);
    const order = ['DeletingWorkers', 'DeletingControlPlane', 'Deleted'].map((r) => reasons.lastIndexOf(r));
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]))).toBe(true);
    const deleting = (await h.events())
      .filter((e) => e.reason === 'DeletingControlPlane')
      .map((e) => e.message);
    expect(deleting).toEqual(['deleting the hosted control plane']);
    expect((await h.cloud.getControlPlane('team-a/hc'))?.phase ?? 'Deleted').toBe('Deleted');
    expect((await h.cloud.getCluster('team-a/hc'))?.phase ?? 'Deleted').toBe('Deleted');
    expect(await h.cloud.listMachines('team-a/hc')).toHaveLength(0);
  });

  it('steps through a version only a chain template knows, as a machine control plane does', async () => {
    // A 1.1.0 of the chart at v1.31.12: the chain naming it makes v1.31.12 a known intermediate step.
    const dir = mkdtempSync(join(tmpdir(), 'cm-hosted-chain-'));
    cpSync(join(TEMPLATES[0], 'sim-hosted'), join(dir, 'sim-hosted'), { recursive: true });
    const chart = join(dir, 'sim-hosted', 'Chart.yaml');
    writeFileSync(
      chart,
      readFileSync(chart, 'utf8').replace('version: 1.0.0', 'version: 1.1.0').replace('v1.30.14', 'v1.31.12'),
    );
    h = new Harness({ templates: [...TEMPLATES, dir], controller: { knownVersions: [] } });
    await h.apply('hc', spec('v1.30.14+k0s.0'));
    await h.untilReady('hc');
    await h.store.create({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ClusterTemplateChain',
      metadata: { name: 'sim-hosted', namespace: 'team-a' },
      spec: {
        supportedTemplates: [
          { name: 'sim-hosted-1-0-0', availableUpgrades: [{ name: 'sim-hosted-1-1-0' }] },
          { name: 'sim-hosted-1-1-0' },
        ],
      },
    });
    await h.apply('hc', spec('v1.32.8+k0s.0'));
    await h.until(
      async () => (await h!.condition('hc', 'UpgradeInProgress'))?.reason === 'UpgradeCompleted',
      1_800_000,
    );
    expect((await h.cd('hc')).status?.k8sVersion).toBe('v1.32.8');
    const steps = (await h.events()).filter((e) => e.reason === 'ControlPlaneUpgrade').map((e) => e.message);
    expect(steps).toEqual([
      'upgrading the hosted control plane from v1.30.14 to v1.31.12',
      'upgrading the hosted control plane from v1.31.12 to v1.32.8',
    ]);
  });
});
