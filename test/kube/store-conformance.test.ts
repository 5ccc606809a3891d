// The Store conformance suite against a real kube-apiserver (the test environment of
// test/testenv/), through the Kubernetes backend.
import { describe, inject } from 'vitest';
import { loadKubeconfig } from '../../src/store/kube/config.js';
import { installCrds } from '../../src/store/kube/crds.js';
import { KubeStore } from '../../src/store/kube/store.js';
import { describeStoreConformance } from '../store/conformance.js';
import { kubeTestenv } from '../testenv/index.js';
import { PROVIDE_KEY } from '../testenv/state.js';

/** The environment, or undefined (skip) when this file runs outside the `kube` vitest project. */
async function environment() {
  if (inject(PROVIDE_KEY) === undefined && process.env.CI !== 'true') {
    console.warn(
      'skipping the Kubernetes store conformance: this file is not in the kube vitest project (vitest.config.ts)',
    );
    return undefined;
  }
  return kubeTestenv('Kubernetes store conformance');
}

const env = await environment();

describe.skipIf(!env)('Kubernetes backend', () => {
  describeStoreConformance('kubernetes', async () => {
    const store = new KubeStore(await loadKubeconfig(env!.kubeconfig), {
      fieldManager: 'clustermint-conformance',
    });
    await installCrds(store);
    return {
      store,
      close: () => store.close(),
      // etcd revision 1 predates every object and the watch cache's window: always expired.
      expiredVersion: async () => '1',
      namespace: async (name) => {
        await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      },
    };
  });
});
