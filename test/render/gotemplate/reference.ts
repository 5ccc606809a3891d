/**
 * The Go reference (tools/gotemplate-ref): GOTEMPLATE_REF_BIN, else the cached build of
 * scripts/install-gotemplate-ref.sh, else unavailable (with the reason); under CI=true a missing
 * reference is a failure.
 */
import { execFileSync } from 'node:child_process';
import { findGoReference } from '../../helpers/go-reference.js';
import type { Case } from './corpus.js';

export type RefResult = { output: string } | { error: string };

export function findReference(): { bin?: string; reason?: string } {
  return findGoReference({
    envVar: 'GOTEMPLATE_REF_BIN',
    install: ['scripts/install-gotemplate-ref.sh'],
    what: 'the Go text/template differential test',
  });
}

export function runReference(bin: string, cases: readonly Case[]): RefResult[] {
  const out = execFileSync(bin, [], { input: JSON.stringify(cases), maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8')) as RefResult[];
}
