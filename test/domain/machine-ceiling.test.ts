/** The platform's machine ceiling (issue 17, class 6): what counts as a machine, and the message. */
import { describe, expect, it } from 'vitest';
import {
  countMachines,
  DEFAULT_MAX_MACHINES,
  machineCeilingError,
  parseMaxMachines,
} from '../../src/domain/machine-ceiling.js';

const md = (name: string, replicas: unknown) => ({
  apiVersion: 'cluster.x-k8s.io/v1beta1',
  kind: 'MachineDeployment',
  metadata: { name },
  spec: { replicas },
});
const kcp = (replicas: unknown) => ({
  apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
  kind: 'KubeadmControlPlane',
  metadata: { name: 'cp' },
  spec: { replicas },
});
const pool = (replicas: number) => ({
  apiVersion: 'cluster.x-k8s.io/v1beta1',
  kind: 'MachinePool',
  metadata: { name: 'mp' },
  spec: { replicas },
});
const topologyCluster = (cp: number, workers: number[]) => ({
  apiVersion: 'cluster.x-k8s.io/v1beta1',
  kind: 'Cluster',
  metadata: { name: 'c' },
  spec: {
    topology: {
      controlPlane: { replicas: cp },
      workers: {
        machineDeployments: workers.map((replicas, i) => ({ name: `md-${i}`, class: 'w', replicas })),
      },
    },
  },
});

describe('countMachines', () => {
  it.each([
    ['nothing', [], 0],
    ['a control plane and two MachineDeployments', [kcp(3), md('a', 2), md('b', 5)], 10],
    ['a MachinePool', [kcp(1), pool(4)], 5],
    ['a topology Cluster alone (Cluster API makes the objects)', [topologyCluster(3, [2, 4])], 9],
    [
      'a topology Cluster with its previewed objects: counted once',
      [topologyCluster(3, [2, 4]), kcp(3), md('md-0', 2), md('md-1', 4)],
      9,
    ],
    ['replicas that are not counts (the schemas refuse them)', [md('a', '7'), md('b', -3), kcp(null)], 0],
    [
      'kinds of other groups with a replicas field',
      [{ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 50 } }, md('a', 1)],
      1,
    ],
    ['a hosted control plane (no replicas)', [{ ...kcp(undefined), kind: 'AWSManagedControlPlane' }], 0],
  ])('%s', (_what, objects, total) => {
    expect(countMachines(objects).total).toBe(total);
  });
});

describe('machineCeilingError', () => {
  it('is silent at the ceiling and names count, ceiling and the flag above it', () => {
    expect(machineCeilingError([kcp(1), md('w', 999)], 1000)).toBeUndefined();
    const m = machineCeilingError([kcp(1), md('w', 100_000)], DEFAULT_MAX_MACHINES);
    expect(m).toMatch(/asks for 100001 machines \(MachineDeployment w: 100000, KubeadmControlPlane cp: 1\)/);
    expect(m).toMatch(/at most 1000 per deployment/);
    expect(m).toMatch(/--max-machines/);
  });

  it('lists at most five parts', () => {
    const many = Array.from({ length: 8 }, (_, i) => md(`md-${i}`, 200));
    expect(machineCeilingError(many, 1000)).toMatch(/md-4: 200, and 3 more\)/);
  });
});

describe('parseMaxMachines', () => {
  it.each([
    ['1', 1],
    ['5000', 5000],
    [' 20 ', 20],
    ['0', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['1e3', undefined],
    ['', undefined],
    ['99999999999999999999', undefined],
  ])('%j -> %j', (text, n) => {
    expect(parseMaxMachines(text)).toBe(n);
  });
});
