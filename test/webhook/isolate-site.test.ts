// The evaluation-site marker: the gate's marks reach a shared buffer that another thread reads.

import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluationSite, setEvaluationSiteSink } from '../../src/util/evaluation-site.js';
import { evaluateReview } from '../../src/webhook/evaluate.js';
import {
  newSiteBuffer,
  SITE_BYTES,
  siteReader,
  siteWriter,
  summaryReader,
  summaryWriter,
} from '../../src/webhook/isolate-site.js';
import { loadDirectories } from '../../src/webhook/sources.js';
import { doc, ROOT, reviewOf } from './helpers.js';

afterEach(() => setEvaluationSiteSink(undefined));

describe('evaluation site', () => {
  it('is a no-op without a sink', () => {
    expect(() => evaluationSite('ValidatingPolicy x')).not.toThrow();
  });

  it('keeps the last mark and counts them; cuts a long one at a character boundary', () => {
    const buffer = newSiteBuffer();
    const read = siteReader(buffer);
    expect(read.text()).toBeUndefined();
    const write = siteWriter(buffer);
    write('ValidatingPolicy team-limits');
    write('template aws-standalone-cp');
    expect(read.text()).toBe('template aws-standalone-cp');
    expect(read.count()).toBe(2);
    write(`ClusterClass ${'é'.repeat(400)}`);
    const text = read.text()!;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SITE_BYTES);
    expect(text).toMatch(/^ClusterClass é+$/);
  });

  it("holds the summary of the review being evaluated, for that review's id only", () => {
    const buffer = newSiteBuffer();
    const read = summaryReader(buffer);
    const write = summaryWriter(buffer);
    const summary = {
      uid: 'u-1',
      kind: 'ClusterDeployment',
      namespace: 'team-a',
      name: 'ü',
      operation: 'CREATE',
    };
    expect(read(1)).toBeUndefined();
    write(1, summary);
    siteWriter(buffer)('ValidatingPolicy team-limits'); // the marks are beside it
    expect(read(1)).toEqual(summary);
    expect(read(2)).toBeUndefined();
    write(2, { ...summary, uid: 'u-2' });
    expect(read(1)).toBeUndefined();
    expect(read(2)?.uid).toBe('u-2');
    expect(siteReader(buffer).text()).toBe('ValidatingPolicy team-limits');
  });

  it('is written by another thread', async () => {
    const buffer = newSiteBuffer();
    const w = new Worker(
      `const { workerData } = require('node:worker_threads');
       const head = new Int32Array(workerData, 0, 2);
       const n = new TextEncoder().encodeInto('ClusterClass far', new Uint8Array(workerData, 8, 512)).written;
       Atomics.store(head, 0, n); Atomics.add(head, 1, 1);`,
      { eval: true, workerData: buffer },
    );
    await new Promise((r) => w.once('exit', r));
    expect(siteReader(buffer).text()).toBe('ClusterClass far');
  });

  it('names the policies, the chart and the review as the gate reaches them', () => {
    const marks: string[] = [];
    setEvaluationSiteSink((m) => marks.push(m));
    const snap = { ...loadDirectories([join(ROOT, 'policies')], []), namespaceLabels: new Map() };
    const review = reviewOf(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment'));
    const outcome = evaluateReview(JSON.stringify(review), 'validate', snap, new Date());
    expect(outcome).toMatchObject({ kind: 'done', response: { allowed: true } });
    expect(marks[0]).toBe('reading the AdmissionReview');
    expect(marks).toContain('ClusterDeployment team-a/dev-eu');
    expect(marks).toContain('template aws-standalone-cp');
    expect(marks).toContain('ValidatingPolicy kubernetes-version');
  });
});
