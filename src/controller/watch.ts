/**
 * Keeping a watch of one kind alive for the runtime: list, then watch from the list's
 * resourceVersion; a watch that ends is started again from the last version seen; an expired
 * version (410) relists. Any other failure (the watch cannot start, its stream breaks, a relist
 * fails) is logged, counted, and the watch starts again after a capped exponential backoff, on
 * the wall clock (a broken connection heals in real time, also under a ManualClock).
 */
import { isExpired, isStoreError } from '../store/errors.js';
import type { KubeObject, ResourceType, Store, Watch } from '../store/types.js';

/** The few logger calls the runtime makes (a pino Logger is one). */
export interface RuntimeLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  debug?(fields: Record<string, unknown>, message: string): void;
}

/** Counts watch restarts by kind and reason (prom-client's Counter is one). */
export interface WatchRestartCounter {
  inc(labels: { kind: string; reason: string }): void;
}

export interface WatchBackoff {
  /** First delay after a failure (ms, default 500). */
  baseMs?: number;
  /** The longest delay (ms, default 30,000). */
  maxMs?: number;
}

const DEFAULT_WATCH_BACKOFF = { baseMs: 500, maxMs: 30_000 } as const;

/** The delay before restart `attempt` (1, 2, ...): base doubling, at most max. */
export function watchRestartDelay(attempt: number, baseMs: number, maxMs: number): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2 ** 31 and more only overflow towards Infinity, which the cap takes care of.
  return Math.min(maxMs, baseMs * 2 ** (n - 1));
}

/** A low-cardinality reason for the restarts metric: the store's reason, a system error code, or the error's class. */
export function watchFailureReason(e: unknown): string {
  if (isStoreError(e)) return e.reason;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  return e instanceof Error ? e.name : 'Unknown';
}

export interface KeepWatchingOptions {
  store: Store;
  type: ResourceType;
  handle: (type: string, o: KubeObject) => void;
  stopped: () => boolean;
  /** Every watch opened (the runtime closes them on stop). */
  opened: (w: Watch) => void;
  closed: (w: Watch) => void;
  /** Waits `ms` on the wall clock, or less when the runtime stops. */
  pause: (ms: number) => Promise<void>;
  logger?: RuntimeLogger;
  restarts?: WatchRestartCounter;
  backoff?: WatchBackoff;
}

/** Lists the kind (feeding `handle`), then returns the loop that keeps watching it until stopped. */
export async function keepWatching(o: KeepWatchingOptions): Promise<() => Promise<void>> {
  const { store, type, handle } = o;
  const relist = async (): Promise<string> => {
    const l = await store.list(type);
    for (const x of l.items) handle('ADDED', x);
    return l.resourceVersion;
  };
  let rv = await relist();
  const baseMs = o.backoff?.baseMs ?? DEFAULT_WATCH_BACKOFF.baseMs;
  const maxMs = o.backoff?.maxMs ?? DEFAULT_WATCH_BACKOFF.maxMs;

  /** One watch from `rv` until it ends; throws what is not a 410. */
  const watchOnce = async (onEvent: () => void): Promise<void> => {
    let w: Watch;
    try {
      w = await store.watch(type, { resourceVersion: rv });
    } catch (e) {
      if (!isExpired(e)) throw e;
      rv = await relist();
      return;
    }
    o.opened(w);
    try {
      for await (const ev of w) {
        rv = ev.object.metadata.resourceVersion;
        if (ev.type !== 'BOOKMARK') handle(ev.type, ev.object);
        onEvent();
      }
      if (!o.stopped()) o.logger?.debug?.({ kind: type.kind }, 'watch ended; watching again');
    } catch (e) {
      if (!isExpired(e)) throw e;
      rv = await relist();
    } finally {
      o.closed(w);
    }
  };

  return async () => {
    let failures = 0;
    while (!o.stopped()) {
      try {
        await watchOnce(() => {
          failures = 0;
        });
      } catch (e) {
        if (o.stopped()) return;
        failures++;
        const reason = watchFailureReason(e);
        const delayMs = watchRestartDelay(failures, baseMs, maxMs);
        o.restarts?.inc({ kind: type.kind, reason });
        o.logger?.warn(
          {
            kind: type.kind,
            reason,
            error: e instanceof Error ? e.message : String(e),
            attempt: failures,
            retryInMs: delayMs,
          },
          'watch failed; restarting it',
        );
        await o.pause(delayMs);
      }
    }
  };
}
