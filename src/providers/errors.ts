/**
 * Typed provider errors. A caller retries a transient error after `retryAfterMs` (with its own
 * backoff); a terminal error will not go away by retrying and becomes a condition on the object.
 * `reason` is a CamelCase word fit for a condition's reason.
 */

export class ProviderError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'ProviderError';
    this.reason = reason;
  }
}

/** Retrying later may succeed (rate limit, zone outage, busy database). */
export class TransientProviderError extends ProviderError {
  readonly retryAfterMs: number;
  constructor(reason: string, message: string, retryAfterMs: number) {
    super(reason, message);
    this.name = 'TransientProviderError';
    this.retryAfterMs = Math.max(0, Math.ceil(retryAfterMs));
  }
}

/** Retrying will not help (no plugin for a kind, invalid input); report it as a condition. */
export class TerminalProviderError extends ProviderError {
  constructor(reason: string, message: string) {
    super(reason, message);
    this.name = 'TerminalProviderError';
  }
}

export function isTransientProviderError(e: unknown): e is TransientProviderError {
  return e instanceof TransientProviderError;
}

export function isTerminalProviderError(e: unknown): e is TerminalProviderError {
  return e instanceof TerminalProviderError;
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}
