/**
 * k0rdent's ClusterDeployment admission rules, one implementation for the webhook, the
 * controller's apply decision and the CLI gate. Each caller gathers the facts its own way (I/O at
 * the edges); the rules are pure.
 *
 * On an update k0rdent checks only what the update changes (a new template, a new credential,
 * changed services); a rule about something left unchanged is reported as a warning here, so a
 * running cluster can still be scaled while, say, its Credential is briefly not Ready.
 */
import { findCycle } from './dependency-cycle.js';
import { checkK8sConstraint } from './k8s-constraint.js';
import { acceptedIdentityKinds, type ProviderInterfaceFact } from './provider-identities.js';
import { SYSTEM_NAMESPACE } from './system-namespace.js';
import { templateChangeError } from './template-upgrades.js';

export type AdmissionRule =
  | 'template-exists'
  | 'template-valid'
  | 'template-access'
  | 'template-upgrade'
  | 'credential-required'
  | 'credential-exists'
  | 'credential-ready'
  | 'credential-provider'
  | 'credential-access'
  | 'service-template-valid'
  | 'service-template-chain'
  | 'service-dependencies'
  | 'service-k8s-compatibility';

export const ADMISSION_RULES: readonly AdmissionRule[] = [
  'template-exists',
  'template-valid',
  'template-access',
  'template-upgrade',
  'credential-required',
  'credential-exists',
  'credential-ready',
  'credential-provider',
  'credential-access',
  'service-template-valid',
  'service-template-chain',
  'service-dependencies',
  'service-k8s-compatibility',
];

export interface TemplateFact {
  /** a ClusterTemplate object in the deployment's namespace (false: catalog only) */
  object: boolean;
  valid: boolean;
  validationError?: string;
  providers: readonly string[];
  k8sVersion?: string;
  revoked: boolean;
}

export interface CredentialUseFact {
  ready: boolean;
  reason?: string;
  identityKind?: string;
  revoked: boolean;
}

export interface ServiceTemplateFact {
  valid: boolean;
  validationError?: string;
  k8sConstraint?: string;
  revoked: boolean;
}

/** A ServiceTemplateChain as the deployment's namespace sees it. */
export interface ServiceChainFact {
  valid: boolean;
  validationError?: string;
  /** its spec.supportedTemplates' names: the templates a service may use with it */
  templates: readonly string[];
  revoked: boolean;
}

export interface AdmissionServiceFact {
  name: string;
  namespace: string;
  template: string;
  templateChain?: string;
  disable?: boolean;
  dependsOn: ReadonlyArray<{ name: string; namespace: string }>;
}

export interface AdmissionFacts {
  namespace: string;
  /** an AccessManagement exists */
  tenancy: boolean;
  /** update: something was admitted/applied before */
  operation: 'create' | 'update';
  spec: { template: string; credential?: string; services: readonly AdmissionServiceFact[] };
  /** for update: what it was (the old object's spec, or status.applied for the controller) */
  old?: { template: string; credential?: string; availableUpgrades: readonly string[] };
  /** undefined: no such template in the namespace (nor catalog in open mode) */
  template: TemplateFact | undefined;
  /** undefined: no Credential of that name in the namespace */
  credential: CredentialUseFact | undefined;
  /** by template name, as the deployment's namespace sees them */
  serviceTemplates: ReadonlyMap<string, ServiceTemplateFact>;
  /** ServiceTemplateChains by name, looked up as the ServiceTemplates are */
  serviceChains: ReadonlyMap<string, ServiceChainFact>;
  providerInterfaces: readonly ProviderInterfaceFact[];
  /**
   * Kinds of which the caller knows no object at all (the store, the cluster or the files have
   * none). In open mode a platform that has no Credentials (or ServiceTemplates) yet does not use
   * them: a name that finds nothing is then a warning, "not judged", for every caller alike.
   */
  noneKnown?: { credentials?: boolean; serviceTemplates?: boolean; serviceTemplateChains?: boolean };
}

export interface AdmissionFinding {
  rule: AdmissionRule;
  severity: 'error' | 'warning';
  path: string;
  message: string;
}

const INFRASTRUCTURE = 'infrastructure-';

