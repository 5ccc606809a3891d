/**
 * Recording events as core/v1 Event objects in the store. Names are `<deployment>.<time><seq>`
 * (hex), so a deployment's events list in the order they happened; the same event twice at the
 * same instant is stored once.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { type ClusterEvent, EVENT_COMPONENT, EVENT_TYPE, type InvolvedObject } from '../api/event.js';
import { LABEL_CLUSTER_DEPLOYMENT } from '../api/machine.js';
import type { Clock } from '../providers/contract.js';
import { isAlreadyExists } from '../store/errors.js';
import type { Store } from '../store/types.js';
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

export class EventRecorder {
  private seq = 0;
  /** Events recorded by this process (also when storing them failed). */
  readonly recorded: EventInput[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onEvent?: (e: EventInput) => void,
  ) {}

  async record(e: EventInput): Promise<void> {
    const now = this.clock.now();
    this.recorded.push(e);
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
    try {
      await this.store.create(event as never);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
