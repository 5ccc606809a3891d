/**
 * Recording events as core/v1 Event objects in the store. Names are `<deployment>.<time><seq>`
 * (hex), so a deployment's events list in the order they happened; the same event twice at the
 * same instant is stored once. Events expire after a TTL, as the apiserver's `--event-ttl`
 * (default 1 h) expires them: on the embedded store the recorder deletes them itself.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { type ClusterEvent, EVENT_COMPONENT, EVENT_TYPE, type InvolvedObject } from '../api/event.js';
import { LABEL_CLUSTER_DEPLOYMENT } from '../domain/labels.js';
import type { Clock } from '../providers/contract.js';
import { isAlreadyExists, isNotFound, StoreError } from '../store/errors.js';
import type { KubeObject, NewObject, Store } from '../store/types.js';
import { isoSeconds } from './conditions.js';

export interface EventInput {
  deployment: string;
  namespace: string;
  involved: InvolvedObject;
  type?: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits (the apiserver refuses three). */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');
const REPORTING_INSTANCE = hostname().slice(0, 128) || EVENT_COMPONENT;
/** A store that writes several objects in one transaction (the SQLite store). */
interface BatchingStore {
  writeMany(
    writes: readonly ({ op: 'create'; object: NewObject } | { op: 'updateStatus'; object: KubeObject })[],
  ): Promise<(KubeObject | StoreError)[]>;
}

const batching = (s: Store): s is Store & BatchingStore =>
  typeof (s as Partial<BatchingStore>).writeMany === 'function';

/** The apiserver's default `--event-ttl`. */
export const DEFAULT_EVENT_TTL_MS = 3_600_000;

export interface EventRecorderOptions {
  /**
   * Delete events whose last occurrence is older than this (ms). 0 turns it off: on a
   * Kubernetes management cluster the apiserver expires events itself.
   */
  ttlMs?: number;
}

/** When an event last happened (ms): eventTime (to the microsecond), lastTimestamp or its creation. */
function lastSeen(e: KubeObject): number {
  const ev = e as Partial<ClusterEvent>;
  for (const t of [ev.eventTime, ev.lastTimestamp, e.metadata.creationTimestamp]) {
    const ms = typeof t === 'string' ? Date.parse(t) : Number.NaN;
    if (!Number.isNaN(ms)) return ms;
  }
  return Number.NaN;
}

