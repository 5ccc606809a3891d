// Differential harness: runs kyverno-json (the oracle) and `clustermint scan` on the same policy +
// payload files and compares stdout byte for byte plus the exit code, for `--output text` (default)
// and `--output json`.
//
// Speed: many cases share one process. A batch writes all its policies into one multi-document YAML
// file and all payloads into one JSON array; `guarded()` adds a `__case` match condition to every
// rule, so policy i only matches resource i and every other combination is skipped silently (a
// skipped rule prints nothing). The batch output is thus the concatenation of the per-case outputs.
// When a batch differs, its cases are re-run one by one to find the differing cases; the first
// ones are shrunk (greedy deletion of rules, assertions, keys and payload fields while the
// difference persists) and written to the regression corpus.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  type DiffCase,
  type GenOptions,
  generateCases,
  guarded,
  renderPayload,
  renderPolicy,
} from './generate.js';
import { type ExprTable, predictRule, type RuleResult } from './model.js';
import { cloneValue, isObj, toYamlText, type Value, type VObject } from './values.js';

export type Mode = 'text' | 'json';
export const MODES: readonly Mode[] = ['text', 'json'];

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Tools {
  /** argv prefix of kyverno-json, e.g. [KYVERNO_JSON_BIN] */
  oracle: string[];
  /** argv prefix of clustermint, e.g. [node, bin/clustermint.js]; absent = oracle only */
  candidate?: string[];
}

const TIMEOUT_MS = 180_000;

/** Runs argv + args without a shell. Exit code 124 = timeout, 127 = could not start. */
export function runTool(argv: readonly string[], args: readonly string[], cwd?: string): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      argv[0],
      [...argv.slice(1), ...args],
      {
        cwd,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
        timeout: TIMEOUT_MS,
        env: { ...process.env, NO_COLOR: '1' },
      },
      (err, stdout, stderr) => {
        let code = 0;
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
          code = typeof e.code === 'number' ? e.code : e.killed ? 124 : 127;
          if (code === 127) stderr = `${stderr}${err.message}`;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function scanArgs(payload: string, policies: readonly string[], mode: Mode): string[] {
  const args = ['scan', '--payload', payload];
  for (const p of policies) args.push('--policy', p);
  if (mode === 'json') args.push('--output', 'json');
  return args;
}

export function sameResult(a: ToolResult, b: ToolResult): boolean {
  return a.code === b.code && a.stdout === b.stdout;
}

/** Is `clustermint scan` there? (dist built, and `scan --help` is the scan command's help.) */
export function checkCandidate(root: string): { ok: boolean; reason?: string } {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js')))
    return { ok: false, reason: 'dist/cli/main.js is missing (run npm run build)' };
  return { ok: true };
}

export async function checkCandidateScan(argv: readonly string[]): Promise<{ ok: boolean; reason?: string }> {
  const r = await runTool(argv, ['scan', '--help']);
  if (r.code !== 0) return { ok: false, reason: `\`scan --help\` exited ${r.code}` };
  if (!/Usage: \S+ scan\b/.test(r.stdout))
    return { ok: false, reason: '`scan --help` does not show the scan command (no scan command yet)' };
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// rendered cases

export interface Rendered {
  policy: string; // YAML text
  payload: string; // JSON text, or YAML when payloadFile says so
  /** the payload's file name (its extension picks the reader): payload.json by default */
  payloadFile?: string;
}

export function render(c: Pick<DiffCase, 'policy' | 'payload'>): Rendered {
  return { policy: renderPolicy(c.policy), payload: renderPayload(c.payload) };
}

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cm-diff-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface PairResult {
  oracle: ToolResult;
  candidate?: ToolResult;
  /** a differing repeated oracle run: kyverno-json was not deterministic (Go map order) */
  oracleAgain?: ToolResult;
}

/** Runs one rendered case (one policy file, one payload file) in the given modes. */
export async function runRendered(
  tools: Tools,
  c: Rendered,
  modes: readonly Mode[],
  oracleRepeats = 0,
): Promise<Record<Mode, PairResult>> {
  return withTmp(async (dir) => {
    const payload = join(dir, c.payloadFile ?? 'payload.json');
    const policy = join(dir, 'policy.yaml');
    await writeFile(payload, c.payload);
    await writeFile(policy, c.policy);
    const out = {} as Record<Mode, PairResult>;
    await Promise.all(
      modes.map(async (mode) => {
        const args = scanArgs(payload, [policy], mode);
        const [oracle, candidate] = await Promise.all([
          runTool(tools.oracle, args, dir),
          tools.candidate ? runTool(tools.candidate, args, dir) : Promise.resolve(undefined),
        ]);
        const res: PairResult = { oracle, candidate };
        for (let i = 0; i < oracleRepeats; i++) {
          const again = await runTool(tools.oracle, args, dir);
          if (!sameResult(again, oracle)) {
            res.oracleAgain = again;
            break;
          }
        }
        out[mode] = res;
      }),
    );
    return out;
  });
}

async function runBatch(tools: Tools, cases: readonly DiffCase[]): Promise<Record<Mode, PairResult>> {
  const g = cases.map(guarded);
  const rendered = {
    policy: toYamlText(g.map((x) => x.policy)),
    payload: renderPayload(g.map((x) => x.payload)),
  };
  const res = await runRendered(tools, rendered, ['json']);
  // the text output is run twice: a cheap check that kyverno-json was deterministic on the batch
  return { ...res, ...(await runRendered(tools, rendered, ['text'], 1)) };
}

// ---------------------------------------------------------------------------------------------
// output parsing (statistics only)

export interface RuleLine {
  status: 'PASSED' | 'FAILED' | 'ERROR';
  policy: string;
  rule: string;
}

export function ruleLines(text: string): RuleLine[] {
  // a rule line can span lines (an identifier or error text with a newline): a record stays open
  // until it ends like a rule line
  const re = /^- (PASSED|FAILED|ERROR: [\s\S]*) \(POLICY=([^,]*), RULE=([^,)]*)(, ID=[\s\S]*)?\)$/;
  const out: RuleLine[] = [];
  let open = '';
  for (const line of text.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('- ')) open = line;
    else if (open) open += `\n${line}`;
    else continue;
    const m = re.exec(open);
    if (m) {
      out.push({
        status: m[1].startsWith('ERROR') ? 'ERROR' : (m[1] as 'PASSED' | 'FAILED'),
        policy: m[2],
        rule: m[3],
      });
      open = '';
    }
  }
  return out;
}

