/**
 * `check` on every core: worker threads judge submissions beside this thread. Each worker reads
 * the same inputs (files, policies, templates, state) and judges the submissions it is handed by
 * their ordinal (their place in the output), in chunks taken from one counter, so a worker that
 * started late or got slow submissions simply takes fewer chunks. The verdicts come back as the
 * printers read them (PrintedVerdict, no rendered objects) and are printed in ordinal order, so
 * the output is the same as one thread's, byte for byte. A worker that fails hands its chunk back.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { builtModule } from '../util/paths.js';
import type { PrintedVerdict } from './verdict-formats.js';

/** Below this many submissions a worker's start (loading the CLI, reading the inputs) costs more than it saves. */
export const MIN_PARALLEL_SUBMISSIONS = 64;
/** Submissions per hand-out: small enough to balance, large enough that messages cost nothing. */
const CHUNK = 16;
/** Default threads: the cores, at most this many (each holds the inputs and compiled policies). */
const MAX_DEFAULT_THREADS = 4;

/**
 * One thread below 4 cores: on 2, V8's own background threads (optimizing compiles, GC) already
 * keep the second core busy, and a worker's set-up and warm-up cost more than it takes over (a
 * 1,000-submission check measured 1.3 s with one thread, 1.6 s with two).
 */
export const defaultCheckThreads = (): number => {
  const cores = availableParallelism();
  return cores < 4 ? 1 : Math.min(MAX_DEFAULT_THREADS, cores);
};

/** A range of ordinals [from, to). */
export type Chunk = [from: number, to: number];

/** Hands out chunks of `total` ordinals; a chunk given back is handed out again first. */
export class ChunkCounter {
  private next = 0;
  private readonly returned: Chunk[] = [];
  constructor(private readonly total: number) {}

  take(): Chunk | undefined {
    const back = this.returned.pop();
    if (back) return back;
    if (this.next >= this.total) return undefined;
    const from = this.next;
    this.next = Math.min(this.total, from + CHUNK);
    return [from, this.next];
  }

  giveBack(chunk: Chunk): void {
    this.returned.push(chunk);
  }
}

/** What a worker is started with: the check's options, less what only the main thread does. */
export interface ShardWorkerData<O> {
  options: O;
}

/** Worker -> main: ready for a chunk (after its set-up), or a chunk's verdicts. */
export type FromWorker = { ready: true } | { chunk: Chunk; verdicts: PrintedVerdict[] };
/** Main -> worker: the next chunk, or none left. */
export type ToWorker = { chunk: Chunk } | { done: true };

/**
 * Judges ordinals 0..total-1 with `judgeChunk` here and in `threads - 1` workers started with
 * `options`; returns the verdicts in ordinal order. Without a worker module (running from the
 * TypeScript sources) or with one thread, everything is judged here.
 */
export async function judgeInParallel<O>(
  total: number,
  threads: number,
  options: O,
  judgeChunk: (chunk: Chunk) => Promise<PrintedVerdict[]>,
): Promise<PrintedVerdict[]> {
  const out = new Array<PrintedVerdict>(total);
  const counter = new ChunkCounter(total);
  const file =
    threads > 1 && total >= MIN_PARALLEL_SUBMISSIONS ? builtModule('cli/check-worker.js') : undefined;
  const workers = file
    ? Array.from({ length: threads - 1 }, () => runWorker(file, options, counter, out))
    : [];
  for (let chunk = counter.take(); chunk; chunk = counter.take()) {
    const verdicts = await judgeChunk(chunk);
    verdicts.forEach((v, i) => {
      out[chunk[0] + i] = v;
    });
    // let the workers' messages in between chunks
    if (workers.length > 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(workers);
  // a chunk a worker gave back after this thread had finished
  for (let chunk = counter.take(); chunk; chunk = counter.take()) {
    const verdicts = await judgeChunk(chunk);
    verdicts.forEach((v, i) => {
      out[chunk[0] + i] = v;
    });
  }
  return out;
}

/** One worker's life: chunks until none is left; resolves when it has stopped (never rejects). */
function runWorker<O>(file: string, options: O, counter: ChunkCounter, out: PrintedVerdict[]): Promise<void> {
  return new Promise((resolve) => {
    let current: Chunk | undefined;
    const worker = new Worker(file, { workerData: { options } satisfies ShardWorkerData<O> });
    const handOut = () => {
      current = counter.take();
      worker.postMessage((current ? { chunk: current } : { done: true }) satisfies ToWorker);
    };
    worker.on('message', (m: FromWorker) => {
      if ('verdicts' in m) {
        m.verdicts.forEach((v, i) => {
          out[m.chunk[0] + i] = v;
        });
        current = undefined;
      }
      handOut();
    });
    const stop = () => {
      if (current) counter.giveBack(current);
      current = undefined;
      resolve();
    };
    // a worker that cannot start or dies: what it held is judged by the others
    worker.on('error', stop);
    worker.on('exit', stop);
  });
}
