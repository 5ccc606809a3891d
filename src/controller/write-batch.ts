/**
 * A pass's store writes in few transactions (the SQLite store's write batch): each write of a
 * pass costs a commit otherwise, and a commit costs more than the write. Providers act outside
 * the store, so what the pass wrote is committed before any provider call that changes
 * something: a Machine is stored before the provider creates it, a deletion is marked before
 * the provider deletes it, as without a batch (crash safety: test/controller/crash.test.ts).
 * Provider reads do not commit. Stores without a batch (Kubernetes mode) write as before.
 */
import type { HostedControlPlaneProvider, InfrastructureProvider } from '../providers/contract.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Store } from '../store/types.js';

export interface WriteBatch {
  begin(): void;
  /** Commits what was written so far. */
  commit(): void;
  /** Commits and ends the batch. */
  end(): void;
}

interface BatchingStore {
  beginWriteBatch(): void;
  commitWriteBatch(): void;
  endWriteBatch(): void;
}

/** The store's write batch, undefined for a store without one. */
export function writeBatchOf(store: Store): WriteBatch | undefined {
  const s = store as Partial<BatchingStore>;
  if (
    typeof s.beginWriteBatch !== 'function' ||
    typeof s.commitWriteBatch !== 'function' ||
    typeof s.endWriteBatch !== 'function'
  )
    return undefined;
  const b = store as unknown as BatchingStore;
  return {
    begin: () => b.beginWriteBatch(),
    commit: () => b.commitWriteBatch(),
    end: () => b.endWriteBatch(),
  };
}

/** Provider calls that only read: they need nothing committed first. Any other call commits. */
const READS = new Set(['getCluster', 'getMachine', 'listMachines', 'getControlPlane']);

/** A provider whose calls that change something commit the batch first. */
function committing<T extends object>(provider: T, commit: () => void): T {
  return new Proxy(provider, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      // called on the provider itself: its own inner calls are not the pass's
      const f = (v as (...a: unknown[]) => unknown).bind(target);
      if (typeof prop !== 'string' || READS.has(prop)) return f;
      return (...args: unknown[]) => {
        commit();
        return f(...args);
      };
    },
  });
}

/**
 * The registry, its infrastructure and hosted control-plane providers committing the batch
 * before each call that changes something. Bootstrap generators are local: left as they are.
 */
export function committingRegistry(registry: ProviderRegistry, batch: WriteBatch): ProviderRegistry {
  const wrapped = new WeakMap<object, object>();
  const wrap = <T extends object>(p: T): T => {
    let w = wrapped.get(p);
    if (!w) {
      w = committing(p, batch.commit);
      wrapped.set(p, w);
    }
    return w as T;
  };
  return new Proxy(registry, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'infrastructureFor')
        return (...args: Parameters<ProviderRegistry['infrastructureFor']>): InfrastructureProvider =>
          wrap(target.infrastructureFor(...args));
      if (prop === 'controlPlaneFor')
        return (...args: Parameters<ProviderRegistry['controlPlaneFor']>) => {
          const b = target.controlPlaneFor(...args);
          return b.mode === 'hosted' ? { ...b, provider: wrap<HostedControlPlaneProvider>(b.provider) } : b;
        };
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
