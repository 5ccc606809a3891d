/**
 * The Helm parity cases: `helm template` command lines (the arguments after `template`) that
 * `clustermint template` must answer exactly as helm v4.3.2 does (parity.test.ts runs both).
 *
 * Three groups:
 * - the 18 k0rdent cluster templates with the values of test/fixtures/helm/k0rdent-values/
 *   (defaults + required, then the .full files that turn the optional blocks on), under varied
 *   release names, namespaces and kube versions, plus --set variants that reach the remaining
 *   branches and the charts' own failures;
 * - every `helm template` case of Helm's own test suite (template_test.go.txt), with its golden
 *   output under helm/output/; its chartPath is testcharts/subchart, so those cases run in the
 *   testcharts folder with the same relative paths;
 * - more cases over Helm's other test charts and over test/fixtures/helm/charts/release-info
 *   (release, chart, capabilities, files, hooks, tests, CRDs and the value-setting flags).
 *
 * Helm's `__complete` cases (TestTemplateVersionCompletion, TestTemplateFileCompletion) are shell
 * completion, not rendering, and are left out. `--repo` needs a chart repository server; the
 * chart source tests (test/resolve/chart-sources/) cover it.
 */
import { join } from 'node:path';
import { SHARED } from '../../helpers/shared.js';

export interface ParityCase {
  /** Unique, says what the case checks. */
  name: string;
  /** The arguments after `template`, for both `helm template` and `clustermint template`. */
  args: string[];
  /** The working folder of both runs (relative paths in args resolve there); default: unchanged. */
  cwd?: string;
  /** Ours must do what helm does: same stdout, same exit kind, helm's error message on stderr. */
  expect: 'same';
  /** What helm does with it (checked, so that a case cannot silently test something else). */
  helm: 'renders' | 'fails';
  /** Helm's golden output of this case (a file in helm/output/), for Helm's own cases. */
  golden?: string;
}

export const HELM_CONFORMANCE = join(SHARED, 'conformance', 'helm');
export const K0RDENT_CHARTS = join(HELM_CONFORMANCE, 'k0rdent', 'charts');
export const TESTCHARTS = join(HELM_CONFORMANCE, 'helm', 'testcharts');
export const GOLDEN_DIR = join(HELM_CONFORMANCE, 'helm', 'output');
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'helm');
export const K0RDENT_VALUES = join(FIXTURES, 'k0rdent-values');
const RELEASE_INFO = join(FIXTURES, 'charts', 'release-info');

export const K0RDENT_CHART_NAMES = [
  'adopted-cluster',
  'aws-eks',
  'aws-hosted-cp',
  'aws-standalone-cp',
  'azure-aks',
  'azure-hosted-cp',
  'azure-standalone-cp',
  'docker-hosted-cp',
  'gcp-gke',
  'gcp-hosted-cp',
  'gcp-standalone-cp',
  'kubevirt-hosted-cp',
  'kubevirt-standalone-cp',
  'openstack-hosted-cp',
  'openstack-standalone-cp',
  'remote-cluster',
  'vsphere-hosted-cp',
  'vsphere-standalone-cp',
] as const;
export type K0rdentChart = (typeof K0RDENT_CHART_NAMES)[number];

const chart = (c: K0rdentChart) => join(K0RDENT_CHARTS, c);
const base = (c: K0rdentChart) => join(K0RDENT_VALUES, `${c}.yaml`);
const full = (c: K0rdentChart) => join(K0RDENT_VALUES, `${c}.full.yaml`);

