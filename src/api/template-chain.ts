/**
 * `clustermint.io/v1alpha1 ClusterTemplateChain` and `ServiceTemplateChain` (k0rdent's template
 * chains, one spec for both): which template a ClusterDeployment (or a service) may move to from
 * which. A deployment's `availableUpgrades` is the sorted union of `availableUpgrades[].name`
 * over every chain of its namespace that lists its current template.
 */
import type { ServiceChainFact } from '../domain/admission.js';
import { isPlainObject } from '../util/plain-object.js';

export const CHAIN_TYPE = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterTemplateChain' } as const;
export const SERVICE_TEMPLATE_CHAIN_TYPE = {
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ServiceTemplateChain',
} as const;
export type TemplateChainKind = 'ClusterTemplateChain' | 'ServiceTemplateChain';
const CHAIN_API_VERSIONS = new Set(['clustermint.io/v1alpha1', 'k0rdent.mirantis.com/v1beta1']);

export interface SupportedTemplate {
  name: string;
  availableUpgrades?: { name: string; version?: string }[];
}

export interface TemplateChainSpec {
  supportedTemplates: SupportedTemplate[];
}
export type ClusterTemplateChainSpec = TemplateChainSpec;
export type ServiceTemplateChainSpec = TemplateChainSpec;

/** A chain of the given kind, in clustermint's group or k0rdent's. */
export function isTemplateChain(v: unknown, kind: TemplateChainKind): boolean {
  return (
    isPlainObject(v) &&
    v.kind === kind &&
    typeof v.apiVersion === 'string' &&
    CHAIN_API_VERSIONS.has(v.apiVersion)
  );
}

export function isClusterTemplateChain(v: unknown): boolean {
  return isTemplateChain(v, 'ClusterTemplateChain');
}

export function isServiceTemplateChain(v: unknown): boolean {
  return isTemplateChain(v, 'ServiceTemplateChain');
}

/** The supported templates of a chain object, ignoring malformed entries. */
export function supportedTemplates(chain: { spec?: unknown }): SupportedTemplate[] {
  const spec = chain.spec;
  if (!isPlainObject(spec) || !Array.isArray(spec.supportedTemplates)) return [];
  const out: SupportedTemplate[] = [];
  for (const t of spec.supportedTemplates) {
    if (!isPlainObject(t) || typeof t.name !== 'string') continue;
    const ups = Array.isArray(t.availableUpgrades)
      ? t.availableUpgrades
          .filter(
            (u): u is { name: string; version?: string } => isPlainObject(u) && typeof u.name === 'string',
          )
          .map((u) => ({ name: u.name, ...(typeof u.version === 'string' ? { version: u.version } : {}) }))
      : [];
    out.push({ name: t.name, availableUpgrades: ups });
  }
  return out;
}

/** Problems of a chain's spec, as sentences (empty when valid). */
export function chainProblems(chain: { spec?: unknown }): string[] {
  const spec = chain.spec;
  if (!isPlainObject(spec) || !Array.isArray(spec.supportedTemplates))
    return ['spec.supportedTemplates is required: a list of {name, availableUpgrades}'];
  const problems: string[] = [];
  const names = new Set<string>();
  spec.supportedTemplates.forEach((t, i) => {
    if (!isPlainObject(t) || typeof t.name !== 'string' || t.name === '')
      problems.push(`spec.supportedTemplates[${i}].name is required`);
    else names.add(t.name);
  });
  for (const t of supportedTemplates(chain))
    for (const u of t.availableUpgrades ?? [])
      if (!names.has(u.name))
        problems.push(
          `upgrade target ${JSON.stringify(u.name)} of ${JSON.stringify(t.name)} is not a supported template of the chain`,
        );
  return problems;
}

/** The templates `template` may move to, over all chains (sorted, no duplicates). */
export function availableUpgrades(chains: readonly { spec?: unknown }[], template: string): string[] {
  const out = new Set<string>();
  for (const c of chains)
    for (const t of supportedTemplates(c))
      if (t.name === template) for (const u of t.availableUpgrades ?? []) out.add(u.name);
  return [...out].sort();
}

/**
 * A ServiceTemplateChain as the admission rules see it (domain/admission.ts): its status.valid
 * when someone wrote one, else what its spec says (chainProblems: k0rdent's controller judges a
 * chain by the same checks). Pass no status to judge the spec alone (an input document).
 */
export function serviceChainFact(
  chain: { spec?: unknown; status?: unknown },
  revoked: boolean,
): ServiceChainFact {
  const status = isPlainObject(chain.status) ? chain.status : {};
  const problems = typeof status.valid === 'boolean' ? [] : chainProblems(chain);
  const valid = typeof status.valid === 'boolean' ? status.valid : problems.length === 0;
  const written = typeof status.validationError === 'string' ? status.validationError : '';
  const validationError = valid ? '' : problems.join('; ') || written;
  return {
    valid,
    ...(validationError ? { validationError } : {}),
    templates: supportedTemplates(chain).map((t) => t.name),
    revoked,
  };
}
