/**
 * What a pool of machines (the control plane, or one MachineDeployment) does next, from its
 * machines and what it should be (pure). A machine is up to date when its template hash is the
 * pool's; the rest are rolled out:
 * - control plane: one machine at a time with surge (a new machine Ready before an old one is
 *   deleted), nothing while a machine is being created or deleted;
 * - MachineDeployment: rolling update within maxSurge / maxUnavailable, as Cluster API's
 *   MachineSet scaling does it.
 * Scale-down deletes unhealthy machines first, then not-ready ones, then the oldest.
 */
import type { Machine } from '../api/machine.js';

export interface PoolInput {
  replicas: number;
  machines: readonly Machine[];
  templateHash: string;
  /** Names of machines the health check found unhealthy. */
  unhealthy: ReadonlySet<string>;
  maxSurge: number;
  maxUnavailable: number;
  /** Control plane: one change at a time. */
  oneAtATime: boolean;
}

export interface PoolPlan {
  create: number;
  /** Machines to delete, in order. */
  delete: Machine[];
  /** Why nothing more happens now (for messages). */
  waiting?: string;
}

export const isDeleting = (m: Machine): boolean => Boolean(m.metadata.deletionTimestamp);
export const isReady = (m: Machine): boolean => m.status?.ready === true;

const createdAt = (m: Machine): string =>
  (m.spec as { createdAt?: string }).createdAt ?? m.metadata.creationTimestamp;

/** Delete order: unhealthy first, then not ready, then oldest (then by name). */
export function deletePriority(unhealthy: ReadonlySet<string>): (a: Machine, b: Machine) => number {
  const rank = (m: Machine) => (unhealthy.has(m.metadata.name) ? 0 : isReady(m) ? 2 : 1);
  return (a, b) =>
    rank(a) - rank(b) ||
    (createdAt(a) < createdAt(b) ? -1 : createdAt(a) > createdAt(b) ? 1 : 0) ||
    (a.metadata.name < b.metadata.name ? -1 : 1);
}

export function planPool(p: PoolInput): PoolPlan {
  const live = p.machines.filter((m) => !isDeleting(m));
  const deleting = p.machines.filter(isDeleting);
  const upToDate = live.filter((m) => m.spec.templateHash === p.templateHash);
  const outdated = live.filter((m) => m.spec.templateHash !== p.templateHash);
  const order = deletePriority(p.unhealthy);

  if (p.oneAtATime) {
    if (deleting.length > 0) return { create: 0, delete: [], waiting: 'a machine is being deleted' };
    const starting = live.filter((m) => !isReady(m) && !p.unhealthy.has(m.metadata.name));
    if (starting.length > 0)
      return { create: 0, delete: [], waiting: `machine ${starting[0].metadata.name} is starting` };
    if (outdated.length > 0) {
      if (live.length <= p.replicas) return { create: 1, delete: [] };
      return { create: 0, delete: [[...outdated].sort(order)[0]] };
    }
    if (live.length < p.replicas) return { create: 1, delete: [] };
    if (live.length > p.replicas) return { create: 0, delete: [[...live].sort(order)[0]] };
    return { create: 0, delete: [] };
  }

  if (outdated.length === 0) {
    if (live.length < p.replicas) return { create: p.replicas - live.length, delete: [] };
    if (live.length > p.replicas)
      return { create: 0, delete: [...live].sort(order).slice(0, live.length - p.replicas) };
    return { create: 0, delete: [] };
  }
  // Rolling update.
  const maxTotal = p.replicas + p.maxSurge;
  const minAvailable = p.replicas - p.maxUnavailable;
  const create = Math.max(0, Math.min(maxTotal - live.length, p.replicas - upToDate.length));
  const newUnavailable = upToDate.filter((m) => !isReady(m)).length;
  let budget = live.length - minAvailable - newUnavailable;
  let available = live.filter(isReady).length;
  const del: Machine[] = [];
  // Too many up-to-date machines plus old ones: old ones go first anyway.
  for (const m of [...outdated].sort(order)) {
    if (budget <= 0) break;
    if (isReady(m)) {
      if (available - 1 < minAvailable) continue;
      available--;
    }
    del.push(m);
    budget--;
  }
  return {
    create,
    delete: del,
    ...(create === 0 && del.length === 0 ? { waiting: 'new machines are starting' } : {}),
  };
}
