/**
 * The reconciler as a Kubernetes controller (`clustermint controller --kubeconfig|--in-cluster`):
 * the same ControllerRuntime and DeploymentReconciler over the Kubernetes store, optionally
 * behind leader election on a coordination.k8s.io Lease, with Prometheus metrics, /healthz,
 * /readyz and JSON logs.
 *
 * Leadership: each term of leadership gets a fresh runtime (its own watches and queue). Losing
 * the Lease aborts the term at once: no further reconcile starts, the one in flight finishes
 * (its writes carry resourceVersions, so a stale one fails with Conflict), the watches end. The
 * elector steps down `renewDeadline` after its last renewal and a new leader takes over only
 * `leaseDuration` after it, which leaves the difference for that last reconcile to end.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { CoordinationV1Api } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { LoadedPolicy } from '../policy/load.js';
import type { ManagementCluster } from '../providers/capi/management-cluster.js';
import type { Clock } from '../providers/contract.js';
import { isTerminalProviderError, isTransientProviderError } from '../providers/errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { TemplateCatalog } from '../resolve/catalog.js';
import { isNotFound, isStoreError } from '../store/errors.js';
import type { KubeObject, NewObject, Store } from '../store/types.js';
import type { EventInput } from './events.js';
import { type Controller, type ControllerOptions, createController } from './index.js';
import { LeaderElector } from './leader-election.js';
import {
  type ControllerMetrics,
  controllerMetrics,
  type OpsServer,
  recordCapiMachines,
  recordServices,
  startOpsServer,
} from './observability.js';
import {
  CLUSTER_DEPLOYMENT_TYPE,
  ControllerRuntime,
  type ReconcileResult,
  type Reconciler,
} from './runtime.js';

export const DEFAULT_LEASE_NAMESPACE = 'clustermint-system';
export const DEFAULT_LEASE_NAME = 'clustermint-controller';
const KIND = 'ClusterDeployment';

export interface LeaderElectionSettings {
  namespace?: string;
  name?: string;
  /** Default: `<hostname>_<random>`, as client-go's candidates. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** The Lease API; default: Leases read and written through `store`. */
  api?: CoordinationV1Api;
}

export interface KubeControllerOptions {
  /** The Kubernetes store (openKubeStore); it stays open after stop(): its opener closes it. */
  store: Store;
  registry: ProviderRegistry;
  /** Cluster API in the same cluster (the capi provider); absent: none. */
  capi?: ManagementCluster;
  clock: Clock;
  catalog: TemplateCatalog;
  policies: readonly LoadedPolicy[];
  logger: Logger;
  /** Reconcile only this namespace's ClusterDeployments (and watch only its Machines and chains). */
  namespace?: string;
  /** Absent: this process reconciles alone (no Lease). */
  leaderElection?: LeaderElectionSettings;
  /** Serve /metrics, /healthz, /readyz on this port (0: any free one); absent: no server. */
  ops?: { port: number; host?: string };
  metrics?: ControllerMetrics;
  /** Passed to createController (pollMs, resyncMs, knownVersions, ...). */
  controller?: Partial<Omit<ControllerOptions, 'store' | 'registry' | 'clock' | 'catalog' | 'policies'>>;
  /** Also called for every event the reconciler records. */
  onEvent?: (e: EventInput) => void;
}

/** A low-cardinality reason for the errors metric. */
export function errorReason(e: unknown): string {
  if (isStoreError(e)) return e.reason;
  if (isTransientProviderError(e)) return 'Transient';
  if (isTerminalProviderError(e)) return 'Terminal';
  return 'Internal';
}

/** The store seen by a controller of one namespace: lists and watches without one get it. */
export function namespacedStore(store: Store, namespace: string): Store {
  return {
    get: (ref) => store.get(ref),
    list: (type, options = {}) => store.list(type, { ...options, namespace: options.namespace ?? namespace }),
    watch: (type, options = {}) =>
      store.watch(type, { ...options, namespace: options.namespace ?? namespace }),
    create: (o) => store.create(o),
    update: (o) => store.update(o),
    updateStatus: (o) => store.updateStatus(o),
    delete: (ref, options) => store.delete(ref, options),
    close: () => store.close(),
  };
}

/** Leases through the Store: the three calls LeaderElector makes, with the apiserver's status codes. */
export function storeLeaseApi(store: Store): CoordinationV1Api {
  const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;
  const api = {
    readNamespacedLease: ({ name, namespace }: { name: string; namespace: string }) =>
      store.get({ ...LEASE, namespace, name }),
    createNamespacedLease: ({ namespace, body }: { namespace: string; body: { metadata?: object } }) =>
      store.create({ ...LEASE, ...body, metadata: { ...body.metadata, namespace } } as NewObject),
    replaceNamespacedLease: ({ namespace, body }: { name: string; namespace: string; body: object }) => {
      const o = body as KubeObject;
      return store.update({ ...o, ...LEASE, metadata: { ...o.metadata, namespace } });
    },
  };
  return api as unknown as CoordinationV1Api;
}

