/**
 * The handlebars render engine for charts: one isolated handlebars environment per chart, the
 * function map bound into it, `define`/`include` for named templates, and errors that name
 * the template file, line and column. Compiled charts are cached by content hash. Each render
 * runs within one work budget (util/work-budget.ts): every helper call, include, partial and
 * `#each` iteration is a step, and what helpers, includes and partials return counts as output.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import type { TemplateSource } from '../../api/chart.js';
import { goTypeName } from '../../go/fmt.js';
import { BoundedCache } from '../../util/bounded-cache.js';
import { ClustermintError, formatLocation } from '../../util/errors.js';
import { LIMITS } from '../../util/limits.js';
import { loadGenerated } from '../../util/load-generated.js';
import { GENERATED_DIR } from '../../util/paths.js';
import { emptyMap, hasOwn, isPlainObject } from '../../util/plain-object.js';
import { closest } from '../../util/suggest.js';
import { runWithin, WorkBudget, WorkLimitError, type WorkLimits } from '../../util/work-budget.js';
import { unsupportedDecorator } from './decorators.js';
import {
  arityOf,
  chartFunctionError,
  checkArity,
  FUNCTIONS,
  FunctionError,
  isEmpty,
  RequiredError,
} from './functions.js';

export interface RenderedTemplate {
  name: string;
  text: string;
}

export interface CompiledChart {
  /** Renders every non-partial template, in name order (`limits`: the render's work budget). */
  render(context: object, limits?: Partial<WorkLimits>): RenderedTemplate[];
  /** Names of the `define` blocks the partials declare. */
  defines: string[];
}

type HelperOptions = Handlebars.HelperOptions & {
  loc?: { start: { line: number; column: number } };
  name?: string;
};

/** Partials are `_*.hbs` files: they define named templates and render nothing themselves. */
export function isPartial(name: string): boolean {
  return /(^|\/)_[^/]*$/.test(name);
}

const cache = new BoundedCache<string, CompiledChart>(64);

const byArray = new WeakMap<readonly TemplateSource[], CompiledChart>();

const require = createRequire(import.meta.url);
/** The full handlebars (parser and compiler), loaded only when a chart must be compiled now. */
const fullHandlebars = (): typeof Handlebars => require('handlebars');
/** The handlebars runtime alone: enough for charts precompiled at build time. */
const runtimeHandlebars = (): typeof Handlebars => require('handlebars/runtime');

export const PRECOMPILED_CHARTS_DIR = `${GENERATED_DIR}charts/`;

/** The content hash a chart's compiled form is cached and precompiled under. */
export function chartKey(templates: readonly TemplateSource[]): string {
  const hash = createHash('sha256');
  for (const t of templates) hash.update(t.name).update('\0').update(t.source).update('\0');
  return hash.digest('hex');
}

export function compileChart(templates: readonly TemplateSource[]): CompiledChart {
  // A loaded chart keeps its template array: skip hashing on every render.
  const known = byArray.get(templates);
  if (known) return known;
  const key = chartKey(templates);
  let compiled = cache.get(key);
  if (!compiled) {
    const file = `${PRECOMPILED_CHARTS_DIR}${key}.cjs`;
    const specs = existsSync(file)
      ? (loadGenerated(file) as { specs: Record<string, object> }).specs
      : undefined;
    compiled = buildChart(templates, specs);
    cache.set(key, compiled);
  }
  byArray.set(templates, compiled);
  return compiled;
}

interface NamedTemplate {
  fn: Handlebars.TemplateDelegate;
  file: string;
}

/** The helper an appended object goes through (see stringAppendingCompiler). */
const PRINT_HELPER = '__print';

/**
 * With `noEscape`, handlebars joins adjacent outputs with `+`, so `{{a}}{{b}}` with two numbers
 * renders their sum. This compiler (named for its first job) coerces every appended value to a string first; an object
 * goes through the PRINT_HELPER with the mustache's position, so printing a map is a located
 * error instead of "Cannot convert object to primitive value" (or "[object Object]").
 */
