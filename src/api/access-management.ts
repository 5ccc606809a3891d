/**
 * `clustermint.io/v1alpha1 AccessManagement` (k0rdent's, `k0rdent.mirantis.com/v1beta1` read
 * too): the cluster-scoped rules that distribute templates, chains and Credentials from the
 * system namespace to team namespaces. The reader checks the rules as k0rdent's CRD and webhook
 * do and normalises each into the domain's AccessRuleFact: `targets`, and `objects` where the
 * stable per-kind lists (clusterTemplateChains, serviceTemplateChains, credentials) and the newer
 * generic `resources[]` become entries of one shape.
 */
import { type AccessRuleFact, DISTRIBUTABLE_KINDS, type DistributableKind } from '../domain/access.js';
import { parseSelector, SelectorError } from '../k8s/label-selector.js';
import type { PathSegment } from '../util/json-path.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { type LabelSelector, readLabelSelector } from './label-selector.js';
import { Problems, type ReadResult } from './read-problems.js';
import { checkLabel, checkObjectName } from './service-spec.js';
import type { StatusCondition } from './services.js';

export type { AccessRuleFact, DistributableKind };
export { DISTRIBUTABLE_KINDS };

export const ACCESS_MANAGEMENT_TYPE = {
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'AccessManagement',
} as const;
const VERSIONS = new Set(['clustermint.io/v1alpha1', 'k0rdent.mirantis.com/v1beta1']);

/** The groups `resources[].apiGroup` may name (absent or empty: clustermint's). */
const RESOURCE_GROUPS = new Set(['', 'clustermint.io', 'k0rdent.mirantis.com']);
/** k0rdent's ResourceRule names `apiVersion` (default k0rdent.mirantis.com/v1beta1) instead. */
const RESOURCE_VERSIONS = new Set(['clustermint.io/v1alpha1', 'k0rdent.mirantis.com/v1beta1']);

/** At most one of list / selector / stringSelector (k0rdent's CEL); none: every namespace but the system one. */
export interface TargetNamespaces {
  list?: string[];
  selector?: LabelSelector;
  stringSelector?: string;
}

/** k0rdent's ResourceRule: exactly one of names / selector / stringSelector. */
export interface ResourceRule {
  apiGroup?: string;
  /** k0rdent's newer field (instead of apiGroup): clustermint.io/v1alpha1 or k0rdent.mirantis.com/v1beta1. */
  apiVersion?: string;
  kind: string;
  names?: string[];
  selector?: LabelSelector;
  stringSelector?: string;
}

/** One of `spec.accessRules`, as written (the per-kind lists are k0rdent's stable API). */
export interface AccessRule {
  targetNamespaces?: TargetNamespaces;
  clusterTemplateChains?: string[];
  /** k0rdent (some releases): chains by label instead of by name. */
  clusterTemplateChainSelector?: LabelSelector;
  serviceTemplateChains?: string[];
  serviceTemplateChainSelector?: LabelSelector;
  credentials?: string[];
  resources?: ResourceRule[];
}

export interface AccessManagementSpec {
  accessRules: AccessRule[];
}

/** What readAccessManagement answers: the rules as written (for status.current) and normalised. */
export interface AccessManagementRead extends AccessManagementSpec {
  rules: AccessRuleFact[];
}

export interface AccessManagementStatus {
  /** The rules applied (status.current in k0rdent). */
  current?: AccessRule[];
  error?: string;
  /** Per distributed kind, its outcome. */
  resources?: Array<{ apiVersion?: string; kind: string; error?: string }>;
  /** How many copies the rules keep. */
  distributed?: number;
  observedGeneration?: number;
  conditions?: StatusCondition[];
}

export const isAccessManagement = (v: unknown): boolean =>
  isPlainObject(v) &&
  v.kind === 'AccessManagement' &&
  typeof v.apiVersion === 'string' &&
  VERSIONS.has(v.apiVersion);

