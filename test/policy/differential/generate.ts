// fast-check generator of (ValidatingPolicy YAML, payload JSON) cases for the kyverno-json
// differential test. Every case is built from a payload first; assertion trees are then derived
// from that payload with controlled mutations so that PASSED, FAILED and ERROR all occur, and each
// candidate subtree is run through a model of kyverno-json's semantics (./model.ts) to keep the
// case inside the domain where kyverno-json's output is deterministic:
//   - at most one failing / erroring key per map node (Go map order decides the error order),
//   - at most one failing entry in a foreach over a map,
//   - bindings are only used by the subtree below the key that defines them,
//   - keys() / values() results are only used through sort(), length() or contains(),
//   - number-typed JMESPath arguments are always Go float64 (kyverno-json rejects payload integers).
// It also stays out of the deviations clustermint documents (src/jmespath/index.ts, docs/policies.md),
// all caused by Go's int64 / float64 distinction, which JavaScript does not have:
//   - a payload integer is never compared with `==` / `!=` / contains() against an equal number
//     (Go: unequal), and never reaches type() or a number-typed argument (Go: an error);
//   - "types are not comparable, X - Y" errors only name kinds clustermint can know (no integral
//     float64, no foreach index, no payload integer returned by an expression);
//   - an integral float64 of the payload (`-1.0`) never reaches kyverno's arithmetic (clustermint
//     reads it as an integer, which that arithmetic refuses);
//   - payload and literal numbers stay below 1e6 (Go prints an integral float64 from 1e6 on as
//     `1e+06`, an int64 as `1000000`);
//   - no JMESPath syntax errors (their texts are the npm parser's).
// The model (./model.ts, ./jp.ts) answers 'unknown' in those domains, so such candidates are dropped.
// Grammar covered: plain / nested / escaped (`\…\`) keys, arrays compared element-wise, `(expr)`
// projections (paths, indexes, `[*]` projections, comparisons, functions), `~.` and `~name.`
// foreach over arrays and maps, `->name` bindings used by `($name)`, `(jp;…)`, leaf expressions,
// `{}` leaves, messages with `{{ }}` templates, context entries, match / exclude with any / all,
// assert any / all, identifiers, several rules per policy, and (optionally) rule compile errors.
import fc from 'fast-check';
import { E, type Expr, evaluate, print, UNKNOWN_FUNCTIONS } from './jp.js';
import {
  assertEntry,
  assertNode,
  type ExprTable,
  literalText,
  type MEnv,
  type Outcome,
  predictRule,
  type Res,
  type RuleResult,
} from './model.js';
import {
  cloneValue,
  clustermintKind,
  GoFloat,
  GoInt,
  isNumber,
  isObj,
  kindOf,
  toJsonText,
  toYamlText,
  type Value,
  type VObject,
} from './values.js';

export interface GenOptions {
  /** Generate rules that fail to compile (they print an ERROR for every resource, so they are never batched). */
  compileErrors?: boolean;
  maxRules?: number;
}

export interface DiffCase {
  id: string;
  /** The ValidatingPolicy document (metadata.name is the case id). */
  policy: VObject;
  /** One resource. */
  payload: VObject;
  /** False when some rule cannot be guarded by a match clause (compile errors). */
  batchable: boolean;
  /** The generator's prediction per rule (informational; the oracle is kyverno-json). */
  predicted: RuleResult[];
  /** The expressions the generator wrote (for the prediction model, e.g. while shrinking). */
  table: ExprTable;
}

// ---------------------------------------------------------------------------------------------
// randomness

export interface Rng {
  int(min: number, max: number): number;
  bool(p?: number): boolean;
  pick<T>(xs: readonly T[]): T;
  weighted<T>(choices: readonly (readonly [number, T])[]): T;
}

function rngFrom(g: fc.GeneratorValue): Rng {
  const int = (min: number, max: number) => (min >= max ? min : g(fc.integer, { min, max }));
  return {
    int,
    bool: (p = 0.5) => int(0, 999) < p * 1000,
    pick: <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)],
    weighted: <T>(choices: readonly (readonly [number, T])[]) => {
      const total = choices.reduce((s, [w]) => s + w, 0);
      let x = int(0, total - 1);
      for (const [w, v] of choices) {
        if (x < w) return v;
        x -= w;
      }
      return choices[choices.length - 1][1];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// payloads

const KEYS = [
  'name',
  'image',
  'replicas',
  'ports',
  'enabled',
  'ratio',
  'tags',
  'items',
  'count',
  'value',
  'mode',
  'size',
  'owner',
  'zone',
  'limits',
  'config',
  'data',
  'port',
  'weight',
  'score',
  'containers',
  'rules',
];
/** Keys that need `\…\` escaping or quoting (or look like it). */
const ODD_KEYS = ['(k)', '~k', '~t.x', 'a.b', 'x->y', 'my key', 'é', '\\w\\'];
const STRINGS = [
  'web',
  'api',
  'nginx:1.25',
  'nginx:latest',
  'Prod',
  'dev',
  '',
  'a,b,c',
  'Ünïcode',
  'x<y&z',
  'say "hi"',
  'back\\slash',
  'tab\there',
  'line\nbreak',
  '123',
  '1.5',
  'true',
  'null',
  'UPPER',
  'lower',
  'Mixed Case',
  '(paren)',
  '~t.x',
  'arrow->x',
  '\\esc\\',
  '*',
  'a?c',
  '  spaced  ',
  'web-frontend',
  'api-gateway',
];
// below 1e6: Go prints an integral float64 >= 1e6 as `1e+06`, which clustermint cannot tell apart
const INTS = [0, 1, 2, 3, 5, 42, -7, 80, 443, 8080, 65536, 123456];
const FLOATS: Value[] = [
  0.5,
  1.5,
  -2.25,
  2.75,
  0.1,
  0.2,
  100.25,
  0.00001,
  12345.678,
  new GoFloat(2),
  new GoFloat(0),
  new GoFloat(-1),
  new GoFloat(10),
];
const KINDS = ['Pod', 'Deployment', 'Service', 'Bucket', 'ConfigMap'];
const API_VERSIONS = ['v1', 'apps/v1', 'example.io/v1alpha1'];
const NAMES = ['web-1', 'web-2', 'api', 'db-main', 'nginx', 'cache-7', 'frontend'];
const LABEL_KEYS = ['app', 'tier', 'team', 'env'];
const LABEL_VALUES = ['web', 'api', 'Front', 'backend', 'Dev', 'prod'];

function genScalar(r: Rng): Value {
  return r.weighted<() => Value>([
    [30, () => r.pick(STRINGS)],
    [20, () => r.pick(INTS)],
    [16, () => r.pick(FLOATS)],
    [10, () => r.bool()],
    [6, () => null],
  ])();
}

function genKeys(r: Rng, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) out.add(r.bool(0.08) ? r.pick(ODD_KEYS) : r.pick(KEYS));
  return [...out];
}

