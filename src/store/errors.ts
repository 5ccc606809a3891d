/**
 * Store errors as the Kubernetes API reports them: a StatusReason and its HTTP code, with the
 * apiserver's message wording, so callers branch on `reason` whatever the backend.
 */
import type { KubeObject, ObjectRef, ResourceType } from './types.js';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Expired'
  | 'Gone'
  | 'Invalid'
  | 'BadRequest'
  | 'RequestEntityTooLarge';

const CODES: Record<StatusReason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Expired: 410,
  Gone: 410,
  Invalid: 422,
  BadRequest: 400,
  RequestEntityTooLarge: 413,
};

/** One field-level complaint of an Invalid error (the apiserver's Status `details.causes`). */
export interface StatusCause {
  field?: string;
  reason?: string;
  message?: string;
}

export class StoreError extends Error {
  readonly reason: StatusReason;
  /** The HTTP status code the apiserver answers with. */
  readonly code: number;
  /** The apiserver's field causes, when it gave any. */
  readonly causes: StatusCause[];

  constructor(reason: StatusReason, message: string, causes: StatusCause[] = []) {
    super(message);
    this.name = 'StoreError';
    this.reason = reason;
    this.code = CODES[reason];
    this.causes = causes;
  }
}

export function isStoreError(e: unknown, reason?: StatusReason): e is StoreError {
  return e instanceof StoreError && (reason === undefined || e.reason === reason);
}

export const isNotFound = (e: unknown): e is StoreError => isStoreError(e, 'NotFound');
export const isAlreadyExists = (e: unknown): e is StoreError => isStoreError(e, 'AlreadyExists');
export const isConflict = (e: unknown): e is StoreError => isStoreError(e, 'Conflict');
/** Expired or Gone: the resourceVersion is older than the retained history; list again. */
export const isExpired = (e: unknown): e is StoreError => e instanceof StoreError && e.code === 410;
export const isInvalid = (e: unknown): e is StoreError => isStoreError(e, 'Invalid');

/** The API group of an apiVersion: `cluster.x-k8s.io/v1beta1` -> `cluster.x-k8s.io`, `v1` -> ``. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The plural resource name guessed from a kind, as client-go's UnsafeGuessKindToResource does:
 * `ClusterClass` -> `clusterclasses`, `Policy` -> `policies`.
 */
export function guessResource(kind: string): string {
  const k = kind.toLowerCase();
  if (k === '') return k;
  if (k.endsWith('s')) return `${k}es`;
  if (k.endsWith('y')) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

/** `clusterdeployments.clustermint.io`, as the apiserver names a resource in messages. */
export function qualifiedResource(type: ResourceType): string {
  const group = groupOf(type.apiVersion);
  const resource = guessResource(type.kind);
  return group ? `${resource}.${group}` : resource;
}

export function notFound(ref: ObjectRef): StoreError {
  return new StoreError('NotFound', `${qualifiedResource(ref)} "${ref.name}" not found`);
}

export function alreadyExists(ref: ObjectRef): StoreError {
  return new StoreError('AlreadyExists', `${qualifiedResource(ref)} "${ref.name}" already exists`);
}

export function conflict(ref: ObjectRef, why: string): StoreError {
  return new StoreError(
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${ref.name}": ${why}`,
  );
}

export const STALE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** One field error of an Invalid answer: `metadata.name: Invalid value: "X": reason`. */
export interface FieldProblem {
  path: string;
  /** `Invalid value: "x"`, `Required value`, `Forbidden`. */
  type: string;
  detail: string;
}

export function invalid(ref: Partial<ObjectRef> & ResourceType, problems: FieldProblem[]): StoreError {
  const group = groupOf(ref.apiVersion);
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  const list = problems.map((p) => `${p.path}: ${p.type}${p.detail ? `: ${p.detail}` : ''}`);
  const body = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new StoreError('Invalid', `${kind} "${ref.name ?? ''}" is invalid: ${body}`);
}

export function expired(requested: string, oldest: string): StoreError {
  return new StoreError('Expired', `too old resource version: ${requested} (${oldest})`);
}

export function badRequest(message: string): StoreError {
  return new StoreError('BadRequest', message);
}

/** The largest stored object, as etcd's default request limit (1.5 MiB). */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

export function tooLarge(ref: ObjectRef, bytes: number): StoreError {
  return new StoreError(
    'RequestEntityTooLarge',
    `${qualifiedResource(ref)} "${ref.name}" is too large: ${bytes} bytes, the limit is ${MAX_OBJECT_BYTES}`,
  );
}

/** The object, or undefined when it does not exist (or its kind is not served: a 404). */
export async function getIfExists(
  store: { get(ref: ObjectRef): Promise<KubeObject> },
  ref: ObjectRef,
): Promise<KubeObject | undefined> {
  try {
    return await store.get(ref);
  } catch (e) {
    if (isNotFound(e) || (e as { code?: unknown }).code === 404) return undefined;
    throw e;
  }
}
