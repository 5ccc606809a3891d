/**
 * `x-kubernetes-validations` (CEL) for structural schemas, as apiextensions runs them:
 * `self` (and `oldSelf` for transition rules) typed from the schema node the rule sits on
 * (objects with properties become object types whose undeclared fields do not compile, maps
 * become `map(string, T)`, arrays `list(T)`, int-or-string and preserve-unknown nodes `dyn`),
 * property names escaped as Kubernetes escapes them, `message`, `messageExpression`, `reason`
 * and `fieldPath`.
 *
 * Cost: cel-go's static cost estimator is not available on this CEL library. `estimateCost`
 * approximates it from the AST and the schema's size bounds (see its comment); the result is
 * used for the same limits Kubernetes applies at schema admission. At runtime each evaluation
 * is held to Kubernetes' runtime cost (cel/cost.ts): PerCallLimit per rule and
 * messageExpression, RuntimeCELCostBudget for all rules on one validated value.
 */
import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import { CEL_COST_LIMITS, COST_LIMIT_MESSAGE } from '../../cel/cost.js';
import { newCelEnvironment } from '../../cel/env.js';
import { celEvalMessage, celGoCompileMessage } from '../../cel/index.js';
import { fromCel, toCel } from '../../cel/values.js';
import { BudgetExceededError, withBudget } from '../../expression/budget.js';
import { BoundedCache } from '../../util/bounded-cache.js';
import { isPlainObject } from '../../util/plain-object.js';
import {
  additionalSchema,
  isIntOrString,
  type JSONSchemaProps,
  own,
  preservesUnknown,
  type ValidationRule,
} from './schema.js';

/** Kubernetes' limits (k8s.io/apiserver/pkg/apis/cel, apiextensions validation). */
export const CEL_LIMITS = {
  /** Largest estimated cost of one expression (StaticEstimatedCostLimit). */
  staticEstimatedCostLimit: 10_000_000,
  /** Largest estimated cost of all expressions of one schema (StaticEstimatedCRDCostLimit). */
  staticEstimatedCRDCostLimit: 100_000_000,
  /** Request size the unbounded-size estimates assume (3 MiB, as the API server). */
  maxRequestSizeBytes: 3 * 1024 * 1024,
  /** Rule evaluations per validated value (a cap besides the runtime cost). */
  maxEvaluationsPerValue: 100_000,
  /** Runtime cost of one rule evaluation (PerCallLimit). */
  perCallLimit: CEL_COST_LIMITS.perCallLimit,
  /** Runtime cost of all rules on one validated value (RuntimeCELCostBudget). */
  runtimeCostBudget: CEL_COST_LIMITS.runtimeCostBudget,
} as const;

const OUT_OF_BUDGET =
  'validation failed due to running out of cost budget, no further validation rules will be run';

/** What is left of the budgets of one validated value. */
export interface RuleBudget {
  evaluations: number;
  /** Runtime cost left (RuntimeCELCostBudget when absent). */
  cost?: number;
}

/** Runs one program under the per-call limit and what is left of the value's budget. */
function runCosted(program: ParseResult, vars: object, budget: RuleBudget): unknown {
  const left = budget.cost ?? CEL_LIMITS.runtimeCostBudget;
  return withBudget(
    Math.min(CEL_LIMITS.perCallLimit, left),
    () => program(vars),
    (units) => {
      budget.cost = left - units;
    },
  );
}

const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/** Kubernetes' CEL escaping of a property name; undefined when it cannot be accessed from CEL. */
export function escapeName(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(name)) return undefined;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !name.includes('__')) return name;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    if (name.startsWith('__', i)) {
      out += '__underscores__';
      i++;
    } else if (name[i] === '.') out += '__dot__';
    else if (name[i] === '-') out += '__dash__';
    else if (name[i] === '/') out += '__slash__';
    else out += name[i];
  }
  return out;
}

export interface CompileError {
  readonly type: 'Required' | 'Invalid';
  readonly detail: string;
}

export interface CompiledRule {
  readonly rule: ValidationRule;
  readonly program?: ParseResult;
  readonly error?: CompileError;
  readonly messageProgram?: ParseResult;
  readonly messageExpressionError?: CompileError;
  readonly usesOldSelf: boolean;
  /** Estimated cost of one evaluation (see estimateCost). */
  readonly maxCost: number;
  readonly messageExpressionMaxCost: number;
}

export interface CompiledRules {
  readonly rules: CompiledRule[];
  /** The schema value as the CEL value `self` sees. */
  toCel(value: unknown): unknown;
}