/** The text output of a batch cut into per-policy (= per-case) blocks; lines before the first rule line are dropped. */
export function splitTextByCase(text: string): Map<string, string> {
  const re = /^- (?:PASSED|FAILED|ERROR: [\s\S]*) \(POLICY=([^,]*), RULE=[^,)]*(?:, ID=[\s\S]*)?\)$/;
  const blocks = new Map<string, string>();
  let open = '';
  let current = '';
  for (const line of text.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('- ')) open = line;
    else if (open) open += `\n${line}`;
    else {
      if (current) blocks.set(current, `${blocks.get(current) ?? ''}${line}\n`);
      continue;
    }
    const m = re.exec(open);
    if (m) {
      current = m[1];
      blocks.set(current, `${blocks.get(current) ?? ''}${open}\n`);
      open = '';
    }
  }
  return blocks;
}

/** Cases whose part of the batch output differs (undefined: the outputs cannot be split, suspect all). */
function differingCases(mode: Mode, ids: readonly string[], a: string, b: string): string[] | undefined {
  if (mode === 'text') {
    const x = splitTextByCase(a);
    const y = splitTextByCase(b);
    const bad = ids.filter((id) => x.get(id) !== y.get(id));
    return bad.length ? bad : undefined;
  }
  try {
    const x = JSON.parse(a) as unknown[];
    const y = JSON.parse(b) as unknown[];
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== ids.length || y.length !== ids.length)
      return undefined;
    const bad = ids.filter((_, i) => JSON.stringify(x[i]) !== JSON.stringify(y[i]));
    return bad.length ? bad : undefined;
  } catch {
    return undefined;
  }
}

