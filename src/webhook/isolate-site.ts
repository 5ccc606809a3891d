/**
 * The evaluation-site marker shared between an isolate worker and the main thread: a
 * SharedArrayBuffer holding the last mark (length-prefixed UTF-8, at most 512 bytes) and a count
 * of marks. The worker writes (util/evaluation-site.ts's sink); the main thread reads it when the
 * worker is stuck or dead, to name the source it was in.
 */

export const SITE_BYTES = 512;
const HEADER = 8; // Int32 length, Int32 count

export function newSiteBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER + SITE_BYTES);
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
