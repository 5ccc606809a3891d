/**
 * A `check` worker thread (check-parallel.ts): sets up as the main thread did (inputs, policies,
 * templates, state), says it is ready, then judges each chunk of ordinals it is handed until told
 * it is done. It loads the CLI's bundle with its code cache when there is one (a cold start of the
 * separate modules costs several times more), else the modules beside it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { loadGenerated } from '../util/load-generated.js';
import type { FromWorker, ShardWorkerData, ToWorker } from './check-parallel.js';
import type { CheckOptions, checkShard as CheckShard } from './check-run.js';

const bundle = fileURLToPath(new URL('../bundle/cli.cjs', import.meta.url));
const { checkShard } = (existsSync(bundle) ? loadGenerated(bundle) : await import('./check-run.js')) as {
  checkShard: typeof CheckShard;
};

const port = parentPort;
if (port) {
  const { options } = workerData as ShardWorkerData<CheckOptions>;
  const judging = await checkShard(options);
  port.on('message', async (m: ToWorker) => {
    if ('done' in m) {
      await judging.close();
      port.close();
      return;
    }
    port.postMessage({ chunk: m.chunk, verdicts: await judging.judge(m.chunk) } satisfies FromWorker);
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}