/** Release name, namespace and kube version per chart, so that the runs do not all look alike. */
const k0rdentRuns: Record<K0rdentChart, { release: string; ns: string; kube?: string }> = {
  'adopted-cluster': { release: 'edge-fra1', ns: 'kcm-system' },
  'aws-eks': { release: 'data-platform', ns: 'team-data', kube: '1.35.2' },
  'aws-hosted-cp': { release: 'payments', ns: 'kcm-system' },
  'aws-standalone-cp': { release: 'eu1', ns: 'kcm-system', kube: 'v1.36.3' },
  'azure-aks': { release: 'analytics', ns: 'team-analytics' },
  'azure-hosted-cp': { release: 'devex', ns: 'team-devex', kube: '1.34.0' },
  'azure-standalone-cp': { release: 'checkout-prod', ns: 'team-checkout' },
  'docker-hosted-cp': { release: 'ci-88412', ns: 'ci' },
  'gcp-gke': { release: 'search', ns: 'team-search', kube: '1.33.5' },
  'gcp-hosted-cp': { release: 'web-staging', ns: 'team-web' },
  'gcp-standalone-cp': { release: 'ml-prod', ns: 'team-ml' },
  'kubevirt-hosted-cp': { release: 'lab-hosted', ns: 'lab', kube: '1.36.0' },
  'kubevirt-standalone-cp': { release: 'lab', ns: 'lab' },
  'openstack-hosted-cp': { release: 'edge-prod', ns: 'edge' },
  'openstack-standalone-cp': { release: 'telco', ns: 'telco', kube: '1.32.9' },
  'remote-cluster': { release: 'dc1', ns: 'dc1' },
  'vsphere-hosted-cp': { release: 'dc2-staging', ns: 'dc2' },
  'vsphere-standalone-cp': { release: 'dc2', ns: 'default', kube: '1.36.3' },
};

function k0rdentCases(): ParityCase[] {
  const cases: ParityCase[] = [];
  for (const c of K0RDENT_CHART_NAMES) {
    const { release, ns, kube } = k0rdentRuns[c];
    const kubeArgs = kube ? ['--kube-version', kube] : [];
    cases.push({
      name: `k0rdent ${c}: defaults + required values`,
      args: [release, chart(c), '-f', base(c), '-n', ns],
      expect: 'same',
      helm: 'renders',
    });
    cases.push({
      name: `k0rdent ${c}: full values${kube ? `, kube ${kube}` : ''}`,
      args: [`${release}-full`, chart(c), '-f', base(c), '-f', full(c), '--namespace', ns, ...kubeArgs],
      expect: 'same',
      helm: 'renders',
    });
  }
  return cases;
}