function genObject(r: Rng, depth: number, min = 1, max = 5): VObject {
  const o: VObject = {};
  for (const k of genKeys(r, r.int(min, max))) o[k] = genValue(r, depth - 1);
  return o;
}

function genValue(r: Rng, depth: number): Value {
  const choices: [number, () => Value][] = [
    [40, () => genScalar(r)],
    [6, () => Array.from({ length: r.int(0, 4) }, () => r.pick(STRINGS.slice(0, 8)))],
    [4, () => Array.from({ length: r.int(1, 4) }, () => r.pick(INTS))],
    [8, () => Array.from({ length: r.int(1, 4) }, () => r.pick(FLOATS))],
    [2, () => Array.from({ length: r.int(1, 3) }, () => genScalar(r))],
    [1, () => ({})],
  ];
  if (depth > 0) {
    choices.push([16, () => genObject(r, depth)]);
    choices.push([10, () => genObjectArray(r, depth)]);
  }
  return r.weighted(choices)();
}

/** An array of objects sharing a shape, like `containers`. */
function genObjectArray(r: Rng, depth: number): Value[] {
  const shape = genKeys(r, r.int(1, 3)).map((k) => [k, r.int(0, 3)] as const);
  return Array.from({ length: r.int(1, 3) }, () => {
    const o: VObject = {};
    for (const [k, kind] of shape) {
      if (r.bool(0.1)) continue;
      const pick = r.bool(0.1) ? r.int(0, 3) : kind;
      o[k] =
        pick === 0
          ? r.pick(STRINGS)
          : pick === 1
            ? r.pick(INTS)
            : pick === 2
              ? r.pick(FLOATS)
              : depth > 1
                ? genObject(r, depth - 1, 1, 2)
                : r.bool();
    }
    return o;
  });
}

function genPayload(r: Rng): VObject {
  const metadata: VObject = { name: r.pick(NAMES) };
  if (r.bool(0.75)) {
    const labels: VObject = {};
    for (const k of LABEL_KEYS) if (r.bool(0.5)) labels[k] = r.pick(LABEL_VALUES);
    metadata.labels = labels;
  }
  if (r.bool(0.3)) metadata.namespace = r.pick(['default', 'prod', '']);
  const p: VObject = {
    apiVersion: r.pick(API_VERSIONS),
    kind: r.pick(KINDS),
    metadata,
    spec: genObject(r, 3, 2, 5),
  };
  if (r.bool(0.25)) p.status = genObject(r, 2, 1, 3);
  return p;
}

// ---------------------------------------------------------------------------------------------
// assertion trees

interface Ctx {
  r: Rng;
  table: ExprTable;
  depth: number;
  root: boolean;
  seq: { n: number };
  /** foreach index name -> the binding holding the iterated array (for `at($arr, to_number($i))`). */
  indexOf: Record<string, string>;
  /** Candidate generations left for this assertion (retries nest, so they are capped). */
  budget: { n: number };
}

const child = (ctx: Ctx): Ctx => ({ ...ctx, depth: ctx.depth - 1, root: false });

function reg(ctx: Ctx, e: Expr): string {
  const s = print(e);
  ctx.table.set(s, e);
  return s;
}
const exprKey = (ctx: Ctx, e: Expr) => `(${reg(ctx, e)})`;
const fresh = (ctx: Ctx, prefix: string) => `${prefix}${++ctx.seq.n}`;

interface PathInfo {
  e: Expr;
  v: Value;
}

/** Paths (fields, indexes, `[*]` projections) from `v`, up to 3 steps, with their values. */
function enumPaths(v: Value, allowCur: boolean): PathInfo[] {
  const out: PathInfo[] = [];
  const walk = (e: Expr | null, x: Value, steps: number) => {
    if (e) out.push({ e, v: x });
    if (steps >= 3) return;
    if (isObj(x)) {
      for (const k of Object.keys(x)) walk(e ? E.sub(e, E.field(k)) : E.field(k), x[k], steps + 1);
    } else if (Array.isArray(x) && x.length > 0 && (e || allowCur)) {
      const base = e ?? E.cur();
      walk(E.index(base, 0), x[0], steps + 1);
      if (x.length > 1) walk(E.index(base, -1), x[x.length - 1], steps + 1);
      const first = x[0];
      if (isObj(first)) {
        for (const k of Object.keys(first)) {
          const vals = x
            .map((el) => (isObj(el) && Object.hasOwn(el, k) ? el[k] : null))
            .filter((y) => y !== null);
          out.push({ e: E.proj(base, E.field(k)), v: vals });
        }
      }
    }
  };
  if (allowCur) out.push({ e: E.cur(), v });
  walk(null, v, 0);
  return out;
}

function otherString(r: Rng, s: string): string {
  let o = r.pick(STRINGS);
  while (o === s) o = r.pick(STRINGS);
  return o;
}

/** A policy literal for a value (strings and map keys escaped so they stay literal). */
function literal(v: Value): Value {
  if (typeof v === 'string') return literalText(v);
  if (Array.isArray(v)) return v.map(literal);
  if (v instanceof GoInt) return v.value;
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [literalText(k), literal(x)]));
  return v;
}

function isScalarLike(v: Value): boolean {
  const k = kindOf(v);
  return k !== 'slice' && k !== 'map';
}

/** A literal that differs from v but has the same Go kind family. */
function mutate(r: Rng, v: Value): Value {
  const k = kindOf(v);
  switch (k) {
    case 'string':
      return literalText(otherString(r, v as string));
    case 'int64':
    case 'int':
      return (v instanceof GoInt ? v.value : (v as number)) + r.pick([1, -1, 100]);
    case 'float64': {
      const n = v instanceof GoFloat ? v.value : (v as number);
      return r.bool() ? n + 0.5 : new GoFloat(Math.floor(n) + 1);
    }
    case 'bool':
      return !v;
    case 'invalid':
      return r.pick<Value>(['x', 0, true]);
    default:
      return null;
  }
}

