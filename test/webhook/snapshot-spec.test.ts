// A Snapshot described for an isolate worker (src/webhook/snapshot-spec.ts): after a structured
// clone (what postMessage does), the worker's snapshot decides as the main thread's does.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadPolicyFiles } from '../../src/policy/policy-files.js';
import { loadChart } from '../../src/resolve/load-chart.js';
import { evaluateReview } from '../../src/webhook/evaluate.js';
import { resolveTemplate, type Snapshot } from '../../src/webhook/snapshot.js';
import {
  clusterTemplateSpec,
  policyTexts,
  type SnapshotSpec,
  snapshotFromSpec,
} from '../../src/webhook/snapshot-spec.js';
import { loadDirectories } from '../../src/webhook/sources.js';
import { doc, ROOT, reviewOf } from './helpers.js';

const POLICIES = join(ROOT, 'policies');

/** The built-in ClusterClass simulated-k0s as if read from the cluster, with one more required variable. */
function clusterClass(): Record<string, any> {
  const docs = jsyaml.loadAll(
    readFileSync(join(ROOT, 'templates/clusterclasses/simulated-k0s.yaml'), 'utf8'),
  ) as Record<string, any>[];
  const cc = structuredClone(docs.find((d) => d?.kind === 'ClusterClass')!);
  cc.spec.variables.push({
    name: 'clusterOnly',
    required: true,
    schema: { openAPIV3Schema: { type: 'string' } },
  });
  return cc;
}

describe('snapshotFromSpec', () => {
  const policies = loadPolicyFiles([POLICIES]);
  const spec: SnapshotSpec = {
    policyFolders: [],
    templateFolders: [],
    clusterPolicies: policyTexts(policies),
    clusterCandidates: [{ file: 'cluster ClusterClass simulated-k0s', value: clusterClass() }],
    namespaceLabels: new Map([['team-a', { team: 'a' }]]),
    accessManagements: [],
    readsCluster: true,
  };
  const worker = snapshotFromSpec(structuredClone(spec));
  const main: Snapshot = { ...loadDirectories([POLICIES], []), namespaceLabels: new Map() };

  it('decides ClusterDeployments as the snapshot it describes', () => {
    for (const file of ['examples/gate/team-a-allowed.yaml', 'examples/gate/team-a-denied.yaml']) {
      const text = JSON.stringify(reviewOf(doc(file, 'ClusterDeployment')));
      const a = evaluateReview(text, 'validate', worker, new Date());
      const b = evaluateReview(text, 'validate', main, new Date());
      expect(a.kind).toBe('done');
      if (a.kind !== 'done' || b.kind !== 'done') return;
      expect(a.response.allowed).toBe(b.response.allowed);
      expect(a.response.status?.message).toBe(b.response.status?.message);
    }
    expect(worker.policies).toHaveLength(main.policies.length);
  });

  it("renders a topology Cluster with the cluster's ClusterClass", () => {
    const cluster = doc('examples/topology/cluster.yaml', 'Cluster');
    const text = JSON.stringify(reviewOf(cluster));
    expect(evaluateReview(text, 'validate', main, new Date())).toMatchObject({ response: { allowed: true } });
    // the cluster's copy (before the built-in one) requires clusterOnly
    const a = evaluateReview(text, 'validate', worker, new Date());
    expect(a).toMatchObject({ kind: 'done', response: { allowed: false } });
    expect(a.kind === 'done' && a.response.status?.message).toContain('clusterOnly');
    cluster.spec.topology.variables.push({ name: 'clusterOnly', value: 'yes' });
    const b = evaluateReview(JSON.stringify(reviewOf(cluster)), 'validate', worker, new Date());
    expect(b).toMatchObject({ kind: 'done', response: { allowed: true } });
  });

  it('leaves the AccessManagement create to the main thread when the webhook reads a cluster', () => {
    const am = {
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'AccessManagement',
      metadata: { name: 'second' },
      spec: {},
    };
    const review = reviewOf(am);
    review.request.kind = { group: 'clustermint.io', version: 'v1alpha1', kind: 'AccessManagement' };
    expect(evaluateReview(JSON.stringify(review), 'validate', worker, new Date()).kind).toBe('live');
    expect(evaluateReview(JSON.stringify(review), 'validate', main, new Date()).kind).toBe('done');
  });

  it('sends the files of a sourced chart the disk cache does not hold, and rebuilds it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-spec-chart-'));
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: mini\nversion: 0.1.0\n');
    writeFileSync(join(dir, 'values.yaml'), 'replicas: 1\n');
    writeFileSync(
      join(dir, 'templates', 'cm.yaml'),
      'kind: ConfigMap\napiVersion: v1\nmetadata: {name: {{ .Release.Name }}}\n',
    );
    const chart = loadChart(dir);
    expect(chart.helm).toBeDefined();
    const digest = `sha256:${'0'.repeat(64)}`;
    const sourced = { ...chart, helm: { ...chart.helm!, digest } };
    const t = clusterTemplateSpec({
      namespace: 'team-a',
      name: 'ri',
      sourced: true,
      valid: true,
      sourcedChart: sourced,
    });
    expect(t.sourcedChart).toMatchObject({ digest });
    expect(t.sourcedChart?.files?.length).toBe(chart.helm!.files.length);
    const snap = snapshotFromSpec(
      structuredClone({ ...spec, clusterTemplates: new Map([['team-a/ri', t]]) }),
    );
    expect(resolveTemplate(snap, 'ri', 'team-a').metadata.name).toBe(chart.metadata.name);
  });
});
