// vitest global setup of the `kube` project (vitest.config.ts): vitest runs it only when the
// selected test files include some of that project's (test/kube/**), so other runs pay nothing.
// It spawns etcd and kube-apiserver and returns without waiting for them to be ready: the
// kube tests wait (index.ts) while the rest of the suite already runs.
import type { TestProject } from 'vitest/node';
import { findBinaries } from './binaries.js';
import { startTestenv } from './cluster.js';
import { PROVIDE_KEY } from './state.js';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const found = findBinaries();
  if ('missing' in found) {
    project.provide(PROVIDE_KEY, { unavailable: found.missing });
    return undefined;
  }
  let env: Awaited<ReturnType<typeof startTestenv>>;
  const t0 = performance.now();
  try {
    env = await startTestenv(found);
  } catch (e) {
    project.provide(PROVIDE_KEY, { error: `could not start the test environment: ${(e as Error).message}` });
    return undefined;
  }
  // For code under test that reads its kubeconfig from the environment (test workers and the
  // processes they spawn inherit it).
  process.env.CLUSTERMINT_TEST_KUBECONFIG = env.info.kubeconfig;
  project.provide(PROVIDE_KEY, { info: env.info });
  const ms = Math.round(performance.now() - t0);
  console.log(`kube test environment: starting at ${env.info.server} from ${found.dir} (setup ${ms} ms)`);
  return () => env.stop();
}
