/**
 * `clustermint.io/v1alpha1 Credential` (k0rdent's, `k0rdent.mirantis.com/v1beta1` read too): a
 * namespaced handle on a provider identity (`spec.identityRef`), and
 * `infrastructure.clustermint.io/v1alpha1 SimulatedClusterIdentity`, the simulated provider's
 * cluster-scoped identity kind (shaped like CAPA's AWSClusterStaticIdentity).
 */
import type { CredentialFact } from '../domain/credential-status.js';
import type { PathSegment } from '../util/json-path.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { type LabelSelector, readLabelSelector } from './label-selector.js';
import { Problems, type ReadResult } from './read-problems.js';
import { checkLabel, checkObjectName } from './service-spec.js';
import type { StatusCondition } from './services.js';

export const CREDENTIAL_TYPE = { apiVersion: 'clustermint.io/v1alpha1', kind: 'Credential' } as const;
export const SIMULATED_IDENTITY_TYPE = {
  apiVersion: 'infrastructure.clustermint.io/v1alpha1',
  kind: 'SimulatedClusterIdentity',
} as const;

const CREDENTIAL_VERSIONS = new Set(['clustermint.io/v1alpha1', 'k0rdent.mirantis.com/v1beta1']);

/** The condition type a Credential's status carries. */
export const CREDENTIAL_READY_CONDITION = 'CredentialReady';
export const CREDENTIAL_REASONS = [
  'IdentityFound',
  'IdentityNotFound',
  'IdentityOutOfScope',
  'InvalidSpec',
] as const;
export type CredentialReason = (typeof CREDENTIAL_REASONS)[number];

/** corev1.ObjectReference as k0rdent's Credential uses it: kind and name required. */
export interface IdentityRef {
  apiVersion?: string;
  kind: string;
  name: string;
  /** For a namespaced identity (a Secret, AzureClusterIdentity); absent: cluster-scoped, or the Credential's namespace. */
  namespace?: string;
}

export interface CredentialSpec {
  identityRef: IdentityRef;
  /** Immutable once set (the CRD's CEL rule and the webhook: "Region is immutable"). */
  region?: string;
  description?: string;
}

export interface CredentialStatus {
  ready: boolean;
  conditions?: StatusCondition[];
  observedGeneration?: number;
}

/** CAPA's allowedNamespaces: absent = no namespace may use the identity; `{}` = every namespace. */
export interface AllowedNamespaces {
  list?: string[];
  selector?: LabelSelector;
}

export interface SimulatedClusterIdentitySpec {
  allowedNamespaces?: AllowedNamespaces;
  /** A Secret name in the system namespace (the simulated "cloud key"; optional). */
  secretRef?: string;
}

const isKind = (v: unknown, kind: string, versions: ReadonlySet<string>): boolean =>
  isPlainObject(v) && v.kind === kind && typeof v.apiVersion === 'string' && versions.has(v.apiVersion);

export const isCredential = (v: unknown): boolean => isKind(v, 'Credential', CREDENTIAL_VERSIONS);
export const isSimulatedIdentity = (v: unknown): boolean =>
  isKind(v, SIMULATED_IDENTITY_TYPE.kind, new Set([SIMULATED_IDENTITY_TYPE.apiVersion]));

function specOf(p: Problems, object: unknown, path: readonly PathSegment[]): PlainObject | undefined {
  const o = p.map(object, path, 'an object (apiVersion, kind, metadata, spec)');
  if (!o) return undefined;
  return p.map(o.spec, [...path, 'spec'], 'a map (spec is required)');
}

const CREDENTIAL_FIELDS = new Set(['identityRef', 'region', 'description']);
// corev1.ObjectReference's fields; uid, resourceVersion and fieldPath are accepted and not used.
const IDENTITY_REF_FIELDS = new Set([
  'apiVersion',
  'kind',
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'fieldPath',
]);

/** Reads a Credential object's spec: identityRef (kind and name) required. */
export function readCredential(
  object: unknown,
  path: readonly PathSegment[] = [],
): ReadResult<CredentialSpec> {
  const p = new Problems();
  const at = [...path, 'spec'];
  const empty: CredentialSpec = { identityRef: { kind: '', name: '' } };
  const spec = specOf(p, object, path);
  if (!spec) return p.result(empty);
  p.unknownKeys(spec, at, CREDENTIAL_FIELDS);
  const identityRef = readIdentityRef(p, spec.identityRef, [...at, 'identityRef']);
  const region = p.optString(spec.region, [...at, 'region']);
  const description = p.optString(spec.description, [...at, 'description']);
  return p.result({
    identityRef: identityRef ?? empty.identityRef,
    ...(region !== undefined ? { region } : {}),
    ...(description !== undefined ? { description } : {}),
  });
}

