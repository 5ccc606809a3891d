/**
 * `clustermint get` for the service kinds (multiclusterservices / mcs, servicetemplates,
 * clusterresourcesets), the SERVICES column of `get cd`, and describe's Services section, read
 * from an embedded state prepared as the services reconciler leaves it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import type { KubeObject, NewObject } from '../../src/store/types.js';
import { run } from '../helpers/cli.js';

const CM = 'clustermint.io/v1alpha1';
const T = '2026-01-02T03:04:05Z';
let state: string;

/** A table's rows as cells, the AGE column (last) dropped. */
const rows = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => l.split(/ {3,}/).slice(0, -1));

async function withStatus(
  store: ReturnType<typeof openSqliteStore>,
  obj: NewObject,
  status: unknown,
): Promise<KubeObject> {
  const created = await store.create(obj);
  return store.updateStatus({ ...created, status } as KubeObject);
}

afterAll(() => {
  rmSync(dirname(state), { recursive: true, force: true });
});

beforeAll(async () => {
  state = join(mkdtempSync(join(tmpdir(), 'cm-get-svc-')), 'state.db');
  const store = openSqliteStore(state);
  try {
    await withStatus(
      store,
      {
        apiVersion: CM,
        kind: 'MultiClusterService',
        metadata: { name: 'dev-web' },
        spec: {
          clusterSelector: { matchLabels: { env: 'dev' } },
          serviceSpec: {
            services: [
              { name: 'hello', namespace: 'web', template: 'hello-1-0-0' },
              { name: 'base', template: 'base-1-0-0' },
            ],
          },
        },
      },
      {
        conditions: [
          { type: 'ClusterInReadyState', status: 'False', reason: 'ClustersNotReady', message: '1/2' },
        ],
      },
    );
    await store.create({
      apiVersion: CM,
      kind: 'MultiClusterService',
      metadata: { name: 'fresh' },
      spec: { clusterSelector: { matchLabels: { env: 'none' } }, serviceSpec: {} },
    });
    await store.create({
      apiVersion: CM,
      kind: 'ServiceTemplate',
      metadata: { name: 'hello-1-0-0', namespace: 'clustermint-system' },
      spec: { helm: { chartSpec: { chart: 'hello', version: '1.0.0' } }, k8sConstraint: '>=1.28.0' },
    });
    await store.create({
      apiVersion: CM,
      kind: 'ServiceTemplate',
      metadata: { name: 'base-1-0-0', namespace: 'team-a' },
      spec: { resources: { localSourceRef: { kind: 'ConfigMap', name: 'base' } } },
    });
    await withStatus(
      store,
      {
        apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
        kind: 'ClusterResourceSet',
        metadata: { name: 'basics', namespace: 'team-a' },
        spec: {
          clusterSelector: { matchLabels: { env: 'dev' } },
          resources: [{ kind: 'ConfigMap', name: 'x' }],
        },
      },
      { conditions: [{ type: 'ResourcesApplied', status: 'True', reason: 'Applied', message: 'ok' }] },
    );
    await store.create({
      apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
      kind: 'ClusterResourceSet',
      metadata: { name: 'later', namespace: 'team-b' },
      spec: { strategy: 'Reconcile', clusterSelector: {}, resources: [] },
    });
    await withStatus(
      store,
      {
        apiVersion: CM,
        kind: 'ClusterDeployment',
        metadata: { name: 'edge-1', namespace: 'team-a', labels: { env: 'dev' } },
        spec: { template: 'adopted-cluster', config: { clusterIdentity: { name: 'edge-1-kubeconfig' } } },
      },
      {
        phase: 'Ready',
        k8sVersion: 'v1.33.1',
        conditions: [
          { type: 'Ready', status: 'True', reason: 'ClusterReachable', message: 'answers' },
          { type: 'ServicesInReadyState', status: 'False', reason: 'ServicesNotReady', message: '1/2' },
        ],
        services: [
          {
            name: 'base',
            namespace: 'default',
            template: 'base-1-0-0',
            owner: 'MultiClusterService/dev-web',
            state: 'Deployed',
            reason: 'Deployed',
            message: '2 objects ready (template base-1-0-0)',
            lastStateTransitionTime: T,
            drift: ['ConfigMap default/settings: data.tier changed'],
          },
          {
            name: 'hello',
            namespace: 'web',
            template: 'hello-1-0-0',
            owner: 'MultiClusterService/dev-web',
            state: 'Failed',
            reason: 'PolicyDenied',
            message: 'services/one-replica: team-a runs one replica per service',
            lastStateTransitionTime: T,
          },
        ],
      },
    );
    await store.create({
      apiVersion: CM,
      kind: 'ClusterDeployment',
      metadata: { name: 'plain', namespace: 'team-b' },
      spec: { template: 'simulated-standalone-cp' },
    });
  } finally {
    await store.close();
  }
});