type Ctor = new () => object;

/** Declares the CEL type of `s` in `env` (registering object types) and returns its name. */
class TypeBuilder {
  private n = 0;
  readonly ctors = new Map<JSONSchemaProps, Ctor>();
  constructor(private readonly env: Environment) {}

  declType(s: JSONSchemaProps): string {
    if (isIntOrString(s)) return 'dyn';
    switch (s.type) {
      case 'integer':
        return 'int';
      case 'number':
        return 'double';
      case 'boolean':
        return 'bool';
      case 'string':
        return 'string';
      case 'array':
        return `list<${s.items ? this.declType(s.items) : 'dyn'}>`;
      case 'object': {
        const extra = additionalSchema(s);
        if (extra !== undefined) return `map<string, ${this.declType(extra)}>`;
        if (s.properties === undefined && preservesUnknown(s)) return 'map<string, dyn>';
        const fields: Record<string, string> = {};
        for (const k of Object.keys(s.properties ?? {})) {
          const name = escapeName(k);
          if (name !== undefined) fields[name] = this.declType(s.properties![k]);
        }
        const typeName = `object_${this.n++}`;
        const ctor = class {} as Ctor;
        Object.defineProperty(ctor, 'name', { value: typeName });
        this.env.registerType(typeName, { ctor, fields });
        this.ctors.set(s, ctor);
        return typeName;
      }
      default:
        return 'dyn';
    }
  }

