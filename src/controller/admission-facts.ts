/**
 * The controller's side of k0rdent's admission rules (domain/admission.ts): the facts about one
 * stored ClusterDeployment, gathered from the store. The template as the deployment's pass
 * resolved it (a ClusterTemplate object of its namespace, or in open mode the catalog), the
 * Credential its spec names, the ServiceTemplates as its namespace sees them
 * (services/service-templates.ts) and the ServiceTemplateChains its services name (looked up
 * the same way), the ProviderInterfaces, and whether an AccessManagement
 * exists. `operation` is create until something was applied (`status.applied`), whose template
 * and credential are then the `old` side.
 */
import { CLUSTER_TEMPLATE_TYPE, templateStatusOf } from '../api/cluster-template.js';
import { CREDENTIAL_READY_CONDITION, CREDENTIAL_TYPE } from '../api/credential.js';
import { PROVIDER_INTERFACE_TYPE, readProviderInterface } from '../api/provider-interface.js';
import { admissionServices, readServiceSpec } from '../api/service-spec.js';
import { SERVICE_TEMPLATE_TYPE } from '../api/services.js';
import { SERVICE_TEMPLATE_CHAIN_TYPE, serviceChainFact } from '../api/template-chain.js';
import type {
  AdmissionFacts,
  AdmissionServiceFact,
  CredentialUseFact,
  ServiceChainFact,
  ServiceTemplateFact,
  TemplateFact,
} from '../domain/admission.js';
import type { IdentityRefFact } from '../domain/credential-status.js';
import { ACCESS_REVOKED_LABEL } from '../domain/labels.js';
import type { ProviderInterfaceFact } from '../domain/provider-identities.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import { getIfExists, isNotFound } from '../store/errors.js';
import type { KubeObject, ResourceType, Store } from '../store/types.js';
import { isPlainObject } from '../util/plain-object.js';
import type { GateRunner } from './gate.js';
import { serviceTemplateNamespaces } from './services/service-templates.js';
import type { DeploymentStatus } from './status.js';
import type { DeploymentTemplate } from './templates.js';
import { isTenancyMode } from './tenancy.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const revoked = (o: KubeObject) => o.metadata.labels?.[ACCESS_REVOKED_LABEL] === 'true';

/** A Credential the deployment names, as found: for the facts, the conditions and the identity values. */
export interface CredentialFound {
  name: string;
  object: KubeObject;
  identityRef?: IdentityRefFact;
  ready: boolean;
  reason?: string;
  message?: string;
  revoked: boolean;
}

export interface DeploymentAdmission {
  facts: AdmissionFacts;
  /** The Credential spec.credential names, when it exists in the namespace. */
  credential?: CredentialFound;
  /** Whether the template the deployment uses is a copy whose access was revoked. */
  templateRevoked: boolean;
}