interface Term {
  abort: AbortController;
  runtime: ControllerRuntime;
  controller: Controller;
  started: boolean;
  done: Promise<void>;
}

export class KubeController {
  readonly metrics: ControllerMetrics;
  readonly identity: string;
  ops: OpsServer | undefined;
  private readonly log: Logger;
  private elector: LeaderElector | undefined;
  private term: Term | undefined;
  private connected = false;
  private stopping = false;
  private depthTimer: NodeJS.Timeout | undefined;
  private finished!: () => void;
  /** Resolves once stop() has finished. */
  readonly done = new Promise<void>((r) => {
    this.finished = r;
  });
  /** Reconciles run by this process, over every term. */
  reconciles = 0;
  /** Terms of leadership so far. */
  terms = 0;
  /** Why the controller stopped by itself (its runtime failed); undefined after a requested stop. */
  error: Error | undefined;

  private readonly store: Store;

  constructor(private readonly o: KubeControllerOptions) {
    this.store = o.namespace ? namespacedStore(o.store, o.namespace) : o.store;
    this.metrics = o.metrics ?? controllerMetrics();
    this.log = o.logger;
    this.identity = o.leaderElection?.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
  }

  /** True while this process reconciles (it holds the Lease, or runs without leader election). */
  get isLeader(): boolean {
    return this.term !== undefined && !this.term.abort.signal.aborted;
  }

  /** The API answered and our CRDs are served; a leader has its watches running. */
  get ready(): boolean {
    if (!this.connected || this.stopping) return false;
    return this.term === undefined || this.term.started || this.term.abort.signal.aborted;
  }

