// vitest global setup of the `capi` project (vitest.config.ts; test files under test/capi/): a
// kube-apiserver and etcd of its own, with a real Cluster API on them (capi.ts). Unlike the
// kube project's setup it waits until every manager is ready (their webhooks must serve before
// any Cluster API object can be created), which takes a few seconds after the API server.
import type { TestProject } from 'vitest/node';
import { findBinaries } from './binaries.js';
import { type Capi, findCapi, startCapi } from './capi.js';
import { startTestenv, type Testenv } from './cluster.js';
import { waitReady } from './ready.js';
import { CAPI_PROVIDE_KEY } from './state.js';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const bin = findBinaries();
  if ('missing' in bin) {
    project.provide(CAPI_PROVIDE_KEY, { unavailable: bin.missing });
    return undefined;
  }
  const capi = findCapi();
  if ('missing' in capi) {
    project.provide(CAPI_PROVIDE_KEY, { unavailable: capi.missing });
    return undefined;
  }
  const t0 = performance.now();
  let env: Testenv | undefined;
  let managers: Capi | undefined;
  try {
    env = await startTestenv(bin);
    await waitReady(env.info, 120_000);
    managers = await startCapi(env.info, capi);
  } catch (e) {
    await env?.stop();
    project.provide(CAPI_PROVIDE_KEY, { error: `could not start Cluster API: ${(e as Error).message}` });
    return undefined;
  }
  project.provide(CAPI_PROVIDE_KEY, { info: { ...env.info, capi: managers.info } });
  const ms = Math.round(performance.now() - t0);
  console.log(`Cluster API test environment: ready at ${env.info.server} from ${capi.dir} (setup ${ms} ms)`);
  return async () => {
    await managers?.stop();
    await env?.stop();
  };
}
