/** Machines for the planner tables: a compact spec string per machine, no store. */
import type { Machine } from '../../../src/api/machine.js';

export const T0 = Date.parse('2025-01-01T00:00:00Z');

export interface MachineOptions {
  role?: 'control-plane' | 'worker';
  pool?: string;
  version?: string;
  hash?: string;
  ready?: boolean;
  deleting?: boolean;
  /** Seconds after T0 the machine was created. */
  age?: number;
  zone?: string;
  /** Seconds after T0 the node became Ready. */
  readySince?: number;
  failed?: boolean;
  providerError?: boolean;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  nodeConditions?: { type: string; status: 'True' | 'False' | 'Unknown'; since: number }[];
}

export function machine(name: string, o: MachineOptions = {}): Machine {
  const created = new Date(T0 + (o.age ?? 0) * 1000).toISOString();
  const ready = o.ready ?? true;
  return {
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'Machine',
    metadata: {
      name,
      namespace: 'team-a',
      uid: `uid-${name}`,
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: created,
      labels: { 'cluster.x-k8s.io/cluster-name': 'c1', ...(o.labels ?? {}) },
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.deleting ? { deletionTimestamp: created } : {}),
    },
    spec: {
      clusterName: 'c1',
      role: o.role ?? 'worker',
      pool: o.pool ?? (o.role === 'control-plane' ? 'cp' : 'md-0'),
      version: o.version ?? 'v1.33.4',
      bootstrapRole: o.role === 'control-plane' ? 'control-plane-join' : 'worker',
      templateHash: o.hash ?? 'new',
      infrastructureTemplate: 'SimulatedMachineTemplate/mt',
      createdAt: created,
      ...(o.zone ? { failureDomain: o.zone } : {}),
    },
    status: {
      ready,
      ...(o.failed ? { phase: 'Failed', failureReason: 'InstanceTerminated', failureMessage: 'gone' } : {}),
      ...(o.providerError
        ? { providerError: true, failureReason: 'QuotaExceeded', failureMessage: 'no quota' }
        : {}),
      ...(ready || o.readySince !== undefined
        ? { readySince: new Date(T0 + (o.readySince ?? o.age ?? 0) * 1000).toISOString() }
        : {}),
      ...(o.nodeConditions
        ? {
            nodeConditions: o.nodeConditions.map((c) => ({
              type: c.type,
              status: c.status,
              lastTransitionTime: new Date(T0 + c.since * 1000).toISOString(),
            })),
          }
        : {}),
      ...(o.zone ? { failureDomain: o.zone } : {}),
    },
  } as Machine;
}

export const names = (ms: readonly { metadata: { name: string } }[]): string[] =>
  ms.map((m) => m.metadata.name);
