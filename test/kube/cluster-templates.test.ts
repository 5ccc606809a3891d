// ClusterTemplates in k0rdent's shape on a real kube-apiserver: the same case as
// test/controller/cluster-templates.test.ts (embedded), with the Kubernetes store. Flux's source
// kinds get minimal open CRDs (clustermint only reads them); a chart repository is served over
// HTTP from charts the real helm packaged and indexed (k0rdent's docker-hosted-cp, and a copy
// with a template that does not parse). The controller writes each template's status and renders
// the deployments that name it with its chart.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../../src/controller/deployment.js';
import { GateRunner } from '../../src/controller/gate.js';
import { type KubeController, startKubeController } from '../../src/controller/kube-mode.js';
import { deploymentTemplate } from '../../src/controller/templates.js';
import { embeddedRegistry, SimulatedCloud, systemClock } from '../../src/providers/index.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { TemplateChartLoader } from '../../src/resolve/template-chart.js';
import { isAlreadyExists, isNotFound } from '../../src/store/errors.js';
import { installCrds, type KubeStore, openKubeStore } from '../../src/store/kube/index.js';
import type { KubeObject } from '../../src/store/types.js';
import { createLogger } from '../../src/util/log.js';
import { openCrd } from '../helpers/crds.js';
import { findGoReference } from '../helpers/go-reference.js';
import { eventually } from '../helpers/process.js';
import { SHARED } from '../helpers/shared.js';
import { kubeTestenv } from '../testenv/index.js';

const env = await kubeTestenv('ClusterTemplates on Kubernetes');
const helm = findGoReference({
  envVar: 'HELM_BIN',
  install: ['scripts/install-go-tool.sh', 'helm'],
  what: 'the ClusterTemplate Kubernetes test',
});
const chartDir = join(SHARED, 'conformance', 'helm', 'k0rdent', 'charts', 'docker-hosted-cp');

const CT = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterTemplate' } as const;
const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
type CDObject = KubeObject & { status?: DeploymentStatus };

function run(bin: string, args: string[]): void {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')}: ${r.stderr}`);
}

