/**
 * The webhook's isolates (main side): worker threads (isolate-worker.ts) that evaluate the
 * reviews, each with a heap limit (`resourceLimits`) and a deadline per review, so that no
 * policy, template or ClusterClass can stop the server: the main thread keeps only I/O (HTTP,
 * probes, signals, the decisions that read the cluster, the audit trail). A worker past its
 * deadline is terminated, one that dies (out of memory, an abort) is gone; either is replaced by
 * a new one that loads the current sources first. The review it was evaluating is denied, naming
 * the source it was in (isolate-site.ts); the other reviews go to the other workers. The queue's
 * rules (large reviews, deadlines) are review-queue.ts's.
 */
import { Worker } from 'node:worker_threads';
import type { AdmissionMode } from './admit.js';
import type { EvaluationResult, ReviewEvaluator, ReviewSummary } from './evaluate.js';
import type { FromWorker, IsolateWorkerData, ToWorker } from './isolate-protocol.js';
import { newSiteBuffer, type SiteReader, siteReader, summaryReader } from './isolate-site.js';
import type { Logger } from './log.js';
import { type Queued, ReviewQueue } from './review-queue.js';
import type { SnapshotSpec } from './snapshot-spec.js';

export {
  DEFAULT_ISOLATE_MEMORY_MB,
  DEFAULT_ISOLATES,
  DEFAULT_LARGE_REVIEW_BYTES,
} from './isolate-defaults.js';

import { builtModule } from '../util/paths.js';

/** How long the workers may take to load the sources at start before the server listens anyway. */
const START_WAIT_MS = 120_000;

/** The worker's module (dist/webhook/isolate-worker.js), when there is a build. */
export const isolateWorkerFile = (): string | undefined => builtModule('webhook/isolate-worker.js');

export interface IsolatePoolOptions {
  isolates: number;
  /** The heap limit of each worker (MiB, maxOldGenerationSizeMb). */
  memoryMb: number;
  /** Longest time a review may take, its wait included (ms). */
  deadlineMs: number;
  /** Bodies over this size are large reviews (review-queue.ts). */
  largeReviewBytes: number;
  log: Logger;
  workerFile: string;
}

/** `300 ms`, `8 s`, `1.5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

const STOPPED = 'clustermint webhook: this review was stopped:';

interface Job extends Queued {
  id: number;
  text: string;
  mode: AdmissionMode;
  deadlineMs: number;
  resolve: (r: EvaluationResult) => void;
  waitTimer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  /** It takes large reviews too, at a low CPU priority (when there are isolates for the others). */
  takesLarge: boolean;
  site: SiteReader;
  /** The summary of a review the worker has read (shared memory, isolate-site.ts). */
  summary: (id: number) => ReviewSummary | undefined;
  /** The generation of the sources it has loaded; -1 before the first. */
  gen: number;
  job?: Job;
  timer?: NodeJS.Timeout;
  dead: boolean;
  /** Loading sources (and warming up) since this time; the site's mark count then. */
  loading?: { since: number; count: number };
}

type Why = 'deadline' | 'memory' | 'abort';

