// What test files use to reach the test environment's API server.
import type { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import type { TestenvInfo } from './cluster.js';
import { waitReady } from './ready.js';
import { CAPI_PROVIDE_KEY, type CapiTestenvInfo, PROVIDE_KEY } from './state.js';

export { type WebhookCertificates, webhookCertificates } from './certs.js';
export type { TestenvInfo } from './cluster.js';

const READY_TIMEOUT_MS = 120_000;

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

/**
 * The Cluster API test environment (its own API server, with Cluster API's core, kubeadm and
 * CAPD in-memory managers running on it), for test files under test/capi/. Undefined (after
 * printing why) when Cluster API or the API server is not built; under CI=true that throws.
 */
export async function capiTestenv(what: string): Promise<CapiTestenvInfo | undefined> {
  const state = inject(CAPI_PROVIDE_KEY);
  if (state === undefined)
    throw new Error(
      `${what}: no Cluster API environment; tests that need one go under test/capi/ (vitest.config.ts)`,
    );
  if ('unavailable' in state) {
    if (process.env.CI === 'true')
      throw new Error(`${what}: Cluster API environment missing under CI: ${state.unavailable}`);
    console.warn(`skipping ${what}: ${state.unavailable}`);
    return undefined;
  }
  if ('error' in state) throw new Error(`${what}: ${state.error}`);
  return state.info;
}
