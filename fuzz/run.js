// `npm run fuzz` (after `npm run build`): fast-check property runs over every fuzz target
// (fuzz/targets/). Each target runs in a child process (fuzz/child.js) that gets one input at a
// time; the property is that every input ends in a documented outcome (a ClustermintError or a
// located result, exit codes 0/1/2) within the time budget and the memory limit. A finding (an
// internal error, a slow input, a hang, a crash of the child) is shrunk, each candidate in a
// child of its own when the last one died, and printed with its seed and path for replay.
//
//   node fuzz/run.js [--runs N] [--seed S] [--target NAME]... [--budget MS] [--memory MIB]
//                    [--path P] [--report FILE] [--list]
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { signature } from './signature.js';
import { TARGETS, targetNamed } from './targets/index.js';

const USAGE =
  'usage: node fuzz/run.js [--runs N] [--seed S] [--target NAME]... [--budget MS] [--memory MIB] [--path P] [--report FILE] [--list]';

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        runs: { type: 'string', default: '10000' },
        seed: { type: 'string' },
        target: { type: 'string', multiple: true },
        budget: { type: 'string', default: '2000' },
        memory: { type: 'string', default: '1024' },
        chunk: { type: 'string', default: '2000' },
        path: { type: 'string' },
        'shrink-evals': { type: 'string', default: '300' },
        report: { type: 'string' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    fail(e.message);
  }
  const int = (name, min) => {
    const v = Number(parsed[name]);
    if (!Number.isSafeInteger(v) || v < min)
      fail(`--${name} must be an integer ≥ ${min}, got ${parsed[name]}`);
    return v;
  };
  const names = (parsed.target ?? []).flatMap((t) => t.split(',')).filter(Boolean);
  for (const n of names)
    if (!targetNamed(n)) fail(`no target ${n}: one of ${TARGETS.map((t) => t.name).join(', ')}`);
  return {
    help: parsed.help,
    list: parsed.list,
    runs: int('runs', 1),
    seed: parsed.seed === undefined ? Date.now() % 2 ** 31 : int('seed', 0),
    targets: names.length ? names.map(targetNamed) : TARGETS,
    budget: int('budget', 1),
    memory: int('memory', 64),
    chunk: int('chunk', 1),
    path: parsed.path,
    shrinkEvals: int('shrink-evals', 0),
    report: parsed.report,
  };
}