  /** A JSON value as the CEL value of the declared type. */
  convert(v: unknown, s: JSONSchemaProps | undefined): unknown {
    if (v === null || v === undefined) return null;
    if (s === undefined || isIntOrString(s)) return toCel(v);
    switch (s.type) {
      case 'integer':
        return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : toCel(v);
      case 'number':
        return v;
      case 'array':
        return Array.isArray(v) ? v.map((x) => this.convert(x, s.items)) : toCel(v);
      case 'object': {
        if (!isPlainObject(v)) return toCel(v);
        const ctor = this.ctors.get(s);
        const extra = additionalSchema(s);
        if (ctor === undefined) {
          const m = new Map<string, unknown>();
          for (const k of Object.keys(v)) m.set(k, extra ? this.convert(v[k], extra) : toCel(v[k]));
          return m;
        }
        const o = new ctor();
        for (const k of Object.keys(v)) {
          const prop = own(s.properties, k);
          const name = escapeName(k);
          if (prop === undefined || name === undefined) continue;
          Object.defineProperty(o, name, {
            value: this.convert(v[k], prop),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return o;
      }
      default:
        return toCel(v);
    }
  }
}

const compiled = new BoundedCache<string, CompiledRules>(512);

/** Compiles the rules on one schema node; cached by the node's canonical JSON. */
export function compileRules(s: JSONSchemaProps, cacheKey: string): CompiledRules {
  const hit = compiled.get(cacheKey);
  if (hit !== undefined) return hit;
  let builder: TypeBuilder | undefined;
  let selfType = 'dyn';
  const env = newCelEnvironment((e) => {
    builder = new TypeBuilder(e);
    selfType = builder.declType(s);
    return e.registerVariable('self', selfType).registerVariable('oldSelf', selfType);
  });
  const types = builder!;
  const rules = (s['x-kubernetes-validations'] ?? []).map((rule) => compileRule(env, rule, s));
  const out: CompiledRules = { rules, toCel: (v) => types.convert(v, s) };
  compiled.set(cacheKey, out);
  return out;
}

function parse(env: Environment, expr: string, want: string): { program?: ParseResult; error?: string } {
  let program: ParseResult;
  try {
    program = env.parse(expr);
  } catch (e) {
    return { error: celGoCompileMessage(expr, e) };
  }
  const checked = program.check();
  if (!checked.valid) return { error: celGoCompileMessage(expr, checked.error) };
  if (checked.type !== want && checked.type !== 'dyn') {
    return { error: `cel expression must evaluate to a ${want}` };
  }
  return { program };
}

function compileRule(env: Environment, rule: ValidationRule, s: JSONSchemaProps): CompiledRule {
  const expr = rule.rule ?? '';
  let program: ParseResult | undefined;
  let error: CompileError | undefined;
  if (expr.trim() === '') error = { type: 'Required', detail: 'rule is not specified' };
  else {
    const r = parse(env, expr, 'bool');
    if (r.error !== undefined)
      error = {
        type: 'Invalid',
        detail: r.error.startsWith('ERROR') ? `compilation failed: ${r.error}` : r.error,
      };
    program = r.program;
  }
  let messageProgram: ParseResult | undefined;
  let messageExpressionError: CompileError | undefined;
  if (rule.messageExpression !== undefined && rule.messageExpression.trim() !== '') {
    const r = parse(env, rule.messageExpression, 'string');
    if (r.error !== undefined)
      messageExpressionError = {
        type: 'Invalid',
        detail: r.error.startsWith('ERROR')
          ? `messageExpression compilation failed: ${r.error}`
          : r.error.replace('cel expression', 'messageExpression'),
      };
    messageProgram = r.program;
  }
  return {
    rule,
    program,
    error,
    messageProgram,
    messageExpressionError,
    usesOldSelf: program !== undefined && mentions(program.ast, 'oldSelf'),
    maxCost: program ? estimateCost(program.ast, s) : 0,
    messageExpressionMaxCost: messageProgram ? estimateCost(messageProgram.ast, s) : 0,
  };
}

interface Node {
  op: string;
  args: unknown;
}
const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && 'op' in x && 'args' in x;

function mentions(ast: unknown, id: string): boolean {
  if (isNode(ast)) {
    if (ast.op === 'id') return ast.args === id;
    return mentions(ast.args, id);
  }
  if (Array.isArray(ast)) return ast.some((x) => mentions(x, id));
  return false;
}

// ---- cost estimation -------------------------------------------------------------------------

const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const LINEAR_STRING_FUNCTIONS = new Set([
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  'indexOf',
  'lastIndexOf',
  'split',
  'replace',
  'lowerAscii',
  'upperAscii',
  'trim',
  'substring',
  'charAt',
  'format',
  'join',
  'reverse',
  'string',
]);

/** Smallest JSON text of a value of the schema (for unbounded list and map sizes). */
function minSerializedSize(s: JSONSchemaProps | undefined): number {
  if (s === undefined || isIntOrString(s)) return 1;
  switch (s.type) {
    case 'string':
      return 2;
    case 'boolean':
      return 4;
    case 'object':
    case 'array':
      return 2;
    default:
      return 1;
  }
}

/** Largest size (string length, list or map entries) a value of the schema can have. */
export function maxSize(s: JSONSchemaProps | undefined): number {
  const max = CEL_LIMITS.maxRequestSizeBytes;
  if (s === undefined) return 1;
  if (s.type === 'string') return s.maxLength ?? max;
  if (s.type === 'array') return s.maxItems ?? Math.floor(max / (minSerializedSize(s.items) + 1));
  if (s.type === 'object') {
    const extra = additionalSchema(s);
    if (extra !== undefined) return s.maxProperties ?? Math.floor(max / (minSerializedSize(extra) + 4));
    return Object.keys(s.properties ?? {}).length || 1;
  }
  return 1;
}

/**
 * Approximates cel-go's static cost: one per node, `ceil(0.1 * size)` for string functions
 * that scan their receiver, the receiver's size times the body for comprehension macros.
 * Sizes come from the schema (maxLength, maxItems, maxProperties, else the 3 MiB request
 * bound) when an expression is a path from `self`/`oldSelf` or a macro variable.
 */
export function estimateCost(ast: unknown, self: JSONSchemaProps): number {
  const scope = new Map<string, JSONSchemaProps | undefined>([
    ['self', self],
    ['oldSelf', self],
  ]);
  return cost(ast, scope);
}

function schemaOf(
  node: unknown,
  scope: Map<string, JSONSchemaProps | undefined>,
): JSONSchemaProps | undefined {
  if (!isNode(node)) return undefined;
  if (node.op === 'id') return scope.get(node.args as string);
  if (node.op === '.' || node.op === '.?') {
    const [target, field] = node.args as [unknown, string];
    const s = schemaOf(target, scope);
    if (s === undefined) return undefined;
    const props = s.properties ?? {};
    for (const k of Object.keys(props)) if (escapeName(k) === field) return props[k];
    return additionalSchema(s);
  }
  if (node.op === '[]' || node.op === '[?]') {
    const s = schemaOf((node.args as unknown[])[0], scope);
    return s?.items ?? (s ? additionalSchema(s) : undefined);
  }
  return undefined;
}

function sizeOf(node: unknown, scope: Map<string, JSONSchemaProps | undefined>): number {
  if (isNode(node) && node.op === 'value' && typeof node.args === 'string') return node.args.length;
  const s = schemaOf(node, scope);
  return s === undefined ? 1 : maxSize(s);
}

function cost(node: unknown, scope: Map<string, JSONSchemaProps | undefined>): number {
  if (Array.isArray(node)) return node.reduce((a: number, x) => a + cost(x, scope), 0);
  if (!isNode(node)) return 0;
  switch (node.op) {
    case 'value':
      return 0;
    case 'id':
      return 1;
    case 'rcall': {
      const [name, receiver, args] = node.args as [string, unknown, unknown[]];
      if (MACROS.has(name) && args.length >= 2 && isNode(args[0]) && args[0].op === 'id') {
        const n = sizeOf(receiver, scope);
        const element = schemaOf(receiver, scope);
        const inner = new Map(scope);
        inner.set(
          args[0].args as string,
          element?.items ?? (element ? additionalSchema(element) : undefined),
        );
        return cost(receiver, scope) + n * (cost(args.slice(1), inner) + 1);
      }
      const base = 1 + cost(receiver, scope) + cost(args, scope);
      return LINEAR_STRING_FUNCTIONS.has(name) ? base + Math.ceil(0.1 * sizeOf(receiver, scope)) : base;
    }
    default:
      return 1 + cost(node.args, scope);
  }
}

// ---- evaluation ----------------------------------------------------------------------------

export interface RuleFailure {
  readonly rule: CompiledRule;
  readonly message: string;
  readonly evalError?: boolean;
}

/** Runs the compiled rules on one value; undefined old value skips transition rules. */
export function runRules(
  rules: CompiledRules,
  value: unknown,
  oldValue: unknown,
  budget: RuleBudget,
): RuleFailure[] {
  const out: RuleFailure[] = [];
  const self = rules.toCel(value);
  const oldSelf = oldValue === undefined ? undefined : rules.toCel(oldValue);
  const stop = (r: CompiledRule, message: string): RuleFailure[] => {
    budget.evaluations = -1;
    out.push({ rule: r, message, evalError: true });
    return out;
  };
  for (const r of rules.rules) {
    if (r.program === undefined) {
      if (r.error) out.push({ rule: r, message: `rule compile error: ${r.error.detail}`, evalError: true });
      continue;
    }
    if (r.usesOldSelf && oldSelf === undefined) continue;
    if (--budget.evaluations < 0) {
      return stop(r, `${OUT_OF_BUDGET} (more than ${CEL_LIMITS.maxEvaluationsPerValue} rule evaluations)`);
    }
    if ((budget.cost ?? 1) <= 0) return stop(r, OUT_OF_BUDGET);
    let result: unknown;
    try {
      result = runCosted(r.program, { self, oldSelf: oldSelf ?? null }, budget);
    } catch (e) {
      if (e instanceof BudgetExceededError) {
        // the per-call limit, or the value's budget when less was left
        if ((budget.cost ?? 1) < 0 || e.limit < CEL_LIMITS.perCallLimit) return stop(r, OUT_OF_BUDGET);
        return stop(
          r,
          `'${COST_LIMIT_MESSAGE}': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(r.rule)}`,
        );
      }
      out.push({ rule: r, message: celEvalMessage(e), evalError: true });
      continue;
    }
    if (result === true) continue;
    const message = failureMessage(r, self, oldSelf, budget);
    if (message === undefined) return stop(r, OUT_OF_BUDGET);
    out.push({ rule: r, message });
  }
  return out;
}

/** Kubernetes' ruleErrorString: the rule's message, else its text. */
function ruleErrorString(rule: ValidationRule): string {
  const m = rule.message?.trim();
  return m ? m : (rule.rule ?? '').trim();
}

/** The failure's message; undefined when messageExpression ran out of budget. */
function failureMessage(
  r: CompiledRule,
  self: unknown,
  oldSelf: unknown,
  budget: RuleBudget,
): string | undefined {
  if (r.messageProgram !== undefined) {
    try {
      const m = fromCel(runCosted(r.messageProgram, { self, oldSelf: oldSelf ?? null }, budget));
      if (typeof m === 'string' && m.trim() !== '' && !/[\r\n]/.test(m) && m.length <= 5000) return m;
    } catch (e) {
      if (e instanceof BudgetExceededError) return undefined;
      // an evaluation error of messageExpression falls back to message, as in Kubernetes
    }
  }
  if (r.rule.message !== undefined && r.rule.message.trim() !== '') return r.rule.message.trim();
  return `failed rule: ${(r.rule.rule ?? '').trim()}`;
}