/** Is v's Go kind one that clustermint names correctly in "types are not comparable" errors (payload side)? */
function kindStable(v: Value): boolean {
  return clustermintKind(v, false) === kindOf(v);
}

/** A literal of another Go kind (comparison error), never null. */
function wrongType(r: Rng, v: Value): Value {
  const k = kindOf(v);
  if (k === 'string') return r.pick<Value>([3, true, 1.5]);
  if (k === 'bool') return r.pick<Value>(['true', 1]);
  if (k === 'int64' || k === 'int' || k === 'float64') {
    const text = String(v instanceof GoFloat || v instanceof GoInt ? v.value : v);
    return r.pick<Value>([text, false]);
  }
  return r.pick<Value>(['x', 3]);
}

type Cand = () => Value | undefined;

function leafCandidates(envs: MEnv[], want: Outcome, ctx: Ctx): Cand[] {
  const { r } = ctx;
  const v = envs[0].v;
  const k = kindOf(v);
  const cands: Cand[] = [];
  const bindingNames = Object.keys(envs[0].b).filter((n) => n !== 'payload');
  if (want === 'pass') {
    if (isScalarLike(v))
      cands.push(
        () => literal(v),
        () => literal(v),
      );
    cands.push(() => exprKey(ctx, E.cur()));
    if (k === 'string' || k === 'float64' || k === 'bool') cands.push(() => exprKey(ctx, E.lit(v)));
    if (k === 'string' && v === (v as string).toUpperCase())
      cands.push(() => exprKey(ctx, E.call('to_upper', E.cur())));
    if (k === 'string' && v === (v as string).toLowerCase())
      cands.push(() => exprKey(ctx, E.call('lower', E.cur())));
    if (v !== null) cands.push(() => ({}));
    for (const n of bindingNames) cands.push(() => exprKey(ctx, E.v(n)));
    for (const [i, arr] of Object.entries(ctx.indexOf))
      if (i in envs[0].b) cands.push(() => exprKey(ctx, E.call('at', E.v(arr), E.call('to_number', E.v(i)))));
    if (Array.isArray(v) && v.every(isScalarLike)) cands.push(() => literal(v));
  } else if (want === 'fail') {
    if (isScalarLike(v))
      cands.push(
        () => mutate(r, v),
        () => mutate(r, v),
      );
    if (v !== null) cands.push(() => null);
    if (v === null)
      cands.push(
        () => ({}),
        () => [r.pick(STRINGS.slice(0, 4))],
      );
    if (k === 'string' && v !== (v as string).toUpperCase())
      cands.push(() => exprKey(ctx, E.call('to_upper', E.cur())));
    if (Array.isArray(v)) cands.push(() => Array.from({ length: v.length + 1 }, () => 'extra'));
    if (k === 'float64') cands.push(() => exprKey(ctx, E.call('ceil', E.cur())));
  } else {
    if (v !== null && kindStable(v))
      cands.push(
        () => wrongType(r, v),
        () => wrongType(r, v),
      );
    if ((k === 'int64' || k === 'float64') && kindStable(v))
      cands.push(() => exprKey(ctx, E.cmp('>', E.cur(), E.lit(r.pick([0, 1, 100])))));
    if (k !== 'string')
      cands.push(() => exprKey(ctx, E.call(r.pick(['to_upper', 'starts_with']), E.cur(), E.raw('a'))));
    if (k !== 'string' && k !== 'slice' && k !== 'map')
      cands.push(() => exprKey(ctx, E.call('length', E.cur())));
    cands.push(() => exprKey(ctx, E.v(fresh(ctx, 'undefined'))));
    cands.push(() => exprKey(ctx, E.call(r.pick([...UNKNOWN_FUNCTIONS]), E.cur())));
    if (k !== 'slice' && v !== null) cands.push(() => [literal(v)]);
    if (k !== 'map' && k !== 'slice' && v !== null) cands.push(() => ({ [r.pick(KEYS)]: 1 }));
  }
  return cands;
}

/** Generate a node for the values in `envs` aiming at `want`; returns a deterministic node. */
function pickNode(envs: MEnv[], want: Outcome, ctx: Ctx): { node: Value; outs: Outcome[] } {
  let best: { node: Value; outs: Outcome[] } | undefined;
  for (let attempt = 0; attempt < (ctx.budget.n > 0 ? 8 : 3); attempt++) {
    const node = nodeCandidate(envs, attempt < 6 ? want : 'pass', ctx);
    if (node === undefined) continue;
    const rs = envs.map((e) => assertNode(node, e, ctx.table));
    if (rs.some((x) => x === 'random' || x === 'unknown')) continue;
    const outs = rs as Outcome[];
    if (want === 'pass' && outs.some((o) => o !== 'pass')) continue;
    if (outs[0] === want) return { node, outs };
    best ??= { node, outs };
  }
  if (best) return best;
  return { node: exprKey(ctx, E.cur()), outs: envs.map(() => 'pass') };
}

function nodeCandidate(envs: MEnv[], want: Outcome, ctx: Ctx): Value | undefined {
  const { r } = ctx;
  const v = envs[0].v;
  if (ctx.depth <= 0 || --ctx.budget.n <= 0) return r.pick(leafCandidates(envs, want, ctx))();
  if (isObj(v) && Object.keys(v).length > 0) {
    return r.bool(0.8) ? mapCandidate(envs, want, ctx) : r.pick(leafCandidates(envs, want, ctx))();
  }
  if (Array.isArray(v) && v.length > 0) {
    return r.weighted<Cand>([
      [45, () => listCandidate(envs, want, ctx)],
      [20, () => mapCandidate(envs, want, ctx)],
      [35, () => r.pick(leafCandidates(envs, want, ctx))()],
    ])();
  }
  if (want !== 'pass' && r.bool(0.2)) return mapCandidate(envs, want, ctx);
  return r.pick(leafCandidates(envs, want, ctx))();
}

