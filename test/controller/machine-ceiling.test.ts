/**
 * The controller's side of the platform's machine ceiling (issue 17, class 6): a deployment over
 * it is refused in the apply decision as `check` would deny it; nothing of the change is made and
 * the cluster keeps what was last applied.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const spec = (workersNumber: number) => ({
  template: 'simulated-standalone-cp',
  config: { controlPlaneNumber: 1, workersNumber, bootDelay: '1s' },
});

describe('machine ceiling in the controller', () => {
  it('a first apply over the ceiling makes nothing, with a condition that says why', async () => {
    h = new Harness();
    await h.apply('huge', spec(100_000));
    await h.until(async () => (await h!.condition('huge', 'Ready'))?.reason === 'TooManyMachines', 60_000);
    expect((await h.condition('huge', 'Ready'))?.message).toMatch(
      /asks for 100001 machines .*at most 1000 per deployment.*--max-machines/,
    );
    await h.runFor(10_000);
    expect(await h.machines()).toHaveLength(0);
    expect(await h.cloud.getCluster('team-a/huge')).toBeUndefined();
    expect(h.cloud.machineRecordCount()).toBe(0);
  });

  it('a change over a configured ceiling keeps the cluster as last applied', async () => {
    h = new Harness({ controller: { maxMachines: 5 } });
    await h.apply('c', spec(2));
    await h.untilReady('c');
    await h.apply('c', spec(10));
    await h.until(async () => (await h!.condition('c', 'Ready'))?.reason === 'TooManyMachines', 60_000);
    expect((await h.condition('c', 'Ready'))?.message).toMatch(
      /asks for 11 machines .*at most 5 per deployment/,
    );
    await h.runFor(30_000);
    expect(await h.machines()).toHaveLength(3);
    const cd = await h.cd('c');
    const applied = (cd.status as { applied?: { objects: { kind: string; spec?: { replicas?: number } }[] } })
      .applied;
    expect(applied?.objects.find((o) => o.kind === 'MachineDeployment')?.spec?.replicas).toBe(2);
  });
});
