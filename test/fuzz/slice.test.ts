// A fixed-seed slice of `npm run fuzz` (fuzz/run.js): every target's property on the same few
// hundred generated inputs, in-process against the TypeScript sources. A failure prints the
// shrunk input; `node fuzz/run.js --target NAME --seed 17` runs the same target at length.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { evaluate } from '../../fuzz/evaluate.js';
import { type FuzzEnv, TARGETS } from '../../fuzz/targets/index.js';
import { lib } from './lib.js';

const SEED = 17;
/** Inputs per target: the cheap ones get more (the whole slice stays well under 30 s). */
const RUNS: Record<string, number> = { set: 1500, admission: 400 };
const DEFAULT_RUNS = 60;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('fuzz slice (seed 17)', () => {
  for (const target of TARGETS) {
    it(`${target.name}: every input ends in a documented outcome`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `cm-fuzz-slice-${target.name}-`));
      dirs.push(dir);
      const env: FuzzEnv = { lib, dir };
      await target.setup?.(env);
      await fc.assert(
        fc.asyncProperty(target.arbitrary, async (input) => {
          const finding = await evaluate(target, input, env);
          if (finding) throw new Error(finding);
        }),
        { seed: SEED, numRuns: RUNS[target.name] ?? DEFAULT_RUNS },
      );
    });
  }
});
