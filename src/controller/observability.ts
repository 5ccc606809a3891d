/**
 * What an operator watches: Prometheus metrics (reconcile duration, queue depth, errors by
 * reason, leadership, watch restarts), `/healthz` (the process serves) and `/readyz` (caches synced, and for a
 * leader-elected controller: it knows whether it leads). prom-client and node:http; loaded only
 * by `clustermint controller`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ControllerMetrics {
  registry: Registry;
  reconcileDuration: Histogram<'kind' | 'result'>;
  reconcileErrors: Counter<'kind' | 'reason'>;
  queueDepth: Gauge<'kind'>;
  isLeader: Gauge;
  watchRestarts: Counter<'kind' | 'reason'>;
  /** Cluster API's Machines of each deployment the capi provider runs, by phase. */
  capiMachines: Gauge<'namespace' | 'deployment' | 'phase'>;
  /** Services of each workload cluster, by k0rdent state. */
  services: Gauge<'namespace' | 'deployment' | 'state'>;
  servicesObjectsApplied: Counter;
  servicesDrift: Counter;
}

export function controllerMetrics(): ControllerMetrics {
  const registry = new Registry();
  return {
    registry,
    reconcileDuration: new Histogram({
      name: 'clustermint_reconcile_duration_seconds',
      help: 'Time per reconcile, by kind and result (success, requeue, error).',
      labelNames: ['kind', 'result'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: 'clustermint_reconcile_errors_total',
      help: 'Reconcile errors by kind and reason (Conflict, Transient, Terminal, ...).',
      labelNames: ['kind', 'reason'],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'clustermint_workqueue_depth',
      help: 'Keys waiting in the work queue, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    isLeader: new Gauge({
      name: 'clustermint_leader',
      help: '1 while this replica holds the leader Lease.',
      registers: [registry],
    }),
    watchRestarts: new Counter({
      name: 'clustermint_watch_restarts_total',
      help: 'Watches restarted after failing (not the 410 relists, not a normal end), by kind and reason.',
      labelNames: ['kind', 'reason'],
      registers: [registry],
    }),
    capiMachines: new Gauge({
      name: 'clustermint_capi_machines',
      help: "Cluster API's Machines of each ClusterDeployment the capi provider runs, by phase (Pending, Provisioning, Provisioned, Running, Deleting, Failed, ...).",
      labelNames: ['namespace', 'deployment', 'phase'],
      registers: [registry],
    }),
    services: new Gauge({
      name: 'clustermint_services',
      help: 'Services of each ClusterDeployment by state (Provisioning, Deployed, Failed, Pending, Deleting).',
      labelNames: ['namespace', 'deployment', 'state'],
      registers: [registry],
    }),
    servicesObjectsApplied: new Counter({
      name: 'clustermint_service_objects_applied_total',
      help: 'Objects server-side applied to workload clusters (installs, upgrades, drift put back).',
      registers: [registry],
    }),
    servicesDrift: new Counter({
      name: 'clustermint_service_drift_total',
      help: 'Drifted objects found on workload clusters (changed or deleted by someone else).',
      registers: [registry],
    }),
  };
}

/** One cluster's services by state, and what a services pass applied and found drifted. */
export function recordServices(
  m: ControllerMetrics,
  cluster: string,
  report: { states: readonly { state: string }[]; applied: number; drifted: number },
): void {
  const [namespace, deployment] = [
    cluster.slice(0, cluster.indexOf('/')),
    cluster.slice(cluster.indexOf('/') + 1),
  ];
  m.services.remove({ namespace, deployment });
  const counts = new Map<string, number>();
  for (const s of report.states) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  for (const state of ['Provisioning', 'Deployed', 'Failed', 'Pending', 'Deleting'])
    m.services.set({ namespace, deployment, state }, counts.get(state) ?? 0);
  m.servicesObjectsApplied.inc(report.applied);
  m.servicesDrift.inc(report.drifted);
}

/** Sets one deployment's machine counts by phase (no machines: its series go). */
export function recordCapiMachines(
  m: ControllerMetrics,
  namespace: string,
  deployment: string,
  phases: ReadonlyMap<string, number>,
): void {
  m.capiMachines.remove({ namespace, deployment });
  for (const phase of [
    'Pending',
    'Provisioning',
    'Provisioned',
    'Running',
    'Deleting',
    'Deleted',
    'Failed',
    'Unknown',
  ])
    if (phases.size) m.capiMachines.set({ namespace, deployment, phase }, phases.get(phase) ?? 0);
}

export interface OpsServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Serves /metrics, /healthz and /readyz on `port` (0 = any free port) of `host`. */
export async function startOpsServer(opts: {
  port: number;
  host?: string;
  metrics: ControllerMetrics;
  ready: () => boolean;
}): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const ok = opts.ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
    } else if (path === '/metrics') {
      opts.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': opts.metrics.registry.contentType }).end(text),
        (e) => res.writeHead(500).end(String(e)),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