const STATUS: Record<string, RuleLine['status'] | undefined> = {
  pass: 'PASSED',
  fail: 'FAILED',
  error: 'ERROR',
};

function predictionMatches(predicted: readonly RuleResult[], lines: readonly RuleLine[]): boolean {
  const want = predicted.filter((p) => p !== 'skip').map((p) => STATUS[p] ?? '?');
  return want.length === lines.length && want.every((s, i) => s === lines[i].status);
}

// ---------------------------------------------------------------------------------------------
// shrinking

type Doc = { policy: VObject; payload: VObject };

const PROTECTED = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'spec',
  'rules',
  'name',
  'assert',
  'check',
  'variable',
]);

/** Removes now-empty any/all lists and match/exclude/context; false when the policy became invalid. */
function normalize(doc: Doc): boolean {
  const rules = (doc.policy.spec as VObject).rules as VObject[];
  if (!Array.isArray(rules) || rules.length === 0) return false;
  for (const rule of rules) {
    for (const k of ['match', 'exclude', 'assert']) {
      const m = rule[k];
      if (!isObj(m)) continue;
      for (const l of ['any', 'all']) if (Array.isArray(m[l]) && (m[l] as Value[]).length === 0) delete m[l];
      if (!m.any && !m.all) {
        if (k === 'assert') return false;
        delete rule[k];
      }
    }
    if (Array.isArray(rule.context) && rule.context.length === 0) delete rule.context;
  }
  return true;
}

/** Candidate reductions, coarse ones first (breadth-first over the policy spec, then the payload). */
function* reductions(doc: Doc): Generator<Doc> {
  const queue: { path: (string | number)[]; node: Value; inPolicy: boolean; parentKey: string }[] = [
    { path: ['policy', 'spec'], node: doc.policy.spec, inPolicy: true, parentKey: 'spec' },
    { path: ['payload'], node: doc.payload, inPolicy: false, parentKey: '' },
  ];
  while (queue.length) {
    const { path, node, inPolicy, parentKey } = queue.shift()!;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        yield edit(doc, path, (parent) => (parent as Value[]).splice(i, 1));
        queue.push({ path: [...path, i], node: node[i], inPolicy, parentKey });
      }
    } else if (isObj(node)) {
      for (const k of Object.keys(node)) {
        // in the policy, assertion-tree keys are free; structural keys are protected
        const structural = inPolicy && PROTECTED.has(k) && !isTreeKey(path, parentKey);
        if (!structural) yield edit(doc, path, (parent) => delete (parent as VObject)[k]);
        queue.push({ path: [...path, k], node: node[k], inPolicy, parentKey: k });
      }
    }
  }
}

/** Keys inside check / match / exclude trees (or the payload) are data, not policy structure. */
function isTreeKey(path: (string | number)[], _parentKey: string): boolean {
  return path.some(
    (p, i) =>
      p === 'check' ||
      ((p === 'any' || p === 'all') && (path[i - 1] === 'match' || path[i - 1] === 'exclude')),
  );
}

function edit(doc: Doc, path: (string | number)[], fn: (parent: Value) => void): Doc {
  const copy: Doc = { policy: cloneValue(doc.policy), payload: cloneValue(doc.payload) };
  let node: Value = copy as unknown as Value;
  for (const p of path) node = (node as Record<string | number, Value>)[p];
  fn(node);
  return copy;
}

export interface ShrinkResult {
  doc: Doc;
  steps: number;
  evaluations: number;
  timedOut: boolean;
}

/** The model flags combinations whose Go output depends on map order (e.g. two failing sibling keys). */
function modelDeterministic(doc: Doc, table: ExprTable | undefined): boolean {
  if (!table) return true;
  const rules = (doc.policy.spec as VObject).rules as VObject[];
  return rules.every((rule) => predictRule(rule, doc.payload, table, false) !== 'random');
}

