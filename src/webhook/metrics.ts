/**
 * What an operator watches on the webhook: reviews by mode and result, their latency, and
 * isolates replaced after a stop. Served as Prometheus text on a plain-HTTP port of its own
 * (`--metrics-port`), apart from the API server's HTTPS port, as kyverno and controller-runtime do.
 * With `--workers N` the metrics live in each worker's default registry and the primary serves
 * their sum (prom-client's AggregatorRegistry asks the workers over the cluster IPC channel).
 */

import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry, Counter, Histogram, register } from 'prom-client';
import type { AdmissionMode } from './admit.js';

/** How a review ended: the decision, or why there was none. */
export type ReviewResult = 'allowed' | 'denied' | 'stopped' | 'refused' | 'bad' | 'error';

export interface WebhookMetrics {
  review(mode: AdmissionMode, result: ReviewResult, seconds: number): void;
}

let metrics: WebhookMetrics | undefined;

/** The webhook's metrics in this process's default registry (made once). */
export function webhookMetrics(isolatesReplaced: () => number = () => 0): WebhookMetrics {
  if (metrics) return metrics;
  // a worker of --workers answers the primary's requests for its metrics once one exists
  if (cluster.isWorker) new AggregatorRegistry();
  const reviews = new Counter({
    name: 'clustermint_webhook_reviews_total',
    help: 'AdmissionReviews answered, by mode (validate, mutate) and result (allowed, denied, stopped: an isolate was stopped, refused: not evaluated, bad: not an AdmissionReview, error).',
    labelNames: ['mode', 'result'],
  });
  const duration = new Histogram({
    name: 'clustermint_webhook_review_duration_seconds',
    help: 'Time from the request to the answer, by mode.',
    labelNames: ['mode'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  let counted = 0;
  new Counter({
    name: 'clustermint_webhook_isolates_replaced_total',
    help: 'Isolates started in place of one that was stopped (deadline, memory) or ended.',
    collect() {
      const now = isolatesReplaced();
      if (now > counted) this.inc(now - counted);
      counted = now;
    },
  });
  metrics = {
    review(mode, result, seconds) {
      reviews.inc({ mode, result });
      duration.observe({ mode }, seconds);
    },
  };
  return metrics;
}

/**
 * GET /metrics on `port` (plain HTTP): `text()` gives the exposition. Resolves once listening;
 * a port in use rejects.
 */
export async function serveMetrics(
  port: number,
  host: string | undefined,
  text: () => Promise<string>,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    text().then(
      (body) => res.writeHead(200, { 'content-type': register.contentType }).end(body),
      (e) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(e as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
