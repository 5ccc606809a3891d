/**
 * The evaluation-site marker shared between an isolate worker and the main thread: a
 * SharedArrayBuffer holding the last mark (length-prefixed UTF-8, at most 512 bytes) and a count
 * of marks. The worker writes (util/evaluation-site.ts's sink); the main thread reads it when the
 * worker is stuck or dead, to name the source it was in. After it, the summary of the review being
 * evaluated (its uid...), for the denial of a review whose worker dies: written there rather than
 * posted, so a review costs one message each way.
 */
import type { ReviewSummary } from './evaluate.js';

export const SITE_BYTES = 512;
const HEADER = 8; // Int32 length, Int32 count

/** The summary's place: Int32 job id (0: none), Int32 length, then JSON (clipped fields fit). */
const SUMMARY_AT = HEADER + SITE_BYTES;
export const SUMMARY_BYTES = 8192;

export function newSiteBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(SUMMARY_AT + HEADER + SUMMARY_BYTES);
}

/** The worker's sink: writes the text (cut at a character boundary), then its length. */
export function siteWriter(buffer: SharedArrayBuffer): (what: string) => void {
  const head = new Int32Array(buffer, 0, 2);
  const bytes = new Uint8Array(buffer, HEADER, SITE_BYTES);
  const encoder = new TextEncoder();
  return (what) => {
    const { written } = encoder.encodeInto(what, bytes);
    Atomics.store(head, 0, written);
    Atomics.add(head, 1, 1);
  };
}

export interface SiteReader {
  /** The last mark, or undefined before the first. */
  text(): string | undefined;
  /** How many marks so far (a count that stops moving: the worker is stuck in one source). */
  count(): number;
}

export function siteReader(buffer: SharedArrayBuffer): SiteReader {
  const head = new Int32Array(buffer, 0, 2);
  const bytes = new Uint8Array(buffer, HEADER, SITE_BYTES);
  const decoder = new TextDecoder();
  return {
    text: () => {
      const n = Math.min(Atomics.load(head, 0), SITE_BYTES);
      return Atomics.load(head, 1) === 0 ? undefined : decoder.decode(bytes.slice(0, n));
    },
    count: () => Atomics.load(head, 1),
  };
}

/** The worker's side: the summary of review `id`, which it is starting on. */
export function summaryWriter(buffer: SharedArrayBuffer): (id: number, summary: ReviewSummary) => void {
  const head = new Int32Array(buffer, SUMMARY_AT, 2);
  const bytes = new Uint8Array(buffer, SUMMARY_AT + HEADER, SUMMARY_BYTES);
  const encoder = new TextEncoder();
  return (id, summary) => {
    Atomics.store(head, 0, 0); // no id while the bytes change
    const text = JSON.stringify(summary);
    const { read, written } = encoder.encodeInto(text, bytes);
    if (read !== text.length) return; // too long (cannot be, with clipped fields): no summary
    Atomics.store(head, 1, written);
    Atomics.store(head, 0, id);
  };
}

/** The main thread's side: the summary of review `id`, if the worker got that far. */
export function summaryReader(buffer: SharedArrayBuffer): (id: number) => ReviewSummary | undefined {
  const head = new Int32Array(buffer, SUMMARY_AT, 2);
  const bytes = new Uint8Array(buffer, SUMMARY_AT + HEADER, SUMMARY_BYTES);
  const decoder = new TextDecoder();
  return (id) => {
    if (Atomics.load(head, 0) !== (id | 0)) return undefined;
    const n = Math.min(Atomics.load(head, 1), SUMMARY_BYTES);
    try {
      return JSON.parse(decoder.decode(bytes.slice(0, n))) as ReviewSummary;
    } catch {
      return undefined;
    }
  };
}
