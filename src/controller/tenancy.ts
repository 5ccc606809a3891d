/** Whether the controller runs in tenancy mode: an AccessManagement object exists (docs/tenancy.md). */
import { ACCESS_MANAGEMENT_TYPE } from '../api/access-management.js';
import type { KubeObject, Store } from '../store/types.js';

/** The AccessManagements, oldest first (the first is in force); none when the kind is not served. */
export async function listAccessManagements(store: Pick<Store, 'list'>): Promise<KubeObject[]> {
  let items: KubeObject[];
  try {
    items = (await store.list(ACCESS_MANAGEMENT_TYPE)).items;
  } catch (e) {
    if ((e as { code?: unknown }).code === 404) return [];
    throw e;
  }
  return [...items].sort(
    (a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}

export async function isTenancyMode(store: Pick<Store, 'list'>): Promise<boolean> {
  return (await listAccessManagements(store)).length > 0;
}
