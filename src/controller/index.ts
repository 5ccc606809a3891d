/**
 * The embedded reconciler (docs/reconciler.md): a ControllerRuntime (watch-driven work queue)
 * running the DeploymentReconciler against a Store and provider plugins.
 */

import { KNOWN_KUBERNETES_VERSIONS } from '../domain/upgrade-path.js';
import type { LoadedPolicy } from '../policy/load.js';
import type { ManagementCluster } from '../providers/capi/management-cluster.js';
import type { Clock } from '../providers/contract.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { TemplateCatalog } from '../resolve/catalog.js';
import { TemplateChartLoader } from '../resolve/template-chart.js';
import type { Store } from '../store/types.js';
import { AccessManagementReconciler } from './access-management.js';
import { CredentialReconciler } from './credentials.js';
import { DeploymentReconciler } from './deployment.js';
import { type EventInput, EventRecorder } from './events.js';
import { GateRunner } from './gate.js';
import type { HealthCheck } from './health.js';
import { HistorySweeper } from './history.js';
import { ControllerRuntime, type ReconcileResult } from './runtime.js';
import { WorkloadClients } from './services/clients.js';
import { ServicesReconciler, type ServicesReconcilerOptions } from './services/reconciler.js';
import { ServiceTemplateReconciler } from './services/template-status.js';
import { TemplateReconciler } from './templates.js';
import type { RuntimeLogger, WatchBackoff, WatchRestartCounter } from './watch.js';

export {
  KNOWN_KUBERNETES_VERSIONS,
  nextWorkerVersion,
  planControlPlaneUpgrade,
} from '../domain/upgrade-path.js';
export { DeploymentReconciler, type DeploymentStatus, type PoolStatus } from './deployment.js';
export { DEFAULT_EVENT_TTL_MS, type EventInput, EventRecorder } from './events.js';
export { GateRunner } from './gate.js';
export { evaluateHealth, type HealthCheck, healthCheckFrom, machineHealth } from './health.js';
export { planPool } from './pool.js';
export {
  CLUSTER_DEPLOYMENT_TYPE,
  ControllerRuntime,
  keyOf,
  type ReconcileResult,
  type Reconciler,
} from './runtime.js';
export type { RuntimeLogger, WatchBackoff, WatchRestartCounter } from './watch.js';

export interface ControllerOptions {
  store: Store;
  registry: ProviderRegistry;
  /** Cluster API in a management cluster (the capi provider). */
  capi?: ManagementCluster;
  onCapiMachines?: (namespace: string, deployment: string, phases: ReadonlyMap<string, number>) => void;
  clock: Clock;
  catalog: TemplateCatalog;
  policies: readonly LoadedPolicy[];
  knownVersions?: readonly string[];
  pollMs?: number;
  resyncMs?: number;
  defaultHealthCheck?: Omit<HealthCheck, 'name' | 'selector'> | null;
  onEvent?: (e: EventInput) => void;
  /** Events expire after this long (ms; default 1 h; 0: never, for an apiserver that expires them). */
  eventTtlMs?: number;
  onReconciled?: (key: string, result: ReconcileResult | Error) => void;
  /** Where the runtime reports watch failures. */
  logger?: RuntimeLogger;
  /** Counts watch restarts (ControllerMetrics.watchRestarts). */
  watchRestarts?: WatchRestartCounter;
  watchBackoff?: WatchBackoff;
  /** The chart cache root for ClusterTemplates' charts (default `${CLUSTERMINT_CACHE:-~/.cache/clustermint}`). */
  chartCacheDir?: string;
  /** Whether adopted clusters may name kubeconfig files (the embedded runtime only). */
  allowKubeconfigFiles?: boolean;
  /** How often delivered services are checked for drift and readiness (ms, default 30 s). */
  driftIntervalMs?: number;
  /** How often an adopted cluster is probed (ms, default 30 s). */
  adoptedProbeMs?: number;
  /** Told after each services pass (for /metrics and the bench). */
  onServicesDelivered?: ServicesReconcilerOptions['onDelivered'];
  /** The platform's ceiling on machines per deployment (default DEFAULT_MAX_MACHINES). */
  maxMachines?: number;
  /** How long a deleted deployment's DeploymentHistory is kept (ms; default 720h, `--history-retention`). */
  historyRetentionMs?: number;
}

