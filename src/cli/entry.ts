/** What bin/clustermint.js needs (the bundle's entry point), and check's worker threads (check-worker.ts). */

export { checkShard } from './check-run.js';
export { processIO } from './io.js';
export { cli } from './main.js';
