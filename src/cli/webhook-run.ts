/**
 * The run behind `clustermint webhook` (loaded only when that command runs). With `--workers N`
 * the process forks N workers (node:cluster) that share the port, each a whole webhook; the
 * primary only starts them, starts another when one dies, and stops them on SIGTERM/SIGINT.
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import type { KubeStore } from '../store/kube/store.js';
import { ClustermintError } from '../util/errors.js';
import { IsolatePool, isolateWorkerFile } from '../webhook/isolate-pool.js';
import { createLogger, type LogLevel } from '../webhook/log.js';
import { startWebhookServer } from '../webhook/server.js';
import type { SnapshotSpec } from '../webhook/snapshot-spec.js';
import { Sources, warmUp } from '../webhook/sources.js';
import type { IO } from './io.js';

export interface WebhookOptions {
  certFile: string;
  keyFile: string;
  port: number;
  address?: string;
  /** Plain-HTTP port of GET /metrics; absent: no metrics served. */
  metricsPort?: number;
  policies: string[];
  templates: string[];
  kubeconfig?: string;
  inCluster: boolean;
  maxBodyBytes: number;
  timeoutMs: number;
  reloadIntervalMs: number;
  clusterRefreshMs: number;
  logLevel: LogLevel;
  /** The platform's ceiling on machines per deployment. */
  maxMachines: number;
  /** Processes serving the port (node:cluster); 1: this process alone. */
  workers: number;
  /** Worker threads evaluating the reviews (webhook/isolate-pool.ts); 0: inline. */
  isolates: number;
  isolateMemoryMb: number;
  reviewDeadlineMs: number;
  largeReviewBytes: number;
}

export async function runWebhook(opts: WebhookOptions, _io: IO): Promise<number> {
  for (const f of [opts.certFile, opts.keyFile])
    if (!existsSync(f)) throw new ClustermintError('UNREADABLE', 'no such file', { file: f });
  if (opts.workers > 1 && cluster.isPrimary) return runPrimary(opts);
  if (!cluster.isWorker) return serve(opts);
  // a worker's IPC channel would keep it alive after it is done, or after it failed to start
  try {
    return await serve(opts);
  } finally {
    cluster.worker?.disconnect();
  }
}

/** One webhook server in this process until SIGTERM/SIGINT. */
async function serve(opts: WebhookOptions): Promise<number> {
  let kube: KubeStore | undefined;
  if (opts.kubeconfig || opts.inCluster) {
    // Loaded only with a cluster: the store brings @kubernetes/client-node.
    const { openKubeStore } = await import('../store/kube/store.js');
    kube = await openKubeStore(
      opts.kubeconfig
        ? { kubeconfig: opts.kubeconfig, fieldManager: 'clustermint-webhook' }
        : { inCluster: true },
    );
  }
  const log = createLogger(opts.logLevel);
  let pool: IsolatePool | undefined;
  if (opts.isolates > 0) {
    const workerFile = isolateWorkerFile();
    if (!workerFile)
      throw new ClustermintError(
        'USAGE',
        'the isolate worker (dist/webhook/isolate-worker.js) is not built: run npm run build, or use --isolates 0',
      );
    pool = new IsolatePool({
      isolates: opts.isolates,
      memoryMb: opts.isolateMemoryMb,
      deadlineMs: opts.reviewDeadlineMs,
      largeReviewBytes: opts.largeReviewBytes,
      log,
      workerFile,
    });
  }
  const probe = pool ? (spec: SnapshotSpec) => (pool as IsolatePool).probe(spec) : undefined;
  const sources = await Sources.start(
    {
      policies: opts.policies,
      templates: opts.templates,
      reloadIntervalMs: opts.reloadIntervalMs,
      kube,
      clusterRefreshMs: opts.clusterRefreshMs,
      maxMachines: opts.maxMachines,
      ...(probe ? { probe } : {}),
    },
    log,
  );
  if (pool) {
    const p = pool;
    await p.start(sources.spec(), sources.generation);
    sources.onChange((spec, generation) => p.load(spec, generation));
    log.info(
      { isolates: opts.isolates, memoryMb: opts.isolateMemoryMb, deadlineMs: opts.reviewDeadlineMs },
      'isolates ready',
    );
  } else warmUp(sources.snapshot(), log);
  // prom-client is loaded only when metrics are asked for
  const metrics =
    opts.metricsPort === undefined
      ? undefined
      : (await import('../webhook/metrics.js')).webhookMetrics(() => pool?.replaced ?? 0);
  let server: Awaited<ReturnType<typeof startWebhookServer>>;
  try {
    server = await startWebhookServer({
      certFile: opts.certFile,
      keyFile: opts.keyFile,
      port: opts.port,
      host: opts.address,
      snapshot: () => sources.snapshot(),
      log,
      maxBodyBytes: opts.maxBodyBytes,
      timeoutMs: opts.timeoutMs,
      reloadIntervalMs: opts.reloadIntervalMs,
      reviewDeadlineMs: opts.reviewDeadlineMs,
      ...(pool ? { evaluator: pool } : {}),
      ...(metrics ? { metrics } : {}),
    });
  } catch (e) {
    sources.stop();
    await pool?.close();
    throw new ClustermintError('USAGE', `cannot listen on port ${opts.port}: ${(e as Error).message}`);
  }
  // a worker of --workers counts; the primary serves the sum
  let metricsServer: Awaited<ReturnType<typeof listenForMetrics>> | undefined;
  if (metrics && !cluster.isWorker) {
    try {
      metricsServer = await listenForMetrics(opts, log);
    } catch (e) {
      await server.close();
      sources.stop();
      await pool?.close();
      throw e;
    }
  }
  log.info(
    {
      port: server.port,
      paths: ['/validate', '/mutate', '/healthz', '/readyz'],
      ...(cluster.isWorker ? { worker: cluster.worker?.id } : {}),
    },
    'listening',
  );
  if (cluster.isWorker) process.send?.({ listening: server.port });
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal }, 'shutting down');
  await metricsServer?.close();
  await server.close();
  sources.stop();
  await pool?.close();
  log.flush();
  return 0;
}