export class EventRecorder {
  private seq = 0;
  private readonly ttlMs: number;
  /** The clock time of the next sweep for expired events. */
  private nextSweep: number | undefined;
  /** Expired events deleted so far. */
  expired = 0;
  /** When an event was last recorded by recordOnce, by deployment, reason and message. */
  private readonly lastRecorded = new Map<string, number>();
  /** While deferring (a reconcile pass): events recorded but not yet stored. */
  private pending: NewObject[] | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onEvent?: (e: EventInput) => void,
    options: EventRecorderOptions = {},
  ) {
    this.ttlMs = Math.max(0, options.ttlMs ?? DEFAULT_EVENT_TTL_MS);
  }

  async record(e: EventInput): Promise<void> {
    const now = this.clock.now();
    this.onEvent?.(e);
    const digest = createHash('sha256')
      .update(JSON.stringify([e.involved.name, e.reason, e.message, now]))
      .digest('hex')
      .slice(0, 6);
    const seq = (this.seq++ % 0x10000).toString(16).padStart(4, '0');
    const name = `${e.deployment}.${now.toString(16).padStart(12, '0')}${seq}${digest}`;
    const event: Omit<ClusterEvent, 'metadata'> & { metadata: Record<string, unknown> } = {
      ...EVENT_TYPE,
      metadata: {
        name,
        namespace: e.namespace,
        labels: { [LABEL_CLUSTER_DEPLOYMENT]: e.deployment },
      },
      involvedObject: { namespace: e.namespace, ...e.involved },
      reason: e.reason,
      message: e.message,
      type: e.type ?? 'Normal',
      firstTimestamp: isoSeconds(now),
      lastTimestamp: isoSeconds(now),
      eventTime: microTime(now),
      count: 1,
      source: { component: EVENT_COMPONENT },
      // The apiserver requires these on a core/v1 Event that has an eventTime.
      action: 'Reconcile',
      reportingComponent: EVENT_COMPONENT,
      reportingInstance: REPORTING_INSTANCE,
    };
    if (this.pending) this.pending.push(event as unknown as NewObject);
    else {
      await this.store.create(event as never).catch(ignoreExisting);
      await this.sweepIfDue();
    }
  }

  /**
   * Records the event unless the same one (deployment, reason, message) was recorded within
   * `windowMs`: a condition that holds over many passes (a missing Secret) is told once in a while,
   * not on every retry, as the apiserver's event spam filter would have it.
   */
  async recordOnce(e: EventInput, windowMs: number): Promise<void> {
    const now = this.clock.now();
    const key = JSON.stringify([e.namespace, e.deployment, e.reason, e.message]);
    const last = this.lastRecorded.get(key);
    if (last !== undefined && now - last < windowMs) return;
    if (this.lastRecorded.size >= 10_000) {
      for (const [k, t] of this.lastRecorded) if (now - t >= windowMs) this.lastRecorded.delete(k);
      if (this.lastRecorded.size >= 10_000) this.lastRecorded.clear();
    }
    this.lastRecorded.set(key, now);
    await this.record(e);
  }

  /**
   * Deletes the events that expired, at most every tenth of the TTL. It runs when an event is
   * stored: with no new events the set cannot grow, so an idle controller has nothing to sweep.
   */
  async sweepIfDue(): Promise<void> {
    if (this.ttlMs === 0) return;
    const now = this.clock.now();
    if (this.nextSweep === undefined) this.nextSweep = now + Math.max(1000, this.ttlMs / 10);
    if (now < this.nextSweep) return;
    this.nextSweep = now + Math.max(1000, this.ttlMs / 10);
    await this.sweep(now);
  }

  /** Deletes every event last seen more than the TTL before `now`; returns how many. */
  async sweep(now = this.clock.now()): Promise<number> {
    if (this.ttlMs === 0) return 0;
    const cutoff = now - this.ttlMs;
    let deleted = 0;
    for (const e of (await this.store.list(EVENT_TYPE)).items) {
      if (!(lastSeen(e) < cutoff)) continue;
      try {
        await this.store.delete({ ...EVENT_TYPE, namespace: e.metadata.namespace, name: e.metadata.name });
        deleted++;
      } catch (err) {
        if (!isNotFound(err)) throw err; // another process swept it first
      }
    }
    this.expired += deleted;
    return deleted;
  }

  /**
   * From now until flush(), events are kept and stored together: a pass's events (and its
   * status) cost one store transaction instead of one each. Names and times are fixed when
   * an event is recorded, so their order is the same.
   */
  defer(): void {
    this.pending ??= [];
  }

  /**
   * Stores the deferred events (deferring ends) and, when given, a status update after them,
   * in one transaction where the store can; returns the stored status object. The status
   * update's error (Conflict...) is thrown after the events are stored.
   */
  async flush(status?: KubeObject): Promise<KubeObject | undefined> {
    const events = this.pending ?? [];
    this.pending = undefined;
    if (!batching(this.store)) {
      for (const e of events) await this.store.create(e).catch(ignoreExisting);
      if (events.length > 0) await this.sweepIfDue();
      return status ? this.store.updateStatus(status) : undefined;
    }
    if (events.length === 0 && !status) return undefined;
    const results = await this.store.writeMany([
      ...events.map((object) => ({ op: 'create' as const, object })),
      ...(status ? [{ op: 'updateStatus' as const, object: status }] : []),
    ]);
    for (const r of results.slice(0, events.length)) if (r instanceof StoreError) ignoreExisting(r);
    const last = status ? results[results.length - 1] : undefined;
    if (events.length > 0) await this.sweepIfDue();
    if (last instanceof StoreError) throw last;
    return last;
  }
}

function ignoreExisting(err: unknown): void {
  if (!isAlreadyExists(err)) throw err;
}
