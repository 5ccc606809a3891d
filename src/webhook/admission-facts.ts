/**
 * The webhook's facts for k0rdent's ClusterDeployment admission rules (domain/admission.ts): the
 * snapshot (the cluster's ClusterTemplates, Credentials, ServiceTemplates and chains, ProviderInterfaces,
 * whether an AccessManagement exists) and the request (the submission, and for an UPDATE the old
 * object: its template, credential and status.availableUpgrades). Pure.
 */

import type { Chart } from '../api/chart.js';
import type { ClusterDeployment } from '../api/cluster-deployment.js';
import { admissionServices } from '../api/service-spec.js';
import type {
  AdmissionFacts,
  CredentialUseFact,
  ServiceChainFact,
  ServiceTemplateFact,
  TemplateFact,
} from '../domain/admission.js';
import { templateKubeVersion } from '../domain/kubernetes-version.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import { upgradesInStatus } from '../domain/template-upgrades.js';
import { ClustermintError } from '../util/errors.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { catalogServes, catalogTemplate, resolveTemplate, type Snapshot, tenancyMode } from './snapshot.js';

const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The chart behind a ClusterTemplate object, when it resolves (its errors are the gate's to report). */
function chartOf(snap: Snapshot, name: string, namespace: string): Chart | undefined {
  try {
    return resolveTemplate(snap, name, namespace);
  } catch (e) {
    if (e instanceof ClustermintError) return undefined;
    throw e;
  }
}

/**
 * The template as the namespace sees it: its ClusterTemplate object (own or a distributed copy),
 * else a catalog chart (`object: false`: usable in open mode only; in tenancy mode the
 * template-access rule refuses it outside the system namespace).
 */
export function templateFact(snap: Snapshot, name: string, namespace: string): TemplateFact | undefined {
  const o = snap.clusterTemplates?.get(`${namespace}/${name}`);
  if (o) {
    const chart = o.valid === false ? undefined : chartOf(snap, name, namespace);
    return {
      object: true,
      valid: o.valid !== false,
      ...(o.validationError ? { validationError: o.validationError } : {}),
      providers: chart?.providers ?? [],
      ...(chart && templateKubeVersion(chart) ? { k8sVersion: templateKubeVersion(chart) } : {}),
      revoked: o.revoked === true,
    };
  }
  const chart = catalogTemplate(snap, name);
  if (!chart) return undefined;
  const version = templateKubeVersion(chart);
  return {
    object: false,
    valid: true,
    providers: chart.providers,
    ...(version ? { k8sVersion: version } : {}),
    revoked: false,
  };
}

function credentialFact(
  snap: Snapshot,
  name: string | undefined,
  namespace: string,
): CredentialUseFact | undefined {
  if (!name) return undefined;
  const c = snap.credentials?.get(`${namespace}/${name}`);
  if (!c) return undefined;
  return {
    ready: c.ready,
    ...(c.ready ? {} : { reason: c.message ?? c.reason ?? 'the controller has not judged it yet' }),
    ...(c.identityKind ? { identityKind: c.identityKind } : {}),
    revoked: c.revoked,
  };
}

/**
 * The ServiceTemplates the namespace sees, by name: its own; in open mode, then the system
 * namespace's (the platform's catalog). A template the controller has not judged yet is valid
 * here (its status comes later; the controller holds the service until then).
 */
function serviceTemplateFacts(snap: Snapshot, namespace: string): Map<string, ServiceTemplateFact> {
  const out = new Map<string, ServiceTemplateFact>();

  const fallback = catalogServes(snap, namespace) && namespace !== SYSTEM_NAMESPACE;
  for (const t of snap.serviceTemplates?.values() ?? []) {
    const own = t.namespace === namespace;
    if (!own && !(fallback && t.namespace === SYSTEM_NAMESPACE)) continue;
    if (!own && out.has(t.name)) continue;
    out.set(t.name, {
      valid: t.valid !== false,
      ...(t.validationError ? { validationError: t.validationError } : {}),
      ...(t.k8sConstraint ? { k8sConstraint: t.k8sConstraint } : {}),
      revoked: t.revoked,
    });
  }
  return out;
}

/** The ServiceTemplateChains the namespace sees, by name: looked up as the ServiceTemplates. */
function serviceChainFacts(snap: Snapshot, namespace: string): Map<string, ServiceChainFact> {
  const out = new Map<string, ServiceChainFact>();
  const fallback = catalogServes(snap, namespace) && namespace !== SYSTEM_NAMESPACE;
  for (const c of snap.serviceChains?.values() ?? []) {
    const own = c.namespace === namespace;
    if (!own && !(fallback && c.namespace === SYSTEM_NAMESPACE)) continue;
    if (!own && out.has(c.name)) continue;
    const { namespace: _ns, name: _n, ...fact } = c;
    out.set(c.name, fact);
  }
  return out;
}

/**
 * The facts of one ClusterDeployment submission. `cd`: the submission as read; `old`: the old
 * object of an UPDATE (undefined for a CREATE).
 */
export function deploymentFacts(
  snap: Snapshot,
  cd: ClusterDeployment,
  old: PlainObject | undefined,
): AdmissionFacts {
  const namespace = cd.metadata.namespace;
  const spec = obj(old?.spec);
  const oldCredential = str(spec.credential);
  return {
    namespace,
    tenancy: tenancyMode(snap),
    operation: old ? 'update' : 'create',
    spec: {
      template: cd.spec.template,
      ...(cd.spec.credential ? { credential: cd.spec.credential } : {}),
      services: admissionServices(cd.spec.serviceSpec?.services ?? []),
    },
    ...(old
      ? {
          old: {
            template: str(spec.template),
            ...(oldCredential ? { credential: oldCredential } : {}),
            availableUpgrades: upgradesInStatus(old.status),
          },
        }
      : {}),
    template: templateFact(snap, cd.spec.template, namespace),
    credential: credentialFact(snap, cd.spec.credential, namespace),
    serviceTemplates: serviceTemplateFacts(snap, namespace),
    serviceChains: serviceChainFacts(snap, namespace),
    providerInterfaces: snap.providerInterfaces ?? [],
    // none in the cluster (or the kind not served, or no cluster connection): not judged
    noneKnown: {
      credentials: (snap.credentials?.size ?? 0) === 0,
      serviceTemplates: (snap.serviceTemplates?.size ?? 0) === 0,
      serviceTemplateChains: (snap.serviceChains?.size ?? 0) === 0,
    },
  };
}
