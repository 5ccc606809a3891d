/**
 * Appending to a ClusterDeployment's audit trail (its DeploymentHistory of the same name): one
 * writer for `apply`/`delete` on the embedded runtime and for the webhook in a cluster. The entry
 * list is capped by the domain's appendEntry; a conflict (someone else appended meanwhile) reads
 * the history again and retries.
 */
import { DEPLOYMENT_HISTORY_TYPE } from '../api/deployment-history.js';
import { type AuditEntry, appendEntry } from '../domain/audit.js';
import { isPlainObject } from '../util/plain-object.js';
import { isAlreadyExists, isConflict, isNotFound } from './errors.js';
import type { KubeObject, Store } from './types.js';

export interface HistoryTarget {
  namespace: string;
  /** The deployment's name (the history's too). */
  name: string;
  /** The deployment's uid, when it is stored. */
  uid?: string;
}

export async function appendHistoryEntry(
  store: Pick<Store, 'get' | 'create' | 'update'>,
  target: HistoryTarget,
  entry: AuditEntry,
  attempts = 6,
): Promise<void> {
  const ref = { ...DEPLOYMENT_HISTORY_TYPE, namespace: target.namespace, name: target.name };
  for (let attempt = 1; ; attempt++) {
    try {
      let current: KubeObject | undefined;
      try {
        current = await store.get(ref);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      if (!current) {
        const { entries, dropped } = appendEntry([], entry);
        await store.create({
          ...DEPLOYMENT_HISTORY_TYPE,
          metadata: { name: target.name, namespace: target.namespace },
          spec: {
            deployment: target.name,
            ...(target.uid ? { uid: target.uid } : {}),
            entries,
            ...(dropped ? { droppedEntries: dropped } : {}),
          },
        });
        return;
      }
      const spec = isPlainObject(current.spec) ? current.spec : {};
      const before = Array.isArray(spec.entries) ? (spec.entries as AuditEntry[]) : [];
      const { entries, dropped } = appendEntry(before, entry);
      const droppedBefore = Number(spec.droppedEntries) || 0;
      // a deployment created again under the same name: the history is the live one's, not expiring
      const { deletedAt: _d, expiresAt: _e, ...kept } = spec;
      await store.update({
        ...current,
        spec: {
          ...(entry.action === 'created' && entry.allowed ? kept : spec),
          // and it follows the new uid
          ...(target.uid ? { uid: target.uid } : {}),
          entries,
          ...(droppedBefore + dropped ? { droppedEntries: droppedBefore + dropped } : {}),
        },
      });
      return;
    } catch (e) {
      if (!(isConflict(e) || isAlreadyExists(e)) || attempt >= attempts) throw e;
    }
  }
}
