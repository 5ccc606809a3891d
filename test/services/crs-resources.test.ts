import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/k8s/object.js';
import { clusterResourceSetManifests } from '../../src/services/crs-resources.js';

const NS_YAML = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n';
const CM_JSON = '[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"apps"}}]';
// sha256 of NS_YAML + CM_JSON (the keys' sorted order), as `printf '%s%s' ... | sha256sum` gives it
const HASH_NS_THEN_CM = 'sha256:0bb302d5c93ccb6a83c528cbf7cf07677b0189c573da7c38cc33f6fb0f71e53d';

const metadata = (name: string) => ({
  name,
  namespace: 'default',
  uid: 'u',
  resourceVersion: '1',
  generation: 1,
  creationTimestamp: '2025-01-01T00:00:00Z',
});
const configMap = (name: string, data: unknown): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: metadata(name),
  data,
});
const secret = (
  name: string,
  data: Record<string, string>,
  type = 'addons.cluster.x-k8s.io/resource-set',
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: metadata(name),
  type,
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});

const ok = (r: ReturnType<typeof clusterResourceSetManifests>) => {
  if ('error' in r) throw new Error(`unexpected error: ${r.error.message}`);
  return r;
};
const err = (r: ReturnType<typeof clusterResourceSetManifests>) => {
  if (!('error' in r)) throw new Error('expected an error');
  return r.error;
};

describe('clusterResourceSetManifests', () => {
  it("reads keys in sorted order and hashes their values as Cluster API's computeHash does", () => {
    const r = ok(
      clusterResourceSetManifests(configMap('addons', { 'b.json': CM_JSON, 'a.yaml': NS_YAML }), {
        name: 'addons',
        kind: 'ConfigMap',
      }),
    );
    expect(r.objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual([
      'Namespace/apps',
      'ConfigMap/x',
    ]);
    expect(r.hash).toBe(HASH_NS_THEN_CM);
  });

  it('decodes a Secret (base64) to the same objects and the same hash', () => {
    const r = ok(
      clusterResourceSetManifests(secret('addons', { 'a.yaml': NS_YAML, 'b.json': CM_JSON }), {
        name: 'addons',
        kind: 'Secret',
      }),
    );
    expect(r.objects).toHaveLength(2);
    expect(r.hash).toBe(HASH_NS_THEN_CM);
  });

  it('hashes no data as the empty input', () => {
    const r = ok(clusterResourceSetManifests(configMap('empty', {}), { name: 'empty', kind: 'ConfigMap' }));
    expect(r).toEqual({
      objects: [],
      hash: 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
  });

  it("orders each key's documents for creation (stably), skipping empty documents", () => {
    const text = [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}',
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}',
      '',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}',
    ].join('\n---\n');
    const r = ok(
      clusterResourceSetManifests(configMap('m', { all: text }), { name: 'm', kind: 'ConfigMap' }),
    );
    expect(r.objects.map((o) => o.kind)).toEqual([
      'Namespace',
      'CustomResourceDefinition',
      'ServiceAccount',
      'Deployment',
      'Widget',
    ]);
  });

  const errors: [string, KubeObject | undefined, 'Secret' | 'ConfigMap', string, string][] = [
    ['a missing resource', undefined, 'ConfigMap', 'ResourceNotFound', 'ConfigMap "r" not found'],
    ['a resource of another kind', configMap('r', {}), 'Secret', 'ResourceNotFound', 'Secret "r" not found'],
    [
      'a Secret of another type',
      secret('r', { a: NS_YAML }, 'Opaque'),
      'Secret',
      'WrongSecretType',
      'Secret "r" has type "Opaque": a ClusterResourceSet reads only Secrets of type addons.cluster.x-k8s.io/resource-set',
    ],
    ['no data', configMap('r', undefined), 'ConfigMap', 'InvalidManifest', 'ConfigMap "r" has no data'],
    [
      'a value that is not base64',
      { ...secret('r', {}), data: { a: 'not base64!' } },
      'Secret',
      'InvalidManifest',
      'Secret "r", data key "a": the value is not base64',
    ],
    [
      'a document without kind, by line',
      configMap('r', { 'x.yaml': `${NS_YAML}---\napiVersion: v1\nmetadata:\n  name: y\n` }),
      'ConfigMap',
      'InvalidManifest',
      'ConfigMap "r", data key "x.yaml": the document at line 6 has no kind',
    ],
    [
      'a document without apiVersion',
      configMap('r', { k: 'kind: ConfigMap\nmetadata: {name: c}\n' }),
      'ConfigMap',
      'InvalidManifest',
      'ConfigMap "r", data key "k": the document at line 1 has no apiVersion',
    ],
    [
      'a document without a name',
      configMap('r', { k: 'apiVersion: v1\nkind: ConfigMap\n' }),
      'ConfigMap',
      'InvalidManifest',
      'ConfigMap "r", data key "k": the document at line 1 has no metadata.name',
    ],
    [
      'a document that is not a map',
      configMap('r', { k: '- a\n- b\n' }),
      'ConfigMap',
      'InvalidManifest',
      'ConfigMap "r", data key "k": the document at line 1 is not an object',
    ],
    [
      'a JSON list item without kind',
      configMap('r', { k: '[{"apiVersion":"v1","metadata":{"name":"a"}}]' }),
      'ConfigMap',
      'InvalidManifest',
      'ConfigMap "r", data key "k": list item 0 has no kind',
    ],
    [
      'a broken JSON list',
      configMap('r', { k: '[{"apiVersion":' }),
      'ConfigMap',
      'InvalidManifest',
      'ConfigMap "r", data key "k": not a JSON list of objects:',
    ],
    [
      'invalid YAML, with its line',
      configMap('r', { k: 'apiVersion: v1\nkind: [unclosed\n' }),
      'ConfigMap',
      'InvalidManifest',
      'ConfigMap "r", data key "k", line 3, column 1: invalid YAML: Flow sequence in block collection',
    ],
    [
      'an alias bomb',
      configMap('r', {
        k: [
          'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
          'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
          'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
          'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
          'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
          'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]',
          'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]',
        ].join('\n'),
      }),
      'ConfigMap',
      'InvalidManifest',
      'ConfigMap "r", data key "k": YAML aliases expand to over 1,000,000 nodes: refusing a possible alias bomb',
    ],
    [
      'deep YAML nesting',
      configMap('r', { k: `${'{a: '.repeat(400)}1${'}'.repeat(400)}` }),
      'ConfigMap',
      'InvalidManifest',
      'ConfigMap "r", data key "k", line 1, column 1018: YAML nesting is deeper than 256 levels',
    ],
    [
      'deep JSON nesting',
      configMap('r', { k: `[${'{"a":'.repeat(400)}1${'}'.repeat(400)}]` }),
      'ConfigMap',
      'InvalidManifest',
      'ConfigMap "r", data key "k": YAML nesting is deeper than 256 levels',
    ],
  ];
  it.each(errors)('reports %s', (_name, resource, kind, reason, message) => {
    const e = err(clusterResourceSetManifests(resource, { name: 'r', kind }));
    expect(e.reason).toBe(reason);
    expect(e.message).toContain(message);
  });
});
