/** The ClusterTemplate source decision: template + the objects it names -> a chart request or a reason. */
import { describe, expect, it } from 'vitest';
import {
  decideTemplateSource,
  decideWithFetch,
  intervalMs,
  lookupIn,
  type TemplateSource,
} from '../../src/resolve/template-source.js';
import type { PlainObject } from '../../src/util/plain-object.js';

const NS = 'team-a';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function template(helm: unknown, namespace = NS): PlainObject {
  return {
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'ClusterTemplate',
    metadata: { name: 't', namespace },
    spec: { helm },
  };
}

const flux = (kind: string, name: string, spec: PlainObject, namespace = NS): PlainObject => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind,
  metadata: { name, namespace },
  spec,
});
const secret = (name: string, data: Record<string, string>, namespace = NS): PlainObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
});

const repo = flux('HelmRepository', 'charts', { url: 'https://charts.example.com/k0rdent' });
const ociRepo = flux('HelmRepository', 'oci', { url: 'oci://ghcr.io/k0rdent/charts', type: 'oci' });
const chartSpec = (extra: PlainObject = {}) => ({
  chartSpec: {
    chart: 'aws-standalone-cp',
    version: '1.0.43',
    sourceRef: { kind: 'HelmRepository', name: 'charts' },
    ...extra,
  },
});

interface Case {
  name: string;
  helm: unknown;
  objects?: PlainObject[];
  want: Partial<TemplateSource> & { kind: TemplateSource['kind'] };
}

