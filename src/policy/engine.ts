/**
 * The kyverno-json engine (pkg/json-engine): for each resource, each policy, each rule:
 * context -> match -> exclude -> assert, then identifier and feedback. Rules compile once (a
 * compile error becomes that rule's ERROR, as upstream) and compiled policies are cached by
 * content.
 */

import { Bindings } from '../expression/bindings.js';
import { GoLiteral, goV } from '../go/values.js';
import {
  child,
  type FieldError,
  type FieldPath,
  index,
  internal,
  invalid,
  pathOf,
  pathString,
  RuleError,
} from '../k8s/field.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { evaluationSite } from '../util/evaluation-site.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { type AssertContext, CompileError, type Node, parseScalar, parseTree } from './assertion.js';
import { type CompileMode, CompilerSet } from './compiler-set.js';
import { type Message, parseMessage } from './message.js';

export interface Violation {
  /** `<message> (CHECK=<path>)` or `(CHECK=<path>)`. */
  message: string;
  /** The assertion's own message, formatted (absent when it has none). */
  text?: string;
  /** The assertion's path, e.g. `spec.rules[0].assert.all[1]`. */
  check: string;
  errors: FieldError[];
}

export interface RuleResponse {
  rule: PlainObject;
  ruleName: string;
  identifier: string;
  /** The rule's ERROR text, if it errored. */
  error?: string;
  violations: Violation[];
  feedback?: Record<string, { value?: unknown; error?: string }>;
}

export interface PolicyResponse {
  policy: CompiledPolicy;
  rules: RuleResponse[];
}

export interface CompiledRule {
  name: string;
  raw: PlainObject;
  /** Set when the rule does not compile; every evaluation then reports it as the rule's error. */
  compileError?: CompileError;
  /** Undefined when the rule is skipped (match failed or exclude matched). */
  evaluate(resource: unknown, bindings: Bindings, ctx: AssertContext): RuleResponse | undefined;
}

export interface CompiledPolicy {
  name: string;
  labels: Record<string, string>;
  raw: PlainObject;
  rules: CompiledRule[];
}

/** Shared by every response without violations (never mutated). */
const NO_VIOLATIONS: Violation[] = [];

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): PlainObject | undefined => (isPlainObject(v) ? v : undefined);

// --- compiling

type Check = (resource: unknown, bindings: Bindings, ctx: AssertContext) => FieldError[];

function compileTree(path: FieldPath, tree: unknown, compilers: CompilerSet): Check {
  const node: Node = parseTree(path, tree, compilers);
  return (resource, bindings, ctx) => {
    const errs: FieldError[] = [];
    node.assert(undefined, resource, bindings, ctx, errs);
    return errs;
  };
}

/** Go's %#v of a match/assert block, used in the "empty ... is not valid" errors. */
function goStructText(type: 'Match' | 'Assert', v: PlainObject): string {
  const list = (x: unknown, elem: string) =>
    Array.isArray(x) ? `[]v1alpha1.${elem}{}` : `[]v1alpha1.${elem}(nil)`;
  const elem = type === 'Match' ? 'AssertionTree' : 'Assertion';
  const compiler = v.compiler === undefined ? '(*v1alpha1.Compiler)(nil)' : '(*v1alpha1.Compiler)(0x0)';
  return `v1alpha1.${type}{Compiler:${compiler}, Any:${list(v.any, elem)}, All:${list(v.all, elem)}}`;
}

/** True when the block yields field errors (a match that fails, an exclude that does not apply). */
type MatchFn = (resource: unknown, bindings: Bindings, ctx: AssertContext) => boolean;

function compileMatch(
  path: FieldPath,
  m: PlainObject | undefined,
  compilers: CompilerSet,
): MatchFn | undefined {
  if (!m) return undefined;
  const any = arr(m.any);
  const all = arr(m.all);
  if (any.length === 0 && all.length === 0) {
    throw new CompileError(
      invalid(path, new GoLiteral(goStructText('Match', m)), 'an empty match is not valid', 'int64'),
    );
  }
  const c = compilers.withDefault(str(m.compiler));
  const anyChecks = any.map((t, i) => compileTree(index(child(path, 'any'), i), t, c));
  const allChecks = all.map((t, i) => compileTree(index(child(path, 'all'), i), t, c));
  // Only whether a tree yields errors matters here (they are never printed).
  return (resource, bindings, ctx) => {
    let failed = false;
    for (let i = 0; i < anyChecks.length; i++) {
      if (anyChecks[i](resource, bindings, ctx).length === 0) return false;
      failed = true;
    }
    for (let i = 0; i < allChecks.length; i++)
      if (allChecks[i](resource, bindings, ctx).length !== 0) failed = true;
    return failed;
  };
}

