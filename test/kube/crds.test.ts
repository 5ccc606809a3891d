// The CRDs in deploy/crds/: generated from schemas/ (the committed files are the generator's
// output), structural, and accepted by a real kube-apiserver, which then validates, prunes and
// prints objects of each kind as their schemas say.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { child, errorText } from '../../src/k8s/field.js';
import { isStoreError } from '../../src/store/errors.js';
import { loadKubeconfig } from '../../src/store/kube/config.js';
import { CRD_DIR, installCrds, loadCrds } from '../../src/store/kube/crds.js';
import { KubeStore } from '../../src/store/kube/store.js';
import type { KubeObject, NewObject } from '../../src/store/types.js';
import type { JSONSchemaProps } from '../../src/validate/openapi/index.js';
import { validateStructural } from '../../src/validate/openapi/index.js';
import { kubeTestenv } from '../testenv/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const GENERATOR = join(ROOT, 'scripts', 'gen-crds.js');

function generator(...args: string[]) {
  return spawnSync(process.execPath, [GENERATOR, ...args], { encoding: 'utf8' });
}

interface CrdSpec {
  group: string;
  scope: string;
  names: { kind: string; plural: string; shortNames?: string[]; categories?: string[] };
  versions: {
    name: string;
    subresources?: { status?: object };
    additionalPrinterColumns?: { name: string; jsonPath: string }[];
    schema: { openAPIV3Schema: JSONSchemaProps };
  }[];
}
const specOf = (crd: NewObject) => crd.spec as CrdSpec;

