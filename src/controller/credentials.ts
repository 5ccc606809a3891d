/**
 * The Credential reconciler (keys `credential:<namespace>/<name>`): whether the identity a
 * Credential names exists and the Credential may use it (domain/credential-status.ts), written
 * as `status.ready` and the `CredentialReady` condition. The identity is read from the store by
 * its apiVersion and kind (identities.ts); one that is missing is looked for again after a while,
 * and a SimulatedClusterIdentity or Namespace change requeues the Credentials at once (runtime.ts).
 */
import {
  CREDENTIAL_READY_CONDITION,
  CREDENTIAL_TYPE,
  type CredentialStatus,
  identityAllowedNamespaces,
  readCredential,
} from '../api/credential.js';
import { type CredentialFact, credentialReadiness } from '../domain/credential-status.js';
import { DISTRIBUTED_FROM_ANNOTATION, MANAGED_LABEL } from '../domain/labels.js';
import { identityLocation } from '../domain/provider-identities.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import { getIfExists, isConflict, isNotFound } from '../store/errors.js';
import type { Clock, KubeObject, Store } from '../store/types.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { type Condition, isoSeconds, setCondition } from './conditions.js';
import { readIdentity } from './identities.js';
import { sameJson } from './machines.js';
import { CREDENTIAL_KEY_PREFIX, type ReconcileResult, type Reconciler, splitKey } from './runtime.js';
import { isTenancyMode } from './tenancy.js';

/** How soon a Credential that is not Ready is looked at again (its identity may appear; ms). */
export const CREDENTIAL_RETRY_MS = 30_000;
/** How often a Ready one is checked (its identity may go; ms). */
export const CREDENTIAL_RESYNC_MS = 5 * 60_000;

const NAMESPACE_TYPE = { apiVersion: 'v1', kind: 'Namespace' } as const;

export class CredentialReconciler implements Reconciler {
  constructor(private readonly o: { store: Store; clock: Clock }) {}

  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key.slice(CREDENTIAL_KEY_PREFIX.length));
    const cred = await getIfExists(this.o.store, { ...CREDENTIAL_TYPE, namespace, name });
    if (!cred || cred.metadata.deletionTimestamp) return {};
    const readiness = await this.readiness(cred);
    const old = (isPlainObject(cred.status) ? cred.status : {}) as unknown as CredentialStatus;
    const conditions = setCondition(
      (old.conditions ?? []) as Condition[],
      {
        type: CREDENTIAL_READY_CONDITION,
        status: readiness.ready ? 'True' : 'False',
        reason: readiness.reason,
        message: readiness.message,
        observedGeneration: cred.metadata.generation,
      },
      isoSeconds(this.o.clock.now()),
    );
    const status: CredentialStatus = {
      ready: readiness.ready,
      conditions,
      observedGeneration: cred.metadata.generation,
    };
    if (!sameJson(cred.status ?? {}, status))
      try {
        await this.o.store.updateStatus({ ...cred, status: status as unknown as Record<string, unknown> });
      } catch (e) {
        if (isConflict(e)) return { requeueAfterMs: 0 };
        if (!isNotFound(e)) throw e;
      }
    return { requeueAfterMs: readiness.ready ? CREDENTIAL_RESYNC_MS : CREDENTIAL_RETRY_MS };
  }

  /** The facts of one Credential, and what they make of it. */
  private async readiness(cred: KubeObject) {
    const namespace = cred.metadata.namespace ?? 'default';
    const managed = cred.metadata.labels?.[MANAGED_LABEL] === 'true';
    const tenancy = await isTenancyMode(this.o.store);
    const read = readCredential(cred);
    if ('problems' in read)
      return {
        ready: false,
        reason: 'InvalidSpec' as const,
        message: read.problems
          .slice(0, 3)
          .map((p) => `${p.path}: ${p.message}`)
          .join('; '),
      };
    const ref = read.spec.identityRef;
    const where = identityLocation(ref, namespace);
    const found = await readIdentity(this.o.store, where);
    const allowed =
      found.found && where.scope === 'cluster'
        ? identityAllowedNamespaces(found.object as unknown as PlainObject).allowedNamespaces
        : undefined;
    const fact: CredentialFact = {
      namespace,
      name: cred.metadata.name,
      identity: ref,
      managed,
      identityFound: found.found,
      identityScope: where.scope,
      ...(allowed ? { allowedNamespaces: allowed } : {}),
      ...(!found.found && found.message ? { identityError: found.message } : {}),
    };
    const ns = tenancy ? await getIfExists(this.o.store, { ...NAMESPACE_TYPE, name: namespace }) : undefined;
    return credentialReadiness(fact, {
      tenancy,
      distributed: managed && (await this.isDistributedCopy(cred)),
      namespaceLabels: ns?.metadata.labels ?? {},
    });
  }

  /**
   * A managed Credential is trusted as a copy only when the system namespace's Credential it
   * says it came from exists and names the same identity (a label alone proves nothing).
   */
  private async isDistributedCopy(cred: KubeObject): Promise<boolean> {
    const from = cred.metadata.annotations?.[DISTRIBUTED_FROM_ANNOTATION];
    if (from !== `${SYSTEM_NAMESPACE}/${cred.metadata.name}`) return false;
    const origin = await getIfExists(this.o.store, {
      ...CREDENTIAL_TYPE,
      namespace: SYSTEM_NAMESPACE,
      name: cred.metadata.name,
    });
    const identityOf = (o: KubeObject) => (isPlainObject(o.spec) ? o.spec.identityRef : undefined);
    return origin !== undefined && sameJson(identityOf(origin), identityOf(cred));
  }
}
