/**
 * DeploymentHistory's lifetime on the controller's side (the webhook and the CLI write the
 * entries): when a deployment's deletion completes its history gets `deletedAt` and `expiresAt`
 * (deletedAt + the retention, `controller --history-retention`, default 720h), and a sweep (the
 * work-queue key HISTORY_SWEEP_KEY) deletes the histories past `expiresAt`, then sleeps until the
 * next one expires. A history whose deployment exists again (the name was reused) is kept.
 */
import { DEPLOYMENT_HISTORY_TYPE } from '../api/deployment-history.js';
import { DEFAULT_HISTORY_RETENTION_MS, historyExpired, historyExpiry } from '../domain/audit.js';
import { getIfExists, isConflict, isNotFound } from '../store/errors.js';
import type { Clock, KubeObject, Store } from '../store/types.js';
import { isPlainObject } from '../util/plain-object.js';
import { CLUSTER_DEPLOYMENT_TYPE, type ReconcileResult, type Reconciler } from './runtime.js';

interface Lifetime {
  deletedAt?: string;
  expiresAt?: string;
}

const lifetimeOf = (h: KubeObject): Lifetime => {
  const spec = isPlainObject(h.spec) ? h.spec : {};
  return {
    ...(typeof spec.deletedAt === 'string' ? { deletedAt: spec.deletedAt } : {}),
    ...(typeof spec.expiresAt === 'string' ? { expiresAt: spec.expiresAt } : {}),
  };
};

/** RFC 3339 in seconds, as the other timestamps clustermint writes. */
const rfc3339 = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * The deployment `namespace/name` is gone: its history (if it has one) records when, and when
 * it expires. Idempotent; a conflicting write is tried again.
 */
export async function markHistoryDeleted(
  store: Pick<Store, 'get' | 'update'>,
  ref: { namespace: string; name: string; uid?: string },
  nowMs: number,
  retentionMs: number = DEFAULT_HISTORY_RETENTION_MS,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let h: KubeObject | undefined;
    try {
      h = await getIfExists(store, { ...DEPLOYMENT_HISTORY_TYPE, namespace: ref.namespace, name: ref.name });
    } catch (e) {
      if ((e as { code?: unknown }).code === 403) return; // not granted: the history is the webhook's
      throw e;
    }
    if (!h) return;
    const spec = isPlainObject(h.spec) ? h.spec : {};
    // the history of another deployment of that name (a uid recorded and different): not this one's
    if (ref.uid && typeof spec.uid === 'string' && spec.uid !== '' && spec.uid !== ref.uid) return;
    if (typeof spec.deletedAt === 'string') return;
    const deletedAt = rfc3339(nowMs);
    try {
      await store.update({
        ...h,
        spec: { ...spec, deletedAt, expiresAt: rfc3339(Date.parse(historyExpiry(deletedAt, retentionMs))) },
      });
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isConflict(e)) throw e;
    }
  }
}

export class HistorySweeper implements Reconciler {
  constructor(private readonly o: { store: Store; clock: Clock }) {}

  async reconcile(): Promise<ReconcileResult> {
    let items: KubeObject[];
    try {
      items = (await this.o.store.list(DEPLOYMENT_HISTORY_TYPE)).items;
    } catch (e) {
      if ((e as { code?: unknown }).code === 404 || (e as { code?: unknown }).code === 403) return {};
      throw e;
    }
    const now = this.o.clock.now();
    let next: number | undefined;
    for (const h of items) {
      const life = lifetimeOf(h);
      if (life.deletedAt === undefined) continue;
      const namespace = h.metadata.namespace ?? 'default';
      if (!historyExpired(life, now)) {
        const at = Date.parse(life.expiresAt ?? historyExpiry(life.deletedAt));
        if (!Number.isNaN(at)) next = Math.min(next ?? at, at);
        continue;
      }
      if (await getIfExists(this.o.store, { ...CLUSTER_DEPLOYMENT_TYPE, namespace, name: h.metadata.name }))
        continue; // the name is in use again: its history goes on
      try {
        await this.o.store.delete({ ...DEPLOYMENT_HISTORY_TYPE, namespace, name: h.metadata.name });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return next === undefined ? {} : { requeueAfterMs: Math.max(1000, next - now) };
  }
}
