/**
 * Which rules a resource can skip without evaluating them. Most rules match one kind (and often
 * one team), and the gate runs every rule on every rendered object: for a rule whose match is
 * made only of entries that cannot raise an error, the engine's answer for a resource whose
 * `kind`, `apiVersion` or `$team` differs from the rule's literal is "skipped"; this module gives
 * that answer without the evaluation. Anything it cannot prove (another compiler, nested trees,
 * functions, an `any` block, a non-string kind...) is left to the engine, so verdicts are the
 * engine's, bit for bit.
 */
import type { CompiledPolicy, CompiledRule } from '../policy/engine.js';
import { parseKey } from '../policy/expression.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';

/** An entry compared with a literal string: a plain top-level key, or the `$team` binding. */
interface Literal {
  source: 'field' | 'team';
  key: string;
  value: string;
}

/** A rule's literal entries, when every other entry of its match is known not to throw. */
type Gate = Literal[] | null;

/** `(a.b.c != \`null\`)` or `==`: a field path compared with null is a boolean, never an error. */
const NULL_CHECK = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)* (?:!=|==) `null`$/;

function entryGate(key: string, value: unknown): Literal | 'safe' | null {
  const k = parseKey(key);
  if (k.foreach || k.binding) return null;
  if (k.compiler === '') {
    if (
      (key === 'kind' || key === 'apiVersion') &&
      typeof value === 'string' &&
      parseKey(value).compiler === ''
    )
      return { source: 'field', key, value: parseKey(value).statement };
    return null;
  }
  if (k.compiler !== 'default' && k.compiler !== 'jp') return null;
  if (k.statement === '$team' && typeof value === 'string' && parseKey(value).compiler === '')
    return { source: 'team', key, value: parseKey(value).statement };
  if (NULL_CHECK.test(k.statement) && typeof value === 'boolean') return 'safe';
  return null;
}

function analyse(policy: CompiledPolicy, rule: CompiledRule): Gate {
  if (rule.compileError) return null;
  const spec = isPlainObject(policy.raw.spec) ? policy.raw.spec : {};
  const match = rule.raw.match;
  if (spec.compiler !== undefined || rule.raw.compiler !== undefined || !isPlainObject(match)) return null;
  if (match.compiler !== undefined) return null;
  if (match.any !== undefined && !(Array.isArray(match.any) && match.any.length === 0)) return null;
  if (!Array.isArray(match.all) || match.all.length === 0) return null;
  const literals: Literal[] = [];
  for (const tree of match.all) {
    if (!isPlainObject(tree) || Object.keys(tree).length === 0) return null;
    for (const key of Object.keys(tree)) {
      const g = entryGate(key, tree[key]);
      if (g === null) return null;
      if (g !== 'safe') literals.push(g);
    }
  }
  return literals.length ? literals : null;
}

const gates = new WeakMap<CompiledRule, Gate>();

function gateOf(policy: CompiledPolicy, rule: CompiledRule): Gate {
  let g = gates.get(rule);
  if (g === undefined) {
    g = analyse(policy, rule);
    gates.set(rule, g);
  }
  return g;
}

/**
 * True when the engine would skip the rule for this resource: a literal entry fails, and none
 * can raise an error (the compared values are strings or absent).
 */
function skips(gate: Literal[], resource: PlainObject, team: unknown): boolean {
  let fails = false;
  for (const l of gate) {
    const actual = l.source === 'team' ? team : resource[l.key];
    if (actual === undefined || actual === null) {
      if (l.source === 'team') return false; // an unbound variable is an error
      fails = true; // not found, or null against a string: a field error
    } else if (typeof actual !== 'string')
      return false; // a type mismatch is an error
    else if (actual !== l.value) fails = true;
  }
  return fails;
}

/**
 * The policies to evaluate on `resource`: the same list when no rule can be skipped, else
 * copies without the skipped rules (a policy left with no rule answers as one whose rules were
 * all skipped).
 */
export function policiesFor(
  policies: readonly CompiledPolicy[],
  resource: unknown,
  bindings: Record<string, unknown>,
): readonly CompiledPolicy[] {
  if (!isPlainObject(resource)) return policies;
  const team = Object.hasOwn(bindings, 'team') ? bindings.team : undefined;
  // the answer depends on the resource's kind and apiVersion and on $team only (the literals a
  // gate compares): kept by those, when they are strings or absent
  const key = filterKey(resource.kind, resource.apiVersion, team);
  if (key === undefined) return filtered(policies, resource, team);
  let known = byList.get(policies);
  if (!known) {
    known = new BoundedCache(256);
    byList.set(policies, known);
  }
  return known.getOrCreate(key, () => filtered(policies, resource, team));
}

const byList = new WeakMap<readonly CompiledPolicy[], BoundedCache<string, readonly CompiledPolicy[]>>();

/** What `skips` reads, as text, when each is a string or absent; undefined otherwise. */
function filterKey(kind: unknown, apiVersion: unknown, team: unknown): string | undefined {
  const keyable = (v: unknown) => v === undefined || typeof v === 'string';
  if (!keyable(kind) || !keyable(apiVersion) || !keyable(team)) return undefined;
  return JSON.stringify([kind, apiVersion, team]); // absent is null here: null itself is not keyed
}

function filtered(
  policies: readonly CompiledPolicy[],
  resource: PlainObject,
  team: unknown,
): readonly CompiledPolicy[] {
  let out: CompiledPolicy[] | undefined;
  for (let p = 0; p < policies.length; p++) {
    const policy = policies[p];
    let rules: CompiledRule[] | undefined;
    for (let r = 0; r < policy.rules.length; r++) {
      const rule = policy.rules[r];
      const gate = gateOf(policy, rule);
      const skip = gate !== null && skips(gate, resource, team);
      if (skip && !rules) rules = policy.rules.slice(0, r);
      else if (!skip && rules) rules.push(rule);
    }
    if (rules && !out) out = policies.slice(0, p);
    if (out) out.push(rules ? { ...policy, rules } : policy);
  }
  return out ?? policies;
}
