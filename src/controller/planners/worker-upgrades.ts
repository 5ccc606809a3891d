/**
 * The worker upgrade sequencer (pure): which version each MachineDeployment rolls to in this
 * pass. Workers move only once the control plane is stable at its target, in jumps of at most
 * three minors, at most `concurrency` MachineDeployments at once, in their rendered order;
 * `defer-upgrade` keeps one where it is, `hold-upgrade-sequence` keeps it and every later one.
 */

import { compareKubernetes } from '../../domain/kubernetes-version.js';
import {
  ANNOTATION_DEFER_UPGRADE,
  ANNOTATION_HOLD_UPGRADE_SEQUENCE,
  ANNOTATION_UPGRADE_CONCURRENCY,
} from '../../domain/labels.js';
import { nextWorkerVersion } from '../../domain/upgrade-path.js';

export interface WorkerPoolInput {
  name: string;
  /** The version the deployment asks for (no distribution suffix). */
  target: string;
  /** The version the pool is rolled to (stored, else its newest machine's); undefined: a new pool. */
  current: string | undefined;
  /** The stored status tracks the pool, so a roll in flight counts against the concurrency. */
  tracked: boolean;
  /** Live machines of the pool are at another version than `current` (a roll in flight). */
  rolling: boolean;
  deferred: boolean;
  holdsSequence: boolean;
}

export interface WorkerSequenceInput {
  pools: readonly WorkerPoolInput[];
  controlPlaneInitialized: boolean;
  /** The control plane is stable at its target version. */
  controlPlaneAtTarget: boolean;
  controlPlaneTarget: string;
  /** The control plane's upgrade steps (for jumps of at most three minors). */
  controlPlaneSteps: readonly string[];
  concurrency: number;
}

export type WorkerPoolStep =
  /** A new pool before the control plane is up: nothing to roll yet. */
  | { name: string; target: string; waitsForControlPlane: true }
  | {
      name: string;
      target: string;
      waitsForControlPlane: false;
      /** The version its machines roll to in this pass. */
      version: string;
      note?: string;
      /** Set when this pass starts the pool's next step (from this version). */
      upgradeFrom?: string;
      /** Deferred or held: an available pool counts as ready. */
      frozen: boolean;
    };

export interface WorkerSequence {
  pools: WorkerPoolStep[];
  /** A worker upgrade is still to come or under way. */
  pending: boolean;
  /** Why pools wait, for the UpgradeInProgress message. */
  notes: string[];
}

export function sequenceWorkerUpgrades(input: WorkerSequenceInput): WorkerSequence {
  const { concurrency } = input;
  let upgrading = input.pools.filter((p) => p.tracked && p.rolling).length;
  let held = false;
  let pending = false;
  const notes: string[] = [];
  const pools: WorkerPoolStep[] = [];
  for (const p of input.pools) {
    if (p.holdsSequence) held = true;
    const { deferred, target } = p;
    let version = p.current;
    let note: string | undefined;
    let upgradeFrom: string | undefined;
    if (version === undefined) {
      if (!input.controlPlaneInitialized) {
        pools.push({ name: p.name, target, waitsForControlPlane: true });
        continue;
      }
      version = target;
    } else if (version !== target && compareKubernetes(target, version) > 0) {
      if (deferred) note = `${ANNOTATION_DEFER_UPGRADE}: stays at ${version}`;
      else if (held) note = `${ANNOTATION_HOLD_UPGRADE_SEQUENCE}: stays at ${version}`;
      else if (!input.controlPlaneAtTarget) {
        note = `waits for the control plane to reach ${input.controlPlaneTarget}`;
      } else if (!p.rolling && upgrading >= concurrency) {
        note = `waits: ${upgrading} MachineDeployment(s) upgrading (${ANNOTATION_UPGRADE_CONCURRENCY} ${concurrency})`;
      } else if (!p.rolling) {
        upgradeFrom = version;
        const steps = input.controlPlaneSteps.length ? input.controlPlaneSteps : [input.controlPlaneTarget];
        version = nextWorkerVersion(version, target, steps);
        upgrading++;
      }
      if (note) notes.push(`${p.name} ${note}`);
      if (!deferred && !held) pending = true;
    }
    if (version !== target && !deferred && !held) pending = true;
    pools.push({
      name: p.name,
      target,
      waitsForControlPlane: false,
      version,
      ...(note ? { note } : {}),
      ...(upgradeFrom ? { upgradeFrom } : {}),
      frozen: deferred || held,
    });
  }
  return { pools, pending, notes };
}
