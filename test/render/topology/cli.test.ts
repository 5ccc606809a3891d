/**
 * Topology Clusters through the CLI: render (objects and --explain), lint (ClusterClass rules,
 * Cluster variables) and check (the gate, located findings), and v1beta1 inputs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { run } from '../../helpers/cli.js';
import { tmpTree } from '../../helpers/tmp.js';

const EXAMPLE = 'examples/topology/cluster.yaml';

describe('render', () => {
  it('renders the example with the built-in ClusterClass', async () => {
    const r = await run('render', '-f', EXAMPLE, '-o', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout).items as any[];
    const kinds = list.map((o) => o.kind);
    expect(kinds).toEqual([
      'Cluster',
      'Secret',
      'SimulatedCluster',
      'SimulatedMachineTemplate',
      'K0sControlPlane',
      'MachineHealthCheck',
      'K0sWorkerConfigTemplate',
      'SimulatedMachineTemplate',
      'MachineDeployment',
      'MachineHealthCheck',
    ]);
    const cluster = list[0];
    // variable defaults from the ClusterClass are filled in, as the Cluster webhook does
    expect(cluster.spec.topology.variables).toContainEqual({ name: 'bootDelay', value: '5s' });
    const workerMachines = list[7];
    expect(workerMachines.spec.template.spec).toEqual({
      instanceType: 'sim.large',
      bootDelay: '5s',
      bootFailureRate: 0,
      zone: 'local-a',
    });
    expect(list[6].spec.template.spec.version).toBe('v1.31.2+k0s.0');
  });

  it('gives the same bytes twice (deterministic names)', async () => {
    const a = await run('render', '-f', EXAMPLE);
    const b = await run('render', '-f', EXAMPLE);
    expect(a.stdout).toBe(b.stdout);
  });

  it('--explain names the patch behind each path', async () => {
    const r = await run('render', '-f', EXAMPLE, '--explain');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /SimulatedCluster dev-2-\w{5}\n {4}\/spec\/region {2}add "local-1" {2}<- patch "region-and-zones" definitions\[0\]\.jsonPatches\[0\]/,
    );
    expect(r.stdout).toMatch(/MachineDeployment dev-2-md-0-\w{5}: no patches/);
    const json = await run('render', '-f', EXAMPLE, '--explain', '-o', 'json');
    const explained = JSON.parse(json.stdout);
    expect(explained[0].cluster).toBe('team-a/dev-2');
    expect(explained[0].trace.length).toBeGreaterThan(5);
  });

  it('says which ClusterClass is missing, at the line that names it', async () => {
    const dir = tmpTree({
      'c.yaml': jsyaml.dump({
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'Cluster',
        metadata: { name: 'x', namespace: 'team-a' },
        spec: { topology: { classRef: { name: 'nope' }, version: 'v1.31.0' } },
      }),
    });
    const r = await run('render', '-f', join(dir, 'c.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('c.yaml:9:13 ($.spec.topology.classRef.name)');
    expect(r.stderr).toContain('ClusterClass team-a/nope not found among the inputs');
  });

  it('points a bad variable value at its line in the submitted file', async () => {
    const dir = tmpTree({
      'c.yaml': jsyaml.dump(jsyaml.load(readExample()) as object).replace('sim.large', 'sim.huge'),
    });
    const r = await run('render', '-f', join(dir, 'c.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /c\.yaml:\d+:\d+ \(\$\.spec\.topology\.variables\[2\]\.value\): spec\.topology\.variables\[instanceType\]\.value: Unsupported value: "\\"sim\.huge\\""/,
    );
  });
});

function readExample(): string {
  return readFileSync(EXAMPLE, 'utf8');
}

const V1BETA1_CLASS = `
apiVersion: cluster.x-k8s.io/v1beta1
kind: ClusterClass
metadata: { name: legacy, namespace: team-b }
spec:
  infrastructure:
    ref: { apiVersion: infrastructure.clustermint.io/v1alpha1, kind: SimulatedClusterTemplate, name: legacy-cluster }
  controlPlane:
    ref: { apiVersion: controlplane.cluster.x-k8s.io/v1beta2, kind: K0sControlPlaneTemplate, name: legacy-cp }
    machineInfrastructure:
      ref: { apiVersion: infrastructure.clustermint.io/v1alpha1, kind: SimulatedMachineTemplate, name: legacy-machine }
    machineHealthCheck:
      nodeStartupTimeout: 15m
      maxUnhealthy: 33%
      unhealthyConditions:
        - { type: Ready, status: "False", timeout: 5m0s }
  workers:
    machineDeployments:
      - class: worker
        namingStrategy: { template: "{{ .cluster.name }}-w-{{ .machineDeployment.topologyName }}" }
        template:
          bootstrap:
            ref: { apiVersion: bootstrap.cluster.x-k8s.io/v1beta2, kind: K0sWorkerConfigTemplate, name: legacy-boot }
          infrastructure:
            ref: { apiVersion: infrastructure.clustermint.io/v1alpha1, kind: SimulatedMachineTemplate, name: legacy-machine }
  variables:
    - name: region
      required: true
      schema: { openAPIV3Schema: { type: string, default: local-9 } }
  patches:
    - name: region
      definitions:
        - selector:
            apiVersion: infrastructure.clustermint.io/v1alpha1
            kind: SimulatedClusterTemplate
            matchResources: { infrastructureCluster: true }
          jsonPatches:
            - { op: replace, path: /spec/template/spec/region, valueFrom: { variable: region } }
---
apiVersion: infrastructure.clustermint.io/v1alpha1
kind: SimulatedClusterTemplate
metadata: { name: legacy-cluster, namespace: team-b }
spec: { template: { spec: { region: x, zones: [z1] } } }
---
apiVersion: controlplane.cluster.x-k8s.io/v1beta2
kind: K0sControlPlaneTemplate
metadata: { name: legacy-cp, namespace: team-b }
spec: { template: { spec: { k0sConfigSpec: { args: [--enable-worker] } } } }
---
apiVersion: infrastructure.clustermint.io/v1alpha1
kind: SimulatedMachineTemplate
metadata: { name: legacy-machine, namespace: team-b }
spec: { template: { spec: { instanceType: sim.small } } }
---
apiVersion: bootstrap.cluster.x-k8s.io/v1beta2
kind: K0sWorkerConfigTemplate
metadata: { name: legacy-boot, namespace: team-b }
spec: { template: { spec: { version: v1.30.4+k0s.0 } } }
`;

const V1BETA1_CLUSTER = `
apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata: { name: old, namespace: team-b }
spec:
  topology:
    class: legacy
    version: 1.30.4
    controlPlane: { replicas: 1 }
    workers:
      machineDeployments:
        - { class: worker, name: pool, replicas: 2 }
`;

describe('v1beta1 ClusterClass and Cluster', () => {
  const dir = tmpTree({ 'class.yaml': V1BETA1_CLASS, 'cluster.yaml': V1BETA1_CLUSTER });
  it('renders v1beta2 objects, with converted health checks, naming and the defaulted version prefix', async () => {
    const r = await run('render', '-f', join(dir, 'cluster.yaml'), '--templates', dir, '-o', 'json');
    expect(r.stderr).toBe('');
    const items = JSON.parse(r.stdout).items as any[];
    const cp = items.find((o) => o.kind === 'K0sControlPlane');
    expect(cp.spec.version).toBe('v1.30.4');
    const mhc = items.find((o) => o.kind === 'MachineHealthCheck');
    expect(mhc.spec.checks).toEqual({
      nodeStartupTimeoutSeconds: 900,
      unhealthyNodeConditions: [{ type: 'Ready', status: 'False', timeoutSeconds: 300 }],
    });
    expect(mhc.spec.remediation).toEqual({ triggerIf: { unhealthyLessThanOrEqualTo: '33%' } });
    const md = items.find((o) => o.kind === 'MachineDeployment');
    expect(md.apiVersion).toBe('cluster.x-k8s.io/v1beta2');
    expect(md.metadata.name).toBe('old-w-pool');
    expect(items.find((o) => o.kind === 'SimulatedCluster').spec.region).toBe('local-9');
  });
});

describe('lint', () => {
  it('reports ClusterClass patch errors at their line', async () => {
    const dir = tmpTree({
      'class.yaml': V1BETA1_CLASS.replace('path: /spec/template/spec/region', 'path: /status/region'),
    });
    const r = await run('lint', join(dir, 'class.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /class\.yaml:\d+:\d+ \(\$\.spec\.patches\[0\]\.definitions\[0\]\.jsonPatches\[0\]\.path\): spec\.patches\[0\]\.definitions\[0\]\.jsonPatches\[0\]\.path: Invalid value: .*jsonPatch path must start with \\?"\/spec\\?"/,
    );
  });
  it('reports variable schema errors of a ClusterClass', async () => {
    const dir = tmpTree({
      'class.yaml': V1BETA1_CLASS.replace('type: string, default: local-9', 'type: strin'),
    });
    const r = await run('lint', join(dir, 'class.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'spec.variables[region].schema.openAPIV3Schema.type: Unsupported value: "strin"',
    );
  });
  it('passes the built-in ClusterClass and the example', async () => {
    const r = await run('lint', 'templates/clusterclasses/simulated-k0s.yaml', EXAMPLE);
    expect(r.stdout).toContain('2 linted, 0 failed');
    expect(r.code).toBe(0);
  });
});

describe('check', () => {
  it('allows the example and denies oversized or unapproved topologies with their rule', async () => {
    const ok = await run('check', '-f', EXAMPLE, '--policies', 'policies');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ALLOWED team-a/dev-2');
    const dir = tmpTree({});
    const big = readExample().replace('replicas: 2', 'replicas: 9');
    writeFileSync(join(dir, 'big.yaml'), big);
    const r = await run('check', '-f', join(dir, 'big.yaml'), '--policies', 'policies', '-o', 'json');
    expect(r.code).toBe(1);
    const verdicts = JSON.parse(r.stdout);
    const v = (Array.isArray(verdicts) ? verdicts : verdicts.verdicts)[0];
    expect(v.allowed).toBe(false);
    expect(v.violations.map((x: any) => `${x.policy}/${x.rule}: ${x.message}`)).toEqual([
      'team-a-sizes/topology-at-most-5-workers-3-control-planes: team-a may run at most 5 workers, not 9',
    ]);
  });
  it('a policy on the variables points at the variable in the submitted file', async () => {
    const dir = tmpTree({
      'p.yaml': [
        'apiVersion: json.kyverno.io/v1alpha1',
        'kind: ValidatingPolicy',
        'metadata: { name: sizes }',
        'spec:',
        '  rules:',
        '  - name: small-machines',
        '    match: { all: [ { kind: EffectiveValues, ($team): team-a } ] }',
        '    assert:',
        '      all:',
        '      - message: team-a uses sim.small',
        '        check: { spec: { values: { instanceType: sim.small } } }',
        '',
      ].join('\n'),
    });
    const r = await run('check', '-f', EXAMPLE, '--policies', dir, '-o', 'json');
    expect(r.code).toBe(1);
    const verdicts = JSON.parse(r.stdout);
    const v = (Array.isArray(verdicts) ? verdicts : verdicts.verdicts)[0];
    const line =
      readExample()
        .split('\n')
        .findIndex((l) => l.includes('value: sim.large')) + 1;
    expect(v.violations).toEqual([
      expect.objectContaining({
        rule: 'small-machines',
        message: 'team-a uses sim.small',
        location: expect.objectContaining({ file: EXAMPLE, line }),
      }),
    ]);
  });
});
