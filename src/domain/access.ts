/**
 * AccessManagement's distribution plan (k0rdent's accessRules): which objects of the system
 * namespace are copied into which namespaces. Pure: the reconciler lists namespaces and system
 * objects, this decides, the reconciler writes.
 */
import { SelectorError } from '../k8s/label-selector.js';
import { type LabelSelectorFact, labelSelectorMatches, stringSelectorMatches } from './label-selector.js';
import { SYSTEM_NAMESPACE } from './system-namespace.js';

export type { LabelSelectorFact } from './label-selector.js';

export type DistributableKind =
  | 'ClusterTemplate'
  | 'ServiceTemplate'
  | 'ClusterTemplateChain'
  | 'ServiceTemplateChain'
  | 'Credential';

export const DISTRIBUTABLE_KINDS: readonly DistributableKind[] = [
  'ClusterTemplate',
  'ServiceTemplate',
  'ClusterTemplateChain',
  'ServiceTemplateChain',
  'Credential',
];

export function isDistributableKind(kind: string): kind is DistributableKind {
  return (DISTRIBUTABLE_KINDS as readonly string[]).includes(kind);
}

export interface NamespaceFact {
  name: string;
  labels: Record<string, string>;
}

/** An object of the system namespace. */
export interface SystemObjectFact {
  kind: DistributableKind;
  name: string;
  labels: Record<string, string>;
  /** for chains: every template name the chain names */
  chainTemplates?: readonly string[];
}

/** The reader's normalised rule (api/access-management.ts builds it). */
export interface AccessRuleFact {
  targets: { list?: readonly string[]; selector?: LabelSelectorFact; stringSelector?: string } | undefined;
  objects: ReadonlyArray<{
    kind: string;
    names?: readonly string[];
    selector?: LabelSelectorFact;
    stringSelector?: string;
  }>;
}

export interface Distribution {
  kind: DistributableKind;
  name: string;
  namespace: string;
  rule: number;
}

export interface DistributionPlan {
  /** every (kind, name, target namespace) the rules give; copies to make or keep */
  wanted: Distribution[];
  /** per rule: a problem to report (selects no namespace, names an object the system namespace lacks, a kind not distributable) */
  problems: Array<{ rule: number; message: string }>;
}

/** The template kind a chain kind lists. */
const CHAIN_MEMBERS: Partial<Record<DistributableKind, DistributableKind>> = {
  ClusterTemplateChain: 'ClusterTemplate',
  ServiceTemplateChain: 'ServiceTemplate',
};

type Problem = (message: string) => void;

function selectorMatcher(
  s: { selector?: LabelSelectorFact; stringSelector?: string },
  problem: Problem,
  what: string,
): ((labels: Record<string, string>) => boolean) | undefined {
  if (s.stringSelector !== undefined) {
    try {
      stringSelectorMatches(s.stringSelector, {});
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      problem(`${what} stringSelector ${JSON.stringify(s.stringSelector)} is invalid: ${e.message}`);
      return undefined;
    }
    const text = s.stringSelector;
    return (labels) => stringSelectorMatches(text, labels);
  }
  if (s.selector !== undefined) {
    const sel = s.selector;
    try {
      labelSelectorMatches(sel, {});
    } catch (e) {
      problem(`${what} selector is invalid: ${(e as Error).message}`);
      return undefined;
    }
    return (labels) => labelSelectorMatches(sel, labels);
  }
  return undefined;
}

/** The namespaces a rule targets: absent or empty targets mean every namespace but the system one. */
function targetNamespaces(
  targets: AccessRuleFact['targets'],
  namespaces: readonly NamespaceFact[],
  problem: Problem,
): string[] {
  const candidates = namespaces.filter((n) => n.name !== SYSTEM_NAMESPACE);
  if (targets?.list !== undefined && targets.list.length > 0) {
    const names = new Set(targets.list);
    const missing = targets.list.filter((n) => !namespaces.some((ns) => ns.name === n));
    if (missing.length > 0)
      problem(`targetNamespaces.list names namespaces that do not exist: ${missing.join(', ')}`);
    return candidates.filter((n) => names.has(n.name)).map((n) => n.name);
  }
  if (targets && (targets.selector !== undefined || targets.stringSelector !== undefined)) {
    const match = selectorMatcher(targets, problem, 'targetNamespaces');
    if (!match) return [];
    return candidates.filter((n) => match(n.labels)).map((n) => n.name);
  }
  return candidates.map((n) => n.name);
}