/** --set variants that reach the branches the values files leave, and the charts' own failures. */
function k0rdentVariants(): ParityCase[] {
  const v = (name: string, c: K0rdentChart, helm: ParityCase['helm'], args: string[]): ParityCase => ({
    name: `k0rdent ${c}: ${name}`,
    args: [...args],
    expect: 'same',
    helm,
  });
  return [
    v('no values: its defaults only, release-name and default namespace', 'adopted-cluster', 'renders', [
      chart('adopted-cluster'),
    ]),
    v('labels by --set beside the Flux labels', 'adopted-cluster', 'renders', [
      'edge',
      chart('adopted-cluster'),
      '--set',
      'clusterLabels.team=platform,clusterLabels.tier=edge',
      '-n',
      'flux-system',
    ]),
    v('--set-string integer fails the schema', 'adopted-cluster', 'fails', [
      'edge',
      chart('adopted-cluster'),
      '--set-string',
      'consecutiveFailureThreshold=7',
    ]),
    v('release name not a DNS label', 'adopted-cluster', 'fails', ['Edge_FRA1', chart('adopted-cluster')]),
    v('release name longer than 53', 'adopted-cluster', 'fails', [
      'edge-cluster-in-frankfurt-for-the-retail-business-unit-02',
      chart('adopted-cluster'),
    ]),
    v('unparsable --kube-version', 'adopted-cluster', 'fails', [
      'edge',
      chart('adopted-cluster'),
      '--kube-version',
      'latest',
    ]),
    v('no workers: --no-taints, no worker templates', 'aws-standalone-cp', 'renders', [
      'solo',
      chart('aws-standalone-cp'),
      '-f',
      base('aws-standalone-cp'),
      '--set',
      'workersNumber=0',
    ]),
    v('sshKeyName=null drops the key', 'aws-standalone-cp', 'renders', [
      'nokey',
      chart('aws-standalone-cp'),
      '-f',
      base('aws-standalone-cp'),
      '--set',
      'sshKeyName=null',
    ]),
    v('encryption hash given', 'aws-standalone-cp', 'renders', [
      'eu1',
      chart('aws-standalone-cp'),
      '-f',
      full('aws-standalone-cp'),
      '--set',
      'encryption.configSecret.hash=5feceb66',
      '-n',
      'kcm-system',
    ]),
    v('show-only two templates', 'aws-standalone-cp', 'renders', [
      'eu1',
      chart('aws-standalone-cp'),
      '-f',
      base('aws-standalone-cp'),
      '-s',
      'templates/cluster.yaml',
      '--show-only',
      'templates/machinedeployment.yaml',
    ]),
    v('show-only a template that renders nothing', 'aws-standalone-cp', 'fails', [
      'solo',
      chart('aws-standalone-cp'),
      '-f',
      base('aws-standalone-cp'),
      '--set',
      'workersNumber=0',
      '-s',
      'templates/machinedeployment.yaml',
    ]),
    v('show-only a template the chart does not have', 'aws-standalone-cp', 'fails', [
      'eu1',
      chart('aws-standalone-cp'),
      '-f',
      base('aws-standalone-cp'),
      '-s',
      'templates/nothing.yaml',
    ]),
    v('no values: managementClusterName is required', 'aws-hosted-cp', 'fails', [chart('aws-hosted-cp')]),
    v('kine data source instead of etcd', 'aws-hosted-cp', 'renders', [
      'payments',
      chart('aws-hosted-cp'),
      '-f',
      base('aws-hosted-cp'),
      '-f',
      full('aws-hosted-cp'),
      '--set',
      'dataSource.kineDataSourceSecretName=payments-kine',
    ]),
    v('addon without optional fields (<no value> becomes empty)', 'aws-eks', 'renders', [
      'data',
      chart('aws-eks'),
      '-f',
      base('aws-eks'),
      '--set-json',
      'addons=[{"name":"coredns","version":"v1.12.1-eksbuild.2"}]',
    ]),
    v('authorizedIPRanges printed as a Go list', 'azure-aks', 'renders', [
      'analytics',
      chart('azure-aks'),
      '-f',
      base('azure-aks'),
      '--set',
      'apiServerAccessProfile.authorizedIPRanges={203.0.113.0/24,198.51.100.0/24}',
    ]),
    v('no values: vmSize is required', 'azure-hosted-cp', 'fails', [chart('azure-hosted-cp')]),
    v('no values: worker.vmSize is required', 'azure-standalone-cp', 'fails', [
      'checkout',
      chart('azure-standalone-cp'),
      '--set',
      'controlPlane.vmSize=Standard_D4s_v5',
    ]),
    v('annotation with commas and equals by --set-literal', 'docker-hosted-cp', 'renders', [
      'ci',
      chart('docker-hosted-cp'),
      '--set-literal',
      'clusterAnnotations.matrix=os=linux,arch=amd64',
    ]),
    v('--set-literal does not unescape dots in keys', 'docker-hosted-cp', 'fails', [
      'ci',
      chart('docker-hosted-cp'),
      '--set-literal',
      'clusterAnnotations.ci\\.example\\.com/matrix=linux',
    ]),
    v('--set unescapes dots in keys', 'docker-hosted-cp', 'renders', [
      'ci',
      chart('docker-hosted-cp'),
      '--set',
      'clusterAnnotations.ci\\.example\\.com/matrix=linux',
    ]),
    v('no values: project is required', 'gcp-gke', 'fails', [chart('gcp-gke')]),
    v('autopilot: no machine pool', 'gcp-gke', 'renders', [
      'auto',
      chart('gcp-gke'),
      '-f',
      base('gcp-gke'),
      '--set',
      'enableAutopilot=true',
    ]),
    v('empty locationPolicy is omitted', 'gcp-gke', 'renders', [
      'search',
      chart('gcp-gke'),
      '-f',
      full('gcp-gke'),
      '--set-string',
      'machines.scaling.locationPolicy=',
    ]),
    v('serviceAccount without scopes', 'gcp-standalone-cp', 'fails', [
      'ml',
      chart('gcp-standalone-cp'),
      '-f',
      full('gcp-standalone-cp'),
      '--set-json',
      'worker.serviceAccount={"email":"default"}',
    ]),
    v('one data volume by --set-json', 'kubevirt-hosted-cp', 'renders', [
      'lab',
      chart('kubevirt-hosted-cp'),
      '-f',
      base('kubevirt-hosted-cp'),
      '--set-json',
      'worker.dataVolumes=[{"name":"root","accessModes":"ReadWriteOnce","storage":"30Gi","volumeMode":"Block","storageClassName":"ceph-block","source":{"registry":{"url":"docker://quay.io/capk/ubuntu-2404-container-disk:v1.32.1"}}}]',
    ]),
    v('cloud-init user data by --set-file', 'kubevirt-standalone-cp', 'renders', [
      'lab',
      chart('kubevirt-standalone-cp'),
      '-f',
      base('kubevirt-standalone-cp'),
      '--set-file',
      `controlPlane.cloudInit.userData=${join(K0RDENT_VALUES, 'files', 'cloud-init.yaml')}`,
    ]),
    v('two data volumes break the disks list (YAML error)', 'kubevirt-standalone-cp', 'fails', [
      'lab',
      chart('kubevirt-standalone-cp'),
      '-f',
      base('kubevirt-standalone-cp'),
      '--set-json',
      'worker.dataVolumes=[{"name":"a","source":{"blank":{}}},{"name":"b","source":{"blank":{}}}]',
    ]),
    v('ingress enabled without hosts stays off', 'openstack-hosted-cp', 'renders', [
      'edge',
      chart('openstack-hosted-cp'),
      '-f',
      base('openstack-hosted-cp'),
      '--set',
      'ingress.enabled=true,ingress.apiHost=api.edge.example.net',
    ]),
    v('unique CCM cluster name, single project', 'openstack-standalone-cp', 'renders', [
      'telco',
      chart('openstack-standalone-cp'),
      '-f',
      base('openstack-standalone-cp'),
      '--set',
      'ccmEnableUniqueClusterName=true',
    ]),
    v('machine port by --set (an int64, not a float64, in the name hash)', 'remote-cluster', 'renders', [
      'dc1',
      chart('remote-cluster'),
      '-f',
      base('remote-cluster'),
      '--set',
      'machines[0].port=2222',
    ]),
    v('machine without useSudo under a k0s URL CA', 'remote-cluster', 'fails', [
      'dc1',
      chart('remote-cluster'),
      '-f',
      full('remote-cluster'),
      '--set-json',
      'machines=[{"address":"10.130.0.240"}]',
    ]),
    v('IPAM on without a pool', 'vsphere-standalone-cp', 'fails', [
      'dc2',
      chart('vsphere-standalone-cp'),
      '-f',
      base('vsphere-standalone-cp'),
      '--set',
      'ipamEnabled=true',
    ]),
    v('service fields dropped one by one', 'vsphere-hosted-cp', 'renders', [
      'dc2',
      chart('vsphere-hosted-cp'),
      '-f',
      base('vsphere-hosted-cp'),
      '--set',
      'k0smotron.service.apiPort=null,k0smotron.service.konnectivityPort=null',
    ]),
  ];
}

