// The fuzz runner's child process for one target (fuzz/run.js forks it). Two kinds of work:
//  - a chunk: fast-check runs of the target's property here, in-process (fast), shrinking what
//    fails; before each input it writes a progress record (evaluations so far, run index,
//    shrinking or not) to a small file, so that when a hang or a V8 abort ends this process the
//    runner knows which run of which seed it was and can replay it;
//  - one input (used to shrink a hang or a crash, one candidate per child life if need be).
import { mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import fc from 'fast-check';
import { evaluate } from './evaluate.js';
import { signature } from './signature.js';
import { targetNamed } from './targets/index.js';

const target = targetNamed(process.argv[2]);
if (!target) throw new Error(`no fuzz target ${process.argv[2]}`);
const progressFd = openSync(process.argv[3], 'r+');
const dir = mkdtempSync(join(tmpdir(), `cm-fuzz-${target.name}-`));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
// the runner's self-tests need no build
const { lib } = target.name.startsWith('selftest-') ? { lib: {} } : await import('./lib.js');
const env = { lib, dir };
await target.setup?.(env);

const record = Buffer.alloc(12);
let evaluations = 0;
/** Progress for the runner's watchdog: [evaluations, run index, 1 while shrinking]. */
function mark(runIndex, shrinking) {
  record.writeInt32LE(++evaluations, 0);
  record.writeInt32LE(runIndex, 4);
  record.writeInt32LE(shrinking ? 1 : 0, 8);
  writeSync(progressFd, record, 0, 12, 0);
}

const heapMB = () => getHeapStatistics().used_heap_size / 2 ** 20;

async function runChunk({ seed, numRuns, budget, known, shrinkEvals }) {
  const knownSignatures = new Set(known);
  const hits = {};
  let runIndex = -1;
  let inputs = 0;
  let maxMs = 0;
  let peakHeapMB = heapMB();
  let shrinking = false;
  let shrinkCount = 0;
  let first;
  let last;
  const property = fc.asyncProperty(target.arbitrary, async (input) => {
    if (shrinking && shrinkCount >= shrinkEvals) return true; // enough shrinking
    if (shrinking) shrinkCount++;
    else runIndex++;
    mark(runIndex, shrinking);
    const started = performance.now();
    let finding = await evaluate(target, input, env);
    const ms = performance.now() - started;
    if (!shrinking) inputs++;
    if (ms > maxMs) maxMs = ms;
    if ((evaluations & 63) === 0) peakHeapMB = Math.max(peakHeapMB, heapMB());
    if (!finding && ms > budget) finding = `slow: ${Math.round(ms)} ms, over the ${budget} ms budget`;
    if (!finding) return true;
    // a shrink candidate that fails another way is another bug: keep shrinking this one
    if (shrinking && signature(finding) !== first.signature) return true;
    if (!shrinking) {
      const sig = signature(finding);
      if (knownSignatures.has(sig)) {
        hits[sig] = (hits[sig] ?? 0) + 1;
        return true;
      }
      shrinking = true;
      first = { finding, input, runIndex, signature: sig };
      process.send({ type: 'first', first });
    }
    last = { finding, input };
    return false;
  });
  const result = await fc.check(property, { seed, numRuns });
  return {
    type: 'chunk',
    inputs,
    maxMs,
    peakHeapMB: Math.max(peakHeapMB, heapMB()),
    hits,
    shrinkEvals: shrinkCount,
    ...(result.failed && last
      ? { failed: { finding: last.finding, input: last.input, path: result.counterexamplePath, first } }
      : {}),
    ...(result.failed && !last ? { error: String(result.errorInstance?.stack ?? result.error) } : {}),
  };
}

async function runOne({ input }) {
  mark(0, false);
  const started = performance.now();
  const finding = await evaluate(target, input, env);
  return { type: 'one', finding, ms: performance.now() - started, peakHeapMB: heapMB() };
}

process.on('message', async (m) => {
  process.send(m.type === 'chunk' ? await runChunk(m) : await runOne(m));
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready' });
