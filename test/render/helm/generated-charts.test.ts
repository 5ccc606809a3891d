/**
 * Helm parity on generated charts (parity-generate.ts): each sample is written to a temp folder
 * and rendered by the real helm and by `clustermint template` in-process; stdout must be
 * identical, the exit kind the same, and on failure ours' stderr must hold helm's error message
 * (as in parity.test.ts). HELM_PARITY_RUNS sets the number of samples (default 50; each costs
 * one helm run, ~50-100 ms), HELM_PARITY_SEED the seed (default fixed, so a failure reproduces;
 * the failing samples' folders are kept and named in the report).
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run } from '../../helpers/cli.js';
import { findHelm, helmErrorMessage, runHelm } from '../../helpers/helm.js';
import { firstDifference, firstDifferenceBrief } from './parity-diff.js';
import { chartSpec, templateArgs, writeChart } from './parity-generate.js';

const helmBin = findHelm('the generated-chart Helm parity test');
const RUNS = Number(process.env.HELM_PARITY_RUNS ?? 50);
const SEED = Number(process.env.HELM_PARITY_SEED ?? 20260407);

describe.skipIf(!helmBin)('generated charts: clustermint template matches helm template', () => {
  it(`${RUNS} generated chart trees (seed ${SEED})`, { timeout: 60_000 + RUNS * 2_000 }, async () => {
    const samples = fc.sample(chartSpec, { numRuns: RUNS, seed: SEED });
    const mismatches: string[] = [];
    let helmRendered = 0;
    for (const [i, spec] of samples.entries()) {
      const paths = writeChart(spec);
      const args = templateArgs(spec, paths);
      const theirs = runHelm(helmBin!, ['template', ...args]);
      const ours = await run('template', ...args);
      if (theirs.code === 0) helmRendered++;
      const problems: string[] = [];
      if ((theirs.code === 0) !== (ours.code === 0))
        problems.push(
          `exit: helm ${theirs.code}, ours ${ours.code}; helm: ${helmErrorMessage(theirs.stderr) ?? '-'}; ours: ${ours.stderr.trim().slice(0, 500)}`,
        );
      if (theirs.stdout !== ours.stdout)
        problems.push(
          `stdout: ${firstDifferenceBrief(theirs.stdout, ours.stdout)}\n${firstDifference(theirs.stdout, ours.stdout)}`,
        );
      const message = theirs.code === 0 ? undefined : helmErrorMessage(theirs.stderr);
      if (message !== undefined && !ours.stderr.includes(message))
        problems.push(
          `stderr: helm's message ${JSON.stringify(message)} is not in ours: ${JSON.stringify(ours.stderr)}`,
        );
      if (problems.length) {
        mismatches.push(
          `#${i} template ${args.join(' ')}\n  (kept in ${paths.dir})\n  ${problems.join('\n  ')}`,
        );
      } else {
        rmSync(paths.dir, { recursive: true, force: true });
      }
    }
    if (mismatches.length)
      console.warn(`${mismatches.length}/${RUNS} generated charts differ:\n${mismatches.join('\n')}`);
    // The generator is for rendering: most samples must be charts helm renders.
    expect(helmRendered, 'samples helm rendered').toBeGreaterThanOrEqual(Math.ceil(RUNS * 0.6));
    expect(mismatches).toEqual([]);
  });
});