export interface Controller {
  runtime: ControllerRuntime;
  reconciler: DeploymentReconciler;
  /** Resolves ClusterTemplates and writes their status. */
  templates: TemplateReconciler;
  events: EventRecorder;
  gate: GateRunner;
  /** Delivers services to workload clusters. */
  services: ServicesReconciler;
  /** Writes ServiceTemplates' status. */
  serviceTemplates: ServiceTemplateReconciler;
  /** Clients of the workload clusters (close them when the controller stops). */
  workloadClients: WorkloadClients;
  /** Writes Credentials' readiness. */
  credentials: CredentialReconciler;
  /** Distributes the system namespace's objects (AccessManagement). */
  accessManagement: AccessManagementReconciler;
  /** Deletes expired DeploymentHistories. */
  histories: HistorySweeper;
}

export function createController(o: ControllerOptions): Controller {
  const events = new EventRecorder(
    o.store,
    o.clock,
    o.onEvent,
    o.eventTtlMs !== undefined ? { ttlMs: o.eventTtlMs } : {},
  );
  const gate = new GateRunner(
    o.catalog,
    o.policies,
    undefined,
    new TemplateChartLoader({
      catalog: o.catalog,
      ...(o.chartCacheDir ? { cacheDir: o.chartCacheDir } : {}),
    }),
  );
  // (a template whose status changes queues its namespace's deployments: the runtime's watch)
  const templates = new TemplateReconciler({ store: o.store, loader: gate.loader });
  const workloadClients = new WorkloadClients();
  const allowKubeconfigFiles = o.allowKubeconfigFiles ?? false;
  const reconciler = new DeploymentReconciler({
    workloadClients,
    allowKubeconfigFiles,
    ...(o.adoptedProbeMs !== undefined ? { adoptedProbeMs: o.adoptedProbeMs } : {}),
    store: o.store,
    registry: o.registry,
    ...(o.capi ? { capi: o.capi } : {}),
    ...(o.onCapiMachines ? { onCapiMachines: o.onCapiMachines } : {}),
    clock: o.clock,
    gate,
    events,
    knownVersions: o.knownVersions ?? KNOWN_KUBERNETES_VERSIONS,
    ...(o.maxMachines !== undefined ? { maxMachines: o.maxMachines } : {}),
    ...(o.historyRetentionMs !== undefined ? { historyRetentionMs: o.historyRetentionMs } : {}),
    ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
    ...(o.resyncMs !== undefined ? { resyncMs: o.resyncMs } : {}),
    ...(o.defaultHealthCheck !== undefined ? { defaultHealthCheck: o.defaultHealthCheck } : {}),
  });
  const services = new ServicesReconciler({
    store: o.store,
    clock: o.clock,
    events,
    gate,
    clients: workloadClients,
    allowKubeconfigFiles,
    capiManagesResourceSets: Boolean(o.capi),
    ...(o.pollMs !== undefined ? { pollMs: Math.max(o.pollMs, 200) } : {}),
    ...(o.driftIntervalMs !== undefined ? { driftIntervalMs: o.driftIntervalMs } : {}),
    ...(o.onServicesDelivered ? { onDelivered: o.onServicesDelivered } : {}),
  });
  const serviceTemplates = new ServiceTemplateReconciler({ store: o.store, gate });
  const credentials = new CredentialReconciler({ store: o.store, clock: o.clock });
  const accessManagement = new AccessManagementReconciler({
    store: o.store,
    clock: o.clock,
    catalog: o.catalog,
  });
  const histories = new HistorySweeper({ store: o.store, clock: o.clock });
  const runtime = new ControllerRuntime({
    store: o.store,
    reconciler,
    services,
    serviceTemplates,
    templates,
    credentials,
    accessManagement,
    histories,
    clock: o.clock,
    ...(o.onReconciled ? { onReconciled: o.onReconciled } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.watchRestarts ? { watchRestarts: o.watchRestarts } : {}),
    ...(o.watchBackoff ? { watchBackoff: o.watchBackoff } : {}),
  });
  return {
    runtime,
    reconciler,
    templates,
    events,
    gate,
    services,
    serviceTemplates,
    workloadClients,
    credentials,
    accessManagement,
    histories,
  };
}
