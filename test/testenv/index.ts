// What test files use to reach the test environment's API server.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import type { TestenvInfo } from './cluster.js';
import { PROVIDE_KEY } from './state.js';

export { type WebhookCertificates, webhookCertificates } from './certs.js';
export type { TestenvInfo } from './cluster.js';

const READY_TIMEOUT_MS = 120_000;

/** The log's errors (klog E/F lines, or JSON "level":"error"/"fatal") and its last lines. */
function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log)';
  const all = readFileSync(file, 'utf8').trimEnd().split('\n');
  const errors = all.filter((l) => /^[EF]\d{4} |"level":"(error|fatal|panic)"/.test(l)).slice(-10);
  return [...errors, '...', ...all.slice(-lines)].join('\n');
}

function readyz(info: TestenvInfo): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${info.server}/readyz`,
      {
        ca: readFileSync(info.caFile),
        cert: readFileSync(info.clientCertFile),
        key: readFileSync(info.clientKeyFile),
        timeout: 2_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function waitReady(info: TestenvInfo, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(info.exitFile)) {
      const what = readFileSync(info.exitFile, 'utf8').trim();
      throw new Error(
        `test environment died: ${what}\n--- etcd ---\n${tail(info.logs.etcd)}\n--- kube-apiserver ---\n${tail(info.logs.kubeApiserver)}`,
      );
    }
    if (await readyz(info)) return;
    if (Date.now() > deadline)
      throw new Error(
        `kube-apiserver at ${info.server} not ready after ${timeoutMs / 1000}s\n--- kube-apiserver ---\n${tail(info.logs.kubeApiserver)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

let ready: Promise<void> | undefined;

/**
 * The running test environment, once its API server is ready. Without the binaries it returns
 * undefined after printing why (tests then skip), except under CI=true, where it throws.
 * Only test files of the `kube` project (test/kube/**) have an environment.
 *
 *   const env = await kubeTestenv('store tests');
 *   describe.skipIf(!env)('store', () => { ... kubeConfig(env!) ... });
 */
export async function kubeTestenv(what: string): Promise<TestenvInfo | undefined> {
  const state = inject(PROVIDE_KEY);
  if (state === undefined)
    throw new Error(
      `${what}: no test environment; tests that need one go under test/kube/ (vitest.config.ts)`,
    );
  if ('unavailable' in state) {
    if (process.env.CI === 'true')
      throw new Error(`${what}: test environment missing under CI: ${state.unavailable}`);
    console.warn(`skipping ${what}: ${state.unavailable}`);
    return undefined;
  }
  if ('error' in state) throw new Error(`${what}: ${state.error}`);
  ready ??= waitReady(state.info, READY_TIMEOUT_MS);
  await ready;
  return state.info;
}

/**
 * @kubernetes/client-node, imported on demand: test files import it only once they know there
 * is a server, so that a run without one skips cleanly even where the client cannot load.
 */
export async function clientNode(): Promise<typeof import('@kubernetes/client-node')> {
  try {
    return await import('@kubernetes/client-node');
  } catch (e) {
    throw new Error(
      `@kubernetes/client-node does not load on Node ${process.version}: ${(e as Error).message}`,
    );
  }
}

/** A client-node KubeConfig for the environment's admin user (system:masters). */
export async function kubeConfig(info: TestenvInfo): Promise<KubeConfig> {
  const kc = new (await clientNode()).KubeConfig();
  kc.loadFromFile(info.kubeconfig);
  return kc;
}