function stringAppendingCompiler(hb: typeof Handlebars): unknown {
  const Base = (hb as any).JavaScriptCompiler;
  function StringAppendingCompiler(this: any, ...args: unknown[]) {
    Base.apply(this, args);
  }
  const printed = (self: any, v: unknown) => {
    const start = self.source.currentLocation?.start ?? { line: 0, column: 0 };
    return [
      // handlebars gives every helper's last argument its lookupProperty: the position is an object
      `(typeof ${v} === "object" ? helpers.${PRINT_HELPER}(${v}, { line: ${Number(start.line)}, column: ${Number(start.column)} }) : "" + ${v})`,
    ];
  };
  StringAppendingCompiler.prototype = Object.create(Base.prototype);
  StringAppendingCompiler.prototype.compiler = StringAppendingCompiler;
  // `{{x.y ARG}}` calls the value at x.y when it is truthy (`(value || helperMissing).call(...)`):
  // a chart's values are data, never functions, so a call goes to a helper or helperMissing.
  StringAppendingCompiler.prototype.invokeHelper = function (this: any, ...args: unknown[]) {
    this.popStack();
    this.pushStackLiteral('undefined');
    return Base.prototype.invokeHelper.apply(this, args);
  };
  StringAppendingCompiler.prototype.append = function (this: any) {
    if (this.isInline()) {
      this.replaceStack((current: string) => [' != null ? ', ...printed(this, current), ' : ""']);
      this.pushSource(this.appendToBuffer(this.popStack()));
    } else {
      const local = this.popStack();
      this.pushSource([
        'if (',
        local,
        ' != null) { ',
        this.appendToBuffer(printed(this, local), undefined, true),
        ' }',
      ]);
      if (this.environment.isSimple)
        this.pushSource(['else { ', this.appendToBuffer("''", undefined, true), ' }']);
    }
  };
  return StringAppendingCompiler;
}

/** What `{{x}}` prints for an object: its own string form, else a refusal naming what it is. */
function printObject(v: object): string {
  if (isPlainObject(v))
    throw new FunctionError('cannot print a map: use toYaml or toJson to print it as text');
  // a list prints as its items joined with commas (nested lists flattened), where a map would
  // print as "[object Object]"
  if (Array.isArray(v) && holdsMap(v))
    throw new FunctionError('cannot print a list that holds maps: use toYaml or toJson to print it as text');
  return `${v}`;
}

/** Whether a list, or a list inside it, holds a map (what printing it would show as "[object Object]"). */
function holdsMap(list: readonly unknown[]): boolean {
  const todo: (readonly unknown[])[] = [list];
  const seen = new Set<unknown>(todo);
  for (let l = todo.pop(); l !== undefined; l = todo.pop())
    for (const item of l) {
      if (isPlainObject(item)) return true;
      if (Array.isArray(item) && !seen.has(item)) {
        seen.add(item);
        todo.push(item);
      }
    }
  return false;
}

/**
 * Handlebars compiles a call to a name it knows as a built-in into a direct call of that helper.
 * `log` is removed from chart environments (see chartHandlebars) and `helperMissing` and
 * `blockHelperMissing` live in its hooks, not its helpers: compiled as ordinary names they are
 * unknown functions, not a call of `undefined`.
 */
const COMPILE_OPTIONS = {
  noEscape: true,
  strict: false,
  preventIndent: true,
  knownHelpers: { log: false, helperMissing: false, blockHelperMissing: false },
} as const;
/**
 * Every top-level call's runtime options. A name found only on a prototype (`{{constructor}}`,
 * `{{x.toString}}`) is not a value of the chart: denied and printed as nothing, like a missing key.
 * Saying so explicitly keeps handlebars from logging its own "Access has been denied" notice to
 * the process's stderr (it logs through console.error when the default is left unset).
 */
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

