// The values stage's rule config-unknown-keys (src/gate/config-keys.ts) on the built-in templates
// and k0rdent's charts: a typo is denied with its path; what the charts know, free-form maps and
// the keys the controller injects stay allowed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Chart } from '../../src/api/chart.js';
import { readClusterDeployment } from '../../src/api/cluster-deployment.js';
import { configKeyViolations, MAX_SUGGESTED_KEYS, unknownConfigKeys } from '../../src/gate/config-keys.js';
import { runGate } from '../../src/gate/index.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { loadChart } from '../../src/resolve/load-chart.js';
import { formatPath } from '../../src/util/json-path.js';
import { parseYamlSource } from '../../src/util/yaml-source.js';

const ROOT = join(import.meta.dirname, '../..');
const K0RDENT = join(ROOT, '../shared/conformance/helm/k0rdent/charts');
const catalog = new TemplateCatalog();

const unknown = (chart: Chart, config: Record<string, unknown>) =>
  unknownConfigKeys(chart, config).map((u) => formatPath(u.path));

/** A handlebars-free chart built in memory: only values.yaml and the schema matter here. */
function chartOf(valuesYaml: string, schema?: object): Chart {
  const [doc] = parseYamlSource(valuesYaml, 'values.yaml');
  return {
    dir: 'mem',
    metadata: { name: 'mem', version: '0.1.0', annotations: {} },
    values: { file: 'values.yaml', doc: doc! },
    schema,
    schemaFile: 'values.schema.json',
    templates: [],
    ciValues: [],
    providers: [],
    providerContracts: {},
  };
}

describe('config-unknown-keys: the rule', () => {
  const chart = chartOf(
    [
      'replicas: 1',
      'labels: {}',
      'nested:',
      '  known: 1',
      '  inner:',
      '    deep: true',
      'free:',
      'listed:',
      '  - name: a',
    ].join('\n'),
    {
      type: 'object',
      properties: {
        onlyInSchema: { type: 'string' },
        open: { type: 'object', additionalProperties: { type: 'string' } },
        patterned: { type: 'object', patternProperties: { '^x-': { type: 'string' } } },
        closedEmpty: { type: 'object', properties: { a: { type: 'string' } } },
        viaRef: { $ref: '#/$defs/thing' },
        combined: { allOf: [{ properties: { one: {} } }, { properties: { two: {} } }] },
        listed: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
      $defs: { thing: { type: 'object', properties: { size: { type: 'integer' } } } },
    },
  );
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['a key of values.yaml', { replicas: 3 }, []],
    ['a key only in the schema', { onlyInSchema: 'x' }, []],
    ['a typo at the top', { replicaz: 3 }, ['$.replicaz']],
    [
      'a typo at depth',
      { nested: { known: 2, inner: { deep: false, deeep: true } } },
      ['$.nested.inner.deeep'],
    ],
    ['under a map whose default is {}', { labels: { anything: 'x' } }, []],
    ['under a default of null with no schema (free-form)', { free: { whatever: { goes: 1 } } }, []],
    ['under additionalProperties', { open: { any: 'x' } }, []],
    ['under patternProperties', { patterned: { 'x-a': 'x', other: 'y' } }, []],
    ['schema properties without a default', { closedEmpty: { a: 'x', b: 'y' } }, ['$.closedEmpty.b']],
    ['through a $ref', { viaRef: { size: 1, colour: 'red' } }, ['$.viaRef.colour']],
    ['through allOf', { combined: { one: 1, two: 2, three: 3 } }, ['$.combined.three']],
    ['inside list items', { listed: [{ name: 'a' }, { name: 'b', nmae: 'c' }] }, ['$.listed[1].nmae']],
    [
      'the injected keys',
      { clusterIdentity: { name: 'x' }, global: { a: 1 }, clusterLabels: { a: 'b' } },
      [],
    ],
    ['several, in order', { zz: 1, replicas: 1, aa: 2 }, ['$.zz', '$.aa']],
  ];
  it.each(cases)('%s', (_name, config, expected) => {
    expect(unknown(chart, config)).toEqual(expected);
  });

  it('suggests the closest known key and names the chart, with the spec path', () => {
    const [v, ...rest] = configKeyViolations(chart, { replicaz: 3 }, () => undefined);
    expect(rest).toEqual([]);
    expect(v).toMatchObject({
      stage: 'values',
      severity: 'error',
      code: 'UNKNOWN_CONFIG_KEY',
      rule: 'config-unknown-keys',
      path: '$.spec.config.replicaz',
    });
    expect(v!.message).toBe(
      'unknown key "replicaz": the chart mem has no such value (neither in values.yaml nor in values.schema.json); did you mean "replicas"?',
    );
  });

  it('suggests for the first MAX_SUGGESTED_KEYS unknown keys only (a generated map is not a typo)', () => {
    const config: Record<string, unknown> = {};
    for (let i = 0; i <= MAX_SUGGESTED_KEYS; i++) config[`k${i}`] = i;
    config.replicaz = 3;
    const found = unknownConfigKeys(chart, config);
    expect(found).toHaveLength(MAX_SUGGESTED_KEYS + 2);
    expect(found.at(-1)).toEqual({ path: ['replicaz'], key: 'replicaz' });
    expect(unknownConfigKeys(chart, { k0: 0, replicaz: 3 })[1].suggestion).toBe('replicas');
  });

  it('treats a remote $ref as free-form', () => {
    const c = chartOf('a: 1', { properties: { a: {}, ext: { $ref: 'https://example.com/s.json' } } });
    expect(unknown(c, { ext: { anything: 1 } })).toEqual([]);
  });

  it("a Helm chart's subcharts (dependencies' alias or name, charts/ folders and archives) own their keys", () => {
    const enc = new TextEncoder();
    const c: Chart = {
      ...chartOf('a: 1'),
      helm: {
        files: [
          {
            name: 'Chart.yaml',
            data: enc.encode(
              'name: p\nversion: 1.0.0\ndependencies:\n- name: redis\n  alias: cache\n- name: pg\n',
            ),
          },
          { name: 'charts/local/Chart.yaml', data: enc.encode('name: local\nversion: 0.1.0\n') },
          { name: 'charts/packed-1.2.3.tgz', data: new Uint8Array() },
        ],
      },
    };
    expect(unknown(c, { cache: { x: 1 }, pg: {}, local: { y: 2 }, packed: {}, redis: {} })).toEqual([
      '$.redis',
    ]);
  });

  it('without values.yaml nor schema, everything is free-form', () => {
    const c = chartOf('{}');
    expect(unknown(c, { a: { b: 1 } })).toEqual([]);
  });
});

