// Runs the bundled CLI once per common command in this process, then stores V8's code cache for
// the bundle (see scripts/bundle.js).
import { fileURLToPath } from 'node:url';
import { writeCodeCacheAsync } from '../dist/util/load-generated.js';

const bundle = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url));
const example = fileURLToPath(new URL('../examples/simulated-cluster.yaml', import.meta.url));
const sink = { out() {}, err() {} };
await writeCodeCacheAsync(bundle, async (mod) => {
  await mod.cli(['template', 'simulated-standalone-cp'], sink);
  await mod.cli(['render', '-f', example], sink);
});
