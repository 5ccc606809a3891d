/**
 * `clustermint.io/v1alpha1 ProviderInterface` (k0rdent's, `k0rdent.mirantis.com/v1beta1` read
 * too): which identity kinds an infrastructure provider accepts. The provider is the object's
 * `cluster.x-k8s.io/provider` label (`infrastructure-<name>`); the kinds are
 * `spec.clusterIdentities[].kind`. Objects add kinds to the built-in table
 * (src/domain/provider-identities.ts).
 */
import type { ProviderInterfaceFact } from '../domain/provider-identities.js';
import { DNS1123_SUBDOMAIN } from '../k8s/names.js';
import type { PathSegment } from '../util/json-path.js';
import { isPlainObject } from '../util/plain-object.js';
import { Problems, type ReadResult } from './read-problems.js';

export type { ProviderInterfaceFact };

export const PROVIDER_INTERFACE_TYPE = {
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ProviderInterface',
} as const;
const VERSIONS = new Set(['clustermint.io/v1alpha1', 'k0rdent.mirantis.com/v1beta1']);

/** Cluster API's provider label; ProviderInterface objects carry `infrastructure-<name>`. */
export const PROVIDER_LABEL = 'cluster.x-k8s.io/provider';

/** An object the identity refers to (e.g. AWSClusterStaticIdentity's Secret at spec.secretRef). */
export interface IdentityReference {
  group: string;
  version: string;
  kind: string;
  /** Where the identity names the object (e.g. spec.secretRef); never starts with a dot. */
  nameFieldPath: string;
  /** Where it names the object's namespace; absent: the system namespace. */
  namespaceFieldPath?: string;
}

