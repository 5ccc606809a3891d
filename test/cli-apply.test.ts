/** apply / get / describe / plan / delete through the built binary (`npm run build` first). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'clustermint.js');
const built = existsSync(join(ROOT, 'dist', 'cli', 'entry.js'));

function cm(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const deployment = (workers: number, version = 'v1.33.4+k0s.0') => `apiVersion: clustermint.io/v1alpha1
kind: ClusterDeployment
metadata:
  name: dev-1
  namespace: team-a
spec:
  template: simulated-standalone-cp
  config:
    controlPlaneNumber: 1
    workersNumber: ${workers}
    bootDelay: 200ms
    k0s: {version: ${version}}
`;

describe.skipIf(!built)('embedded CLI (bin)', () => {
  let dir: string;
  beforeAll(() => {
    if (!built) console.warn('skipping: run npm run build first');
    dir = mkdtempSync(join(tmpdir(), 'cm-cli-'));
    writeFileSync(join(dir, 'dev.yaml'), deployment(2));
    writeFileSync(join(dir, 'big.yaml'), deployment(9).replace('dev-1', 'big-1'));
  });

  it('apply brings the deployment to Ready, get and describe show it', () => {
    const r = cm(dir, 'apply', '-f', 'dev.yaml', '--timeout', '2m');
    expect(r.stderr).toMatch(/MachineCreated/);
    expect(r.stdout).toContain('clusterdeployment.clustermint.io/dev-1 created');
    expect(r.stdout).toMatch(/team-a\/dev-1 Ready/);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, '.clustermint', 'state.db'))).toBe(true);
    expect(existsSync(join(dir, '.clustermint', 'simulated-cloud.db'))).toBe(true);

    const table = cm(dir, 'get', 'clusterdeployments');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY\s+PHASE/);
    expect(table.stdout).toMatch(
      /team-a\s+dev-1\s+True\s+Ready\s+simulated-standalone-cp\s+v1\.33\.4\s+3\/3/,
    );
    const json = JSON.parse(cm(dir, 'get', 'cd', 'dev-1', '-o', 'json').stdout);
    expect(json.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    const machines = cm(dir, 'get', 'machines', '-n', 'team-a');
    expect(machines.stdout.trim().split('\n')).toHaveLength(4);
    const d = cm(dir, 'describe', 'clusterdeployment', 'dev-1');
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/Conditions:[\s\S]*PolicyPassed\s+True/);
    expect(d.stdout).toMatch(/Machines:[\s\S]*dev-1-cp-/);
    expect(d.stdout).toMatch(/Events:[\s\S]*MachineReady/);
    expect(cm(dir, 'get', 'events').stdout).toMatch(/REASON[\s\S]*MachineCreated/);
  });

  it('apply again changes nothing; plan shows an upgrade and scaling without changing anything', () => {
    expect(cm(dir, 'apply', '-f', 'dev.yaml').stdout).toContain('dev-1 unchanged');
    const none = cm(dir, 'plan', '-f', 'dev.yaml');
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/objects:\n\s+\(no change\)/);
    writeFileSync(join(dir, 'up.yaml'), deployment(3, 'v1.34.1+k0s.0'));
    const p = cm(dir, 'plan', '-f', 'up.yaml');
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/~ MachineDeployment\/dev-1-md\n\s+spec.replicas: 2 -> 3/);
    expect(p.stdout).toMatch(
      /1\. control plane v1\.33\.4 -> v1\.34\.1\n\s+2\. workers dev-1-md v1\.33\.4 -> v1\.34\.1/,
    );
    writeFileSync(join(dir, 'down.yaml'), deployment(2, 'v1.32.8+k0s.0'));
    const down = cm(dir, 'plan', '-f', 'down.yaml');
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/refused: version cannot be decreased from v1\.33\.4 to v1\.32\.8/);
    // Nothing changed.
    expect(cm(dir, 'get', 'machines').stdout.trim().split('\n')).toHaveLength(4);
  });

  it('a denied deployment: exit 1 with the violations, nothing created', () => {
    const r = cm(dir, 'apply', '-f', 'big.yaml', '--policies', join(ROOT, 'policies'), '--timeout', '1m');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/team-a\/big-1 denied: nothing was created/);
    expect(r.stderr).toMatch(/big\.yaml:\d+:\d+.*at most 5 workers/);
    expect(cm(dir, 'get', 'machines').stdout).not.toMatch(/big-1/);
    expect(cm(dir, 'get', 'cd', 'big-1').stdout).toMatch(/big-1\s+False\s+Denied/);
  });

  it('delete --wait removes workers, control plane and infrastructure', () => {
    const r = cm(dir, 'delete', 'clusterdeployment', 'dev-1', '--wait', '--timeout', '2m');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/team-a\/dev-1 gone/);
    expect(r.stderr).toMatch(/DeletingWorkers[\s\S]*DeletingControlPlane[\s\S]*DeletingInfrastructure/);
    const left = cm(dir, 'get', 'machines');
    expect(left.stderr, left.stdout).toMatch(/No resources found/);
    expect(cm(dir, 'delete', 'cd', 'nope').code).toBe(1);
  });

  it('usage errors exit 2', () => {
    expect(cm(dir, 'get', 'pods').code).toBe(2);
    expect(cm(dir, 'apply').code).toBe(2);
    expect(cm(dir, 'apply', '-f', 'dev.yaml', '--timeout', 'soon').code).toBe(2);
    expect(cm(mkdtempSync(join(tmpdir(), 'cm-empty-')), 'get', 'cd').code).toBe(2);
    expect(cm(dir, 'apply', '--help').stdout).toMatch(/Examples:/);
  });
});
