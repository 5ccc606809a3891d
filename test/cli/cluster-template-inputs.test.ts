/**
 * ClusterTemplate objects given with -f, offline: `render` and `check` render a ClusterDeployment
 * with the chart its namespace's ClusterTemplate resolves to (here a chart folder next to the
 * file: k0rdent's docker-hosted-cp, read in place, and a broken copy); an invalid template denies
 * its deployments in k0rdent's words; a misspelt template field is an error with its line.
 */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { SHARED, sharedAvailable } from '../helpers/shared.js';
import { tmpTree } from '../helpers/tmp.js';

const chartDir = join(SHARED, 'conformance', 'helm', 'k0rdent', 'charts', 'docker-hosted-cp');
const have = sharedAvailable('the ClusterTemplate input tests') && existsSync(chartDir);

const template = (name: string, chart: string, extra = '') => `apiVersion: clustermint.io/v1alpha1
kind: ClusterTemplate
metadata:
  name: ${name}
  namespace: team-a
spec:
  helm:
    chartSpec:
      chart: ${chart}
${extra}`;

const deployment = (name: string, template: string) => `apiVersion: clustermint.io/v1alpha1
kind: ClusterDeployment
metadata:
  name: ${name}
  namespace: team-a
spec:
  template: ${template}
  config:
    workersNumber: 2
`;

describe.skipIf(!have)('ClusterTemplates among the inputs', () => {
  it('render: the deployment renders with the chart its ClusterTemplate names (a folder beside the file)', async () => {
    const dir = tmpTree({});
    cpSync(chartDir, join(dir, 'charts', 'docker-hosted-cp'), { recursive: true });
    const file = join(dir, 'cluster.yaml');
    writeFileSync(
      file,
      `${template('docker', './charts/docker-hosted-cp')}---\n${deployment('dev', 'docker')}`,
    );
    const r = await run('render', '-f', file, '-o', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const objects = (Array.isArray(out) ? out : out.items) as Array<{
      kind: string;
      spec?: { replicas?: number };
    }>;
    expect(objects.map((o) => o.kind)).toContain('K0smotronControlPlane');
    expect(objects.find((o) => o.kind === 'MachineDeployment')?.spec?.replicas).toBe(2);
  });

  it('check: an invalid ClusterTemplate denies its deployments with its validation error', async () => {
    const dir = tmpTree({});
    const broken = join(dir, 'broken');
    cpSync(chartDir, broken, { recursive: true });
    writeFileSync(join(broken, 'templates', 'cluster.yaml'), 'kind: Cluster\nname: {{ .Values.x \n');
    const file = join(dir, 'cluster.yaml');
    writeFileSync(file, `${template('broken', './broken')}---\n${deployment('dev', 'broken')}`);
    const r = await run('check', '-f', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the ClusterTemplate team-a/broken is invalid with the error: ');
    expect(r.stdout).toMatch(/templates\/cluster\.yaml/);
  });

  it('a ClusterTemplate that does not match its schema is an error with its line', async () => {
    const file = join(tmpTree({}), 'cluster.yaml');
    writeFileSync(
      file,
      `${template('typo', 'docker-hosted-cp', '      versoin: 1.0.0\n')}---\n${deployment('dev', 'typo')}`,
    );
    const r = await run('render', '-f', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:10:`);
    expect(r.stderr).toContain('($.spec.helm.chartSpec.versoin): invalid ClusterTemplate: ');
  });

  it('a ClusterTemplate whose HelmRepository is not among the inputs: its deployments are denied', async () => {
    const file = join(tmpTree({}), 'cluster.yaml');
    writeFileSync(
      file,
      `${template('remote', 'docker-hosted-cp', '      sourceRef:\n        kind: HelmRepository\n        name: k0rdent\n')}---\n${deployment('dev', 'remote')}`,
    );
    const r = await run('check', '-f', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'the ClusterTemplate team-a/remote is invalid with the error: HelmRepository team-a/k0rdent not found',
    );
  });
});
