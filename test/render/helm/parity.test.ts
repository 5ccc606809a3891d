/**
 * Helm parity: each case of parity-cases.ts runs through the real helm v4.3.2 (HELM_BIN, with
 * private cache/config/data homes) and through `clustermint template` in-process, in the case's
 * working folder. What must match:
 * - stdout, byte for byte (also when both fail: helm prints the rendered manifests first with
 *   --debug);
 * - the exit kind: success (0) or failure (non-zero; helm always exits 1, ours 1 or 2);
 * - on failure, ours' stderr contains helm's whole error message verbatim: everything helm
 *   prints after `Error: ` (all lines, e.g. a schema error's list or the `Use --debug flag...`
 *   hint), except that the program name may be clustermint's where helm names itself in a usage
 *   text (`"helm template" requires...`, `Usage:  helm template ...`).
 * Also checked, helm alone: that helm renders or fails as the case says, and that Helm's golden
 * outputs (helm/output/) are what the built helm prints with --kube-version 1.20.0 (the kube
 * version of Helm's suite). The goldens come from Helm's development line; where they disagree
 * with the binary, the binary is the reference: the difference is printed, not failed.
 * Every mismatch is listed once more at the end, with the first differing line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, run } from '../../helpers/cli.js';
import { findHelm, type HelmRun, helmErrorMessage, runHelm } from '../../helpers/helm.js';
import { sharedAvailable } from '../../helpers/shared.js';
import { GOLDEN_DIR, type ParityCase, parityCases } from './parity-cases.js';
import { firstDifference, firstDifferenceBrief } from './parity-diff.js';

const WHAT = 'the Helm parity tests';
/** The kube version Helm's own suite renders with (its goldens say v1.20.0). */
const GOLDEN_KUBE_VERSION = '1.20.0';
const helmBin = sharedAvailable(WHAT) ? findHelm(WHAT) : undefined;

const helmRuns = new Map<string, HelmRun>();
/** helm's answer to a case, run once. */
function helmRun(c: ParityCase): HelmRun {
  let r = helmRuns.get(c.name);
  if (!r) {
    r = runHelm(helmBin!, ['template', ...c.args], c.cwd);
    helmRuns.set(c.name, r);
  }
  return r;
}

async function oursRun(c: ParityCase): Promise<CliResult> {
  if (!c.cwd) return run('template', ...c.args);
  const back = process.cwd();
  process.chdir(c.cwd);
  try {
    return await run('template', ...c.args);
  } finally {
    process.chdir(back);
  }
}

/** The usage texts where helm names itself: accepted with clustermint's name instead. */
function withOurName(message: string): string {
  return message
    .replaceAll('"helm template"', '"clustermint template"')
    .replaceAll('Usage:  helm template', 'Usage:  clustermint template');
}

/**
 * Known difference: a YAML syntax error is worded by the `yaml` package, not go-yaml
 * (`yaml: line 11: could not find expected ':'`). Everything before the YAML parser's own words
 * (which file, which stage) must still be helm's.
 */
function sameUpToYamlSyntax(message: string, oursStderr: string): boolean {
  const cut = message.indexOf('error converting YAML to JSON: yaml: ');
  if (cut < 0) return false;
  return oursStderr.includes(message.slice(0, cut + 'error converting YAML to JSON: '.length));
}

/**
 * Helm lists values-schema problems in Go's random map order (run it twice: the lines swap), so
 * the same lines in any order are the same message.
 */
function sameSchemaProblems(message: string, oursStderr: string): boolean {
  if (!message.startsWith("values don't meet the specifications")) return false;
  const oursLines = new Set(oursStderr.split('\n').map((l) => l.replace(/^Error: /, '')));
  return message.split('\n').every((l) => oursLines.has(l));
}

