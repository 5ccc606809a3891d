/**
 * Assertion trees (kyverno-json's pkg/core/assertion): a policy value compiles into map, slice
 * and scalar nodes; asserting a node against a value yields field errors (a FAIL) or throws a
 * RuleError (an ERROR). Compile once, assert many.
 */

import type { Bindings } from '../expression/bindings.js';
import type { Program } from '../expression/compilers.js';
import { goValueText, type NumberOrigin } from '../go/values.js';
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
} from '../k8s/field.js';
import { isPlainObject } from '../util/plain-object.js';
import type { CompilerSet, NamedCompiler } from './compiler-set.js';
import { parseKey } from './expression.js';
import { MatchError, match, type Origins } from './matching.js';

/** What the engine knows about the data being checked. */
export interface AssertContext {
  /** Go type of the payload's integers: int64 (JSON) or int (YAML). */
  payloadOrigin: NumberOrigin;
}

export interface Node {
  /** Appends the field errors of `value` at `path` to `errs`; throws a RuleError for an ERROR. */
  assert(path: FieldPath, value: unknown, bindings: Bindings, ctx: AssertContext, errs: FieldError[]): void;
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

// The assert functions below run for every node of every resource: they append to one error
// list, loop by index and avoid per-call closures, tuples and spreads, which cost most while
// the code still runs unoptimized (a CLI run is over before much of it gets optimized).

// --- slice

function sliceNode(items: Node[]): Node {
  const paths = new IndexPaths();
  return {
    assert(path, value, bindings, ctx, errs) {
      if (value === null || value === undefined) {
        errs.push(invalid(path, value, 'value is null', ctx.payloadOrigin));
        return;
      }
      if (!Array.isArray(value))
        throw RuleError.of(typeInvalid(path, value, 'expected a slice', ctx.payloadOrigin));
      if (value.length !== items.length) {
        errs.push(invalid(path, value, "lengths of slices don't match", ctx.payloadOrigin));
        return;
      }
      for (let i = 0; i < items.length; i++)
        items[i].assert(paths.get(path, i), value[i], bindings, ctx, errs);
    },
  };
}

/**
 * Paths `parent[0]`, `parent[1]`, ... made once per parent path: outside a foreach the parent
 * path is the same object on every evaluation, so a tree's paths are built once, not per
 * resource. (Only the latest parent is kept; paths are never mutated, errors may hold them.)
 */
class IndexPaths {
  declare private parent: FieldPath | null;
  declare private readonly paths: FieldPath[];
  constructor() {
    this.parent = null; // none yet (undefined is the root path)
    this.paths = [];
  }
  get(parent: FieldPath, i: number): FieldPath {
    if (parent !== this.parent) {
      this.parent = parent;
      this.paths.length = 0;
    }
    let p = this.paths[i];
    if (p === undefined) {
      p = index(parent, i);
      if (i === this.paths.length) this.paths.push(p);
    }
    return p;
  }
}

/** The paths `parent.<key>` of a map node's keys, for the latest parent path (see IndexPaths). */
class KeyPaths {
  declare private parent: FieldPath | null;
  declare private readonly paths: FieldPath[];
  declare private readonly keys: readonly string[];
  constructor(keys: readonly string[]) {
    this.parent = null;
    this.paths = keys.map(() => undefined);
    this.keys = keys;
  }
  of(parent: FieldPath): readonly FieldPath[] {
    if (parent !== this.parent) {
      this.parent = parent;
      for (let i = 0; i < this.keys.length; i++) this.paths[i] = child(parent, this.keys[i]);
    }
    return this.paths;
  }
}

// --- map

/** A projection's result when the key is absent from the value. */
const NOT_FOUND = Symbol('not found');

interface Projection {
  key: string;
  foreach: boolean;
  foreachName: string;
  binding: string;
  /** An expression, or undefined for a plain key (looked up as `literal`). */
  program: Program | undefined;
  literal: string;
  node: Node;
}

/** The value a key selects: NOT_FOUND when a plain key is absent; throws on an evaluation error. */
function project(p: Projection, value: unknown, bindings: Bindings): unknown {
  if (p.program !== undefined) return p.program.evaluate(value, bindings);
  if (value === null || value === undefined) return NOT_FOUND;
  if (isPlainObject(value)) return Object.hasOwn(value, p.literal) ? value[p.literal] : NOT_FOUND;
  throw new Error('projection not recognized');
}

function mapNode(path: FieldPath, tree: Record<string, unknown>, compilers: CompilerSet): Node {
  const entries: Projection[] = Object.keys(tree).map((k) => {
    const keyPath = child(path, k);
    const e = parseKey(k);
    const nc = compilers.pick(e.compiler);
    return {
      key: k,
      foreach: e.foreach,
      foreachName: e.foreachName,
      binding: e.binding,
      program: nc ? compileExpression(keyPath, nc, e.statement) : undefined,
      literal: e.statement,
      node: parseTree(keyPath, tree[k], compilers),
    };
  });
  const paths = new KeyPaths(entries.map((e) => e.key));
  const foreachPaths = entries.map(() => new IndexPaths());
  return {
    assert(path, value, bindings, ctx, errs) {
      if (entries.length === 0) {
        if (value === null || value === undefined)
          errs.push(invalid(path, value, 'invalid value, must not be null', ctx.payloadOrigin));
        return;
      }
      let scope = bindings; // a binding is visible to the siblings after it
      const keyPaths = paths.of(path);
      for (let n = 0; n < entries.length; n++) {
        const p = entries[n];
        const keyPath = keyPaths[n];
        let projected: unknown;
        try {
          projected = project(p, value, scope);
        } catch (e) {
          throw RuleError.of(internal(keyPath, messageOf(e)));
        }
        if (projected === NOT_FOUND) {
          errs.push(required(keyPath, 'field not found in the input object'));
          continue;
        }
        if (p.binding) scope = scope.with(p.binding, projected);
        if (!p.foreach) {
          p.node.assert(keyPath, projected, scope, ctx, errs);
        } else if (Array.isArray(projected)) {
          for (let i = 0; i < projected.length; i++) {
            const s = p.foreachName ? scope.with(p.foreachName, i) : scope;
            p.node.assert(foreachPaths[n].get(keyPath, i), projected[i], s, ctx, errs);
          }
        } else if (isPlainObject(projected)) {
          const keys = Object.keys(projected);
          for (let i = 0; i < keys.length; i++) {
            const k = keys[i];
            const s = p.foreachName ? scope.with(p.foreachName, k) : scope;
            p.node.assert(key(keyPath, k), projected[k], s, ctx, errs);
          }
        } else {
          throw RuleError.of(typeInvalid(keyPath, projected, 'expected a slice or a map', ctx.payloadOrigin));
        }
      }
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
    if (nc) return new ProgramHandler(compileExpression(path, nc, e.statement), nc.origin);
    return new LiteralHandler(e.statement);
  }
  return new LiteralHandler(input);
}

class ProgramHandler implements ScalarHandler {
  declare readonly program: Program;
  declare readonly origin: NumberOrigin;
  constructor(program: Program, origin: NumberOrigin) {
    this.program = program;
    this.origin = origin;
  }
  evaluate(value: unknown, bindings: Bindings): unknown {
    return this.program.evaluate(value, bindings);
  }
}

class LiteralHandler implements ScalarHandler {
  declare readonly value: unknown;
  declare readonly origin: NumberOrigin;
  constructor(value: unknown) {
    this.value = value;
    this.origin = 'int64';
  }
  evaluate(): unknown {
    return this.value;
  }
}

/** Origins of a literal (int64, as a policy's numbers) against each payload origin. */
const LITERAL_ORIGINS: Record<NumberOrigin, Origins> = {
  int: { expected: 'int64', actual: 'int' },
  int64: { expected: 'int64', actual: 'int64' },
  float64: { expected: 'int64', actual: 'float64' },
};

function scalarNode(path: FieldPath, input: unknown, compilers: CompilerSet): Node {
  const handler = parseScalar(path, input, compilers);
  if (handler instanceof LiteralHandler) return literalNode(handler.value);
  const origins = { expected: handler.origin, actual: 'int64' as NumberOrigin };
  const originsInt = { expected: handler.origin, actual: 'int' as NumberOrigin };
  return {
    assert(p, value, bindings, ctx, errs) {
      let expected: unknown;
      try {
        expected = handler.evaluate(value, bindings);
      } catch (e) {
        throw RuleError.of(internal(p, messageOf(e)));
      }
      let ok: boolean;
      try {
        ok = match(
          expected,
          value,
          ctx.payloadOrigin === 'int64'
            ? origins
            : ctx.payloadOrigin === 'int'
              ? originsInt
              : { expected: handler.origin, actual: ctx.payloadOrigin },
        );
      } catch (e) {
        if (e instanceof MatchError) throw RuleError.of(internal(p, e.message));
        throw e;
      }
      if (!ok)
        errs.push(
          invalid(p, value, `Expected value: ${goValueText(expected, handler.origin)}`, ctx.payloadOrigin),
        );
    },
  };
}

/** A scalarNode whose expected value is a literal (no expression to evaluate). */
function literalNode(expected: unknown): Node {
  const expectedText = goValueText(expected, 'int64');
  return {
    assert(p, value, _bindings, ctx, errs) {
      let ok: boolean;
      try {
        ok = match(expected, value, LITERAL_ORIGINS[ctx.payloadOrigin]);
      } catch (e) {
        if (e instanceof MatchError) throw RuleError.of(internal(p, e.message));
        throw e;
      }
      if (!ok) errs.push(invalid(p, value, `Expected value: ${expectedText}`, ctx.payloadOrigin));
    },
  };
}