function listCandidate(envs: MEnv[], want: Outcome, ctx: Ctx): Value | undefined {
  const { r } = ctx;
  const v = envs[0].v as Value[];
  if (want === 'fail' && r.bool(0.4))
    return Array.from({ length: r.bool() ? v.length - 1 : v.length + 1 }, () => 0);
  const bad = want === 'pass' ? -1 : r.int(0, v.length - 1);
  return v.map((_, i) => {
    const elEnvs = envs
      .filter((e) => Array.isArray(e.v) && e.v.length === v.length)
      .map((e) => ({ v: (e.v as Value[])[i], b: e.b }));
    return pickNode(elEnvs, i === bad ? want : 'pass', child(ctx)).node;
  });
}

/** A map node: at most one child may be non-passing. */
function mapCandidate(envs: MEnv[], want: Outcome, ctx: Ctx): Value | undefined {
  const { r } = ctx;
  const n = r.int(1, ctx.root ? 3 : ctx.depth > 1 ? 3 : 2);
  const faulty = want === 'pass' ? -1 : r.int(0, n - 1);
  const node: VObject = {};
  for (let i = 0; i < n; i++) {
    const w: Outcome = i === faulty ? want : 'pass';
    let done = false;
    for (let attempt = 0; attempt < (ctx.budget.n > 0 ? 6 : 2) && !done; attempt++) {
      ctx.budget.n--;
      const entry = entryCandidate(envs, attempt < 4 ? w : 'pass', ctx);
      if (!entry || Object.hasOwn(node, entry[0])) continue;
      const [key, childNode] = entry;
      const rs: Res[] = envs.map((e) => assertEntry(key, childNode, e, ctx.table, 'assert'));
      if (rs.some((x) => x === 'random' || x === 'unknown')) continue;
      if (i !== faulty && rs.some((x) => x !== 'pass')) continue;
      node[key] = childNode;
      done = true;
    }
  }
  if (Object.keys(node).length === 0) return undefined;
  return node;
}

type Entry = [string, Value];

function entryCandidate(envs: MEnv[], want: Outcome, ctx: Ctx): Entry | undefined {
  const { r } = ctx;
  const v = envs[0].v;
  const strategies: [number, () => Entry | undefined][] = [];
  if (isObj(v)) {
    strategies.push([34, () => plainEntry(envs, want, ctx)]);
    strategies.push([14, () => pathEntry(envs, want, ctx)]);
    strategies.push([16, () => predicateEntry(envs, want, ctx)]);
    strategies.push([14, () => functionEntry(envs, want, ctx)]);
    strategies.push([12, () => foreachEntry(envs, want, ctx)]);
  } else if (Array.isArray(v)) {
    strategies.push([30, () => pathEntry(envs, want, ctx)]);
    strategies.push([20, () => functionEntry(envs, want, ctx)]);
    strategies.push([15, () => predicateEntry(envs, want, ctx)]);
    if (want === 'error') strategies.push([20, () => [literalText(r.pick(KEYS)), 1]]);
  } else {
    // scalar or null: a plain key errors (scalar) or is not found (null)
    strategies.push([30, () => [literalText(r.pick(KEYS)), genScalarLiteral(r)]]);
    if (!ctx.root)
      strategies.push([20, () => [exprKey(ctx, E.cur()), pickNode(envs, want, child(ctx)).node]]);
  }
  const names = Object.keys(envs[0].b).filter((n) => n !== 'payload');
  if (names.length)
    strategies.push([names.some((n) => /^[ik]\d/.test(n)) ? 30 : 12, () => bindingUseEntry(envs, want, ctx)]);
  return r.weighted(strategies)();
}

function genScalarLiteral(r: Rng): Value {
  return literal(genScalar(r));
}

function keyText(r: Rng, k: string): string {
  // escaped keys: required for odd keys, optional (still literal) for ordinary ones
  if (k === '') return k;
  return r.bool(0.1) ? `\\${k}\\` : literalText(k);
}

function maybeBind(ctx: Ctx, key: string, envs: MEnv[], values: (Value | undefined)[]): [string, MEnv[]] {
  if (!ctx.r.bool(0.15)) return [key, envs];
  const name = fresh(ctx, 'b');
  return [
    `${key}->${name}`,
    envs.map((e, i) => ({
      v: e.v,
      b: values[i] === undefined ? e.b : { ...e.b, [name]: values[i] as Value },
    })),
  ];
}

function plainEntry(envs: MEnv[], want: Outcome, ctx: Ctx): Entry | undefined {
  const { r } = ctx;
  const v = envs[0].v as VObject;
  const keys = Object.keys(v);
  if (want === 'fail' && r.bool(0.35)) {
    // a missing field: "Required value: field not found in the input object"
    const missing = [...KEYS, 'missing'].filter((k) => !Object.hasOwn(v, k));
    return [keyText(r, r.pick(missing)), genScalarLiteral(r)];
  }
  const k = r.pick(keys);
  const values = envs.map((e) => (isObj(e.v) && Object.hasOwn(e.v, k) ? e.v[k] : undefined));
  const [key, bound] = maybeBind(ctx, keyText(r, k), envs, values);
  const subEnvs = childEnvs(bound, values);
  if (subEnvs.length === 0) return [key, genScalarLiteral(r)];
  return [key, pickNode(subEnvs, want, child(ctx)).node];
}

/** Envs for a child node: one per env whose projection succeeded (undefined = error / not found). */
function childEnvs(envs: MEnv[], values: (Value | undefined)[]): MEnv[] {
  const out: MEnv[] = [];
  envs.forEach((e, i) => {
    const v = values[i];
    if (v !== undefined) out.push({ v, b: e.b });
  });
  return out;
}

function evalAll(e: Expr, envs: MEnv[]): (Value | undefined)[] {
  return envs.map((env) => {
    const x = evaluate(e, env.v, { bindings: env.b });
    return x.ok ? x.v : undefined;
  });
}

function pathEntry(envs: MEnv[], want: Outcome, ctx: Ctx): Entry | undefined {
  const { r } = ctx;
  const paths = enumPaths(envs[0].v, !ctx.root);
  if (paths.length === 0) return undefined;
  let p = r.pick(paths);
  if (want === 'fail' && r.bool(0.2)) p = { e: E.sub(p.e, E.field('missing')), v: null };
  const stmt = reg(ctx, p.e);
  const base = r.bool(0.06) ? `(jp;${stmt})` : `(${stmt})`;
  const values = evalAll(p.e, envs);
  const [key, bound] = maybeBind(ctx, base, envs, values);
  const subEnvs = childEnvs(bound, values);
  if (subEnvs.length === 0) return undefined;
  return [key, pickNode(subEnvs, want, child(ctx)).node];
}

