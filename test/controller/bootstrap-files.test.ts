// Bootstrap files from Secrets/ConfigMaps (`files[].contentFrom`): read from the store in the
// deployment's namespace into the machines' cloud-config; while one is missing, the pool gets no
// machines and a Warning event says which object or key is missing.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { Harness } from './harness.js';

const TEMPLATES = [join(import.meta.dirname, 'fixtures', 'templates')];

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const writtenFiles = (userData: string): Array<{ path: string; content: string }> =>
  (parse(userData) as { write_files?: Array<{ path: string; content: string }> }).write_files ?? [];

describe('bootstrap files from Secrets and ConfigMaps', () => {
  it('waits for a missing Secret, then writes its key into the workers cloud-config', async () => {
    h = new Harness({ templates: TEMPLATES });
    const created: Array<{ machineId: string; userData: string }> = [];
    const createMachine = h.cloud.createMachine.bind(h.cloud);
    vi.spyOn(h.cloud, 'createMachine').mockImplementation(async (req) => {
      created.push({ machineId: req.machineId, userData: req.userData });
      return createMachine(req);
    });
    await h.apply('f', {
      template: 'sim-test',
      config: {
        workers: [{ name: 'md-0', replicas: 2 }],
        workerFiles: [
          {
            path: '/etc/ssl/certs/registry.pem',
            permissions: '0644',
            contentFrom: { secretRef: { name: 'registry-ca', key: 'ca.crt' } },
          },
          { path: '/etc/motd', contentFrom: { configMapRef: { name: 'motd', key: 'text' } } },
          { path: '/etc/plain', content: 'inline' },
        ],
      },
    });
    await h.runFor(60_000);
    const workers = async () => (await h!.machines()).filter((m) => m.spec.role === 'worker');
    expect(await workers()).toHaveLength(0);
    const cp = (await h.machines()).filter((m) => m.spec.role === 'control-plane');
    expect(cp.length).toBeGreaterThan(0); // the control plane has no such files: it goes on
    const warnings = (await h.events()).filter((e) => e.reason === 'BootstrapFilesUnavailable');
    expect(warnings[0]).toMatchObject({ type: 'Warning' });
    expect(warnings[0].message).toContain(
      'Secret team-a/registry-ca (for /etc/ssl/certs/registry.pem) does not exist',
    );
    expect(warnings.length).toBeLessThanOrEqual(1); // told once in 5 minutes, not on every retry

    await h.store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'registry-ca', namespace: 'team-a' },
      data: { 'ca.crt': Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n').toString('base64') },
    } as never);
    await h.runFor(20_000);
    const later = (await h.events()).filter((e) => e.reason === 'BootstrapFilesUnavailable');
    expect(later.at(-1)?.message).toContain('ConfigMap team-a/motd (for /etc/motd) does not exist');
    expect(await workers()).toHaveLength(0);

    await h.store.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'motd', namespace: 'team-a' },
      data: { text: 'hello' },
    } as never);
    await h.untilReady('f');
    const ws = await workers();
    expect(ws).toHaveLength(2);
    const workerData = created.filter((c) => ws.some((w) => c.machineId.includes(w.metadata.name)));
    expect(workerData).toHaveLength(2);
    for (const { userData } of workerData) {
      const files = writtenFiles(userData);
      expect(files.find((f) => f.path === '/etc/ssl/certs/registry.pem')?.content).toBe(
        '-----BEGIN CERTIFICATE-----\nMIIB\n',
      );
      expect(files.find((f) => f.path === '/etc/motd')?.content).toBe('hello');
      expect(files.find((f) => f.path === '/etc/plain')?.content).toBe('inline');
    }
  });

  it('names a missing key of an existing Secret', async () => {
    h = new Harness({ templates: TEMPLATES });
    await h.store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'team-a' },
      stringData: { other: 'x' },
    } as never);
    await h.apply('k', {
      template: 'sim-test',
      config: {
        workers: [{ name: 'md-0', replicas: 1 }],
        workerFiles: [{ path: '/etc/auth', contentFrom: { secretRef: { name: 'creds', key: 'token' } } }],
      },
    });
    await h.runFor(60_000);
    const warning = (await h.events()).find((e) => e.reason === 'BootstrapFilesUnavailable');
    expect(warning?.message).toContain('Secret team-a/creds has no key "token" (for /etc/auth)');
  });
});
