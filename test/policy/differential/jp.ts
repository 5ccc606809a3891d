// A small JMESPath AST for the expressions the generator writes, with a printer and an evaluator
// that follows kyverno-json's Go semantics (go-jmespath community + kyverno functions, Go typing).
// The evaluator is only the generator's *prediction* model: it decides whether a generated subtree
// passes, fails or errors so that the generator can stay in the deterministic domain. The oracle is
// always the real kyverno-json binary.
import {
  deepEqual,
  f64,
  GoFloat,
  isF64,
  isNumber,
  isObj,
  kindOf,
  looseEqual,
  num,
  truthy,
  type Value,
} from './values.js';

export type Expr =
  | { t: 'cur' }
  | { t: 'field'; name: string }
  | { t: 'sub'; l: Expr; r: Expr }
  | { t: 'index'; l: Expr; i: number }
  | { t: 'proj'; l: Expr; r: Expr }
  | { t: 'lit'; v: Value }
  | { t: 'raw'; s: string }
  | { t: 'var'; name: string }
  | { t: 'cmp'; op: '==' | '!=' | '>' | '>=' | '<' | '<='; l: Expr; r: Expr }
  | { t: 'not'; e: Expr }
  | { t: 'and'; l: Expr; r: Expr }
  | { t: 'or'; l: Expr; r: Expr }
  | { t: 'list'; items: Expr[] }
  | { t: 'call'; fn: string; args: Expr[] };

export const E = {
  cur: (): Expr => ({ t: 'cur' }),
  field: (name: string): Expr => ({ t: 'field', name }),
  path: (...names: string[]): Expr =>
    names.slice(1).reduce<Expr>((l, n) => ({ t: 'sub', l, r: { t: 'field', name: n } }), {
      t: 'field',
      name: names[0],
    }),
  sub: (l: Expr, r: Expr): Expr => ({ t: 'sub', l, r }),
  index: (l: Expr, i: number): Expr => ({ t: 'index', l, i }),
  proj: (l: Expr, r: Expr): Expr => ({ t: 'proj', l, r }),
  lit: (v: Value): Expr => ({ t: 'lit', v }),
  raw: (s: string): Expr => ({ t: 'raw', s }),
  /** A string literal: 'raw' when that is unambiguous, else a JSON literal. */
  str: (s: string): Expr => (/['\\`]/.test(s) ? { t: 'lit', v: s } : { t: 'raw', s }),
  v: (name: string): Expr => ({ t: 'var', name }),
  cmp: (op: '==' | '!=' | '>' | '>=' | '<' | '<=', l: Expr, r: Expr): Expr => ({ t: 'cmp', op, l, r }),
  not: (e: Expr): Expr => ({ t: 'not', e }),
  and: (l: Expr, r: Expr): Expr => ({ t: 'and', l, r }),
  or: (l: Expr, r: Expr): Expr => ({ t: 'or', l, r }),
  list: (...items: Expr[]): Expr => ({ t: 'list', items }),
  call: (fn: string, ...args: Expr[]): Expr => ({ t: 'call', fn, args }),
};

const RESERVED = new Set(['null', 'true', 'false', 'let', 'in']);

function ident(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : JSON.stringify(name);
}

function litText(v: Value): string {
  // JSON literal; a JMESPath literal number is always a Go float64, integral ones print as `3`.
  const walk = (x: Value): string => {
    if (x instanceof GoFloat) return String(x.value);
    if (Array.isArray(x)) return `[${x.map(walk).join(',')}]`;
    if (isObj(x))
      return `{${Object.entries(x)
        .map(([k, e]) => `${JSON.stringify(k)}:${walk(e)}`)
        .join(',')}}`;
    if (isNumber(x)) return String(num(x));
    return JSON.stringify(x);
  };
  return `\`${walk(v).replace(/`/g, '\\`')}\``;
}

