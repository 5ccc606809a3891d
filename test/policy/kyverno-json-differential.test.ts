// Differential test: `clustermint scan` must print exactly what kyverno-json (main @ bd9932a0) prints.
//
//   KYVERNO_JSON_BIN      the kyverno-json binary (scripts/install-kyverno-json.sh prints it); required when CI=true
//   DIFF_CASES            generated cases per run (default 300)
//   DIFF_SEED             seed (default: random, printed)
//   DIFF_BATCH / DIFF_JOBS  cases per process (25) / parallel batches (2)
//   DIFF_SAVE=1           write minimal counterexamples to test/fixtures/differential/ (off by
//                         default: a person reads a case before it joins the corpus)
//   DIFF_FIXTURES_DIR     regression corpus folder (default test/fixtures/differential)
//   DIFF_SHRINK_SECONDS   time budget for shrinking the first counterexample (default 60)
//   CLUSTERMINT_DIFF_CMD  JSON argv prefix used instead of ["node", "bin/clustermint.js"]
//
// The generated cases need both tools; the regression corpus replays with clustermint alone (each
// stored case holds kyverno-json's output) and is re-checked against kyverno-json when it is set.
// The generator stays out of clustermint's documented deviations (Go int64 vs float64 in `==`,
// contains(), type(), number arguments, kind names and number printing; JMESPath syntax-error
// texts): see the header of test/policy/differential/generate.ts. The default 300 cases take ~25 s.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkCandidate,
  checkCandidateScan,
  describeDiffs,
  firstDifference,
  loadFixtures,
  replayFixtures,
  runDifferential,
} from './differential/run.js';

const ROOT = join(import.meta.dirname, '..', '..');
const env = process.env;
// The binary .ci/run exports, else the one scripts/install-kyverno-json.sh already cached (never a build here).
const BIN = env.KYVERNO_JSON_BIN || cachedKyvernoJson();

function cachedKyvernoJson(): string | undefined {
  const r = spawnSync(join(ROOT, 'scripts', 'install-kyverno-json.sh'), ['--cached'], { encoding: 'utf8' });
  return (r.status === 0 && r.stdout.trim()) || undefined;
}
const CI = env.CI === 'true';
const FIXTURES = env.DIFF_FIXTURES_DIR || join(ROOT, 'test', 'fixtures', 'differential');
const CASES = Number(env.DIFF_CASES || 300);
const SEED = env.DIFF_SEED ? Number(env.DIFF_SEED) : Math.floor(Math.random() * 2 ** 31);
const CANDIDATE: string[] = env.CLUSTERMINT_DIFF_CMD
  ? (JSON.parse(env.CLUSTERMINT_DIFF_CMD) as string[])
  : [process.execPath, join(ROOT, 'bin', 'clustermint.js')];

const built = env.CLUSTERMINT_DIFF_CMD ? { ok: true } : checkCandidate(ROOT);
const scan = built.ok ? await checkCandidateScan(CANDIDATE) : built;
const binMissing = BIN !== undefined && !existsSync(BIN);

const skipGenerated = !BIN
  ? 'KYVERNO_JSON_BIN is unset (run scripts/install-kyverno-json.sh and export KYVERNO_JSON_BIN=<the path it prints>)'
  : !scan.ok
    ? `clustermint scan is not available: ${scan.reason}`
    : undefined;
const fixtures = loadFixtures(FIXTURES);
const skipReplay = !scan.ok
  ? `clustermint scan is not available: ${scan.reason}`
  : fixtures.length === 0
    ? 'the regression corpus is empty'
    : undefined;

for (const reason of new Set([skipGenerated, skipReplay].filter(Boolean))) {
  console.log(`[kyverno-json differential] skipped: ${reason}`);
}

const label = (name: string, reason?: string) => (reason ? `${name} (skipped: ${reason})` : name);

