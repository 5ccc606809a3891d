// The webhook's side of the platform's machine ceiling (issue 17, class 6): the same refusal as
// `clustermint check`, at the ceiling the webhook was started with (--max-machines).
import { describe, expect, it } from 'vitest';
import { admit } from '../../src/webhook/admit.js';
import { parseAdmissionReview } from '../../src/webhook/review.js';
import type { Snapshot } from '../../src/webhook/snapshot.js';
import { loadDirectories } from '../../src/webhook/sources.js';
import { reviewOf } from './helpers.js';

const deployment = (workersNumber: number) => ({
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ClusterDeployment',
  metadata: { name: 'huge', namespace: 'team-a' },
  spec: { template: 'simulated-standalone-cp', config: { controlPlaneNumber: 1, workersNumber } },
});

const snapshot = (maxMachines?: number): Snapshot => ({
  ...loadDirectories([], []),
  namespaceLabels: new Map(),
  ...(maxMachines !== undefined ? { maxMachines } : {}),
});

const decide = (object: Record<string, unknown>, snap: Snapshot) =>
  admit(parseAdmissionReview(JSON.stringify(reviewOf(object))), snap, 'validate');

describe('machine ceiling in the webhook', () => {
  it('denies 100,000 workers at the default ceiling, with the count and the flag', () => {
    const r = decide(deployment(100_000), snapshot());
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toMatch(
      /asks for 100001 machines .*the platform allows at most 1000 per deployment.*--max-machines/,
    );
    expect(decide(deployment(998), snapshot()).allowed).toBe(true);
  });

  it('follows the configured ceiling', () => {
    expect(decide(deployment(100_000), snapshot(200_000)).allowed).toBe(true);
    const r = decide(deployment(5), snapshot(4));
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toMatch(/asks for 6 machines .*at most 4 per deployment/);
  });
});
