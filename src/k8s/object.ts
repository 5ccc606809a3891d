/**
 * Kubernetes objects as clustermint holds them: a stored object (every server-set metadata field
 * present, as the stores return it), what create takes, and a rendered object (what a chart or a
 * ClusterClass produces, before any server has seen it).
 */

/** Kubernetes ObjectMeta, the fields the stores keep (others are dropped, as the apiserver prunes). */
export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation: number;
  /** RFC 3339, seconds precision (`2025-01-02T03:04:05Z`). */
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** A stored object as read back: every server-set metadata field is present. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  /** Other top-level fields (a ConfigMap's data, ...) are kept as they are. */
  [field: string]: unknown;
}

/** What create takes: server-set metadata fields may be absent (they are ignored if present). */
export interface NewObject {
  apiVersion: string;
  kind: string;
  metadata: Partial<ObjectMeta>;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

/** A kind: apiVersion (`group/version` or `v1`) and kind. The group identifies it, not the version. */
export interface ResourceType {
  apiVersion: string;
  kind: string;
}

/** A rendered Kubernetes object, as the gate's verdict returns it. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: unknown;
  [key: string]: unknown;
}

/** Metadata the server owns and sets: never sent on create or apply (managedFields is refused, the rest are stale preconditions). */
export const SERVER_METADATA_FIELDS = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
] as const;
