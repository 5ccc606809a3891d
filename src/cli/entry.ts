/** What bin/clustermint.js needs (the bundle's entry point). */
export { processIO } from './io.js';
export { cli } from './main.js';
