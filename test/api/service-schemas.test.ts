/**
 * The add-on kinds' JSON schemas and CRDs: the examples in examples/services/ pass both the readers
 * and the schemas; the schemas accept what the readers accept; the generated CRDs (deploy/crds/ and
 * deploy/crds/optional/) are structural and their CEL rules say k0rdent's words, checked offline with
 * the same OpenAPI and CEL code the webhook uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readClusterDeployment } from '../../src/api/cluster-deployment.js';
import {
  isClusterResourceSet,
  isMultiClusterService,
  isServiceTemplate,
  readClusterResourceSet,
  readMultiClusterService,
  readServiceTemplate,
} from '../../src/api/services.js';
import { child, errorText, pathOf } from '../../src/k8s/field.js';
import { toOrdinaryTree } from '../../src/util/plain-object.js';
import { parseYamlSource } from '../../src/util/yaml-source.js';
import { createAjv } from '../../src/validate/ajv.js';
import { compileSchema, type JSONSchemaProps, validateStructural } from '../../src/validate/openapi/index.js';
import { storedKindProblems } from '../../src/validate/stored-kinds.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples', 'services');
const schema = (rel: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', rel), 'utf8'));
const CD_SCHEMA = schema('clustermint.io/v1alpha1/ClusterDeployment.json');
const MCS_SCHEMA = schema('clustermint.io/v1alpha1/MultiClusterService.json');
const ajv = createAjv('draft-07');
const validateCd = ajv.compile(CD_SCHEMA);
const validateMcs = ajv.compile(MCS_SCHEMA);

const docs = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((f) =>
    parseYamlSource(readFileSync(join(EXAMPLES, f), 'utf8'), join(EXAMPLES, f)).map((doc) => ({
      file: f,
      doc,
    })),
  );

describe('examples/services', () => {
  it('holds each kind the docs show', () => {
    expect(docs.map((d) => `${d.file} ${(d.doc.value as { kind: string }).kind}`)).toEqual([
      '01-resources-template.yaml ConfigMap',
      '01-resources-template.yaml ServiceTemplate',
      '02-helm-template.yaml ServiceTemplate',
      '02-helm-template.yaml HelmRepository',
      '02-helm-template.yaml ServiceTemplate',
      '03-multiclusterservice.yaml ConfigMap',
      '03-multiclusterservice.yaml MultiClusterService',
      '04-clusterresourceset.yaml ConfigMap',
      '04-clusterresourceset.yaml Secret',
      '04-clusterresourceset.yaml ClusterResourceSet',
      '05-adopted-cluster.yaml Secret',
      '05-adopted-cluster.yaml ClusterDeployment',
    ]);
  });

  it.each(docs.map((d) => [`${d.file} ${(d.doc.value as { kind: string }).kind}`, d] as const))(
    '%s: its reader and its schema accept it',
    (_, { file, doc }) => {
      const v = doc.value as { apiVersion: string; kind: string };
      const read = isServiceTemplate(v)
        ? readServiceTemplate(v)
        : isMultiClusterService(v)
          ? readMultiClusterService(v)
          : isClusterResourceSet(v)
            ? readClusterResourceSet(v)
            : undefined;
      if (read) expect('problems' in read ? read.problems : []).toEqual([]);
      if (v.kind === 'ClusterDeployment') {
        expect(readClusterDeployment(file, doc).spec.serviceSpec?.services).toHaveLength(1);
        expect(validateCd(toOrdinaryTree(v)), JSON.stringify(validateCd.errors)).toBe(true);
      } else {
        // every other kind is one apply checks against its schema
        expect(storedKindProblems(toOrdinaryTree(v) as object)).toEqual([]);
        // (Flux's HelmRepository schema keeps unknown top-level fields; the others are closed)
        if (v.kind !== 'HelmRepository')
          expect(storedKindProblems({ ...(toOrdinaryTree(v) as object), bogus: 1 } as object)).not.toEqual(
            [],
          );
      }
    },
  );
});

describe('ServiceSpec schema', () => {
  it('is one definition, the same in ClusterDeployment and MultiClusterService', () => {
    for (const k of ['serviceSpec', 'service'])
      expect(MCS_SCHEMA.definitions[k]).toEqual(CD_SCHEMA.definitions[k]);
  });

  const cd = (serviceSpec: unknown) => ({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'ClusterDeployment',
    metadata: { name: 'a' },
    spec: { template: 't', serviceSpec },
  });
  const mcs = (serviceSpec: unknown) => ({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'MultiClusterService',
    metadata: { name: 'a' },
    spec: { serviceSpec },
  });

  it('accepts everything readServiceSpec accepts (every field, the bounds)', () => {
    const rich = {
      services: [
        {
          name: 'a'.repeat(63),
          namespace: 'apps',
          template: 'app-1-0-0',
          templateChain: 'chain',
          version: '1.0.0',
          values: 'x: 1\n',
          valuesFrom: [{ kind: 'Secret', name: 'v' }],
          dependsOn: [{ name: 'b' }, { name: 'c', namespace: 'd' }],
          disable: true,
          helmOptions: { wait: true, timeout: '5m' },
        },
        ...Array.from({ length: 999 }, (_, i) => ({ name: `s${i}`, template: 't' })),
      ],
      priority: 2147483646,
      syncMode: 'ContinuousWithDriftDetection',
      driftExclusions: [
        { paths: ['/spec/replicas'], target: { kind: 'Deployment', name: 'x', namespace: 'y' } },
      ],
      stopOnConflict: false,
      continueOnError: true,
    };
    for (const s of [rich, {}, { services: [] }, { priority: 1 }]) {
      expect(validateCd(cd(s)), JSON.stringify(validateCd.errors)).toBe(true);
      expect(validateMcs(mcs(s)), JSON.stringify(validateMcs.errors)).toBe(true);
    }
  });

  it('refuses what the reader refuses where a schema can say it', () => {
    for (const s of [
      { priority: 0 },
      { syncMode: 'Sometimes' },
      { services: [{ name: 'Bad_Name', template: 't' }] },
      { services: [{ name: 'a', template: 't', values: { x: 1 } }] },
      { services: [{ name: 'a', template: 't', valuesFrom: [{ kind: 'Deployment', name: 'x' }] }] },
      { services: [{ name: 'a', template: 't', dependsOn: ['b'] }] },
      { provider: {} },
    ])
      expect(validateCd(cd(s)), JSON.stringify(s)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------- CRDs

const { generateCrds } = (await import(join(ROOT, 'scripts', 'gen-crds.js'))) as {
  generateCrds: () => {
    file: string;
    crd: {
      spec: {
        names: { kind: string };
        scope: string;
        versions: { schema: { openAPIV3Schema: JSONSchemaProps } }[];
      };
    };
  }[];
};
const generated = generateCrds();
const crdOf = (kind: string) => {
  const g = generated.find((x) => x.crd.spec.names.kind === kind);
  if (!g) throw new Error(`no CRD for ${kind}`);
  return g;
};

/** Without transition rules (`oldSelf`): on create the apiserver does not run them. */
const withoutTransitionRules = (s: unknown): unknown =>
  JSON.parse(JSON.stringify(s), (k, v) =>
    k === 'x-kubernetes-validations'
      ? (v as { rule: string }[]).filter((r) => !r.rule.includes('oldSelf'))
      : v,
  );

