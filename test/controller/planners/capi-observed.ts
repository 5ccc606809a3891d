/** What Cluster API reports, as the planners read it (observation.ts): builders for table rows. */
import type {
  CapiCondition,
  CapiObservation,
  ObservedCluster,
  ObservedControlPlane,
  ObservedMachine,
  ObservedMachineDeployment,
  Replicas,
} from '../../../src/providers/capi/observation.js';

/** `desired` replicas, all of them there, up to date, ready and available unless overridden. */
export const replicas = (desired: number, o: Partial<Replicas> = {}): Replicas => ({
  desired,
  replicas: desired,
  ready: desired,
  available: desired,
  upToDate: desired,
  ...o,
});

export const available: CapiCondition = { type: 'Available', status: 'True', reason: 'Available' };

export const cluster = (o: Partial<ObservedCluster> = {}): ObservedCluster => ({
  name: 'dev',
  uid: 'uid-dev',
  deleting: false,
  phase: 'Provisioned',
  infrastructureProvisioned: true,
  controlPlaneInitialized: true,
  endpoint: '10.0.0.1:6443',
  controlPlaneRef: { kind: 'KubeadmControlPlane', name: 'dev-cp', apiGroup: 'controlplane.cluster.x-k8s.io' },
  conditions: [],
  ...o,
});

/** A KubeadmControlPlane asked to run `spec` and reporting `status` (its lowest machine; null: none yet). */
export const controlPlane = (
  spec: string,
  status: string | null = spec,
  o: Partial<ObservedControlPlane> = {},
): ObservedControlPlane => ({
  kind: 'KubeadmControlPlane',
  name: 'dev-cp',
  specVersion: spec,
  ...(status ? { version: status } : {}),
  initialized: true,
  replicas: replicas(3),
  observed: true,
  conditions: [available],
  ...o,
});

export const machineDeployment = (
  pool: string,
  spec: string | undefined,
  o: Partial<ObservedMachineDeployment> = {},
): ObservedMachineDeployment => ({
  name: pool,
  pool,
  ...(spec ? { specVersion: spec } : {}),
  replicas: replicas(2),
  observed: true,
  conditions: [available],
  ...o,
});

export const machine = (name: string, o: Partial<ObservedMachine> = {}): ObservedMachine => ({
  name,
  role: 'worker',
  phase: 'Running',
  version: 'v1.34.1',
  nodeName: name,
  deleting: false,
  ...o,
});

export const observation = (o: Partial<CapiObservation> = {}): CapiObservation => ({
  machineDeployments: [],
  machines: [],
  ...o,
});