  /** Checks the API (CRDs installed), starts the ops server, then campaigns or leads. */
  async start(): Promise<void> {
    const { o } = this;
    if (o.ops) {
      this.ops = await startOpsServer({
        port: o.ops.port,
        ...(o.ops.host ? { host: o.ops.host } : {}),
        metrics: this.metrics,
        ready: () => this.ready,
      });
      this.log.info({ port: this.ops.port, paths: ['/metrics', '/healthz', '/readyz'] }, 'serving');
    }
    try {
      await o.store.list(CLUSTER_DEPLOYMENT_TYPE, { namespace: o.namespace ?? 'default' });
    } catch (e) {
      await this.ops?.close();
      throw e;
    }
    this.connected = true;
    this.metrics.isLeader.set(0);
    this.depthTimer = setInterval(() => this.sampleDepth(), 1000);
    this.depthTimer.unref();
    const le = o.leaderElection;
    if (!le) {
      this.lead();
      return;
    }
    const namespace = le.namespace ?? DEFAULT_LEASE_NAMESPACE;
    const name = le.name ?? DEFAULT_LEASE_NAME;
    this.elector = new LeaderElector({
      api: le.api ?? storeLeaseApi(o.store),
      namespace,
      name,
      identity: this.identity,
      ...(le.leaseDurationMs !== undefined ? { leaseDurationMs: le.leaseDurationMs } : {}),
      ...(le.renewDeadlineMs !== undefined ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
      ...(le.retryPeriodMs !== undefined ? { retryPeriodMs: le.retryPeriodMs } : {}),
      onStartedLeading: () => this.lead(),
      onStoppedLeading: () => void this.endTerm('lost the lease'),
      log: (event, fields) =>
        event.includes('failed')
          ? this.log.warn({ ...fields, lease: `${namespace}/${name}` }, event)
          : this.log.info({ ...fields, lease: `${namespace}/${name}` }, event),
    });
    this.log.info({ identity: this.identity, lease: `${namespace}/${name}` }, 'campaigning for the lease');
    void this.elector.run();
  }

  private sampleDepth(): void {
    this.metrics.queueDepth.set({ kind: KIND }, this.term?.runtime.queue.size ?? 0);
  }

  /** A reconciler that times each call and records errors, around the deployment reconciler. */
  private instrumented(inner: Reconciler, kind: string = KIND): Reconciler {
    const m = this.metrics;
    return {
      reconcile: async (key) => {
        const t0 = performance.now();
        try {
          const r = await inner.reconcile(key);
          const result = r.requeueAfterMs !== undefined ? 'requeue' : 'success';
          m.reconcileDuration.observe({ kind, result }, (performance.now() - t0) / 1000);
          return r;
        } catch (e) {
          m.reconcileDuration.observe({ kind, result: 'error' }, (performance.now() - t0) / 1000);
          m.reconcileErrors.inc({ kind, reason: errorReason(e) });
          throw e;
        }
      },
    };
  }

  private onReconciled = (key: string, result: ReconcileResult | Error): void => {
    this.reconciles++;
    this.sampleDepth();
    if (result instanceof Error) {
      const fields: Record<string, unknown> = { key, reason: errorReason(result), error: result.message };
      if (isTransientProviderError(result)) fields.retryAfterMs = result.retryAfterMs;
      if (isStoreError(result) && result.reason === 'Conflict') this.log.info(fields, 'reconcile conflict');
      else if (deletedMeanwhile(key, result))
        this.log.info(fields, 'reconcile stopped: the deployment was deleted meanwhile');
      else this.log.error(fields, 'reconcile failed');
    } else this.log.debug({ key, requeueAfterMs: result.requeueAfterMs }, 'reconciled');
  };

  private onEvent = (e: EventInput): void => {
    const fields = {
      deployment: `${e.namespace}/${e.deployment}`,
      object: `${e.involved.kind}/${e.involved.name}`,
      reason: e.reason,
    };
    if (e.type === 'Warning') this.log.warn(fields, e.message);
    else this.log.info(fields, e.message);
    this.o.onEvent?.(e);
  };

  /** Starts a term of reconciling, once the previous one (if any) has finished. */
  private lead(): void {
    if (this.stopping || this.isLeader) return;
    const prev = this.term;
    if (prev) {
      void prev.done
        .catch(() => undefined)
        .then(() => {
          if (this.elector?.isLeader ?? true) this.lead();
        });
      return;
    }
    const { o } = this;
    const controller = createController({
      ...(o.controller ?? {}),
      store: this.store,
      registry: o.registry,
      ...(o.capi
        ? {
            capi: o.capi,
            onCapiMachines: (namespace: string, deployment: string, phases: ReadonlyMap<string, number>) =>
              recordCapiMachines(this.metrics, namespace, deployment, phases),
          }
        : {}),
      clock: o.clock,
      catalog: o.catalog,
      policies: o.policies,
      onEvent: this.onEvent,
      // the API server expires events itself (--event-ttl)
      eventTtlMs: 0,
      // a file named by an adopted cluster would be read from the controller's pod: never
      allowKubeconfigFiles: false,
      onServicesDelivered: (cluster, report) => recordServices(this.metrics, cluster, report),
    });
    // Our own runtime over the reconciler, so that every reconcile is timed for the metrics.
    const runtime = new ControllerRuntime({
      store: this.store,
      reconciler: this.instrumented(controller.reconciler),
      templates: controller.templates,
      services: this.instrumented(controller.services, 'Services'),
      serviceTemplates: controller.serviceTemplates,
      credentials: this.instrumented(controller.credentials, 'Credential'),
      accessManagement: this.instrumented(controller.accessManagement, 'AccessManagement'),
      histories: controller.histories,
      clock: o.clock,
      onReconciled: this.onReconciled,
      logger: this.log,
      watchRestarts: this.metrics.watchRestarts,
      ...(o.controller?.watchBackoff ? { watchBackoff: o.controller.watchBackoff } : {}),
    });
    const abort = new AbortController();
    const term: Term = { abort, runtime, controller, started: false, done: Promise.resolve() };
    this.term = term;
    this.terms++;
    this.metrics.isLeader.set(1);
    this.log.info({ identity: this.identity }, 'reconciling');
    term.done = (async () => {
      try {
        await runtime.start();
        term.started = true;
        await runtime.runRealtime({ signal: abort.signal });
      } catch (e) {
        if (!abort.signal.aborted)
          this.log.error({ error: (e as Error).message }, 'controller runtime failed');
        throw e;
      } finally {
        await runtime.stop();
        controller.workloadClients.closeAll();
      }
    })();
    term.done.catch((e) => {
      // The runtime failed (its watches could not start): give up leadership and stop.
      if (abort.signal.aborted) return;
      this.error = e as Error;
      void this.stop({ release: true });
    });
  }

  /** Ends the current term: no reconcile starts after this; resolves once the one in flight ended. */
  private endTerm(why: string): Promise<void> {
    const term = this.term;
    if (!term) return Promise.resolve();
    if (!term.abort.signal.aborted) {
      term.abort.abort();
      this.metrics.isLeader.set(0);
      this.log.info({ identity: this.identity, why }, 'stopped reconciling');
    }
    return term.done
      .catch(() => undefined)
      .then(() => {
        if (this.term === term) this.term = undefined;
      });
  }

  /**
   * Graceful stop: stop reconciling (the current step finishes), release the Lease (unless
   * `release: false`, as a crashed process would not), close the ops server. The store stays open.
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    if (this.stopping) return this.done;
    this.stopping = true;
    if (this.depthTimer) clearInterval(this.depthTimer);
    await this.endTerm('shutting down');
    await this.elector?.stop({ release });
    this.metrics.isLeader.set(0);
    await this.ops?.close();
    this.finished();
  }
}

/** Creates and starts a KubeController. */
export async function startKubeController(o: KubeControllerOptions): Promise<KubeController> {
  const c = new KubeController(o);
  await c.start();
  return c;
}

/**
 * The deployment being reconciled was deleted between the read and a write (the API server's
 * NotFound names it): nothing is wrong, the next event has nothing to do (controller-runtime
 * treats it the same way).
 */
function deletedMeanwhile(key: string, e: Error): boolean {
  const name = key.slice(key.indexOf('/') + 1);
  return (
    isNotFound(e) && e.message.startsWith('clusterdeployments.') && e.message.includes(`"${name}" not found`)
  );
}