type AssertionFn = (resource: unknown, bindings: Bindings, ctx: AssertContext) => Violation | undefined;

function compileAssertion(path: FieldPath, a: PlainObject, compilers: CompilerSet): AssertionFn {
  const c = compilers.withDefault(str(a.compiler));
  const check = compileTree(child(path, 'check'), a.check, c);
  const message: Message | undefined = typeof a.message === 'string' ? parseMessage(a.message) : undefined;
  const checkPath = pathString(path);
  const checkText = `(CHECK=${checkPath})`;
  return (resource, bindings, ctx) => {
    const errors = check(resource, bindings, ctx);
    if (errors.length === 0) return undefined;
    const text = message?.format(resource, bindings);
    return {
      message: text !== undefined ? `${text} ${checkText}` : checkText,
      text,
      check: checkPath,
      errors,
    };
  };
}

type AssertFn = (resource: unknown, bindings: Bindings, ctx: AssertContext) => Violation[];

function compileAssert(path: FieldPath, a: PlainObject, compilers: CompilerSet): AssertFn {
  const c = compilers.withDefault(str(a.compiler));
  const any = arr(a.any);
  const all = arr(a.all);
  if (any.length === 0 && all.length === 0) {
    throw new CompileError(
      invalid(path, new GoLiteral(goStructText('Assert', a)), 'an empty assert is not valid', 'int64'),
    );
  }
  const anyFns = any.map((x, i) => compileAssertion(index(child(path, 'any'), i), obj(x) ?? {}, c));
  const allFns = all.map((x, i) => compileAssertion(index(child(path, 'all'), i), obj(x) ?? {}, c));
  return (resource, bindings, ctx) => {
    if (anyFns.length > 0) {
      const fails: Violation[] = [];
      let passed = false;
      for (let i = 0; i < anyFns.length; i++) {
        const v = anyFns[i](resource, bindings, ctx);
        if (!v) {
          passed = true;
          break;
        }
        fails.push(v);
      }
      if (!passed) return fails;
    }
    const fails: Violation[] = [];
    for (let i = 0; i < allFns.length; i++) {
      const v = allFns[i](resource, bindings, ctx);
      if (v) fails.push(v);
    }
    return fails;
  };
}

type ContextFn = (resource: unknown, bindings: Bindings, ctx: AssertContext) => Bindings;

function compileContext(path: FieldPath, entries: unknown[], compilers: CompilerSet): ContextFn {
  const fns = entries.map((raw, i) => {
    const e = obj(raw) ?? {};
    const p = index(path, i);
    const handler = parseScalar(
      child(p, 'variable'),
      e.variable ?? null,
      compilers.withDefault(str(e.compiler)),
    );
    const name = String(e.name ?? '');
    return (resource: unknown, bindings: Bindings) =>
      bindings.withLazy(name, () => {
        try {
          return handler.evaluate(resource, bindings);
        } catch (err) {
          throw RuleError.of(internal(child(p, 'variable'), messageOf(err)));
        }
      });
  });
  return (resource, bindings) => {
    let b = bindings;
    for (let i = 0; i < fns.length; i++) b = fns[i](resource, b);
    return b;
  };
}

function compileIdentifier(path: FieldPath, text: string | undefined, compilers: CompilerSet) {
  if (!text) return (_r: unknown, _b: Bindings, _c: AssertContext) => '';
  let program: ReturnType<typeof compilers.jp.compiler.compile>;
  try {
    program = compilers.jp.compiler.compile(text);
  } catch (e) {
    throw new CompileError(internal(path, messageOf(e)));
  }
  return (resource: unknown, bindings: Bindings, ctx: AssertContext) => {
    try {
      return goV(program.evaluate(resource, bindings), ctx.payloadOrigin);
    } catch (e) {
      return `(error: ${messageOf(e)})`;
    }
  };
}

function compileFeedback(path: FieldPath, entries: unknown[], compilers: CompilerSet) {
  const fns = entries.map((raw, i) => {
    const e = obj(raw) ?? {};
    const handler = parseScalar(
      child(index(path, i), 'value'),
      e.value ?? null,
      compilers.withDefault(str(e.compiler)),
    );
    return { name: String(e.name ?? ''), handler };
  });
  return (resource: unknown, bindings: Bindings) => {
    if (fns.length === 0) return undefined;
    const out: Record<string, { value?: unknown; error?: string }> = {};
    for (const f of fns) {
      try {
        out[f.name] = { value: f.handler.evaluate(resource, bindings) };
      } catch (e) {
        out[f.name] = { error: messageOf(e) };
      }
    }
    return out;
  };
}

