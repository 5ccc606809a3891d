/**
 * What a phase tells the pass about when to look again: `busy` (something is changing: poll
 * soon) and the shortest retry a transient provider error asked for. The pass merges them.
 */
export interface PhaseOutcome {
  busy?: boolean;
  retryAfterMs?: number;
}

export function mergeOutcomes(...outcomes: readonly (PhaseOutcome | undefined)[]): PhaseOutcome {
  let busy = false;
  let retryAfterMs: number | undefined;
  for (const o of outcomes) {
    if (!o) continue;
    if (o.busy) busy = true;
    if (o.retryAfterMs !== undefined)
      retryAfterMs = retryAfterMs === undefined ? o.retryAfterMs : Math.min(retryAfterMs, o.retryAfterMs);
  }
  return retryAfterMs === undefined ? { busy } : { busy, retryAfterMs };
}

/** A busy deployment is looked at after its retry (at most 30 polls), a stable one at the resync. */
export function requeueAfterMs(o: PhaseOutcome, pollMs: number, resyncMs: number): number {
  return o.busy ? Math.max(1, Math.min(o.retryAfterMs ?? pollMs, pollMs * 30)) : resyncMs;
}
