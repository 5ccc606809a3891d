/**
 * The ClusterDeployment reconciler. One pass, level-based and idempotent (docs/reconciler.md):
 * finalizer -> apply decision (gate TemplateReady, ValuesValid, PolicyPassed; a denied
 * deployment creates nothing; template-change and version refusals keep the cluster as last
 * applied) -> infrastructure -> control plane (a strategy: machines or hosted) -> machine sync
 * -> health checks -> MachineDeployments (the upgrade sequencer) -> status, conditions, events
 * -> requeue. Deletion: workers, then the control plane, then the infrastructure, then the
 * finalizer. The phases are in phases/, their pure decisions in planners/.
 */

import { CLUSTER_DEPLOYMENT_FINALIZER } from '../domain/labels.js';
import { isConflict, isNotFound } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import { type DeploymentReconcilerOptions, PassContext } from './phases/context.js';
import { deleteDeployment } from './phases/deletion.js';
import { reconcileLive } from './phases/pass.js';
import type { ReconcileResult, Reconciler } from './runtime.js';
import { splitKey } from './runtime.js';
import { committingRegistry, writeBatchOf } from './write-batch.js';

export type { Endpoint } from '../providers/contract.js';
export type { DeploymentReconcilerOptions } from './phases/context.js';
export type {
  DeploymentStatus,
  MachineCounts,
  PoolStatus,
} from './status.js';

const CD_TYPE = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };

export class DeploymentReconciler implements Reconciler {
  readonly o: DeploymentReconcilerOptions;

  constructor(o: DeploymentReconcilerOptions) {
    // With a store that batches writes, providers' changes commit what a pass wrote first.
    const batch = writeBatchOf(o.store);
    this.o = batch ? { ...o, registry: committingRegistry(o.registry, batch) } : o;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    let cd: KubeObject;
    try {
      cd = await this.o.store.get({ ...CD_TYPE, namespace, name });
    } catch (e) {
      if (isNotFound(e)) return {};
      throw e;
    }
    this.o.events.defer();
    try {
      if (cd.metadata.deletionTimestamp) return await deleteDeployment(new PassContext(this.o, cd));
      if (!(cd.metadata.finalizers ?? []).includes(CLUSTER_DEPLOYMENT_FINALIZER)) {
        cd = await this.o.store.update({
          ...cd,
          metadata: {
            ...cd.metadata,
            finalizers: [...(cd.metadata.finalizers ?? []), CLUSTER_DEPLOYMENT_FINALIZER],
          },
        });
      }
      return await reconcileLive(new PassContext(this.o, cd));
    } catch (e) {
      if (isConflict(e)) return { requeueAfterMs: 0 };
      throw e;
    } finally {
      // Events recorded after the status was written, or before an error.
      await this.o.events.flush();
    }
  }
}
