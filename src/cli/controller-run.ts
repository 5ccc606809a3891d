/**
 * The Kubernetes mode of `clustermint controller` (loaded only when it runs): the reconciler over
 * the cluster's ClusterDeployments, Machines, Events and ClusterTemplateChains, the simulated
 * provider's cloud in a local file, leader election, /metrics /healthz /readyz, JSON logs.
 */
import { existsSync } from 'node:fs';
import { type KubeController, startKubeController } from '../controller/kube-mode.js';
import { loadPolicyFiles } from '../policy/policy-files.js';
import { ManagementCluster } from '../providers/capi/management-cluster.js';
import { embeddedRegistry, SimulatedCloud, systemClock } from '../providers/index.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { type KubeStore, openKubeStore } from '../store/kube/index.js';
import { ClustermintError } from '../util/errors.js';
import { createLogger, type LogLevel } from '../util/log.js';
import type { IO } from './io.js';

export interface KubeRunOptions {
  /** How long a deleted deployment's DeploymentHistory is kept (ms; default 720h). */
  historyRetentionMs?: number;
  kubeconfig?: string;
  inCluster: boolean;
  context?: string;
  namespace?: string;
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  metricsPort: number;
  metricsAddress?: string;
  simulatedState: string;
  policies: string[];
  templates: string[];
  logLevel: LogLevel;
  /** Hand clusters without a built-in plugin to Cluster API in this cluster. */
  capi: boolean;
  /** --drift-interval, --adopted-probe (ms); absent: the controller's defaults. */
  driftIntervalMs?: number;
  adoptedProbeMs?: number;
  /** The platform's ceiling on machines per deployment; absent: the default. */
  maxMachines?: number;
}

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

async function openStore(o: KubeRunOptions): Promise<KubeStore> {
  if (o.inCluster && !(process.env.KUBERNETES_SERVICE_HOST && existsSync(SA_TOKEN)))
    throw new ClustermintError(
      'USAGE',
      '--in-cluster: no service account here (KUBERNETES_SERVICE_HOST or its token is missing)',
    );
  try {
    return await openKubeStore({
      ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
      ...(o.context !== undefined ? { context: o.context } : {}),
      ...(o.inCluster ? { inCluster: true } : {}),
      fieldManager: 'clustermint-controller',
    });
  } catch (e) {
    throw new ClustermintError(
      'UNREADABLE',
      `cannot load the kubeconfig: ${(e as Error).message}`,
      o.kubeconfig ? { file: o.kubeconfig } : undefined,
    );
  }
}

export async function runKubeController(o: KubeRunOptions, io: IO): Promise<number> {
  const policies = loadPolicyFiles(o.policies);
  const catalog = new TemplateCatalog(o.templates);
  const store = await openStore(o);
  const log = createLogger({ level: o.logLevel, component: 'clustermint-controller' });
  let cloud: SimulatedCloud;
  try {
    cloud = new SimulatedCloud({ clock: systemClock, path: o.simulatedState });
  } catch (e) {
    await store.close();
    throw new ClustermintError('UNREADABLE', (e as Error).message, { file: o.simulatedState });
  }
  let capi: ManagementCluster | undefined;
  if (o.capi) {
    capi = new ManagementCluster(store, 'clustermint');
    try {
      const missing = await capi.missingCrds();
      // A warning, not an error: the controller serves every other kind without Cluster API.
      if (missing.length)
        log.warn(
          { missing, provider: 'capi' },
          `Cluster API is not installed in this cluster (missing CRDs: ${missing.join(', ')}); clusters for it wait with Ready=False CRDNotInstalled until it is (clusterctl init)`,
        );
      else log.info({ provider: 'capi' }, 'Cluster API found: clusters without a built-in plugin go to it');
    } catch (e) {
      log.warn({ provider: 'capi', error: (e as Error).message }, 'could not check for Cluster API CRDs');
    }
  }
  let ctl: KubeController;
  try {
    ctl = await startKubeController({
      store,
      registry: embeddedRegistry(cloud),
      ...(capi ? { capi } : {}),
      clock: systemClock,
      catalog,
      policies,
      logger: log,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      controller: {
        ...(o.driftIntervalMs !== undefined ? { driftIntervalMs: o.driftIntervalMs } : {}),
        ...(o.adoptedProbeMs !== undefined ? { adoptedProbeMs: o.adoptedProbeMs } : {}),
        ...(o.maxMachines !== undefined ? { maxMachines: o.maxMachines } : {}),
        ...(o.historyRetentionMs !== undefined ? { historyRetentionMs: o.historyRetentionMs } : {}),
      },
      ops: { port: o.metricsPort, ...(o.metricsAddress ? { host: o.metricsAddress } : {}) },
      ...(o.leaderElect
        ? {
            leaderElection: {
              namespace: o.leaseNamespace,
              name: o.leaseName,
              leaseDurationMs: o.leaseDurationMs,
              renewDeadlineMs: o.renewDeadlineMs,
              retryPeriodMs: o.retryPeriodMs,
            },
          }
        : {}),
    });
  } catch (e) {
    await store.close();
    cloud.close();
    log.flush();
    if (e instanceof ClustermintError) throw e;
    const code = (e as { code?: unknown }).code;
    throw new ClustermintError(
      code === 'EADDRINUSE' || code === 'EACCES' ? 'USAGE' : 'UNREADABLE',
      code === 'EADDRINUSE' || code === 'EACCES'
        ? `--metrics-port ${o.metricsPort}: ${(e as Error).message}`
        : `cannot reach the cluster: ${(e as Error).message}`,
    );
  }
  io.err(
    `${o.leaderElect ? `candidate ${ctl.identity} for Lease ${o.leaseNamespace}/${o.leaseName}` : 'reconciling'}` +
      ` (metrics on :${ctl.ops?.port}; Ctrl-C to stop)\n`,
  );
  const stop = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'shutting down');
    void ctl.stop({ release: true });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await ctl.done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await store.close();
    cloud.close();
  }
  if (ctl.error) log.fatal({ error: ctl.error.message }, 'controller stopped');
  else log.info({ reconciles: ctl.reconciles }, 'stopped');
  log.flush();
  io.err('stopped\n');
  return ctl.error ? 1 : 0;
}