function readIdentityRef(p: Problems, raw: unknown, at: readonly PathSegment[]): IdentityRef | undefined {
  if (raw === undefined) {
    p.add(
      at,
      'identityRef is required: {kind, name} of the provider identity (e.g. AWSClusterStaticIdentity)',
    );
    return undefined;
  }
  const r = p.map(raw, at, 'a map (apiVersion, kind, name, namespace)');
  if (!r) return undefined;
  p.unknownKeys(r, at, IDENTITY_REF_FIELDS);
  let kind: string | undefined;
  if (typeof r.kind === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(r.kind)) kind = r.kind;
  else
    p.add(
      [...at, 'kind'],
      r.kind === undefined || r.kind === ''
        ? 'kind is required: the identity kind (e.g. AWSClusterStaticIdentity, Secret)'
        : `kind ${JSON.stringify(r.kind)} is not a kind name (letters and digits, starting with a capital)`,
    );
  const name = checkObjectName(p, r.name, [...at, 'name'], 'name');
  const namespace =
    r.namespace === undefined || r.namespace === ''
      ? undefined
      : checkLabel(p, r.namespace, [...at, 'namespace'], 'namespace');
  let apiVersion: string | undefined;
  if (r.apiVersion !== undefined && r.apiVersion !== '') {
    if (typeof r.apiVersion === 'string' && /^([a-z0-9.-]+\/)?v[0-9]+[a-z0-9]*$/.test(r.apiVersion))
      apiVersion = r.apiVersion;
    else
      p.add(
        [...at, 'apiVersion'],
        `apiVersion ${JSON.stringify(r.apiVersion)} is not GROUP/VERSION (e.g. infrastructure.cluster.x-k8s.io/v1beta2) or v1`,
      );
  }
  for (const f of ['uid', 'resourceVersion', 'fieldPath']) p.optString(r[f], [...at, f]);
  if (!kind || !name) return undefined;
  return { kind, name, ...(apiVersion ? { apiVersion } : {}), ...(namespace ? { namespace } : {}) };
}

const IDENTITY_FIELDS = new Set(['allowedNamespaces', 'secretRef']);
const ALLOWED_FIELDS = new Set(['list', 'selector']);
const MAX_ALLOWED = 1000;

/** Reads a SimulatedClusterIdentity object's spec (CAPA's allowedNamespaces and secretRef). */
export function readSimulatedIdentity(
  object: unknown,
  path: readonly PathSegment[] = [],
): ReadResult<SimulatedClusterIdentitySpec> {
  const p = new Problems();
  const at = [...path, 'spec'];
  const o = p.map(object, path, 'an object (apiVersion, kind, metadata, spec)');
  if (!o) return p.result({});
  // an identity with no spec is valid: no namespace may use it
  if (o.spec === undefined) return p.result({});
  const spec = p.map(o.spec, at, 'a map (allowedNamespaces, secretRef)');
  if (!spec) return p.result({});
  p.unknownKeys(spec, at, IDENTITY_FIELDS);
  const out: SimulatedClusterIdentitySpec = {};
  if (spec.allowedNamespaces !== undefined) {
    const an = readAllowedNamespaces(p, spec.allowedNamespaces, [...at, 'allowedNamespaces']);
    if (an) out.allowedNamespaces = an;
  }
  if (spec.secretRef !== undefined) {
    const s = checkObjectName(p, spec.secretRef, [...at, 'secretRef'], 'secretRef (a Secret name)');
    if (s) out.secretRef = s;
  }
  return p.result(out);
}

function readAllowedNamespaces(
  p: Problems,
  raw: unknown,
  at: readonly PathSegment[],
): AllowedNamespaces | undefined {
  const a = p.map(raw, at, 'a map (list, selector)');
  if (!a) return undefined;
  p.unknownKeys(a, at, ALLOWED_FIELDS);
  const out: AllowedNamespaces = {};
  const list = p.optList(a.list, [...at, 'list'], MAX_ALLOWED);
  if (list) {
    out.list = [];
    list.forEach((n, i) => {
      const ns = checkLabel(p, n, [...at, 'list', i], 'namespace');
      if (ns && !out.list!.includes(ns)) out.list!.push(ns);
    });
  }
  const selector = readLabelSelector(p, a.selector, [...at, 'selector']);
  if (selector) out.selector = selector;
  return out;
}

/**
 * A cluster-scoped identity's allowedNamespaces (CAPA's shape; the simulated kind through its
 * reader), as credential readiness reads it; absent when unset (CAPA: no namespace admitted).
 */
export function identityAllowedNamespaces(identity: PlainObject): Pick<CredentialFact, 'allowedNamespaces'> {
  if (identity.kind === SIMULATED_IDENTITY_TYPE.kind) {
    const r = readSimulatedIdentity(identity);
    return 'spec' in r && r.spec.allowedNamespaces ? { allowedNamespaces: r.spec.allowedNamespaces } : {};
  }
  const a = isPlainObject(identity.spec) ? identity.spec.allowedNamespaces : undefined;
  if (!isPlainObject(a)) return {};
  const list = Array.isArray(a.list) ? a.list.filter((x): x is string => typeof x === 'string') : undefined;
  return {
    allowedNamespaces: {
      ...(list ? { list } : {}),
      ...(isPlainObject(a.selector)
        ? { selector: a.selector as NonNullable<CredentialFact['allowedNamespaces']>['selector'] }
        : {}),
    },
  };
}
