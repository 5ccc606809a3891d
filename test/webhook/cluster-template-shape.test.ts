/**
 * The webhook on k0rdent's ClusterTemplate shape: chartSpec with a sourceRef, chartRef; and a
 * deployment naming a sourced template renders only with the chart the template resolved to.
 */
import { describe, expect, it } from 'vitest';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { admit } from '../../src/webhook/admit.js';
import { parseAdmissionReview } from '../../src/webhook/review.js';
import { resolveTemplate, type Snapshot } from '../../src/webhook/snapshot.js';
import { reviewOf } from './helpers.js';

const snap: Snapshot = {
  policies: [],
  catalog: new TemplateCatalog(),
  candidates: [],
  namespaceLabels: new Map(),
  clusterTemplates: new Map([
    [
      'team-a/remote',
      { namespace: 'team-a', name: 'remote', chart: 'simulated-standalone-cp', sourced: true, valid: true },
    ],
    ['team-a/pending', { namespace: 'team-a', name: 'pending', chart: 'x', sourced: true }],
  ]),
};

const tmpl = (helm: object) => ({
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ClusterTemplate',
  metadata: { name: 't', namespace: 'team-a' },
  spec: { helm },
});
const decide = (helm: object) =>
  admit(parseAdmissionReview(JSON.stringify(reviewOf(tmpl(helm)))), snap, 'validate');

describe('ClusterTemplates in k0rdent shape', () => {
  it.each([
    [
      {
        chartSpec: {
          chart: 'aws',
          version: '1.0.0',
          interval: '10m',
          sourceRef: { kind: 'HelmRepository', name: 'r' },
        },
      },
    ],
    [{ chartRef: { kind: 'HelmChart', name: 'c' } }],
    [{ chartRef: { kind: 'OCIRepository', name: 'c', namespace: 'charts' } }],
  ])('allows %j without a warning about the catalog', (helm) => {
    const r = decide(helm);
    expect(r.allowed).toBe(true);
    expect(r.warnings).toBeUndefined();
  });

  it.each([
    [
      { chartSpec: { chart: 'aws', sourceRef: { name: 'r' } } },
      'spec.helm.chartSpec.sourceRef.kind: Required value',
    ],
    [
      { chartSpec: { chart: 'aws', sourceRef: { kind: 'ConfigMap', name: 'r' } } },
      'spec.helm.chartSpec.sourceRef.kind: Unsupported value: "ConfigMap"',
    ],
    [
      { chartSpec: { chart: 'aws', interval: 'often' } },
      'spec.helm.chartSpec.interval: Invalid value: "often"',
    ],
    [
      { chartRef: { kind: 'GitRepository', name: 'c' } },
      'spec.helm.chartRef.kind: Unsupported value: "GitRepository"',
    ],
    [{ chartRef: { kind: 'HelmChart' } }, 'spec.helm.chartRef.name: Required value'],
  ])('denies %j', (helm, message) => {
    const r = decide(helm);
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toContain(message);
  });

  it.each([
    [
      { chartSpec: { chart: 'aws', sourceRef: { kind: 'GitRepository', name: 'g' } } },
      'GitRepository is not supported',
    ],
    [{ chartRef: { kind: 'ExternalArtifact', name: 'a' } }, 'ExternalArtifact is not supported'],
  ])('allows %j with a warning that it will not be valid', (helm, warning) => {
    const r = decide(helm);
    expect(r.allowed).toBe(true);
    expect(r.warnings?.[0]).toContain(warning);
  });

  it('a sourced template renders with its own chart only, never a catalog chart of the same name', () => {
    expect(() => resolveTemplate(snap, 'remote', 'team-a')).toThrow(
      'the chart of ClusterTemplate remote is not loaded by the webhook yet',
    );
    expect(() => resolveTemplate(snap, 'pending', 'team-a')).toThrow(
      'the ClusterTemplate pending has not been resolved yet',
    );
    const chart = new TemplateCatalog().resolve('simulated-standalone-cp');
    const loaded: Snapshot = {
      ...snap,
      clusterTemplates: new Map([
        [
          'team-a/remote',
          { namespace: 'team-a', name: 'remote', sourced: true, valid: true, sourcedChart: chart },
        ],
      ]),
    };
    expect(resolveTemplate(loaded, 'remote', 'team-a')).toBe(chart);
  });
});