const cases: Case[] = [
  {
    name: 'a catalog chart: chartSpec without sourceRef',
    helm: { chartSpec: { chart: 'aws-standalone-cp', version: '1.0.43' } },
    want: { kind: 'catalog', chart: 'aws-standalone-cp', version: '1.0.43' },
  },
  {
    name: "a catalog chart with Flux's default version * asks for no version",
    helm: { chartSpec: { chart: 'docker-hosted-cp', version: '*' } },
    want: { kind: 'catalog', chart: 'docker-hosted-cp' },
  },
  {
    name: 'an https HelmRepository: the chart by name from the repository, with the version constraint',
    helm: chartSpec({ version: '^1.0' }),
    objects: [repo],
    want: {
      kind: 'source',
      request: { ref: 'aws-standalone-cp', repo: 'https://charts.example.com/k0rdent', version: '^1.0' },
      intervalMs: 600_000,
    },
  },
  {
    name: 'an oci HelmRepository: the chart under the URL, insecure as plain http',
    helm: chartSpec({ interval: '1h' }),
    objects: [
      {
        ...ociRepo,
        metadata: { name: 'charts', namespace: NS },
        spec: { ...(ociRepo.spec as PlainObject), insecure: true },
      },
    ],
    want: {
      kind: 'source',
      request: { ref: 'oci://ghcr.io/k0rdent/charts/aws-standalone-cp', version: '1.0.43', plainHttp: true },
      intervalMs: 3_600_000,
    },
  },
  {
    name: 'credentials from the repository secretRef (username and password)',
    helm: chartSpec(),
    objects: [
      flux('HelmRepository', 'charts', { url: 'https://charts.example.com', secretRef: { name: 'creds' } }),
      secret('creds', { username: 'u', password: 'p' }),
    ],
    want: {
      kind: 'source',
      request: {
        ref: 'aws-standalone-cp',
        repo: 'https://charts.example.com',
        version: '1.0.43',
        username: 'u',
        password: 'p',
      },
    },
  },
  {
    name: 'credentials from a dockerconfigjson Secret, by the registry host',
    helm: chartSpec(),
    objects: [
      flux('HelmRepository', 'charts', {
        url: 'oci://registry.example.com/charts',
        type: 'oci',
        secretRef: { name: 'pull' },
      }),
      secret('pull', {
        '.dockerconfigjson': JSON.stringify({
          auths: { 'registry.example.com': { auth: b64('robot:s3cret') } },
        }),
      }),
    ],
    want: {
      kind: 'source',
      request: {
        ref: 'oci://registry.example.com/charts/aws-standalone-cp',
        version: '1.0.43',
        username: 'robot',
        password: 's3cret',
      },
    },
  },
  {
    name: 'the HelmRepository is missing: not resolvable, waiting for it',
    helm: chartSpec(),
    want: { kind: 'unresolvable', reason: 'HelmRepository team-a/charts not found', waiting: true },
  },
  {
    name: 'a HelmRepository in another namespace is not found (sourceRef is local)',
    helm: chartSpec(),
    objects: [{ ...repo, metadata: { name: 'charts', namespace: 'other' } }],
    want: { kind: 'unresolvable', reason: 'HelmRepository team-a/charts not found', waiting: true },
  },
  {
    name: 'the Secret is missing',
    helm: chartSpec(),
    objects: [
      flux('HelmRepository', 'charts', { url: 'https://charts.example.com', secretRef: { name: 'creds' } }),
    ],
    want: {
      kind: 'unresolvable',
      reason: 'Secret team-a/creds (HelmRepository team-a/charts spec.secretRef) not found',
      waiting: true,
    },
  },
  {
    name: 'a Secret with only a username',
    helm: chartSpec(),
    objects: [
      flux('HelmRepository', 'charts', { url: 'https://charts.example.com', secretRef: { name: 'creds' } }),
      secret('creds', { username: 'u' }),
    ],
    want: {
      kind: 'unresolvable',
      reason:
        'Secret team-a/creds (HelmRepository team-a/charts spec.secretRef) must hold both username and password',
    },
  },
  {
    name: 'a GitRepository sourceRef is not supported',
    helm: { chartSpec: { chart: 'x', sourceRef: { kind: 'GitRepository', name: 'git' } } },
    want: { kind: 'unresolvable' },
  },
  {
    name: 'an oci:// URL without type oci',
    helm: chartSpec(),
    objects: [flux('HelmRepository', 'charts', { url: 'oci://ghcr.io/x' })],
    want: {
      kind: 'unresolvable',
      reason: 'HelmRepository team-a/charts: an oci:// spec.url needs spec.type: oci',
    },
  },
  {
    name: 'chartSpec and chartRef together',
    helm: { ...chartSpec(), chartRef: { kind: 'HelmChart', name: 'c' } },
    want: {
      kind: 'unresolvable',
      reason: 'spec.helm.chartSpec and spec.helm.chartRef are mutually exclusive',
    },
  },
  {
    name: 'neither chartSpec nor chartRef',
    helm: {},
    want: { kind: 'unresolvable', reason: 'one of spec.helm.chartSpec or spec.helm.chartRef must be set' },
  },
  {
    name: 'chartSource, as k0rdent, is refused for ClusterTemplates',
    helm: { chartSource: { localSourceRef: { kind: 'OCIRepository', name: 'x' } } },
    want: { kind: 'unresolvable', reason: 'spec.helm.chartSource is not supported for ClusterTemplates' },
  },
  {
    name: 'no spec.helm',
    helm: undefined,
    want: { kind: 'unresolvable', reason: 'spec.helm is required' },
  },
  {
    name: 'a chartRef to a HelmChart: its spec, its HelmRepository (in the HelmChart namespace); status.chartRef',
    helm: { chartRef: { kind: 'HelmChart', name: 'aws', namespace: 'charts' } },
    objects: [
      flux(
        'HelmChart',
        'aws',
        {
          chart: 'aws-standalone-cp',
          version: '1.0.43',
          sourceRef: { kind: 'HelmRepository', name: 'charts' },
        },
        'charts',
      ),
      { ...repo, metadata: { name: 'charts', namespace: 'charts' } },
    ],
    want: {
      kind: 'source',
      request: { ref: 'aws-standalone-cp', repo: 'https://charts.example.com/k0rdent', version: '1.0.43' },
      chartRef: { kind: 'HelmChart', name: 'aws', namespace: 'charts' },
    },
  },
  {
    name: 'a chartRef to a missing HelmChart',
    helm: { chartRef: { kind: 'HelmChart', name: 'aws' } },
    want: { kind: 'unresolvable', reason: 'HelmChart team-a/aws not found', waiting: true },
  },
  {
    name: 'a chartRef to an OCIRepository with a tag',
    helm: { chartRef: { kind: 'OCIRepository', name: 'aws' } },
    objects: [
      flux('OCIRepository', 'aws', {
        url: 'oci://ghcr.io/k0rdent/charts/aws-standalone-cp',
        ref: { tag: '1.0.43' },
      }),
    ],
    want: {
      kind: 'source',
      request: { ref: 'oci://ghcr.io/k0rdent/charts/aws-standalone-cp', version: '1.0.43' },
      chartRef: { kind: 'OCIRepository', name: 'aws' },
    },
  },
  {
    name: 'an OCIRepository pinned by digest (digest wins over tag, as in Flux)',
    helm: { chartRef: { kind: 'OCIRepository', name: 'aws' } },
    objects: [
      flux('OCIRepository', 'aws', {
        url: 'oci://ghcr.io/k0rdent/charts/aws-standalone-cp',
        ref: { tag: '1.0.43', digest: `sha256:${'a'.repeat(64)}` },
      }),
    ],
    want: {
      kind: 'source',
      request: { ref: `oci://ghcr.io/k0rdent/charts/aws-standalone-cp@sha256:${'a'.repeat(64)}` },
    },
  },
  {
    name: 'an OCIRepository with a semver range, and none at all (latest)',
    helm: { chartRef: { kind: 'OCIRepository', name: 'aws' } },
    objects: [
      flux('OCIRepository', 'aws', { url: 'oci://ghcr.io/c/aws', ref: { semver: '>=1.0.0 <2.0.0' } }),
    ],
    want: { kind: 'source', request: { ref: 'oci://ghcr.io/c/aws', version: '>=1.0.0 <2.0.0' } },
  },
  {
    name: 'a chartRef of kind ExternalArtifact is not supported',
    helm: { chartRef: { kind: 'ExternalArtifact', name: 'x' } },
    want: {
      kind: 'unresolvable',
      reason:
        'spec.helm.chartRef.kind ExternalArtifact is not supported: it must be HelmChart or OCIRepository',
    },
  },
  {
    name: 'a bad interval',
    helm: chartSpec({ interval: 'soon' }),
    objects: [repo],
    want: {
      kind: 'unresolvable',
      reason: 'spec.helm.chartSpec.interval "soon" is not a duration such as 10m',
    },
  },
];