const MAX_RULES = 100;
const MAX_NAMES = 1000;
const MAX_RESOURCES = 100;
const SPEC_FIELDS = new Set(['accessRules']);
const RULE_FIELDS = new Set([
  'targetNamespaces',
  'clusterTemplateChains',
  'clusterTemplateChainSelector',
  'serviceTemplateChains',
  'serviceTemplateChainSelector',
  'credentials',
  'resources',
]);
/** k0rdent's stable lists clustermint has no kind for. */
const RULE_UNSUPPORTED = new Set(['clusterAuthentications', 'dataSources', 'clusterAuditPolicies']);
const TARGET_FIELDS = new Set(['list', 'selector', 'stringSelector']);
const RESOURCE_FIELDS = new Set(['apiGroup', 'apiVersion', 'kind', 'names', 'selector', 'stringSelector']);
const CHAIN_SELECTORS = [
  ['clusterTemplateChainSelector', 'ClusterTemplateChain'],
  ['serviceTemplateChainSelector', 'ServiceTemplateChain'],
] as const;
const LISTS = [
  ['clusterTemplateChains', 'ClusterTemplateChain'],
  ['serviceTemplateChains', 'ServiceTemplateChain'],
  ['credentials', 'Credential'],
] as const;

/** Reads an AccessManagement object's spec: every rule checked, each normalised into an AccessRuleFact. */
export function readAccessManagement(
  object: unknown,
  path: readonly PathSegment[] = [],
): ReadResult<AccessManagementRead> {
  const p = new Problems();
  const at = [...path, 'spec'];
  const o = p.map(object, path, 'an object (apiVersion, kind, metadata, spec)');
  if (!o) return p.result({ accessRules: [], rules: [] });
  // k0rdent's AccessManagement may have an empty spec: no rules, nothing distributed
  if (o.spec === undefined) return p.result({ accessRules: [], rules: [] });
  const spec = p.map(o.spec, at, 'a map (accessRules)');
  if (!spec) return p.result({ accessRules: [], rules: [] });
  p.unknownKeys(spec, at, SPEC_FIELDS);
  const accessRules: AccessRule[] = [];
  const rules: AccessRuleFact[] = [];
  const list = p.optList(spec.accessRules, [...at, 'accessRules'], MAX_RULES) ?? [];
  list.forEach((raw, i) => {
    const read = readRule(p, raw, [...at, 'accessRules', i]);
    if (!read) return;
    accessRules.push(read.rule);
    rules.push(read.fact);
  });
  return p.result({ accessRules, rules });
}

function readRule(
  p: Problems,
  raw: unknown,
  at: readonly PathSegment[],
): { rule: AccessRule; fact: AccessRuleFact } | undefined {
  const r = p.map(
    raw,
    at,
    'a map (targetNamespaces, clusterTemplateChains, serviceTemplateChains, credentials, resources)',
  );
  if (!r) return undefined;
  p.unknownKeys(r, at, RULE_FIELDS, RULE_UNSUPPORTED);
  const rule: AccessRule = {};
  const objects: AccessRuleFact['objects'][number][] = [];
  const targetNamespaces =
    r.targetNamespaces === undefined
      ? undefined
      : readTargets(p, r.targetNamespaces, [...at, 'targetNamespaces']);
  if (targetNamespaces) rule.targetNamespaces = targetNamespaces;
  // the stable per-kind lists become objects of their kind, next to resources[] (k0rdent's
  // mutating webhook appends them to resources the same way)
  for (const [field, kind] of LISTS) {
    const names = readNames(p, r[field], [...at, field]);
    if (!names) continue;
    rule[field] = names;
    if (names.length) objects.push({ kind, names });
  }
  for (const [field, kind] of CHAIN_SELECTORS) {
    const selector = readLabelSelector(p, r[field], [...at, field]);
    if (!selector) continue;
    rule[field] = selector;
    objects.push({ kind, selector });
  }
  const resources = p.optList(r.resources, [...at, 'resources'], MAX_RESOURCES);
  if (resources) {
    rule.resources = [];
    resources.forEach((x, j) => {
      const res = readResource(p, x, [...at, 'resources', j]);
      if (!res) return;
      rule.resources!.push(res);
      const { apiGroup: _g, apiVersion: _v, ...object } = res;
      objects.push(object);
    });
  }
  const targets = targetNamespaces && Object.keys(targetNamespaces).length ? targetNamespaces : undefined;
  return { rule, fact: { targets, objects } };
}