describe.skipIf(!env || !helm.bin || !existsSync(chartDir))(
  'ClusterTemplates on a real kube-apiserver',
  () => {
    const ns = `ct-${Date.now().toString(36)}`;
    let root: string;
    let server: Server;
    let url: string;
    let goodDigest: string;
    const requests: string[] = [];
    let store: KubeStore;
    let cloud: SimulatedCloud;
    let ctl: KubeController;

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'cm-kube-ct-'));
      const repo = join(root, 'repo');
      run(helm.bin!, ['package', chartDir, '-d', repo]);
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

      store = await openKubeStore({ kubeconfig: env!.kubeconfig, fieldManager: 'clustermint-controller' });
      await installCrds(store);
      // Flux's source kinds, as minimal open CRDs (created, not applied: the server is shared)
      const crds = [
        openCrd('source.toolkit.fluxcd.io', 'v1', 'HelmRepository', 'helmrepositories'),
        openCrd('source.toolkit.fluxcd.io', 'v1', 'HelmChart', 'helmcharts'),
        openCrd('source.toolkit.fluxcd.io', 'v1', 'OCIRepository', 'ocirepositories'),
      ];
      for (const c of crds)
        await store.create(c).catch((e) => {
          if (!isAlreadyExists(e)) throw e;
        });
      for (const c of crds)
        await eventually(`CRD ${c.metadata.name}`, async () => {
          const got = await store.get({ apiVersion: c.apiVersion, kind: c.kind, name: c.metadata.name });
          const conds = ((got.status as any)?.conditions ?? []) as { type: string; status: string }[];
          return conds.some((x) => x.type === 'Established' && x.status === 'True') ? true : undefined;
        });
      await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      await eventually('HelmRepository to be served', async () => {
        try {
          return await store.create({
            apiVersion: 'source.toolkit.fluxcd.io/v1',
            kind: 'HelmRepository',
            metadata: { name: 'k0rdent', namespace: ns },
            spec: { url, interval: '10m' },
          });
        } catch (e) {
          if (isNotFound(e)) return undefined;
          throw e;
        }
      });
      cloud = new SimulatedCloud({ clock: systemClock, path: join(root, 'cloud.db') });
      ctl = await startKubeController({
        store,
        registry: embeddedRegistry(cloud),
        clock: systemClock,
        catalog: new TemplateCatalog(),
        policies: [],
        logger: createLogger({ level: 'error', component: 'clustermint-controller' }),
        namespace: ns,
        controller: { pollMs: 200, chartCacheDir: join(root, 'cache') },
      });
    });

    afterAll(async () => {
      await ctl?.stop();
      await store?.close();
      cloud?.close();
      await new Promise((r) => server?.close(r));
      if (root) rmSync(root, { recursive: true, force: true });
    });

    const template = async (name: string, version: string) =>
      store.create({
        ...CT,
        metadata: { name, namespace: ns },
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
    const status = async (name: string) =>
      (await store.get({ ...CT, namespace: ns, name })).status as Record<string, unknown> | undefined;
    const cd = async (name: string) => (await store.get({ ...CD, namespace: ns, name })) as CDObject;
    const condition = async (name: string, type: string) =>
      (await cd(name)).status?.conditions?.find((c) => c.type === type);

    it('writes the template status and renders deployments with its chart; a broken chart is invalid', async () => {
      await template('docker-hosted-cp-1-0-15', '1.0.x');
      await template('docker-hosted-cp-9-9-9', '9.9.9');
      await store.create({
        ...CD,
        metadata: { name: 'dev', namespace: ns },
        spec: { template: 'docker-hosted-cp-1-0-15', dryRun: true, config: { workersNumber: 2 } },
      });
      await store.create({
        ...CD,
        metadata: { name: 'bad', namespace: ns },
        spec: { template: 'docker-hosted-cp-9-9-9', dryRun: true },
      });

      const good = await eventually('the template valid', async () =>
        (await status('docker-hosted-cp-1-0-15'))?.valid === true
          ? status('docker-hosted-cp-1-0-15')
          : undefined,
      );
      expect(good).toMatchObject({ chartVersion: '1.0.15', chartDigest: goodDigest, observedGeneration: 1 });
      expect((good!.config as Record<string, unknown>).workersNumber).toBe(1);
      expect(good!.configSchema).toEqual(
        JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')),
      );
      const bad = await eventually('the broken template invalid', async () =>
        (await status('docker-hosted-cp-9-9-9'))?.valid === false
          ? status('docker-hosted-cp-9-9-9')
          : undefined,
      );
      expect(String(bad!.validationError)).toMatch(/devcluster\.yaml/);

      await eventually('dev rendered', async () =>
        (await condition('dev', 'Ready'))?.reason === 'DryRun' ? true : undefined,
      );
      expect(await condition('dev', 'TemplateReady')).toMatchObject({ status: 'True' });
      // a dry run applies nothing: what it rendered is what the gate renders with the template's
      // chart, found by the digest the controller recorded (its chart cache on disk)
      expect((await cd('dev')).status?.applied).toBeUndefined();
      const catalog = new TemplateCatalog();
      const loader = new TemplateChartLoader({ catalog, cacheDir: join(root, 'cache') });
      const dev = await cd('dev');
      const objects = new GateRunner(catalog, [], 16, loader).run(
        dev,
        undefined,
        await deploymentTemplate(store, loader, ns, 'docker-hosted-cp-1-0-15'),
      ).objects as Array<{
        kind: string;
        spec?: { replicas?: number };
      }>;
      expect(objects.find((o) => o.kind === 'MachineDeployment')?.spec?.replicas).toBe(2);

      const tr = await eventually('bad refused', async () => {
        const c = await condition('bad', 'TemplateReady');
        return c?.reason === 'TemplateInvalid' ? c : undefined;
      });
      expect(tr.message).toContain(
        `the ClusterTemplate ${ns}/docker-hosted-cp-9-9-9 is invalid with the error: `,
      );
      expect(requests.filter((r) => r.endsWith('.tgz')).sort()).toEqual([
        'docker-hosted-cp-1.0.15.tgz',
        'docker-hosted-cp-9.9.9.tgz',
      ]);
    });
  },
);
