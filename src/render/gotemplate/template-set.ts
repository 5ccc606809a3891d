/**
 * A set of named templates that share definitions, as Go's `*template.Template` with its
 * associated templates: Helm parses every chart file into one set (`t.New(file).Parse(text)`),
 * executes each by name, and `tpl` clones the set to parse more text into it.
 *
 * Association follows Go: a later parse may redefine a template, except that an empty body
 * (a file holding only `define`s) never replaces an existing one. Within one text, defining a
 * name twice is a parse error, as in Go.
 */
import { goQuote } from '../../go/fmt.js';
import { BoundedCache } from '../../util/bounded-cache.js';
import type { WorkBudget } from '../../util/work-budget.js';
import { builtinFuncs } from './builtins.js';
import { GoTemplateError } from './errors.js';
import { DEFAULT_LIMITS, type ExecLimits, execute, type MissingKey } from './exec.js';
import { isEmptyTree, parseTemplates, type Tree } from './parser.js';
import type { GoFuncMap } from './values.js';

export interface GoTemplateSetOptions {
  /** The set's own name (Go's root template name, e.g. Helm's `gotpl`), used in some errors. */
  name: string;
  funcs?: GoFuncMap;
  missingKey?: MissingKey;
  limits?: Partial<ExecLimits>;
}

/**
 * Parses by text: a chart's templates are the same on every render, and trees are never changed
 * once built. The key holds the function names, since a parse checks that each function exists.
 */
const parsedTexts = new BoundedCache<string, Map<string, Tree>>(4096);
const funcNamesKey = new WeakMap<GoFuncMap, string>();

function namesOf(funcs: GoFuncMap): string {
  let key = funcNamesKey.get(funcs);
  if (key === undefined) {
    // insertion order is stable for maps built the same way; a different order only misses
    key = Object.keys(funcs).join(',');
    funcNamesKey.set(funcs, key);
  }
  return key;
}

export class GoTemplateSet {
  readonly name: string;
  private readonly trees: Map<string, Tree>;
  private funcs: GoFuncMap;
  private readonly missingKey: MissingKey;
  private readonly limits: ExecLimits;

  constructor(options: GoTemplateSetOptions, trees?: Map<string, Tree>) {
    this.name = options.name;
    this.funcs = Object.assign(Object.create(null), options.funcs);
    this.missingKey = options.missingKey ?? 'default';
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.trees = trees ?? new Map();
  }

  /** Adds or replaces functions (Go's `Funcs`); templates parsed later may call them. */
  addFuncs(funcs: GoFuncMap): void {
    this.funcs = Object.assign(Object.create(null), this.funcs, funcs);
  }

  /** Parses `text` as the template `name` (and its `define`s); throws GoTemplateError. */
  parse(name: string, text: string): void {
    const funcs = this.funcs;
    const key = `${namesOf(funcs)}\u0000${name}\u0000${text}`;
    let parsed = parsedTexts.get(key);
    if (!parsed) {
      parsed = new Map<string, Tree>();
      const hasFunction = (fn: string) => Object.hasOwn(funcs, fn) || Object.hasOwn(builtinFuncs, fn);
      parseTemplates(name, text, hasFunction, parsed);
      parsedTexts.set(key, parsed);
    }
    for (const [n, tree] of parsed) {
      const old = this.trees.get(n);
      if (old && isEmptyTree(tree.root)) continue;
      this.trees.set(n, tree);
    }
  }

  has(name: string): boolean {
    return this.trees.has(name);
  }

  /**
   * Go's ExecuteTemplate: runs the template `name` with `data` as dot, within `budget` (the
   * work budget of the render this execution belongs to; a fresh one by default).
   */
  execute(name: string, data: unknown, budget?: WorkBudget): string {
    if (!this.trees.has(name)) {
      throw new GoTemplateError(
        'exec',
        `template: no template ${goQuote(name)} associated with template ${goQuote(this.name)}`,
        name,
        0,
      );
    }
    return execute(
      {
        trees: this.trees,
        funcs: this.funcs,
        builtins: builtinFuncs,
        missingKey: this.missingKey,
        limits: this.limits,
      },
      name,
      data,
      budget,
    );
  }

  /** A copy whose later parses and function changes leave this set untouched (trees are immutable). */
  clone(): GoTemplateSet {
    const copy = new GoTemplateSet(
      { name: this.name, funcs: this.funcs, missingKey: this.missingKey, limits: this.limits },
      new Map(this.trees),
    );
    return copy;
  }
}