describe('CRD generation', () => {
  it('the committed CRDs are exactly the generator output', () => {
    const r = generator('--check');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('--check names a CRD that was edited by hand, and one that the generator does not make', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clustermint-crds-'));
    cpSync(CRD_DIR, dir, { recursive: true });
    const file = join(dir, 'clustermint.io_machines.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('- mach', '- machx'));
    writeFileSync(join(dir, 'extra.yaml'), 'kind: ConfigMap\n');
    const r = generator('--check', '--out', dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('clustermint.io_machines.yaml, extra.yaml (not generated)');
  });

  it('makes every kind with its names, scope, status subresource and printer columns', () => {
    const crds = loadCrds();
    const summary = crds.map((crd) => {
      const s = specOf(crd);
      return `${s.names.kind}.${s.group} ${s.scope} ${s.names.shortNames?.join(',')} status=${!!s.versions[0].subresources?.status}`;
    });
    expect(summary).toEqual([
      'AccessManagement.clustermint.io Cluster am status=true',
      'ClusterDeployment.clustermint.io Namespaced cld,clusterd status=true',
      'ClusterTemplateChain.clustermint.io Namespaced ctc status=true',
      'ClusterTemplate.clustermint.io Namespaced ctpl,clustertmpl status=true',
      'Credential.clustermint.io Namespaced cred status=true',
      'DeploymentHistory.clustermint.io Namespaced cdhist status=false',
      'Machine.clustermint.io Namespaced mach status=true',
      'MultiClusterService.clustermint.io Cluster mcs status=true',
      'ProviderInterface.clustermint.io Cluster pi status=false',
      'ServiceTemplateChain.clustermint.io Namespaced stc status=true',
      'ServiceTemplate.clustermint.io Namespaced svctmpl status=true',
      'SimulatedClusterIdentity.infrastructure.clustermint.io Cluster undefined status=false',
      'ValidatingPolicy.json.kyverno.io Cluster kjvp status=false',
    ]);
    for (const crd of crds) {
      expect(specOf(crd).names.categories).toContain('clustermint');
      expect(specOf(crd).versions[0].additionalPrinterColumns?.at(-1)?.name).toBe('Age');
    }
  });

  it('gives structural schemas (every level typed or preserving unknown fields)', () => {
    for (const crd of loadCrds()) {
      const schema = specOf(crd).versions[0].schema.openAPIV3Schema;
      const errors = validateStructural(schema, child(undefined, 'openAPIV3Schema'), 'root').map(errorText);
      expect(errors, crd.metadata.name).toEqual([]);
    }
  });

  it('refuses a source schema that is not structural, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clustermint-schemas-'));
    cpSync(join(ROOT, 'schemas'), dir, { recursive: true });
    const file = join(dir, 'clustermint.io', 'v1alpha1', 'Machine.json');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    schema.properties.spec.properties.version = { description: 'no type' };
    writeFileSync(file, JSON.stringify(schema));
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { generateCrds } from ${JSON.stringify(GENERATOR)}; generateCrds(${JSON.stringify(dir)});`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('clustermint.io/v1alpha1/Machine.json: .spec.version: no type');
  });
});

const env = await kubeTestenv('CRD tests');

describe.skipIf(!env)('CRDs on a real kube-apiserver', () => {
  let store: KubeStore;
  let installed: KubeObject[];
  const ns = `crds-${randomBytes(4).toString('hex')}`;
  const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };

  beforeAll(async () => {
    store = new KubeStore(await loadKubeconfig(env!.kubeconfig), { fieldManager: 'clustermint-crd-test' });
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    installed = await installCrds(store);
  });
  afterAll(() => store?.close());

  it('installs every CRD: Established, with its short names and categories accepted', async () => {
    expect(installed.map((c) => c.metadata.name)).toEqual(loadCrds().map((c) => c.metadata.name));
    for (const crd of installed) {
      const accepted = (crd.status as { acceptedNames: { shortNames?: string[]; categories?: string[] } })
        .acceptedNames;
      expect(accepted.shortNames).toEqual(specOf(crd).names.shortNames);
      expect(accepted.categories).toEqual(specOf(crd).names.categories);
    }
    // Installing again is a no-op.
    const again = await installCrds(store);
    expect(again.map((c) => c.metadata.resourceVersion)).toEqual(
      installed.map((c) => c.metadata.resourceVersion),
    );
  });

  const cases: {
    kind: string;
    apiVersion: string;
    valid: unknown;
    invalid: unknown;
    error: RegExp | RegExp[];
  }[] = [
    {
      kind: 'ClusterDeployment',
      apiVersion: 'clustermint.io/v1alpha1',
      valid: {
        template: 'aws-standalone-cp-1-0-43',
        config: { region: 'eu-west-1', nested: { any: [1, 'x'] } },
        dryRun: true,
      },
      invalid: { template: '', dryRun: 'yes' },
      error:
        // The apiserver lists these two in either order.
        [
          /spec\.dryRun: Invalid value: "string": spec\.dryRun in body must be of type boolean/,
          /spec\.template: Invalid value: "": spec\.template in body should be at least 1 chars long/,
        ],
    },
    {
      kind: 'ClusterTemplate',
      apiVersion: 'clustermint.io/v1alpha1',
      valid: {
        helm: { chartSpec: { chart: 'aws-standalone-cp', version: '1.0.43' } },
        providers: ['infrastructure-aws'],
      },
      invalid: { helm: { chartSpec: { chart: 'a' }, chartRef: { kind: 'HelmChart', name: 'a' } } },
      error: /spec\.helm: Invalid value: chartSpec, chartSource and chartRef are mutually exclusive$/,
    },
    {
      kind: 'ClusterTemplateChain',
      apiVersion: 'clustermint.io/v1alpha1',
      valid: {
        supportedTemplates: [
          { name: 'a-1-0-0', availableUpgrades: [{ name: 'a-1-0-1' }] },
          { name: 'a-1-0-1' },
        ],
      },
      invalid: { supportedTemplates: [{ name: 'a-1-0-0' }, { name: 'a-1-0-0' }] },
      error: /spec\.supportedTemplates\[1\]: Duplicate value: \{"name":"a-1-0-0"\}$/,
    },
    {
      kind: 'Machine',
      apiVersion: 'clustermint.io/v1alpha1',
      valid: { clusterName: 'c1', role: 'control-plane', version: 'v1.31.2', failureDomain: 'eu-west-1a' },
      invalid: { clusterName: 'c1', role: 'boss' },
      error: /spec\.role: Unsupported value: "boss": supported values: "control-plane", "worker"/,
    },
    {
      kind: 'ServiceTemplate',
      apiVersion: 'clustermint.io/v1alpha1',
      valid: {
        helm: { chartSpec: { chart: 'ingress-nginx', version: '4.11.3' } },
        k8sConstraint: '>=1.30.0',
      },
      invalid: {
        helm: { chartSpec: { chart: 'a' } },
        resources: { localSourceRef: { kind: 'ConfigMap', name: 'm' } },
      },
      error: /spec: Invalid value: .*Helm, Kustomize and Resources are mutually exclusive/,
    },
    {
      kind: 'MultiClusterService',
      apiVersion: 'clustermint.io/v1alpha1',
      valid: {
        clusterSelector: { matchLabels: { env: 'dev' } },
        serviceSpec: {
          services: [{ name: 'ingress', namespace: 'default', template: 'ingress-nginx-4-11-3' }],
          priority: 100,
          syncMode: 'Continuous',
        },
      },
      invalid: {
        serviceSpec: {
          services: [
            { name: 'a', template: 't' },
            { name: 'a', template: 'u' },
          ],
        },
      },
      error: /spec\.serviceSpec\.services\[1\]: Duplicate value/,
    },
    {
      kind: 'Credential',
      apiVersion: 'clustermint.io/v1alpha1',
      valid: {
        identityRef: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
          kind: 'AWSClusterStaticIdentity',
          name: 'aws-id',
        },
        region: 'eu-west-1',
      },
      invalid: { identityRef: { name: 'aws-id' } },
      error: /spec\.identityRef\.kind: Required value/,
    },
    {
      kind: 'AccessManagement',
      apiVersion: 'clustermint.io/v1alpha1',
      valid: {
        accessRules: [
          {
            targetNamespaces: { list: ['team-a'] },
            clusterTemplateChains: ['aws-chain'],
            credentials: ['aws-cred'],
          },
        ],
      },
      invalid: { accessRules: [{ targetNamespaces: { list: ['team-a'], stringSelector: 'team=a' } }] },
      error:
        /spec\.accessRules\[0\]\.targetNamespaces: .*only one of list, selector, stringSelector can be specified/,
    },
    {
      kind: 'ValidatingPolicy',
      apiVersion: 'json.kyverno.io/v1alpha1',
      valid: {
        rules: [
          {
            name: 'replicas',
            match: { any: [{ kind: 'MachineDeployment' }] },
            assert: { all: [{ message: 'at least one', check: { spec: { '(replicas >= `1`)': true } } }] },
          },
        ],
      },
      invalid: { rules: [{ assert: {}, compiler: 'python' }] },
      error:
        /spec\.rules\[0\]\.compiler: Unsupported value: "python": supported values: "jp", "cel".*spec\.rules\[0\]\.name: Required value/,
    },
  ];

  for (const c of cases) {
    it(`${c.kind}: stores a valid object as given and rejects an invalid one naming the field`, async () => {
      const name = `${c.kind.toLowerCase()}-${randomBytes(3).toString('hex')}`;
      const namespaced = !['ValidatingPolicy', 'MultiClusterService', 'AccessManagement'].includes(c.kind);
      const meta = namespaced ? { name, namespace: ns } : { name };
      const created = await store.create({
        apiVersion: c.apiVersion,
        kind: c.kind,
        metadata: meta,
        spec: c.valid,
      });
      expect(created.spec).toEqual(c.valid);
      expect(created.metadata.namespace).toBe(namespaced ? ns : undefined);
      let error: unknown;
      try {
        await store.create({
          apiVersion: c.apiVersion,
          kind: c.kind,
          metadata: { ...meta, name: `${name}-bad` },
          spec: c.invalid,
        });
      } catch (e) {
        error = e;
      }
      expect(isStoreError(error, 'Invalid'), String(error)).toBe(true);
      for (const re of [c.error].flat()) expect((error as Error).message).toMatch(re);
      // the API server is shared by the kube tests: an AccessManagement left behind would put the
      // others in tenancy mode, a Credential would make them judge Credentials
      await store.delete({ apiVersion: c.apiVersion, kind: c.kind, ...meta });
    });
  }

  it('prunes fields the schema does not know, keeps free-form config', async () => {
    const created = await store.create({
      ...CD,
      metadata: { name: 'pruned', namespace: ns },
      spec: { template: 't', unknownField: 1, config: { unknownField: 1 } },
    });
    expect(created.spec).toEqual({ template: 't', config: { unknownField: 1 } });
  });

  it('prints the columns kubectl shows, from status written through the status subresource', async () => {
    const v1 = await store.create({
      ...CD,
      metadata: { name: 'printed', namespace: ns },
      spec: { template: 'tpl-1-0-0' },
    });
    await store.updateStatus({
      ...v1,
      status: {
        k8sVersion: 'v1.31.2',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-02T03:04:05Z' }],
        machines: { controlPlane: { desired: 3, ready: 3 }, workers: { desired: 2, ready: 1 } },
      },
    } as KubeObject);
    const table = await store.http.request<{
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    }>({
      method: 'GET',
      path: `/apis/clustermint.io/v1alpha1/namespaces/${ns}/clusterdeployments/printed`,
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const columns = table.columnDefinitions.map((c) => c.name);
    expect(columns).toEqual([
      'Name',
      'Ready',
      'Template',
      'Version',
      'Control-Plane',
      'Workers',
      'DryRun',
      'Age',
    ]);
    expect(table.rows[0].cells.slice(0, 6)).toEqual(['printed', 'True', 'tpl-1-0-0', 'v1.31.2', 3, 1]);
  });
});
