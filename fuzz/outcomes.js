import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { lib } from './lib.js';
import { targetNamed } from './targets/index.js';

const t = targetNamed(process.argv[2]);
const env = { lib, dir: mkdtempSync(join(tmpdir(), 'x-')) };
const counts = {};
const examples = {};
env.observe = (code, stderr) => {
  const line = (stderr.split('\n').find((l) => /error|denied|DENIED/i.test(l)) ?? '')
    .replace(/^.*?: /, '')
    .replace(/\d+/g, 'N')
    .slice(0, 90);
  const k = `${code} ${line}`;
  counts[k] = (counts[k] ?? 0) + 1;
  examples[k] ??= stderr.slice(0, 300);
};
await t.setup?.(env);
for (const input of fc.sample(t.arbitrary, { seed: 5, numRuns: Number(process.argv[3] ?? 300) }))
  await t.run(input, env);
for (const [k, v] of Object.entries(counts)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 25))
  console.log(v, k, process.env.EXAMPLES ? `\n    ${JSON.stringify(examples[k])}` : '');
