/** The run behind `clustermint webhook` (loaded only when that command runs). */
import { existsSync } from 'node:fs';
import { ClustermintError } from '../util/errors.js';
import { inClusterConnection, KubeClient, loadKubeconfig } from '../webhook/kube-client.js';
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
  let kube: KubeClient | undefined;
  if (opts.kubeconfig) kube = new KubeClient(loadKubeconfig(opts.kubeconfig));
  else if (opts.inCluster) {
    const conn = inClusterConnection();
    if (!conn)
      throw new ClustermintError(
        'USAGE',
        '--in-cluster: no service account here (KUBERNETES_SERVICE_HOST and the token are missing)',
      );
    kube = new KubeClient(conn);
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
