/**
 * A ClusterDeployment's audit trail (DeploymentHistory): which action an admitted or denied
 * request was, appending with bounded size, and when a deleted deployment's history may go.
 */

export type AuditAction = 'created' | 'changed' | 'upgraded' | 'deleted' | 'denied';

export interface AuditEntry {
  time: string;
  user: string;
  groups?: string[];
  via: 'cli' | 'webhook' | 'controller';
  action: AuditAction;
  template: string;
  fromTemplate?: string;
  credential?: string;
  generation?: number;
  allowed: boolean;
  violations?: string[];
  warnings?: number;
}

export const MAX_HISTORY_ENTRIES = 200;
export const DEFAULT_HISTORY_RETENTION_MS = 720 * 3600_000;
/** An entry keeps at most this many violation lines, each at most MAX_VIOLATION_CHARS long. */
export const MAX_VIOLATION_LINES = 20;
export const MAX_VIOLATION_CHARS = 512;

export function auditAction(
  op: 'create' | 'update' | 'delete',
  allowed: boolean,
  oldTemplate: string | undefined,
  newTemplate: string | undefined,
): AuditAction {
  if (!allowed) return 'denied';
  if (op === 'create') return 'created';
  if (op === 'delete') return 'deleted';
  return oldTemplate !== undefined && newTemplate !== undefined && oldTemplate !== newTemplate
    ? 'upgraded'
    : 'changed';
}

function clipLine(line: string): string {
  const chars = [...line];
  return chars.length <= MAX_VIOLATION_CHARS ? line : `${chars.slice(0, MAX_VIOLATION_CHARS - 1).join('')}…`;
}

function clipViolations(v: readonly string[]): string[] {
  if (v.length <= MAX_VIOLATION_LINES) return v.map(clipLine);
  const kept = v.slice(0, MAX_VIOLATION_LINES - 1).map(clipLine);
  return [...kept, `(and ${v.length - kept.length} more)`];
}

/** Appends (clipped, capped; returns the new entries and how many were dropped). */
export function appendEntry(
  entries: readonly AuditEntry[],
  e: AuditEntry,
): { entries: AuditEntry[]; dropped: number } {
  const entry: AuditEntry = e.violations ? { ...e, violations: clipViolations(e.violations) } : { ...e };
  const all = [...entries, entry];
  const dropped = Math.max(0, all.length - MAX_HISTORY_ENTRIES);
  return { entries: all.slice(dropped), dropped };
}

/** When a history deleted at `deletedAt` expires (RFC 3339). */
export function historyExpiry(deletedAt: string, retentionMs: number = DEFAULT_HISTORY_RETENTION_MS): string {
  return new Date(Date.parse(deletedAt) + retentionMs).toISOString();
}

/**
 * Whether a history may be removed now (deleted and past expiry). Without expiresAt the default
 * retention counts from deletedAt; an unreadable time never expires (keep rather than lose).
 */
export function historyExpired(h: { deletedAt?: string; expiresAt?: string }, nowMs: number): boolean {
  if (h.deletedAt === undefined) return false;
  const deleted = Date.parse(h.deletedAt);
  if (Number.isNaN(deleted)) return false;
  const expires =
    h.expiresAt !== undefined ? Date.parse(h.expiresAt) : deleted + DEFAULT_HISTORY_RETENTION_MS;
  return !Number.isNaN(expires) && expires <= nowMs;
}
