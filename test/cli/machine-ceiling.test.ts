/**
 * The platform's machine ceiling through the CLI (issue 17, class 6): a 1 KB submission that asks
 * for 100,000 machines is refused by `check`, `plan` and `apply` before anything is stored or made;
 * `--max-machines` raises it, and apply remembers it with the state as it does --policies.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const submission = (workers: number) => `apiVersion: clustermint.io/v1alpha1
kind: ClusterDeployment
metadata: {name: huge, namespace: team-a}
spec:
  template: simulated-standalone-cp
  config: {controlPlaneNumber: 1, workersNumber: ${workers}}
`;

function files(workers: number): { dir: string; file: string } {
  const dir = tmpTree({});
  const file = join(dir, 'huge.yaml');
  writeFileSync(file, submission(workers));
  return { dir, file };
}

const REFUSAL =
  /asks for 100001 machines \(MachineDeployment huge-md: 100000, K0sControlPlane huge-cp: 1\); the platform allows at most 1000 per deployment.*--max-machines/;

describe('machine ceiling', () => {
  it('check refuses 100,000 workers with the count, the ceiling and the flag; --max-machines raises it', async () => {
    const { file } = files(100_000);
    expect(Buffer.byteLength(submission(100_000))).toBeLessThan(1024);
    const r = await run('check', '-f', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(REFUSAL);
    expect(r.stdout).toMatch(/huge\.yaml:1/);
    const json = JSON.parse((await run('check', '-f', file, '-o', 'json')).stdout);
    expect(JSON.stringify(json)).toMatch(/TOO_MANY_MACHINES/);
    expect((await run('check', '-f', file, '--max-machines', '100001')).code).toBe(0);
    expect((await run('check', '-f', files(999).file)).code).toBe(0);
  });

  it('a --max-machines that is not a whole number of at least 1 is a usage error', async () => {
    const r = await run('check', '-f', files(1).file, '--max-machines', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-machines must be a whole number of at least 1, got "0"/);
  });

  it('plan refuses it too, without listing the machines', async () => {
    const { dir, file } = files(100_000);
    const r = await run('plan', '-f', file, '--state', join(dir, 'state.db'), '-o', 'json');
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan(10_000);
    expect(r.stdout).toMatch(/100001 machines/);
  });

  it('apply refuses it before storing anything; a raised ceiling is remembered with the state', async () => {
    const { dir, file } = files(100_000);
    const state = join(dir, 'state.db');
    const r = await run('apply', '-f', file, '--state', state, '--no-wait');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(REFUSAL);
    expect(r.stdout).toMatch(/huge denied \(not stored\)/);
    let store = openSqliteStore(state);
    expect(
      (await store.list({ apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' })).items,
    ).toEqual([]);
    await store.close();

    writeFileSync(file, submission(1500));
    const raised = await run('apply', '-f', file, '--state', state, '--no-wait', '--max-machines', '2000');
    expect(raised.stderr).not.toMatch(/machines/);
    expect(raised.stdout).toMatch(/huge created/);
    store = openSqliteStore(state);
    const cm = await store.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'clustermint-system',
      name: 'embedded-config',
    });
    expect(cm.data).toMatchObject({ maxMachines: '2000' });
    await store.close();
    // remembered: the next apply without the flag gates with 2000, not the default
    expect((await run('apply', '-f', file, '--state', state, '--no-wait')).code).toBe(0);
  });
});
