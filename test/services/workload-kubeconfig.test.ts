// WorkloadClient.fromKubeconfig (src/services/workload-client.ts): what it accepts and how it
// explains a kubeconfig it cannot use. No server needed: nothing is sent before the first call.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWorkloadError, WorkloadClient, type WorkloadError } from '../../src/services/workload-client.js';

async function failure(p: Promise<unknown>): Promise<WorkloadError> {
  try {
    await p;
  } catch (e) {
    if (isWorkloadError(e)) {
      expect(e.message).not.toMatch(/\n\s+at /);
      return e;
    }
    throw e;
  }
  throw new Error('expected a WorkloadError, the call succeeded');
}

describe('WorkloadClient.fromKubeconfig: bad kubeconfigs', () => {
  const good = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
    users: [{ name: 'u', user: { token: 't' } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  };
  const bad = async (text: string, options = {}) => {
    const e = await failure(WorkloadClient.fromKubeconfig(text, options));
    expect(e.reason).toBe('InvalidKubeconfig');
    return e.message;
  };
  const json = (o: unknown) => JSON.stringify(o);

  it('accepts a good one', async () => {
    const c = await WorkloadClient.fromKubeconfig(json(good));
    expect(c.server).toBe('https://127.0.0.1:6443');
    c.close();
  });

  it('merges YAML merge keys as client-go does (they were a literal "<<" key)', async () => {
    const text = [
      'apiVersion: v1',
      'kind: Config',
      'base: &base {server: "https://127.0.0.1:6443"}',
      'clusters: [{name: c, cluster: {<<: *base}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
      '',
    ].join('\n');
    const c = await WorkloadClient.fromKubeconfig(text);
    expect(c.server).toBe('https://127.0.0.1:6443');
    c.close();
    expect(
      await bad(text.replace('base: &base {server: "https://127.0.0.1:6443"}', 'base: &base [1]')),
    ).toContain('Merge sources must be maps');
  });

  it('explains what is wrong', async () => {
    expect(await bad('')).toContain('empty');
    expect(await bad('clusters: [\n  - name: c\n  server: x')).toMatch(/not YAML: .*line \d+, column \d+/);
    expect(await bad('- just\n- a list')).toContain('not a mapping');
    expect(await bad(json({ ...good, 'current-context': undefined }))).toContain('no current-context');
    expect(await bad(json(good), { context: 'elsewhere' })).toContain(
      'context "elsewhere" is not in the kubeconfig',
    );
    expect(await bad(json({ ...good, clusters: [] }))).toContain('cluster "c" is not in the kubeconfig');
    expect(await bad(json({ ...good, users: [] }))).toContain('user "u" is not in the kubeconfig');
    expect(await bad(json({ ...good, contexts: [{ name: 'x', context: { cluster: 'c' } }] }))).toContain(
      'names no user',
    );
    expect(await bad(json({ ...good, clusters: [{ name: 'c', cluster: {} }] }))).toContain(
      'server is missing',
    );
    expect(
      await bad(json({ ...good, clusters: [{ name: 'c', cluster: { server: 'http://127.0.0.1:8080' } }] })),
    ).toContain('only https://');
    const garbage = Buffer.from('not a certificate').toString('base64');
    expect(
      await bad(
        json({
          ...good,
          clusters: [{ name: 'c', cluster: { server: 'https://h', 'certificate-authority-data': garbage } }],
        }),
      ),
    ).toContain('certificate-authority-data holds no PEM certificate');
  });

  it('refuses credential plugins and local files unless allowed', async () => {
    const exec = { ...good, users: [{ name: 'u', user: { exec: { command: 'sh', args: ['-c', 'true'] } } }] };
    expect(await bad(json(exec))).toContain('users["u"].user.exec');
    const tokenFile = { ...good, users: [{ name: 'u', user: { 'token-file': '/etc/hostname' } }] };
    expect(await bad(json(tokenFile))).toContain('users["u"].user.token-file');
    const caFile = {
      ...good,
      clusters: [{ name: 'c', cluster: { server: 'https://h', 'certificate-authority': '/etc/ssl/x' } }],
    };
    expect(await bad(json(caFile))).toContain('clusters["c"].cluster.certificate-authority');
    const allowed = await WorkloadClient.fromKubeconfig(json(tokenFile), { allowExternalCredentials: true });
    allowed.close();
  });
});

describe('WorkloadClient.fromKubeconfigFile: a file the operator wrote', () => {
  it('allows what kubectl allows (relative token files) and explains a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clustermint-wc-'));
    writeFileSync(join(dir, 'token'), 'secret');
    writeFileSync(
      join(dir, 'config'),
      JSON.stringify({
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
        users: [{ name: 'u', user: { tokenFile: 'token' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    const c = await WorkloadClient.fromKubeconfigFile(join(dir, 'config'));
    expect(c.server).toBe('https://127.0.0.1:6443');
    c.close();
    const e = await failure(WorkloadClient.fromKubeconfigFile(join(dir, 'absent')));
    expect(e.reason).toBe('InvalidKubeconfig');
    expect(e.message).toContain(join(dir, 'absent'));
  });
});
