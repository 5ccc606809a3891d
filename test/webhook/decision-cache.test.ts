// The decision cache (evaluate.ts): a review seen before under another uid gets the answer a
// fresh evaluation gives, and nothing else does.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateReview } from '../../src/webhook/evaluate.js';
import type { Snapshot } from '../../src/webhook/snapshot.js';
import { loadDirectories } from '../../src/webhook/sources.js';
import { doc, ROOT, reviewOf } from './helpers.js';

const loaded = loadDirectories([join(ROOT, 'policies')], []);
/** A new snapshot object each time: the cache is emptied, so the answer is a fresh evaluation. */
const fresh = (): Snapshot => ({ ...loaded, namespaceLabels: new Map() });
const denied = doc('examples/gate/team-a-denied.yaml', 'ClusterDeployment');

function decide(review: Record<string, any>, snap: Snapshot, mode: 'validate' | 'mutate' = 'validate') {
  const outcome = evaluateReview(JSON.stringify(review), mode, snap, new Date());
  if (outcome.kind !== 'done') throw new Error(`not decided: ${outcome.kind}`);
  return outcome.response;
}

/** The denied example under this name, in a review with this uid. */
function reviewNamed(name: string, uid: string): Record<string, any> {
  const review = reviewOf({ ...denied, metadata: { ...denied.metadata, name } });
  review.request.uid = uid;
  return review;
}

describe('decision cache', () => {
  it('answers a review seen before under another uid as a fresh evaluation does, with the new uid', () => {
    const snap = fresh();
    const first = decide(reviewNamed('big-1', 'f0000000-0000-4000-8000-000000000001'), snap);
    const again = decide(reviewNamed('big-1', 'f0000000-0000-4000-8000-000000000002'), snap);
    expect(again).toEqual({ ...first, uid: 'f0000000-0000-4000-8000-000000000002' });
    expect(again).toEqual(decide(reviewNamed('big-1', 'f0000000-0000-4000-8000-000000000002'), fresh()));
    expect(first.allowed).toBe(false);
  });

  it('keeps reviews apart whose objects carry their own uid (the uid is cut once, not everywhere)', () => {
    const snap = fresh();
    const uids = ['a0000000-0000-4000-8000-00000000000a', 'b0000000-0000-4000-8000-00000000000b'];
    const [a, b] = uids.map((uid) => decide(reviewNamed(uid, uid), snap));
    expect(a!.status?.message).toContain(`team-a/${uids[0]} `);
    expect(b!.status?.message).toContain(`team-a/${uids[1]} `);
    expect(b!.status?.message).not.toContain(uids[0]);
  });

  it('decides reviews with uids that JSON escapes (keyed by the parsed request)', () => {
    const snap = fresh();
    const a = decide(reviewNamed('big-4', 'odd "uid" \\ one'), snap);
    const b = decide(reviewNamed('big-4', 'odd "uid" \\ two'), snap);
    expect(a.uid).toBe('odd "uid" \\ one');
    expect(b).toEqual({ ...a, uid: 'odd "uid" \\ two' });
    const c = decide(reviewNamed('big-5', 'odd "uid" \\ three'), snap);
    expect(c.status?.message).toContain('team-a/big-5 ');
  });

  it('keeps the mutating and the validating answers of one object apart', () => {
    const snap = fresh();
    const review = reviewNamed('big-6', 'd0000000-0000-4000-8000-000000000001');
    const mutate = decide(review, snap, 'mutate');
    expect(mutate).toMatchObject({ allowed: true, patchType: 'JSONPatch' });
    expect(decide(review, snap, 'validate').allowed).toBe(false);
    expect(decide(review, snap, 'mutate')).toEqual(mutate);
  });
});
