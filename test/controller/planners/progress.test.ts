/** upgradeProgress and readiness: where the pass left things in, UpgradeInProgress and Ready out. */
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/controller/conditions.js';
import {
  type ReadinessInput,
  readiness,
  type UpgradeProgressInput,
  upgradeProgress,
} from '../../../src/controller/planners/progress.js';
import type { PoolStatus } from '../../../src/controller/status.js';

const was = (status: Condition['status'], reason: string): Condition => ({
  type: 'UpgradeInProgress',
  status,
  reason,
  message: '',
  lastTransitionTime: '2025-01-01T00:00:00Z',
});
const pool = (name: string, version: string, note?: string): PoolStatus => ({
  name,
  version,
  targetVersion: 'v1.34.1',
  replicas: 2,
  readyReplicas: 2,
  updatedReplicas: 2,
  ...(note ? { note } : {}),
});
const base: UpgradeProgressInput = {
  refusal: undefined,
  pending: false,
  cpVersion: 'v1.34.1',
  cpTarget: 'v1.34.1',
  cpStable: true,
  workersReady: true,
  pools: [pool('a', 'v1.34.1')],
  notes: [],
  steps: [],
  previous: undefined,
  k8sVersion: 'v1.34.1',
  was: undefined,
};
const prev = {
  from: 'v1.32.8',
  to: 'v1.34.1',
  controlPlaneSteps: ['v1.33.4', 'v1.34.1'],
  stage: 'ControlPlane',
};

describe('upgradeProgress', () => {
  it.each<
    [
      string,
      Partial<UpgradeProgressInput>,
      string | undefined,
      string | RegExp | undefined,
      object | undefined,
    ]
  >([
    ['nothing to do, first pass', {}, 'False/NoUpgrade', 'at v1.34.1', undefined],
    [
      'nothing to do, after a completed upgrade: unchanged',
      { was: was('False', 'UpgradeCompleted') },
      undefined,
      undefined,
      undefined,
    ],
    [
      'nothing to do, after NoUpgrade: set again',
      { was: was('False', 'NoUpgrade') },
      'False/NoUpgrade',
      undefined,
      undefined,
    ],
    [
      'a refusal',
      { refusal: { reason: 'DowngradeRefused', message: 'no' }, previous: prev },
      'False/DowngradeRefused',
      'no',
      prev,
    ],
    [
      'control plane behind: ControlPlane stage with steps',
      { cpVersion: 'v1.32.8', steps: ['v1.33.4', 'v1.34.1'], k8sVersion: 'v1.32.8' },
      'True/UpgradingControlPlane',
      'control plane at v1.32.8, target v1.34.1 (steps: v1.33.4 -> v1.34.1); workers after',
      { from: 'v1.32.8', to: 'v1.34.1', controlPlaneSteps: ['v1.33.4', 'v1.34.1'], stage: 'ControlPlane' },
    ],
    [
      'the record keeps where the upgrade started and its steps',
      { cpVersion: 'v1.33.4', steps: [], previous: prev, k8sVersion: 'v1.33.4' },
      'True/UpgradingControlPlane',
      /^control plane at v1.33.4, target v1.34.1; workers after$/,
      { ...prev },
    ],
    [
      'control plane at target but not stable: still ControlPlane',
      { pending: true, cpStable: false, previous: prev },
      'True/UpgradingControlPlane',
      undefined,
      { ...prev, stage: 'ControlPlane' },
    ],
    [
      'workers behind',
      { pools: [pool('a', 'v1.33.4'), pool('b', 'v1.34.1')], previous: prev, notes: ['a waits'] },
      'True/UpgradingWorkers',
      'control plane at v1.34.1; workers: a; a waits',
      { ...prev, stage: 'Workers' },
    ],
    [
      'workers pending but none behind',
      { pending: true, previous: prev },
      'True/UpgradingWorkers',
      'control plane at v1.34.1; workers: rolling',
      { ...prev, stage: 'Workers' },
    ],
    [
      'only deferred pools behind',
      {
        pools: [pool('a', 'v1.33.4', 'topology.cluster.x-k8s.io/defer-upgrade: stays at v1.33.4')],
        previous: prev,
      },
      'True/UpgradeDeferred',
      'a: topology.cluster.x-k8s.io/defer-upgrade: stays at v1.33.4',
      prev,
    ],
    [
      'done: completed, record dropped',
      { was: was('True', 'UpgradingWorkers'), previous: prev },
      'False/UpgradeCompleted',
      'upgrade to v1.34.1 completed',
      undefined,
    ],
    [
      'done after a deferral',
      { was: was('True', 'UpgradeDeferred'), previous: prev },
      'False/UpgradeCompleted',
      undefined,
      undefined,
    ],
    [
      'rolling but workers not ready yet: unchanged',
      { was: was('True', 'UpgradingWorkers'), workersReady: false, previous: prev },
      undefined,
      undefined,
      prev,
    ],
  ])('%s', (_name, over, cond, message, upgrade) => {
    const p = upgradeProgress({ ...base, ...over });
    expect(p.condition ? `${p.condition.status}/${p.condition.reason}` : undefined).toBe(cond);
    if (typeof message === 'string') expect(p.condition?.message).toBe(message);
    else if (message) expect(p.condition?.message).toMatch(message);
    expect(p.upgrade).toEqual(upgrade);
  });
});

