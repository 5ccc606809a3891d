/** planControlPlaneUpgrade and nextWorkerVersion (versions.ts): version pairs in, plan out. */
import { describe, expect, it } from 'vitest';
import {
  KNOWN_KUBERNETES_VERSIONS,
  nextWorkerVersion,
  planControlPlaneUpgrade,
} from '../../../src/domain/upgrade-path.js';

const K = KNOWN_KUBERNETES_VERSIONS;

describe('planControlPlaneUpgrade', () => {
  it.each<[string, string, readonly string[], string[]]>([
    ['v1.33.4', 'v1.33.4', K, []],
    ['v1.33.4+k0s.0', 'v1.33.4', K, []],
    ['v1.33.4', 'v1.33.5', K, ['v1.33.5']],
    ['v1.33.4', 'v1.34.1', K, ['v1.34.1']],
    ['v1.33.4', 'v1.34.1+k0s.0', K, ['v1.34.1']],
    ['v1.30.14', 'v1.32.8', K, ['v1.31.12', 'v1.32.8']],
    ['v1.30.0', 'v1.34.1', K, ['v1.31.12', 'v1.32.8', 'v1.33.4', 'v1.34.1']],
    ['v1.27.16', 'v1.30.14', K, ['v1.28.15', 'v1.29.15', 'v1.30.14']],
    // The newest patch of a skipped minor wins, whatever the order of the list.
    ['v1.30.1', 'v1.32.0', ['v1.31.2', 'v1.31.9', 'v1.31.4'], ['v1.31.9', 'v1.32.0']],
    // A version with a distribution suffix in the list counts as its Kubernetes version.
    ['v1.30.1', 'v1.32.0', ['v1.31.3+k0s.0'], ['v1.31.3', 'v1.32.0']],
    // Unparseable entries in the list are ignored.
    ['v1.30.1', 'v1.32.0', ['garbage', 'v1.31.1'], ['v1.31.1', 'v1.32.0']],
    // The target's own minor needs no entry.
    ['v1.31.0', 'v1.32.5', [], ['v1.32.5']],
  ])('%s -> %s with %j: steps %j', (from, to, known, steps) => {
    expect(planControlPlaneUpgrade(from, to, known)).toEqual({ ok: true, steps });
  });

  it.each<[string, string, readonly string[], string, RegExp]>([
    ['v1.34.1', 'v1.33.4', K, 'DowngradeRefused', /decreased from v1\.34\.1 to v1\.33\.4/],
    ['v1.33.5', 'v1.33.4', K, 'DowngradeRefused', /Kubernetes does not support downgrades/],
    ['v1.30.1', 'v1.32.0', [], 'SkippedMinor', /no version of v1\.31 is known for the intermediate step \(/],
    ['v1.29.1', 'v1.32.0', ['v1.30.2'], 'SkippedMinor', /no version of v1\.31 is known/],
    ['v1.28.1', 'v1.32.0', [], 'SkippedMinor', /v1\.29, v1\.30, v1\.31 is known for the intermediate steps/],
    ['v1.33.4', 'v2.0.0', K, 'SkippedMinor', /the major version changes/],
    ['latest', 'v1.33.4', K, 'InvalidVersion', /not Kubernetes versions/],
    ['v1.33.4', '', K, 'InvalidVersion', /not Kubernetes versions/],
  ])('%s -> %s with %j: refused %s', (from, to, known, reason, message) => {
    const plan = planControlPlaneUpgrade(from, to, known);
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.reason).toBe(reason);
    expect(plan.message).toMatch(message);
  });
});

describe('nextWorkerVersion', () => {
  it.each<[string, string, string[], string]>([
    ['v1.33.4', 'v1.34.1', ['v1.34.1'], 'v1.34.1'],
    ['v1.30.14', 'v1.33.4', ['v1.31.12', 'v1.32.8', 'v1.33.4'], 'v1.33.4'],
    // More than three minors: the control-plane step three minors up.
    ['v1.30.14', 'v1.34.1', ['v1.31.12', 'v1.32.8', 'v1.33.4', 'v1.34.1'], 'v1.33.4'],
    [
      'v1.27.16',
      'v1.34.1',
      ['v1.28.15', 'v1.29.15', 'v1.30.14', 'v1.31.12', 'v1.32.8', 'v1.33.4', 'v1.34.1'],
      'v1.30.14',
    ],
    // No step three minors up: the target.
    ['v1.27.16', 'v1.34.1', ['v1.34.1'], 'v1.34.1'],
    ['v1.33.4', 'v1.33.4+k0s.0', [], 'v1.33.4'],
    ['junk', 'v1.34.1+k0s.0', [], 'v1.34.1'],
  ])('workers at %s, target %s, steps %j: next %s', (current, target, steps, want) => {
    expect(nextWorkerVersion(current, target, steps)).toBe(want);
  });
});
