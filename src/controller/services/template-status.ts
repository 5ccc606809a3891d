/**
 * ServiceTemplates' status, as k0rdent writes it: whether the template resolves (its chart loads,
 * or its manifests parse), why not, its `k8sConstraint` (the field, or k0rdent's annotation), and
 * for a chart its version, description and default values. Work-queue keys
 * `servicetemplate:<namespace>/<name>`. A template whose source is missing is looked at again
 * after a while; a change to the template itself comes through the watch.
 */
import { SERVICE_TEMPLATE_TYPE, type ServiceTemplateStatus } from '../../api/services.js';
import { isConflict, isNotFound } from '../../store/errors.js';
import type { KubeObject, Store } from '../../store/types.js';
import type { GateRunner } from '../gate.js';
import { sameJson } from '../machines.js';
import { type ReconcileResult, type Reconciler, SERVICE_TEMPLATE_KEY_PREFIX, splitKey } from '../runtime.js';
import { loadServiceTemplate, ServiceTemplateError } from './service-templates.js';

const RETRY_MS = 30_000;
const K8S_CONSTRAINT_ANNOTATION = 'k0rdent.mirantis.com/k8s-version-constraint';

export class ServiceTemplateReconciler implements Reconciler {
  constructor(private readonly o: { store: Store; gate: GateRunner }) {}

  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key.slice(SERVICE_TEMPLATE_KEY_PREFIX.length));
    let t: KubeObject;
    try {
      t = await this.o.store.get({ ...SERVICE_TEMPLATE_TYPE, namespace, name });
    } catch (e) {
      if (isNotFound(e)) return {};
      throw e;
    }
    const spec = (t.spec ?? {}) as { k8sConstraint?: string };
    const constraint = spec.k8sConstraint || t.metadata.annotations?.[K8S_CONSTRAINT_ANNOTATION];
    const status: ServiceTemplateStatus = {
      observedGeneration: t.metadata.generation,
      valid: false,
      ...(constraint ? { k8sConstraint: constraint } : {}),
    };
    let retry = false;
    try {
      const loaded = await loadServiceTemplate(this.o.store, this.o.gate.loader, t);
      status.valid = true;
      if (loaded.kind === 'chart') {
        status.chartVersion = loaded.chart.metadata.version;
        if (loaded.chart.metadata.description) status.description = loaded.chart.metadata.description;
        const defaults = loaded.chart.values?.doc.value;
        if (defaults && typeof defaults === 'object') status.config = JSON.parse(JSON.stringify(defaults));
      }
    } catch (e) {
      if (!(e instanceof ServiceTemplateError)) throw e;
      status.validationError = e.message;
      retry = e.reason === 'SourceNotReady';
    }
    if (!sameJson(t.status ?? {}, status))
      try {
        await this.o.store.updateStatus({ ...t, status: status as unknown as Record<string, unknown> });
      } catch (e) {
        if (isConflict(e)) return { requeueAfterMs: 0 };
        if (!isNotFound(e)) throw e;
      }
    return retry ? { requeueAfterMs: RETRY_MS } : {};
  }
}