export function deploymentAdmission(f: AdmissionFacts): AdmissionFinding[] {
  const out: AdmissionFinding[] = [];
  const update = f.operation === 'update' && f.old !== undefined;
  const templateChanged = !update || f.old!.template !== f.spec.template;
  const credentialChanged = !update || f.old!.credential !== f.spec.credential;
  const guarded = f.tenancy && f.namespace !== SYSTEM_NAMESPACE;
  /** An error, or a warning when the update leaves the thing it is about unchanged. */
  const add = (rule: AdmissionRule, changed: boolean, path: string, message: string) =>
    out.push({ rule, severity: changed ? 'error' : 'warning', path, message });

  // --- the template
  const tpl = f.spec.template;
  const tplPath = '$.spec.template';
  if (update && templateChanged) {
    const refusal = templateChangeError(f.old!.template, tpl, f.old!.availableUpgrades);
    if (refusal) add('template-upgrade', true, tplPath, refusal);
  }
  const t = f.template;
  if (!t) {
    add(
      'template-exists',
      templateChanged,
      tplPath,
      `ClusterTemplate ${tpl} not found in namespace ${f.namespace}` +
        (guarded ? '; the platform distributes templates through AccessManagement' : ''),
    );
  } else {
    if (guarded && !t.object)
      add(
        'template-access',
        templateChanged,
        tplPath,
        `ClusterTemplate ${tpl} is not available in namespace ${f.namespace}: the platform distributes templates through AccessManagement`,
      );
    else if (guarded && t.revoked)
      add(
        'template-access',
        templateChanged,
        tplPath,
        `access to ClusterTemplate ${tpl} was revoked from namespace ${f.namespace}`,
      );
    if (!t.valid)
      add(
        'template-valid',
        templateChanged,
        tplPath,
        `the ClusterTemplate ${f.namespace}/${tpl} is invalid with the error: ${t.validationError ?? 'not validated yet'}`,
      );
  }

  // --- the credential
  const cred = f.spec.credential;
  const credPath = '$.spec.credential';
  if (cred === undefined || cred === '') {
    if (guarded)
      add(
        'credential-required',
        credentialChanged,
        credPath,
        `a Credential is required in namespace ${f.namespace}: set spec.credential to one the platform gave this namespace`,
      );
  } else {
    const key = `${f.namespace}/${cred}`;
    const c = f.credential;
    if (!c && !f.tenancy && f.noneKnown?.credentials)
      add(
        'credential-exists',
        false,
        credPath,
        `Credential ${key} not found; not judged: the platform has no Credentials yet (open mode)`,
      );
    else if (!c) add('credential-exists', credentialChanged, credPath, `Credential ${key} not found`);
    else {
      if (guarded && c.revoked)
        add(
          'credential-access',
          credentialChanged,
          credPath,
          `access to Credential ${cred} was revoked from namespace ${f.namespace}`,
        );
      if (!c.ready)
        add(
          'credential-ready',
          credentialChanged,
          credPath,
          `the Credential ${key} is not Ready${c.reason ? `: ${c.reason}` : ''}`,
        );
      if (t && c.identityKind !== undefined) {
        for (const p of t.providers) {
          if (!p.startsWith(INFRASTRUCTURE)) continue;
          const kinds = acceptedIdentityKinds(p, f.providerInterfaces);
          const changed = credentialChanged || templateChanged;
          if (!kinds)
            add('credential-provider', changed, credPath, `unsupported infrastructure provider ${p}`);
          else if (!kinds.includes(c.identityKind))
            add(
              'credential-provider',
              changed,
              credPath,
              `provider ${p} does not support ClusterIdentity Kind ${c.identityKind} from the Credential ${key}`,
            );
        }
      }
    }
  }

  // --- services
  servicesAdmission(f, add, templateChanged);
  return out;
}

type Add = (rule: AdmissionRule, changed: boolean, path: string, message: string) => void;

