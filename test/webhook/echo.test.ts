// Issue 17, class 7 in the webhook: a caller's values are never echoed whole (a 2 MB uid or
// kind) and a denial, which kubectl prints as it is, carries no raw control characters.
import { describe, expect, it } from 'vitest';
import { BadReview, deny, MAX_UID_LENGTH, parseAdmissionReview } from '../../src/webhook/review.js';
import { doc, reviewOf } from './helpers.js';

const review = () => reviewOf(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment'));

function refusal(body: object): string {
  try {
    parseAdmissionReview(JSON.stringify(body));
  } catch (e) {
    expect(e).toBeInstanceOf(BadReview);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('the webhook echoes no unbounded input', () => {
  it('refuses a 2 MB uid instead of echoing it in the response and the log', () => {
    const r = review();
    r.request.uid = 'u'.repeat(2 * 1024 * 1024);
    const message = refusal(r);
    expect(message).toMatch(
      new RegExp(`request\\.uid is 2097152 characters long, over the ${MAX_UID_LENGTH} a uid may have`),
    );
    expect(message).toMatch(/… \(2,097,154 bytes\)$/);
    expect(message.length).toBeLessThan(200);
  });

  it('accepts a uid as the API server makes them', () => {
    expect(parseAdmissionReview(JSON.stringify(review())).uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('clips a huge kind, apiVersion or operation in the refusal', () => {
    const big = 'k'.repeat(1_000_000);
    for (const field of ['kind', 'apiVersion']) {
      const message = refusal({ ...review(), [field]: big });
      expect(message.length).toBeLessThan(400);
      expect(message).toMatch(/… \(1,000,002 bytes\)/);
    }
    const r = review();
    r.request.operation = big;
    expect(refusal(r).length).toBeLessThan(400);
  });

  it('a denial and its warnings spell control characters out', () => {
    const d = deny('uid-1', 'region \x1b]0;pwned\x07\x1b[31mred\u202e is not allowed', ['w \x9b31m']);
    expect(d.status?.message).toBe('region \\u001b]0;pwned\\u0007\\u001b[31mred\\u202e is not allowed');
    expect(d.warnings).toEqual(['w \\u009b31m']);
  });
});