function fail(message) {
  process.stderr.write(`fuzz: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/**
 * A child process for one target (fuzz/child.js). chunk() and one() resolve with the child's
 * answer, or with how it died: `hang` when its progress record stood still for the hang time
 * (then it is killed), `crash` when it exited (a V8 abort, out of memory).
 */
class Child {
  constructor(target, opts) {
    this.target = target;
    this.opts = opts;
    this.progressFile = join(mkdtempSync(join(tmpdir(), 'cm-fuzz-progress-')), 'progress');
    writeFileSync(this.progressFile, Buffer.alloc(12));
    this.proc = undefined;
  }

  async start() {
    writeFileSync(this.progressFile, Buffer.alloc(12));
    const proc = fork(
      fileURLToPath(new URL('./child.js', import.meta.url)),
      [this.target.name, this.progressFile],
      {
        execArgv: [`--max-old-space-size=${this.opts.memory}`],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
      },
    );
    this.stderr = '';
    proc.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d).slice(-4000);
    });
    this.proc = proc;
    await new Promise((resolve, reject) => {
      const onExit = (code, signal) =>
        reject(new Error(`the ${this.target.name} child died starting (${code ?? signal}): ${this.stderr}`));
      proc.once('exit', onExit);
      proc.once('message', () => {
        proc.off('exit', onExit);
        resolve();
      });
    });
  }

  progress() {
    const b = readFileSync(this.progressFile);
    return { evaluations: b.readInt32LE(0), runIndex: b.readInt32LE(4), shrinking: b.readInt32LE(8) === 1 };
  }

  chunk(message) {
    return this.request({ type: 'chunk', ...message });
  }

  one(input) {
    return this.request({ type: 'one', input });
  }

  async request(message) {
    if (!this.proc) await this.start();
    const proc = this.proc;
    const hangMs = this.opts.budget * 5;
    let first;
    return new Promise((resolve) => {
      let seen = -1;
      let still = performance.now();
      const done = (answer) => {
        clearInterval(watch);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(answer);
      };
      const onMessage = (m) => {
        if (m.type === 'first') first = m.first;
        else done(m);
      };
      const onExit = (code, signal) => {
        this.proc = undefined;
        const why = signal ? `signal ${signal}` : `exit code ${code}`;
        // first line: how it died and V8's message (if any); then the stderr tail with stacks
        const message = this.stderr
          .trim()
          .split('\n')
          .find((l) => l.trim() && !/^\s+at |^\s*\d+: |stack trace -----/.test(l));
        const head = `crash: the child died (${why})${message ? `: ${message.trim().slice(0, 300)}` : ''}`;
        done({
          type: 'died',
          finding: `${head}\n${this.stderr.trim().slice(-1500)}`,
          progress: this.progress(),
          first,
        });
      };
      const watch = setInterval(() => {
        const { evaluations } = this.progress();
        if (evaluations !== seen) {
          seen = evaluations;
          still = performance.now();
        } else if (performance.now() - still > hangMs) {
          this.proc = undefined;
          proc.off('exit', onExit);
          proc.kill('SIGKILL');
          done({
            type: 'died',
            finding: `hang: one input ran more than ${hangMs} ms (killed)`,
            progress: this.progress(),
            first,
          });
        }
      }, 100);
      proc.on('message', onMessage);
      proc.once('exit', onExit);
      proc.send(message);
    });
  }

  stop() {
    this.proc?.disconnect();
    this.proc = undefined;
    rmSync(dirname(this.progressFile), { recursive: true, force: true });
  }
}

/** A seed per chunk of runs, derived from the run's seed and the target's name. */
function chunkSeed(seed, name, chunk) {
  let h = seed ^ 0x9e3779b9;
  for (const c of `${name}#${chunk}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h % 2 ** 31;
}

/**
 * Shrinks a run that hung or killed its child: fast-check replays run `runIndex` of `seed` and
 * its shrink candidates, each in the child (restarted after each death).
 */
async function shrinkIsolated(target, child, seed, runIndex, opts, kind) {
  let last;
  let evals = 0;
  const property = fc.asyncProperty(target.arbitrary, async (input) => {
    if (evals++ >= opts.shrinkEvals) return true;
    const answer = await child.one(input);
    let finding = answer.finding;
    if (!finding && answer.ms > opts.budget)
      finding = `slow: ${Math.round(answer.ms)} ms, over the ${opts.budget} ms budget`;
    // only the same kind of failure (another one is another bug)
    if (!finding || (kind && signature(finding) !== kind)) return true;
    last = { finding, input };
    return false;
  });
  const result = await fc.check(property, { seed, path: String(runIndex), numRuns: 1 });
  return result.failed && last ? { ...last, path: result.counterexamplePath, evals } : { evals };
}

async function fuzzTarget(target, runs, opts) {
  const child = new Child(target, opts);
  const stats = {
    target: target.name,
    inputs: 0,
    shrinkEvals: 0,
    findings: [],
    maxMs: 0,
    peakHeapMB: 0,
    wallMs: 0,
  };
  const known = new Map(); // signature → finding
  const remember = (finding, ...texts) => {
    for (const t of texts) if (t) known.set(signature(t), finding);
  };
  const started = performance.now();
  try {
    for (let chunk = 0; stats.inputs < runs; chunk++) {
      const numRuns = Math.min(opts.chunk, runs - stats.inputs);
      const seed = opts.path ? opts.seed : chunkSeed(opts.seed, target.name, chunk);
      if (opts.path) {
        const replay = await shrinkIsolated(target, child, seed, opts.path, opts);
        stats.inputs++;
        if (replay.finding) {
          const f = {
            target: target.name,
            seed,
            path: replay.path,
            finding: replay.finding,
            input: replay.input,
            count: 1,
          };
          stats.findings.push(f);
          printFinding(f);
        } else process.stdout.write(`replay of ${target.name} seed ${seed} path ${opts.path}: no finding\n`);
        break;
      }
      const answer = await child.chunk({
        seed,
        numRuns,
        budget: opts.budget,
        known: [...known.keys()],
        shrinkEvals: opts.shrinkEvals,
      });
      if (answer.type === 'chunk') {
        stats.inputs += answer.inputs;
        stats.shrinkEvals += answer.shrinkEvals;
        stats.maxMs = Math.max(stats.maxMs, answer.maxMs);
        stats.peakHeapMB = Math.max(stats.peakHeapMB, answer.peakHeapMB);
        for (const [sig, n] of Object.entries(answer.hits)) known.get(sig).count += n;
        if (answer.failed) {
          const { finding, input, path, first } = answer.failed;
          const f = { target: target.name, seed, path, finding, input, first: first.finding, count: 1 };
          stats.findings.push(f);
          remember(f, finding);
          printFinding(f);
        }
        if (answer.error) throw new Error(`fast-check failed in the ${target.name} child: ${answer.error}`);
      } else {
        // the child died: a hang or a crash at run progress.runIndex of this chunk's seed
        const { runIndex, shrinking } = answer.progress;
        stats.inputs += runIndex + 1;
        const sig = signature(answer.finding);
        const prior = known.get(sig);
        if (prior) prior.count++;
        else if (shrinking && answer.first) {
          // it died on a shrink candidate of an ordinary finding: report that finding unshrunk
          const f = {
            target: target.name,
            seed,
            path: String(answer.first.runIndex),
            finding: answer.first.finding,
            input: answer.first.input,
            note: `a shrink candidate then ended the child: ${answer.finding}`,
            count: 1,
          };
          stats.findings.push(f);
          remember(f, answer.first.finding, answer.finding);
          printFinding(f);
        } else {
          process.stderr.write(
            `  ${target.name}: ${answer.finding.split('\n')[0]} at run ${runIndex} of seed ${seed}; shrinking in isolation\n`,
          );
          const shrunk = await shrinkIsolated(target, child, seed, runIndex, opts, sig);
          stats.shrinkEvals += shrunk.evals;
          const f = shrunk.finding
            ? {
                target: target.name,
                seed,
                path: shrunk.path,
                finding: shrunk.finding,
                input: shrunk.input,
                first: answer.finding,
                count: 1,
              }
            : {
                target: target.name,
                seed,
                path: String(runIndex),
                finding: answer.finding,
                note: 'did not happen again on replay',
                count: 1,
              };
          stats.findings.push(f);
          remember(f, answer.finding, shrunk.finding);
          printFinding(f);
        }
      }
      progress(stats, performance.now() - started, runs);
    }
  } finally {
    child.stop();
  }
  stats.wallMs = performance.now() - started;
  for (const f of stats.findings)
    f.replay = `node fuzz/run.js --target ${f.target} --seed ${f.seed} --path ${f.path}`;
  return stats;
}

function printFinding(f) {
  const show = (v) => {
    const s = JSON.stringify(v, null, 1);
    return s.length > 4000 ? `${s.slice(0, 4000)}… (${s.length} chars)` : s;
  };
  process.stdout.write(
    `\nFINDING in ${f.target}: ${f.finding.split('\n').slice(0, 8).join('\n')}\n  replay: node fuzz/run.js --target ${f.target} --seed ${f.seed} --path ${f.path}\n  shrunk input: ${show(f.input)}\n` +
      (f.first && signature(f.first) !== signature(f.finding)
        ? `  first seen as: ${f.first.split('\n')[0]}\n`
        : '') +
      (f.note ? `  note: ${f.note}\n` : ''),
  );
}

let lastProgress = 0;
function progress(stats, ms, runs) {
  const now = Date.now();
  if (now - lastProgress < 10_000 && stats.inputs < runs) return;
  lastProgress = now;
  process.stderr.write(
    `  ${stats.target}: ${stats.inputs}/${runs} inputs, ${rate(stats.inputs, ms)} inputs/s, ${stats.findings.length} findings\n`,
  );
}

const rate = (n, ms) => (ms > 0 ? Math.round((n * 1000) / ms) : 0);

/** The runs split over the targets by weight (all of them to one target given alone). */
function shares(targets, runs) {
  if (targets.length === 1) return [runs];
  const total = targets.reduce((s, t) => s + t.weight, 0);
  const out = targets.map((t) => Math.max(1, Math.floor((runs * t.weight) / total)));
  out[0] += Math.max(0, runs - out.reduce((a, b) => a + b, 0));
  return out;
}

async function main() {
  const opts = options();
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (opts.list) {
    for (const t of TARGETS) process.stdout.write(`${t.name}\tweight ${t.weight}\n`);
    return 0;
  }
  const counts = opts.path ? opts.targets.map(() => 1) : shares(opts.targets, opts.runs);
  process.stdout.write(
    `fuzz: seed ${opts.seed}, ${opts.runs} inputs over ${opts.targets.map((t, i) => `${t.name} (${counts[i]})`).join(', ')}; budget ${opts.budget} ms, memory ${opts.memory} MiB\n`,
  );
  const started = performance.now();
  const all = [];
  for (const [i, target] of opts.targets.entries()) all.push(await fuzzTarget(target, counts[i], opts));
  const wallMs = performance.now() - started;
  const rows = all.map((s) => [
    s.target,
    s.inputs,
    rate(s.inputs, s.wallMs),
    (s.wallMs / 1000).toFixed(1),
    Math.round(s.maxMs),
    Math.round(s.peakHeapMB),
    s.findings.length,
    s.findings.reduce((n, f) => n + (f.count ?? 1), 0),
  ]);
  const inputs = all.reduce((n, s) => n + s.inputs, 0);
  const findings = all.reduce((n, s) => n + s.findings.length, 0);
  rows.push([
    'total',
    inputs,
    rate(inputs, wallMs),
    (wallMs / 1000).toFixed(1),
    Math.round(Math.max(...all.map((s) => s.maxMs))),
    Math.round(Math.max(...all.map((s) => s.peakHeapMB))),
    findings,
    all.reduce((n, s) => n + s.findings.reduce((m, f) => m + (f.count ?? 1), 0), 0),
  ]);
  printTable(
    ['target', 'inputs', 'inputs/s', 'wall s', 'max ms', 'heap MiB', 'findings', 'inputs hit'],
    rows,
  );
  if (opts.report)
    writeFileSync(
      opts.report,
      `${JSON.stringify({ seed: opts.seed, runs: opts.runs, budget: opts.budget, memory: opts.memory, wallMs, targets: all }, null, 1)}\n`,
    );
  return findings > 0 ? 1 : 0;
}

function printTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  process.stdout.write(`\n${line(head)}\n${rows.map(line).join('\n')}\n`);
}

process.exitCode = await main();
