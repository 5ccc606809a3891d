import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runChart } from '../../../src/gate/chart-pipeline.js';
import { parseRenderedTemplate } from '../../../src/render/chart/parse-output.js';
import { renderChartText } from '../../../src/render/chart/render.js';
import { BUILTIN_TEMPLATES_DIR, TemplateCatalog } from '../../../src/resolve/catalog.js';
import { run } from '../../helpers/cli.js';

const GOLDEN = join(import.meta.dirname, '..', '..', 'fixtures', 'golden');
const charts = readdirSync(BUILTIN_TEMPLATES_DIR)
  .filter((n) => existsSync(join(BUILTIN_TEMPLATES_DIR, n, 'Chart.yaml')))
  .sort();
const catalog = new TemplateCatalog();

describe('built-in templates', () => {
  it('has the six templates the design names, capi-inmemory for the capi provider and adopted-cluster', () => {
    expect(charts).toEqual([
      'adopted-cluster',
      'aws-hosted-cp',
      'aws-standalone-cp',
      'capi-inmemory',
      'docker-hosted-cp',
      'hetzner-hosted-cp',
      'openstack-standalone-cp',
      'simulated-standalone-cp',
    ]);
  });

  it('lint is clean on templates/', async () => {
    const r = await run('lint', BUILTIN_TEMPLATES_DIR);
    expect(r.stdout).toMatch(/8 linted, 0 failed/);
    expect(r.code).toBe(0);
  });

  it('the simulated template renders a complete cluster with no values at all', () => {
    const chart = catalog.resolve('simulated-standalone-cp');
    const result = runChart({ chart, sources: [], release: { name: 'dev', namespace: 'default' } });
    expect(result.violations).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.documents.map((d) => d.object.kind).sort()).toEqual([
      'Cluster',
      'K0sControlPlane',
      'K0sWorkerConfigTemplate',
      'MachineDeployment',
      'SimulatedCluster',
      'SimulatedMachineTemplate',
      'SimulatedMachineTemplate',
    ]);
  });

  // Golden files: written and reviewed by a person, never by a test. To change one, render it with
  // `clustermint template NAME -f templates/NAME/ci/example-values.yaml --name demo --namespace team-a`,
  // read the diff, and commit it.
  describe.each(charts)('%s', (name) => {
    const chart = catalog.resolve(name);
    const ciFile = join(BUILTIN_TEMPLATES_DIR, name, 'ci', 'example-values.yaml');

    it('renders its example values to the golden output', async () => {
      const r = await run('template', name, '-f', ciFile, '--name', 'demo', '--namespace', 'team-a');
      expect(r.stderr.replace(/^warning:.*\n/gm, '')).toBe('');
      expect(r.code).toBe(0);
      const goldenFile = join(GOLDEN, `${name}.yaml`);
      if (!existsSync(goldenFile))
        throw new Error(`golden file missing: ${goldenFile} (see the comment above)`);
      expect(r.stdout).toBe(readFileSync(goldenFile, 'utf8'));
    });

    it('renders the same bytes twice (deterministic)', async () => {
      const a = await run('template', name, '-f', ciFile, '--name', 'demo');
      const b = await run('template', name, '-f', ciFile, '--name', 'demo');
      expect(a.stdout).toBe(b.stdout);
    });

    it('js-yaml (the fast path) and yaml agree on its rendered output', () => {
      const values = runChart({
        chart,
        sources: [{ label: ciFile, value: parseAllDocuments(readFileSync(ciFile, 'utf8'))[0].toJS() }],
        release: { name: 'demo', namespace: 'team-a' },
      }).values!;
      for (const t of renderChartText({ chart, values, release: { name: 'demo', namespace: 'team-a' } })) {
        const fast = parseRenderedTemplate(t.name, t.text).map((d) => JSON.parse(JSON.stringify(d.object)));
        const careful = parseAllDocuments(t.text, { schema: 'core', merge: true, uniqueKeys: true })
          .map((d) => d.toJS())
          .filter((v) => v !== null);
        expect(fast).toEqual(careful);
      }
    });
  });
});
