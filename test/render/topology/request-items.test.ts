/**
 * The typed engine's seams: the desired state's parts and the patch request's items by role
 * (infrastructure cluster, control plane and its machine template, each worker's bootstrap and
 * infrastructure item by topology name), on the setupTestObjects fixture.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { type Blueprint, computeDesiredState } from '../../../src/render/topology/desired-state.js';
import { createRequest } from '../../../src/render/topology/patches/request.js';
import type {
  Cluster,
  ClusterClass,
  MachineDeploymentClass,
  MachinePoolClass,
  ProviderTemplate,
} from '../../../src/render/topology/types.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'topology');
const load = (f: string) => jsyaml.loadAll(readFileSync(join(FIX, f), 'utf8')) as any[];

function blueprint(): { bp: Blueprint; cluster: Cluster } {
  const [cc, ...templates] = load('generic-class.yaml') as [ClusterClass, ...ProviderTemplate[]];
  const byName = (name: string) => templates.find((t) => t.metadata.name === name) as ProviderTemplate;
  const md = cc.spec.workers?.machineDeployments?.[0] as MachineDeploymentClass;
  const mp = cc.spec.workers?.machinePools?.[0] as MachinePoolClass;
  const bp: Blueprint = {
    clusterClass: cc,
    infrastructureClusterTemplate: byName('infraClusterTemplate1'),
    controlPlaneTemplate: byName('controlPlaneTemplate1'),
    controlPlaneInfrastructureMachineTemplate: byName('controlplaneinfrastructuremachinetemplate1'),
    machineDeployments: new Map([
      [
        md.class,
        {
          class: md,
          bootstrapTemplate: byName('bootstrapTemplate1'),
          infrastructureTemplate: byName('linux-worker-inframachinetemplate'),
        },
      ],
    ]),
    machinePools: new Map([
      [
        mp.class,
        {
          class: mp,
          bootstrapTemplate: byName('bootstrapTemplate1'),
          infrastructureTemplate: byName('linux-worker-inframachinepooltemplate'),
        },
      ],
    ]),
  };
  return { bp, cluster: load('generic-cluster.yaml')[0] as Cluster };
}

describe('desired state parts', () => {
  const { bp, cluster } = blueprint();
  const d = computeDesiredState(bp, cluster);
  it('builds MachineDeployments and MachinePools with the same rules, their own labels and kinds', () => {
    expect(d.machineDeployments.map((md) => md.object.kind)).toEqual([
      'MachineDeployment',
      'MachineDeployment',
    ]);
    expect(d.machinePools.map((mp) => mp.object.kind)).toEqual(['MachinePool', 'MachinePool']);
    const md = d.machineDeployments[1].object as any;
    const mp = d.machinePools[1].object as any;
    expect(md.spec.replicas).toBe(5);
    expect(mp.spec.replicas).toBe(5);
    expect(md.metadata.labels['topology.cluster.x-k8s.io/deployment-name']).toBe('default-worker-topo2');
    expect(mp.metadata.labels['topology.cluster.x-k8s.io/pool-name']).toBe('default-mp-worker-topo2');
    expect(md.spec.selector).toBeDefined();
    expect(mp.spec.selector).toBeUndefined();
    // a MachineDeployment's templates are copies of templates, a MachinePool's are objects
    expect(d.machineDeployments[0].bootstrapTemplate.kind).toBe('GenericBootstrapConfigTemplate');
    expect(d.machinePools[0].bootstrapObject.kind).toBe('GenericBootstrapConfig');
  });
});

describe('patch request items', () => {
  const { bp, cluster } = blueprint();
  const d = computeDesiredState(bp, cluster);
  const items = createRequest(bp, d);
  it('keeps each item under its role, pointing at its desired object', () => {
    expect(items.infrastructureCluster.target).toBe(d.infrastructureCluster);
    expect(items.controlPlane.target).toBe(d.controlPlane.object);
    expect(items.controlPlaneInfrastructureMachineTemplate?.target).toBe(
      d.controlPlane.infrastructureMachineTemplate,
    );
    for (const md of d.machineDeployments) {
      const its = items.machineDeployments.get(md.topologyName);
      expect(its?.bootstrap.target).toBe(md.bootstrapTemplate);
      expect(its?.infrastructure.target).toBe(md.infrastructureMachineTemplate);
      expect(its?.bootstrap.holder.fieldPath).toBe('spec.template.spec.bootstrap.configRef');
    }
    for (const mp of d.machinePools) {
      const its = items.machinePools.get(mp.topologyName);
      expect(its?.bootstrap.target).toBe(mp.bootstrapObject);
      expect(its?.infrastructure.target).toBe(mp.infrastructureMachinePoolObject);
      expect(its?.infrastructure.holder.kind).toBe('MachinePool');
    }
  });
  it('lists every item once, in request order, with unique uids', () => {
    expect(items.all.length).toBe(3 + 2 * 2 + 2 * 2);
    expect(new Set(items.all.map((i) => i.uid)).size).toBe(items.all.length);
    expect(items.all[0]).toBe(items.infrastructureCluster);
    expect(items.all[1]).toBe(items.controlPlane);
  });
});
