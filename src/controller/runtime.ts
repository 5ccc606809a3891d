/**
 * The controller runtime, like controller-runtime's: watches on the store feed a work queue of
 * ClusterDeployment keys; a worker takes the next due key, reconciles it, and requeues it after
 * what the reconciler asked for, or with exponential backoff after an error (at least a
 * transient provider error's retryAfter). A watch that fails is restarted (watch.ts). Time
 * comes from an injected clock: `runManual`
 * advances a ManualClock to the next due key, so a test run is deterministic; `runRealtime`
 * sleeps on the wall clock for the CLI.
 */
import { ACCESS_MANAGEMENT_TYPE } from '../api/access-management.js';
import { CLUSTER_TEMPLATE_TYPE } from '../api/cluster-template.js';
import { CREDENTIAL_TYPE, SIMULATED_IDENTITY_TYPE } from '../api/credential.js';
import { MACHINE_TYPE } from '../api/machine.js';
import { PROVIDER_INTERFACE_TYPE } from '../api/provider-interface.js';
import { MULTI_CLUSTER_SERVICE_TYPE, SERVICE_TEMPLATE_TYPE } from '../api/services.js';
import { CHAIN_TYPE, SERVICE_TEMPLATE_CHAIN_TYPE } from '../api/template-chain.js';
import type { ManualClock } from '../domain/clock.js';
import { LABEL_CLUSTER_DEPLOYMENT } from '../domain/labels.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import type { Clock } from '../providers/contract.js';
import { isTransientProviderError } from '../providers/errors.js';
import type { KubeObject, ResourceType, Store, Watch } from '../store/types.js';
import { Backoff, WorkQueue } from './queue.js';
import { keepWatching, type RuntimeLogger, type WatchBackoff, type WatchRestartCounter } from './watch.js';

export const CLUSTER_DEPLOYMENT_TYPE = {
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ClusterDeployment',
} as const;

/** Work-queue keys of ClusterTemplates: `template:<namespace>/<name>` (deployments' keys have no `:`). */
export const TEMPLATE_KEY_PREFIX = 'template:';
/** Work-queue keys of a deployment's services: `services:<namespace>/<name>`. */
export const SERVICES_KEY_PREFIX = 'services:';
/** Work-queue keys of ServiceTemplates (their status): `servicetemplate:<namespace>/<name>`. */
export const SERVICE_TEMPLATE_KEY_PREFIX = 'servicetemplate:';
/** Work-queue keys of Credentials (their readiness): `credential:<namespace>/<name>`. */
export const CREDENTIAL_KEY_PREFIX = 'credential:';
/** Work-queue keys of AccessManagements (cluster-scoped): `accessmanagement:<name>`. */
export const ACCESS_MANAGEMENT_KEY_PREFIX = 'accessmanagement:';
/** The one key of the periodic sweep of expired DeploymentHistories. */
export const HISTORY_SWEEP_KEY = 'historysweep:';

const NAMESPACE_TYPE = { apiVersion: 'v1', kind: 'Namespace' } as const;

export interface ReconcileResult {
  /** Reconcile again after this long (ms); absent: only when something changes. */
  requeueAfterMs?: number;
}

export interface Reconciler {
  reconcile(key: string): Promise<ReconcileResult>;
}

export interface RuntimeOptions {
  store: Store;
  reconciler: Reconciler;
  /** Reconciles ClusterTemplates (keys with TEMPLATE_KEY_PREFIX); absent: templates are not watched. */
  templates?: Reconciler;
  /** Delivers services to workload clusters (keys with SERVICES_KEY_PREFIX); absent: no services. */
  services?: Reconciler;
  /** Writes ServiceTemplates' status (keys with SERVICE_TEMPLATE_KEY_PREFIX). */
  serviceTemplates?: Reconciler;
  /** Writes Credentials' readiness (keys with CREDENTIAL_KEY_PREFIX); absent: Credentials are not watched. */
  credentials?: Reconciler;
  /** Distributes the system namespace's objects (keys with ACCESS_MANAGEMENT_KEY_PREFIX); absent: not watched. */
  accessManagement?: Reconciler;
  /** Deletes expired DeploymentHistories (the key HISTORY_SWEEP_KEY, queued at start). */
  histories?: Reconciler;
  clock: Clock;
  /** Called after each reconcile (for progress output and metrics). */
  onReconciled?: (key: string, result: ReconcileResult | Error) => void;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Where watch failures are reported. */
  logger?: RuntimeLogger;
  /** Counts watch restarts (clustermint_watch_restarts_total). */
  watchRestarts?: WatchRestartCounter;
  /** The wall-clock backoff between restarts of a failed watch (default 500 ms doubling to 30 s). */
  watchBackoff?: WatchBackoff;
}