/** Helm's own `helm template` cases, as template_test.go.txt runs them (cwd: testcharts). */
function helmSuiteCases(): ParityCase[] {
  const h = (
    name: string,
    args: string[],
    golden: string,
    helm: ParityCase['helm'] = 'renders',
  ): ParityCase => ({ name: `helm suite: ${name}`, args, cwd: TESTCHARTS, expect: 'same', helm, golden });
  const sub = 'subchart';
  return [
    h('check name', [sub], 'template.txt'),
    h('check set name', [sub, '--set', 'service.name=apache'], 'template-set.txt'),
    h(
      'check values files',
      [sub, '--values', 'subchart/charts/subchartA/values.yaml'],
      'template-values-files.txt',
    ),
    h(
      'check name template',
      [sub, '--name-template=foobar-{{ b64enc "abc" | lower }}-baz'],
      'template-name-template.txt',
    ),
    h('check no args', [], 'template-no-args.txt', 'fails'),
    h('check library chart', ['lib-chart'], 'template-lib-chart.txt', 'fails'),
    h('check chart bad type', ['chart-bad-type'], 'template-chart-bad-type.txt', 'fails'),
    h(
      'app chart acting as a library chart',
      ['chart-with-template-lib-dep'],
      'template-chart-with-template-lib-dep.txt',
    ),
    h(
      'app chart archive acting as a library chart',
      ['chart-with-template-lib-archive-dep'],
      'template-chart-with-template-lib-archive-dep.txt',
    ),
    h('check kube version', ['--kube-version', '1.16.0', sub], 'template-with-kube-version.txt'),
    h(
      'check kube api versions (comma-separated)',
      ['--api-versions', 'helm.k8s.io/test,helm.k8s.io/test2', sub],
      'template-with-api-version.txt',
    ),
    h(
      'check kube api versions (repeated flag)',
      ['--api-versions', 'helm.k8s.io/test', '--api-versions', 'helm.k8s.io/test2', sub],
      'template-with-api-version.txt',
    ),
    h('template with CRDs', [sub, '--include-crds'], 'template-with-crds.txt'),
    h(
      'template with show-only one',
      [sub, '--show-only', 'templates/service.yaml'],
      'template-show-only-one.txt',
    ),
    h(
      'template with show-only multiple',
      [
        sub,
        '--show-only',
        'templates/service.yaml',
        '--show-only',
        'charts/subcharta/templates/service.yaml',
      ],
      'template-show-only-multiple.txt',
    ),
    h(
      'template with show-only glob',
      [sub, '--show-only', 'templates/subdir/role*'],
      'template-show-only-glob.txt',
    ),
    h('sorted output of manifests', ['object-order'], 'object-order.txt'),
    h(
      'chart with template with invalid yaml',
      ['chart-with-template-with-invalid-yaml'],
      'template-with-invalid-yaml.txt',
      'fails',
    ),
    h(
      'chart with template with invalid yaml (--debug)',
      ['chart-with-template-with-invalid-yaml', '--debug'],
      'template-with-invalid-yaml-debug.txt',
      'fails',
    ),
    h(
      'invalid template expression (--debug, --show-only)',
      [
        'chart-with-template-with-invalid-template-expr',
        '--debug',
        '--show-only',
        'templates/alpine-pod.yaml',
      ],
      'template-with-invalid-template-expr-debug-show-only.txt',
      'fails',
    ),
    h('template skip-tests', [sub, '--skip-tests'], 'template-skip-tests.txt'),
    h('nil/null values pass to subcharts delete values', ['issue-9027'], 'issue-9027.txt'),
    h(
      'imported subchart values ensuring import',
      [sub, '--set', 'configmap.enabled=true', '--set', 'subchartb.enabled=true'],
      'template-subchart-cm.txt',
    ),
    h(
      'imported subchart values set with --set',
      [
        sub,
        '--set',
        'configmap.enabled=true',
        '--set',
        'subchartb.enabled=true',
        '--set',
        'configmap.value=baz',
      ],
      'template-subchart-cm-set.txt',
    ),
    h(
      'imported subchart values set by file',
      [sub, '-f', 'subchart/extra_values.yaml'],
      'template-subchart-cm-set-file.txt',
    ),
  ];
}

