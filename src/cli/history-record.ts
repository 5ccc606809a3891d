/**
 * The embedded runtime's audit trail: `apply` and `delete` append an entry to the
 * DeploymentHistory of the deployment's name (created when absent), as the webhook does in a
 * cluster. The user is `--as`, else the OS user: the embedded runtime has no authentication, so
 * the name only says who claims to act, it proves nothing.
 */
import { userInfo } from 'node:os';
import { DEPLOYMENT_HISTORY_TYPE } from '../api/deployment-history.js';
import { type AuditAction, type AuditEntry, appendEntry } from '../domain/audit.js';
import { isAlreadyExists, isConflict, isNotFound } from '../store/errors.js';
import type { KubeObject, Store } from '../store/types.js';
import type { Violation } from '../validate/violation.js';
import { formatViolation } from './print.js';

/** Who acts: `--as`, else the OS user's name (or $USER when the system has no entry for it). */
export function actingUser(as: string | undefined): string {
  if (as !== undefined && as.trim() !== '') return as.trim();
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** The tag `check` prints after a violation: the policy rule, `admission/RULE`, or the stage. */
function tagOf(v: Violation): string {
  if (v.stage === 'policy') return `[${v.policy}/${v.rule}]`;
  if (v.stage === 'admission' && v.rule) return `[admission/${v.rule}]`;
  return `[${v.stage}]`;
}

/** An entry's violation lines: the gate's errors as `check` prints them, one line each. */
export function violationLines(vs: readonly Violation[]): string[] {
  return vs.map((v) => `${formatViolation(v).replace(/\n\s*/g, '; ')} ${tagOf(v)}`);
}

export interface HistoryEvent {
  namespace: string;
  name: string;
  /** The deployment's uid, when it is stored. */
  uid?: string;
  user: string;
  action: AuditAction;
  template: string;
  fromTemplate?: string;
  credential?: string;
  generation?: number;
  allowed: boolean;
  violations?: string[];
  warnings?: number;
}

/** Appends one entry (the time is now); retried when someone else wrote the history meanwhile. */
export async function recordHistory(store: Store, ev: HistoryEvent, now = new Date()): Promise<void> {
  const entry: AuditEntry = {
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    user: ev.user,
    via: 'cli',
    action: ev.action,
    template: ev.template,
    ...(ev.fromTemplate !== undefined ? { fromTemplate: ev.fromTemplate } : {}),
    ...(ev.credential !== undefined ? { credential: ev.credential } : {}),
    ...(ev.generation !== undefined ? { generation: ev.generation } : {}),
    allowed: ev.allowed,
    ...(ev.violations?.length ? { violations: ev.violations } : {}),
    ...(ev.warnings ? { warnings: ev.warnings } : {}),
  };
  const ref = { ...DEPLOYMENT_HISTORY_TYPE, namespace: ev.namespace, name: ev.name };
  for (let attempt = 0; ; attempt++) {
    let old: KubeObject | undefined;
    try {
      old = await store.get(ref);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    try {
      if (!old) {
        const { entries, dropped } = appendEntry([], entry);
        await store.create({
          ...DEPLOYMENT_HISTORY_TYPE,
          metadata: { name: ev.name, namespace: ev.namespace },
          spec: {
            deployment: ev.name,
            ...(ev.uid ? { uid: ev.uid } : {}),
            entries,
            ...(dropped ? { droppedEntries: dropped } : {}),
          },
        });
        return;
      }
      const spec = { ...((old.spec ?? {}) as Record<string, unknown>) };
      const { entries, dropped } = appendEntry((spec.entries ?? []) as AuditEntry[], entry);
      spec.entries = entries;
      if (dropped) spec.droppedEntries = Number(spec.droppedEntries ?? 0) + dropped;
      // a deployment made again under the same name: the history goes on, no longer expiring
      if (ev.action !== 'deleted' && ev.action !== 'denied' && spec.deletedAt !== undefined) {
        delete spec.deletedAt;
        delete spec.expiresAt;
      }
      if (ev.uid) spec.uid = ev.uid;
      await store.update({ ...old, spec });
      return;
    } catch (e) {
      if (attempt < 5 && (isConflict(e) || isAlreadyExists(e))) continue;
      throw e;
    }
  }
}