function predicate(envs: MEnv[], want: Outcome, ctx: Ctx): Expr | undefined {
  const { r } = ctx;
  const paths = enumPaths(envs[0].v, !ctx.root);
  if (paths.length === 0) return undefined;
  if (want === 'error' && r.bool(0.7)) {
    const nonStr = paths.filter((p) => typeof p.v !== 'string');
    if (nonStr.length === 0) return undefined;
    const p = r.pick(nonStr);
    const k = kindOf(p.v);
    return r.weighted<() => Expr>([
      [3, () => E.call('starts_with', p.e, E.raw('a'))],
      [2, () => E.call('wildcard', E.raw('*'), p.e)],
      [k === 'slice' || k === 'map' ? 0 : 2, () => E.cmp('>', E.call('length', p.e), E.lit(1))],
      [1, () => E.cmp('==', E.call('to_upper', p.e), E.raw('X'))],
      [1, () => E.call('split', E.raw('a,b'), E.raw(','), E.lit(1))], // arity error
    ])();
  }
  const p = r.pick(paths);
  const x = p.v;
  const k = kindOf(x);
  const simple = (): Expr => {
    switch (k) {
      case 'string': {
        const s = x as string;
        const prefix = r.bool(0.6) ? Array.from(s).slice(0, r.int(0, 3)).join('') : r.pick(['we', 'a', 'ng']);
        return r.weighted<() => Expr>([
          [3, () => E.cmp(r.pick(['==', '!='] as const), p.e, E.str(r.bool(0.6) ? s : otherString(r, s)))],
          [2, () => E.call('starts_with', p.e, E.str(prefix))],
          [1, () => E.call('ends_with', p.e, E.str(Array.from(s).slice(-2).join('')))],
          [2, () => E.call('contains', p.e, E.raw(r.pick(['a', 'web', ',', ':'])))],
          [2, () => E.call('wildcard', E.raw(r.pick(['web*', '*-*', 'a?c', '*', '', 'nginx:*'])), p.e)],
          [1, () => E.call('regex_match', E.raw(r.pick(['^web', '[0-9]+$', 'a.c', '^$'])), p.e)],
          [1, () => E.call('equal_fold', p.e, E.raw(r.pick(['WEB', 'prod', 'api'])))],
          [1, () => E.cmp('>', E.call('length', p.e), E.lit(r.int(0, 5)))],
          [1, () => E.cmp('==', E.call('to_upper', p.e), E.str(s.toUpperCase()))],
        ])();
      }
      case 'int64':
      case 'float64': {
        const n = x instanceof GoFloat ? x.value : (x as number);
        const lit = r.pick([n, n + 1, n - 1, 0, 2.5]);
        // `==` against a literal (float64): a payload integer only meets a fractional literal (Go
        // says an int64 never equals a float64, clustermint compares values); to_number() makes it
        // a float64.
        const eqLit = k === 'int64' ? r.pick([n + 0.5, 2.5]) : n;
        return r.weighted<() => Expr>([
          [4, () => E.cmp(r.pick(['>', '>=', '<', '<='] as const), p.e, E.lit(lit))],
          [2, () => E.cmp(r.pick(['==', '!='] as const), p.e, E.lit(eqLit))],
          [1, () => E.cmp('==', p.e, p.e)],
          [2, () => E.cmp(r.pick(['==', '!='] as const), E.call('to_number', p.e), E.lit(n))],
        ])();
      }
      case 'bool':
        return r.pick([p.e, E.not(p.e), E.cmp('==', p.e, E.lit(true))]);
      case 'slice': {
        const arr = x as Value[];
        // contains() with a literal number: never a payload integer (Go: an int64 never equals the float64)
        const probes = arr.filter((y) => kindOf(y) !== 'int64');
        const probe = (): Expr =>
          probes.length && r.bool(0.7)
            ? E.lit(r.pick(probes))
            : arr.some(isNumber) && r.bool(0.5)
              ? E.lit(2.5)
              : E.raw('web');
        return r.weighted<() => Expr>([
          [2, () => E.call('contains', p.e, probe())],
          [2, () => E.cmp(r.pick(['>', '=='] as const), E.call('length', p.e), E.lit(r.int(0, 3)))],
          [1, () => E.not(p.e)],
        ])();
      }
      case 'map':
        return r.pick([
          E.call('contains', E.call('keys', p.e), E.str(r.pick([...Object.keys(x as VObject), 'name']))),
          E.cmp('>=', E.call('length', E.call('keys', p.e)), E.lit(r.int(1, 3))),
        ]);
      default:
        return r.pick([
          E.cmp('==', p.e, E.lit(null)),
          E.not(p.e),
          E.cmp('==', E.call('not_null', p.e, E.raw('x')), E.raw('x')),
        ]);
    }
  };
  const a = simple();
  if (r.bool(0.15)) return E.not(a);
  if (r.bool(0.15)) {
    const b = predicate(envs, 'pass', { ...ctx, depth: 0 });
    if (b) return r.bool() ? E.and(a, b) : E.or(a, b);
  }
  return a;
}

function predicateEntry(envs: MEnv[], want: Outcome, ctx: Ctx): Entry | undefined {
  const { r } = ctx;
  const e = predicate(envs, want, ctx);
  if (!e) return undefined;
  const res = evaluate(e, envs[0].v, { bindings: envs[0].b });
  if (!res.ok) return res.kind === 'error' ? [exprKey(ctx, e), true] : undefined;
  const x = res.v;
  let leaf: Value;
  if (want === 'pass') leaf = typeof x === 'boolean' || x === null ? x : exprKey(ctx, E.cur());
  else if (want === 'fail') leaf = typeof x === 'boolean' ? !x : true;
  else
    leaf =
      typeof x === 'boolean' ? r.pick<Value>(['true', 'false', 1]) : exprKey(ctx, E.call('length', E.cur()));
  return [exprKey(ctx, e), leaf];
}