describe('get for the service kinds', () => {
  it('get mcs: CLUSTERS is ClusterInReadyState, SERVICES the number of services', async () => {
    const r = await run('get', 'mcs', '--state', state);
    expect(r.code).toBe(0);
    expect(rows(r.stdout)).toEqual([
      ['NAME', 'CLUSTERS', 'SERVICES'],
      ['dev-web', '1/2', '2'],
      ['fresh', '-', '0'],
    ]);
    expect(r.stdout.split('\n')[0]).toMatch(/AGE$/);
  });

  it('get mcs NAME finds the cluster-scoped object, with or without -n', async () => {
    for (const extra of [[], ['-n', 'team-a']]) {
      const r = await run('get', 'multiclusterservice', 'dev-web', '--state', state, ...extra);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(rows(r.stdout)).toEqual([
        ['NAME', 'CLUSTERS', 'SERVICES'],
        ['dev-web', '1/2', '2'],
      ]);
    }
    const yaml = await run('get', 'mcs', 'dev-web', '-o', 'yaml', '--state', state);
    expect(yaml.stdout).toMatch(/^kind: MultiClusterService$/m);
    expect(yaml.stdout).toContain('message: 1/2');
    const all = await run('get', 'mcs', '-n', 'team-a', '--state', state);
    expect(rows(all.stdout).map((r) => r[0])).toEqual(['NAME', 'dev-web', 'fresh']);
    const missing = await run('get', 'mcs', 'nope', '--state', state);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: MultiClusterService "nope" not found\n');
  });

  it('get servicetemplates: namespace, kind of source, k8sConstraint', async () => {
    const r = await run('get', 'servicetemplates', '--state', state);
    expect(r.code).toBe(0);
    expect(rows(r.stdout)).toEqual([
      ['NAMESPACE', 'NAME', 'KIND', 'K8SCONSTRAINT'],
      ['clustermint-system', 'hello-1-0-0', 'helm', '>=1.28.0'],
      ['team-a', 'base-1-0-0', 'resources', '-'],
    ]);
    const one = await run('get', 'svctmpl', 'base-1-0-0', '--state', state);
    expect(rows(one.stdout)[1]).toEqual(['team-a', 'base-1-0-0', 'resources', '-']);
    const ns = await run('get', 'servicetemplate', '-n', 'clustermint-system', '--state', state);
    expect(rows(ns.stdout).map((r) => r[1])).toEqual(['NAME', 'hello-1-0-0']);
  });

  it('get clusterresourcesets: strategy (ApplyOnce by default) and ResourcesApplied', async () => {
    const r = await run('get', 'clusterresourcesets', '--state', state);
    expect(r.code).toBe(0);
    expect(rows(r.stdout)).toEqual([
      ['NAMESPACE', 'NAME', 'STRATEGY', 'APPLIED'],
      ['team-a', 'basics', 'ApplyOnce', 'True'],
      ['team-b', 'later', 'Reconcile', 'Unknown'],
    ]);
  });

  it("get cd: SERVICES is the ServicesInReadyState message, '-' without services", async () => {
    const r = await run('get', 'cd', '--state', state);
    const [head, ...lines] = r.stdout.trimEnd().split('\n');
    // cells by the header's column offsets (empty cells make splitting on spaces ambiguous)
    const at = (line: string, name: string) => {
      const start = head!.search(new RegExp(` ${name} `)) + 1;
      return line.slice(start).split(/ {2,}/)[0];
    };
    expect(lines.map((l) => [at(l, 'NAME'), at(l, 'SERVICES')])).toEqual([
      ['edge-1', '1/2'],
      ['plain', '-'],
    ]);
  });
});

describe("describe cd's Services section", () => {
  it('lists each service with template, state, reason, owner, message and drift', async () => {
    const r = await run('describe', 'cd', 'edge-1', '--state', state);
    expect(r.code).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('Services:\n'), r.stdout.indexOf('Events:'));
    expect(section.trimEnd().split('\n')).toEqual([
      'Services:',
      '  NAMESPACE/NAME   TEMPLATE      STATE      REASON         OWNER                         MESSAGE',
      '  default/base     base-1-0-0    Deployed   Deployed       MultiClusterService/dev-web   2 objects ready (template base-1-0-0); drift: ConfigMap default/settings: data.tier changed',
      '  web/hello        hello-1-0-0   Failed     PolicyDenied   MultiClusterService/dev-web   services/one-replica: team-a runs one replica per service',
    ]);
    expect(r.stdout).toMatch(/^ {2}ServicesInReadyState +False +ServicesNotReady +1\/2$/m);
  });

  it('has no Services section for a cluster without services', async () => {
    const r = await run('describe', 'cd', 'plain', '--state', state);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Services:');
  });
});