export async function gatherAdmissionFacts(o: {
  store: Pick<Store, 'get' | 'list'>;
  gate: GateRunner;
  cd: KubeObject;
  /** What spec.template resolved to for this pass (templates.ts). */
  template: DeploymentTemplate;
  /** The templates the applied one may move to (the namespace's chains). */
  availableUpgrades: readonly string[];
}): Promise<DeploymentAdmission> {
  const { store, cd } = o;
  const namespace = cd.metadata.namespace ?? 'default';
  const spec = isPlainObject(cd.spec) ? cd.spec : {};
  const templateName = str(spec.template) ?? '';
  const credentialName = str(spec.credential);
  const applied = (cd.status as DeploymentStatus | undefined)?.applied;
  const tenancy = await isTenancyMode(store);
  const services = servicesOf(spec.serviceSpec);

  const object = await getIfExists(store, { ...CLUSTER_TEMPLATE_TYPE, namespace, name: templateName });
  const template = templateFact(
    o.gate,
    templateName,
    object,
    o.template,
    tenancy && namespace !== SYSTEM_NAMESPACE,
  );
  const credential = credentialName ? await findCredential(store, namespace, credentialName) : undefined;
  const serviceTemplates = new Map<string, ServiceTemplateFact>();
  for (const s of services) {
    if (serviceTemplates.has(s.template)) continue;
    const fact = await serviceTemplateFact(store, namespace, s.template, tenancy);
    if (fact) serviceTemplates.set(s.template, fact);
  }
  const serviceChains = new Map<string, ServiceChainFact>();
  for (const s of services) {
    if (!s.templateChain || s.disable || serviceChains.has(s.templateChain)) continue;
    const fact = await serviceChainOf(store, namespace, s.templateChain, tenancy);
    if (fact) serviceChains.set(s.templateChain, fact);
  }
  const credentialFact: CredentialUseFact | undefined = credential && {
    ready: credential.ready,
    ...(credential.message || credential.reason ? { reason: credential.message ?? credential.reason } : {}),
    ...(credential.identityRef ? { identityKind: credential.identityRef.kind } : {}),
    revoked: credential.revoked,
  };
  const facts: AdmissionFacts = {
    namespace,
    tenancy,
    operation: applied ? 'update' : 'create',
    spec: { template: templateName, ...(credentialName ? { credential: credentialName } : {}), services },
    ...(applied
      ? {
          old: {
            template: applied.template,
            ...(applied.credential ? { credential: applied.credential } : {}),
            availableUpgrades: o.availableUpgrades,
          },
        }
      : {}),
    template,
    credential: credentialFact,
    serviceTemplates,
    serviceChains,
    providerInterfaces: await providerInterfaces(store),
    // only looked for when a name found nothing (domain/admission.ts: not judged while none exist)
    noneKnown: {
      credentials: credentialName !== undefined && !credential && !(await anyOf(store, CREDENTIAL_TYPE)),
      serviceTemplates:
        services.some((s) => !serviceTemplates.has(s.template)) &&
        !(await anyOf(store, SERVICE_TEMPLATE_TYPE)),
      serviceTemplateChains:
        services.some((s) => s.templateChain && !s.disable && !serviceChains.has(s.templateChain)) &&
        !(await anyOf(store, SERVICE_TEMPLATE_CHAIN_TYPE)),
    },
  };
  return {
    facts,
    ...(credential ? { credential } : {}),
    templateRevoked: template?.revoked ?? false,
  };
}

/**
 * The template's facts: its ClusterTemplate object when the namespace has one (validity from
 * the status the template reconciler wrote, or the origin's for a copy), else the catalog's
 * chart, except in tenancy mode outside the system namespace (undefined: not found).
 */
function templateFact(
  gate: GateRunner,
  name: string,
  object: KubeObject | undefined,
  resolved: DeploymentTemplate,
  guarded: boolean,
): TemplateFact | undefined {
  if (object) {
    const status = templateStatusOf(object);
    const chart = resolved.kind === 'chart' ? resolved.chart : undefined;
    const providers = status?.providers ?? chart?.providers ?? [];
    const k8sVersion = status?.k8sVersion ?? chart?.k8sVersion;
    return {
      object: true,
      valid: status?.valid !== false,
      ...(status?.valid === false && status.validationError
        ? { validationError: status.validationError }
        : {}),
      providers,
      ...(k8sVersion ? { k8sVersion } : {}),
      revoked: revoked(object),
    };
  }
  if (guarded) return undefined;
  const chart = gate.catalogChart(name);
  if (!chart) return undefined;
  const k8sVersion = gate.templateVersion(name);
  return {
    object: false,
    valid: true,
    providers: chart.providers,
    ...(k8sVersion ? { k8sVersion } : {}),
    revoked: false,
  };
}

