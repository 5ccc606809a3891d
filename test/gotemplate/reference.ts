/**
 * The Go reference (tools/gotemplate-ref): GOTEMPLATE_REF_BIN, else built with
 * scripts/install-gotemplate-ref.sh when Go is installed, else unavailable (with the reason);
 * under CI=true a missing reference is a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Case } from './corpus.js';

const ROOT = join(import.meta.dirname, '..', '..');

export type RefResult = { output: string } | { error: string };

export function findReference(): { bin?: string; reason?: string } {
  const fromEnv = process.env.GOTEMPLATE_REF_BIN;
  if (fromEnv) return { bin: fromEnv };
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    const reason = 'Go is not installed and GOTEMPLATE_REF_BIN is not set';
    if (process.env.CI === 'true') throw new Error(`gotemplate differential test: ${reason}`);
    return { reason };
  }
  const r = spawnSync(join(ROOT, 'scripts', 'install-gotemplate-ref.sh'), [], { encoding: 'utf8' });
  if (r.status !== 0) {
    const reason = `scripts/install-gotemplate-ref.sh failed: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`;
    if (process.env.CI === 'true') throw new Error(`gotemplate differential test: ${reason}`);
    return { reason };
  }
  return { bin: r.stdout.trim().split('\n').pop()! };
}

export function runReference(bin: string, cases: readonly Case[]): RefResult[] {
  const out = execFileSync(bin, [], { input: JSON.stringify(cases), maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8')) as RefResult[];
}
