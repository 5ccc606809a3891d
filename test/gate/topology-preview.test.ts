// A chart that renders a topology Cluster: the gate previews what Cluster API's topology
// controller will make of it with the known ClusterClasses (the inputs', the folders', the
// built-ins), so the class's rules judge the deployment before anything is applied; the objects
// applied stay the chart's.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const cd = (name: string, klass: string) => `apiVersion: clustermint.io/v1alpha1
kind: ClusterDeployment
metadata: { name: ${name}, namespace: team-a }
spec:
  template: capi-inmemory
  config: { topology: { enabled: true, class: ${klass} } }
`;

/** The built-in in-memory class's templates, under a class that requires a variable without default. */
const STRICT_CLASS = `apiVersion: cluster.x-k8s.io/v1beta2
kind: ClusterClass
metadata: { name: strict }
spec:
  infrastructure:
    templateRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta2, kind: DevClusterTemplate, name: in-memory-cluster}
  controlPlane:
    templateRef: {apiVersion: controlplane.cluster.x-k8s.io/v1beta2, kind: KubeadmControlPlaneTemplate, name: in-memory-control-plane}
  variables:
  - name: region
    required: true
    schema: {openAPIV3Schema: {type: string}}
`;

describe('the gate previews a chart topology Cluster with its ClusterClass', () => {
  it('allows one the built-in class accepts, with the chart objects as they are', async () => {
    const dir = tmpTree({ 'cd.yaml': cd('topo', 'in-memory') });
    const r = await run('check', '-f', join(dir, 'cd.yaml'), '-o', 'json');
    expect(r.code).toBe(0);
    const [v] = JSON.parse(r.stdout) as {
      allowed: boolean;
      warnings: unknown[];
      objects?: { kind: string }[];
    }[];
    expect(v).toMatchObject({ allowed: true, warnings: [] });
  });

  it("denies one the class refuses, in the class's words", async () => {
    const dir = tmpTree({ 'cd.yaml': cd('topo', 'strict'), 'class.yaml': STRICT_CLASS });
    const r = await run('check', '-f', join(dir, 'cd.yaml'), '-f', join(dir, 'class.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/DENIED\s+team-a\/topo/);
    expect(r.stdout).toContain(
      'cluster.yaml.hbs (rendered):15:5 ($.spec.topology.variables): spec.topology.variables: Required value: required variable "region" must be set',
    );
  });

  it('warns, and allows, when the class is not known here', async () => {
    const dir = tmpTree({ 'cd.yaml': cd('topo', 'nope') });
    const r = await run('check', '-f', join(dir, 'cd.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ClusterClass nope is not among the chart');
  });
});