function servicesAdmission(f: AdmissionFacts, add: Add, templateChanged: boolean): void {
  const services = f.spec.services;
  // The caller cannot tell which services changed, so service findings are errors on create and
  // whenever the template changes, warnings otherwise.
  const strict = f.operation === 'create' || f.old === undefined || templateChanged;
  const key = (s: { namespace: string; name: string }) => `${s.namespace}/${s.name}`;
  const defined = new Set(services.map(key));
  const graph = new Map<string, string[]>();
  services.forEach((s, i) => {
    const at = `$.spec.serviceSpec.services[${i}]`;
    graph.set(key(s), [...(graph.get(key(s)) ?? []), ...s.dependsOn.map(key)]);
    s.dependsOn.forEach((d, j) => {
      if (!defined.has(key(d)))
        add(
          'service-dependencies',
          true,
          `${at}.dependsOn[${j}]`,
          `dependency ${key(d)} of service ${key(s)} is not defined as a service`,
        );
    });
    if (s.disable) return;
    if (s.templateChain) serviceChainAdmission(f, add, strict, s.template, s.templateChain, at);
    const tplKey = `${f.namespace}/${s.template}`;
    const st = f.serviceTemplates.get(s.template);
    if (!st) {
      const unjudged = !f.tenancy && f.noneKnown?.serviceTemplates;
      add(
        'service-template-valid',
        strict && !unjudged,
        `${at}.template`,
        `ServiceTemplate ${tplKey} not found${unjudged ? '; not judged: the platform has no ServiceTemplates yet (open mode)' : ''}`,
      );
      return;
    }
    if (!st.valid)
      add(
        'service-template-valid',
        strict,
        `${at}.template`,
        `the ServiceTemplate ${tplKey} is invalid with the error: ${st.validationError ?? 'not validated yet'}`,
      );
    if (st.revoked && f.tenancy && f.namespace !== SYSTEM_NAMESPACE)
      add(
        'service-template-valid',
        f.operation === 'create',
        `${at}.template`,
        `access to ServiceTemplate ${s.template} was revoked from namespace ${f.namespace}`,
      );
    const version = f.template?.k8sVersion;
    if (version && st.k8sConstraint) {
      const check = checkK8sConstraint(st.k8sConstraint, version);
      if (!check.ok)
        add(
          'service-k8s-compatibility',
          strict,
          `${at}.template`,
          check.reason === 'InvalidK8sConstraint'
            ? `the ServiceTemplate ${tplKey}: ${check.message}`
            : `k8s version ${version} of the ClusterTemplate ${f.namespace}/${f.spec.template} does not satisfy k8s constraint ${st.k8sConstraint} from the ServiceTemplate ${tplKey}`,
        );
    }
  });
  const cycle = findCycle(new Map([...graph].map(([n, deps]) => [n, deps.filter((d) => defined.has(d))])));
  if (cycle)
    add(
      'service-dependencies',
      true,
      '$.spec.serviceSpec.services',
      `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
    );
}

/**
 * k0rdent's check of a service's `templateChain`: the chain exists as the namespace sees it, is
 * valid (an invalid chain is not looked into further, as k0rdent), is not a revoked copy (create
 * only, as a revoked ServiceTemplate), and lists the service's template among its
 * supportedTemplates.
 */
function serviceChainAdmission(
  f: AdmissionFacts,
  add: Add,
  strict: boolean,
  template: string,
  chainName: string,
  at: string,
): void {
  const path = `${at}.templateChain`;
  const chainKey = `${f.namespace}/${chainName}`;
  const chain = f.serviceChains.get(chainName);
  if (!chain) {
    const unjudged = !f.tenancy && f.noneKnown?.serviceTemplateChains;
    add(
      'service-template-chain',
      strict && !unjudged,
      path,
      `ServiceTemplateChain ${chainKey} not found${unjudged ? '; not judged: the platform has no ServiceTemplateChains yet (open mode)' : ''}`,
    );
    return;
  }
  if (chain.revoked && f.tenancy && f.namespace !== SYSTEM_NAMESPACE)
    add(
      'service-template-chain',
      f.operation === 'create',
      path,
      `access to ServiceTemplateChain ${chainName} was revoked from namespace ${f.namespace}`,
    );
  if (!chain.valid) {
    add(
      'service-template-chain',
      strict,
      path,
      `the ServiceTemplateChain ${chainKey} is invalid with the error: ${chain.validationError ?? 'not validated yet'}`,
    );
    return;
  }
  if (!chain.templates.includes(template))
    add(
      'service-template-chain',
      strict,
      path,
      `the ServiceTemplateChain ${chainKey} does not support ServiceTemplate ${template}`,
    );
}