/** Helm's other test charts, by absolute path. */
function testchartCases(): ParityCase[] {
  const t = (name: string, helm: ParityCase['helm'], args: string[]): ParityCase => ({
    name: `testcharts: ${name}`,
    args,
    expect: 'same',
    helm,
  });
  const tc = (p: string) => join(TESTCHARTS, p);
  return [
    t('alpine', 'renders', ['my-alpine', tc('alpine')]),
    t('alpine with two values files', 'renders', [
      'my-alpine',
      tc('alpine'),
      '-f',
      tc('alpine/extra_values.yaml'),
      '-f',
      tc('alpine/more_values.yaml'),
    ]),
    t('alpine with --set overriding a values file', 'renders', [
      tc('alpine'),
      '-f',
      tc('alpine/extra_values.yaml'),
      '--set',
      'Name=from-set',
      '-n',
      'apps',
    ]),
    t('chart-with-lib-dep (a packaged library subchart)', 'renders', ['web', tc('chart-with-lib-dep')]),
    t('chart-with-lib-dep on an old kube version', 'renders', [
      'web',
      tc('chart-with-lib-dep'),
      '--kube-version',
      '1.18.0',
    ]),
    t('chart-with-schema', 'renders', [tc('chart-with-schema')]),
    t('chart-with-schema with its extra values', 'fails', [
      tc('chart-with-schema'),
      '-f',
      tc('chart-with-schema/extra-values.yaml'),
    ]),
    t('chart-with-schema: --set breaks the schema', 'fails', [
      tc('chart-with-schema'),
      '--set',
      'age=-5',
      '--set-string',
      'likesCoffee=maybe',
    ]),
    t('chart-with-schema: --skip-schema-validation', 'renders', [
      tc('chart-with-schema'),
      '--set',
      'age=-5',
      '--skip-schema-validation',
    ]),
    t('chart-with-schema-and-subchart', 'fails', [tc('chart-with-schema-and-subchart')]),
    t('chart-with-schema-and-subchart, one of two required values set', 'fails', [
      tc('chart-with-schema-and-subchart'),
      '--set',
      'lastname=Doe',
    ]),
    t('chart-with-schema-and-subchart, both required values set', 'renders', [
      tc('chart-with-schema-and-subchart'),
      '--set',
      'lastname=Doe,subchart-with-schema.age=30',
    ]),
    t('chart-with-schema-negative', 'fails', [tc('chart-with-schema-negative')]),
    t('chart-with-schema-negative-skip-validation', 'fails', [
      tc('chart-with-schema-negative-skip-validation'),
    ]),
    t('chart-with-schema-negative-skip-validation, skipped', 'renders', [
      tc('chart-with-schema-negative-skip-validation'),
      '--skip-schema-validation',
    ]),
    t('chart-with-secret', 'renders', ['vault', tc('chart-with-secret'), '-n', 'secrets']),
    t('chart-with-only-crds', 'renders', [tc('chart-with-only-crds')]),
    t('chart-with-only-crds --include-crds', 'renders', [tc('chart-with-only-crds'), '--include-crds']),
    t('chart-with-deprecated-api', 'renders', [tc('chart-with-deprecated-api')]),
    t('chart-with-deprecated-api on kube 1.20 with policy/v1beta1', 'renders', [
      tc('chart-with-deprecated-api'),
      '--kube-version',
      '1.20.0',
      '-a',
      'policy/v1beta1',
    ]),
    t('chart-with-subchart-notes (NOTES are not printed)', 'renders', [tc('chart-with-subchart-notes')]),
    t('chart-with-subchart-update', 'renders', [tc('chart-with-subchart-update')]),
    t('chart-with-template-with-invalid-template-expr', 'fails', [
      tc('chart-with-template-with-invalid-template-expr'),
    ]),
    t('chart-bad-requirements (broken Chart.yaml)', 'fails', [tc('chart-bad-requirements')]),
    t('chart-missing-deps', 'fails', [tc('chart-missing-deps')]),
    t('chart-with-bad-subcharts', 'fails', [tc('chart-with-bad-subcharts')]),
    t('issue-7233 (dependency missing)', 'fails', [tc('issue-7233')]),
    t('issue1979 (nil pointer in a template)', 'fails', [tc('issue1979')]),
    t('issue1979 with the value it needs: a mis-indented line', 'fails', [
      tc('issue1979'),
      '-f',
      tc('issue1979/extra_values.yaml'),
      '-f',
      tc('issue1979/more_values.yaml'),
    ]),
    t('lib-chart (library charts are not installable)', 'fails', ['lib', tc('lib-chart')]),
    t('deprecated (renders, warns)', 'renders', [tc('deprecated')]),
    t('empty', 'renders', [tc('empty')]),
    t('reqtest (conditions and a packaged subchart)', 'renders', [tc('reqtest')]),
    t('reqtest-0.1.0.tgz', 'renders', ['req', tc('reqtest-0.1.0.tgz')]),
    t('signtest', 'renders', [tc('signtest')]),
    t('signtest-0.1.0.tgz', 'renders', [tc('signtest-0.1.0.tgz'), '-n', 'signed']),
    t('signtest-0.1.0.tgz.prov is not a chart', 'fails', [tc('signtest-0.1.0.tgz.prov')]),
    t('test-0.1.0.tgz', 'renders', ['t', tc('test-0.1.0.tgz')]),
    t('test', 'renders', ['t', tc('test')]),
    t('test1', 'renders', [tc('test1')]),
    t('test1-0.1.0.tgz', 'renders', [tc('test1-0.1.0.tgz')]),
    t('oci-dependent-chart-0.1.0.tgz', 'renders', [tc('oci-dependent-chart-0.1.0.tgz')]),
    t('pre-release-chart-0.1.0-alpha.tgz', 'renders', [tc('pre-release-chart-0.1.0-alpha.tgz')]),
    t('compressedchart-0.1.0.tgz (a .tpl template that is not YAML)', 'fails', [
      tc('compressedchart-0.1.0.tgz'),
    ]),
    t('compressedchart-0.1.0.tar.gz', 'fails', [tc('compressedchart-0.1.0.tar.gz')]),
    t('compressedchart-0.2.0.tgz, show-only its template', 'fails', [
      tc('compressedchart-0.2.0.tgz'),
      '-s',
      'templates/template.tpl',
    ]),
    t('compressedchart-with-hyphens-0.1.0.tgz', 'fails', [tc('compressedchart-with-hyphens-0.1.0.tgz')]),
    t('upgradetest (no Chart.yaml)', 'fails', [tc('upgradetest')]),
    t('a path that does not exist', 'fails', [tc('no-such-chart')]),
    t('a values file that does not exist', 'fails', [tc('alpine'), '-f', tc('alpine/no-such-values.yaml')]),
    t('three positional arguments', 'fails', ['a', tc('alpine'), 'c']),
    t('an unknown flag', 'fails', [tc('alpine'), '--no-such-flag']),
    t('--version is ignored for a local chart', 'renders', [tc('subchart'), '--version', '9.9.9']),
    t('subchart, tags switch both subcharts off', 'renders', [
      'sub',
      tc('subchart'),
      '--set',
      'tags.front-end=false',
    ]),
    t('subchart, condition beats tags', 'renders', [
      'sub',
      tc('subchart'),
      '--set',
      'tags.front-end=false,subcharta.enabled=true',
    ]),
    t('subchart, global and subchart values by --set', 'renders', [
      'sub',
      tc('subchart'),
      '--set',
      'global.team=core,subcharta.service.name=alpha',
      '-n',
      'core',
    ]),
    t('subchart, --is-upgrade and --no-hooks', 'renders', [
      'sub',
      tc('subchart'),
      '--is-upgrade',
      '--no-hooks',
    ]),
    t('subchart, show-only a subchart template with --skip-tests', 'renders', [
      'sub',
      tc('subchart'),
      '-s',
      'charts/subchartb/templates/service.yaml',
      '--skip-tests',
    ]),
  ];
}

