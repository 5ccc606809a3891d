/**
 * ClusterTemplates in k0rdent's shape on the embedded controller (SQLite store, in-process
 * runtime): a template points through a Flux HelmRepository to a chart repository served here
 * over HTTP (charts packaged and indexed by the real helm: k0rdent's docker-hosted-cp, and a copy
 * of it with a template that does not parse); the controller resolves each template, writes its
 * status, and renders the ClusterDeployments that name it with that chart.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGoReference } from '../helpers/go-reference.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { SHARED, sharedAvailable } from '../helpers/shared.js';
import { Harness } from './harness.js';

const helm = findGoReference({
  envVar: 'HELM_BIN',
  install: ['scripts/install-go-tool.sh', 'helm'],
  what: 'the ClusterTemplate controller test',
});
const registryBin = findGoReference({
  envVar: 'REGISTRY_BIN',
  install: ['scripts/install-go-tool.sh', 'registry'],
  what: 'the ClusterTemplate controller test from an OCI registry',
});
const chartDir = join(SHARED, 'conformance', 'helm', 'k0rdent', 'charts', 'docker-hosted-cp');
const haveCharts = sharedAvailable('the ClusterTemplate controller test');

const NS = 'team-a';
const CT = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterTemplate' } as const;

function run(bin: string, args: string[]): void {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')}: ${r.stderr}`);
}

describe.skipIf(!helm.bin || !haveCharts)('ClusterTemplates resolved by the embedded controller', () => {
  let root: string;
  let server: Server;
  let url: string;
  const requests: string[] = [];
  let goodDigest: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'clustermint-ct-'));
    const repo = join(root, 'repo');
    run(helm.bin!, ['package', chartDir, '-d', repo]);
    // the same chart as 9.9.9, with a template that does not parse
    const broken = join(root, 'broken', 'docker-hosted-cp');
    cpSync(chartDir, broken, { recursive: true });
    const chartYaml = join(broken, 'Chart.yaml');
    writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace(/^version: .*$/m, 'version: 9.9.9'));
    writeFileSync(join(broken, 'templates', 'devcluster.yaml'), 'kind: DevCluster\nname: {{ .Values.x \n');
    run(helm.bin!, ['package', broken, '-d', repo]);
    run(helm.bin!, ['repo', 'index', repo]);
    goodDigest = `sha256:${createHash('sha256')
      .update(readFileSync(join(repo, 'docker-hosted-cp-1.0.15.tgz')))
      .digest('hex')}`;
    server = createServer((req, res) => {
      const path = (req.url ?? '/').replace(/^\/+/, '');
      requests.push(path);
      const file = join(repo, path);
      if (!path || path.includes('..') || !existsSync(file)) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200).end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('writes the status (valid, config, chartVersion, digest) and renders deployments with the chart; a broken chart is invalid', async () => {
    const h = new Harness({ controller: { chartCacheDir: join(root, 'cache') } });
    try {
      const s = h.store;
      await s.create({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmRepository',
        metadata: { name: 'k0rdent', namespace: NS },
        spec: { url, interval: '10m' },
      });
      const template = (name: string, version: string) =>
        s.create({
          ...CT,
          metadata: { name, namespace: NS },
          spec: {
            helm: {
              chartSpec: {
                chart: 'docker-hosted-cp',
                version,
                interval: '10m',
                sourceRef: { kind: 'HelmRepository', name: 'k0rdent' },
              },
            },
          },
        });
      await template('docker-hosted-cp-1-0-15', '1.0.x');
      await template('docker-hosted-cp-9-9-9', '9.9.9');
      await h.apply('dev', {
        template: 'docker-hosted-cp-1-0-15',
        dryRun: true,
        config: { workersNumber: 2 },
      });
      await h.apply('bad', { template: 'docker-hosted-cp-9-9-9', dryRun: true });

      await h.until(
        async () =>
          (await h.condition('dev', 'Ready'))?.reason === 'DryRun' &&
          (await h.condition('bad', 'TemplateReady'))?.status === 'False' &&
          (await h.condition('bad', 'TemplateReady'))?.reason !== 'TemplateNotReady',
      );

      const good = await s.get({ ...CT, namespace: NS, name: 'docker-hosted-cp-1-0-15' });
      const status = good.status as Record<string, unknown>;
      const defaults = jsyaml.load(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
      expect(status).toMatchObject({
        valid: true,
        observedGeneration: 1,
        chartVersion: '1.0.15',
        chartDigest: goodDigest,
        providers: [
          'bootstrap-k0sproject-k0smotron',
          'control-plane-k0sproject-k0smotron',
          'infrastructure-docker',
        ],
        providerContracts: {
          'bootstrap-k0sproject-k0smotron': 'v1beta2',
          'control-plane-k0sproject-k0smotron': 'v1beta2',
          'infrastructure-docker': 'v1beta2',
        },
      });
      expect(status.description).toMatch(
        /^A KCM template to deploy a k0s cluster on Docker with hosted control plane\./,
      );
      expect(status.validationError).toBeUndefined();
      expect(status.config).toEqual(defaults);
      expect(status.configSchema).toEqual(
        JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')),
      );

      const bad = await s.get({ ...CT, namespace: NS, name: 'docker-hosted-cp-9-9-9' });
      const badStatus = bad.status as Record<string, unknown>;
      expect(badStatus).toMatchObject({ valid: false, chartVersion: '9.9.9' });
      expect(String(badStatus.validationError)).toMatch(/devcluster\.yaml/);
      expect(badStatus.config).toBeUndefined();

      // the deployment rendered with the template's chart: its values, its objects
      expect(await h.condition('dev', 'TemplateReady')).toMatchObject({ status: 'True' });
      expect(await h.condition('dev', 'ValuesValid')).toMatchObject({ status: 'True' });
      const objects = (await h.rendered('dev')) as Array<{
        kind: string;
        spec?: { replicas?: number };
      }>;
      expect(objects.map((o) => o.kind).sort()).toEqual([
        'Cluster',
        'DevCluster',
        'DevMachineTemplate',
        'K0sWorkerConfigTemplate',
        'K0smotronControlPlane',
        'MachineDeployment',
      ]);
      expect(objects.find((o) => o.kind === 'MachineDeployment')?.spec?.replicas).toBe(2);

      // the broken template's deployment says why, in k0rdent's words
      const tr = await h.condition('bad', 'TemplateReady');
      expect(tr).toMatchObject({ status: 'False', reason: 'TemplateInvalid' });
      expect(tr?.message).toContain(
        `the ClusterTemplate ${NS}/docker-hosted-cp-9-9-9 is invalid with the error: `,
      );
      expect(tr?.message).toContain(String(badStatus.validationError).slice(0, 40));
      expect((await h.rendered('bad')).length).toBe(0);

      // each chart was downloaded once; later reconciles (the 10m interval, a changed deployment)
      // read the index again, the archive from the cache
      await h.apply('dev', {
        template: 'docker-hosted-cp-1-0-15',
        dryRun: true,
        config: { workersNumber: 3 },
      });
      await h.runFor(25 * 60_000);
      const replicas = (await h.rendered('dev')) as Array<{
        kind: string;
        spec?: { replicas?: number };
      }>;
      expect(replicas.find((o) => o.kind === 'MachineDeployment')?.spec?.replicas).toBe(3);
      expect(requests.filter((r) => r.endsWith('.tgz')).sort()).toEqual([
        'docker-hosted-cp-1.0.15.tgz',
        'docker-hosted-cp-9.9.9.tgz',
      ]);
      expect(requests.filter((r) => r === 'index.yaml').length).toBeGreaterThanOrEqual(4);
    } finally {
      await h.close();
    }
  });

  it('a template whose HelmRepository is missing is invalid until it appears', async () => {
    const h = new Harness({ controller: { chartCacheDir: join(root, 'cache') } });
    try {
      const s = h.store;
      await s.create({
        ...CT,
        metadata: { name: 'later', namespace: NS },
        spec: {
          helm: {
            chartSpec: {
              chart: 'docker-hosted-cp',
              version: '<2',
              sourceRef: { kind: 'HelmRepository', name: 'later' },
            },
          },
        },
      });
      const status = async () =>
        (await s.get({ ...CT, namespace: NS, name: 'later' })).status as Record<string, unknown> | undefined;
      await h.until(async () => (await status())?.valid === false);
      expect(await status()).toMatchObject({
        valid: false,
        validationError: `HelmRepository ${NS}/later not found`,
      });
      await s.create({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmRepository',
        metadata: { name: 'later', namespace: NS },
        spec: { url },
      });
      await h.until(async () => (await status())?.valid === true, 120_000);
      expect(await status()).toMatchObject({ chartVersion: '1.0.15' });
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(!helm.bin || !registryBin.bin || !haveCharts)('ClusterTemplates from an OCI registry', () => {
  let root: string;
  let registry: Registry;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'clustermint-ct-oci-'));
    run(helm.bin!, ['package', chartDir, '-d', root]);
    registry = await startRegistry(registryBin.bin!);
    const push = spawnSync(
      helm.bin!,
      ['push', join(root, 'docker-hosted-cp-1.0.15.tgz'), `oci://${registry.host}/charts`, '--plain-http'],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          HELM_REGISTRY_CONFIG: join(root, 'registry.json'),
          HELM_CACHE_HOME: join(root, 'helm-cache'),
          HELM_CONFIG_HOME: join(root, 'helm-config'),
          HELM_DATA_HOME: join(root, 'helm-data'),
        },
      },
    );
    if (push.status !== 0) throw new Error(`helm push: ${push.stderr}`);
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('an OCI HelmRepository (chartSpec) and an OCIRepository (chartRef) both resolve, and deployments render with them', async () => {
    const h = new Harness({ controller: { chartCacheDir: join(root, 'cache') } });
    try {
      const s = h.store;
      await s.create({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmRepository',
        metadata: { name: 'registry', namespace: NS },
        spec: { type: 'oci', url: `oci://${registry.host}/charts`, insecure: true },
      });
      await s.create({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'OCIRepository',
        metadata: { name: 'docker-hosted-cp', namespace: NS },
        spec: {
          url: `oci://${registry.host}/charts/docker-hosted-cp`,
          ref: { tag: '1.0.15' },
          insecure: true,
        },
      });
      await s.create({
        ...CT,
        metadata: { name: 'by-spec', namespace: NS },
        spec: {
          helm: {
            chartSpec: {
              chart: 'docker-hosted-cp',
              version: '^1.0',
              sourceRef: { kind: 'HelmRepository', name: 'registry' },
            },
          },
        },
      });
      await s.create({
        ...CT,
        metadata: { name: 'by-ref', namespace: NS },
        spec: { helm: { chartRef: { kind: 'OCIRepository', name: 'docker-hosted-cp' } } },
      });
      await h.apply('one', { template: 'by-spec', dryRun: true, config: { workersNumber: 2 } });
      await h.apply('two', { template: 'by-ref', dryRun: true });
      await h.until(
        async () =>
          (await h.condition('one', 'Ready'))?.reason === 'DryRun' &&
          (await h.condition('two', 'Ready'))?.reason === 'DryRun',
        120_000,
      );
      for (const name of ['by-spec', 'by-ref']) {
        const status = (await s.get({ ...CT, namespace: NS, name })).status as Record<string, unknown>;
        expect(status).toMatchObject({ valid: true, chartVersion: '1.0.15' });
        expect(String(status.chartDigest)).toMatch(/^sha256:[0-9a-f]{64}$/);
      }
      const objects = (await h.rendered('one')) as Array<{
        kind: string;
        spec?: { replicas?: number };
      }>;
      expect(objects.find((o) => o.kind === 'MachineDeployment')?.spec?.replicas).toBe(2);
      expect((await h.rendered('two')).length).toBe(6);
    } finally {
      await h.close();
    }
  });
});