describe('kyverno-json differential', () => {
  if (CI && !BIN) {
    it('KYVERNO_JSON_BIN is set (required when CI=true)', () => {
      expect.fail(
        'CI=true but KYVERNO_JSON_BIN is unset: .ci/run exports it from scripts/install-kyverno-json.sh',
      );
    });
  }
  if (binMissing) {
    it('KYVERNO_JSON_BIN points to a file', () => {
      expect.fail(`KYVERNO_JSON_BIN=${BIN} does not exist`);
    });
  }

  it.skipIf(!BIN || binMissing)(
    label(
      "the generator stays in kyverno-json's deterministic domain and yields PASSED, FAILED and ERROR",
      !BIN ? skipGenerated : undefined,
    ),
    async () => {
      const report = await runDifferential({ seed: SEED, cases: 60, tools: { oracle: [BIN!] } });
      console.log(
        `[kyverno-json differential] generator self-check seed=${SEED}: ${JSON.stringify(report.counts)}, ` +
          `prediction agreement ${report.predicted.agree}/${report.predicted.total}`,
      );
      expect(report.nondeterministic, 'cases whose kyverno-json output changed between runs').toEqual([]);
      expect(report.counts.PASSED).toBeGreaterThan(0);
      expect(report.counts.FAILED).toBeGreaterThan(0);
      expect(report.counts.ERROR).toBeGreaterThan(0);
      expect(report.predicted.agree / report.predicted.total).toBeGreaterThan(0.9);
    },
    120_000,
  );

  it.skipIf(!!skipGenerated || binMissing)(
    label(`clustermint scan prints what kyverno-json prints on ${CASES} generated cases`, skipGenerated),
    async () => {
      console.log(
        `[kyverno-json differential] seed=${SEED} cases=${CASES} ` +
          `(reproduce: DIFF_SEED=${SEED} DIFF_CASES=${CASES} npx vitest run test/policy/kyverno-json-differential.test.ts)`,
      );
      const report = await runDifferential({
        seed: SEED,
        cases: CASES,
        tools: { oracle: [BIN!], candidate: CANDIDATE },
        batchSize: Number(env.DIFF_BATCH || 25),
        jobs: Number(env.DIFF_JOBS || 2),
        fixturesDir: env.DIFF_SAVE === '1' ? FIXTURES : undefined,
        shrinkSeconds: Number(env.DIFF_SHRINK_SECONDS || 60),
        log: (line) => console.log(line),
      });
      console.log(
        `[kyverno-json differential] ${report.cases} cases in ${report.elapsedMs} ms ` +
          `(${report.batches} batches, ${report.singles} single runs); kyverno-json rule lines ${JSON.stringify(report.counts)}; ` +
          `${report.diffs.length} differing cases`,
      );
      if (report.nondeterministic.length)
        console.warn(
          `[kyverno-json differential] kyverno-json was not deterministic on (excluded): ${report.nondeterministic.join(', ')}`,
        );
      if (report.diffs.length || report.batchOnlyDiffs.length) {
        const ids = report.diffs.map((d) => `${d.id} (${d.mode})`).join(', ');
        expect.fail(
          `clustermint scan differs from kyverno-json (seed ${SEED}): ${ids || 'batch only'}\n\n${describeDiffs(report)}`,
        );
      }
    },
    Math.max(600_000, CASES * 2_000),
  );

  it.skipIf(!!skipReplay || binMissing)(
    label(
      `the regression corpus (${fixtures.length} cases in test/fixtures/differential) still agrees`,
      skipReplay,
    ),
    async () => {
      const { problems } = await replayFixtures(
        { oracle: BIN ? [BIN] : undefined, candidate: CANDIDATE },
        FIXTURES,
      );
      if (problems.length) {
        const text = problems
          .slice(0, 5)
          .map((p) =>
            [
              `=== ${p.file} --output ${p.mode}: ${p.problem === 'oracle-changed' ? 'kyverno-json no longer prints the stored output' : 'clustermint differs'}`,
              `--- expected (kyverno-json, exit ${p.expected.exitCode})`,
              p.expected.stdout.trimEnd(),
              `--- actual (exit ${p.actual.code})`,
              p.actual.stdout.trimEnd(),
              '--- first differing line',
              firstDifference(p.expected.stdout, p.actual.stdout),
            ].join('\n'),
          )
          .join('\n\n');
        expect.fail(`${problems.length} regression case(s) differ\n\n${text}`);
      }
    },
    600_000,
  );
});