export async function shrink(
  tools: Tools,
  start: Doc,
  mode: Mode,
  deadline: number,
  maxEvaluations = 400,
  table?: ExprTable,
): Promise<ShrinkResult> {
  const first = await runRendered(tools, render(start), [mode]);
  const oracleCode = first[mode].oracle.code;
  let cur = start;
  let steps = 0;
  let evaluations = 0;
  let improved = true;
  while (improved && Date.now() < deadline && evaluations < maxEvaluations) {
    improved = false;
    for (const cand of reductions(cur)) {
      if (Date.now() >= deadline || evaluations >= maxEvaluations) break;
      if (!normalize(cand) || !modelDeterministic(cand, table)) continue;
      evaluations++;
      const r = (await runRendered(tools, render(cand), [mode], 2))[mode];
      if (
        r.candidate &&
        !r.oracleAgain &&
        r.oracle.code === oracleCode &&
        !sameResult(r.oracle, r.candidate)
      ) {
        cur = cand;
        steps++;
        improved = true;
        break;
      }
    }
  }
  return { doc: cur, steps, evaluations, timedOut: Date.now() >= deadline || evaluations >= maxEvaluations };
}

// ---------------------------------------------------------------------------------------------
// regression corpus

export interface Fixture {
  comment?: string;
  found?: { seed: number; case: string; mode: Mode; shrunk: boolean };
  oracle?: string;
  policy: string;
  payload: string;
  /** the payload's file name, for a YAML payload (`payload.yaml`); payload.json by default */
  payloadFile?: string;
  /** kyverno-json's output for this case (the expectation when the binary is not available) */
  expected?: Partial<Record<Mode, { exitCode: number; stdout: string }>>;
}

export function loadFixtures(dir: string): { file: string; fixture: Fixture }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: join(dir, f), fixture: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture }));
}

export function oracleLabel(argv: readonly string[]): string {
  const bin = argv[argv.length - 1];
  const version = basename(dirname(bin));
  return /^v\d/.test(version) ? `kyverno-json ${version}` : 'kyverno-json';
}

async function saveFixture(
  dir: string,
  name: string,
  tools: Tools,
  doc: Doc,
  found: Fixture['found'],
): Promise<string> {
  const rendered = render(doc);
  const res = await runRendered(tools, rendered, MODES);
  const fixture: Fixture = {
    comment:
      'kyverno-json differential regression case: clustermint scan must print `expected` (stdout, exit code)',
    found,
    oracle: oracleLabel(tools.oracle),
    policy: rendered.policy,
    payload: rendered.payload,
    expected: {
      text: { exitCode: res.text.oracle.code, stdout: res.text.oracle.stdout },
      json: { exitCode: res.json.oracle.code, stdout: res.json.oracle.stdout },
    },
  };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
  return file;
}

export interface ReplayResult {
  file: string;
  mode: Mode;
  problem: 'candidate-differs' | 'oracle-changed';
  expected: { exitCode: number; stdout: string };
  actual: ToolResult;
}

/** Replays stored cases: clustermint must print the stored kyverno-json output (checked live when the oracle is set). */
export async function replayFixtures(
  tools: Partial<Tools>,
  dir: string,
): Promise<{ count: number; problems: ReplayResult[] }> {
  const problems: ReplayResult[] = [];
  const fixtures = loadFixtures(dir);
  for (const { file, fixture } of fixtures) {
    const rendered = { policy: fixture.policy, payload: fixture.payload, payloadFile: fixture.payloadFile };
    for (const mode of MODES) {
      let expected = fixture.expected?.[mode];
      if (tools.oracle) {
        const live = (await runRendered({ oracle: tools.oracle }, rendered, [mode]))[mode].oracle;
        if (expected && (expected.exitCode !== live.code || expected.stdout !== live.stdout))
          problems.push({ file, mode, problem: 'oracle-changed', expected, actual: live });
        expected = { exitCode: live.code, stdout: live.stdout };
      }
      if (!expected || !tools.candidate) continue;
      // the candidate runs in the oracle slot: runRendered needs no second tool for this
      const cand = (await runRendered({ oracle: tools.candidate }, rendered, [mode]))[mode].oracle;
      if (cand.code !== expected.exitCode || cand.stdout !== expected.stdout)
        problems.push({ file, mode, problem: 'candidate-differs', expected, actual: cand });
    }
  }
  return { count: fixtures.length, problems };
}

// ---------------------------------------------------------------------------------------------
// the differential run