export const keyOf = (o: { metadata: { namespace?: string; name: string } }): string =>
  `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** What about a deployment makes its services worth delivering again: labels, serviceSpec, readiness, access. */
function servicesFingerprint(o: KubeObject): string {
  const status = (o.status ?? {}) as {
    conditions?: { type: string; status: string }[];
    adopted?: { server?: string };
    capi?: { cluster?: string };
  };
  return JSON.stringify([
    o.metadata.labels ?? {},
    (o.spec as { serviceSpec?: unknown } | undefined)?.serviceSpec ?? null,
    status.conditions?.find((c) => c.type === 'Ready')?.status ?? '',
    status.adopted?.server ?? '',
    status.capi?.cluster ?? '',
  ]);
}

/** What about an object makes its deployment worth reconciling again (status changes are not). */
function fingerprint(o: KubeObject): string {
  return JSON.stringify([
    o.metadata.generation,
    o.metadata.deletionTimestamp ?? '',
    o.metadata.annotations ?? {},
    o.metadata.labels ?? {},
  ]);
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
};

export class ControllerRuntime {
  readonly queue = new WorkQueue();
  private readonly backoff: Backoff;
  private readonly watches = new Set<Watch>();
  private readonly loops: Promise<void>[] = [];
  /** Ends the watches' backoff pauses on stop. */
  private readonly pauses = new Set<() => void>();
  private readonly seen = new Map<string, string>();
  private readonly deployments = new Set<string>();
  /** Credentials (`ns/name`) and AccessManagements (names) seen: identity and rule changes requeue them. */
  private readonly credentialKeys = new Set<string>();
  private readonly accessManagements = new Set<string>();
  private started = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Reconciles run so far. */
  reconciles = 0;

  constructor(private readonly opts: RuntimeOptions) {
    this.backoff = new Backoff(opts.backoffBaseMs ?? 500, opts.backoffMaxMs ?? 60_000);
  }

  enqueue(key: string, afterMs = 0): void {
    this.queue.add(key, this.opts.clock.now() + afterMs);
    this.wake?.();
  }

  /** Starts the watches; every existing ClusterDeployment is queued. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.watchType(CLUSTER_DEPLOYMENT_TYPE, (type, o) => {
      const key = keyOf(o);
      if (type === 'DELETED') {
        this.deployments.delete(key);
        this.seen.delete(`cd:${key}`);
        this.seen.delete(`svc:${key}`);
        if (this.opts.services) this.enqueue(`${SERVICES_KEY_PREFIX}${key}`);
        // its history now expires: the sweep plans for it (and copies it kept revoked may go)
        if (this.opts.histories) this.enqueue(HISTORY_SWEEP_KEY);
        this.enqueueAccessManagements();
        return;
      }
      this.deployments.add(key);
      if (this.opts.services) {
        const sfp = servicesFingerprint(o);
        if (this.seen.get(`svc:${key}`) !== sfp) {
          this.seen.set(`svc:${key}`, sfp);
          this.enqueue(`${SERVICES_KEY_PREFIX}${key}`);
        }
      }
      const fp = fingerprint(o);
      if (this.seen.get(`cd:${key}`) === fp) return;
      this.seen.set(`cd:${key}`, fp);
      this.enqueue(key);
    });
    await this.watchType(MACHINE_TYPE, (type, o) => {
      const owner = o.metadata.labels?.[LABEL_CLUSTER_DEPLOYMENT];
      if (!owner) return;
      const mk = `m:${keyOf(o)}`;
      if (type === 'DELETED') {
        this.seen.delete(mk);
        this.enqueue(`${o.metadata.namespace ?? 'default'}/${owner}`);
        return;
      }
      const fp = fingerprint(o);
      if (this.seen.get(mk) === fp) return;
      const first = !this.seen.has(mk);
      this.seen.set(mk, fp);
      // A machine appearing is our own doing; a change to one (annotation, deletion) may not be.
      if (!first || type !== 'ADDED') this.enqueue(`${o.metadata.namespace ?? 'default'}/${owner}`);
    });
    await this.watchType(CHAIN_TYPE, (_type, o) => {
      const ns = o.metadata.namespace ?? 'default';
      this.enqueueNamespace(ns);
      this.systemObjectChanged(o);
    });
    await this.watchTenancy();
    if (this.opts.services) {
      // spec, labels or deletion only: the services reconciler writes their status itself
      const changed = (prefix: string, type: string, o: KubeObject): boolean => {
        const k = `${prefix}:${keyOf(o)}`;
        if (type === 'DELETED') {
          this.seen.delete(k);
          return true;
        }
        const fp = fingerprint(o);
        if (this.seen.get(k) === fp) return false;
        this.seen.set(k, fp);
        return true;
      };
      await this.watchType(MULTI_CLUSTER_SERVICE_TYPE, (type, o) => {
        if (changed('mcs', type, o)) this.enqueueServices();
      });
      await this.watchType(SERVICE_TEMPLATE_TYPE, (type, o) => {
        // its validity is an admission fact of the namespace's deployments
        const valid = `st:${keyOf(o)}:valid`;
        const now =
          type === 'DELETED'
            ? ''
            : JSON.stringify((o.status as { valid?: unknown } | undefined)?.valid ?? null);
        if (this.seen.get(valid) !== now) {
          if (type === 'DELETED') this.seen.delete(valid);
          else this.seen.set(valid, now);
          this.enqueueNamespace(o.metadata.namespace ?? 'default');
        }
        if (!changed('st', type, o)) return;
        this.enqueueServices(o.metadata.namespace);
        this.systemObjectChanged(o);
        if (type !== 'DELETED' && this.opts.serviceTemplates)
          this.enqueue(`${SERVICE_TEMPLATE_KEY_PREFIX}${keyOf(o)}`);
      });
    }
    if (this.opts.templates)
      await this.watchType(CLUSTER_TEMPLATE_TYPE, (type, o) => {
        const key = `${TEMPLATE_KEY_PREFIX}${keyOf(o)}`;
        const ns = o.metadata.namespace ?? 'default';
        if (type === 'DELETED') {
          this.seen.delete(key);
          this.seen.delete(`${key}:status`);
          this.enqueueNamespace(ns);
          this.systemObjectChanged(o);
          return;
        }
        const fp = fingerprint(o);
        if (this.seen.get(key) !== fp) {
          this.seen.set(key, fp);
          this.enqueue(key);
          // labels too: a revoked copy is an admission fact of the namespace's deployments
          this.enqueueNamespace(ns);
          this.systemObjectChanged(o);
        }
        // A template's resolution changed: its deployments render again (and its copies get it).
        const status = JSON.stringify(o.status ?? null);
        if (this.seen.get(`${key}:status`) !== status) {
          this.seen.set(`${key}:status`, status);
          this.enqueueNamespace(ns);
          this.systemObjectChanged(o);
        }
      });
    if (this.opts.histories) this.enqueue(HISTORY_SWEEP_KEY);
  }

  /**
   * Credentials, AccessManagements and what they depend on: identities and namespaces requeue
   * Credentials; namespaces, the system namespace's distributable objects and the rules requeue
   * the AccessManagements; an AccessManagement coming or going (open <-> tenancy mode) and
   * ProviderInterfaces requeue every deployment.
   */
  private async watchTenancy(): Promise<void> {
    const { credentials, accessManagement } = this.opts;
    if (credentials) {
      await this.watchType(CREDENTIAL_TYPE, (type, o) => {
        const key = keyOf(o);
        const k = `cred:${key}`;
        const statusKey = `${k}:status`;
        if (type === 'DELETED') {
          this.credentialKeys.delete(key);
          this.seen.delete(k);
          this.seen.delete(statusKey);
          this.enqueueNamespace(o.metadata.namespace ?? 'default');
          this.systemObjectChanged(o);
          return;
        }
        this.credentialKeys.add(key);
        const fp = fingerprint(o);
        if (this.seen.get(k) !== fp) {
          this.seen.set(k, fp);
          this.enqueue(`${CREDENTIAL_KEY_PREFIX}${key}`);
          this.enqueueNamespace(o.metadata.namespace ?? 'default');
          this.systemObjectChanged(o);
        }
        // readiness is an admission fact of the namespace's deployments
        const status = JSON.stringify(o.status ?? null);
        if (this.seen.get(statusKey) !== status) {
          this.seen.set(statusKey, status);
          this.enqueueNamespace(o.metadata.namespace ?? 'default');
        }
      });
      await this.watchType(SIMULATED_IDENTITY_TYPE, (type, o) => {
        const k = `simid:${o.metadata.name}`;
        if (type === 'DELETED') this.seen.delete(k);
        else {
          const fp = JSON.stringify([fingerprint(o), o.spec ?? null]);
          if (this.seen.get(k) === fp) return;
          this.seen.set(k, fp);
        }
        this.enqueueCredentials();
        // a deployment the provider refused for want of this identity tries again
        for (const d of this.deployments) this.enqueue(d);
      });
      await this.watchType(PROVIDER_INTERFACE_TYPE, () => {
        for (const k of this.deployments) this.enqueue(k);
      });
    }
    if (accessManagement || credentials)
      await this.watchType(NAMESPACE_TYPE, (type, o) => {
        const k = `ns:${o.metadata.name}`;
        if (type === 'DELETED') this.seen.delete(k);
        else {
          const fp = JSON.stringify(o.metadata.labels ?? {});
          if (this.seen.get(k) === fp) return;
          this.seen.set(k, fp);
        }
        this.enqueueAccessManagements();
        this.enqueueCredentials(o.metadata.name);
      });
    if (accessManagement) {
      await this.watchType(ACCESS_MANAGEMENT_TYPE, (type, o) => {
        const name = o.metadata.name;
        const k = `am:${name}`;
        const existed = this.accessManagements.size > 0;
        if (type === 'DELETED') {
          this.seen.delete(k);
          this.accessManagements.delete(name);
          // the one in force may have gone: the others are looked at again, and this one's copies
          this.enqueue(`${ACCESS_MANAGEMENT_KEY_PREFIX}${name}`);
        } else {
          this.accessManagements.add(name);
          const fp = fingerprint(o);
          if (this.seen.get(k) === fp) return;
          this.seen.set(k, fp);
        }
        this.enqueueAccessManagements();
        // open <-> tenancy mode: every deployment, its services and every Credential are judged again
        if (existed !== this.accessManagements.size > 0) {
          for (const d of this.deployments) this.enqueue(d);
          if (this.opts.services) this.enqueueServices();
          this.enqueueCredentials();
        }
      });
    }
    // deployments judge their services' chains (admission); the AccessManagement distributes them
    if (accessManagement || this.opts.services)
      await this.watchType(SERVICE_TEMPLATE_CHAIN_TYPE, (type, o) => {
        // its spec, labels and status.valid are admission facts of the namespace's deployments
        const k = `stc:${keyOf(o)}`;
        const now =
          type === 'DELETED'
            ? ''
            : JSON.stringify([fingerprint(o), (o.status as { valid?: unknown } | undefined)?.valid ?? null]);
        if (this.seen.get(k) === now) return;
        if (type === 'DELETED') this.seen.delete(k);
        else this.seen.set(k, now);
        this.enqueueNamespace(o.metadata.namespace ?? 'default');
        this.systemObjectChanged(o);
      });
  }

  /** An object of the system namespace changed: the AccessManagements distribute it again. */
  private systemObjectChanged(o: KubeObject): void {
    if (o.metadata.namespace === SYSTEM_NAMESPACE) this.enqueueAccessManagements();
  }

  /** Queues every AccessManagement (one is in force; the others report that). */
  enqueueAccessManagements(): void {
    if (!this.opts.accessManagement) return;
    for (const name of this.accessManagements) this.enqueue(`${ACCESS_MANAGEMENT_KEY_PREFIX}${name}`);
  }

  /** Queues every Credential (of one namespace). */
  enqueueCredentials(ns?: string): void {
    if (!this.opts.credentials) return;
    for (const k of this.credentialKeys)
      if (ns === undefined || splitKey(k).namespace === ns) this.enqueue(`${CREDENTIAL_KEY_PREFIX}${k}`);
  }

  /** Queues the services of every deployment (of one namespace; the system namespace's templates serve all). */
  enqueueServices(ns?: string): void {
    for (const k of this.deployments)
      if (ns === undefined || ns === SYSTEM_NAMESPACE || splitKey(k).namespace === ns)
        this.enqueue(`${SERVICES_KEY_PREFIX}${k}`);
  }

  /** Queues every deployment of a namespace. */
  enqueueNamespace(ns: string): void {
    for (const k of this.deployments) if (splitKey(k).namespace === ns) this.enqueue(k);
  }

  /** Lists the kind, then keeps a watch of it running until stop() (watch.ts). */
  private async watchType(type: ResourceType, handle: (t: string, o: KubeObject) => void): Promise<void> {
    const loop = await keepWatching({
      store: this.opts.store,
      type,
      handle,
      stopped: () => this.stopped,
      opened: (w) => this.watches.add(w),
      closed: (w) => this.watches.delete(w),
      pause: (ms) => this.pause(ms),
      ...(this.opts.logger ? { logger: this.opts.logger } : {}),
      ...(this.opts.watchRestarts ? { restarts: this.opts.watchRestarts } : {}),
      ...(this.opts.watchBackoff ? { backoff: this.opts.watchBackoff } : {}),
    });
    this.loops.push(loop());
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.pauses.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.pauses.add(done);
    });
  }

  /** Reconciles one key now (it must have been popped); requeues as asked. */
  private async runKey(key: string): Promise<void> {
    this.reconciles++;
    let outcome: ReconcileResult | Error;
    try {
      const reconciler = key.startsWith(TEMPLATE_KEY_PREFIX)
        ? this.opts.templates
        : key.startsWith(SERVICES_KEY_PREFIX)
          ? this.opts.services
          : key.startsWith(SERVICE_TEMPLATE_KEY_PREFIX)
            ? this.opts.serviceTemplates
            : key.startsWith(CREDENTIAL_KEY_PREFIX)
              ? this.opts.credentials
              : key.startsWith(ACCESS_MANAGEMENT_KEY_PREFIX)
                ? this.opts.accessManagement
                : key === HISTORY_SWEEP_KEY
                  ? this.opts.histories
                  : undefined;
      outcome = await (reconciler ?? this.opts.reconciler).reconcile(key);
      this.backoff.reset(key);
      if (outcome.requeueAfterMs !== undefined)
        this.queue.add(key, this.opts.clock.now() + outcome.requeueAfterMs);
    } catch (e) {
      outcome = e instanceof Error ? e : new Error(String(e));
      const retry = isTransientProviderError(e) ? e.retryAfterMs : 0;
      this.queue.add(key, this.opts.clock.now() + this.backoff.next(key, retry));
    } finally {
      this.queue.done(key);
    }
    this.opts.onReconciled?.(key, outcome);
  }

  /**
   * Runs with a ManualClock: reconciles every due key, then moves the clock to the next due
   * time, until `until` holds (true), the queue is empty (true), or `maxVirtualMs` of simulated
   * time or `maxSteps` reconciles pass (false).
   */
  async runManual(
    clock: ManualClock,
    options: { until?: () => boolean | Promise<boolean>; maxVirtualMs?: number; maxSteps?: number } = {},
  ): Promise<boolean> {
    await this.start();
    await settle();
    const deadline = clock.now() + (options.maxVirtualMs ?? 3_600_000);
    const maxSteps = options.maxSteps ?? 1_000_000;
    for (let steps = 0; steps < maxSteps; ) {
      if (options.until && (await options.until())) return true;
      const key = this.queue.pop(clock.now());
      if (key !== undefined) {
        await this.runKey(key);
        await settle();
        steps++;
        continue;
      }
      const next = this.queue.nextDue();
      if (next === undefined) return options.until ? Boolean(await options.until()) : true;
      if (next > deadline) return false;
      clock.set(Math.max(clock.now(), next));
    }
    return false;
  }

  /** Runs on the wall clock until `signal` aborts (the current reconcile finishes first) or `until` holds. */
  async runRealtime(
    options: { signal?: AbortSignal; until?: () => boolean | Promise<boolean> } = {},
  ): Promise<void> {
    await this.start();
    const { signal } = options;
    while (!signal?.aborted) {
      if (options.until && (await options.until())) return;
      const key = this.queue.pop(this.opts.clock.now());
      if (key !== undefined) {
        await this.runKey(key);
        continue;
      }
      const next = this.queue.nextDue();
      const wait = Math.max(1, Math.min(next === undefined ? 250 : next - this.opts.clock.now(), 250));
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, wait);
        const onAbort = () => done();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.wake = done;
        function done() {
          clearTimeout(t);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
      });
      this.wake = undefined;
    }
  }

  /** Ends the watches. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watches) w.close();
    for (const done of [...this.pauses]) done();
    this.wake?.();
    await Promise.all(this.loops);
  }
}
