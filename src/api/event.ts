/**
 * Events as core/v1 Event objects: what happened to which object, for `describe`, `get events`
 * and `apply`'s progress. Names sort in creation order per ClusterDeployment.
 */
import type { KubeObject } from '../k8s/object.js';

export const EVENT_TYPE = { apiVersion: 'v1', kind: 'Event' } as const;
export const EVENT_COMPONENT = 'clustermint-controller';

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
}

export interface ClusterEvent extends KubeObject {
  involvedObject: InvolvedObject;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  /** RFC 3339 (seconds). */
  firstTimestamp: string;
  lastTimestamp: string;
  /** RFC 3339 with six fractional digits (Kubernetes MicroTime), as events.k8s.io/v1 eventTime. */
  eventTime: string;
  count: number;
  source: { component: string };
  action?: string;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** Events in the order they happened: eventTime, then name. */
export function compareEvents(a: ClusterEvent, b: ClusterEvent): number {
  return a.eventTime < b.eventTime
    ? -1
    : a.eventTime > b.eventTime
      ? 1
      : a.metadata.name < b.metadata.name
        ? -1
        : 1;
}
