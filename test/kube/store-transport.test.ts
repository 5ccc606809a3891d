// The store's transport when the API server throttles (429 with Retry-After): the request is
// tried again, a bounded number of times. The real apiserver of test/testenv cannot be made to
// throttle on demand, so a local HTTP server stands in for a throttling one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../../src/store/kube/config.js';
import { KubeApiError } from '../../src/store/kube/errors.js';
import { KubeStore } from '../../src/store/kube/store.js';

const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' } as const;

describe('Kubernetes store transport under throttling', () => {
  let server: Server;
  let kubeconfig: string;
  /** How many answers are 429 before one succeeds; the requests seen. */
  let throttled = 0;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      if (throttled > 0) {
        throttled--;
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
        res.end(
          JSON.stringify({ kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down' }),
        );
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'NamespaceList',
          apiVersion: 'v1',
          metadata: { resourceVersion: '7' },
          items: [{ metadata: { name: 'default' } }],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'clustermint-throttle-'));
    kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        clusters: [
          {
            name: 'c',
            cluster: {
              server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
              'insecure-skip-tls-verify': true,
            },
          },
        ],
        users: [{ name: 'u', user: { token: 'secret-token' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const open = async (maxRetries429?: number) =>
    new KubeStore(await loadKubeconfig(kubeconfig), {
      maxRetries429,
      resources: { '/Namespace': { plural: 'namespaces', namespaced: false } },
    });

  it('tries a throttled request again after Retry-After, with its credentials each time', async () => {
    const store = await open();
    try {
      throttled = 2;
      seen.length = 0;
      const started = Date.now();
      const listed = await store.list(NAMESPACE);
      expect(listed).toEqual({
        resourceVersion: '7',
        items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }],
      });
      expect(seen).toEqual(Array(3).fill('GET /api/v1/namespaces?limit=500 Bearer secret-token'));
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    } finally {
      await store.close();
    }
  });

  it('gives up after maxRetries429 with the Status the server sent', async () => {
    const store = await open(1);
    try {
      throttled = 5;
      seen.length = 0;
      const e = await store.list(NAMESPACE).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(KubeApiError);
      expect({
        code: (e as KubeApiError).code,
        reason: (e as KubeApiError).reason,
        message: (e as Error).message,
      }).toEqual({
        code: 429,
        reason: 'TooManyRequests',
        message: 'slow down',
      });
      expect(seen).toHaveLength(2);
    } finally {
      throttled = 0;
      await store.close();
    }
  });
});