/** The apiserver's verdict on a new object (after defaulting): OpenAPI and CEL errors. */
function crdErrors(kind: string, o: object): string[] {
  const c = compileSchema(
    withoutTransitionRules(crdOf(kind).crd.spec.versions[0].schema.openAPIV3Schema) as JSONSchemaProps,
  );
  const d = c.defaulted(o);
  return [...c.validate(d, pathOf()), ...c.validateCel(d, undefined, pathOf())].map(errorText);
}

describe('the add-on kinds’ CRDs', () => {
  it('go to deploy/crds (clustermint’s) and deploy/crds/optional (Cluster API’s, Sveltos’)', () => {
    const files = generated.map((g) => g.file);
    expect(files).toEqual(
      expect.arrayContaining([
        'clustermint.io_servicetemplates.yaml',
        'clustermint.io_servicetemplatechains.yaml',
        'clustermint.io_multiclusterservices.yaml',
        'optional/addons.cluster.x-k8s.io_clusterresourcesets.yaml',
        'optional/addons.cluster.x-k8s.io_clusterresourcesetbindings.yaml',
        'optional/lib.projectsveltos.io_sveltosclusters.yaml',
      ]),
    );
    expect(crdOf('MultiClusterService').crd.spec.scope).toBe('Cluster');
  });

  it('are structural', () => {
    for (const g of generated) {
      const errors = validateStructural(
        g.crd.spec.versions[0].schema.openAPIV3Schema,
        child(undefined, 'openAPIV3Schema'),
        'root',
      ).map(errorText);
      expect(errors, g.file).toEqual([]);
    }
  });

  const obj = (apiVersion: string, kind: string, spec: unknown) => ({
    apiVersion,
    kind,
    metadata: { name: 'x' },
    spec,
  });
  const ST = (spec: unknown) => obj('clustermint.io/v1alpha1', 'ServiceTemplate', spec);

  it("ServiceTemplate: k0rdent's messages for helm / kustomize / resources", () => {
    const helm = { chartSpec: { chart: 'ingress-nginx', version: '4.11.3' } };
    const resources = { localSourceRef: { kind: 'ConfigMap', name: 'm' } };
    expect(crdErrors('ServiceTemplate', ST({ helm }))).toEqual([]);
    expect(crdErrors('ServiceTemplate', ST({ resources }))).toEqual([]);
    expect(crdErrors('ServiceTemplate', ST({ helm, resources })).join('\n')).toContain(
      'Helm, Kustomize and Resources are mutually exclusive',
    );
    expect(crdErrors('ServiceTemplate', ST({ version: '1' })).join('\n')).toContain(
      'One of Helm, Kustomize, or Resources must be specified',
    );
    expect(crdErrors('ServiceTemplate', ST({ kustomize: {} })).join('\n')).toContain(
      'kustomize is not supported by clustermint',
    );
  });

  it('ClusterDeployment: the apiserver fills in the serviceSpec defaults the reader applies', () => {
    const c = compileSchema(crdOf('ClusterDeployment').crd.spec.versions[0].schema.openAPIV3Schema);
    const d = c.defaulted(
      obj('clustermint.io/v1alpha1', 'ClusterDeployment', {
        template: 't',
        serviceSpec: { services: [{ name: 'a', template: 't' }] },
      }),
    ) as { spec: { serviceSpec: unknown } };
    expect(d.spec.serviceSpec).toEqual({
      services: [{ name: 'a', namespace: 'default', template: 't' }],
      priority: 100,
      syncMode: 'Continuous',
    });
  });

  it('ClusterResourceSet and SveltosCluster accept what the examples and the adopted-cluster chart give', () => {
    const crs = docs.find((d) => (d.doc.value as { kind: string }).kind === 'ClusterResourceSet')!.doc.value;
    expect(crdErrors('ClusterResourceSet', toOrdinaryTree(crs) as object)).toEqual([]);
    expect(
      crdErrors(
        'SveltosCluster',
        obj('lib.projectsveltos.io/v1beta1', 'SveltosCluster', {
          kubeconfigName: 'k',
          consecutiveFailureThreshold: 3,
        }),
      ),
    ).toEqual([]);
    expect(
      crdErrors(
        'SveltosCluster',
        obj('lib.projectsveltos.io/v1beta1', 'SveltosCluster', { consecutiveFailureThreshold: 0 }),
      ).join('\n'),
    ).toContain('consecutiveFailureThreshold');
  });
});
