/** apply / get / describe / plan / delete through the built binary (`npm run build` first). */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'clustermint.js');
const built = existsSync(join(ROOT, 'dist', 'cli', 'entry.js'));

function cmAsync(
  cwd: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    c.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    c.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

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
    // -A says what no -n means, as in kubectl; with -n or a name it is a usage error
    expect(cm(dir, 'get', 'clusterdeployments', '-A').stdout).toBe(table.stdout);
    const both = cm(dir, 'get', 'cd', '-A', '-n', 'team-a');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with option '-n, --namespace <ns>'/);
    const named = cm(dir, 'get', 'cd', 'dev-1', '-A');
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/cannot be retrieved by name across all namespaces/);
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

  it('a denied deployment is not stored: exit 1 with the violations as check prints them; allowed ones are', () => {
    writeFileSync(
      join(dir, 'mixed.yaml'),
      `${deployment(2).replace('dev-1', 'ok-1')}---\n${deployment(9).replace('dev-1', 'big-1')}`,
    );
    const r = cm(dir, 'apply', '-f', 'mixed.yaml', '--policies', join(ROOT, 'policies'), '--no-wait');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('clusterdeployment.clustermint.io/ok-1 created');
    expect(r.stdout).toContain('clusterdeployment.clustermint.io/big-1 denied (not stored)');
    expect(r.stderr).toMatch(
      /^DENIED {2}team-a\/big-1 \(mixed\.yaml:\d+\)\n {2}error: mixed\.yaml:\d+:\d+ .*at most 5 workers, not 9 \[team-a-sizes\//m,
    );
    expect(r.stderr).not.toMatch(/ok-1/);
    const check = cm(dir, 'check', '-f', 'mixed.yaml', '--policies', join(ROOT, 'policies'));
    const deniedBlock = check.stdout.slice(check.stdout.indexOf('DENIED'), check.stdout.indexOf('\n\n'));
    expect(r.stderr).toContain(deniedBlock);
    const nf = cm(dir, 'get', 'cd', 'big-1');
    expect(nf.code).toBe(1);
    expect(nf.stderr).toMatch(/not found/);
    expect(cm(dir, 'get', 'cd', 'ok-1').code).toBe(0);
    // The policies are remembered with the state: a later apply without --policies is gated the same way.
    const again = cm(dir, 'apply', '-f', 'big.yaml', '--no-wait');
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/big-1 denied \(not stored\)/);
    expect(cm(dir, 'delete', 'cd', 'ok-1').code).toBe(0);
  });

  it('apply --wait off a terminal prints event lines; --progress live redraws one line per deployment', () => {
    writeFileSync(join(dir, 'dev3.yaml'), deployment(3));
    const r = cm(dir, 'apply', '-f', 'dev3.yaml', '--timeout', '2m');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('\x1b[');
    const lines = r.stderr.trim().split('\n');
    for (const l of lines) expect(l).toMatch(/^\d\d:\d\d:\d\d team-a\/dev-1 /);
    expect(r.stderr).toMatch(
      /MachineCreated: created worker machine[\s\S]*WorkersReady: 3\/3[\s\S]*Ready: cluster dev-1 is ready/,
    );
    expect(r.stdout).toMatch(/team-a\/dev-1 Ready/);

    writeFileSync(join(dir, 'dev2.yaml'), deployment(2));
    const live = cm(dir, 'apply', '-f', 'dev2.yaml', '--progress', 'live', '--timeout', '2m');
    expect(live.code).toBe(0);
    expect(live.stderr).not.toMatch(/MachineDeleting/);
    const frames = live.stderr.split('\r\x1b[2K').slice(1);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.at(-1)).toMatch(
      /^ {2}team-a\/dev-1 {2}Ready {2}machines 3\/3 {2}v1\.33\.4 {2}cluster dev-1 is ready/,
    );
    expect(cm(dir, 'apply', '-f', 'dev2.yaml', '--progress', 'sometimes').code).toBe(2);
  });

  it('get -w prints the list, then a line per change until interrupted', async () => {
    const watch = spawn(process.execPath, [BIN, 'get', 'clusterdeployments', '-w'], { cwd: dir });
    let out = '';
    watch.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const exited = new Promise<number | null>((r) => watch.once('exit', (c) => r(c)));
    const until = async (re: RegExp) => {
      for (let i = 0; i < 600 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(re);
    };
    await until(/^NAMESPACE\s+NAME\s+READY\s+PHASE.*\nteam-a\s+dev-1\s+True\s+Ready\s.*3\/3/);
    writeFileSync(join(dir, 'dev4.yaml'), deployment(3));
    const r = await cmAsync(dir, 'apply', '-f', 'dev4.yaml', '--timeout', '2m');
    expect(r.code).toBe(0);
    await until(/team-a\s+dev-1\s+True\s+Ready\s.*4\/4\s/);
    watch.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE/);
    expect(lines.filter((l) => l.startsWith('NAMESPACE'))).toHaveLength(1);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    // A line while scaling, then Ready again; all in the header's columns.
    expect(out).toMatch(/dev-1\s+False\s+\w+\s.*\d\/4[\s\S]*dev-1\s+True\s+Ready/);
    const col = lines[0].indexOf('PHASE');
    for (const l of lines.slice(1)) expect(l.slice(col - 1, col + 1)).toMatch(/^ \S$/);
  });

  it('describe shows the upgrade: planned steps with their state and the current step', async () => {
    writeFileSync(join(dir, 'up2.yaml'), deployment(4, 'v1.34.1+k0s.0'));
    expect(cm(dir, 'apply', '-f', 'up2.yaml', '--no-wait').code).toBe(0);
    const controller = spawn(process.execPath, [BIN, 'controller'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => controller.once('exit', (c) => r(c)));
    const seen = new Set<string>();
    try {
      for (let i = 0; i < 600; i++) {
        const d = (await cmAsync(dir, 'describe', 'cd', 'dev-1')).stdout;
        const m = /Current step: +(\d)\. /.exec(d);
        if (m) {
          expect(d).toMatch(/^Upgrade: +v1\.33\.4 -> v1\.34\.1 \(stage \w+\)$/m);
          expect(d).toMatch(
            /Planned steps:\n\s+STEP\s+STATE\s+DETAIL\n\s+1\. control plane v1\.33\.4 -> v1\.34\.1\s+(done|in progress)\b.*\n\s+2\. workers dev-1-md v1\.33\.4 -> v1\.34\.1\s+(pending|in progress)/,
          );
          expect(d).toMatch(/Current step: +\d\. .*: \d\/\d machines updated/);
          seen.add(m[1]);
        }
        if (/Phase: +Ready/.test(d) && /Kubernetes version: v1\.34\.1/.test(d)) break;
        await new Promise((r) => setTimeout(r, 150));
      }
    } finally {
      controller.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // Steps were seen in progress, in the plan's order.
    expect(seen.size).toBeGreaterThan(0);
    expect([...seen]).toEqual([...seen].sort());
    const done = cm(dir, 'describe', 'cd', 'dev-1').stdout;
    expect(done).toMatch(/UpgradeInProgress\s+False\s+UpgradeCompleted/);
    expect(done).not.toMatch(/^Upgrade:/m);
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