function valueFunction(p: PathInfo, ctx: Ctx): Expr | undefined {
  const { r } = ctx;
  const x = p.v;
  const k = kindOf(x);
  const e = p.e;
  switch (k) {
    case 'string':
      return r.pick([
        E.call('to_upper', e),
        E.call('to_lower', e),
        E.call('length', e),
        E.call('split', e, E.raw(',')),
        E.call('concat', e, E.raw('-x')),
        E.call('replace_all', e, E.raw('a'), E.raw('o')),
        E.call('reverse', e),
        E.call('type', e),
        E.call('to_number', e),
      ]);
    case 'float64':
      return r.pick([
        E.call('abs', e),
        E.call('ceil', e),
        E.call('floor', e),
        E.call('to_number', e),
        E.call('type', e),
        E.call('to_string', e),
      ]);
    case 'int64': // no type(): go-jmespath errors on an int64 ("unknown type"), clustermint says "number"
      return r.pick([E.call('to_number', e), E.call('to_string', e), E.call('not_null', E.field('nope'), e)]);
    case 'bool':
      return r.pick([E.call('type', e), E.call('to_string', e), E.not(e)]);
    case 'slice': {
      const arr = x as Value[];
      const fs: Expr[] = [E.call('length', e), E.call('reverse', e)];
      if (arr.length && arr.every((y) => typeof y === 'string'))
        fs.push(E.call('join', E.raw(', '), e), E.call('sort', e), E.call('max', e));
      if (arr.length && arr.every((y) => kindOf(y) === 'float64'))
        fs.push(E.call('sum', e), E.call('max', e), E.call('min', e), E.call('sort', e));
      return r.pick(fs);
    }
    case 'map':
      return r.pick([E.call('sort', E.call('keys', e)), E.call('length', e), E.call('type', e)]);
    default:
      return r.pick([E.call('not_null', e, E.raw('fallback')), E.call('type', e), E.call('to_string', e)]);
  }
}

function functionEntry(envs: MEnv[], want: Outcome, ctx: Ctx): Entry | undefined {
  const paths = enumPaths(envs[0].v, !ctx.root);
  if (paths.length === 0) return undefined;
  const e = valueFunction(ctx.r.pick(paths), ctx);
  if (!e) return undefined;
  const values = evalAll(e, envs);
  const key = exprKey(ctx, e);
  const subEnvs = childEnvs(envs, values);
  if (subEnvs.length === 0) return [key, 1]; // the function errors: any leaf
  return [key, pickNode(subEnvs, want, child(ctx)).node];
}

function foreachEntry(envs: MEnv[], want: Outcome, ctx: Ctx): Entry | undefined {
  const { r } = ctx;
  const v = envs[0].v as VObject;
  const paths = enumPaths(v, !ctx.root);
  const collections = paths.filter(
    (p) => (Array.isArray(p.v) && p.v.length > 0) || (isObj(p.v) && Object.keys(p.v).length > 0),
  );
  let p: PathInfo;
  if (want === 'error' && r.bool(0.3)) {
    const scalars = paths.filter((q) => isScalarLike(q.v));
    if (!scalars.length) return undefined;
    p = r.pick(scalars); // expected a slice or a map
  } else {
    if (!collections.length) return undefined;
    p = r.pick(collections);
  }
  const isPlain = p.e.t === 'field' && r.bool(0.5);
  const stmt = isPlain ? keyText(r, (p.e as { name: string }).name) : `(${reg(ctx, p.e)})`;
  const name = r.bool(0.5) ? fresh(ctx, Array.isArray(p.v) ? 'i' : 'k') : '';
  const arrName = name && Array.isArray(p.v) && r.bool(0.6) ? fresh(ctx, 'arr') : '';
  const key = `~${name}.${stmt}${arrName ? `->${arrName}` : ''}`;
  const values = evalAll(p.e, envs);
  const elEnvs: MEnv[] = [];
  values.forEach((coll, i) => {
    if (coll === undefined) return;
    const b0 = arrName ? { ...envs[i].b, [arrName]: coll } : envs[i].b;
    if (Array.isArray(coll))
      coll.forEach((el, j) => {
        elEnvs.push({ v: el, b: name ? { ...b0, [name]: new GoInt(j) } : b0 });
      });
    else if (isObj(coll))
      for (const [k, el] of Object.entries(coll)) elEnvs.push({ v: el, b: name ? { ...b0, [name]: k } : b0 });
  });
  const sub: Ctx = child(ctx);
  if (arrName && name) sub.indexOf = { ...ctx.indexOf, [name]: arrName };
  if (elEnvs.length === 0) return [key, genScalarLiteral(r)];
  return [key, pickNode(elEnvs, want, sub).node];
}

function bindingUseEntry(envs: MEnv[], want: Outcome, ctx: Ctx): Entry | undefined {
  const { r } = ctx;
  const names = Object.keys(envs[0].b).filter((n) => n !== 'payload');
  if (want === 'error' && r.bool(0.3)) return [exprKey(ctx, E.v(fresh(ctx, 'unbound'))), 1];
  const n = r.pick(names);
  const bv = envs[0].b[n];
  let e: Expr;
  if (ctx.indexOf[n] && r.bool(0.7)) e = E.call('at', E.v(ctx.indexOf[n]), E.call('to_number', E.v(n)));
  else if (bv instanceof GoInt) e = r.pick([E.call('to_number', E.v(n)), E.cmp('>=', E.v(n), E.lit(1))]);
  else if (typeof bv === 'string')
    e = r.pick([E.v(n), E.call('starts_with', E.v(n), E.raw(r.pick(['a', 'n', 'w'])))]);
  else if (isObj(bv) && Object.keys(bv).length) e = E.sub(E.v(n), E.field(r.pick(Object.keys(bv))));
  else e = E.v(n);
  const values = evalAll(e, envs);
  const key = exprKey(ctx, e);
  const subEnvs = childEnvs(envs, values);
  if (subEnvs.length === 0) return [key, 1];
  return [key, pickNode(subEnvs, want, child(ctx)).node];
}

// ---------------------------------------------------------------------------------------------
// rules and policies

const RULE_NAMES = [
  'check',
  'require-team-tag',
  'no-latest',
  'limits',
  'validate-spec',
  'ports',
  'labels',
  'r',
];

