/**
 * A tree interpreter over the AST of `@jmespath-community/jmespath`, with the semantics of
 * go-jmespath's `treeInterpreter` (kyverno-json's engine): errors in the left side of a filter
 * projection, a flatten or a value projection are swallowed; arithmetic and ordering on
 * non-numbers give null; `==` is deep equality; `$` is the root document, which kyverno-json
 * never sets (so it is null); `$name` resolves through the Bindings chain, lazily.
 */
import type { compile } from '@jmespath-community/jmespath';
import type { Bindings } from '../expression/bindings.js';
import { BudgetExceededError, charge, traversalCost } from '../expression/budget.js';
import {
  deepEqual,
  ExpRef,
  getField,
  isFalse,
  isObject,
  type JsonObject,
  setField,
} from '../expression/values.js';
import { callFunction, type FunctionTable } from './caller.js';
import { JpError } from './errors.js';
import { ARITHMETIC, markPayloadInts } from './payload-ints.js';

export type AstNode = ReturnType<typeof compile>;

export interface Scope {
  readonly bindings: Bindings;
  readonly functions: FunctionTable;
  readonly root: unknown;
  /** kyverno-json's arithmetic refuses the payload's integers (payload-ints.ts): `scan` only. */
  readonly payloadInts?: boolean;
}

function sliceParams(
  length: number,
  start: number | null,
  stop: number | null,
  step: number | null,
): [number, number, number] {
  const st = step ?? 1;
  if (st === 0) throw new JpError('invalid slice, step cannot be 0');
  const cap = (n: number): number => {
    if (n < 0) {
      const m = n + length;
      return m < 0 ? (st < 0 ? -1 : 0) : m;
    }
    return n >= length ? (st < 0 ? length - 1 : length) : n;
  };
  const s = start === null ? (st < 0 ? length - 1 : 0) : cap(start);
  const e = stop === null ? (st < 0 ? -1 : length) : cap(stop);
  return [s, e, st];
}

function slice<T>(items: T[], start: number | null, stop: number | null, step: number | null): T[] {
  const [s, e, st] = sliceParams(items.length, start, stop, step);
  const out: T[] = [];
  if (st > 0) for (let i = s; i < e; i += st) out.push(items[i]);
  else for (let i = s; i > e; i += st) out.push(items[i]);
  return out;
}

const toNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** go-jmespath swallows errors of some left sides; never an exhausted budget. */
function swallowed(e: unknown): null {
  if (e instanceof BudgetExceededError) throw e;
  return null;
}

