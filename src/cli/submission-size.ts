/**
 * The store keeps an object of at most MAX_OBJECT_BYTES of JSON (etcd's request limit). `apply`
 * refuses a larger document before the gate runs or anything is stored, at its line, instead of
 * failing at the store's write after the gate (and after the documents before it were stored).
 */
import { MAX_OBJECT_BYTES } from '../store/errors.js';
import { ClustermintError } from '../util/errors.js';
import { quote } from '../util/printable.js';
import { formatBytes } from '../util/read-text-file.js';
import type { SubmissionFile } from './inputs.js';

export function refuseOversizedDocuments(files: readonly SubmissionFile[]): void {
  for (const f of files)
    for (const d of f.docs) {
      if (d.value === null || typeof d.value !== 'object') continue;
      const json = JSON.stringify(d.value);
      // UTF-8 takes at most 3 bytes per UTF-16 unit: count bytes only for a text that may be over
      const bytes = json.length > MAX_OBJECT_BYTES / 3 ? Buffer.byteLength(json) : 0;
      if (bytes <= MAX_OBJECT_BYTES) continue;
      const v = d.value as Record<string, unknown>;
      const meta = (v.metadata ?? {}) as Record<string, unknown>;
      const what = `${typeof v.kind === 'string' ? quote(v.kind, 63) : 'a document'}${meta.name !== undefined ? ` ${quote(meta.name, 63)}` : ''}`;
      throw new ClustermintError(
        'TOO_LARGE',
        `${what} is ${formatBytes(bytes)} as JSON, over the ${formatBytes(MAX_OBJECT_BYTES)} an object may have (etcd's limit); nothing was applied`,
        { file: f.file, line: d.locate([])?.line },
      );
    }
}
