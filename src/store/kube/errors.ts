/**
 * apiserver failures as Store errors: a Status body's reason becomes the StoreError the SQLite
 * backend would throw (same reason, same code); anything else (Forbidden, Unauthorized,
 * TooManyRequests, a webhook denial, a broken connection) is a KubeApiError that keeps the
 * apiserver's reason and code.
 */
import { type StatusReason, StoreError } from '../errors.js';

/** The Kubernetes `Status` object the apiserver sends with a failure (and in watch ERROR events). */
export interface KubeStatus {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

const STORE_REASONS = new Set<StatusReason>([
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Expired',
  'Gone',
  'Invalid',
  'BadRequest',
  'RequestEntityTooLarge',
]);

/** A failure the Store contract has no reason for: the apiserver's own reason and HTTP code. */
export class KubeApiError extends Error {
  readonly reason: string;
  readonly code: number;
  readonly status: KubeStatus | undefined;

  /** `cause`: the node error behind a failed connection (its `code`: ECONNREFUSED, a TLS verification code, ...). */
  constructor(code: number, reason: string, message: string, status?: KubeStatus, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'KubeApiError';
    this.code = code;
    this.reason = reason;
    this.status = status;
  }
}

/** The reason the apiserver would give an HTTP code without a Status body. */
function reasonOfCode(code: number): string {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 409:
      return 'Conflict';
    case 410:
      return 'Expired';
    case 415:
      return 'UnsupportedMediaType';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 504:
      return 'Timeout';
    default:
      return code >= 500 ? 'InternalError' : 'Unknown';
  }
}

function isStatus(v: unknown): v is KubeStatus {
  return typeof v === 'object' && v !== null && (v as KubeStatus).kind === 'Status';
}

/** The error for an HTTP failure `code` with body `body` (parsed JSON or text). */
export function statusError(code: number, body: unknown): StoreError | KubeApiError {
  const status = isStatus(body) ? body : undefined;
  const reason = status?.reason || reasonOfCode(status?.code ?? code);
  const message =
    status?.message || (typeof body === 'string' && body.trim() !== '' ? body.trim() : `HTTP ${code}`);
  const httpCode = status?.code ?? code;
  if (STORE_REASONS.has(reason as StatusReason)) {
    const e = new StoreError(reason as StatusReason, message, status?.details?.causes ?? []);
    if (e.code === httpCode) return e;
  }
  // Any other 410 still means "list again".
  if (httpCode === 410) return new StoreError('Expired', message);
  return new KubeApiError(httpCode, reason, message, status);
}
