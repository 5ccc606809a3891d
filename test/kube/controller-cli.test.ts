// `clustermint controller` options: which mode they select and the usage errors of the
// Kubernetes mode (exit 2, a sentence naming the option), checked before anything is opened.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDurationFlag } from '../../src/cli/controller.js';
import { run } from '../helpers/cli.js';

describe('clustermint controller options', () => {
  it('parses durations', () => {
    expect(parseDurationFlag('--x', '15s')).toBe(15_000);
    expect(parseDurationFlag('--x', '1.5s')).toBe(1_500);
    expect(parseDurationFlag('--x', '500ms')).toBe(500);
    expect(parseDurationFlag('--x', '1m30s')).toBe(90_000);
    expect(parseDurationFlag('--x', '1h')).toBe(3_600_000);
    expect(parseDurationFlag('--x', '2h30m')).toBe(9_000_000);
    expect(parseDurationFlag('--event-ttl', '0', true)).toBe(0);
    expect(() => parseDurationFlag('--event-ttl', 'never', true)).toThrow(/1h \(or 0\)/);
    for (const bad of ['', '0s', 'soon', '15', '-1s', 'h'])
      expect(() => parseDurationFlag('--lease-duration', bad), bad).toThrow(/--lease-duration/);
  });

  it.each([
    [['--state', 'x.db', '--kubeconfig', 'k'], /--state is the embedded store/],
    [['--kubeconfig', 'k', '--in-cluster'], /exclude each other/],
    [['--kubeconfig', 'k', '--log-level', 'loud'], /--log-level must be one of/],
    [['--kubeconfig', 'k', '--metrics-port', '70000'], /--metrics-port must be 0\.\.65535/],
    [
      ['--leader-elect', '--lease-duration', '1s', '--renew-deadline', '2s'],
      /--retry-period < --renew-deadline < --lease-duration/,
    ],
    [['--kubeconfig', 'k', '--retry-period', 'often'], /--retry-period "often" is not a duration/],
    [['--kubeconfig', 'k', '--event-ttl', '1h'], /--event-ttl is the embedded store's/],
  ])('usage error: %j', async (args, message) => {
    const r = await run('controller', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a missing or broken kubeconfig is a clear error, not a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-ctl-cli-'));
    const missing = await run('controller', '--kubeconfig', join(dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot load the kubeconfig: no kubeconfig at/);
    writeFileSync(join(dir, 'kc'), 'apiVersion: v1\nkind: Config\ncontexts: []\n');
    const broken = await run('controller', '--kubeconfig', join(dir, 'kc'));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/no current-context/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });

  it('--in-cluster outside a pod', async () => {
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      const r = await run('controller', '--in-cluster');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--in-cluster: no service account here/);
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
  });

  it('help names both modes and the Kubernetes options', async () => {
    const r = await run('controller', '--help');
    expect(r.code).toBe(0);
    for (const flag of [
      '--kubeconfig',
      '--in-cluster',
      '--leader-elect',
      '--leader-election-namespace',
      '--metrics-port',
      '--simulated-state',
      '--state',
    ])
      expect(r.stdout).toContain(flag);
  });
});
