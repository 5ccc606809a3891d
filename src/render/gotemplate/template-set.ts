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
 * once built. Keyed first by the text itself (the same string object on every render of a chart,
 * so V8 hashes it once; a key concatenated per parse was hashed whole every time), then by the
 * function names and the template's name, since a parse checks that each function exists.
 */
const parsedTexts = new BoundedCache<string, Map<string, Map<string, Tree>>>(4096);
const MAX_PARSES_PER_TEXT = 64;
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

const EMPTY_FUNCS: GoFuncMap = Object.freeze(Object.create(null));

/** A small number per distinct list of function names, so parse keys stay short. */
const funcListIds = new BoundedCache<string, number>(1024);
let nextFuncListId = 0;
function funcListId(names: string): number {
  return funcListIds.getOrCreate(names, () => nextFuncListId++);
}

export class GoTemplateSet {
  readonly name: string;
  private readonly trees: Map<string, Tree>;
  /**
   * Two layers: the caller's map as given (Helm's ~200 functions, shared by every render and
   * never copied: copying it per render was a tenth of a chart render), and the functions added
   * later (the engine's own, a handful per render), which win.
   */
  private readonly baseFuncs: GoFuncMap;
  private funcs: GoFuncMap;
  /** funcListId of both layers' names, computed when first needed after a change. */
  private funcsId: number | undefined;
  private readonly missingKey: MissingKey;
  private readonly limits: ExecLimits;

  constructor(options: GoTemplateSetOptions, trees?: Map<string, Tree>, added?: GoFuncMap) {
    this.name = options.name;
    this.baseFuncs = options.funcs ?? EMPTY_FUNCS;
    this.funcs = Object.assign(Object.create(null), added);
    this.missingKey = options.missingKey ?? 'default';
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.trees = trees ?? new Map();
  }

  /** Adds or replaces functions (Go's `Funcs`); templates parsed later may call them. */
  addFuncs(funcs: GoFuncMap): void {
    this.funcs = Object.assign(Object.create(null), this.funcs, funcs);
    this.funcsId = undefined;
  }

  /** Parses `text` as the template `name` (and its `define`s); throws GoTemplateError. */
  parse(name: string, text: string): void {
    const { baseFuncs, funcs } = this;
    this.funcsId ??= funcListId(`${namesOf(baseFuncs)}\u0000${Object.keys(funcs).join(',')}`);
    const key = `${this.funcsId}\u0000${name}`;
    let byKey = parsedTexts.get(text);
    let parsed = byKey?.get(key);
    if (!parsed) {
      parsed = new Map<string, Tree>();
      const hasFunction = (fn: string) =>
        Object.hasOwn(funcs, fn) || Object.hasOwn(baseFuncs, fn) || Object.hasOwn(builtinFuncs, fn);
      parseTemplates(name, text, hasFunction, parsed);
      if (!byKey || byKey.size >= MAX_PARSES_PER_TEXT) {
        byKey = new Map();
        parsedTexts.set(text, byKey);
      }
      byKey.set(key, parsed);
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
        baseFuncs: this.baseFuncs,
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
      { name: this.name, funcs: this.baseFuncs, missingKey: this.missingKey, limits: this.limits },
      new Map(this.trees),
      this.funcs,
    );
    return copy;
  }
}
