// ClusterDeployments (and what else a submission file may carry) as objects.
import fc from 'fast-check';
import { nasty, objectTree, scalar, sometimes, tree } from './common.js';

const BASE_CONFIGS = {
  'simulated-standalone-cp': { controlPlaneNumber: 1, workersNumber: 3, zones: ['local-a', 'local-b'] },
  'aws-standalone-cp': {
    region: 'eu-central-1',
    clusterIdentity: { name: 'team-a-aws-identity', kind: 'AWSClusterStaticIdentity' },
    controlPlaneNumber: 1,
    workersNumber: 3,
    controlPlane: {
      instanceType: 't3.large',
      iamInstanceProfile: 'control-plane.cluster-api-provider-aws.sigs.k8s.io',
    },
    worker: { instanceType: 't3.xlarge', iamInstanceProfile: 'nodes.cluster-api-provider-aws.sigs.k8s.io' },
  },
  'adopted-cluster': { clusterIdentity: { name: 'kubeconfig' } },
};

/** Keys the built-in charts know (their values schemas), so that values get past the schema. */
const CONFIG_KEYS = [
  'controlPlaneNumber',
  'workersNumber',
  'zones',
  'region',
  'clusterIdentity',
  'controlPlane',
  'worker',
  'clusterNetwork',
  'clusterLabels',
  'clusterAnnotations',
  'k0s',
  'sshKeyName',
  'publicIP',
  'bastion',
];

const templateName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('simulated-standalone-cp', 'aws-standalone-cp') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'adopted-cluster',
      'capi-inmemory',
      'docker-hosted-cp',
      'openstack-standalone-cp',
      'hetzner-hosted-cp',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '../../templates/aws-standalone-cp',
      './templates/simulated-standalone-cp',
      '/etc',
      'aws-standalone',
      '',
    ),
  },
  { weight: 1, arbitrary: nasty },
);

const name = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom('dev-1', 'dev-eu', 'big-us', 'a') },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,70}$/) },
  { weight: 1, arbitrary: nasty },
);

const namespace = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom('team-a', 'team-b') },
  { weight: 1, arbitrary: fc.constantFrom('default', 'kube-system', 'team', '') },
  { weight: 1, arbitrary: nasty },
);

/** Replaces or adds values along paths of the base (random trees merged in). */
function override(base, extra) {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export const clusterDeployment = fc
  .record({
    apiVersion: fc.constantFrom(
      'clustermint.io/v1alpha1',
      'clustermint.io/v1alpha1',
      'clustermint.io/v1alpha1',
      'clustermint.io/v1alpha1',
      'k0rdent.mirantis.com/v1beta1',
      'clustermint.io/v9',
    ),
    template: templateName,
    name,
    namespace,
    credential: fc.option(fc.constantFrom('team-a-aws', 'team-b-aws', 'sim-cred', '')),
    extra: fc.oneof(
      { weight: 3, arbitrary: fc.constant({}) },
      { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...CONFIG_KEYS), tree(2), { maxKeys: 3 }) },
      { weight: 1, arbitrary: objectTree(3) },
    ),
    workers: sometimes(
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: -1, max: 8 }) },
        { weight: 1, arbitrary: fc.constantFrom(1e23, 2 ** 53 + 1, '3', 100000, 1001, 2000) },
      ),
      2,
    ),
    specExtra: sometimes(
      fc.dictionary(
        fc.constantFrom('templat', 'dryRun', 'propagateCredentials', 'services', 'serviceSpec'),
        tree(2),
      ),
      8,
    ),
    labels: sometimes(
      fc.dictionary(
        fc.constantFrom('team', 'tier', 'k0rdent.mirantis.com/managed', 'x'),
        fc.oneof(fc.constantFrom('a', 'true', 'production'), scalar),
      ),
      4,
    ),
  })
  .map((r) => {
    const base = BASE_CONFIGS[r.template] ?? {};
    const config = override(base, r.extra);
    if (r.workers !== null) config.workersNumber = r.workers;
    return {
      apiVersion: r.apiVersion,
      kind: 'ClusterDeployment',
      metadata: { name: r.name, namespace: r.namespace, ...(r.labels ? { labels: r.labels } : {}) },
      spec: {
        template: r.template,
        ...(r.credential !== null ? { credential: r.credential } : {}),
        config,
        ...(r.specExtra ?? {}),
      },
    };
  });

/** Other documents a submission file may hold. */
export const otherDocument = fc.oneof(
  fc.constant({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team-b', labels: { tier: 'production' } },
  }),
  fc.record({
    apiVersion: fc.constant('clustermint.io/v1alpha1'),
    kind: fc.constantFrom('Credential', 'ClusterTemplate', 'AccessManagement', 'ServiceTemplate'),
    metadata: fc.record({ name, namespace }),
    spec: objectTree(2),
  }),
  tree(3),
);