/**
 * The primary of `--workers N`: forks the workers and keeps N running. A worker that exits
 * before it listened (a bad certificate, a port in use) ends the whole run with its exit code,
 * after the others are stopped: starting it again would fail the same way.
 */
async function runPrimary(opts: WebhookOptions): Promise<number> {
  const log = createLogger(opts.logLevel);
  let stopping = false;
  let failure: number | undefined;
  let wakeFailed: (() => void) | undefined;
  const start = () => {
    const w = cluster.fork();
    let listened = false;
    w.on('message', (m: { listening?: number }) => {
      if (m?.listening !== undefined) listened = true;
    });
    w.on('exit', (code, signal) => {
      if (stopping) return;
      if (!listened) {
        failure = code || 1;
        wakeFailed?.();
        return;
      }
      log.error({ worker: w.id, code, signal }, 'worker exited; starting another');
      setTimeout(() => {
        if (!stopping) start();
      }, 1000).unref();
    });
  };
  // before the workers: a port in use then ends the run with nothing started
  const metricsServer = opts.metricsPort === undefined ? undefined : await listenForMetrics(opts, log);
  for (let i = 0; i < opts.workers; i++) start();
  log.info({ workers: opts.workers, pid: process.pid }, 'started workers');
  const reason = await new Promise<string>((resolve) => {
    wakeFailed = () => resolve('worker failed');
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  stopping = true;
  log.info({ signal: reason }, 'stopping workers');
  await metricsServer?.close();
  await Promise.all(
    Object.values(cluster.workers ?? {}).map(
      (w) =>
        new Promise<void>((resolve) => {
          if (!w || w.isDead()) return resolve();
          w.once('exit', () => resolve());
          w.process.kill('SIGTERM');
        }),
    ),
  );
  log.flush();
  return failure ?? 0;
}

/**
 * GET /metrics on --metrics-port: this process's registry, or, in the primary of --workers, the
 * sum of the workers' (prom-client's AggregatorRegistry asks them over the cluster channel).
 */
async function listenForMetrics(opts: WebhookOptions, log: ReturnType<typeof createLogger>) {
  const { serveMetrics } = await import('../webhook/metrics.js');
  const { AggregatorRegistry, register } = await import('prom-client');
  const aggregator = cluster.isPrimary && opts.workers > 1 ? new AggregatorRegistry() : undefined;
  const text = aggregator
    ? async () => (await aggregator.clusterMetrics()) as string
    : () => register.metrics();
  try {
    const m = await serveMetrics(opts.metricsPort ?? 0, opts.address, text);
    log.info({ port: m.port, paths: ['/metrics'] }, 'serving metrics');
    return m;
  } catch (e) {
    throw new ClustermintError(
      'USAGE',
      `cannot listen on --metrics-port ${opts.metricsPort}: ${(e as Error).message}`,
    );
  }
}
