import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/k8s/object.js';
import { objectReadiness } from '../../src/services/readiness.js';

function obj(
  apiVersion: string,
  kind: string,
  body: { spec?: unknown; status?: unknown; generation?: number; deletionTimestamp?: string } = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name: 'x',
      namespace: 'default',
      uid: 'u',
      resourceVersion: '1',
      generation: body.generation ?? 1,
      creationTimestamp: '2025-01-01T00:00:00Z',
      ...(body.deletionTimestamp ? { deletionTimestamp: body.deletionTimestamp } : {}),
    },
    ...(body.spec !== undefined ? { spec: body.spec } : {}),
    ...(body.status !== undefined ? { status: body.status } : {}),
  };
}

const cond = (type: string, status: string, reason = '', message = '') => ({ type, status, reason, message });

const deploy = (spec: object, status: object) => obj('apps/v1', 'Deployment', { spec, status });
const availableDeploy = {
  observedGeneration: 1,
  replicas: 2,
  updatedReplicas: 2,
  readyReplicas: 2,
  availableReplicas: 2,
  conditions: [cond('Available', 'True'), cond('Progressing', 'True', 'NewReplicaSetAvailable')],
};

describe('objectReadiness', () => {
  const cases: [string, KubeObject | undefined, string, string][] = [
    ['absent', undefined, 'NotFound', 'Resource not found'],
    [
      'being deleted',
      obj('v1', 'ConfigMap', { deletionTimestamp: '2025-01-01T00:00:00Z' }),
      'InProgress',
      'Resource scheduled for deletion',
    ],
    [
      'generation not yet observed',
      obj('apps/v1', 'Deployment', { generation: 3, status: { ...availableDeploy, observedGeneration: 2 } }),
      'InProgress',
      'Deployment generation is 3, but latest observed generation is 2',
    ],
    // Deployment
    [
      'deployment available',
      deploy({ replicas: 2 }, availableDeploy),
      'Current',
      'Deployment is available. Replicas: 2',
    ],
    ['deployment short of replicas', deploy({ replicas: 3 }, availableDeploy), 'InProgress', 'Replicas: 2/3'],
    [
      'deployment rolling out',
      deploy({ replicas: 2 }, { ...availableDeploy, updatedReplicas: 1 }),
      'InProgress',
      'Updated: 1/2',
    ],
    [
      'deployment with old pods terminating',
      deploy({ replicas: 2 }, { ...availableDeploy, replicas: 3 }),
      'InProgress',
      'Pending termination: 1',
    ],
    [
      'deployment not all available',
      deploy({ replicas: 2 }, { ...availableDeploy, availableReplicas: 1 }),
      'InProgress',
      'Available: 1/2',
    ],
    [
      'deployment not all ready',
      deploy({ replicas: 2 }, { ...availableDeploy, readyReplicas: 1 }),
      'InProgress',
      'Ready: 1/2',
    ],
    [
      'deployment past its progress deadline',
      deploy(
        { replicas: 2 },
        { ...availableDeploy, conditions: [cond('Progressing', 'False', 'ProgressDeadlineExceeded')] },
      ),
      'Failed',
      'Progress deadline exceeded',
    ],
    [
      'deployment with a deadline but no NewReplicaSetAvailable yet',
      deploy(
        { replicas: 2, progressDeadlineSeconds: 600 },
        { ...availableDeploy, conditions: [cond('Available', 'True')] },
      ),
      'InProgress',
      'ReplicaSet not Available',
    ],
    [
      'deployment without Available',
      deploy({ replicas: 2 }, { ...availableDeploy, conditions: [] }),
      'InProgress',
      'Deployment not Available',
    ],
    [
      'deployment replicas default to 1',
      deploy({}, { replicas: 0, conditions: [] }),
      'InProgress',
      'Replicas: 0/1',
    ],
    // StatefulSet
    [
      'statefulset ready',
      obj('apps/v1', 'StatefulSet', {
        spec: { replicas: 2 },
        status: {
          replicas: 2,
          readyReplicas: 2,
          currentReplicas: 2,
          updatedReplicas: 2,
          currentRevision: 'r1',
          updateRevision: 'r1',
        },
      }),
      'Current',
      'All replicas scheduled as expected. Replicas: 2',
    ],
    [
      'statefulset not ready',
      obj('apps/v1', 'StatefulSet', { spec: { replicas: 2 }, status: { replicas: 2, readyReplicas: 1 } }),
      'InProgress',
      'Ready: 1/2',
    ],
    [
      'statefulset revision mismatch',
      obj('apps/v1', 'StatefulSet', {
        spec: { replicas: 1 },
        status: {
          replicas: 1,
          readyReplicas: 1,
          currentReplicas: 1,
          currentRevision: 'a',
          updateRevision: 'b',
        },
      }),
      'InProgress',
      'Waiting for updated revision to match current',
    ],
    [
      'statefulset partition rolled out',
      obj('apps/v1', 'StatefulSet', {
        spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
        status: { replicas: 3, readyReplicas: 3, updatedReplicas: 1 },
      }),
      'Current',
      'Partition rollout complete. updated: 1',
    ],
    [
      'statefulset OnDelete',
      obj('apps/v1', 'StatefulSet', { spec: { updateStrategy: { type: 'OnDelete' } }, status: {} }),
      'Current',
      'StatefulSet is using the ondelete update strategy',
    ],
    // DaemonSet
    [
      'daemonset ready',
      obj('apps/v1', 'DaemonSet', {
        status: {
          observedGeneration: 1,
          desiredNumberScheduled: 3,
          currentNumberScheduled: 3,
          updatedNumberScheduled: 3,
          numberAvailable: 3,
          numberReady: 3,
        },
      }),
      'Current',
      'All replicas scheduled as expected. Replicas: 3',
    ],
    [
      'daemonset not yet observed',
      obj('apps/v1', 'DaemonSet', { status: {} }),
      'InProgress',
      'DaemonSet status.observedGeneration not found',
    ],
    [
      'daemonset not all available',
      obj('apps/v1', 'DaemonSet', {
        status: {
          observedGeneration: 1,
          desiredNumberScheduled: 3,
          currentNumberScheduled: 3,
          updatedNumberScheduled: 3,
          numberAvailable: 2,
        },
      }),
      'InProgress',
      'Available: 2/3',
    ],
    // ReplicaSet
    [
      'replicaset available',
      obj('apps/v1', 'ReplicaSet', {
        spec: { replicas: 1 },
        status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 1 },
      }),
      'Current',
      'ReplicaSet is available. Replicas: 1',
    ],
    [
      'replicaset failing',
      obj('apps/v1', 'ReplicaSet', { status: { conditions: [cond('ReplicaFailure', 'True')] } }),
      'InProgress',
      'Replica Failure condition. Check Pods',
    ],
    // Job
    [
      'job complete',
      obj('batch/v1', 'Job', {
        spec: { completions: 1 },
        status: { succeeded: 1, conditions: [cond('Complete', 'True')] },
      }),
      'Current',
      'Job Completed. succeeded: 1/1',
    ],
    [
      'job failed',
      obj('batch/v1', 'Job', {
        status: { failed: 6, conditions: [cond('Failed', 'True', 'BackoffLimitExceeded')] },
      }),
      'Failed',
      'Job Failed. failed: 6/1',
    ],
    ['job not started', obj('batch/v1', 'Job', { status: {} }), 'InProgress', 'Job not started'],
    [
      'job running',
      obj('batch/v1', 'Job', { status: { startTime: '2025-01-01T00:00:00Z', active: 1 } }),
      'Current',
      'Job in progress. success:0, active: 1, failed: 0',
    ],
    // Pod
    [
      'pod ready',
      obj('v1', 'Pod', { status: { phase: 'Running', conditions: [cond('Ready', 'True')] } }),
      'Current',
      'Pod is Ready',
    ],
    [
      'pod crash-looping',
      obj('v1', 'Pod', {
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } },
            { name: 'side', state: { running: {} } },
          ],
        },
      }),
      'Failed',
      'Containers in CrashLoop state: app',
    ],
    [
      'pod running, not ready',
      obj('v1', 'Pod', { status: { phase: 'Running' } }),
      'InProgress',
      'Pod is running but is not Ready',
    ],
    [
      'pod pending',
      obj('v1', 'Pod', { status: { phase: 'Pending' } }),
      'InProgress',
      'Pod is in the Pending phase',
    ],
    ['pod without phase', obj('v1', 'Pod', { status: {} }), 'InProgress', 'Pod phase not available'],
    [
      'pod succeeded',
      obj('v1', 'Pod', { status: { phase: 'Succeeded' } }),
      'Current',
      'Pod has completed successfully',
    ],
    // PVC
    [
      'pvc bound',
      obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Bound' } }),
      'Current',
      'PVC is Bound',
    ],
    [
      'pvc pending',
      obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }),
      'InProgress',
      'PVC is not Bound. phase: Pending',
    ],
    // Service
    [
      'clusterIP service',
      obj('v1', 'Service', { spec: { type: 'ClusterIP' } }),
      'Current',
      'Service is ready',
    ],
    [
      'load balancer without ingress',
      obj('v1', 'Service', {
        spec: { type: 'LoadBalancer', clusterIP: '10.0.0.1' },
        status: { loadBalancer: {} },
      }),
      'InProgress',
      'No ingress address assigned. Service type: LoadBalancer',
    ],
    [
      'load balancer with an ingress IP',
      obj('v1', 'Service', {
        spec: { type: 'LoadBalancer' },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
      }),
      'Current',
      'Service is ready',
    ],
    [
      'load balancer with an ingress hostname',
      obj('v1', 'Service', {
        spec: { type: 'LoadBalancer' },
        status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } },
      }),
      'Current',
      'Service is ready',
    ],
    // CRD
    [
      'crd established',
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
        status: { conditions: [cond('NamesAccepted', 'True'), cond('Established', 'True')] },
      }),
      'Current',
      'CRD is established',
    ],
    [
      'crd names not accepted',
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
        status: {
          conditions: [cond('NamesAccepted', 'False', 'MultipleNamesNotAllowed', '"foos" is already in use')],
        },
      }),
      'Failed',
      '"foos" is already in use',
    ],
    [
      'crd installing',
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
        status: { conditions: [cond('Established', 'False', 'Installing')] },
      }),
      'InProgress',
      'Install in progress',
    ],
    // Namespace
    [
      'namespace active',
      obj('v1', 'Namespace', { status: { phase: 'Active' } }),
      'Current',
      'Namespace is Active',
    ],
    [
      'namespace terminating',
      obj('v1', 'Namespace', { status: { phase: 'Terminating' } }),
      'InProgress',
      'Namespace is Terminating',
    ],
    // always ready
    ['configmap', obj('v1', 'ConfigMap'), 'Current', 'Resource is always ready'],
    ['secret', obj('v1', 'Secret'), 'Current', 'Resource is always ready'],
    // generic
    [
      'generic without conditions',
      obj('example.com/v1', 'Widget', { status: {} }),
      'Current',
      'Resource is current',
    ],
    [
      'generic Ready',
      obj('example.com/v1', 'Widget', { status: { conditions: [cond('Ready', 'True')] } }),
      'Current',
      'Resource is Ready',
    ],
    [
      'generic not Ready',
      obj('example.com/v1', 'Widget', {
        status: { conditions: [cond('Ready', 'False', 'Waiting', 'waiting for x')] },
      }),
      'InProgress',
      'waiting for x',
    ],
    [
      'generic Reconciling',
      obj('example.com/v1', 'Widget', {
        status: {
          conditions: [cond('Ready', 'True'), cond('Reconciling', 'True', 'Progressing', 'working')],
        },
      }),
      'InProgress',
      'working',
    ],
    [
      'generic Stalled',
      obj('example.com/v1', 'Widget', {
        status: { conditions: [cond('Stalled', 'True', 'Broken', 'gave up')] },
      }),
      'Failed',
      'gave up',
    ],
    [
      'a Deployment kind in another group is generic',
      obj('example.com/v1', 'Deployment', { spec: { replicas: 5 }, status: {} }),
      'Current',
      'Resource is current',
    ],
    [
      'malformed conditions are ignored',
      obj('example.com/v1', 'Widget', { status: { conditions: ['x', null, { type: 1 }] } }),
      'Current',
      'Resource is current',
    ],
  ];

  it.each(cases)('%s', (_name, live, status, message) => {
    expect(objectReadiness(live)).toEqual({ status, message });
  });

  it('counts a Pod unschedulable for longer than the schedule window as failed, given the time', () => {
    const p = obj('v1', 'Pod', {
      status: { phase: 'Pending', conditions: [cond('PodScheduled', 'False', 'Unschedulable')] },
    });
    expect(objectReadiness(p)).toEqual({ status: 'InProgress', message: 'Pod has not been scheduled' });
    expect(objectReadiness(p, new Date('2025-01-01T00:00:10Z')).status).toBe('InProgress');
    expect(objectReadiness(p, new Date('2025-01-01T00:00:15Z'))).toEqual({
      status: 'Failed',
      message: 'Pod could not be scheduled',
    });
  });
});
