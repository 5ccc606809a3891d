/**
 * The Go references of the offline ClusterClass differential test:
 *
 * - clusterctl v1.10.10 (`CLUSTERCTL_BIN`, else the cached build of scripts/install-clusterctl.sh):
 *   `clusterctl alpha topology plan -f in.yaml -o out/` runs Cluster API's own topology engine
 *   (the Cluster and ClusterClass webhooks' defaulting and validation, the ClusterClass
 *   reconciler, then one reconcile of the topology controller against an in-memory client) and
 *   writes what it created to `out/created/<Kind>_<namespace>_<name>.yaml` and each modified object
 *   (the Cluster) to `out/modified/<Kind>_<namespace>_<name>.modified.yaml`, all in v1beta1. It
 *   takes at most one Cluster and one ClusterClass per run, so every case is one run.
 * - tools/capi-convert-ref (`CAPI_CONVERT_REF_BIN`, else the cached build of
 *   `scripts/install-go-ref.sh capi-convert-ref`): Cluster API v1.13.6's v1beta1 -> v1beta2
 *   conversions (ConvertTo), since clustermint renders v1beta2.
 *
 * Without them the test is skipped with the reason; under CI=true a missing one is a failure.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import type { PlainObject } from '../../../src/util/plain-object.js';
import { findGoReference } from '../../helpers/go-reference.js';

export function findClusterctl(): { bin?: string; reason?: string } {
  return findGoReference({
    envVar: 'CLUSTERCTL_BIN',
    install: ['scripts/install-clusterctl.sh'],
    what: 'the clusterctl differential test',
  });
}

export function findConverter(): { bin?: string; reason?: string } {
  return findGoReference({
    envVar: 'CAPI_CONVERT_REF_BIN',
    install: ['scripts/install-go-ref.sh', 'capi-convert-ref'],
    what: 'the clusterctl differential test',
  });
}

/** What one `clusterctl alpha topology plan` run produced: its objects, or its error. */
export type PlanResult = { objects: PlainObject[]; ms: number } | { error: string; ms: number };

const yamlDocs = (text: string): PlainObject[] =>
  (jsyaml.loadAll(text) as unknown[]).filter((d): d is PlainObject => d !== null && typeof d === 'object');

/** Runs clusterctl on the documents (one Cluster, one ClusterClass, its templates). */
export async function runPlan(bin: string, docs: readonly PlainObject[]): Promise<PlanResult> {
  const dir = mkdtempSync(join(tmpdir(), 'clustermint-plan-'));
  try {
    const input = join(dir, 'in.yaml');
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(input, docs.map((d) => JSON.stringify(d)).join('\n---\n'));
    const t0 = performance.now();
    // no kubeconfig: clusterctl then works on the input objects alone
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        bin,
        ['alpha', 'topology', 'plan', '-f', input, '-o', out],
        {
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: join(dir, 'no-kubeconfig') },
          timeout: 60_000,
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    const ms = performance.now() - t0;
    if (r.code !== 0) {
      const lines = `${r.stderr}\n${r.stdout}`.split('\n').filter((l) => l.startsWith('Error:'));
      return { error: lines.join('\n') || `exit ${r.code}: ${r.stderr}`, ms };
    }
    const objects: PlainObject[] = [];
    for (const sub of ['created', 'modified']) {
      let files: string[] = [];
      try {
        files = readdirSync(join(out, sub)).sort();
      } catch {
        continue;
      }
      for (const f of files)
        if (sub === 'created' || f.endsWith('.modified.yaml'))
          objects.push(...yamlDocs(readFileSync(join(out, sub, f), 'utf8')));
    }
    return { objects, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `runPlan` for every input, as many at a time as there are cores; results in order. */
export async function runPlans(bin: string, inputs: readonly PlainObject[][]): Promise<PlanResult[]> {
  const results: PlanResult[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      results[i] = await runPlan(bin, inputs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), inputs.length) }, worker));
  return results;
}

/**
 * Every document through the converter in one run: v1beta1 Cluster API objects come back as
 * v1beta2, others as they were; same order. A document it cannot convert comes back as
 * `{kind: 'ConversionError', error}`.
 */
export function convertToV1beta2(bin: string, docs: readonly PlainObject[]): PlainObject[] {
  if (docs.length === 0) return [];
  const r = spawnSync(bin, ['-errors-inline'], {
    input: docs.map((d) => JSON.stringify(d)).join('\n---\n'),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`capi-convert-ref failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as PlainObject[];
  if (out.length !== docs.length)
    throw new Error(`capi-convert-ref answered ${out.length} documents for ${docs.length}`);
  return out;
}
