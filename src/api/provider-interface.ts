/**
 * `clustermint.io/v1alpha1 ProviderInterface` (k0rdent's, `k0rdent.mirantis.com/v1beta1` read
 * too): which identity kinds an infrastructure provider accepts. The provider is the object's
 * `cluster.x-k8s.io/provider` label (`infrastructure-<name>`); the kinds are
 * `spec.clusterIdentities[].kind`. Objects add kinds to the built-in table
 * (src/domain/provider-identities.ts).
 */
import { DNS1123_SUBDOMAIN } from '../k8s/names.js';
import type { PathSegment } from '../util/json-path.js';
import { isPlainObject } from '../util/plain-object.js';
import { Problems, type ReadResult } from './read-problems.js';

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
  nameFieldPath: string;
}

export interface ClusterIdentityType {
  group: string;
  version: string;
  kind: string;
  references?: IdentityReference[];
}

export interface ProviderInterfaceSpec {
  description?: string;
  clusterIdentities: ClusterIdentityType[];
}

/** The domain's ProviderInterfaceFact (src/domain/provider-identities.ts). */
export interface ProviderInterfaceFact {
  provider: string;
  kinds: readonly string[];
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

const SPEC_FIELDS = new Set(['description', 'clusterIdentities']);
const IDENTITY_FIELDS = new Set(['group', 'version', 'kind', 'references']);
const REFERENCE_FIELDS = new Set(['group', 'version', 'kind', 'nameFieldPath']);
const MAX_IDENTITIES = 100;
const MAX_REFERENCES = 20;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const VERSION = /^v[0-9]+[a-z0-9]*$/;
const INFRA_PROVIDER = /^infrastructure-[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Reads a ProviderInterface object: the provider label and every identity kind. */
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
  const labelAt = [...path, 'metadata', 'labels', PROVIDER_LABEL];
  if (provider === undefined)
    p.add(
      [...path, 'metadata'],
      `the label ${PROVIDER_LABEL} is required: the infrastructure provider (e.g. infrastructure-aws)`,
    );
  else if (typeof provider !== 'string' || !INFRA_PROVIDER.test(provider))
    p.add(
      labelAt,
      `${JSON.stringify(provider)} is not an infrastructure provider name (infrastructure-<name>)`,
    );
  const at = [...path, 'spec'];
  const spec = p.map(o.spec, at, 'a map (clusterIdentities, description)');
  if (!spec) return p.result(empty);
  p.unknownKeys(spec, at, SPEC_FIELDS);
  const description = p.optString(spec.description, [...at, 'description']);
  const clusterIdentities: ClusterIdentityType[] = [];
  const kinds: string[] = [];
  const list = p.optList(spec.clusterIdentities, [...at, 'clusterIdentities'], MAX_IDENTITIES);
  if (spec.clusterIdentities === undefined)
    p.add(
      [...at, 'clusterIdentities'],
      'clusterIdentities is required: the identity kinds the provider accepts',
    );
  (list ?? []).forEach((raw, i) => {
    const id = readIdentityType(p, raw, [...at, 'clusterIdentities', i], IDENTITY_FIELDS);
    if (!id) return;
    const refsAt = [...at, 'clusterIdentities', i, 'references'];
    const refs = p.optList((raw as Record<string, unknown>).references, refsAt, MAX_REFERENCES);
    const references: IdentityReference[] = [];
    (refs ?? []).forEach((r, j) => {
      const ref = readIdentityType(p, r, [...refsAt, j], REFERENCE_FIELDS);
      const nameFieldPath = isPlainObject(r) ? r.nameFieldPath : undefined;
      if (typeof nameFieldPath !== 'string' || nameFieldPath === '') {
        if (isPlainObject(r))
          p.add(
            [...refsAt, j, 'nameFieldPath'],
            'nameFieldPath is required: where the identity names it (e.g. spec.secretRef)',
          );
        return;
      }
      if (ref) references.push({ ...ref, nameFieldPath });
    });
    clusterIdentities.push({ ...id, ...(refs ? { references } : {}) });
    if (!kinds.includes(id.kind)) kinds.push(id.kind);
  });
  if (!p.empty) return p.result(empty);
  return p.result({
    provider: provider as string,
    kinds,
    spec: { ...(description !== undefined ? { description } : {}), clusterIdentities },
  });
}

/** group (may be "" for the core group), version and kind of an identity or a reference. */
function readIdentityType(
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
    p.add(
      [...at, 'kind'],
      m.kind === undefined
        ? 'kind is required (e.g. AWSClusterStaticIdentity)'
        : `kind ${JSON.stringify(m.kind)} is not a kind name (letters and digits, starting with a capital)`,
    );
    ok = false;
  }
  return ok ? { group: group as string, version: m.version as string, kind: m.kind as string } : undefined;
}