/** What differs between helm's and our answer to a case; empty when they agree. */
function parityProblems(theirs: HelmRun, ours: CliResult): string[] {
  const problems: string[] = [];
  // Deliberate: a render without a single object (helm: exit 0) prints helm's output and fails
  // with a clear reason (issue 14: never an empty success).
  if (theirs.code === 0 && !/^kind:\s*\S/m.test(theirs.stdout) && ours.code === 1) {
    if (!ours.stderr.includes('rendered no objects')) problems.push(`ours failed: ${ours.stderr.trim()}`);
    if (theirs.stdout !== ours.stdout)
      problems.push(
        `stdout: ${firstDifferenceBrief(theirs.stdout, ours.stdout)}\n${firstDifference(theirs.stdout, ours.stdout)}`,
      );
    return problems;
  }
  const theirsOk = theirs.code === 0;
  const oursOk = ours.code === 0;
  if (theirsOk !== oursOk) {
    const why = theirsOk ? '' : `\n  helm: ${helmErrorMessage(theirs.stderr) ?? theirs.stderr}`;
    problems.push(
      `exit: helm ${theirs.code}, ours ${ours.code}${why}\n  ours stderr: ${ours.stderr.trim().slice(0, 2000)}`,
    );
  }
  if (theirs.stdout !== ours.stdout)
    problems.push(
      `stdout: ${firstDifferenceBrief(theirs.stdout, ours.stdout)}\n${firstDifference(theirs.stdout, ours.stdout)}`,
    );
  if (!theirsOk) {
    const message = helmErrorMessage(theirs.stderr);
    if (message === undefined) {
      problems.push(`helm failed without an "Error: " line; its stderr: ${theirs.stderr}`);
    } else if (
      !ours.stderr.includes(message) &&
      !ours.stderr.includes(withOurName(message)) &&
      !sameUpToYamlSyntax(message, ours.stderr) &&
      !sameSchemaProblems(message, ours.stderr)
    ) {
      problems.push(
        `stderr: helm's message is not in ours\n  helm: ${JSON.stringify(message)}\n  ours: ${JSON.stringify(ours.stderr)}`,
      );
    }
  }
  return problems;
}

/** A problem in the closing list: its first line, or its first four for exit/stderr ones. */
const brief = (p: string): string =>
  p
    .split('\n')
    .slice(0, p.startsWith('stdout:') ? 1 : 4)
    .join('\n    ');

const mismatches: string[] = [];
const goldenNotes: string[] = [];

describe.skipIf(!helmBin)('helm template parity', () => {
  afterAll(() => {
    if (goldenNotes.length)
      console.warn(
        `Helm goldens that the built helm does not reproduce (the binary is the reference):\n${goldenNotes.join('\n')}`,
      );
    if (mismatches.length)
      console.warn(`${mismatches.length} parity case(s) differ from helm:\n${mismatches.join('\n')}`);
  });

  describe('helm itself', () => {
    it.each(parityCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const r = helmRun(c);
      const failed = r.code !== 0;
      expect(failed ? 'fails' : 'renders', `helm template ${c.args.join(' ')}\n${r.stderr}`).toBe(c.helm);
      if (failed) expect(helmErrorMessage(r.stderr), r.stderr).toBeTruthy();
      if (c.golden) {
        const golden = readFileSync(join(GOLDEN_DIR, c.golden), 'utf8');
        // Helm's suite renders with kube 1.20 unless the case says otherwise; so does this run.
        const pinned = c.args.includes('--kube-version')
          ? r
          : runHelm(helmBin!, ['template', ...c.args, '--kube-version', GOLDEN_KUBE_VERSION], c.cwd);
        // A golden holds what the command printed, its error (cobra's "Error: ...") included.
        const message = helmErrorMessage(pinned.stderr);
        const printed = pinned.stdout + (message === undefined ? '' : `Error: ${message}\n`);
        if (printed !== golden)
          goldenNotes.push(
            `  ${c.golden} (${c.name}): ${firstDifference(golden, printed, ['golden', 'helm'])}`,
          );
      }
    });
  });

  describe('clustermint template matches helm template', () => {
    it.each(parityCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const problems = parityProblems(helmRun(c), await oursRun(c));
      if (problems.length) {
        mismatches.push(`- ${c.name}: ${problems.map(brief).join('\n  ')}`);
        expect.fail(`template ${c.args.join(' ')}${c.cwd ? ` (in ${c.cwd})` : ''}\n${problems.join('\n')}`);
      }
    });
  });
});
