/**
 * The Go reference for JSON Patch (tools/jsonpatch-ref: evanphx/json-patch v5, as Cluster API
 * pins it): JSONPATCH_REF_BIN, else built with `scripts/install-go-ref.sh jsonpatch-ref` when Go
 * is installed, else unavailable (with the reason); under CI=true a missing reference is a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface PatchCase {
  doc: unknown;
  patch: readonly { op: string; path: string; value?: unknown }[];
}

export type PatchResult = { doc: unknown } | { error: string };

function unavailable(reason: string): { reason: string } {
  if (process.env.CI === 'true') throw new Error(`JSON Patch differential test: ${reason}`);
  return { reason };
}

export function findPatchReference(): { bin?: string; reason?: string } {
  const fromEnv = process.env.JSONPATCH_REF_BIN;
  if (fromEnv) return { bin: fromEnv };
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) return unavailable('Go is not installed and JSONPATCH_REF_BIN is not set');
  const r = spawnSync(join(ROOT, 'scripts', 'install-go-ref.sh'), ['jsonpatch-ref'], { encoding: 'utf8' });
  if (r.status !== 0) {
    const tail = r.stderr.trim().split('\n').slice(-3).join(' / ');
    return unavailable(`scripts/install-go-ref.sh jsonpatch-ref failed: ${tail}`);
  }
  return { bin: r.stdout.trim().split('\n').pop()! };
}

/** One run of the reference over every case; results in the same order. */
export function runPatchReference(bin: string, cases: readonly PatchCase[]): PatchResult[] {
  const out = execFileSync(bin, [], { input: JSON.stringify(cases), maxBuffer: 256 * 1024 * 1024 });
  const results = JSON.parse(out.toString('utf8')) as PatchResult[];
  if (results.length !== cases.length)
    throw new Error(`jsonpatch-ref answered ${results.length} results for ${cases.length} cases`);
  return results;
}
