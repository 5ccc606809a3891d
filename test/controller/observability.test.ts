import { afterAll, describe, expect, it } from 'vitest';
import { controllerMetrics, type OpsServer, startOpsServer } from '../../src/controller/observability.js';

describe('ops server', () => {
  const metrics = controllerMetrics();
  let ready = false;
  let ops: OpsServer;
  afterAll(() => ops?.close());

  it('serves health, readiness that follows the controller, and Prometheus metrics', async () => {
    ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, ready: () => ready });
    const get = (p: string) => fetch(`http://127.0.0.1:${ops.port}${p}`);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(503);
    ready = true;
    expect((await get('/readyz')).status).toBe(200);
    metrics.reconcileDuration.observe({ kind: 'ClusterDeployment', result: 'success' }, 0.004);
    metrics.reconcileErrors.inc({ kind: 'ClusterDeployment', reason: 'Conflict' });
    metrics.queueDepth.set({ kind: 'ClusterDeployment' }, 3);
    const text = await (await get('/metrics')).text();
    expect(text).toContain(
      'clustermint_reconcile_duration_seconds_bucket{le="0.005",kind="ClusterDeployment",result="success"} 1',
    );
    expect(text).toContain(
      'clustermint_reconcile_errors_total{kind="ClusterDeployment",reason="Conflict"} 1',
    );
    expect(text).toContain('clustermint_workqueue_depth{kind="ClusterDeployment"} 3');
    expect((await get('/nope')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${ops.port}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