function readTargets(p: Problems, raw: unknown, at: readonly PathSegment[]): TargetNamespaces | undefined {
  const t = p.map(raw, at, 'a map (list, selector or stringSelector)');
  if (!t) return undefined;
  p.unknownKeys(t, at, TARGET_FIELDS);
  const given = givenOf(t, ['list', 'selector', 'stringSelector']);
  if (given.length > 1)
    p.add(at, `only one of list, selector, stringSelector can be specified (got ${given.join(' and ')})`);
  const out: TargetNamespaces = {};
  if (t.list !== undefined) {
    const list = p.optList(t.list, [...at, 'list'], MAX_NAMES);
    if (list) {
      out.list = [];
      list.forEach((n, i) => {
        const ns = checkLabel(p, n, [...at, 'list', i], 'namespace');
        if (ns && !out.list!.includes(ns)) out.list!.push(ns);
      });
    }
  }
  const selector = readLabelSelector(p, t.selector, [...at, 'selector']);
  if (selector) out.selector = selector;
  const s = readStringSelector(p, t.stringSelector, [...at, 'stringSelector']);
  if (s !== undefined) out.stringSelector = s;
  return out;
}

function readResource(p: Problems, raw: unknown, at: readonly PathSegment[]): ResourceRule | undefined {
  const r = p.map(raw, at, 'a map (kind, and names, selector or stringSelector)');
  if (!r) return undefined;
  p.unknownKeys(r, at, RESOURCE_FIELDS);
  const given = givenOf(r, ['names', 'selector', 'stringSelector']);
  if (given.length > 1)
    p.add(at, `only one of names, selector, stringSelector can be specified (got ${given.join(' and ')})`);
  else if (given.length === 0) p.add(at, 'at least one of names, selector, stringSelector must be set');
  let ok = true;
  const apiGroup = p.optString(r.apiGroup, [...at, 'apiGroup']);
  if (apiGroup !== undefined && !RESOURCE_GROUPS.has(apiGroup)) {
    p.add(
      [...at, 'apiGroup'],
      `apiGroup ${JSON.stringify(apiGroup)} has no kind AccessManagement distributes (clustermint.io or k0rdent.mirantis.com)`,
    );
    ok = false;
  }
  const apiVersion = p.optString(r.apiVersion, [...at, 'apiVersion']);
  if (apiVersion !== undefined && apiVersion !== '' && !RESOURCE_VERSIONS.has(apiVersion)) {
    p.add(
      [...at, 'apiVersion'],
      `apiVersion ${JSON.stringify(apiVersion)} has no kind AccessManagement distributes (clustermint.io/v1alpha1 or k0rdent.mirantis.com/v1beta1)`,
    );
    ok = false;
  }
  let kind: string | undefined;
  if (typeof r.kind === 'string' && (DISTRIBUTABLE_KINDS as readonly string[]).includes(r.kind))
    kind = r.kind;
  else
    p.add(
      [...at, 'kind'],
      r.kind === undefined || r.kind === ''
        ? `kind is required: one of ${DISTRIBUTABLE_KINDS.join(', ')}`
        : `kind ${JSON.stringify(r.kind)} cannot be distributed: one of ${DISTRIBUTABLE_KINDS.join(', ')}`,
    );
  const names = readNames(p, r.names, [...at, 'names']);
  const selector = readLabelSelector(p, r.selector, [...at, 'selector']);
  const stringSelector = readStringSelector(p, r.stringSelector, [...at, 'stringSelector']);
  if (!kind || !ok) return undefined;
  return {
    ...(apiGroup ? { apiGroup } : {}),
    ...(apiVersion ? { apiVersion } : {}),
    kind,
    ...(names ? { names } : {}),
    ...(selector ? { selector } : {}),
    ...(stringSelector !== undefined ? { stringSelector } : {}),
  };
}

/** Which of `fields` are set (k0rdent's CEL counts `has(...)`). */
function givenOf(m: PlainObject, fields: readonly string[]): string[] {
  return fields.filter((f) => m[f] !== undefined);
}

/** A list of object names without duplicates; undefined when absent or wrong. */
function readNames(p: Problems, raw: unknown, at: readonly PathSegment[]): string[] | undefined {
  const list = p.optList(raw, at, MAX_NAMES);
  if (!list) return undefined;
  const out: string[] = [];
  list.forEach((n, i) => {
    const name = checkObjectName(p, n, [...at, i], 'name');
    if (name && !out.includes(name)) out.push(name);
  });
  return out;
}

/** A `kubectl -l` style selector, parsed to report a bad one here rather than when applied. */
function readStringSelector(p: Problems, raw: unknown, at: readonly PathSegment[]): string | undefined {
  const s = p.optString(raw, at);
  if (s === undefined) return undefined;
  try {
    parseSelector(s);
    return s;
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e;
    p.add(at, `invalid label selector ${JSON.stringify(s)}: ${e.message}`);
    return undefined;
  }
}