export interface ClusterIdentityType {
  group: string;
  version: string;
  kind: string;
  references?: IdentityReference[];
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface ProviderInterfaceSpec {
  description?: string;
  clusterIdentities: ClusterIdentityType[];
  /** k0rdent's deprecated list of identity kinds (read as clusterIdentities' kinds). */
  clusterIdentityKinds?: string[];
  /** The cluster kinds the provider manages (k0rdent's; kept, not used). */
  clusterGVKs?: GroupVersionKind[];
}

/** What readProviderInterface answers: the fact (provider, kinds) and the spec as written. */
export interface ProviderInterfaceRead extends ProviderInterfaceFact {
  spec: ProviderInterfaceSpec;
}

export const isProviderInterface = (v: unknown): boolean =>
  isPlainObject(v) &&
  v.kind === 'ProviderInterface' &&
  typeof v.apiVersion === 'string' &&
  VERSIONS.has(v.apiVersion);

const SPEC_FIELDS = new Set(['description', 'clusterIdentities', 'clusterIdentityKinds', 'clusterGVKs']);
const IDENTITY_FIELDS = new Set(['group', 'version', 'kind', 'references']);
const REFERENCE_FIELDS = new Set(['group', 'version', 'kind', 'nameFieldPath', 'namespaceFieldPath']);
const GVK_FIELDS = new Set(['group', 'version', 'kind']);
const MAX_IDENTITIES = 100;
const MAX_REFERENCES = 20;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const VERSION = /^v[0-9]+[a-z0-9]*$/;
const INFRA_PROVIDER = /^infrastructure-[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** k0rdent's pattern for the field paths: not starting with a dot. */
const FIELD_PATH = /^[^.].*$/;

/**
 * Reads a ProviderInterface object: the provider label and every identity kind (from
 * clusterIdentities and the deprecated clusterIdentityKinds; neither: no kinds added).
 */
export function readProviderInterface(
  object: unknown,
  path: readonly PathSegment[] = [],
): ReadResult<ProviderInterfaceRead> {
  const p = new Problems();
  const empty: ProviderInterfaceRead = { provider: '', kinds: [], spec: { clusterIdentities: [] } };
  const o = p.map(object, path, 'an object (apiVersion, kind, metadata, spec)');
  if (!o) return p.result(empty);
  const labels = isPlainObject(o.metadata) && isPlainObject(o.metadata.labels) ? o.metadata.labels : {};
  const provider = labels[PROVIDER_LABEL];
  if (provider === undefined)
    p.add(
      [...path, 'metadata', 'labels'],
      `the label ${PROVIDER_LABEL} is required: the infrastructure provider (e.g. infrastructure-aws)`,
    );
  else if (typeof provider !== 'string' || !INFRA_PROVIDER.test(provider))
    p.add(
      [...path, 'metadata', 'labels', PROVIDER_LABEL],
      `${JSON.stringify(provider)} is not an infrastructure provider name (infrastructure-<name>)`,
    );
  const at = [...path, 'spec'];
  // k0rdent's spec is optional: an interface without one adds no kinds
  const spec = o.spec === undefined ? {} : p.map(o.spec, at, 'a map (clusterIdentities, description)');
  if (!spec) return p.result(empty);
  p.unknownKeys(spec, at, SPEC_FIELDS);
  const description = p.optString(spec.description, [...at, 'description']);
  const kinds: string[] = [];
  const clusterIdentities: ClusterIdentityType[] = [];
  const list = p.optList(spec.clusterIdentities, [...at, 'clusterIdentities'], MAX_IDENTITIES);
  (list ?? []).forEach((raw, i) => {
    const id = readIdentity(p, raw, [...at, 'clusterIdentities', i]);
    if (!id) return;
    clusterIdentities.push(id);
    if (!kinds.includes(id.kind)) kinds.push(id.kind);
  });
  let clusterIdentityKinds: string[] | undefined;
  const old = p.optList(spec.clusterIdentityKinds, [...at, 'clusterIdentityKinds'], MAX_IDENTITIES);
  if (old) {
    clusterIdentityKinds = [];
    old.forEach((k, i) => {
      if (typeof k !== 'string' || !KIND.test(k)) {
        p.add([...at, 'clusterIdentityKinds', i], kindProblem(k));
        return;
      }
      clusterIdentityKinds!.push(k);
      if (!kinds.includes(k)) kinds.push(k);
    });
  }
  let clusterGVKs: GroupVersionKind[] | undefined;
  const gvks = p.optList(spec.clusterGVKs, [...at, 'clusterGVKs'], MAX_IDENTITIES);
  if (gvks) {
    clusterGVKs = [];
    gvks.forEach((g, i) => {
      const gvk = readGvk(p, g, [...at, 'clusterGVKs', i], GVK_FIELDS);
      if (gvk) clusterGVKs!.push(gvk);
    });
  }
  if (!p.empty) return p.result(empty);
  return p.result({
    provider: provider as string,
    kinds,
    spec: {
      ...(description !== undefined ? { description } : {}),
      clusterIdentities,
      ...(clusterIdentityKinds ? { clusterIdentityKinds } : {}),
      ...(clusterGVKs ? { clusterGVKs } : {}),
    },
  });
}

function readIdentity(
  p: Problems,
  raw: unknown,
  at: readonly PathSegment[],
): ClusterIdentityType | undefined {
  const id = readGvk(p, raw, at, IDENTITY_FIELDS);
  if (!id) return undefined;
  const refs = p.optList((raw as Record<string, unknown>).references, [...at, 'references'], MAX_REFERENCES);
  if (!refs) return id;
  const references: IdentityReference[] = [];
  refs.forEach((r, j) => {
    const rAt = [...at, 'references', j];
    const ref = readGvk(p, r, rAt, REFERENCE_FIELDS);
    if (!ref) return;
    const m = r as Record<string, unknown>;
    const nameFieldPath = fieldPath(p, m.nameFieldPath, [...rAt, 'nameFieldPath'], true);
    const namespaceFieldPath = fieldPath(p, m.namespaceFieldPath, [...rAt, 'namespaceFieldPath'], false);
    if (nameFieldPath)
      references.push({ ...ref, nameFieldPath, ...(namespaceFieldPath ? { namespaceFieldPath } : {}) });
  });
  return { ...id, references };
}

function fieldPath(
  p: Problems,
  v: unknown,
  at: readonly PathSegment[],
  required: boolean,
): string | undefined {
  if (v === undefined || v === '') {
    if (required)
      p.add(at, 'nameFieldPath is required: where the identity names the object (e.g. spec.secretRef)');
    return undefined;
  }
  if (typeof v === 'string' && FIELD_PATH.test(v)) return v;
  p.add(at, `${JSON.stringify(v)} is not a field path (e.g. spec.secretRef; it cannot start with a dot)`);
  return undefined;
}

const kindProblem = (k: unknown): string =>
  k === undefined
    ? 'kind is required (e.g. AWSClusterStaticIdentity)'
    : `kind ${JSON.stringify(k)} is not a kind name (letters and digits, starting with a capital)`;

/** group (may be "" for the core group), version and kind of an identity or a reference. */
function readGvk(
  p: Problems,
  raw: unknown,
  at: readonly PathSegment[],
  fields: ReadonlySet<string>,
): { group: string; version: string; kind: string } | undefined {
  const m = p.map(raw, at, 'a map (group, version, kind)');
  if (!m) return undefined;
  p.unknownKeys(m, at, fields);
  const group = m.group ?? '';
  let ok = true;
  if (typeof group !== 'string' || (group !== '' && (group.length > 253 || !DNS1123_SUBDOMAIN.test(group)))) {
    p.add(
      [...at, 'group'],
      `group ${JSON.stringify(group)} is not an API group (e.g. infrastructure.cluster.x-k8s.io, "" for core)`,
    );
    ok = false;
  }
  if (typeof m.version !== 'string' || !VERSION.test(m.version)) {
    p.add(
      [...at, 'version'],
      m.version === undefined
        ? 'version is required (e.g. v1beta2)'
        : `version ${JSON.stringify(m.version)} is not an API version (e.g. v1beta2)`,
    );
    ok = false;
  }
  if (typeof m.kind !== 'string' || !KIND.test(m.kind)) {
    p.add([...at, 'kind'], kindProblem(m.kind));
    ok = false;
  }
  return ok ? { group: group as string, version: m.version as string, kind: m.kind as string } : undefined;
}