export interface DiffOptions {
  seed: number;
  cases: number;
  tools: Tools;
  batchSize?: number;
  jobs?: number;
  gen?: GenOptions;
  /** where minimal counterexamples are written (undefined = not written) */
  fixturesDir?: string;
  /** how many differing cases to shrink and store */
  shrinkCount?: number;
  shrinkSeconds?: number;
  /** stop looking for more differing cases after this many */
  maxDiffs?: number;
  log?: (line: string) => void;
}

export interface CaseDiff {
  id: string;
  mode: Mode;
  policy: string;
  payload: string;
  oracle: ToolResult;
  candidate: ToolResult;
  fixture?: string;
  shrink?: { steps: number; evaluations: number; timedOut: boolean };
}

export interface DiffReport {
  seed: number;
  cases: number;
  batches: number;
  singles: number;
  diffs: CaseDiff[];
  /** batches whose output differed although every case alone agreed */
  batchOnlyDiffs: { ids: string[]; mode: Mode; oracle: ToolResult; candidate: ToolResult }[];
  /** cases where two kyverno-json runs printed different output (generator bug: excluded) */
  nondeterministic: string[];
  /** kyverno-json rule lines over all cases */
  counts: Record<RuleLine['status'], number>;
  /** cases whose kyverno-json statuses matched the generator's prediction */
  predicted: { agree: number; total: number; disagreeing: string[] };
  elapsedMs: number;
}

async function pool<T>(items: readonly T[], jobs: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

export async function runDifferential(opts: DiffOptions): Promise<DiffReport> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const { tools } = opts;
  const cases = generateCases(opts.seed, opts.cases, opts.gen ?? { compileErrors: true });
  const batchSize = opts.batchSize ?? 25;
  const maxDiffs = opts.maxDiffs ?? 10;
  const report: DiffReport = {
    seed: opts.seed,
    cases: cases.length,
    batches: 0,
    singles: 0,
    diffs: [],
    batchOnlyDiffs: [],
    nondeterministic: [],
    counts: { PASSED: 0, FAILED: 0, ERROR: 0 },
    predicted: { agree: 0, total: 0, disagreeing: [] },
    elapsedMs: 0,
  };
  const byId = new Map(cases.map((c) => [c.id, c]));
  const account = (ids: readonly string[], text: string) => {
    const lines = ruleLines(text);
    for (const l of lines) report.counts[l.status]++;
    for (const id of ids) {
      const c = byId.get(id)!;
      report.predicted.total++;
      if (
        predictionMatches(
          c.predicted,
          lines.filter((l) => l.policy === id),
        )
      )
        report.predicted.agree++;
      else report.predicted.disagreeing.push(id);
    }
  };

  const singleRun = async (c: DiffCase): Promise<void> => {
    report.singles++;
    const rendered = render(c);
    const res = {
      ...(await runRendered(tools, rendered, ['json'])),
      ...(await runRendered(tools, rendered, ['text'], 1)),
    };
    if (res.text.oracleAgain) {
      report.nondeterministic.push(c.id);
      return;
    }
    account([c.id], res.text.oracle.stdout);
    for (const mode of MODES) {
      const { oracle, candidate } = res[mode];
      if (candidate && !sameResult(oracle, candidate) && report.diffs.length < maxDiffs) {
        report.diffs.push({ id: c.id, mode, ...rendered, oracle, candidate });
        break;
      }
    }
  };

  const batchable = cases.filter((c) => c.batchable);
  const batches: DiffCase[][] = [];
  for (let i = 0; i < batchable.length; i += batchSize) batches.push(batchable.slice(i, i + batchSize));
  const singles = cases.filter((c) => !c.batchable);
  log(
    `[differential] seed=${opts.seed} cases=${cases.length} batches=${batches.length} unbatchable=${singles.length}`,
  );

  const jobs = opts.jobs ?? 2;
  await pool(batches, jobs, async (batch) => {
    report.batches++;
    const res = await runBatch(tools, batch);
    const ids = batch.map((c) => c.id);
    if (res.text.oracleAgain) {
      // some case is not deterministic in kyverno-json: find it, keep the others
      log(
        `[differential] kyverno-json output differs between two runs of batch ${ids[0]}..; checking its cases alone`,
      );
      for (const c of batch) await singleRun(c);
      return;
    }
    account(ids, res.text.oracle.stdout);
    const differs = MODES.filter((m) => res[m].candidate && !sameResult(res[m].oracle, res[m].candidate!));
    if (differs.length === 0) return;
    if (report.diffs.length >= maxDiffs) return;
    const before = report.diffs.length;
    // localize from the batch output when possible, then confirm on each case alone
    const suspects = new Set<string>();
    for (const m of differs) {
      const bad = differingCases(m, ids, res[m].oracle.stdout, res[m].candidate!.stdout);
      for (const id of bad ?? ids) suspects.add(id);
    }
    for (const c of batch) {
      if (report.diffs.length >= maxDiffs) break;
      if (suspects.has(c.id)) await singleRun(c);
    }
    if (report.diffs.length === before && suspects.size < batch.length) {
      for (const c of batch) if (!suspects.has(c.id) && report.diffs.length < maxDiffs) await singleRun(c);
    }
    if (report.diffs.length === before) {
      const mode = differs[0];
      report.batchOnlyDiffs.push({ ids, mode, oracle: res[mode].oracle, candidate: res[mode].candidate! });
    }
  });
  await pool(singles, jobs, singleRun);

  report.diffs.sort((a, b) => a.id.localeCompare(b.id));
  const deadline = Date.now() + (opts.shrinkSeconds ?? 60) * 1000;
  for (const d of report.diffs.slice(0, opts.shrinkCount ?? 1)) {
    if (!opts.fixturesDir || !tools.candidate) break;
    const c = byId.get(d.id)!;
    const s = await shrink(tools, { policy: c.policy, payload: c.payload }, d.mode, deadline, 400, c.table);
    d.shrink = { steps: s.steps, evaluations: s.evaluations, timedOut: s.timedOut };
    d.fixture = await saveFixture(opts.fixturesDir, `seed${opts.seed}-${d.id}`, tools, s.doc, {
      seed: opts.seed,
      case: d.id,
      mode: d.mode,
      shrunk: s.steps > 0,
    });
    log(`[differential] ${d.id}: shrunk in ${s.steps} steps (${s.evaluations} runs) -> ${d.fixture}`);
  }
  report.elapsedMs = Date.now() - t0;
  return report;
}

