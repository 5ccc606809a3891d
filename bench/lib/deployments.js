// The issue-18 workloads, shared by the benches: n ClusterDeployments of aws-standalone-cp (a mix
// the policies/ folder allows and denies), as one multi-document YAML text for `check` and as a
// JSON array for `scan` (kyverno-json's payload format).

/** The i-th deployment: sizes, regions and instance types vary so policies both allow and deny. */
export function deployment(i) {
  return {
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'ClusterDeployment',
    metadata: { name: `c${i}`, namespace: 'team-a' },
    spec: {
      template: 'aws-standalone-cp',
      credential: 'team-a-aws',
      config: {
        region: i % 4 ? 'eu-central-1' : 'us-east-1',
        clusterIdentity: { name: 'team-a-aws-identity', kind: 'AWSClusterStaticIdentity' },
        controlPlaneNumber: 1 + 2 * (i % 2),
        workersNumber: 1 + (i % 10),
        controlPlane: { instanceType: 't3.large' },
        worker: { instanceType: i % 5 ? 't3.xlarge' : 'm5.24xlarge' },
      },
    },
  };
}

export const deployments = (n) => Array.from({ length: n }, (_, i) => deployment(i));

/** Multi-document YAML (block style, as people write it). */
export function deploymentsYaml(n) {
  const doc = (d) =>
    [
      'apiVersion: clustermint.io/v1alpha1',
      'kind: ClusterDeployment',
      'metadata:',
      `  name: ${d.metadata.name}`,
      `  namespace: ${d.metadata.namespace}`,
      'spec:',
      `  template: ${d.spec.template}`,
      `  credential: ${d.spec.credential}`,
      '  config:',
      `    region: ${d.spec.config.region}`,
      '    clusterIdentity:',
      `      name: ${d.spec.config.clusterIdentity.name}`,
      `      kind: ${d.spec.config.clusterIdentity.kind}`,
      `    controlPlaneNumber: ${d.spec.config.controlPlaneNumber}`,
      `    workersNumber: ${d.spec.config.workersNumber}`,
      '    controlPlane:',
      `      instanceType: ${d.spec.config.controlPlane.instanceType}`,
      '    worker:',
      `      instanceType: ${d.spec.config.worker.instanceType}`,
      '',
    ].join('\n');
  return deployments(n).map(doc).join('---\n');
}