async function findCredential(
  store: Pick<Store, 'get'>,
  namespace: string,
  name: string,
): Promise<CredentialFound | undefined> {
  const object = await getIfExists(store, { ...CREDENTIAL_TYPE, namespace, name });
  if (!object) return undefined;
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const ref = isPlainObject(spec.identityRef) ? spec.identityRef : {};
  const kind = str(ref.kind);
  const refName = str(ref.name);
  const identityRef: IdentityRefFact | undefined =
    kind && refName
      ? {
          kind,
          name: refName,
          ...(str(ref.apiVersion) ? { apiVersion: str(ref.apiVersion) } : {}),
          ...(str(ref.namespace) ? { namespace: str(ref.namespace) } : {}),
        }
      : undefined;
  const status = isPlainObject(object.status) ? object.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isPlainObject) : [];
  const cond = conditions.find((c) => c.type === CREDENTIAL_READY_CONDITION);
  // written for this generation: a Credential changed since its last check is not Ready yet
  const current = status.observedGeneration === object.metadata.generation;
  const ready = current && status.ready === true;
  return {
    name,
    object,
    ...(identityRef ? { identityRef } : {}),
    ready,
    ...(current && str(cond?.reason) ? { reason: str(cond?.reason) } : {}),
    ...(current
      ? str(cond?.message)
        ? { message: str(cond?.message) }
        : {}
      : { message: 'not checked yet' }),
    revoked: revoked(object),
  };
}

async function serviceTemplateFact(
  store: Pick<Store, 'get'>,
  namespace: string,
  name: string,
  tenancy: boolean,
): Promise<ServiceTemplateFact | undefined> {
  for (const ns of serviceTemplateNamespaces(namespace, { tenancy })) {
    const t = await getIfExists(store, { ...SERVICE_TEMPLATE_TYPE, namespace: ns, name });
    if (!t) continue;
    const status = isPlainObject(t.status) ? t.status : {};
    const spec = isPlainObject(t.spec) ? t.spec : {};
    const k8sConstraint =
      str(status.k8sConstraint) ??
      str(spec.k8sConstraint) ??
      t.metadata.annotations?.['k0rdent.mirantis.com/k8s-version-constraint'];
    // not looked at yet: valid until its reconcile says otherwise (which requeues the deployment)
    const invalid = status.valid === false;
    return {
      valid: !invalid,
      ...(invalid && str(status.validationError) ? { validationError: str(status.validationError) } : {}),
      ...(k8sConstraint ? { k8sConstraint } : {}),
      revoked: revoked(t),
    };
  }
  return undefined;
}

/** A ServiceTemplateChain where the namespace's ServiceTemplates are looked for. */
async function serviceChainOf(
  store: Pick<Store, 'get'>,
  namespace: string,
  name: string,
  tenancy: boolean,
): Promise<ServiceChainFact | undefined> {
  for (const ns of serviceTemplateNamespaces(namespace, { tenancy })) {
    const c = await getIfExists(store, { ...SERVICE_TEMPLATE_CHAIN_TYPE, namespace: ns, name });
    if (c) return serviceChainFact(c, revoked(c));
  }
  return undefined;
}

function servicesOf(serviceSpec: unknown): AdmissionServiceFact[] {
  if (serviceSpec === undefined) return [];
  const read = readServiceSpec(serviceSpec, ['spec', 'serviceSpec']);
  if ('problems' in read) return []; // the gate reports them
  return admissionServices(read.spec.services);
}

async function providerInterfaces(store: Pick<Store, 'list'>): Promise<ProviderInterfaceFact[]> {
  let items: KubeObject[];
  try {
    items = (await store.list(PROVIDER_INTERFACE_TYPE)).items;
  } catch (e) {
    if ((e as { code?: unknown }).code === 404) return [];
    throw e;
  }
  const out: ProviderInterfaceFact[] = [];
  for (const pi of items) {
    const read = readProviderInterface(pi);
    if (!('problems' in read)) out.push({ provider: read.spec.provider, kinds: read.spec.kinds });
  }
  return out;
}

/** Whether the store holds any object of the kind, in any namespace (a kind not served: none). */
async function anyOf(store: Pick<Store, 'list'>, type: ResourceType): Promise<boolean> {
  try {
    return (await store.list(type)).items.length > 0;
  } catch (e) {
    if (isNotFound(e) || (e as { code?: unknown }).code === 404) return false;
    throw e;
  }
}
