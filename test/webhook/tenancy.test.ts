/**
 * The webhook's team is the namespace of the request (the one the API server authorised the user
 * for), never the object's own metadata.namespace: a mismatch is denied, and the policies and
 * $teamLabels applied are those of the request's namespace.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { admit } from '../../src/webhook/admit.js';
import { parseAdmissionReview } from '../../src/webhook/review.js';
import type { Snapshot } from '../../src/webhook/snapshot.js';
import { loadDirectories } from '../../src/webhook/sources.js';
import { doc, ROOT, reviewOf } from './helpers.js';

let snap: Snapshot;
beforeAll(() => {
  snap = {
    ...loadDirectories([join(ROOT, 'policies')], []),
    namespaceLabels: new Map([['team-a', { tier: 'development' }]]),
  };
});

/** A review sent to `namespace` for an object that says `named`. */
function review(object: Record<string, any>, namespace: string | undefined, mode: 'validate' | 'mutate') {
  const r = reviewOf(object);
  r.request.namespace = namespace;
  return admit(parseAdmissionReview(JSON.stringify(r)), snap, mode);
}

describe('the team is the request namespace', () => {
  const allowed = () => doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');

  it('denies an object whose metadata.namespace is not the request namespace', () => {
    // allowed for team-a; sent to team-b's namespace while claiming team-a
    const r = review(allowed(), 'team-b', 'validate');
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toMatch(
      /metadata\.namespace: Invalid value: "team-a": does not match the namespace of the request \("team-b"\)/,
    );
    // the mutating pass adds nothing to it (no defaults computed for another team)
    expect(review(allowed(), 'team-b', 'mutate')).toMatchObject({ allowed: true });
    expect(review(allowed(), 'team-b', 'mutate').patch).toBeUndefined();
  });

  it("judges an object without metadata.namespace with the request namespace's policies", () => {
    const object = allowed();
    delete object.metadata.namespace;
    // team-b's policies: us-* regions only, m5/c5 instances; the team-a credential is not its own
    const r = review(object, 'team-b', 'validate');
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toMatch(/team-b may only deploy to us-\* regions/);
    expect(r.status?.message).toMatch(/a team may only use its own credentials/);
    expect(review(object, 'team-a', 'validate').allowed).toBe(true);
  });

  it('denies a topology Cluster that names another namespace than the request', () => {
    const cluster = doc('examples/topology/cluster.yaml', 'Cluster');
    const other = cluster.metadata.namespace === 'team-b' ? 'team-a' : 'team-b';
    const r = review(cluster, other, 'validate');
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toMatch(/does not match the namespace of the request/);
  });
});