/** Evaluates `node` with `@` = value; each call is one step of the evaluation's budget. */
export function evaluate(node: AstNode, value: unknown, scope: Scope): unknown {
  charge(1);
  // the most frequent node types first: a string switch tests its cases in order
  switch (node.type) {
    case 'Field':
      return isObject(value) ? getField(value, node.name) : null;
    case 'Literal':
      return node.value;
    case 'Identity':
    case 'Current':
      return value;
    case 'Function': {
      const children = node.children;
      const args: unknown[] = [];
      for (let i = 0; i < children.length; i++) args.push(evaluate(children[i], value, scope));
      if (scope.payloadInts && ARITHMETIC.has(node.name))
        return callFunction(scope.functions, node.name, markPayloadInts(node.name, children, args));
      return callFunction(scope.functions, node.name, args);
    }
    case 'Variable':
      return scope.bindings.get(node.name);
    case 'Root':
      return scope.root;
    case 'LetExpression': {
      let bindings = scope.bindings;
      for (const b of node.bindings)
        bindings = bindings.with(b.variable, evaluate(b.reference, value, scope));
      return evaluate(node.expression, value, { ...scope, bindings });
    }
    case 'Binding':
      return evaluate(node.reference, value, scope);
    case 'Subexpression':
    case 'IndexExpression': {
      const left = evaluate(node.left, value, scope);
      return left === null || left === undefined ? null : evaluate(node.right, left, scope);
    }
    case 'Index': {
      if (!Array.isArray(value)) return null;
      const i = node.value < 0 ? node.value + value.length : node.value;
      return i >= 0 && i < value.length ? value[i] : null;
    }
    case 'Slice': {
      if (typeof value === 'string' || Array.isArray(value)) charge(traversalCost(value.length));
      if (Array.isArray(value)) return slice(value, node.start, node.stop, node.step);
      if (typeof value === 'string') {
        try {
          return slice([...value], node.start, node.stop, node.step).join('');
        } catch (e) {
          return swallowed(e);
        }
      }
      return null;
    }
    case 'Projection': {
      const left = evaluate(node.left, value, scope);
      if (!Array.isArray(left)) {
        const allowString = node.left.type === 'IndexExpression' && node.left.right.type === 'Slice';
        return allowString && typeof left === 'string' ? left : null;
      }
      const out: unknown[] = [];
      for (let i = 0; i < left.length; i++) {
        const r = evaluate(node.right, left[i], scope);
        if (r !== null && r !== undefined) out.push(r);
      }
      return out;
    }
    case 'ValueProjection': {
      let left: unknown;
      try {
        left = evaluate(node.left, value, scope);
      } catch (e) {
        return swallowed(e);
      }
      if (!isObject(left)) return null;
      const out: unknown[] = [];
      const values = Object.values(left);
      for (let i = 0; i < values.length; i++) {
        const r = evaluate(node.right, values[i], scope);
        if (r !== null && r !== undefined) out.push(r);
      }
      return out;
    }
    case 'FilterProjection': {
      let left: unknown;
      try {
        left = evaluate(node.left, value, scope);
      } catch (e) {
        return swallowed(e);
      }
      if (!Array.isArray(left)) return null;
      const out: unknown[] = [];
      for (let i = 0; i < left.length; i++) {
        const el = left[i];
        if (isFalse(evaluate(node.condition, el, scope))) continue;
        const r = evaluate(node.right, el, scope);
        if (r !== null && r !== undefined) out.push(r);
      }
      return out;
    }
    case 'Flatten': {
      let left: unknown;
      try {
        left = evaluate(node.child, value, scope);
      } catch (e) {
        return swallowed(e);
      }
      if (!Array.isArray(left)) return null;
      const out: unknown[] = [];
      charge(traversalCost(left.length));
      for (let i = 0; i < left.length; i++) {
        const el = left[i];
        if (Array.isArray(el)) {
          charge(traversalCost(el.length));
          for (let j = 0; j < el.length; j++) out.push(el[j]);
        } else out.push(el);
      }
      return out;
    }
    case 'Arithmetic': {
      const l = toNumber(evaluate(node.left, value, scope));
      const r = toNumber(evaluate(node.right, value, scope));
      if (l === undefined || r === undefined) return null;
      switch (node.operator) {
        case 'Plus':
          return l + r;
        case 'Minus':
          return l - r;
        case 'Multiply':
        case 'Star':
          return l * r;
        case 'Divide':
          return l / r;
        case 'Modulo':
          return l % r;
        case 'Div':
          return Math.floor(l / r);
      }
      return null;
    }
    case 'Unary': {
      const n = toNumber(evaluate(node.operand, value, scope));
      if (n === undefined) return null;
      return node.operator === 'Minus' ? -n : n;
    }
    case 'Comparator': {
      const l = evaluate(node.left, value, scope);
      const r = evaluate(node.right, value, scope);
      if (Array.isArray(l) && Array.isArray(r)) charge(traversalCost(Math.min(l.length, r.length)));
      if (node.name === 'EQ') return deepEqual(l, r);
      if (node.name === 'NE') return !deepEqual(l, r);
      if (typeof l !== 'number' || typeof r !== 'number') return null;
      switch (node.name) {
        case 'GT':
          return l > r;
        case 'GTE':
          return l >= r;
        case 'LT':
          return l < r;
        case 'LTE':
          return l <= r;
      }
      return null;
    }
    case 'OrExpression': {
      const l = evaluate(node.left, value, scope);
      return isFalse(l) ? evaluate(node.right, value, scope) : l;
    }
    case 'AndExpression': {
      const l = evaluate(node.left, value, scope);
      return isFalse(l) ? l : evaluate(node.right, value, scope);
    }
    case 'NotExpression':
      return isFalse(evaluate(node.child, value, scope));
    case 'Pipe':
      return evaluate(node.right, evaluate(node.left, value, scope), scope);
    case 'MultiSelectList':
      return node.children.map((c) => evaluate(c, value, scope));
    case 'MultiSelectHash': {
      const out: JsonObject = {};
      for (const kv of node.children) setField(out, kv.name, evaluate(kv.value, value, scope));
      return out;
    }
    case 'ExpressionReference': {
      const child = node.child;
      return new ExpRef((v) => evaluate(child, v, scope));
    }
    case 'Ternary':
      throw new JpError("SyntaxError: Unknown char: '?'");
  }
  throw new JpError(`Unknown AST node: ${(node as { type: string }).type}`);
}
