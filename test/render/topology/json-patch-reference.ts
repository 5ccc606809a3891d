/**
 * The Go reference for JSON Patch (tools/jsonpatch-ref: evanphx/json-patch v5, as Cluster API
 * pins it): JSONPATCH_REF_BIN, else the cached build of `scripts/install-go-ref.sh jsonpatch-ref`,
 * else unavailable (with the reason); under CI=true a missing reference is a failure.
 */
import { execFileSync } from 'node:child_process';
import { findGoReference } from '../../helpers/go-reference.js';

export interface PatchCase {
  doc: unknown;
  patch: readonly { op: string; path: string; value?: unknown }[];
}

export type PatchResult = { doc: unknown } | { error: string };

export function findPatchReference(): { bin?: string; reason?: string } {
  return findGoReference({
    envVar: 'JSONPATCH_REF_BIN',
    install: ['scripts/install-go-ref.sh', 'jsonpatch-ref'],
    what: 'the JSON Patch differential test',
  });
}

/** One run of the reference over every case; results in the same order. */
export function runPatchReference(bin: string, cases: readonly PatchCase[]): PatchResult[] {
  const out = execFileSync(bin, [], { input: JSON.stringify(cases), maxBuffer: 256 * 1024 * 1024 });
  const results = JSON.parse(out.toString('utf8')) as PatchResult[];
  if (results.length !== cases.length)
    throw new Error(`jsonpatch-ref answered ${results.length} results for ${cases.length} cases`);
  return results;
}
