/**
 * The evaluator (a port of Go's text/template/exec.go) over the value model of values.ts.
 * Go distinguishes an interface{} holding a value from the value itself in a few error
 * messages; the evaluator tracks that for dot and variables (`iface`), and a JSON null read
 * from a map or slice stays `null` (a nil interface) until a pipeline ends, as in Go.
 */
import { goQuote } from '../../go/fmt.js';
import { isPlainObject } from '../../util/plain-object.js';
import { runWithin, WorkBudget } from '../../util/work-budget.js';
import { FunctionFailure } from '../functions/failure.js';
import type {
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  Node,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './ast.js';
import { nodeString } from './ast.js';
import { GoTemplateError, GoTemplateWorkLimitError, lineColumn } from './errors.js';
import { sprintValue } from './fmt.js';
import type { Tree } from './parser.js';
import {
  assignable,
  canBeNil,
  type GoFunc,
  type GoFuncMap,
  GoInt,
  GoMap,
  GoObject,
  type GoParamType,
  GoSlice,
  goTypeOf,
  type IntKind,
  isTrue,
  sortedKeys,
} from './values.js';

export type MissingKey = 'default' | 'zero' | 'error';

export interface ExecLimits {
  /** Nested {{template}} calls (Go: 100000). */
  maxTemplateDepth: number;
  /** Characters of output. */
  maxOutput: number;
  /** Range iterations in one execution. */
  maxRangeIterations: number;
}

export interface ExecContext {
  trees: Map<string, Tree>;
  funcs: GoFuncMap;
  /** Functions found when `funcs` has no such name (a shared map, never copied per render). */
  baseFuncs?: GoFuncMap;
  builtins: GoFuncMap;
  missingKey: MissingKey;
  limits: ExecLimits;
}

export const DEFAULT_LIMITS: ExecLimits = {
  maxTemplateDepth: 1000,
  maxOutput: 20 * 1024 * 1024,
  maxRangeIterations: 1_000_000,
};

/** The "no final argument" marker of a command that is not fed by a pipe. */
const MISSING: unique symbol = Symbol('missing');
type Final = unknown;

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

interface Variable {
  name: string;
  value: unknown;
  iface: boolean;
}

const INT_KINDS = new Set([
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
]);

/**
 * Runs the template `name`. `budget` is the evaluation's work budget, shared with the nested
 * executions of the same render (Helm's include and tpl); a fresh one when it stands alone.
 */
export function execute(
  ctx: ExecContext,
  name: string,
  input: unknown,
  budget: WorkBudget = new WorkBudget(),
): string {
  // reflect.ValueOf(nil) is the invalid value: nil data behaves like no data.
  const data = input === null ? undefined : input;
  const tree = ctx.trees.get(name);
  const st = new State(ctx, name, tree, [{ name: '$', value: data, iface: false }], 0, {
    out: [],
    len: 0,
    iterations: 0,
    budget,
  });
  if (!tree) st.errorf(`${goQuote(name)} is an incomplete or empty template`);
  runWithin(budget, () => st.walk(data, false, tree!.root));
  return st.sink.out.join('');
}

interface Sink {
  out: string[];
  len: number;
  iterations: number;
  budget: WorkBudget;
}

class State {
  node: Node | undefined;

  constructor(
    readonly ctx: ExecContext,
    readonly tmplName: string,
    readonly tree: Tree | undefined,
    readonly vars: Variable[],
    readonly depth: number,
    readonly sink: Sink,
  ) {}

  errorf(msg: string, cause?: unknown): never {
    if (!this.node || !this.tree) {
      throw new GoTemplateError(
        'exec',
        `template: ${this.tmplName}: ${msg}`,
        this.tmplName,
        0,
        undefined,
        cause,
      );
    }
    const { line, column } = lineColumn(this.tree.text, this.node.pos);
    throw new GoTemplateError(
      'exec',
      `template: ${this.tree.parseName}:${line}:${column}: executing ${goQuote(this.tmplName)} at <${nodeString(
        this.node,
      )}>: ${msg}`,
      this.tmplName,
      line,
      column,
      cause,
    );
  }

  /** The work budget is spent: Go's exec error form, at the node being evaluated. */
  private overBudget(): never {
    const msg = this.sink.budget.exceeded();
    if (!this.node || !this.tree) {
      throw new GoTemplateWorkLimitError(`template: ${this.tmplName}: ${msg}`, this.tmplName, 0);
    }
    const { line, column } = lineColumn(this.tree.text, this.node.pos);
    throw new GoTemplateWorkLimitError(
      `template: ${this.tree.parseName}:${line}:${column}: executing ${goQuote(this.tmplName)} at <${nodeString(
        this.node,
      )}>: ${msg}`,
      this.tmplName,
      line,
      column,
    );
  }

  private write(s: string): void {
    if (!this.sink.budget.output(s.length)) this.overBudget();
    this.sink.len += s.length;
    if (this.sink.len > this.ctx.limits.maxOutput) {
      this.errorf(`output exceeds the limit of ${this.ctx.limits.maxOutput} characters`);
    }
    this.sink.out.push(s);
  }

  // --- variables
  private mark(): number {
    return this.vars.length;
  }
  private pop(mark: number): void {
    this.vars.length = mark;
  }
  private setVar(name: string, value: unknown, iface = false): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i] = { name, value, iface };
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: unknown, iface: boolean): void {
    const v = this.vars[this.vars.length - n];
    this.vars[this.vars.length - n] = { name: v.name, value, iface };
  }
  private variable(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i];
    this.errorf(`undefined variable: ${name}`);
  }

  // --- statements
  walk(dot: unknown, dotIface: boolean, node: Node): void {
    this.node = node;
    // a list is counted in its items (so that an error names the action, not the whole list)
    if (node.type !== 'list' && !this.sink.budget.step()) this.overBudget();
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, dotIface, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.node = node;
          let text: string;
          try {
            // a field reached from a template is addressable: a pointer-receiver String() applies
            text =
              val === undefined ? '<no value>' : val instanceof GoObject ? val.toString() : sprintValue(val);
          } catch (e) {
            if (this.sink.budget.spent) this.overBudget(); // printing a map that nests one map many times
            throw e;
          }
          this.write(text);
        }
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, dotIface, node);
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, dotIface, n);
        return;
      case 'range':
        this.walkRange(dot, dotIface, node);
        return;
      case 'template':
        this.walkTemplate(dot, dotIface, node);
        return;
      case 'text':
        this.write(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(dot: unknown, dotIface: boolean, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, dotIface, node.pipe);
      if (isTrue(val)) {
        if (node.type === 'with') this.walk(val, false, node.list);
        else this.walk(dot, dotIface, node.list);
      } else if (node.elseList) this.walk(dot, dotIface, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: unknown, dotIface: boolean, r: BranchNode): void {
    this.node = r;
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, dotIface, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const oneIteration = (index: unknown, elem: unknown, elemIface: boolean) => {
        if (++this.sink.iterations > this.ctx.limits.maxRangeIterations) {
          this.node = r;
          this.errorf(`range iterations exceed the limit of ${this.ctx.limits.maxRangeIterations}`);
        }
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            if (decl.length > 1) this.setVar(decl[0].ident[0], index);
            else this.setVar(decl[0].ident[0], elem, elemIface);
          } else this.setTopVar(1, elem, elemIface);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1].ident[0], elem, elemIface);
          else this.setTopVar(2, index, false);
        }
        try {
          this.walk(elem, elemIface, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      try {
        if (val instanceof GoInt) {
          if (decl.length > 1) {
            this.errorf(`can't use ${sprintValue(val)} to iterate over more than one variable`);
          }
          for (let i = 0n; i < val.v; i++) {
            ran = true;
            oneIteration(undefined, new GoInt(val.kind, i), false);
          }
        } else if (Array.isArray(val) || val instanceof GoSlice) {
          const items = Array.isArray(val) ? val : val.items;
          const iface = Array.isArray(val);
          for (let i = 0; i < items.length; i++) {
            ran = true;
            oneIteration(new GoInt('int', BigInt(i)), items[i], iface);
          }
        } else if (val instanceof GoMap || isPlainObject(val)) {
          const m = val instanceof GoMap ? val.entries : val;
          const iface = !(val instanceof GoMap);
          for (const k of sortedKeys(m)) {
            ran = true;
            oneIteration(k, m[k], iface);
          }
        } else if (val !== undefined) {
          this.errorf(`range can't iterate over ${sprintValue(val)}`);
        }
      } catch (e) {
        if (e !== BREAK) throw e;
        return;
      }
      if (!ran && r.elseList) this.walk(dot, dotIface, r.elseList);
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: unknown, dotIface: boolean, t: TemplateNode): void {
    this.node = t;
    const tree = this.ctx.trees.get(t.name);
    if (!tree) this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth >= this.ctx.limits.maxTemplateDepth) {
      this.errorf(`exceeded maximum template depth (${this.ctx.limits.maxTemplateDepth})`);
    }
    const newDot = this.evalPipeline(dot, dotIface, t.pipe);
    const st = new State(
      this.ctx,
      t.name,
      tree,
      [{ name: '$', value: newDot, iface: false }],
      this.depth + 1,
      this.sink,
    );
    this.sink.budget.depth++;
    try {
      st.walk(newDot, false, tree.root);
    } catch (e) {
      // JavaScript's stack can fill before maxTemplateDepth (each level takes several frames):
      // that is the same limit, said in Go's words, at this call (one with stack to spare)
      if (isStackOverflow(e)) {
        this.node = t;
        this.errorf(`exceeded maximum template depth (the call stack is full at depth ${this.depth + 1})`);
      }
      throw e;
    } finally {
      this.sink.budget.depth--;
    }
  }

  // --- expressions
  evalPipeline(dot: unknown, dotIface: boolean, pipe: PipeNode | undefined): unknown {
    if (!pipe) return undefined;
    this.node = pipe;
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, dotIface, cmd, value);
      if (value === null) value = undefined; // an empty interface unwraps to no value
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0], value);
      else this.vars.push({ name: v.ident[0], value, iface: false });
    }
    return value;
  }

  private notAFunction(args: readonly ArgNode[] | null, final: Final): void {
    if (args && (args.length > 1 || final !== MISSING)) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
    }
  }

  private evalCommand(dot: unknown, dotIface: boolean, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, dotIface, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, dotIface, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, dotIface, first.ident, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, dotIface, first);
      case 'variable':
        return this.evalVariableNode(dot, dotIface, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
        break;
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`);
  }

  private idealConstant(n: Extract<ArgNode, { type: 'number' }>): unknown {
    this.node = n;
    const isHexInt = n.text.length > 2 && n.text[0] === '0' && /[xX]/.test(n.text[1]) && !/[pP]/.test(n.text);
    const isRuneInt = n.text[0] === "'";
    if (n.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(n.text)) return n.float64;
    if (n.isInt) return new GoInt('int', n.int64);
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(
    dot: unknown,
    dotIface: boolean,
    field: FieldNode,
    args: readonly ArgNode[] | null,
    final: Final,
  ) {
    this.node = field;
    return this.evalFieldChain(dot, dotIface, dot, dotIface, field, field.ident, args, final);
  }

  private evalChainNode(
    dot: unknown,
    dotIface: boolean,
    chain: ChainNode,
    args: readonly ArgNode[] | null,
    final: Final,
  ) {
    this.node = chain;
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, dotIface, undefined, chain.node);
    return this.evalFieldChain(dot, dotIface, pipe, false, chain, chain.field, args, final);
  }

  private evalVariableNode(
    dot: unknown,
    dotIface: boolean,
    v: VariableNode,
    args: readonly ArgNode[] | null,
    final: Final,
  ) {
    this.node = v;
    const variable = this.variable(v.ident[0]);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return variable.value;
    }
    return this.evalFieldChain(
      dot,
      dotIface,
      variable.value,
      variable.iface,
      v,
      v.ident.slice(1),
      args,
      final,
    );
  }

  private evalFieldChain(
    dot: unknown,
    dotIface: boolean,
    receiver: unknown,
    receiverIface: boolean,
    node: Node,
    ident: string[],
    args: readonly ArgNode[] | null,
    final: Final,
  ): unknown {
    let r = receiver;
    let iface = receiverIface;
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      [r, iface] = this.evalField(dot, dotIface, ident[i], node, null, MISSING, r, iface);
    }
    return this.evalField(dot, dotIface, ident[n - 1], node, args, final, r, iface)[0];
  }

  /** Returns the field's value and whether it is held in an interface{} (a map[string]interface{} value). */
  private evalField(
    dot: unknown,
    dotIface: boolean,
    fieldName: string,
    node: Node,
    args: readonly ArgNode[] | null,
    final: Final,
    receiver: unknown,
    receiverIface: boolean,
  ): [unknown, boolean] {
    if (receiver === undefined) {
      if (this.ctx.missingKey === 'error') this.errorf(`nil data; no entry for key ${goQuote(fieldName)}`);
      return [undefined, false];
    }
    const typ = receiverIface ? 'interface {}' : goTypeOf(receiver);
    if (receiver === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    if (receiver instanceof GoObject || receiver instanceof GoMap || receiver instanceof GoSlice) {
      const methods = receiver.methods();
      if (Object.hasOwn(methods, fieldName)) {
        return [this.evalCall(dot, dotIface, methods[fieldName], false, node, fieldName, args, final), false];
      }
      const fields = receiver instanceof GoObject ? receiver.fields() : {};
      if (Object.hasOwn(fields, fieldName)) {
        if ((args !== null && args.length > 1) || final !== MISSING) {
          this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        }
        return [fields[fieldName], false];
      }
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (receiver instanceof GoMap || isPlainObject(receiver)) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const entries = receiver instanceof GoMap ? receiver.entries : receiver;
      if (Object.hasOwn(entries, fieldName)) return [entries[fieldName], !(receiver instanceof GoMap)];
      switch (this.ctx.missingKey) {
        case 'zero':
          return receiver instanceof GoMap ? [zeroOf(receiver.elem), false] : [null, true];
        case 'error':
          this.errorf(`map has no entry for key ${goQuote(fieldName)}`);
          break;
        default:
          return [undefined, false];
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private evalFunction(
    dot: unknown,
    dotIface: boolean,
    name: string,
    node: Node,
    cmd: Node,
    args: readonly ArgNode[] | null,
    final: Final,
  ): unknown {
    this.node = node;
    let fn: GoFunc | undefined;
    let isBuiltin = false;
    if (Object.hasOwn(this.ctx.funcs, name)) fn = this.ctx.funcs[name];
    else if (this.ctx.baseFuncs && Object.hasOwn(this.ctx.baseFuncs, name)) fn = this.ctx.baseFuncs[name];
    else if (Object.hasOwn(this.ctx.builtins, name)) {
      fn = this.ctx.builtins[name];
      isBuiltin = true;
    }
    if (!fn) this.errorf(`${goQuote(name)} is not a defined function`);
    return this.evalCall(dot, dotIface, fn, isBuiltin, cmd, name, args, final);
  }

  private evalCall(
    dot: unknown,
    dotIface: boolean,
    fn: GoFunc,
    isBuiltin: boolean,
    node: Node,
    name: string,
    allArgs: readonly ArgNode[] | null,
    final: Final,
  ): unknown {
    const args = allArgs ? allArgs.slice(1) : [];
    let numIn = args.length;
    if (final !== MISSING) numIn++;
    let numFixed = args.length;
    const nParams = fn.params.length + (fn.variadic !== undefined ? 1 : 0);
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length;
      if (numIn < numFixed)
        this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== nParams) {
      this.errorf(`wrong number of args for ${name}: want ${nParams} got ${numIn}`);
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: unknown;
      for (const arg of args) {
        v = this.evalArg(dot, dotIface, 'value', arg);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const argv: unknown[] = new Array(numIn);
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv[i] = this.evalArg(dot, dotIface, fn.params[i], args[i]);
    if (fn.variadic !== undefined) {
      for (; i < args.length; i++) argv[i] = this.evalArg(dot, dotIface, fn.variadic, args[i]);
    }
    if (final !== MISSING) {
      let t: GoParamType = fn.variadic ?? fn.params[fn.params.length - 1];
      if (fn.variadic !== undefined && numIn - 1 < numFixed) t = fn.params[numIn - 1];
      argv[i] = this.validateType(final, t);
    }
    if (isBuiltin && name === 'call') {
      const callee = args.length === 0 ? sprintValue(final) : nodeString(args[0]);
      argv.unshift(callee);
    }
    const budget = this.sink.budget;
    if (!budget.step()) {
      this.node = node;
      this.overBudget();
    }
    let result: unknown;
    try {
      result = fn.fn(...argv);
    } catch (e) {
      // the JS stack ran out (deep recursion through functions such as Helm's include): the
      // function that recurses decides what to say, not every frame on the way up; a spent
      // budget was located where it tripped
      if (e instanceof RangeError || e instanceof GoTemplateWorkLimitError) throw e;
      if (budget.spent) {
        // spent inside the function (walking a value that nests one map many times)
        this.node = node;
        this.overBudget();
      }
      const msg =
        e instanceof GoTemplateError
          ? e.message
          : e instanceof FunctionFailure
            ? `${e.runtimePanic ? 'runtime error: ' : ''}${e.message}`
            : e instanceof Error
              ? `runtime error: ${e.message}`
              : String(e);
      this.node = node;
      this.errorf(`error calling ${name}: ${msg}`, e);
    }
    // what a function made counts too: a string doubled in a variable, a list concatenated to itself
    const made =
      typeof result === 'string'
        ? budget.output(result.length)
        : Array.isArray(result)
          ? budget.step(result.length)
          : result instanceof GoSlice
            ? budget.step(result.items.length)
            : true;
    if (!made) {
      this.node = node;
      this.overBudget();
    }
    return result;
  }

  private validateType(value: unknown, typ: GoParamType | undefined): unknown {
    if (value === undefined) {
      if (typ === undefined) return undefined;
      if (typ === 'value') return undefined;
      if (canBeNil(typ)) return null;
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === undefined || typ === 'value' || typ === 'any') return value;
    if (value === null) this.errorf(`wrong type for value; expected ${typ}; got interface {}`);
    if (assignable(value, typ)) return value;
    this.errorf(`wrong type for value; expected ${typ}; got ${goTypeOf(value)}`);
  }

  private evalArg(dot: unknown, dotIface: boolean, typ: GoParamType | undefined, n: ArgNode): unknown {
    this.node = n;
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === 'value') return undefined;
        if (typ !== undefined && canBeNil(typ)) return null;
        this.errorf(`cannot assign nil to ${typ}`);
        break;
      case 'field':
        return this.validateType(this.evalFieldNode(dot, dotIface, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, dotIface, n, null, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, dotIface, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, dotIface, n.ident, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, dotIface, n, null, MISSING), typ);
    }
    this.node = n;
    switch (typ) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
        break;
      case 'float64':
        if (n.type === 'number' && n.isFloat) return n.float64;
        this.errorf(`expected float; found ${nodeString(n)}`);
        break;
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
        break;
      case 'any':
      case 'value':
        switch (n.type) {
          case 'bool':
            return n.value;
          case 'number':
            return this.idealConstant(n);
          case 'string':
            return n.text;
        }
        break;
      default:
        if (typ !== undefined && INT_KINDS.has(typ)) {
          const kind = typ as IntKind;
          if (kind.startsWith('u')) {
            if (n.type === 'number' && n.isUint) return new GoInt(kind, n.uint64);
            this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
          }
          if (n.type === 'number' && n.isInt) return new GoInt(kind, n.int64);
          this.errorf(`expected integer; found ${nodeString(n)}`);
        }
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`);
  }
}

/** The zero value of a concrete element type. */
function zeroOf(typ: string): unknown {
  if (typ === 'string') return '';
  if (typ === 'bool') return false;
  if (typ === 'float64') return 0;
  if (INT_KINDS.has(typ)) return new GoInt(typ as IntKind, 0n);
  return null;
}

/** V8's RangeError for a full call stack (any other error passes). */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message === 'Maximum call stack size exceeded';
}
