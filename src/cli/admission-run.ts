/**
 * What check, apply and plan share to judge deployments as the webhook will: the ClusterTemplates
 * (inputs, stored, and copies the AccessManagement will make) resolved, and per deployment the
 * template resolver and the admission facts (gate/admission-inputs.ts gathers them).
 */
import type { Chart } from '../api/chart.js';
import type { ClusterDeployment } from '../api/cluster-deployment.js';
import { CLUSTER_TEMPLATE_TYPE } from '../api/cluster-template.js';
import { storeFetch } from '../controller/templates.js';
import type { AdmissionFacts } from '../domain/admission.js';
import { DISTRIBUTED_FROM_ANNOTATION } from '../domain/labels.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import { AdmissionInputs } from '../gate/admission-inputs.js';
import {
  resolveClusterTemplate,
  resolveInputTemplates,
  type TemplateResolution,
} from '../gate/cluster-template.js';
import type { TemplateCatalog } from '../resolve/catalog.js';
import type { SourcedDocument } from '../resolve/documents.js';
import type { TemplateChartLoader } from '../resolve/template-chart.js';
import { decideTemplateSource, decideWithFetch, lookupIn } from '../resolve/template-source.js';
import { isNotFound } from '../store/errors.js';
import type { Store } from '../store/types.js';
import type { PlainObject } from '../util/plain-object.js';
import type { TeamLabels } from './team-labels.js';

/** The skipped-document notes (inputs.ts) of the kinds the admission facts read: no warning for them. */
export const ADMISSION_KINDS =
  /skipped (Credential|AccessManagement|ProviderInterface|SimulatedClusterIdentity|Secret|AWSCluster(Static|Role|Controller)Identity|AzureClusterIdentity|VSphereClusterIdentity|ServiceTemplate|ServiceTemplateChain|ClusterTemplateChain) /;

export interface DeploymentJudgement {
  resolveTemplate: (name: string) => Chart;
  admission: AdmissionFacts;
}

export interface RunAdmission {
  inputs: AdmissionInputs;
  templates: Map<string, TemplateResolution>;
  judge(cd: ClusterDeployment): Promise<DeploymentJudgement>;
}

export async function prepareAdmission(o: {
  documents: readonly SourcedDocument[];
  store?: Pick<Store, 'get' | 'list'>;
  teamLabels: TeamLabels;
  catalog: TemplateCatalog;
  loader: TemplateChartLoader;
}): Promise<RunAdmission> {
  const templates = await resolveInputTemplates(o.documents, o.loader);
  const inputs = await AdmissionInputs.gather({
    documents: o.documents,
    ...(o.store ? { store: o.store } : {}),
    namespaceLabels: o.teamLabels,
    catalog: (name) => o.catalog.resolve(name),
  });
  const fromStore = async (t: PlainObject) => {
    if (!o.store) return resolveClusterTemplate(t, decideTemplateSource(t, lookupIn([])), o.loader);
    const { source } = await decideWithFetch(t, storeFetch(o.store));
    return resolveClusterTemplate(t, source, o.loader);
  };
  /** A distributed copy's chart comes through its origin (its sources live in the system namespace). */
  const viaOrigin = async (t: PlainObject): Promise<TemplateResolution> => {
    const meta = (t.metadata ?? {}) as { annotations?: Record<string, string> };
    const from = meta.annotations?.[DISTRIBUTED_FROM_ANNOTATION];
    if (!from?.startsWith(`${SYSTEM_NAMESPACE}/`) || !o.store) return fromStore(t);
    const name = from.slice(SYSTEM_NAMESPACE.length + 1);
    const known = templates.get(`${SYSTEM_NAMESPACE}/${name}`);
    if (known) return known;
    try {
      const origin = await o.store.get({ ...CLUSTER_TEMPLATE_TYPE, namespace: SYSTEM_NAMESPACE, name });
      return fromStore(origin as unknown as PlainObject);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      return fromStore(t);
    }
  };
  // a copy the controller will make loads its chart through its origin, as the controller does
  for (const c of inputs.pendingTemplateCopies()) {
    const key = `${c.namespace}/${c.name}`;
    if (templates.has(key)) continue;
    const origin = templates.get(`${SYSTEM_NAMESPACE}/${c.name}`) ?? (await fromStore(c.origin));
    templates.set(key, origin);
  }
  const stored = async (namespace: string, name: string) => {
    const key = `${namespace}/${name}`;
    if (templates.has(key) || !o.store) return;
    let t: PlainObject;
    try {
      t = (await o.store.get({ ...CLUSTER_TEMPLATE_TYPE, namespace, name })) as unknown as PlainObject;
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    templates.set(key, await viaOrigin(t));
  };
  return {
    inputs,
    templates,
    async judge(cd) {
      await stored(cd.metadata.namespace, cd.spec.template);
      return {
        resolveTemplate: inputs.templateResolver(cd, templates),
        admission: await inputs.facts(cd, templates),
      };
    },
  };
}
