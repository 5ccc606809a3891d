/**
 * `clustermint apply -f` stores the add-on kinds (ServiceTemplate, MultiClusterService,
 * ClusterResourceSet, ConfigMaps and Secrets) in the embedded state, each checked first: a bad
 * document is an error with its file, line, column and path, and nothing of the run is stored.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { run } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples', 'services');

async function stored(state: string, apiVersion: string, kind: string) {
  const store = openSqliteStore(state);
  try {
    return (await store.list({ apiVersion, kind })).items;
  } finally {
    await store.close();
  }
}

describe('apply -f examples/services/', () => {
  it('stores every object of the examples, and says so per object', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'cm-svc-')), 'state.db');
    const r = await run('apply', '-f', EXAMPLES, '--state', state, '--no-wait');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'configmap/baseline-policies created',
      'servicetemplate/baseline-policies-1-0-0 created',
      'servicetemplate/hello-1-0-0 created',
      'helmrepository/ingress-nginx created',
      'servicetemplate/ingress-nginx-4-11-3 created',
      'configmap/hello-values created',
      'multiclusterservice/dev-web created',
      'configmap/cluster-info created',
      'secret/registry-credentials created',
      'clusterresourceset/team-a-basics created',
      'secret/edge-1-kubeconfig created',
      'clusterdeployment.clustermint.io/edge-1 created',
      'not waiting: run `clustermint controller` to reconcile',
    ]);

    const templates = await stored(state, 'clustermint.io/v1alpha1', 'ServiceTemplate');
    expect(templates.map((t) => `${t.metadata.namespace}/${t.metadata.name}`)).toEqual([
      'clustermint-system/hello-1-0-0',
      'team-a/baseline-policies-1-0-0',
      'team-a/ingress-nginx-4-11-3',
    ]);
    expect(templates[1].spec).toEqual({
      version: '1.0.0',
      k8sConstraint: '>=1.30.0',
      resources: { localSourceRef: { kind: 'ConfigMap', name: 'baseline-policies' } },
    });
    const [mcs] = await stored(state, 'clustermint.io/v1alpha1', 'MultiClusterService');
    expect(mcs.metadata.namespace).toBeUndefined();
    expect((mcs.spec as { clusterSelector: unknown }).clusterSelector).toEqual({
      matchLabels: { env: 'dev' },
    });
    const [crs] = await stored(state, 'addons.cluster.x-k8s.io/v1beta2', 'ClusterResourceSet');
    expect(crs.spec).toEqual({
      clusterSelector: { matchLabels: { env: 'dev' } },
      strategy: 'ApplyOnce',
      resources: [
        { kind: 'ConfigMap', name: 'cluster-info' },
        { kind: 'Secret', name: 'registry-credentials' },
      ],
    });
    // Secrets as the apiserver keeps them: stringData folded into base64 data
    const secrets = await stored(state, 'v1', 'Secret');
    const kubeconfig = secrets.find((s) => s.metadata.name === 'edge-1-kubeconfig')!;
    expect(kubeconfig.stringData).toBeUndefined();
    expect(Buffer.from((kubeconfig.data as { value: string }).value, 'base64').toString()).toMatch(
      /^apiVersion: v1\nkind: Config\n/,
    );
    expect(secrets.find((s) => s.metadata.name === 'registry-credentials')!.type).toBe(
      'addons.cluster.x-k8s.io/resource-set',
    );
    const configMaps = await stored(state, 'v1', 'ConfigMap');
    expect(configMaps.map((c) => c.metadata.name)).toEqual(
      expect.arrayContaining(['baseline-policies', 'cluster-info', 'hello-values']),
    );
    const [cd] = await stored(state, 'clustermint.io/v1alpha1', 'ClusterDeployment');
    expect((cd.spec as { serviceSpec: unknown }).serviceSpec).toEqual({
      services: [{ name: 'baseline', template: 'baseline-policies-1-0-0' }],
    });

    // again: nothing changed
    const again = await run('apply', '-f', EXAMPLES, '--state', state, '--no-wait');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('servicetemplate/baseline-policies-1-0-0 unchanged');
    expect(again.stdout).toContain('multiclusterservice/dev-web unchanged');
  });

  it('a bad document is an error at its line and path, and nothing of the run is stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-svc-bad-'));
    const state = join(dir, 'state.db');
    writeFileSync(
      join(dir, 'a.yaml'),
      `apiVersion: v1
kind: ConfigMap
metadata: {name: fine, namespace: team-a}
data: {a: b}
---
apiVersion: clustermint.io/v1alpha1
kind: MultiClusterService
metadata:
  name: broken
spec:
  serviceSpec:
    services:
      - name: ok
        template: t
      - name: Bad_Name
        template: t
    syncMode: Sometimes
`,
    );
    const r = await run('apply', '-f', join(dir, 'a.yaml'), '--state', state, '--no-wait');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `${join(dir, 'a.yaml')}:15:15 ($.spec.serviceSpec.services[1].name): invalid MultiClusterService: name "Bad_Name" is not a DNS-1123 label`,
    );
    expect(r.stderr).toContain(
      `${join(dir, 'a.yaml')}:17:15 ($.spec.serviceSpec.syncMode) unknown syncMode "Sometimes"`,
    );
    expect(await stored(state, 'v1', 'ConfigMap').catch(() => [])).toEqual([]);
  });

  it('a ServiceTemplate with both helm and resources: k0rdent’s words, at spec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-svc-bad-'));
    writeFileSync(
      join(dir, 't.yaml'),
      `apiVersion: k0rdent.mirantis.com/v1beta1
kind: ServiceTemplate
metadata: {name: both}
spec:
  helm: {chartRef: {kind: HelmChart, name: c}}
  resources: {localSourceRef: {kind: ConfigMap, name: m}}
`,
    );
    const r = await run('apply', '-f', join(dir, 't.yaml'), '--state', join(dir, 's.db'), '--no-wait');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'invalid ServiceTemplate: Helm, Kustomize and Resources are mutually exclusive',
    );
    expect(r.stderr).toContain(`${join(dir, 't.yaml')}:5:3 ($.spec)`);
  });

  it('a schema problem the reader leaves to the schema is located too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-svc-bad-'));
    writeFileSync(
      join(dir, 'cm.yaml'),
      `apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data:
  count: 3
`,
    );
    const r = await run('apply', '-f', join(dir, 'cm.yaml'), '--state', join(dir, 's.db'), '--no-wait');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cm\.yaml:5:10 \(\$\.data\.count\): invalid ConfigMap: .*string/);
  });
});