/** The system objects one `resources` entry names (and, for chains, their templates). */
function selectedObjects(
  entry: AccessRuleFact['objects'][number],
  system: readonly SystemObjectFact[],
  problem: Problem,
): Array<{ kind: DistributableKind; name: string }> {
  const kind = entry.kind;
  if (!isDistributableKind(kind)) {
    problem(`kind ${kind} cannot be distributed (one of ${DISTRIBUTABLE_KINDS.join(', ')})`);
    return [];
  }
  const ofKind = system.filter((o) => o.kind === kind);
  let picked: SystemObjectFact[];
  if (entry.names !== undefined && entry.names.length > 0) {
    picked = [];
    for (const name of entry.names) {
      const o = ofKind.find((x) => x.name === name);
      if (o) picked.push(o);
      else problem(`${kind} ${name} does not exist in namespace ${SYSTEM_NAMESPACE}`);
    }
  } else if (entry.selector !== undefined || entry.stringSelector !== undefined) {
    const match = selectorMatcher(entry, problem, kind);
    if (!match) return [];
    picked = ofKind.filter((o) => match(o.labels));
    if (picked.length === 0)
      problem(`the ${kind} selector selects no object in namespace ${SYSTEM_NAMESPACE}`);
  } else {
    problem(`the ${kind} entry names no object: give names, a selector or a stringSelector`);
    return [];
  }
  const out: Array<{ kind: DistributableKind; name: string }> = [];
  for (const o of picked) {
    out.push({ kind, name: o.name });
    const member = CHAIN_MEMBERS[kind];
    if (!member) continue;
    for (const t of o.chainTemplates ?? []) {
      if (system.some((x) => x.kind === member && x.name === t)) out.push({ kind: member, name: t });
      else
        problem(
          `${kind} ${o.name} names ${member} ${t}, which does not exist in namespace ${SYSTEM_NAMESPACE}`,
        );
    }
  }
  return out;
}

export function planDistribution(
  rules: readonly AccessRuleFact[],
  namespaces: readonly NamespaceFact[],
  system: readonly SystemObjectFact[],
): DistributionPlan {
  const wanted: Distribution[] = [];
  const seen = new Set<string>();
  const problems: DistributionPlan['problems'] = [];
  rules.forEach((rule, i) => {
    const problem: Problem = (message) => {
      if (!problems.some((p) => p.rule === i && p.message === message)) problems.push({ rule: i, message });
    };
    const targets = targetNamespaces(rule.targets, namespaces, problem);
    if (targets.length === 0) problem('targetNamespaces selects no namespace');
    const objects = rule.objects.flatMap((entry) => selectedObjects(entry, system, problem));
    for (const namespace of targets)
      for (const { kind, name } of objects) {
        const key = `${kind}\0${name}\0${namespace}`;
        if (seen.has(key)) continue;
        seen.add(key);
        wanted.push({ kind, name, namespace, rule: i });
      }
  });
  return { wanted, problems };
}

export function isDistributed(
  plan: DistributionPlan,
  kind: DistributableKind,
  name: string,
  namespace: string,
): boolean {
  return plan.wanted.some((d) => d.kind === kind && d.name === name && d.namespace === namespace);
}

/** What to do with an existing managed copy: keep, delete (not wanted, unused), revoke (not wanted, in use: label it). */
export function copyAction(wanted: boolean, inUse: boolean): 'keep' | 'delete' | 'revoke' {
  if (wanted) return 'keep';
  return inUse ? 'revoke' : 'delete';
}
