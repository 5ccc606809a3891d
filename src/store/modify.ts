/**
 * Read-modify-write with optimistic concurrency, as client-go's RetryOnConflict: a controller may
 * write an object (its status, a finalizer) between our read and our update, and the store then
 * answers Conflict. Reading again and reapplying the change is the answer, a bounded number of
 * times; any other error goes to the caller unchanged.
 */
import { isConflict } from './errors.js';
import type { KubeObject, ObjectRef, Store } from './types.js';

/** How many times a conflicting write is tried in all, by default. */
export const CONFLICT_ATTEMPTS = 6;

export async function retryOnConflict<T>(fn: () => Promise<T>, attempts = CONFLICT_ATTEMPTS): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!isConflict(e) || i >= attempts) throw e;
    }
  }
}

/** Gets the newest `ref`, applies `change` to it and updates it, again on each Conflict. */
export function modify(
  store: Pick<Store, 'get' | 'update'>,
  ref: ObjectRef,
  change: (current: KubeObject) => KubeObject,
  attempts = CONFLICT_ATTEMPTS,
): Promise<KubeObject> {
  return retryOnConflict(async () => store.update(change(await store.get(ref))), attempts);
}
