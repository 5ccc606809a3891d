/**
 * # Go text/template in TypeScript
 *
 * A faithful implementation of Go's `text/template` (lexer, parser with positions, evaluator)
 * plus sprig's hermetic function map, for Cluster API ClusterClass patch templates (and Helm
 * charts later). Output and error text match Go's; test/render/gotemplate/differential.test.ts checks
 * that against the real Go library (tools/gotemplate-ref).
 *
 * ```ts
 * const t = parseGoTemplate('{{ .builtin.cluster.name }}-vnet', { name: 'patch', funcs: hermeticSprigFuncs });
 * t.execute({ builtin: { cluster: { name: 'c1' } } }); // "c1-vnet"
 * ```
 *
 * ## Data model (values.ts)
 * `execute(data)` takes JSON-like data, as Go sees it after a JSON round trip: objects are
 * `map[string]interface{}` (keys such as `__proto__` are plain keys), arrays `[]interface{}`,
 * every number `float64`. Template literals `1` are `int`, `1.5` `float64`; sprig math returns
 * `int64` (`GoInt`) or `float64`. So `eq .replicas 3` with JSON data is Go's error
 * `incompatible types for comparison: float64 and int`, exactly as in Cluster API.
 *
 * ## Functions
 * A function map (`GoFuncMap`) declares Go parameter types, so argument conversion and errors
 * follow Go (`wrong type for value; expected string; got float64`). `funcs` is consulted
 * before the builtins, as Go does (sprig's `slice` replaces the builtin one).
 *
 * ## Limits
 * Template call depth (1000; Go: 100000), output size (`maxOutput`, 20 MiB by default),
 * range iterations per execution (1,000,000) and parenthesis nesting (1000) are bounded, with
 * errors that say which limit was hit. All work is bounded too: steps and characters produced,
 * in a WorkBudget (util/work-budget.ts) that nested executions of one render share
 * (`execute(data, budget)`); a spent budget is a GoTemplateWorkLimitError.
 *
 * ## Deliberate differences from Go
 * - Complex number constants (`1+2i`) are a parse error.
 * - `call` always fails (JSON data holds no functions).
 * - sprig functions that are random or need the clock or crypto keys, though in sprig's
 *   "hermetic" map (`randInt`, `shuffle`, `genCA`, `bcrypt`, `ago`, ...), fail with a clear
 *   error instead of producing non-deterministic output (see sprig.ts).
 */

import type { WorkBudget } from '../../util/work-budget.js';
import { builtinFuncs } from './builtins.js';
import { GoTemplateError } from './errors.js';
import { DEFAULT_LIMITS, type ExecLimits, execute, type MissingKey } from './exec.js';
import { parseTemplates, type Tree } from './parser.js';
import type { GoFuncMap } from './values.js';

export { GoTemplateError, GoTemplateWorkLimitError } from './errors.js';
export { hermeticSprigFuncs } from './sprig.js';
export type { GoFunc, GoFuncMap, GoParamType } from './values.js';
export { GoFuncError, GoInt, GoMap, GoObject, GoSlice } from './values.js';

export interface GoTemplate {
  readonly name: string;
  /**
   * Renders with `data` as dot; throws GoTemplateError. `budget`: the work budget of the
   * evaluation this execution is part of (a fresh one by default).
   */
  execute(data: unknown, budget?: WorkBudget): string;
}

export interface GoTemplateOptions {
  /** The template name used in error messages (default `template`). */
  name?: string;
  /** Functions beyond the builtins (e.g. hermeticSprigFuncs). */
  funcs?: GoFuncMap;
  /** What a missing map key yields: `<no value>` (default), the zero value, or an error. */
  missingKey?: MissingKey;
  limits?: Partial<ExecLimits>;
}

export { DEFAULT_LIMITS } from './exec.js';
export { GoTemplateSet, type GoTemplateSetOptions } from './template-set.js';

/** Parses `text` (with its `define`/`block` templates); throws GoTemplateError on a syntax error. */
export function parseGoTemplate(text: string, options: GoTemplateOptions = {}): GoTemplate {
  const name = options.name ?? 'template';
  const funcs: GoFuncMap = options.funcs ?? Object.create(null);
  const hasFunction = (fn: string) => Object.hasOwn(funcs, fn) || Object.hasOwn(builtinFuncs, fn);
  const trees = new Map<string, Tree>();
  parseTemplates(name, text, hasFunction, trees);
  const ctx = {
    trees,
    funcs,
    builtins: builtinFuncs,
    missingKey: options.missingKey ?? 'default',
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
  return {
    name,
    execute(data: unknown, budget?: WorkBudget): string {
      return execute(ctx, name, data, budget);
    },
  };
}

export function isGoTemplateError(e: unknown): e is GoTemplateError {
  return e instanceof GoTemplateError;
}
