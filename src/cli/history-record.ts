/**
 * The embedded runtime's audit trail: `apply` and `delete` append an entry to the
 * DeploymentHistory of the deployment's name (created when absent), as the webhook does in a
 * cluster. The user is `--as`, else the OS user: the embedded runtime has no authentication, so
 * the name only says who claims to act, it proves nothing.
 */
import { userInfo } from 'node:os';
import type { AuditEntry } from '../domain/audit.js';
import { appendHistoryEntry, type HistoryTarget } from '../store/deployment-history.js';
import type { Store } from '../store/types.js';
import type { Violation } from '../validate/violation.js';
import { formatViolation } from './print.js';
import { tagOf } from './verdict-formats.js';

/** Who acts: `--as`, else the OS user's name (or $USER when the system has no entry for it). */
export function actingUser(as: string | undefined): string {
  if (as !== undefined && as.trim() !== '') return as.trim();
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** An entry's violation lines: the gate's errors as `check` prints them, one line each. */
export function violationLines(vs: readonly Violation[]): string[] {
  return vs.map((v) => `${formatViolation(v).replace(/\n\s*/g, '; ')} ${tagOf(v)}`);
}

/** One entry as `apply` and `delete` record it, for the deployment it is about. */
export type HistoryEvent = HistoryTarget & Omit<AuditEntry, 'time' | 'via' | 'groups'>;

/** Appends one entry (the time is now); retried when someone else wrote the history meanwhile. */
export async function recordHistory(store: Store, ev: HistoryEvent, now = new Date()): Promise<void> {
  const { namespace, name, uid, violations, warnings, ...fields } = ev;
  const entry: AuditEntry = {
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    via: 'cli',
    ...fields,
    ...(violations?.length ? { violations } : {}),
    ...(warnings ? { warnings } : {}),
  };
  await appendHistoryEntry(store, { namespace, name, ...(uid ? { uid } : {}) }, entry);
}