describe('config-unknown-keys: the built-in templates', () => {
  const names = readdirSync(join(ROOT, 'templates')).filter((n) => n !== 'clusterclasses');
  it.each(names)('%s: its own values.yaml and ci values are allowed, a typo is not', (name) => {
    const chart = catalog.resolve(name);
    expect(unknown(chart, chart.values!.doc.value as Record<string, unknown>)).toEqual([]);
    for (const ci of chart.ciValues)
      expect(unknown(chart, ci.doc.value as Record<string, unknown>)).toEqual([]);
    expect(unknown(chart, { workersNumbr: 1 })).toEqual(['$.workersNumbr']);
  });

  it('denies a typo in a ClusterDeployment with its path and line', () => {
    const text = [
      'apiVersion: clustermint.io/v1alpha1',
      'kind: ClusterDeployment',
      'metadata: {name: c1, namespace: team-a}',
      'spec:',
      '  template: aws-standalone-cp',
      '  config:',
      '    region: eu-west-1',
      '    controlPlaneNumbr: 3',
      '    worker:',
      '      instanceTyp: m5.large',
    ].join('\n');
    const [doc] = parseYamlSource(text, 'cd.yaml');
    const cd = readClusterDeployment('cd.yaml', doc!);
    const verdict = runGate({ deployment: cd, resolveTemplate: (n) => catalog.resolve(n), policies: [] });
    const found = verdict.violations.filter((v) => v.code === 'UNKNOWN_CONFIG_KEY');
    expect(found.map((v) => [v.path, v.location?.file, v.location?.line])).toEqual([
      ['$.spec.config.controlPlaneNumbr', 'cd.yaml', 8],
      ['$.spec.config.worker.instanceTyp', 'cd.yaml', 10],
    ]);
    expect(found[0]!.message).toContain('did you mean "controlPlaneNumber"?');
    expect(verdict.allowed).toBe(false);
  });
});

describe('config-unknown-keys: the examples', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? e.name === 'charts'
          ? []
          : files(join(dir, e.name))
        : e.name.endsWith('.yaml')
          ? [join(dir, e.name)]
          : [],
    );
  const deployments = files(join(ROOT, 'examples')).flatMap((file) =>
    parseYamlSource(readFileSync(file, 'utf8'), file)
      .filter((d) => (d.value as { kind?: string } | null)?.kind === 'ClusterDeployment')
      .map((d) => [file.slice(ROOT.length + 1), readClusterDeployment(file, d)] as const),
  );
  it('has ClusterDeployments to check', () => expect(deployments.length).toBeGreaterThanOrEqual(5));
  it.each(deployments)('%s: every config key is known', (_file, cd) => {
    expect(unknown(catalog.resolve(cd.spec.template), cd.spec.config)).toEqual([]);
  });
});

describe("config-unknown-keys: k0rdent's charts", () => {
  it('checks inside clusterIdentity: the injected fields are allowed, a typo is not', () => {
    const chart = loadChart(join(K0RDENT, 'azure-standalone-cp'));
    const id = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
      kind: 'AzureClusterIdentity',
      name: 'a',
      namespace: 'n',
    };
    expect(unknown(chart, { clusterIdentity: id })).toEqual([]);
    expect(unknown(chart, { clusterIdentity: { ...id, nmae: 'b' } })).toEqual(['$.clusterIdentity.nmae']);
  });

  const names = readdirSync(K0RDENT);
  it.each(names)('%s: its values.yaml is allowed, a typo is not', (name) => {
    const chart = loadChart(join(K0RDENT, name));
    expect(unknown(chart, chart.values!.doc.value as Record<string, unknown>)).toEqual([]);
    expect(unknown(chart, { controlPlaneNumbr: 3, clusterIdentity: { name: 'x', kind: 'Secret' } })).toEqual([
      '$.controlPlaneNumbr',
    ]);
  });
});