/** match / exclude trees: only fields every generated payload types the same way, so they never error. */
function matchTree(r: Rng, payload: VObject, table: ExprTable, want: 'pass' | 'fail'): VObject {
  const md = payload.metadata as VObject;
  const labels = (md.labels as VObject | undefined) ?? {};
  const tree: VObject = {};
  const n = r.int(1, 2);
  for (let i = 0; i < n; i++) {
    const bad = want === 'fail' && i === 0;
    const choice = r.int(0, 5);
    if (choice === 0) tree.kind = literal(bad ? otherString(r, payload.kind as string) : payload.kind);
    else if (choice === 1) tree.apiVersion = bad ? 'v2' : payload.apiVersion;
    else if (choice === 2) tree.metadata = { name: bad ? `${md.name as string}-x` : md.name };
    else if (choice === 3) {
      const lk = Object.keys(labels);
      const key = lk.length && !bad ? r.pick(lk) : r.pick(LABEL_KEYS);
      const val = Object.hasOwn(labels, key) && !bad ? labels[key] : 'nomatch';
      tree.metadata = { labels: { [key]: val } };
    } else if (choice === 4) {
      const name = md.name as string;
      const pat = r.pick([`${name.slice(0, 2)}*`, '*-*', '*', 'web-?']);
      const e = E.call('wildcard', E.raw(pat), E.path('metadata', 'name'));
      const res = evaluate(e, payload, { bindings: {} });
      tree[`(${print(e)})`] = res.ok && res.v === !bad;
      table.set(print(e), e);
    } else {
      const kinds = bad
        ? KINDS.filter((k) => k !== payload.kind).slice(0, 2)
        : [payload.kind as string, 'Service'];
      const e = E.call('contains', E.lit(kinds), E.field('kind'));
      tree[`(${print(e)})`] = true;
      table.set(print(e), e);
    }
  }
  return tree;
}

function genMatch(r: Rng, payload: VObject, table: ExprTable, matched: boolean): VObject {
  const m: VObject = {};
  const useAny = r.bool(0.6);
  const useAll = !useAny || r.bool(0.3);
  if (useAny) {
    const n = r.int(1, 3);
    const good = matched ? r.int(0, n - 1) : -1;
    m.any = Array.from({ length: n }, (_, i) => matchTree(r, payload, table, i === good ? 'pass' : 'fail'));
  }
  if (useAll) {
    const n = r.int(1, 2);
    const bad = matched || useAny ? -1 : r.int(0, n - 1);
    m.all = Array.from({ length: n }, (_, i) => matchTree(r, payload, table, i === bad ? 'fail' : 'pass'));
  }
  return m;
}

function genMessage(r: Rng, payload: VObject, ctx: Ctx, contextNames: string[]): string {
  const specPaths = enumPaths(payload.spec as Value, false).map((p) => print(p.e));
  const templates = [
    '{{ metadata.name }}',
    '{{metadata.name}}',
    '{{ kind }}',
    `{{ spec.${r.pick(specPaths.length ? specPaths : ['x'])} }}`,
    '{{ nope.missing }}',
    '{{ length(`1`) }}',
    '{{ $payload.metadata.name }}',
    '{{ to_upper(kind) }}',
    "{{ join('/', [kind, metadata.name]) }}",
    `{{ $${fresh(ctx, 'b')} }}`,
    '{{ nosuch(kind) }}',
    ...contextNames.map((n) => `{{ $${n} }}`),
  ];
  const words = [
    'resource',
    'must have',
    'a team tag;',
    'check failed for',
    'invalid',
    '`x`',
    'value',
    '->',
    '"quoted"',
  ];
  const parts: string[] = [];
  for (let i = r.int(1, 4); i > 0; i--) parts.push(r.bool(0.45) ? r.pick(templates) : r.pick(words));
  const msg = parts.join(' ');
  return r.bool(0.15) ? `${msg} {{ ${r.pick(['kind', 'metadata.name'])} }}` : msg;
}

function genIdentifier(r: Rng, payload: VObject): string | undefined {
  if (r.bool(0.45)) return undefined;
  const specPaths = enumPaths(payload.spec as Value, false).map((p) => `spec.${print(p.e)}`);
  return r.weighted<() => string>([
    [5, () => 'metadata.name'],
    [2, () => 'kind'],
    [4, () => r.pick(specPaths.length ? specPaths : ['spec'])],
    [1, () => 'metadata.labels'],
    [1, () => 'metadata.namespace'],
    [1, () => 'nope'],
    [1, () => 'length(`1`)'],
    [1, () => "join('/', [kind, metadata.name])"],
    [1, () => 'to_string(metadata.name)'],
    [1, () => 'is_ready(metadata)'],
  ])();
}

function genContext(r: Rng, ctx: Ctx): VObject[] {
  const out: VObject[] = [];
  for (let i = r.int(1, 2); i > 0; i--) {
    const name = fresh(ctx, 'c');
    out.push({
      name,
      variable: r.weighted<() => Value>([
        [4, () => `(${reg(ctx, E.path('metadata', 'name'))})`],
        [2, () => `(${reg(ctx, E.field('kind'))})`],
        [2, () => r.pick(INTS)],
        [2, () => ({ team: r.pick(LABEL_VALUES), size: r.pick(INTS) })],
        [1, () => r.pick(['web', 'api'])],
        [1, () => `(${reg(ctx, E.call('length', E.lit(1)))})`],
      ])(),
    });
  }
  return out;
}

/**
 * Compile errors that make the rule ERROR for every resource (never batched). No JMESPath syntax
 * errors: their texts are the npm parser's, not go-jmespath's (a documented deviation).
 */
function compileErrorLeaf(r: Rng): [string, Value] {
  return r.pick<[string, Value]>([
    ['spec', '~.(name)'], // foreach is not supported in scalar projections
    ['spec', '(name)->x'], // binding is not supported in scalar projections
    ['kind', '~i.(metadata)'],
    ['metadata', '(labels)->l'],
  ]);
}

