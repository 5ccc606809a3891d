/** The messages between the isolate pool (main thread) and its workers. */
import type { AdmissionMode } from './admit.js';
import type { ReviewOutcome } from './evaluate.js';
import type { SnapshotSpec } from './snapshot-spec.js';

/** What the worker gets at start (workerData). */
export interface IsolateWorkerData {
  site: SharedArrayBuffer;
  /** Run this thread at a lower CPU priority (it evaluates the large reviews). */
  lowPriority?: boolean;
}

export type ToWorker =
  /** Build the snapshot of `spec`; with `warm`, run the warm-up (the probe, and workers of a set that passed it). */
  | { type: 'load'; gen: number; spec: SnapshotSpec; warm: boolean }
  | { type: 'review'; id: number; mode: AdmissionMode; text: string };

export type FromWorker =
  /** The module is loaded: it takes messages. */
  | { type: 'started' }
  | { type: 'loaded'; gen: number; warnings: string[]; error?: string }
  | { type: 'outcome'; id: number; outcome: ReviewOutcome };