/** Human-readable description of the first differences (both outputs). */
export function describeDiffs(report: DiffReport, limit = 3): string {
  const parts: string[] = [];
  for (const d of report.diffs.slice(0, limit)) {
    parts.push(
      [
        `=== case ${d.id} (seed ${report.seed}), --output ${d.mode}${d.fixture ? `; minimal case saved to ${d.fixture}` : ''}`,
        '--- policy.yaml',
        d.policy.trimEnd(),
        '--- payload.json',
        d.payload.trimEnd(),
        `--- kyverno-json (exit ${d.oracle.code})`,
        d.oracle.stdout.trimEnd(),
        `--- clustermint (exit ${d.candidate.code})`,
        d.candidate.stdout.trimEnd(),
        ...(d.candidate.stderr.trim() ? ['--- clustermint stderr', d.candidate.stderr.trimEnd()] : []),
        '--- first differing line',
        firstDifference(d.oracle.stdout, d.candidate.stdout),
      ].join('\n'),
    );
  }
  for (const b of report.batchOnlyDiffs.slice(0, 1)) {
    parts.push(
      [
        `=== batch ${b.ids[0]}..${b.ids[b.ids.length - 1]} differs only when run together (--output ${b.mode})`,
        '--- first differing line',
        firstDifference(b.oracle.stdout, b.candidate.stdout),
      ].join('\n'),
    );
  }
  return parts.join('\n\n');
}

export function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i])
      return `line ${i + 1}:\n  kyverno-json: ${JSON.stringify(x[i] ?? '<none>')}\n  clustermint:  ${JSON.stringify(y[i] ?? '<none>')}`;
  }
  return '(stdout identical; exit codes differ)';
}