function genRule(
  r: Rng,
  payload: VObject,
  table: ExprTable,
  seq: { n: number },
  opts: GenOptions,
): { rule: VObject; compileError: boolean } {
  const ctx: Ctx = { r, table, depth: r.int(2, 4), root: true, seq, indexOf: {}, budget: { n: 0 } };
  const rule: VObject = { name: `${r.pick(RULE_NAMES)}${r.bool(0.5) ? `-${r.int(1, 9)}` : ''}` };
  const rootBindings: Record<string, Value> = { payload };
  let contextNames: string[] = [];
  if (r.bool(0.2)) {
    const context = genContext(r, ctx);
    rule.context = context;
    contextNames = context.map((c) => c.name as string);
    for (const c of context) {
      const v = c.variable;
      if (typeof v === 'string' && v.startsWith('(')) {
        const x = evaluate(table.get(v.slice(1, -1)) as Expr, payload, { bindings: {} });
        if (x.ok) rootBindings[c.name as string] = x.v;
      } else rootBindings[c.name as string] = v;
    }
  }
  if (r.bool(0.3)) rule.match = genMatch(r, payload, table, r.bool(0.8));
  if (r.bool(0.15)) rule.exclude = genMatch(r, payload, table, r.bool(0.25));
  const id = genIdentifier(r, payload);
  if (id !== undefined) rule.identifier = id;
  const ruleWant = r.weighted<readonly Outcome[]>([
    [40, ['pass']],
    [35, ['fail']],
    [25, ['error']],
  ])[0];
  const env: MEnv = { v: payload, b: rootBindings };
  const assertion = (want: Outcome): VObject => {
    const a: VObject = {};
    if (r.bool(0.5)) a.message = genMessage(r, payload, ctx, contextNames);
    ctx.budget.n = 300;
    let check = mapCandidate([env], want, ctx);
    if (!check || !isObj(check) || ['random', 'unknown'].includes(assertNode(check, env, table))) {
      check = { kind: literalText(payload.kind as string) };
    }
    a.check = check;
    return a;
  };
  // any: the entries up to the first passing one are evaluated (a later error is never reached);
  // if none passes the rule FAILS and `all` is not evaluated. all: every entry is evaluated.
  const assert: VObject = {};
  const nAny = r.bool(0.35) ? r.int(1, 3) : 0;
  const nAll = nAny === 0 || r.bool(0.6) ? r.int(1, 3) : 0;
  // where the rule's outcome is decided: in `any` (all fail / error before a pass) or in `all`
  const decidedInAny = nAny > 0 && (nAll === 0 || (ruleWant !== 'pass' && r.bool(0.5)));
  if (nAny) {
    const pivot = r.int(0, nAny - 1);
    const anyWant = (i: number): Outcome => {
      if (!decidedInAny || ruleWant === 'pass') {
        if (i < pivot) return 'fail';
        if (i === pivot) return 'pass';
        return r.pick(['pass', 'fail', 'error'] as const); // never evaluated
      }
      if (ruleWant === 'fail') return 'fail';
      return i < pivot ? 'fail' : i === pivot ? 'error' : r.pick(['pass', 'fail', 'error'] as const);
    };
    assert.any = Array.from({ length: nAny }, (_, i) => assertion(anyWant(i)));
  }
  if (nAll) {
    const bad = ruleWant === 'pass' || decidedInAny ? -1 : r.int(0, nAll - 1);
    assert.all = Array.from({ length: nAll }, (_, i) =>
      assertion(i === bad ? ruleWant : ruleWant === 'fail' && !decidedInAny && r.bool(0.3) ? 'fail' : 'pass'),
    );
  }
  rule.assert = assert;
  let compileError = false;
  if (opts.compileErrors && r.bool(0.04)) {
    const [k, leaf] = compileErrorLeaf(r);
    const list = (assert.all ?? assert.any) as VObject[];
    const check = list[0].check as VObject;
    check[k] = leaf; // the rule's only compile error (Go reports the first one in map order)
    compileError = true;
  }
  return { rule, compileError };
}

function buildCase(g: fc.GeneratorValue, opts: GenOptions): Omit<DiffCase, 'id'> {
  const r = rngFrom(g);
  const payload = genPayload(r);
  const table: ExprTable = new Map();
  const seq = { n: 0 };
  const rules: VObject[] = [];
  const predicted: RuleResult[] = [];
  let batchable = true;
  for (let i = r.int(1, opts.maxRules ?? 3); i > 0; i--) {
    const { rule, compileError } = genRule(r, payload, table, seq, opts);
    rules.push(rule);
    predicted.push(predictRule(rule, payload, table, compileError));
    if (compileError) batchable = false;
  }
  const spec: VObject = { rules };
  if (r.bool(0.05)) spec.compiler = 'jp';
  const policy: VObject = {
    apiVersion: 'json.kyverno.io/v1alpha1',
    kind: 'ValidatingPolicy',
    metadata: { name: 'case' },
    spec,
  };
  return { policy, payload, batchable, predicted, table };
}

export function caseArbitrary(opts: GenOptions = {}): fc.Arbitrary<Omit<DiffCase, 'id'>> {
  return fc.gen().map((g) => buildCase(g, opts));
}

/** `n` cases from `seed`; case ids are `c0000`, `c0001`, ... (also the policy names). */
export function generateCases(seed: number, n: number, opts: GenOptions = {}): DiffCase[] {
  if (n <= 0) return [];
  // unbiased: fast-check's bias towards small integers would skew every probability of the generator
  return fc.sample(caseArbitrary(opts), { seed, numRuns: n, unbiased: true }).map((c, i) => {
    const id = `c${String(i).padStart(4, '0')}`;
    const policy = cloneValue(c.policy);
    (policy.metadata as VObject).name = id;
    return { ...c, id, policy };
  });
}

// ---------------------------------------------------------------------------------------------
// rendering

export function renderPolicy(policy: VObject): string {
  return toYamlText([policy]);
}

export function renderPayload(payload: Value): string {
  return `${toJsonText(payload, 2)}\n`;
}

export const GUARD_KEY = '__case';

/**
 * The case prepared for a batch run (many policies x many resources in one process): the payload
 * gets a `__case: <id>` field and every rule a match condition on it, so each policy only matches
 * its own resource and the other combinations are skipped silently. Generated assertion trees never
 * look at the payload root as a whole, and match trees never error, so this changes nothing else.
 */
export function guarded(c: DiffCase): { policy: VObject; payload: VObject } {
  const policy = cloneValue(c.policy);
  const guard = { [GUARD_KEY]: c.id };
  for (const rule of (policy.spec as VObject).rules as VObject[]) {
    const m = rule.match as VObject | undefined;
    if (!m) rule.match = { all: [guard] };
    else {
      for (const list of ['any', 'all']) {
        const trees = m[list] as VObject[] | undefined;
        if (trees) m[list] = trees.map((t) => ({ ...t, ...guard }));
      }
    }
  }
  return { policy, payload: { [GUARD_KEY]: c.id, ...cloneValue(c.payload) } };
}