export function canRaw(s: string): boolean {
  return !/['\\]/.test(s);
}

function atomic(e: Expr): boolean {
  return ['cur', 'field', 'sub', 'index', 'proj', 'lit', 'raw', 'var', 'call', 'list'].includes(e.t);
}

export function print(e: Expr): string {
  const operand = (x: Expr) => (atomic(x) ? print(x) : `(${print(x)})`);
  switch (e.t) {
    case 'cur':
      return '@';
    case 'field':
      return ident(e.name);
    case 'sub':
      return `${['field', 'sub', 'index', 'var', 'cur'].includes(e.l.t) ? print(e.l) : `(${print(e.l)})`}.${print(e.r)}`;
    case 'index':
      return `${['field', 'sub', 'index', 'var', 'cur'].includes(e.l.t) ? print(e.l) : `(${print(e.l)})`}[${e.i}]`;
    case 'proj':
      return `${['field', 'sub', 'index', 'var', 'cur'].includes(e.l.t) ? print(e.l) : `(${print(e.l)})`}[*].${print(e.r)}`;
    case 'lit':
      return litText(e.v);
    case 'raw':
      return `'${e.s}'`;
    case 'var':
      return `$${e.name}`;
    case 'cmp':
      return `${operand(e.l)} ${e.op} ${operand(e.r)}`;
    case 'not':
      // `!` binds tighter than `.` and `[`: `!a.b` is `(!a).b`, so paths are parenthesized
      return `!${['cur', 'field', 'lit', 'raw', 'var', 'call', 'list'].includes(e.e.t) ? print(e.e) : `(${print(e.e)})`}`;
    case 'and':
      return `${operand(e.l)} && ${operand(e.r)}`;
    case 'or':
      return `${operand(e.l)} || ${operand(e.r)}`;
    case 'list':
      return `[${e.items.map(print).join(', ')}]`;
    case 'call':
      return `${e.fn}(${e.args.map(print).join(', ')})`;
  }
}

/** Evaluation result: a value, an error (rule ERROR), or "unknown" (outside the model). */
export type EvalResult = { ok: true; v: Value } | { ok: false; kind: 'error' | 'unknown' };
const ERR: EvalResult = { ok: false, kind: 'error' };
const UNKNOWN: EvalResult = { ok: false, kind: 'unknown' };
const ok = (v: Value): EvalResult => ({ ok: true, v });

/** A binding that fails when used (a context entry whose expression errors). */
export const BAD_BINDING = Symbol('bad-binding');
export type Bindings = Record<string, Value | typeof BAD_BINDING>;

type ArgType = 'any' | 'string' | 'number' | 'array' | 'object' | 'array[string]' | 'array[number]';

function typeOk(t: ArgType, v: Value): boolean {
  switch (t) {
    case 'any':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'number':
      return isF64(v);
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObj(v);
    case 'array[string]':
      return Array.isArray(v) && v.every((e) => typeof e === 'string');
    case 'array[number]':
      return Array.isArray(v) && v.every((e) => isF64(e));
  }
}

/** clustermint accepts any number where go-jmespath wants a float64 (documented deviation). */
function typeOkLoose(t: ArgType, v: Value): boolean {
  if (t === 'number') return isNumber(v);
  if (t === 'array[number]') return Array.isArray(v) && v.every((e) => isNumber(e));
  return typeOk(t, v);
}

/**
 * Go equality (reflect.DeepEqual) where clustermint's equality agrees with it; UNKNOWN where a
 * payload integer meets an equal float64 (Go: unequal, clustermint: equal).
 */
function eq(a: Value, b: Value): boolean | undefined {
  const go = deepEqual(a, b);
  return go === looseEqual(a, b) ? go : undefined;
}

/** Functions that do not exist: kyverno-json evaluates the arguments, then fails ("unknown function: x"). */
export const UNKNOWN_FUNCTIONS = new Set(['nosuch', 'is_ready']);

interface FnSpec {
  args: ArgType[][];
  variadic?: boolean;
  impl: (args: Value[]) => EvalResult;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${Array.from(pattern)
      .map((c) =>
        c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')}$`,
    'u',
  );
  return re.test(name);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const S = (x: Value) => x as string;
const A = (x: Value) => x as Value[];

export const FUNCTIONS: Record<string, FnSpec> = {
  length: {
    args: [['string', 'array', 'object']],
    impl: ([x]) =>
      ok(
        f64(
          typeof x === 'string'
            ? Array.from(x).length
            : Array.isArray(x)
              ? x.length
              : Object.keys(x as object).length,
        ),
      ),
  },
  starts_with: { args: [['string'], ['string']], impl: ([s, p]) => ok(S(s).startsWith(S(p))) },
  ends_with: { args: [['string'], ['string']], impl: ([s, p]) => ok(S(s).endsWith(S(p))) },
  contains: {
    args: [['array', 'string'], ['any']],
    impl: ([s, x]) =>
      typeof s === 'string'
        ? ok(typeof x === 'string' ? s.includes(x) : false)
        : A(s).some((e) => deepEqual(e, x)) === A(s).some((e) => looseEqual(e, x))
          ? ok(A(s).some((e) => deepEqual(e, x)))
          : UNKNOWN, // a payload integer against an equal float64: Go says absent, clustermint present
  },
  to_upper: { args: [['string']], impl: ([s]) => ok(S(s).toUpperCase()) },
  to_lower: { args: [['string']], impl: ([s]) => ok(S(s).toLowerCase()) },
  upper: { args: [['string']], impl: ([s]) => ok(S(s).toUpperCase()) },
  lower: { args: [['string']], impl: ([s]) => ok(S(s).toLowerCase()) },
  join: { args: [['string'], ['array[string]']], impl: ([sep, xs]) => ok(A(xs).join(S(sep))) },
  // keys() order is Go map order (random); the generator only uses it under sort/length/contains.
  keys: { args: [['object']], impl: ([o]) => ok(Object.keys(o as object).sort(cmpStr)) },
  sort: {
    args: [['array[string]', 'array[number]']],
    impl: ([xs]) => {
      const a = A(xs);
      if (a.every((e) => typeof e === 'string')) return ok([...(a as string[])].sort(cmpStr));
      return ok([...a].sort((x, y) => num(x as number) - num(y as number)));
    },
  },
  // kyverno `sum(array)`: folds `add`; float64 elements only in the model (ints: "invalid operand").
  sum: {
    args: [['array']],
    impl: ([xs]) => {
      const a = A(xs);
      if (a.length === 0) return ERR;
      if (!a.every((e) => isNumber(e))) return UNKNOWN;
      if (!a.every((e) => isF64(e))) return UNKNOWN; // Go: invalid operand; clustermint adds them
      // an integral float64 (`-1.0` in the payload) is an integer to JavaScript: clustermint's scan
      // refuses it as kyverno-json refuses the payload's integers (src/jmespath/payload-ints.ts)
      if (a.length > 1 && a.some((e) => e instanceof GoFloat)) return UNKNOWN;
      return ok(f64(a.reduce<number>((s, e) => s + num(e as number), 0)));
    },
  },
  max: {
    args: [['array[number]', 'array[string]']],
    impl: ([xs]) => {
      const a = A(xs);
      if (a.length === 0) return ok(null);
      if (typeof a[0] === 'string') return ok((a as string[]).reduce((m, e) => (cmpStr(e, m) > 0 ? e : m)));
      return ok(f64(Math.max(...a.map((e) => num(e as number)))));
    },
  },
  min: {
    args: [['array[number]', 'array[string]']],
    impl: ([xs]) => {
      const a = A(xs);
      if (a.length === 0) return ok(null);
      if (typeof a[0] === 'string') return ok((a as string[]).reduce((m, e) => (cmpStr(e, m) < 0 ? e : m)));
      return ok(f64(Math.min(...a.map((e) => num(e as number)))));
    },
  },
  abs: { args: [['number']], impl: ([x]) => ok(f64(Math.abs(num(x as number)))) },
  ceil: { args: [['number']], impl: ([x]) => ok(f64(Math.ceil(num(x as number)))) },
  floor: { args: [['number']], impl: ([x]) => ok(f64(Math.floor(num(x as number)))) },
  to_number: {
    args: [['any']],
    impl: ([x]) => {
      if (isNumber(x)) return ok(f64(num(x)));
      if (typeof x === 'string') {
        if (!/^-?[0-9]+(\.[0-9]+)?$/.test(x)) return /^[a-zA-Z ,]*$/.test(x) ? ok(null) : UNKNOWN;
        return ok(f64(Number(x)));
      }
      return ok(null);
    },
  },
  type: {
    args: [['any']],
    impl: ([x]) => {
      const k = kindOf(x);
      // go-jmespath: "unknown type"; clustermint: "number" (documented deviation)
      if (k === 'int64' || k === 'int') return UNKNOWN;
      const names: Record<string, string> = {
        invalid: 'null',
        bool: 'boolean',
        string: 'string',
        float64: 'number',
        slice: 'array',
        map: 'object',
      };
      return ok(names[k]);
    },
  },
  wildcard: { args: [['string'], ['string']], impl: ([p, s]) => ok(globMatch(S(p), S(s))) },
  not_null: {
    args: [['any']],
    variadic: true,
    impl: (xs) => ok(xs.find((x) => x !== null) ?? null),
  },
  at: {
    args: [['array'], ['number']],
    impl: ([xs, i]) => {
      const a = A(xs);
      const n = num(i as number);
      return Number.isInteger(n) && n >= 0 && n < a.length ? ok(a[n]) : UNKNOWN;
    },
  },
  split: {
    args: [['string'], ['string']],
    impl: ([s, sep]) => (S(sep) === '' ? UNKNOWN : ok(S(s).split(S(sep)))),
  },
  regex_match: {
    args: [['string'], ['string', 'number']],
    impl: ([re, s]) => (typeof s === 'string' ? ok(new RegExp(S(re), 'u').test(s)) : UNKNOWN),
  },
  reverse: {
    args: [['array', 'string']],
    impl: ([x]) => ok(typeof x === 'string' ? Array.from(x).reverse().join('') : [...A(x)].reverse()),
  },
  equal_fold: {
    args: [['string'], ['string']],
    impl: ([a, b]) =>
      /^[\x20-\x7e]*$/.test(S(a) + S(b)) ? ok(S(a).toLowerCase() === S(b).toLowerCase()) : UNKNOWN,
  },
  concat: { args: [['string'], ['string']], impl: ([a, b]) => ok(S(a) + S(b)) },
  replace_all: {
    args: [['string'], ['string'], ['string']],
    impl: ([s, a, b]) => ok(S(s).split(S(a)).join(S(b))),
  },
  to_string: {
    args: [['any']],
    impl: ([x]) => {
      if (typeof x === 'string') return ok(x);
      if (x === null || typeof x === 'boolean') return ok(JSON.stringify(x));
      if (isNumber(x)) {
        const n = num(x);
        return n === 0 || (Math.abs(n) >= 1e-6 && Math.abs(n) < 1e21) ? ok(String(n)) : UNKNOWN;
      }
      return UNKNOWN;
    },
  },
};

export interface EvalEnv {
  bindings: Bindings;
}

export function evaluate(e: Expr, cur: Value, env: EvalEnv): EvalResult {
  switch (e.t) {
    case 'cur':
      return ok(cur);
    case 'field':
      return ok(isObj(cur) && Object.hasOwn(cur, e.name) ? cur[e.name] : null);
    case 'sub': {
      const l = evaluate(e.l, cur, env);
      if (!l.ok) return l;
      if (l.v === null) return ok(null);
      return evaluate(e.r, l.v, env);
    }
    case 'index': {
      const l = evaluate(e.l, cur, env);
      if (!l.ok) return l;
      if (!Array.isArray(l.v)) return ok(null);
      const i = e.i < 0 ? l.v.length + e.i : e.i;
      return ok(i >= 0 && i < l.v.length ? l.v[i] : null);
    }
    case 'proj': {
      const l = evaluate(e.l, cur, env);
      if (!l.ok) return l;
      if (!Array.isArray(l.v)) return ok(null);
      const out: Value[] = [];
      for (const el of l.v) {
        const r = evaluate(e.r, el, env);
        if (!r.ok) return r;
        if (r.v !== null) out.push(r.v);
      }
      return ok(out);
    }
    case 'lit':
      return ok(toF64Deep(e.v));
    case 'raw':
      return ok(e.s);
    case 'var': {
      if (!Object.hasOwn(env.bindings, e.name)) return ERR; // variable not defined: $x
      const b = env.bindings[e.name];
      return b === BAD_BINDING ? ERR : ok(b);
    }
    case 'cmp': {
      const l = evaluate(e.l, cur, env);
      if (!l.ok) return l;
      const r = evaluate(e.r, cur, env);
      if (!r.ok) return r;
      if (e.op === '==' || e.op === '!=') {
        const same = eq(l.v, r.v);
        if (same === undefined) return UNKNOWN;
        return ok(e.op === '==' ? same : !same);
      }
      if (!isNumber(l.v) || !isNumber(r.v)) {
        // ordering of non-numbers: null for mixed kinds; strings are outside the model
        return typeof l.v === 'string' && typeof r.v === 'string' ? UNKNOWN : ok(null);
      }
      const a = num(l.v);
      const b = num(r.v);
      return ok(e.op === '>' ? a > b : e.op === '>=' ? a >= b : e.op === '<' ? a < b : a <= b);
    }
    case 'not': {
      const x = evaluate(e.e, cur, env);
      return x.ok ? ok(!truthy(x.v)) : x;
    }
    case 'and': {
      const l = evaluate(e.l, cur, env);
      if (!l.ok || !truthy(l.v)) return l;
      return evaluate(e.r, cur, env);
    }
    case 'or': {
      const l = evaluate(e.l, cur, env);
      if (!l.ok || truthy(l.v)) return l;
      return evaluate(e.r, cur, env);
    }
    case 'list': {
      if (cur === null) return ok(null);
      const out: Value[] = [];
      for (const it of e.items) {
        const r = evaluate(it, cur, env);
        if (!r.ok) return r;
        out.push(r.v);
      }
      return ok(out);
    }
    case 'call': {
      const spec = FUNCTIONS[e.fn];
      if (!spec) {
        if (!UNKNOWN_FUNCTIONS.has(e.fn)) return UNKNOWN;
        for (const a of e.args) {
          const r = evaluate(a, cur, env);
          if (!r.ok) return r;
        }
        return ERR; // unknown function: x
      }
      const min = spec.args.length;
      if (e.args.length < min || (!spec.variadic && e.args.length > min)) return ERR; // arity
      const args: Value[] = [];
      for (const a of e.args) {
        const r = evaluate(a, cur, env);
        if (!r.ok) return r;
        args.push(r.v);
      }
      for (let i = 0; i < args.length; i++) {
        const types = spec.args[Math.min(i, spec.args.length - 1)];
        if (!types.some((t) => typeOk(t, args[i])))
          // Go rejects a payload integer where a number is wanted, clustermint accepts it
          return types.some((t) => typeOkLoose(t, args[i])) ? UNKNOWN : ERR; // invalid type for: ...
      }
      return spec.impl(args);
    }
  }
}

/** JMESPath JSON literals decode numbers as float64. */
function toF64Deep(v: Value): Value {
  if (typeof v === 'number') return f64(v);
  if (Array.isArray(v)) return v.map(toF64Deep);
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toF64Deep(x)]));
  return v;
}
