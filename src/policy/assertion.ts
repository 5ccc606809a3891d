/**
 * Assertion trees (kyverno-json's pkg/core/assertion): a policy value compiles into map, slice
 * and scalar nodes; asserting a node against a value yields field errors (a FAIL) or throws a
 * RuleError (an ERROR). Compile once, assert many.
 */
import { isPlainObject } from '../util/plain-object.js';
import type { Bindings } from './bindings.js';
import type { CompilerSet, NamedCompiler } from './compiler-set.js';
import type { Program } from './compilers.js';
import { parseKey } from './expression.js';
import {
  child,
  errorText,
  type FieldError,
  type FieldPath,
  index,
  internal,
  invalid,
  key,
  RuleError,
  required,
  typeInvalid,
} from './field.js';
import { goValueText, type NumberOrigin } from './go-values.js';
import { MatchError, match } from './matching.js';

/** What the engine knows about the data being checked. */
export interface AssertContext {
  /** Go type of the payload's integers: int64 (JSON) or int (YAML). */
  payloadOrigin: NumberOrigin;
}

export interface Node {
  assert(path: FieldPath, value: unknown, bindings: Bindings, ctx: AssertContext): FieldError[];
}

/** A policy that does not compile: the field error kyverno-json reports for the rule. */
export class CompileError extends Error {
  constructor(readonly fieldError: FieldError) {
    super(errorText(fieldError));
  }
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

function compileExpression(path: FieldPath, nc: NamedCompiler, statement: string): Program {
  try {
    return nc.compiler.compile(statement);
  } catch (e) {
    throw new CompileError(invalid(path, statement, messageOf(e), 'int64'));
  }
}

export function parseTree(path: FieldPath, tree: unknown, compilers: CompilerSet): Node {
  if (Array.isArray(tree)) return sliceNode(tree.map((t, i) => parseTree(index(path, i), t, compilers)));
  if (isPlainObject(tree)) return mapNode(path, tree, compilers);
  return scalarNode(path, tree, compilers);
}

// --- slice

function sliceNode(items: Node[]): Node {
  return {
    assert(path, value, bindings, ctx) {
      if (value === null || value === undefined)
        return [invalid(path, value, 'value is null', ctx.payloadOrigin)];
      if (!Array.isArray(value))
        throw RuleError.of(typeInvalid(path, value, 'expected a slice', ctx.payloadOrigin));
      if (value.length !== items.length) {
        return [invalid(path, value, "lengths of slices don't match", ctx.payloadOrigin)];
      }
      const errs: FieldError[] = [];
      for (let i = 0; i < items.length; i++)
        errs.push(...items[i].assert(index(path, i), value[i], bindings, ctx));
      return errs;
    },
  };
}

// --- map

interface Projection {
  key: string;
  foreach: boolean;
  foreachName: string;
  binding: string;
  /** [value, found]; throws on an evaluation error. */
  project(value: unknown, bindings: Bindings): [unknown, boolean];
  node: Node;
}

function mapNode(path: FieldPath, tree: Record<string, unknown>, compilers: CompilerSet): Node {
  const entries: Projection[] = Object.keys(tree).map((k) => {
    const keyPath = child(path, k);
    const e = parseKey(k);
    const nc = compilers.pick(e.compiler);
    let project: Projection['project'];
    if (nc) {
      const program = compileExpression(keyPath, nc, e.statement);
      project = (value, bindings) => [program.evaluate(value, bindings), true];
    } else {
      const literal = e.statement;
      project = (value) => {
        if (value === null || value === undefined) return [undefined, false];
        if (isPlainObject(value))
          return Object.hasOwn(value, literal) ? [value[literal], true] : [undefined, false];
        throw new Error('projection not recognized');
      };
    }
    return {
      key: k,
      foreach: e.foreach,
      foreachName: e.foreachName,
      binding: e.binding,
      project,
      node: parseTree(keyPath, tree[k], compilers),
    };
  });
  return {
    assert(path, value, bindings, ctx) {
      if (entries.length === 0) {
        return value === null || value === undefined
          ? [invalid(path, value, 'invalid value, must not be null', ctx.payloadOrigin)]
          : [];
      }
      const errs: FieldError[] = [];
      let scope = bindings; // a binding is visible to the siblings after it
      for (const p of entries) {
        const keyPath = child(path, p.key);
        let projected: unknown;
        let found: boolean;
        try {
          [projected, found] = p.project(value, scope);
        } catch (e) {
          throw RuleError.of(internal(keyPath, messageOf(e)));
        }
        if (!found) {
          errs.push(required(keyPath, 'field not found in the input object'));
          continue;
        }
        if (p.binding) scope = scope.with(p.binding, projected);
        if (!p.foreach) {
          errs.push(...p.node.assert(keyPath, projected, scope, ctx));
        } else if (Array.isArray(projected)) {
          for (let i = 0; i < projected.length; i++) {
            const s = p.foreachName ? scope.with(p.foreachName, i) : scope;
            errs.push(...p.node.assert(index(keyPath, i), projected[i], s, ctx));
          }
        } else if (isPlainObject(projected)) {
          for (const k of Object.keys(projected)) {
            const s = p.foreachName ? scope.with(p.foreachName, k) : scope;
            errs.push(...p.node.assert(key(keyPath, k), projected[k], s, ctx));
          }
        } else {
          throw RuleError.of(typeInvalid(keyPath, projected, 'expected a slice or a map', ctx.payloadOrigin));
        }
      }
      return errs;
    },
  };
}

// --- scalar

/** A scalar value of the policy: an `(expression)` evaluated against the value, or a literal. */
export interface ScalarHandler {
  evaluate(value: unknown, bindings: Bindings): unknown;
  /** Go type of the integers it yields. */
  origin: NumberOrigin;
}

export function parseScalar(path: FieldPath, input: unknown, compilers: CompilerSet): ScalarHandler {
  if (typeof input === 'string') {
    const e = parseKey(input);
    if (e.foreach)
      throw new CompileError(invalid(path, input, 'foreach is not supported in scalar projections', 'int64'));
    if (e.binding)
      throw new CompileError(invalid(path, input, 'binding is not supported in scalar projections', 'int64'));
    const nc = compilers.pick(e.compiler);
    if (nc) {
      const program = compileExpression(path, nc, e.statement);
      return { evaluate: (value, bindings) => program.evaluate(value, bindings), origin: nc.origin };
    }
    const literal = e.statement;
    return { evaluate: () => literal, origin: 'int64' };
  }
  return { evaluate: () => input, origin: 'int64' };
}

function scalarNode(path: FieldPath, input: unknown, compilers: CompilerSet): Node {
  const handler = parseScalar(path, input, compilers);
  return {
    assert(p, value, bindings, ctx) {
      let expected: unknown;
      try {
        expected = handler.evaluate(value, bindings);
      } catch (e) {
        throw RuleError.of(internal(p, messageOf(e)));
      }
      let ok: boolean;
      try {
        ok = match(expected, value, { expected: handler.origin, actual: ctx.payloadOrigin });
      } catch (e) {
        if (e instanceof MatchError) throw RuleError.of(internal(p, e.message));
        throw e;
      }
      return ok
        ? []
        : [invalid(p, value, `Expected value: ${goValueText(expected, handler.origin)}`, ctx.payloadOrigin)];
    },
  };
}