export class IsolatePool implements ReviewEvaluator {
  private readonly slots = new Set<Slot>();
  private readonly queue: ReviewQueue<Job>;
  private spec: SnapshotSpec | undefined;
  private gen = 0;
  /** Whether the workers warm up on load (not when the warm-up itself tripped at start). */
  private warm = true;
  private nextId = 1;
  private closed = false;
  private readonly loadedWaiters: Array<() => void> = [];
  /** Workers started in place of a stopped one, for the metrics and tests. */
  replaced = 0;

  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly o: IsolatePoolOptions) {
    this.queue = new ReviewQueue(o.isolates);
    this.watchdog = setInterval(() => this.watchLoading(), 50);
    this.watchdog.unref();
  }

  /**
   * A worker loading the sources is stopped when it stays in one source past the deadline (as the
   * probe does); those started after it load without the warm-up.
   */
  private watchLoading(): void {
    const now = Date.now();
    for (const slot of this.slots) {
      if (!slot.loading || slot.dead) continue;
      const count = slot.site.count();
      if (count !== slot.loading.count) slot.loading = { since: now, count };
      else if (now - slot.loading.since > this.o.deadlineMs) {
        this.warm = false;
        this.stop(slot, 'deadline');
      }
    }
  }

  /**
   * Probes the sources in a worker of its own (a warm-up that trips is logged with the source's
   * name; the server serves anyway and the reviews that reach it are denied one by one), then
   * starts the workers and waits until they have loaded them.
   */
  async start(spec: SnapshotSpec, generation: number): Promise<void> {
    this.spec = spec;
    this.gen = generation;
    const refusal = await this.probe(spec);
    if (refusal !== undefined) {
      this.warm = false;
      this.o.log.error(
        { err: refusal },
        'warming up the sources stopped in an isolate; serving anyway: the reviews that reach that source are denied',
      );
    }
    const loaded = new Promise<void>((resolve) => {
      const check = () => {
        if ([...this.slots].filter((s) => s.gen >= 0).length >= this.o.isolates) resolve();
        else this.loadedWaiters.push(check);
      };
      check();
    });
    // the first maxLargeRunning isolates take large reviews too; the others small ones only
    for (let i = 0; i < this.o.isolates; i++) this.spawn(i < this.queue.maxLargeRunning);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([loaded, new Promise<void>((r) => (timer = setTimeout(r, START_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** New sources (a reload that passed the probe): every worker loads them. */
  load(spec: SnapshotSpec, generation: number): void {
    this.spec = spec;
    this.gen = generation;
    this.warm = true;
    for (const s of this.slots)
      if (!s.dead) this.post(s, { type: 'load', gen: generation, spec, warm: true });
  }

  evaluate(text: string, mode: AdmissionMode, deadlineMs: number, bytes: number): Promise<EvaluationResult> {
    return new Promise((resolve) => {
      if (this.closed) {
        resolve({
          kind: 'refused',
          code: 503,
          reason: 'ServiceUnavailable',
          message: 'the webhook is stopping',
        });
        return;
      }
      const job: Job = {
        id: this.nextId++,
        text,
        mode,
        large: bytes > this.o.largeReviewBytes,
        deadlineAt: Date.now() + deadlineMs,
        deadlineMs,
        resolve,
      };
      if (!this.queue.offer(job)) {
        resolve(this.tooMany());
        return;
      }
      job.waitTimer = setTimeout(() => {
        if (this.queue.remove(job)) this.expired(job);
      }, deadlineMs);
      this.pump();
    });
  }

  refusal(bytes: number): Extract<EvaluationResult, { kind: 'refused' }> | undefined {
    return this.queue.full(bytes > this.o.largeReviewBytes) ? this.tooMany() : undefined;
  }

  private tooMany(): Extract<EvaluationResult, { kind: 'refused' }> {
    return {
      kind: 'refused',
      code: 429,
      reason: 'TooManyRequests',
      message: `too many large reviews: ${this.queue.maxLargeWaiting} reviews over ${this.o.largeReviewBytes} bytes wait already; retry later`,
    };
  }

  /**
   * Loads `spec` with the warm-up in a worker of its own, with the same limits: undefined when it
   * went through, else why not, naming the source it stopped in (stuck in one source past the
   * deadline, out of memory, an abort).
   */
  probe(spec: SnapshotSpec): Promise<string | undefined> {
    return new Promise((resolve) => {
      const buffer = newSiteBuffer();
      const site = siteReader(buffer);
      const worker = this.newWorker(buffer);
      let started = false;
      let settled = false;
      let lastCount = -1;
      let lastChange = Date.now();
      const done = (refusal: string | undefined) => {
        if (settled) return;
        settled = true;
        clearInterval(watch);
        void worker.terminate();
        resolve(refusal);
      };
      // the warm-up marks each source it starts on: one mark that stays past the deadline is a runaway
      const watch = setInterval(() => {
        if (!started) return;
        const count = site.count();
        if (count !== lastCount) {
          lastCount = count;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > this.o.deadlineMs)
          done(`${this.where(site)} ran past the ${formatDuration(this.o.deadlineMs)} deadline`);
      }, 20);
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'started') {
          started = true;
          lastChange = Date.now();
          worker.postMessage({ type: 'load', gen: -1, spec, warm: true } satisfies ToWorker);
        } else if (m.type === 'loaded') done(m.error ? `loading the sources failed: ${m.error}` : undefined);
      });
      worker.on('error', (e) => done(this.failure(site, this.why(e), e.message)));
      worker.on('exit', (code) => done(this.failure(site, 'abort', `exit code ${code}`)));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    for (const job of this.queue.expire(Number.POSITIVE_INFINITY)) {
      clearTimeout(job.waitTimer);
      job.resolve({
        kind: 'refused',
        code: 503,
        reason: 'ServiceUnavailable',
        message: 'the webhook is stopping',
      });
    }
    await Promise.all(
      [...this.slots].map((s) => {
        s.dead = true;
        clearTimeout(s.timer);
        return s.worker.terminate();
      }),
    );
    this.slots.clear();
  }

  get size(): number {
    return this.slots.size;
  }

  private newWorker(site: SharedArrayBuffer, lowPriority = false): Worker {
    return new Worker(this.o.workerFile, {
      workerData: { site, lowPriority } satisfies IsolateWorkerData,
      resourceLimits: { maxOldGenerationSizeMb: this.o.memoryMb },
      stdout: false,
      stderr: false,
    });
  }

  /**
   * Starts a worker. One that takes large reviews runs at a low CPU priority when other isolates
   * serve the small ones: a tenant's large reviews then take the CPU the others leave.
   */
  private spawn(takesLarge: boolean): void {
    const buffer = newSiteBuffer();
    const lowPriority = takesLarge && this.o.isolates > this.queue.maxLargeRunning;
    const slot: Slot = {
      worker: this.newWorker(buffer, lowPriority),
      takesLarge,
      site: siteReader(buffer),
      summary: summaryReader(buffer),
      gen: -1,
      dead: false,
    };
    this.slots.add(slot);
    slot.worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    slot.worker.on('error', (e) => this.stop(slot, this.why(e), e.message));
    slot.worker.on('exit', (code) => this.stop(slot, 'abort', `exit code ${code}`));
  }

  private load1(slot: Slot, gen: number, spec: SnapshotSpec, warm: boolean): void {
    // a busy worker loads after its review: its watch starts then, roughly (the review has a deadline of its own)
    if (!slot.job) slot.loading = { since: Date.now(), count: slot.site.count() };
    this.post(slot, { type: 'load', gen, spec, warm });
  }

  private post(slot: Slot, m: ToWorker): void {
    slot.worker.postMessage(m);
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (slot.dead) return;
    switch (m.type) {
      case 'started':
        if (this.spec) this.load1(slot, this.gen, this.spec, this.warm);
        return;
      case 'loaded':
        slot.loading = undefined;
        if (m.error) this.o.log.error({ err: m.error }, 'an isolate could not load the sources');
        for (const w of m.warnings) this.o.log.warn({ warning: w }, 'warming up an isolate');
        if (!m.error) slot.gen = m.gen;
        for (const w of this.loadedWaiters.splice(0)) w();
        this.pump();
        return;
      case 'outcome': {
        const job = slot.job;
        if (job?.id !== m.id) return;
        clearTimeout(slot.timer);
        slot.job = undefined;
        this.queue.finished(job);
        job.resolve(m.outcome);
        this.pump();
      }
    }
  }

  /** Gives waiting reviews to free workers: small reviews to the small-only workers first. */
  private pump(): void {
    const slots = [...this.slots].sort((a, b) => Number(a.takesLarge) - Number(b.takesLarge));
    for (const slot of slots) {
      while (!slot.dead && !slot.job && slot.gen >= 0) {
        const now = Date.now();
        const { take, expired } = this.queue.next(now, slot.takesLarge);
        for (const job of expired) this.expired(job);
        if (!take) break;
        clearTimeout(take.waitTimer);
        const left = take.deadlineAt - now;
        if (left <= 0) {
          this.queue.finished(take);
          this.expired(take);
          continue;
        }
        slot.job = take;
        this.post(slot, { type: 'review', id: take.id, mode: take.mode, text: take.text });
        slot.timer = setTimeout(() => this.stop(slot, 'deadline'), left);
      }
    }
  }

  private expired(job: Job): void {
    clearTimeout(job.waitTimer);
    job.resolve({
      kind: 'refused',
      code: 503,
      reason: 'ServiceUnavailable',
      message: `the review waited past its ${formatDuration(job.deadlineMs)} deadline for a free isolate; not evaluated`,
    });
  }

  private why(e: Error): Why {
    return (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'abort';
  }

  private where(site: SiteReader): string {
    const text = site.text();
    return text === undefined || text === 'idle' ? 'the review' : `evaluating ${text}`;
  }

  private failure(site: SiteReader, why: Why, detail?: string, deadlineMs = this.o.deadlineMs): string {
    const where = this.where(site);
    if (why === 'deadline') return `${where} ran past the ${formatDuration(deadlineMs)} deadline`;
    if (why === 'memory') return `${where} used more than ${this.o.memoryMb} MiB`;
    return `${where} ended the isolate (${detail ?? 'aborted'})`;
  }

  /** Stops a worker (deadline) or buries a dead one; denies its review; starts another. */
  private stop(slot: Slot, why: Why, detail?: string): void {
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    const job = slot.job;
    const source = slot.site.text();
    const reason = this.failure(slot.site, why, detail, job?.deadlineMs);
    if (why === 'deadline') void slot.worker.terminate();
    if (job) {
      this.queue.finished(job);
      const summary = slot.summary(job.id);
      job.resolve({
        kind: 'stopped',
        ...(summary ? { summary } : {}),
        ...(source && source !== 'idle' ? { source } : {}),
        code: why === 'deadline' ? 504 : 500,
        reason: why === 'deadline' ? 'Timeout' : 'InternalError',
        message: `${STOPPED} ${reason}`,
      });
    } else if (!this.closed) this.o.log.error({ reason }, 'an isolate stopped');
    if (this.closed) return;
    this.replaced++;
    this.spawn(slot.takesLarge);
    this.o.log.info({ why, replaced: this.replaced }, 'started an isolate in place of a stopped one');
  }
}
