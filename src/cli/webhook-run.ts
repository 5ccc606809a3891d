/** The run behind `clustermint webhook` (loaded only when that command runs). */
import { existsSync } from 'node:fs';
import type { KubeStore } from '../store/kube/store.js';
import { ClustermintError } from '../util/errors.js';
import { createLogger, type LogLevel } from '../webhook/log.js';
import { startWebhookServer } from '../webhook/server.js';
import { Sources, warmUp } from '../webhook/sources.js';
import type { IO } from './io.js';

export interface WebhookOptions {
  certFile: string;
  keyFile: string;
  port: number;
  address?: string;
  policies: string[];
  templates: string[];
  kubeconfig?: string;
  inCluster: boolean;
  maxBodyBytes: number;
  timeoutMs: number;
  reloadIntervalMs: number;
  clusterRefreshMs: number;
  logLevel: LogLevel;
}

export async function runWebhook(opts: WebhookOptions, _io: IO): Promise<number> {
  for (const f of [opts.certFile, opts.keyFile])
    if (!existsSync(f)) throw new ClustermintError('UNREADABLE', 'no such file', { file: f });
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
  const sources = await Sources.start(
    {
      policies: opts.policies,
      templates: opts.templates,
      reloadIntervalMs: opts.reloadIntervalMs,
      kube,
      clusterRefreshMs: opts.clusterRefreshMs,
    },
    log,
  );
  warmUp(sources.snapshot(), log);
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
    });
  } catch (e) {
    sources.stop();
    throw new ClustermintError('USAGE', `cannot listen on port ${opts.port}: ${(e as Error).message}`);
  }
  log.info({ port: server.port, paths: ['/validate', '/mutate', '/healthz', '/readyz'] }, 'listening');
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal }, 'shutting down');
  await server.close();
  sources.stop();
  log.flush();
  return 0;
}
