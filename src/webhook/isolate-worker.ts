/**
 * An isolate worker (worker_threads) of the webhook: evaluates reviews with evaluate.ts against
 * the snapshot the main thread describes (snapshot-spec.ts). It marks where it is
 * (util/evaluation-site.ts) in shared memory, so that the main thread can name the source of a
 * review it had to stop. It has no I/O of its own beyond reading the sources' folders.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { ClustermintError, formatError } from '../util/errors.js';
import { setEvaluationSiteSink } from '../util/evaluation-site.js';
import { evaluateReview } from './evaluate.js';
import type { FromWorker, IsolateWorkerData, ToWorker } from './isolate-protocol.js';
import { siteWriter, summaryWriter } from './isolate-site.js';
import type { Snapshot } from './snapshot.js';
import { snapshotFromSpec } from './snapshot-spec.js';
import { warmUpSnapshot } from './sources.js';

const port = parentPort;
if (!port) throw new Error('isolate-worker.js runs as a worker thread');
const data = workerData as IsolateWorkerData;
const mark = siteWriter(data.site);
const writeSummary = summaryWriter(data.site);
setEvaluationSiteSink(mark);
if (data.lowPriority) lowerThreadPriority();

let snap: Snapshot | undefined;
const send = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'load') {
    mark('loading the sources');
    try {
      const next = snapshotFromSpec(m.spec);
      const warnings = m.warm
        ? warmUpSnapshot(next).failures.map((f) => `warming up ${f.chart}: ${f.err}`)
        : [];
      snap = next;
      send({ type: 'loaded', gen: m.gen, warnings });
    } catch (e) {
      send({
        type: 'loaded',
        gen: m.gen,
        warnings: [],
        error: e instanceof ClustermintError ? formatError(e) : (e as Error).message,
      });
    }
    mark('idle');
    return;
  }
  // the pool sends reviews only to a loaded worker
  if (!snap) throw new Error('a review before the sources were loaded');
  const outcome = evaluateReview(m.text, m.mode, snap, new Date(), (summary) => writeSummary(m.id, summary));
  send({ type: 'outcome', id: m.id, outcome });
  mark('idle');
});
send({ type: 'started' });

/**
 * Lowers this thread's CPU priority (nice 10), so that the large reviews it evaluates take what
 * CPU the ordinary reviews leave. On Linux a thread has a priority of its own: setpriority with
 * its thread id (/proc/thread-self) changes this thread alone. Raising it again would need
 * privileges, so a thread is low-priority for its whole life. Elsewhere: nothing (best effort).
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // no /proc (not Linux), or not allowed: the isolate runs at the process's priority
  }
}
