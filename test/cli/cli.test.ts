import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../helpers/cli.js';
import { tmpChart, tmpTree } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'simulated-cluster.yaml');

describe('clustermint CLI', () => {
  it.each(['template', 'render', 'lint'])('%s --help explains the command and exits 0', async (cmd) => {
    const r = await run(cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Usage: clustermint ${cmd}`));
    expect(r.stdout).toMatch(/Options:/);
  });

  it('--help lists the commands; --version prints the version', async () => {
    const h = await run('--help');
    expect(h.code).toBe(0);
    for (const c of ['template', 'render', 'lint']) expect(h.stdout).toContain(c);
    const v = await run('--version');
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('template --list shows the built-ins', async () => {
    const r = await run('template', '--list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^aws-standalone-cp\t1\.0\.43\t/m);
    expect(r.stdout).toMatch(/^simulated-standalone-cp\t/m);
  });

  it('template -o json prints a kubectl List; --set and -f merge in order', async () => {
    const dir = tmpTree({ 'a.yaml': 'workersNumber: 4\n', 'b.yaml': 'workersNumber: 6\n' });
    const r = await run(
      'template',
      'simulated-standalone-cp',
      '-f',
      join(dir, 'a.yaml'),
      '-f',
      join(dir, 'b.yaml'),
      '--set',
      'controlPlaneNumber=3',
      '--name',
      'c1',
      '-o',
      'json',
    );
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.kind).toBe('List');
    const md = list.items.find((o: any) => o.kind === 'MachineDeployment');
    const cp = list.items.find((o: any) => o.kind === 'K0sControlPlane');
    expect(md.spec.replicas).toBe(6);
    expect(cp.spec.replicas).toBe(3);
    expect(md.metadata.name).toBe('c1-md');
  });

  it('template accepts k0rdent template object names', async () => {
    const r = await run(
      'template',
      'aws-standalone-cp-1-0-43',
      '-f',
      join(ROOT, 'templates/aws-standalone-cp/ci/example-values.yaml'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kind: AWSCluster');
  });

  it('render prints every object of every ClusterDeployment, named after it', async () => {
    const r = await run('render', '-f', EXAMPLE);
    expect(r.code).toBe(0);
    const docs = r.stdout
      .split(/^---$/m)
      .filter((d) => d.trim())
      .map((d) => parse(d));
    const cluster = docs.find((d) => d.kind === 'Cluster');
    expect(cluster.metadata.name).toBe('dev-1');
    expect(docs.find((d) => d.kind === 'MachineDeployment').spec.replicas).toBe(3);
  });

  it('render reports values errors at the line of spec.config in the submission', async () => {
    const dir = tmpTree({
      'cd.yaml': [
        'apiVersion: clustermint.io/v1alpha1',
        'kind: ClusterDeployment',
        'metadata: {name: bad, namespace: team-a}',
        'spec:',
        '  template: simulated-standalone-cp',
        '  config:',
        '    workersNumber: -2',
        '',
      ].join('\n'),
    });
    const r = await run('render', '-f', join(dir, 'cd.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/cd\.yaml:7:20 \(\$\.workersNumber\): must be >= 0/);
  });

  it('render rejects a malformed ClusterDeployment with its path', async () => {
    const dir = tmpTree({
      'cd.yaml':
        'apiVersion: clustermint.io/v1alpha1\nkind: ClusterDeployment\nmetadata: {name: x}\nspec:\n  template: a\n  confg: {}\n',
    });
    const r = await run('render', '-f', join(dir, 'cd.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cd\.yaml:6:3 \(\$\.spec\.confg\): unknown field spec\.confg/);
  });

  it('render uses charts from --templates over built-ins', async () => {
    const chart = tmpChart(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{Release.Name}}\ndata:\n  v: {{quote Values.name}}\n',
    );
    const dir = tmpTree({
      'cd.yaml':
        'apiVersion: clustermint.io/v1alpha1\nkind: ClusterDeployment\nmetadata: {name: own}\nspec:\n  template: demo\n  config: {name: mine}\n',
    });
    const r = await run('render', '-f', join(dir, 'cd.yaml'), '--templates', chart, '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).items[0]).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'own' },
      data: { v: 'mine' },
    });
  });

  it('lint reports a broken chart with every problem and exits 1; -o json is machine-readable', async () => {
    const chart = tmpChart('a: {{#if x}}\n', { 'templates/second.yaml.hbs': 'b: {{/each}}\n' });
    const r = await run('lint', chart, '-o', 'json');
    expect(r.code).toBe(1);
    const [report] = JSON.parse(r.stdout);
    expect(report.errors.map((e: any) => e.code)).toEqual(['TEMPLATE_SYNTAX', 'TEMPLATE_SYNTAX']);
    expect(report.errors[0].location.file).toMatch(/templates\/main\.yaml\.hbs$/);
  });

  it('lint checks submissions: template exists and values are valid', async () => {
    const dir = tmpTree({
      'ok.yaml':
        'apiVersion: clustermint.io/v1alpha1\nkind: ClusterDeployment\nmetadata: {name: a}\nspec: {template: simulated-standalone-cp}\n',
      'bad.yaml':
        'apiVersion: clustermint.io/v1alpha1\nkind: ClusterDeployment\nmetadata: {name: a}\nspec:\n  template: simulated-standalone-cp\n  config: {workersNumber: many}\n',
    });
    expect((await run('lint', join(dir, 'ok.yaml'))).code).toBe(0);
    const bad = await run('lint', join(dir, 'bad.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/bad\.yaml:6:27 \(\$\.workersNumber\): must be integer, got string "many"/);
  });

  it('lint --strict fails on warnings', async () => {
    const chart = tmpChart('apiVersion: example.com/v1\nkind: Unknown\nmetadata:\n  name: x\n');
    expect((await run('lint', chart)).code).toBe(0);
    expect((await run('lint', '--strict', chart)).code).toBe(1);
  });

  // The installed binary, end to end (needs `npm run build`, which .ci/run and `npm ci` do).
  it.skipIf(!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))(
    'the bin runs from a shell with the same exit codes',
    () => {
      const bin = join(ROOT, 'bin', 'clustermint.js');
      const ok = execFileSync(process.execPath, [bin, 'render', '-f', EXAMPLE], { encoding: 'utf8' });
      expect(ok).toContain('kind: Cluster');
      const bad = spawnSync(process.execPath, [bin, 'template', 'nope'], { encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/unknown template "nope"/);
      const usage = spawnSync(process.execPath, [bin, 'template', '-o', 'xml', 'aws-standalone-cp'], {
        encoding: 'utf8',
      });
      expect(usage.status).toBe(2);
    },
  );
});