const ready: ReadinessInput = {
  refusal: undefined,
  upgrade: { status: 'False', reason: 'NoUpgrade' },
  clusterName: 'c1',
  target: 'v1.34.1',
  cpReady: 3,
  cpReplicas: 3,
  cpStable: true,
  cpInitialized: true,
  cpUnit: 'machines',
  workersReady: true,
  readyWorkers: 4,
  wantWorkers: 4,
  readyMachines: 7,
  failed: undefined,
};

describe('readiness', () => {
  it.each<[string, Partial<ReadinessInput>, string, string]>([
    ['all there', {}, 'True/Ready', 'cluster c1 is ready: 3 control-plane machines and 4 workers at v1.34.1'],
    [
      'hosted wording',
      { cpUnit: 'replicas', cpReady: 2, cpReplicas: 2 },
      'True/Ready',
      'cluster c1 is ready: 2 control-plane replicas and 4 workers at v1.34.1',
    ],
    [
      'a deferred upgrade does not hold Ready back',
      { upgrade: { status: 'True', reason: 'UpgradeDeferred' } },
      'True/Ready',
      'cluster c1 is ready: 3 control-plane machines and 4 workers at v1.34.1',
    ],
    ['a refusal', { refusal: { reason: 'SkippedMinor', message: 'cannot' } }, 'False/SkippedMinor', 'cannot'],
    [
      'rolling',
      { upgrade: { status: 'True', reason: 'UpgradingWorkers' } },
      'False/Upgrading',
      '7/7 machines ready',
    ],
    [
      'not initialised',
      { cpReady: 0, cpInitialized: false, readyMachines: 0, workersReady: false },
      'False/Provisioning',
      '0/7 machines ready',
    ],
    ['scaling up', { workersReady: false, readyMachines: 5 }, 'False/ScalingUp', '5/7 machines ready'],
    ['control plane not stable', { cpStable: false }, 'False/ScalingUp', '7/7 machines ready'],
    [
      'a provider error wins',
      { workersReady: false, failed: { machine: 'w9', message: 'QuotaExceeded: no quota' } },
      'False/ProviderError',
      'machine w9: QuotaExceeded: no quota',
    ],
  ])('%s', (_name, over, verdict, message) => {
    const c = readiness({ ...ready, ...over });
    expect(`${c.status}/${c.reason}`).toBe(verdict);
    expect(c.message).toBe(message);
    expect(c.type).toBe('Ready');
  });
});
