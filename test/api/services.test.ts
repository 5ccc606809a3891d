import { describe, expect, it } from 'vitest';
import { MAX_PROBLEMS } from '../../src/api/read-problems.js';
import {
  type ReadResult,
  readClusterResourceSet,
  readMultiClusterService,
  readServiceSpec,
  readServiceTemplate,
} from '../../src/api/services.js';
import { parseYamlSource } from '../../src/util/yaml-source.js';

const problems = <T>(r: ReadResult<T>) =>
  'problems' in r ? r.problems.map((p) => `${p.path}: ${p.message}`) : [];
const spec = <T>(r: ReadResult<T>): T => {
  if ('problems' in r) throw new Error(`unexpected problems: ${problems(r).join('\n')}`);
  return r.spec;
};
/** The value of a YAML text, as the CLI reads it (prototype-less maps). */
const yaml = (text: string): unknown => parseYamlSource(text, 'test.yaml')[0]!.value;
const at = ['spec', 'serviceSpec'];

describe('readServiceSpec', () => {
  it('applies the defaults: namespace default, priority 100, syncMode Continuous', () => {
    const s = spec(
      readServiceSpec({ services: [{ name: 'ingress', template: 'ingress-nginx-4-11-3' }] }, at),
    );
    expect(s).toEqual({
      services: [{ name: 'ingress', namespace: 'default', template: 'ingress-nginx-4-11-3' }],
      priority: 100,
      syncMode: 'Continuous',
    });
    expect(spec(readServiceSpec({}, at))).toEqual({ services: [], priority: 100, syncMode: 'Continuous' });
  });

  it('keeps every field it knows, dependsOn namespaces defaulted', () => {
    const s = spec(
      readServiceSpec(
        yaml(`
services:
  - name: app
    namespace: apps
    template: app-1-0-0
    templateChain: app-chain
    version: 1.0.0
    values: |
      replicas: 2
    valuesFrom: [{kind: ConfigMap, name: app-values}, {kind: Secret, name: app-secrets}]
    dependsOn: [{name: ingress}, {name: db, namespace: data}]
    disable: false
    helmOptions: {wait: true}
priority: 2147483646
syncMode: DryRun
driftExclusions:
  - paths: [/spec/replicas, spec.template.metadata.annotations]
    target: {kind: Deployment, namespace: apps}
stopOnConflict: true
continueOnError: false
`),
        at,
      ),
    );
    expect(JSON.parse(JSON.stringify(s))).toEqual({
      services: [
        {
          name: 'app',
          namespace: 'apps',
          template: 'app-1-0-0',
          templateChain: 'app-chain',
          version: '1.0.0',
          values: 'replicas: 2\n',
          valuesFrom: [
            { kind: 'ConfigMap', name: 'app-values' },
            { kind: 'Secret', name: 'app-secrets' },
          ],
          dependsOn: [
            { name: 'ingress', namespace: 'default' },
            { name: 'db', namespace: 'data' },
          ],
          disable: false,
          helmOptions: { wait: true },
        },
      ],
      priority: 2147483646,
      syncMode: 'DryRun',
      driftExclusions: [
        {
          paths: ['/spec/replicas', 'spec.template.metadata.annotations'],
          target: { kind: 'Deployment', namespace: 'apps' },
        },
      ],
      stopOnConflict: true,
      continueOnError: false,
    });
  });

  it('reports every problem with its JSON path', () => {
    const r = readServiceSpec(
      yaml(`
services:
  - name: ok
    template: t
  - name: Not_A_Label
    template: t
  - name: ok
    template: t2
  - name: ok
    namespace: other
    template: t
  - name: deps
    template: t
    dependsOn: [ingress, {namespace: x}]
    values: {replicas: 2}
    valuesFrom: [{kind: Deployment, name: x}]
    disable: "yes"
  - template: t
  - name: extra
    template: t
    valueFrom: []
    helmAction: Uninstall
priority: 0
syncMode: Sometimes
driftExclusions: [{paths: []}, {paths: ["", 3], target: {group: apps}}]
provider: {name: sveltos}
stopOnConflict: 1
`),
      at,
    );
    expect(problems(r)).toEqual([
      '$.spec.serviceSpec.provider: provider is not supported by clustermint',
      '$.spec.serviceSpec.services[1].name: name "Not_A_Label" is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63)',
      '$.spec.serviceSpec.services[2]: duplicate service default/ok: services[0] has the same name and namespace',
      '$.spec.serviceSpec.services[4].values: values must be a string of YAML (use `values: |` and indent the values under it)',
      '$.spec.serviceSpec.services[4].valuesFrom[0].kind: kind must be ConfigMap or Secret (got "Deployment")',
      '$.spec.serviceSpec.services[4].dependsOn[0]: must be a map with the name (and namespace) of another service',
      '$.spec.serviceSpec.services[4].dependsOn[1].name: name is required: a DNS-1123 label (lowercase letters, digits and "-", at most 63)',
      '$.spec.serviceSpec.services[4].disable: must be a boolean (true or false)',
      '$.spec.serviceSpec.services[5].name: name is required: a DNS-1123 label (lowercase letters, digits and "-", at most 63)',
      '$.spec.serviceSpec.services[6].valueFrom: unknown field valueFrom',
      '$.spec.serviceSpec.services[6].helmAction: helmAction is not supported by clustermint',
      '$.spec.serviceSpec.priority: must be an integer from 1 to 2147483646 (got 0)',
      '$.spec.serviceSpec.syncMode: unknown syncMode "Sometimes": one of OneTime, Continuous, ContinuousWithDriftDetection, DryRun',
      '$.spec.serviceSpec.driftExclusions[0].paths: paths is required: a list of field paths such as /spec/replicas',
      '$.spec.serviceSpec.driftExclusions[1].paths[0]: must be a field path such as /spec/replicas or spec.replicas',
      '$.spec.serviceSpec.driftExclusions[1].paths[1]: must be a field path such as /spec/replicas or spec.replicas',
      '$.spec.serviceSpec.driftExclusions[1].target.group: unknown field group',
      '$.spec.serviceSpec.stopOnConflict: must be a boolean (true or false)',
    ]);
    // an unknown field points at its key
    expect('problems' in r && r.problems.find((p) => p.path.endsWith('valueFrom'))?.atKey).toBe(true);
  });

  it('refuses priorities out of range or not whole, and names the wrong types', () => {
    for (const priority of [2147483647, 1.5, '100', -1])
      expect(problems(readServiceSpec({ priority }, at))).toEqual([
        `$.spec.serviceSpec.priority: must be an integer from 1 to 2147483646 (got ${JSON.stringify(priority)})`,
      ]);
    expect(problems(readServiceSpec([], at))).toEqual([
      '$.spec.serviceSpec: must be a map (services, priority, syncMode, ...)',
    ]);
    expect(problems(readServiceSpec({ services: {} }, at))).toEqual([
      '$.spec.serviceSpec.services: must be a list',
    ]);
    expect(problems(readServiceSpec({ services: [null, 'x'] }, at))).toEqual([
      '$.spec.serviceSpec.services[0]: must be a map (name, namespace, template, ...)',
      '$.spec.serviceSpec.services[1]: must be a map (name, namespace, template, ...)',
    ]);
  });

  it('hostile input: __proto__ keys are plain unknown fields, nothing is polluted', () => {
    const r = readServiceSpec(
      yaml(`
__proto__: {polluted: true}
services:
  - name: a
    template: t
    __proto__: {isAdmin: true}
    constructor: x
`),
      at,
    );
    expect(problems(r)).toEqual([
      '$.spec.serviceSpec.__proto__: unknown field __proto__',
      '$.spec.serviceSpec.services[0].__proto__: unknown field __proto__',
      '$.spec.serviceSpec.services[0].constructor: unknown field constructor',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    // ordinary objects with a JSON-parsed __proto__ key too
    const fromJson = JSON.parse('{"services":[{"name":"a","template":"t","__proto__":{"x":1}}]}');
    expect(problems(readServiceSpec(fromJson, at))).toEqual([
      '$.spec.serviceSpec.services[0].__proto__: unknown field __proto__',
    ]);
  });

  it('hostile input: a huge list is refused at once, and the problems are bounded', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ name: `s${i}`, template: 't' }));
    expect(problems(readServiceSpec({ services: many }, at))).toEqual([
      '$.spec.serviceSpec.services: at most 1000 entries (got 5000)',
    ]);
    const bad = Array.from({ length: 1000 }, () => ({ name: 'BAD', template: 't' }));
    const r = readServiceSpec({ services: bad }, at);
    const list = problems(r);
    expect(list).toHaveLength(MAX_PROBLEMS + 1);
    expect(list.at(-1)).toBe(`$: and ${1000 - MAX_PROBLEMS} more problems`);
    // a long list of valid services is read in linear time
    const ok = Array.from({ length: 1000 }, (_, i) => ({ name: `s${i}`, template: 't' }));
    const t0 = performance.now();
    expect(spec(readServiceSpec({ services: ok }, at)).services).toHaveLength(1000);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('readServiceTemplate', () => {
  const tmpl = (s: unknown) => ({ apiVersion: 'clustermint.io/v1alpha1', kind: 'ServiceTemplate', spec: s });

  it('reads a Helm template and a resources template', () => {
    expect(
      spec(
        readServiceTemplate(
          tmpl({
            k8sConstraint: '>=1.30.0 <1.40.0',
            helm: {
              chartSpec: {
                chart: 'ingress-nginx',
                version: '4.11.3',
                sourceRef: { kind: 'HelmRepository', name: 'r' },
              },
            },
          }),
        ),
      ),
    ).toEqual({
      k8sConstraint: '>=1.30.0 <1.40.0',
      helm: {
        chartSpec: {
          chart: 'ingress-nginx',
          version: '4.11.3',
          sourceRef: { kind: 'HelmRepository', name: 'r' },
        },
      },
    });
    expect(
      spec(readServiceTemplate(tmpl({ helm: { chartRef: { kind: 'OCIRepository', name: 'c' } } }))),
    ).toEqual({
      helm: { chartRef: { kind: 'OCIRepository', name: 'c' } },
    });
    expect(
      spec(
        readServiceTemplate(
          tmpl({
            version: '1.0.0',
            resources: {
              localSourceRef: { kind: 'Secret', name: 'm', namespace: 'x' },
              path: 'a/',
              deploymentType: 'Remote',
            },
          }),
        ),
      ),
    ).toEqual({
      version: '1.0.0',
      resources: { localSourceRef: { kind: 'Secret', name: 'm', namespace: 'x' }, path: 'a/' },
    });
  });

  it("says k0rdent's words when helm, kustomize and resources are all or none", () => {
    expect(
      problems(
        readServiceTemplate(
          tmpl({
            helm: { chartRef: { kind: 'HelmChart', name: 'c' } },
            resources: { localSourceRef: { kind: 'ConfigMap', name: 'm' } },
          }),
        ),
      ),
    ).toEqual(['$.spec: Helm, Kustomize and Resources are mutually exclusive']);
    expect(problems(readServiceTemplate(tmpl({ version: '1' })))).toEqual([
      '$.spec: One of Helm, Kustomize, or Resources must be specified',
    ]);
    expect(
      problems(
        readServiceTemplate(tmpl({ kustomize: { localSourceRef: { kind: 'ConfigMap', name: 'k' } } })),
      ),
    ).toEqual(['$.spec.kustomize: kustomize is not supported by clustermint']);
  });

  it('locates the problems inside helm and resources', () => {
    expect(
      problems(
        readServiceTemplate(
          tmpl({
            helm: {
              chartSpec: { version: 4, sourceRef: { kind: 'Git', name: 'Bad Name' } },
              chartRef: { kind: 'X' },
              chartSource: {},
            },
            k8sConstraint: '',
          }),
        ),
      ),
    ).toEqual([
      '$.spec.helm.chartSource: chartSource is not supported by clustermint',
      '$.spec.helm: chartSpec, chartSource and chartRef are mutually exclusive',
      '$.spec.helm.chartSpec.chart: chart is required: the chart name',
      '$.spec.helm.chartSpec.version: must be a string',
      '$.spec.helm.chartSpec.sourceRef.kind: kind must be one of HelmRepository, GitRepository, Bucket',
      '$.spec.helm.chartSpec.sourceRef.name: name "Bad Name" is not a valid name (lowercase letters, digits, "-" and ".", at most 253)',
      '$.spec.helm.chartRef.kind: kind must be one of HelmChart, OCIRepository, ExternalArtifact',
      '$.spec.helm.chartRef.name: name is required',
      '$.spec.k8sConstraint: must be a semver constraint such as ">=1.30.0 <1.40.0"',
    ]);
    expect(
      problems(
        readServiceTemplate(
          tmpl({
            resources: { localSourceRef: { kind: 'GitRepository', name: 'g' }, deploymentType: 'Local' },
          }),
        ),
      ),
    ).toEqual([
      '$.spec.resources.deploymentType: deploymentType "Local" is not supported by clustermint (only Remote)',
      '$.spec.resources.localSourceRef.kind: kind GitRepository is not supported by clustermint (ConfigMap or Secret)',
    ]);
    expect(problems(readServiceTemplate(tmpl({ resources: { remoteSourceSpec: {} } })))).toEqual([
      '$.spec.resources.remoteSourceSpec: remoteSourceSpec is not supported by clustermint',
    ]);
    expect(problems(readServiceTemplate({ kind: 'ServiceTemplate' }))).toEqual([
      '$.spec: must be a map (spec is required)',
    ]);
    expect(problems(readServiceTemplate('nope'))).toEqual([
      '$: must be an object (apiVersion, kind, metadata, spec)',
    ]);
  });
});

describe('readMultiClusterService', () => {
  const mcs = (s: unknown) => ({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'MultiClusterService',
    spec: s,
  });

  it('applies the defaults and reads the selector and the services', () => {
    expect(spec(readMultiClusterService(mcs({})))).toEqual({
      clusterSelector: {},
      dependsOn: [],
      serviceSpec: { services: [], priority: 100, syncMode: 'Continuous' },
      keepServicesOnSelectorMismatch: false,
    });
    const s = spec(
      readMultiClusterService(
        yaml(`
spec:
  clusterSelector:
    matchLabels: {env: dev, example.com/tier: web}
    matchExpressions:
      - {key: region, operator: In, values: [eu, us]}
      - {key: legacy, operator: DoesNotExist}
  dependsOn: [cert-manager]
  keepServicesOnSelectorMismatch: true
  serviceSpec:
    services: [{name: ingress, template: ingress-nginx}]
`),
      ),
    );
    expect(JSON.parse(JSON.stringify(s))).toEqual({
      clusterSelector: {
        matchLabels: { env: 'dev', 'example.com/tier': 'web' },
        matchExpressions: [
          { key: 'region', operator: 'In', values: ['eu', 'us'] },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
      dependsOn: ['cert-manager'],
      serviceSpec: {
        services: [{ name: 'ingress', namespace: 'default', template: 'ingress-nginx' }],
        priority: 100,
        syncMode: 'Continuous',
      },
      keepServicesOnSelectorMismatch: true,
    });
  });

  it('reports selector, dependsOn and serviceSpec problems under spec', () => {
    expect(
      problems(
        readMultiClusterService(
          yaml(`
spec:
  clusterSelector:
    matchLabels: {"bad key!": x, env: "not a value"}
    matchExpressions:
      - {key: a, operator: Near, values: [x]}
      - {key: b, operator: In}
      - {key: c, operator: Exists, values: [x]}
  dependsOn: [a, a, {name: b}]
  serviceSpec: {services: [{name: x}]}
  keepServicesOnSelectorMismatch: "no"
  selector: {}
`),
        ),
      ),
    ).toEqual([
      '$.spec.selector: unknown field selector',
      `$.spec.clusterSelector.matchLabels["bad key!"]: invalid label key "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      '$.spec.clusterSelector.matchLabels.env: invalid label value "not a value": at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      '$.spec.clusterSelector.matchExpressions[0].operator: operator must be one of In, NotIn, Exists, DoesNotExist (got "Near")',
      '$.spec.clusterSelector.matchExpressions[1].values: values must be non-empty when operator is In',
      '$.spec.clusterSelector.matchExpressions[2].values: values must be empty when operator is Exists',
      '$.spec.dependsOn[1]: duplicate "a"',
      '$.spec.dependsOn[2]: a MultiClusterService name is required',
      '$.spec.serviceSpec.services[0].template: template (a ServiceTemplate name) is required',
      '$.spec.keepServicesOnSelectorMismatch: must be a boolean (true or false)',
    ]);
  });
});

describe('readClusterResourceSet', () => {
  const crs = (s: unknown) => ({
    apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
    kind: 'ClusterResourceSet',
    spec: s,
  });

  it('defaults the strategy to ApplyOnce', () => {
    expect(
      spec(
        readClusterResourceSet(crs({ clusterSelector: {}, resources: [{ name: 'cni', kind: 'ConfigMap' }] })),
      ),
    ).toEqual({
      clusterSelector: {},
      resources: [{ name: 'cni', kind: 'ConfigMap' }],
      strategy: 'ApplyOnce',
    });
    expect(
      spec(
        readClusterResourceSet(
          crs({
            clusterSelector: { matchLabels: { cni: 'calico' } },
            resources: [{ name: 's', kind: 'Secret' }],
            strategy: 'Reconcile',
          }),
        ),
      ).strategy,
    ).toBe('Reconcile');
  });

  it('requires a selector and at least one Secret or ConfigMap, as Cluster API does', () => {
    expect(problems(readClusterResourceSet(crs({})))).toEqual([
      '$.spec.clusterSelector: clusterSelector is required (an empty one matches no cluster)',
      '$.spec.resources: resources is required: at least one {name, kind: Secret|ConfigMap}',
    ]);
    expect(
      problems(
        readClusterResourceSet(
          crs({
            clusterSelector: {},
            resources: [{ name: 'x', kind: 'Deployment' }, { kind: 'Secret' }, 'x'],
            strategy: 'Always',
          }),
        ),
      ),
    ).toEqual([
      '$.spec.resources[0].kind: kind must be Secret or ConfigMap (got "Deployment")',
      '$.spec.resources[1].name: name is required',
      '$.spec.resources[2]: must be a map (name, kind)',
      '$.spec.strategy: unknown strategy "Always": ApplyOnce or Reconcile',
    ]);
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `r${i}`, kind: 'Secret' }));
    expect(problems(readClusterResourceSet(crs({ clusterSelector: {}, resources: many })))).toEqual([
      '$.spec.resources: at most 100 entries (got 101)',
    ]);
  });
});
