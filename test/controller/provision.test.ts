import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('provisioning', () => {
  it('brings a simulated cluster to Ready with its machines, conditions and events', async () => {
    h = new Harness();
    await h.apply('dev-1', {
      template: 'simulated-standalone-cp',
      config: { controlPlaneNumber: 3, workersNumber: 2, zones: ['a', 'b', 'c'], bootDelay: '2s' },
    });
    await h.untilReady('dev-1');
    const cd = await h.cd('dev-1');
    const st = cd.status!;
    const byType = Object.fromEntries(st.conditions!.map((c) => [c.type, c.status]));
    expect(byType).toMatchObject({
      Ready: 'True',
      TemplateReady: 'True',
      ValuesValid: 'True',
      PolicyPassed: 'True',
      InfrastructureReady: 'True',
      ControlPlaneReady: 'True',
      WorkersReady: 'True',
      UpgradeInProgress: 'False',
    });
    expect(st.observedGeneration).toBe(cd.metadata.generation);
    expect(st.k8sVersion).toBe('v1.33.4');
    expect(st.machines).toEqual({
      total: 5,
      ready: 5,
      controlPlane: { desired: 3, ready: 3, upToDate: 3 },
      workers: { desired: 2, ready: 2, upToDate: 2 },
    });
    expect(cd.metadata.finalizers).toContain('clustermint.io/cluster-deployment');
    const machines = await h.machines();
    expect(machines).toHaveLength(5);
    const cp = machines.filter((m) => m.spec.role === 'control-plane');
    // Control-plane machines spread over the three zones; exactly one initialises the cluster.
    expect(new Set(cp.map((m) => m.status?.failureDomain)).size).toBe(3);
    expect(cp.filter((m) => m.spec.bootstrapRole === 'control-plane-init')).toHaveLength(1);
    for (const m of machines) expect(m.status?.kubeletVersion).toBe('v1.33.4+k0s');
    const cloud = await h.cloud.listMachines('team-a/dev-1');
    expect(cloud.map((m) => m.machineId).sort()).toEqual(
      machines.map((m) => `team-a/${m.metadata.name}`).sort(),
    );
    const reasons = (await h.events()).map((e) => e.reason);
    expect(reasons).toContain('InfrastructureReady');
    expect(reasons.filter((r) => r === 'MachineCreated')).toHaveLength(5);
    expect(reasons.at(-1)).toBe('Ready');
  });
});