describe('decideTemplateSource', () => {
  for (const c of cases)
    it(c.name, () => {
      const got = decideTemplateSource(template(c.helm), lookupIn(c.objects ?? []));
      expect(got).toMatchObject(c.want);
      if (c.want.kind === 'source' && 'request' in c.want)
        expect((got as { request: unknown }).request).toEqual(c.want.request);
    });

  it('a chart path is a local chart only offline, next to the file', () => {
    const t = template({ chartSpec: { chart: './charts/my-chart' } });
    expect(decideTemplateSource(t, lookupIn([]))).toEqual({ kind: 'catalog', chart: './charts/my-chart' });
    expect(
      decideTemplateSource(t, lookupIn([]), { localPaths: { baseDir: '/work/clusters' } }),
    ).toMatchObject({
      kind: 'source',
      request: { ref: '/work/clusters/charts/my-chart' },
    });
  });
});

describe('decideWithFetch', () => {
  it('fetches what the decision names, round by round (chartRef -> HelmChart -> HelmRepository -> Secret)', async () => {
    const objects = [
      flux('HelmChart', 'aws', { chart: 'c', sourceRef: { kind: 'HelmRepository', name: 'r' } }),
      flux('HelmRepository', 'r', { url: 'https://charts.example.com', secretRef: { name: 's' } }),
      secret('s', { username: 'u', password: 'p' }),
    ];
    const asked: string[] = [];
    const { source, read } = await decideWithFetch(
      template({ chartRef: { kind: 'HelmChart', name: 'aws' } }),
      async (kind, ns, name) => {
        asked.push(`${kind} ${ns}/${name}`);
        return lookupIn(objects)(kind, ns, name);
      },
    );
    expect(asked).toEqual(['HelmChart team-a/aws', 'HelmRepository team-a/r', 'Secret team-a/s']);
    expect(source).toMatchObject({
      kind: 'source',
      request: { ref: 'c', repo: 'https://charts.example.com', username: 'u' },
    });
    expect(read).toHaveLength(3);
  });
});

describe('intervalMs', () => {
  it.each([
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['10m0s', 600_000],
    ['ten', undefined],
    ['', undefined],
  ])('%s', (text, want) => expect(intervalMs(text)).toBe(want));
});
