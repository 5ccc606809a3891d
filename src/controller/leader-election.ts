/**
 * Leader election on a `coordination.k8s.io/v1` Lease, with client-go's semantics: a candidate
 * takes the Lease when it is free or its holder has not renewed it for `leaseDurationMs`; the
 * leader renews every `retryPeriodMs` and steps down if it cannot renew within
 * `renewDeadlineMs`. Updates carry the Lease's resourceVersion, so two candidates can never both
 * win a round (the apiserver answers the loser with 409).
 */
import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';

export interface LeaderElectionOptions {
  api: CoordinationV1Api;
  namespace: string;
  name: string;
  /** This candidate's identity (pod name + a random suffix). */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  /** For logs: every acquire/renew failure and transition. */
  log?: (event: string, fields?: Record<string, unknown>) => void;
  now?: () => number;
}

const DEFAULTS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/**
 * Kubernetes MicroTime: RFC 3339 with exactly six fractional digits (the apiserver refuses
 * JavaScript's three). client-node serialises a Date with toISOString.
 */
class MicroTime extends Date {
  override toISOString(): string {
    return super.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  }
  override toJSON(): string {
    return this.toISOString();
  }
}
function microTime(v: number | Date | string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  return new MicroTime(typeof v === 'number' ? v : new Date(v).getTime());
}

const status = (e: unknown): number | undefined => {
  const x = e as { code?: number; statusCode?: number; response?: { statusCode?: number } };
  return x.code ?? x.statusCode ?? x.response?.statusCode;
};

export class LeaderElector {
  private readonly o: Required<Omit<LeaderElectionOptions, 'log' | 'now'>> & {
    log: NonNullable<LeaderElectionOptions['log']>;
    now: () => number;
  };
  private leading = false;
  private stopped = false;
  private lastRenew = 0;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;

  constructor(options: LeaderElectionOptions) {
    this.o = { ...DEFAULTS, log: () => {}, now: Date.now, ...options } as typeof this.o;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning; resolves when stop() is called. */
  run(): Promise<void> {
    this.loop ??= this.campaign();
    return this.loop;
  }

  /**
   * Stops campaigning. With `release`, a leader gives the Lease up at once (a clean shutdown);
   * without, it just stops renewing (as a crashed process would).
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    if (this.leading && release) await this.release();
    this.setLeading(false);
  }

  private wake: (() => void) | undefined;
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  private setLeading(v: boolean): void {
    if (v === this.leading) return;
    this.leading = v;
    this.o.log(v ? 'started leading' : 'stopped leading', { identity: this.o.identity });
    if (v) this.o.onStartedLeading();
    else this.o.onStoppedLeading();
  }

  private async campaign(): Promise<void> {
    while (!this.stopped) {
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
      } catch (e) {
        this.o.log('lease request failed', { error: (e as Error).message });
      }
      if (this.stopped) break;
      if (ok) this.lastRenew = this.o.now();
      if (this.leading && !ok && this.o.now() - this.lastRenew > this.o.renewDeadlineMs)
        this.setLeading(false);
      else if (ok) this.setLeading(true);
      await this.sleep(this.o.retryPeriodMs);
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { api, namespace, name, identity } = this.o;
    const now = this.o.now();
    let lease: V1Lease;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (e) {
      if (status(e) !== 404) throw e;
      try {
        await api.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: Math.ceil(this.o.leaseDurationMs / 1000),
              acquireTime: microTime(now),
              renewTime: microTime(now),
              leaseTransitions: 0,
            },
          },
        });
        return true;
      } catch (e2) {
        if (status(e2) === 409) return false; // another candidate created it first
        throw e2;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewed = spec.renewTime ? new Date(spec.renewTime as unknown as string).getTime() : 0;
    const duration = (spec.leaseDurationSeconds ?? Math.ceil(this.o.leaseDurationMs / 1000)) * 1000;
    const held = holder !== '' && holder !== identity && renewed + duration > now;
    if (held) return false;
    const taking = holder !== identity;
    lease.spec = {
      ...spec,
      acquireTime: microTime(spec.acquireTime as unknown as Date | undefined),
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.o.leaseDurationMs / 1000),
      renewTime: microTime(now),
      ...(taking ? { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
    };
    try {
      await api.replaceNamespacedLease({ name, namespace, body: lease });
      if (taking) this.o.log('acquired lease', { identity, previous: holder || undefined });
      return true;
    } catch (e) {
      if (status(e) === 409) return false; // someone else renewed or took it in between
      throw e;
    }
  }

  private async release(): Promise<void> {
    const { api, namespace, name, identity } = this.o;
    try {
      const lease = await api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      lease.spec = {
        ...lease.spec,
        acquireTime: microTime(lease.spec.acquireTime as unknown as Date | undefined),
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: microTime(this.o.now()),
      };
      await api.replaceNamespacedLease({ name, namespace, body: lease });
    } catch (e) {
      this.o.log('lease release failed', { error: (e as Error).message });
    }
  }
}