/** Main templates run as one driver program (see buildChart); its source and each file's line offset. */
function driverSource(mains: readonly TemplateSource[]): { source: string; offsets: Map<string, number> } {
  let source = '';
  let line = 1;
  const offsets = new Map<string, number>();
  for (const [i, t] of mains.entries()) {
    source += `{{#__file ${i}}}\n${t.source}{{/__file}}\n`;
    offsets.set(t.name, line);
    line += 2 + (t.source.match(/\n/g)?.length ?? 0);
  }
  return { source, offsets };
}

function splitTemplates(templates: readonly TemplateSource[]): {
  partials: TemplateSource[];
  mains: TemplateSource[];
} {
  return {
    partials: templates.filter((t) => isPartial(t.name)),
    mains: templates
      .filter((t) => !isPartial(t.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/**
 * Handlebars reads `{{@index}}` as a call of a helper named `index` when there is one, and a
 * chart has `index`, `first` and `last` functions: in this compiler a data variable without
 * arguments is always the variable.
 */
function dataVariableCompiler(hb: typeof Handlebars): unknown {
  const Base = (hb as any).Compiler;
  function DataVariableCompiler(this: any) {
    Base.call(this);
  }
  DataVariableCompiler.prototype = Object.create(Base.prototype);
  DataVariableCompiler.prototype.compiler = DataVariableCompiler;
  DataVariableCompiler.prototype.classifySexpr = function (this: any, sexpr: any) {
    if (sexpr.path.type === 'PathExpression' && sexpr.path.data && !sexpr.params.length && !sexpr.hash)
      return 'simple';
    return Base.prototype.classifySexpr.call(this, sexpr);
  };
  return DataVariableCompiler;
}

/** A compiling handlebars environment with clustermint's compiler tweaks. */
function compilingHandlebars(): typeof Handlebars {
  const hb = fullHandlebars().create();
  (hb as any).Compiler = dataVariableCompiler(hb);
  (hb as any).JavaScriptCompiler = stringAppendingCompiler(hb);
  return hb;
}

/** Parses a template and refuses what handlebars would only fail on unlocated when it runs. */
function parseTemplate(hb: typeof Handlebars, t: TemplateSource): hbs.AST.Program {
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(t.source);
  } catch (e) {
    throw syntaxError(e, t);
  }
  const decorator = unsupportedDecorator(ast);
  if (decorator) {
    const { name, line, col } = decorator;
    const src = t.source.split('\n')[line - 1] ?? '';
    throw new ClustermintError(
      'TEMPLATE_SYNTAX',
      `template syntax error: unknown decorator ${JSON.stringify(name)} (only {{#*inline "NAME"}} is supported)`,
      { file: t.name, line, col },
      [src, `${' '.repeat(col - 1)}^`],
    );
  }
  return ast;
}

/**
 * Precompiles a chart into a CommonJS module of handlebars template specs (used at build time
 * for the built-in charts, so a cold CLI run needs neither the handlebars parser nor compiler).
 */
export function precompileChart(templates: readonly TemplateSource[]): string {
  const hb = compilingHandlebars();
  const { partials, mains } = splitTemplates(templates);
  const specs: string[] = [];
  for (const t of [...partials, ...mains]) parseTemplate(hb, t); // fail the build on a syntax error
  for (const p of partials)
    specs.push(`${JSON.stringify(p.name)}: ${hb.precompile(p.source, COMPILE_OPTIONS)}`);
  specs.push(`"__driver": ${hb.precompile(driverSource(mains).source, COMPILE_OPTIONS)}`);
  return `'use strict';\nmodule.exports = { specs: {\n${specs.join(',\n')}\n} };\n`;
}

/** Build step: a chart from specs just precompiled (to run it once before caching V8's code). */
export function chartFromSpecs(
  templates: readonly TemplateSource[],
  specs: Record<string, object>,
): CompiledChart {
  return buildChart(templates, specs);
}

/** The helper that runs each main template inside the driver program. */
const FILE_HELPER = '__file';
/** Registered helpers a chart cannot name (nor be offered as a suggestion). */
const INTERNAL_HELPERS = new Set(['helperMissing', 'blockHelperMissing', PRINT_HELPER, FILE_HELPER]);
/** How each block built-in is written, for the error when it is called any other way. */
const BLOCK_USAGE: Record<string, string> = {
  each: '{{#each LIST}}...{{/each}}',
  if: '{{#if VALUE}}...{{/if}}',
  unless: '{{#unless VALUE}}...{{/unless}}',
  with: '{{#with VALUE}}...{{/with}}',
};

/**
 * A chart's handlebars environment: handlebars' `log` helper writes to the process's console
 * (raw, ahead of the rendered YAML) and Helm has no `log`, so a chart cannot call it.
 */
function chartHandlebars(precompiled: boolean): typeof Handlebars {
  const hb = precompiled ? runtimeHandlebars().create() : compilingHandlebars();
  hb.unregisterHelper('log');
  return hb;
}

function buildChart(
  templates: readonly TemplateSource[],
  givenSpecs?: Record<string, object>,
): CompiledChart {
  const specs = givenSpecs?.__driver ? givenSpecs : undefined;
  const hb = chartHandlebars(specs !== undefined);
  const defines = new Map<string, NamedTemplate>();
  // The file being executed (top-level template, or the partial file of an included define).
  const fileStack: string[] = [];
  let includeDepth = 0;
  let registering: string | undefined;
  // the running render's work budget (this one while partials register their defines)
  let budget = new WorkBudget();

  // Main templates run inside one driver program: their lines are offset within it.
  const lineOffset = new Map<string, number>();
  const here = (options: HelperOptions | undefined) => ({
    file: fileStack[fileStack.length - 1],
    line: options?.loc
      ? options.loc.start.line - (lineOffset.get(fileStack[fileStack.length - 1]) ?? 0)
      : undefined,
    col: options?.loc ? options.loc.start.column + 1 : undefined,
  });

  const overBudget = (where: { file?: string; line?: number; col?: number }): never => {
    budget.depth = includeDepth;
    throw new WorkLimitError(budget.exceeded(), stripUndefined(where));
  };
  /** One step of the render. */
  const step = (options: HelperOptions | undefined): void => {
    if (!budget.step()) overBudget(here(options));
  };
  /** A helper's result, counted as it comes back. */
  const made = <T>(result: T, options: HelperOptions | undefined): T => {
    const ok =
      typeof result === 'string'
        ? budget.output(result.length)
        : Array.isArray(result)
          ? budget.step(result.length)
          : true;
    if (!ok) overBudget(here(options));
    return result;
  };

  /** The error for a call of a name that is no chart function, at the call. */
  const unknownFunction = (options: HelperOptions | undefined): ClustermintError => {
    const name = options?.name ?? '?';
    // a path, `this`, `..` or a data variable given arguments
    if (/[./@]|^this\b/.test(name)) {
      return locate(
        new FunctionError(`cannot call ${JSON.stringify(name)}: only a function takes arguments`),
        here(options),
      );
    }
    const hint = closest(name, functionNames());
    return locate(
      new FunctionError(
        `unknown function ${JSON.stringify(name)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`,
      ),
      here(options),
    );
  };
  // every function a chart may name (for suggestions), taken before unusedHelpersGone drops some
  let allFunctions: string[] | undefined;
  const functionNames = () => allFunctions ?? Object.keys(hb.helpers).filter((h) => !INTERNAL_HELPERS.has(h));
  /** The one argument and the options of a block built-in, or a located error for any other use. */
  const blockCall = (name: string, argsAndOptions: unknown[]): [unknown, HelperOptions] => {
    const options = argsAndOptions.pop() as HelperOptions;
    if (typeof options?.fn !== 'function')
      throw locate(new FunctionError(`${name}: use as a block, ${BLOCK_USAGE[name]}`), here(options));
    step(options);
    if (argsAndOptions.length !== 1) {
      throw locate(
        new FunctionError(`#${name}: expects 1 argument, got ${argsAndOptions.length}`),
        here(options),
      );
    }
    return [argsAndOptions[0], options];
  };

  // Compiled code calls this with a value and a position object; a template naming it passes
  // handlebars' options (with a `hash`) last.
  hb.registerHelper(PRINT_HELPER, (...args: unknown[]) => {
    const [v, start] = args as [object, { line: number; column: number }];
    if (args.length !== 2 || typeof start !== 'object' || start === null || 'hash' in start)
      throw unknownFunction(args[args.length - 1] as HelperOptions);
    try {
      return printObject(v);
    } catch (e) {
      throw locate(e, here({ loc: { start } } as HelperOptions));
    }
  });

  for (const [name, spec] of Object.entries(FUNCTIONS)) {
    const { min, max } = arityOf(spec);
    const fn = spec.fn;
    hb.registerHelper(name, function (this: unknown, ...argsAndOptions: unknown[]) {
      const options = argsAndOptions.pop() as HelperOptions;
      step(options);
      let result: unknown;
      try {
        if (argsAndOptions.length < min || argsAndOptions.length > max)
          checkArity(name, spec, argsAndOptions.length);
        result = fn(...argsAndOptions);
      } catch (e) {
        if (budget.spent) overBudget(here(options));
        throw locate(chartFunctionError(name, e), here(options));
      }
      return made(result, options);
    });
  }

  // Go template truth for blocks: empty maps, empty lists, 0, "" and null are false.
  hb.registerHelper('if', function (this: unknown, ...argsAndOptions: unknown[]) {
    const [v, options] = blockCall('if', argsAndOptions);
    return isEmpty(v) ? options.inverse(this) : options.fn(this);
  });
  hb.registerHelper('unless', function (this: unknown, ...argsAndOptions: unknown[]) {
    const [v, options] = blockCall('unless', argsAndOptions);
    return isEmpty(v) ? options.fn(this) : options.inverse(this);
  });
  hb.registerHelper('with', function (this: unknown, ...argsAndOptions: unknown[]) {
    const [ctx, options] = blockCall('with', argsAndOptions);
    if (isEmpty(ctx)) return options.inverse(this);
    return options.fn(ctx, { data: options.data, blockParams: [ctx] });
  });

  // Helm's lookup needs a cluster; offline it finds nothing (Helm client-only mode). With two
  // arguments it is handlebars' own property lookup.
  hb.registerHelper('lookup', (...argsAndOptions: unknown[]) => {
    const options = argsAndOptions.pop() as HelperOptions;
    if (argsAndOptions.length === 4) return emptyMap();
    if (argsAndOptions.length === 2) {
      const [obj, key] = argsAndOptions;
      if (key !== null && typeof key === 'object') {
        throw locate(
          new FunctionError(`lookup: cannot look up a key that is a ${goTypeName(key)}`),
          here(options),
        );
      }
      if (obj !== null && typeof obj === 'object' && hasOwn(obj, String(key)))
        return (obj as any)[String(key)];
      return undefined;
    }
    throw locate(
      new FunctionError(
        `lookup: expects 4 arguments (API_VERSION, KIND, NAMESPACE, NAME), got ${argsAndOptions.length}`,
      ),
      here(options),
    );
  });

  hb.registerHelper('define', (...argsAndOptions: unknown[]) => {
    const options = argsAndOptions.pop() as HelperOptions;
    const [name] = argsAndOptions;
    if (argsAndOptions.length !== 1 || typeof name !== 'string' || typeof options.fn !== 'function') {
      throw locate(
        new FunctionError('define: use as a block, {{#define "NAME"}}...{{/define}}'),
        here(options),
      );
    }
    // A define's body drops one trailing newline, as if it ended with Helm's `{{- end }}`.
    const body = options.fn;
    const fn = ((ctx: unknown, opts: unknown) =>
      body(ctx, opts as any).replace(/\n$/, '')) as Handlebars.TemplateDelegate;
    if (registering !== undefined) defines.set(name, { fn, file: registering });
    return '';
  });

  /** Runs `fn` as code of `file` (a define's or a partial's), called from where `options` point. */
  const inFileOf = (file: string, options: HelperOptions, fn: () => string): string => {
    const caller = here(options);
    fileStack.push(file);
    try {
      return fn();
    } catch (e) {
      const err = locate(e, { file });
      const from = `included from ${formatLocation(stripUndefined(caller))}`;
      // a spent budget names the outermost caller only, not each of the (many) levels
      if (err instanceof WorkLimitError) err.details.splice(0, err.details.length, from);
      else err.details.push(from);
      throw err;
    } finally {
      fileStack.pop();
    }
  };

  hb.registerHelper('include', (...argsAndOptions: unknown[]) => {
    const options = argsAndOptions.pop() as HelperOptions;
    if (argsAndOptions.length < 1 || argsAndOptions.length > 2) {
      throw locate(
        new FunctionError(`include: expects 2 arguments (NAME, CONTEXT), got ${argsAndOptions.length}`),
        here(options),
      );
    }
    const [name, ctx] = argsAndOptions;
    const def = typeof name === 'string' ? defines.get(name) : undefined;
    if (!def) {
      const hint = closest(String(name), [...defines.keys()]);
      throw locate(
        new FunctionError(
          `include: no template named ${JSON.stringify(name)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`,
        ),
        here(options),
      );
    }
    if (includeDepth >= LIMITS.maxIncludeDepth) {
      throw locate(
        new FunctionError(
          `include: nested more than ${LIMITS.maxIncludeDepth} deep (does "${name}" include itself?)`,
        ),
        here(options),
      );
    }
    step(options);
    includeDepth++;
    try {
      return made(
        inFileOf(def.file, options, () => def.fn(ctx ?? null, { data: options.data })),
        options,
      );
    } finally {
      includeDepth--;
    }
  });

  // `#each` (and a block over a list, which handlebars runs through it): each item is a step
  const each = hb.helpers.each as Handlebars.HelperDelegate;
  hb.registerHelper('each', function (this: unknown, ...argsAndOptions: unknown[]) {
    const [context, options] = blockCall('each', argsAndOptions);
    const body = options.fn;
    const counted = ((item: unknown, opts: unknown) => {
      step(options);
      return body(item, opts as Handlebars.RuntimeOptions);
    }) as Handlebars.TemplateDelegate;
    return each.call(this, context, { ...options, fn: counted });
  });

  // partials (`{{> name}}`, inline ones too) are called through the environment's VM; a partial
  // file's code runs as that file (an inline partial's stays in the file that declares it)
  const partialFiles = new Map<unknown, string>();
  const vm = (hb as any).VM;
  (hb as any).VM = {
    ...vm,
    invokePartial(this: unknown, partial: unknown, context: unknown, options: HelperOptions) {
      step(options);
      const file = partialFiles.get(partial);
      const run = () => vm.invokePartial.call(this, partial, context, options);
      return made(file === undefined ? run() : inFileOf(file, options, run), options);
    },
  };

  hb.registerHelper('helperMissing', (...argsAndOptions: unknown[]) => {
    throw unknownFunction(argsAndOptions.pop() as HelperOptions);
  });

  const compileOne = (t: TemplateSource): Handlebars.TemplateDelegate => {
    if (specs?.[t.name]) return hb.template(specs[t.name] as any);
    return hb.compile(parseTemplate(hb, t), COMPILE_OPTIONS);
  };

  const { partials, mains } = splitTemplates(templates);
  for (const p of partials) {
    const fn = compileOne(p);
    const base = p.name
      .replace(/^.*\//, '')
      .replace(/^_/, '')
      .replace(/\.hbs$/, '');
    hb.registerPartial(base, fn);
    partialFiles.set(fn, p.name);
    // Executing a partial file once registers its define blocks.
    registering = p.name;
    fileStack.push(p.name);
    try {
      runWithin(budget, () => fn({}, RUNTIME_OPTIONS));
    } catch (e) {
      throw locate(e, { file: p.name });
    } finally {
      fileStack.pop();
      registering = undefined;
    }
  }
  // All main templates run as one handlebars program: handlebars re-wraps every helper on each
  // top-level call, which cost more than the templates themselves. Each file is parsed alone
  // first (so a syntax error names its file), then wrapped in a `__file` block whose tag sits
  // on a line of its own (handlebars drops such lines), so output and columns are unchanged.
  for (const t of mains) {
    if (!specs) parseTemplate(hb, t);
    if (/\b__file\b/.test(t.source)) {
      throw new ClustermintError('TEMPLATE_SYNTAX', 'template syntax error: "__file" is reserved', {
        file: t.name,
      });
    }
  }
  const driverProgram = driverSource(mains);
  for (const [name, offset] of driverProgram.offsets) lineOffset.set(name, offset);
  const driver = compileOne({ name: '__driver', source: driverProgram.source });
  let outputs: RenderedTemplate[] = [];
  let outputBytes = 0;
  // The driver calls it once per main template, never nested: a call while partials register
  // or within a main template (a partial naming it; main templates cannot, see above) is a chart's.
  let inFile = false;
  hb.registerHelper(FILE_HELPER, function (this: object, ...argsAndOptions: unknown[]) {
    const options = argsAndOptions.pop() as HelperOptions;
    if (inFile || registering !== undefined) throw unknownFunction(options);
    const name = mains[argsAndOptions[0] as number].name;
    fileStack.length = 0;
    fileStack.push(name);
    includeDepth = 0;
    let text: string;
    inFile = true;
    try {
      text = options.fn({ ...this, Template: { Name: name, BasePath: 'templates' } }, { data: options.data });
    } catch (e) {
      throw locate(e, { file: name });
    } finally {
      inFile = false;
    }
    outputBytes += text.length;
    if (outputBytes > LIMITS.maxRenderedBytes) {
      throw new ClustermintError(
        'TEMPLATE_EXEC',
        `rendered output is over ${LIMITS.maxRenderedBytes / 1048576} MiB`,
        {
          file: name,
        },
      );
    }
    outputs.push({ name, text });
    return '';
  });

  allFunctions = functionNames();
  unusedHelpersGone(hb, templates);

  return {
    defines: [...defines.keys()].sort(),
    render(context: object, limits?: Partial<WorkLimits>): RenderedTemplate[] {
      outputs = [];
      outputBytes = 0;
      budget = new WorkBudget(limits);
      try {
        runWithin(budget, () => driver(context, RUNTIME_OPTIONS));
      } catch (e) {
        throw locate(e, { file: fileStack[0] });
      }
      return outputs;
    },
  };
}

/** Block built-ins the runtime calls itself (`{{#list}}` over an array runs `each`). */
const BUILT_IN_BLOCKS = new Set(['each', 'if', 'unless', 'with', 'lookup']);

/**
 * Handlebars' runtime copies and wraps every registered helper on each top-level call (its
 * `_setup`, so that each can be handed `lookupProperty`): with the ~200 chart functions that was a
 * third of a render. A template can only call a helper by writing its name, so a chart keeps the
 * helpers whose names are words of its templates' text (an over-approximation: a name in a
 * comment or a string stays too) and the internal ones; the rest are unregistered once built.
 */
function unusedHelpersGone(hb: typeof Handlebars, templates: readonly TemplateSource[]): void {
  const words = new Set<string>();
  // handlebars' identifiers: runs of what its lexer's ID rule takes
  for (const t of templates)
    for (const w of t.source.match(/[^\s!"#%&'()*+,./;<=>@[\\\]^`{|}~]+/g) ?? []) words.add(w);
  for (const name of Object.keys(hb.helpers)) {
    if (INTERNAL_HELPERS.has(name) || BUILT_IN_BLOCKS.has(name) || words.has(name)) continue;
    hb.unregisterHelper(name);
  }
}

/** Turns anything thrown during execution into a located ClustermintError (innermost place wins). */
function locate(e: unknown, where: { file?: string; line?: number; col?: number }): ClustermintError {
  if (e instanceof ClustermintError) {
    if (e.location?.file) return e;
    return new ClustermintError(
      e.code,
      e.message,
      { ...where, ...stripUndefined(e.location ?? {}) },
      e.details,
    );
  }
  if (e instanceof RangeError) {
    return new ClustermintError('TEMPLATE_EXEC', 'template recursion or nesting is too deep', where);
  }
  const message = e instanceof Error ? e.message : String(e);
  const code = e instanceof RequiredError ? 'REQUIRED' : 'TEMPLATE_EXEC';
  // Handlebars' own runtime errors (e.g. "Must pass iterator to #each") carry no position.
  return new ClustermintError(code, message, stripUndefined(where));
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function syntaxError(e: unknown, t: TemplateSource): ClustermintError {
  const err = e as Error & { lineNumber?: number; column?: number };
  const lines = t.source.split('\n');
  let line = err.lineNumber;
  let col = err.column !== undefined ? err.column + 1 : undefined;
  let message = err.message;
  const m = /^Parse error on line (\d+):\n(.*)\n(-*)\^\n(.*)$/s.exec(err.message);
  if (m) {
    line = Number(m[1]);
    const pre = m[2].slice(0, m[3].length).replace(/^\.\.\./, '');
    const src = lines[line - 1] ?? '';
    // jison shows up to 20 characters before the error, newlines removed.
    const at = src.indexOf(pre);
    col = 1;
    if (at >= 0 && pre !== '') col = at + pre.length + 1;
    else {
      for (let k = Math.min(pre.length, src.length); k > 0; k--) {
        if (src.startsWith(pre.slice(pre.length - k))) {
          col = k + 1;
          break;
        }
      }
    }
    message = `template syntax error: ${m[4].replace(/^Expecting .*, got /, 'unexpected ')}`;
  } else {
    message = `template syntax error: ${message.replace(/ - \d+:\d+$/, '')}`;
  }
  if (/unexpected 'EOF'/.test(message)) {
    const open = unclosedBlock(t.source);
    if (open) {
      line = open.line;
      col = open.col;
      message = `template syntax error: {{#${open.name}}} is never closed (add {{/${open.name}}})`;
    }
  }
  const details: string[] = [];
  const srcLine = line !== undefined ? lines[line - 1] : undefined;
  if (srcLine !== undefined) {
    details.push(srcLine, `${' '.repeat(Math.max(0, (col ?? 1) - 1))}^`);
    if (/}}}/.test(srcLine) && !/{{{/.test(srcLine)) {
      details.push(
        'hint: "}}}" closes a triple-stash in handlebars; in a YAML flow mapping write "{{x}} }" or use block style',
      );
    }
  }
  return new ClustermintError('TEMPLATE_SYNTAX', message, { file: t.name, line, col }, details);
}

/** The innermost block opened and never closed, for an "unexpected EOF" parse error. */
function unclosedBlock(source: string): { name: string; line: number; col: number } | undefined {
  const stack: Array<{ name: string; line: number; col: number }> = [];
  const re = /{{~?\s*([#/])\s*([^\s}~]+)|{{!--[\s\S]*?--}}|{{![\s\S]*?}}/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (!m[1]) continue;
    if (m[1] === '#') {
      const before = source.slice(0, m.index).split('\n');
      stack.push({
        name: m[2].replace(/^[*>]/, ''),
        line: before.length,
        col: before[before.length - 1].length + 1,
      });
    } else stack.pop();
  }
  return stack[stack.length - 1];
}

/** Exposed for tests: the names every chart can call. */
export function functionNames(): string[] {
  return [...Object.keys(FUNCTIONS), 'include', 'define', 'lookup'].sort();
}

/** Parses every template on its own, so lint reports each file's syntax error, not just the first. */
export function checkTemplateSyntax(templates: readonly TemplateSource[]): ClustermintError[] {
  const errors: ClustermintError[] = [];
  for (const t of templates) {
    try {
      parseTemplate(fullHandlebars(), t);
    } catch (e) {
      errors.push(e as ClustermintError);
    }
  }
  return errors;
}