export function compileRule(path: FieldPath, raw: PlainObject, policyCompilers: CompilerSet): CompiledRule {
  const name = String(raw.name ?? '');
  const compilers = policyCompilers.withDefault(str(raw.compiler));
  try {
    const context = compileContext(child(path, 'context'), arr(raw.context), compilers);
    const identifier = compileIdentifier(child(path, 'identifier'), str(raw.identifier), compilers);
    const match = compileMatch(child(path, 'match'), obj(raw.match), compilers);
    const exclude = compileMatch(child(path, 'exclude'), obj(raw.exclude), compilers);
    const feedback = compileFeedback(child(path, 'feedback'), arr(raw.feedback), compilers);
    const assert = compileAssert(child(path, 'assert'), obj(raw.assert) ?? {}, compilers);
    return {
      name,
      raw,
      evaluate(resource, outer, ctx) {
        const bindings = context(resource, outer.with('rule', raw), ctx);
        let violations: Violation[] = NO_VIOLATIONS;
        let error: string | undefined;
        try {
          if (match?.(resource, bindings, ctx)) return undefined;
          if (exclude && !exclude(resource, bindings, ctx)) return undefined;
          violations = assert(resource, bindings, ctx);
        } catch (e) {
          error = messageOf(e);
        }
        const response: RuleResponse = {
          rule: raw,
          ruleName: name,
          identifier: identifier(resource, bindings, ctx),
          violations,
          feedback: feedback(resource, bindings),
        };
        if (error !== undefined) response.error = error;
        return response;
      },
    };
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return {
      name,
      raw,
      compileError: e,
      evaluate: () => ({ rule: raw, ruleName: name, identifier: '', error: e.message, violations: [] }),
    };
  }
}

const compiledByObject: Record<CompileMode, WeakMap<PlainObject, CompiledPolicy>> = {
  strict: new WeakMap(),
  'kyverno-json': new WeakMap(),
};
const compiledByContent = new BoundedCache<string, CompiledPolicy>(1024);

/**
 * Compiles a ValidatingPolicy (already shape-checked by the loader); cached by content.
 * `strict` (the gate's default) refuses unknown functions and wrong arities at compile time;
 * `kyverno-json` (scan) reports them when evaluated, as kyverno-json does.
 */
export function compilePolicy(raw: PlainObject, mode: CompileMode = 'strict'): CompiledPolicy {
  const hit = compiledByObject[mode].get(raw);
  if (hit) return hit;
  // keyed by the policy's JSON text itself: hashing it would load node:crypto on a cold start
  const key = `${mode}:${JSON.stringify(raw)}`;
  let compiled = compiledByContent.get(key);
  if (!compiled) {
    const meta = obj(raw.metadata) ?? {};
    const spec = obj(raw.spec) ?? {};
    const compilers = CompilerSet.forMode(mode).withDefault(str(spec.compiler));
    const rulesPath = pathOf('spec', 'rules');
    compiled = {
      name: String(meta.name ?? ''),
      labels: Object.fromEntries(Object.entries(obj(meta.labels) ?? {}).map(([k, v]) => [k, String(v)])),
      raw,
      rules: arr(spec.rules).map((r, i) => compileRule(index(rulesPath, i), obj(r) ?? {}, compilers)),
    };
    compiledByContent.set(key, compiled);
  }
  compiledByObject[mode].set(raw, compiled);
  return compiled;
}

/** The scope every rule starts from: the caller's bindings (`$<key>`), made once per scan. */
export function rootBindings(bindings: Record<string, unknown> | undefined): Bindings {
  let base = Bindings.empty;
  if (bindings) for (const k of Object.keys(bindings)) base = base.with(k, bindings[k]);
  return base;
}

/** Runs every policy on one resource (kyverno-json's resource engine). */
export function evaluateResource(
  resource: unknown,
  policies: readonly CompiledPolicy[],
  bindings: Record<string, unknown> | Bindings | undefined,
  ctx: AssertContext,
): PolicyResponse[] {
  const base = (bindings instanceof Bindings ? bindings : rootBindings(bindings)).with('payload', resource);
  const out: PolicyResponse[] = [];
  for (let p = 0; p < policies.length; p++) {
    const policy = policies[p];
    evaluationSite(`ValidatingPolicy ${policy.name}`);
    const scope = base.with('policy', policy.raw);
    const rules: RuleResponse[] = [];
    for (let i = 0; i < policy.rules.length; i++) {
      const r = policy.rules[i].evaluate(resource, scope, ctx);
      if (r) rules.push(r);
    }
    out.push({ policy, rules });
  }
  return out;
}