/** The release-info fixture chart: what templates see of release, chart, cluster and files. */
function releaseInfoCases(): ParityCase[] {
  const r = (name: string, helm: ParityCase['helm'], args: string[]): ParityCase => ({
    name: `release-info: ${name}`,
    args,
    expect: 'same',
    helm,
  });
  const motd = join(RELEASE_INFO, 'files', 'motd.txt');
  return [
    r('defaults', 'renders', [RELEASE_INFO]),
    r('name, namespace, upgrade', 'renders', ['echo', RELEASE_INFO, '-n', 'apps', '--is-upgrade']),
    r('kube version and api versions', 'renders', [
      'echo',
      RELEASE_INFO,
      '--kube-version',
      'v1.30.14',
      '-a',
      'monitoring.coreos.com/v1,monitoring.coreos.com/v1/ServiceMonitor',
      '--api-versions',
      'gateway.networking.k8s.io/v1',
    ]),
    r('kube version below the chart kubeVersion', 'fails', [
      'echo',
      RELEASE_INFO,
      '--kube-version',
      '1.24.0',
    ]),
    r('kube version major.minor only', 'renders', ['echo', RELEASE_INFO, '--kube-version', '1.28']),
    r('CRDs, no hooks, no tests', 'renders', [
      'echo',
      RELEASE_INFO,
      '--include-crds',
      '--no-hooks',
      '--skip-tests',
    ]),
    r('show-only the hook and the test', 'renders', [
      'echo',
      RELEASE_INFO,
      '-s',
      'templates/hook-migrate.yaml',
      '-s',
      'templates/tests/test-connection.yaml',
    ]),
    r('show-only the hook with --no-hooks', 'fails', [
      'echo',
      RELEASE_INFO,
      '-s',
      'templates/hook-migrate.yaml',
      '--no-hooks',
    ]),
    r('show-only NOTES.txt', 'fails', ['echo', RELEASE_INFO, '-s', 'templates/NOTES.txt']),
    r('--set types: ints, floats, bools, null, lists, escapes', 'renders', [
      'echo',
      RELEASE_INFO,
      '--set',
      'replicaCount=3,ratio=0.5,enabled=false,nothing=null,tags={red,blue},bigNumber=12345678901234567890,port=0x1F',
      '--set',
      'image.tag=v2\\,beta,extraEnv.A\\.B=c',
    ]),
    r('--set-string keeps strings', 'renders', [
      'echo',
      RELEASE_INFO,
      '--set-string',
      'replicaCount=3,enabled=true,version=1.10',
    ]),
    r('--set-json objects and lists', 'renders', [
      'echo',
      RELEASE_INFO,
      '--set-json',
      'extraEnv={"LOG_LEVEL":"debug","WORKERS":4}',
      '--set-json',
      'tags=["a",1,true,null]',
    ]),
    r('--set-literal keeps commas and equals', 'renders', [
      'echo',
      RELEASE_INFO,
      '--set-literal',
      'owner=team=a,b',
    ]),
    r('--set-file reads a file into a value', 'renders', [
      'echo',
      RELEASE_INFO,
      '--set-file',
      `multiline=${motd}`,
    ]),
    r('--set list index and nested list', 'renders', [
      'echo',
      RELEASE_INFO,
      '--set',
      'tags[1]=teal,tags[3]=gold,extraEnv.list[0].name=x',
    ]),
    r('--set with an unclosed bracket', 'renders', ['echo', RELEASE_INFO, '--set', 'a[']),
    r('--set with no equals sign', 'fails', ['echo', RELEASE_INFO, '--set', 'replicaCount']),
    r('--set-json that is not JSON', 'fails', [
      'echo',
      RELEASE_INFO,
      '--set-json',
      'extraEnv={LOG_LEVEL:debug}',
    ]),
    r('--set-file with a missing file', 'fails', [
      'echo',
      RELEASE_INFO,
      '--set-file',
      `multiline=${join(RELEASE_INFO, 'files', 'absent.txt')}`,
    ]),
    r('required value missing', 'fails', ['echo', RELEASE_INFO, '--set', 'strict=true']),
    r('required value given', 'renders', [
      'echo',
      RELEASE_INFO,
      '--set',
      'strict=true,owner=platform@example.com',
    ]),
    r('values file then --set then --set-string, last wins', 'renders', [
      'echo',
      RELEASE_INFO,
      '-f',
      join(RELEASE_INFO, 'values.yaml'),
      '--set',
      'port=9090',
      '--set-string',
      'port=9091',
    ]),
  ];
}

export const parityCases: readonly ParityCase[] = [
  ...k0rdentCases(),
  ...k0rdentVariants(),
  ...helmSuiteCases(),
  ...testchartCases(),
  ...releaseInfoCases(),
];
