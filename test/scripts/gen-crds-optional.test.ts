// scripts/gen-crds.js --check covers deploy/crds/optional/ (Cluster API's and Sveltos' kinds) as it
// covers deploy/crds/: a hand-edited or stray file there is named.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const GENERATOR = join(ROOT, 'scripts', 'gen-crds.js');
const generator = (...args: string[]) =>
  spawnSync(process.execPath, [GENERATOR, ...args], { encoding: 'utf8' });

describe('gen-crds --check and deploy/crds/optional', () => {
  it('the committed optional CRDs are the generator output', () => {
    const r = generator('--check');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('names an edited optional CRD and a stray file in optional/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clustermint-crds-'));
    cpSync(join(ROOT, 'deploy', 'crds'), dir, { recursive: true });
    const file = join(dir, 'optional', 'addons.cluster.x-k8s.io_clusterresourcesets.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('ApplyOnce', 'ApplyTwice'));
    writeFileSync(join(dir, 'optional', 'extra.yaml'), 'kind: ConfigMap\n');
    const r = generator('--check', '--out', dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'optional/addons.cluster.x-k8s.io_clusterresourcesets.yaml, optional/extra.yaml (not generated)',
    );
  });

  it('writes them under optional/ with --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clustermint-crds-'));
    const r = generator('--out', dir);
    expect(r.status).toBe(0);
    expect(generator('--check', '--out', dir).status).toBe(0);
    expect(
      readFileSync(join(dir, 'optional', 'lib.projectsveltos.io_sveltosclusters.yaml'), 'utf8'),
    ).toContain('kind: SveltosCluster');
  });
});
