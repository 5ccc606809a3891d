/**
 * Helm's template engine (pkg/engine), restated over the Go template engine: every template
 * of the chart and its subcharts parsed into one set (deepest paths first, so a parent's
 * `define` overrides a subchart's), each non-partial file executed with its chart's scope as
 * dot, `<no value>` removed; `include`, `tpl`, `required`, `fail` and `lookup` as Helm defines
 * them; errors reworded as Helm words them. One work budget spans the render: every file, and
 * every include and tpl inside it (Helm has none: there a doubling include runs until killed).
 */
import { goQuote } from '../../go/fmt.js';
import { emptyMap, type PlainObject, setOwn } from '../../util/plain-object.js';
import { WorkBudget, type WorkLimits } from '../../util/work-budget.js';
import {
  GoFuncError,
  type GoFuncMap,
  GoTemplateError,
  GoTemplateSet,
  GoTemplateWorkLimitError,
} from '../gotemplate/index.js';
import { chartFullPath, type HelmChart, type HelmFile, isLibraryChart } from './chart.js';
import { table } from './dependencies.js';
import { FilesObject } from './files-object.js';
import { metadataAsMap } from './metadata.js';

/** A render failure with Helm's message. */
export class HelmRenderError extends Error {
  override name = 'HelmRenderError';
}

const WARN_START = 'HELM_ERR_START';
const WARN_END = 'HELM_ERR_END';
const WARN_RE = /HELM_ERR_START([\s\S]*)HELM_ERR_END/;
const RECURSION_MAX = 1000;
const ROOT = 'gotpl';

interface Renderable {
  text: string;
  dot: PlainObject;
  basePath: string;
}

export interface EngineOptions {
  /** Helm's function map without the engine's own functions. */
  funcs: GoFuncMap;
  /** missingkey=error instead of zero (`helm lint --strict`). */
  strict?: boolean;
  /** `helm lint`: required and fail do not fail. */
  lintMode?: boolean;
  /** Called with what lint mode tolerates. */
  warn?: (message: string) => void;
  /** The render's work limits (default: LIMITS.maxTemplateSteps and maxTemplateOutputChars). */
  workLimits?: Partial<WorkLimits>;
}

/**
 * Renders every template; `top` is what ToRenderValues builds (Values, Release, Capabilities,
 * Chart). Returns file name -> output, in Helm's parse order.
 */
export function renderTemplates(
  chart: HelmChart,
  top: PlainObject,
  options: EngineOptions,
): Map<string, string> {
  const tpls = new Map<string, Renderable>();
  collectTemplates(chart, top, tpls);
  const set = new GoTemplateSet({
    name: ROOT,
    funcs: options.funcs,
    missingKey: options.strict ? 'error' : 'zero',
  });
  const budget = new WorkBudget(options.workLimits);
  installFunctions(set, options, new Map(), budget);
  const keys = sortTemplates([...tpls.keys()]);
  for (const name of keys) {
    try {
      set.parse(name, tpls.get(name)!.text);
    } catch (e) {
      throw cleanupParseError(name, e);
    }
  }
  const rendered = new Map<string, string>();
  for (const name of keys) {
    if (baseName(name).startsWith('_')) continue;
    const r = tpls.get(name)!;
    setOwn(r.dot, 'Template', { Name: name, BasePath: r.basePath });
    let out: string;
    try {
      out = set.execute(name, r.dot, budget);
    } catch (e) {
      throw reformatExecError(name, e);
    }
    rendered.set(name, out.replaceAll('<no value>', ''));
  }
  return rendered;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Deepest paths first; among equals, reverse lexical order (Helm's sort.Reverse(byPathLen)). */
export function sortTemplates(names: string[]): string[] {
  const depth = (s: string) => s.split('/').length - 1;
  return [...names].sort((a, b) => {
    const da = depth(a);
    const db = depth(b);
    if (da !== db) return db - da;
    return a < b ? 1 : a > b ? -1 : 0;
  });
}

const texts = new WeakMap<HelmFile, string>();
const decoder = new TextDecoder();
/** A template file's text, decoded once per file. */
function textOf(f: HelmFile): string {
  let t = texts.get(f);
  if (t === undefined) {
    t = decoder.decode(f.data);
    texts.set(f, t);
  }
  return t;
}

const filesObjects = new WeakMap<readonly HelmFile[], FilesObject>();
/** `.Files` of a chart, built once per files array (it is read-only). */
function filesObject(files: readonly HelmFile[]): FilesObject {
  let f = filesObjects.get(files);
  if (!f) {
    f = FilesObject.of(files);
    filesObjects.set(files, f);
  }
  return f;
}

/** recAllTpls: each chart's scope (its values section, its files) and its templates. */
function collectTemplates(c: HelmChart, parentDot: PlainObject, out: Map<string, Renderable>): PlainObject {
  const subcharts = emptyMap();
  const chartMap = metadataAsMap(c);
  const next: PlainObject = emptyMap();
  setOwn(next, 'Chart', chartMap);
  setOwn(next, 'Files', filesObject(c.files));
  setOwn(next, 'Release', parentDot.Release);
  setOwn(next, 'Capabilities', parentDot.Capabilities);
  setOwn(next, 'Values', emptyMap());
  setOwn(next, 'Subcharts', subcharts);
  if (c.parent === undefined) setOwn(next, 'Values', parentDot.Values);
  else {
    const vs = table(parentDot, `Values.${c.metadata.name}`);
    if (vs) setOwn(next, 'Values', vs);
  }
  for (const child of c.dependencies) {
    setOwn(subcharts, child.metadata.name, collectTemplates(child, next, out));
  }
  const prefix = chartFullPath(c);
  for (const t of c.templates) {
    if (isLibraryChart(c) && !baseName(t.name).startsWith('_')) continue;
    out.set(`${prefix}/${t.name}`, {
      text: textOf(t),
      dot: next,
      basePath: `${prefix}/templates`,
    });
  }
  return next;
}

function installFunctions(
  set: GoTemplateSet,
  options: EngineOptions,
  included: Map<string, number>,
  budget: WorkBudget,
): void {
  const warnWrap = (s: string) => `${WARN_START}${s}${WARN_END}`;
  // Helm's map (options.funcs) is the set's base layer already; these are the engine's own
  const funcs: GoFuncMap = Object.create(null);
  funcs.include = {
    params: ['string', 'any'],
    fn: (name: string, data: unknown) => {
      const n = included.get(name) ?? 0;
      if (n > RECURSION_MAX) {
        throw new HelmFunctionError(
          `rendering template has a nested reference name: ${name}: unable to execute template`,
        );
      }
      included.set(name, n + 1);
      budget.depth++;
      try {
        return set.execute(name, data, budget);
      } catch (e) {
        // JavaScript's stack ends before Helm's 1,000 nested includes: say it as Helm does
        if (e instanceof RangeError) {
          throw new HelmFunctionError(
            `rendering template has a nested reference name: ${name}: unable to execute template`,
          );
        }
        throw e;
      } finally {
        budget.depth--;
        included.set(name, (included.get(name) ?? 1) - 1);
      }
    },
  };
  funcs.tpl = {
    params: ['string', 'any'],
    fn: (text: string, data: unknown) => {
      const clone = set.clone();
      installFunctions(clone, options, included, budget);
      try {
        clone.parse(ROOT, text);
      } catch (e) {
        throw new HelmFunctionError(`cannot parse template ${goQuote(text)}: ${(e as Error).message}`, e);
      }
      budget.depth++;
      try {
        return clone.execute(ROOT, data, budget).replaceAll('<no value>', '');
      } catch (e) {
        if (e instanceof GoTemplateWorkLimitError) throw e;
        throw new HelmFunctionError(
          `error during tpl function execution for ${goQuote(text)}: ${(e as Error).message}`,
          e,
        );
      } finally {
        budget.depth--;
      }
    },
  };
  funcs.required = {
    params: ['string', 'any'],
    fn: (warn: string, val: unknown) => {
      if (val === null || val === undefined || val === '') {
        if (options.lintMode) {
          options.warn?.(`missing required value: ${warn}`);
          return '';
        }
        throw new HelmFunctionError(warnWrap(warn));
      }
      return val;
    },
  };
  funcs.fail = {
    params: ['string'],
    fn: (msg: string) => {
      if (options.lintMode) {
        options.warn?.(`fail: ${msg}`);
        return '';
      }
      throw new HelmFunctionError(warnWrap(msg));
    },
  };
  // `helm template` has no cluster: lookup finds nothing.
  funcs.lookup = { params: ['string', 'string', 'string', 'string'], fn: () => emptyMap() };
  funcs.getHostByName = { params: ['string'], fn: () => '' };
  set.addFuncs(funcs);
}

/** An error returned by one of the engine's functions (its text is what Go prints). */
class HelmFunctionError extends GoFuncError {
  constructor(message: string, cause?: unknown) {
    super(message);
    if (cause !== undefined) this.cause = cause;
  }
}

function cleanupParseError(filename: string, e: unknown): Error {
  if (!(e instanceof GoTemplateError)) return e instanceof Error ? e : new Error(String(e));
  const tokens = e.message.split(': ');
  if (tokens.length === 1) return new HelmRenderError(`parse error in (${filename}): ${e.message}`);
  return new HelmRenderError(`parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`);
}

interface Traceable {
  location: string;
  message: string;
  executedFunction: string;
}

function traceableString(t: Traceable): string {
  let s = '';
  if (t.location) s += `${t.location}\n  `;
  if (t.executedFunction) s += `${t.executedFunction}\n    `;
  if (t.message) s += `${t.message}\n`;
  return s;
}

const cutTemplate = (msg: string) => {
  const i = msg.indexOf(' template:');
  return i < 0 ? msg : msg.slice(0, i);
};

/** Helm v4's parseTemplateExecErrorString. */
function parseExecErrorString(s: string): Traceable | undefined {
  const prefix = 'template: ';
  if (!s.startsWith(prefix)) return undefined;
  const rest = s.slice(prefix.length);
  if (rest.startsWith('no template ')) return { location: '', message: s, executedFunction: '' };
  const at = rest.indexOf(': executing ');
  if (at >= 0) {
    const name = rest.slice(0, at);
    const after = rest.slice(at + ': executing '.length);
    if (after === '' || after[0] !== '"') return undefined;
    const endQuote = after.indexOf('"', 1);
    if (endQuote < 0) return undefined;
    const fn = after.slice(1, endQuote);
    const afterFunc = after.slice(endQuote + 1);
    if (!afterFunc.startsWith(' at <')) return undefined;
    const afterAt = afterFunc.slice(' at <'.length);
    const sep = afterAt.indexOf('>: ');
    if (sep < 0) return undefined;
    return {
      location: name,
      message: cutTemplate(afterAt.slice(sep + 3)),
      executedFunction: `executing "${fn}" at <${afterAt.slice(0, sep)}>:`,
    };
  }
  const sep = rest.lastIndexOf(': ');
  if (sep < 0) return undefined;
  return { location: rest.slice(0, sep), message: cutTemplate(rest.slice(sep + 2)), executedFunction: '' };
}

/** The error chain as Go's errors.Unwrap walks it. */
function chainOf(e: unknown): string[] {
  const out: string[] = [];
  let cur: unknown = e;
  while (cur instanceof Error) {
    out.push(cur.message);
    cur = cur.cause;
  }
  if (cur !== undefined) out.push(String(cur));
  return out;
}

/** Helm v4's reformatExecErrorMsg. */
function reformatExecError(filename: string, e: unknown): Error {
  if (!(e instanceof GoTemplateError)) {
    return new HelmRenderError(`rendering template failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const tokens = splitN(e.message, ': ', 3);
  if (tokens.length !== 3) return new HelmRenderError(`execution error in (${filename}): ${e.message}`);
  const warn = WARN_RE.exec(tokens[2]!);
  if (warn) return new HelmRenderError(`execution error at (${tokens[1]}): ${warn[1]}`);
  const traces: Traceable[] = [];
  for (const s of chainOf(e)) {
    const t = parseExecErrorString(s);
    if (!t) return new HelmRenderError(e.message);
    const last = traces[traces.length - 1];
    if (
      !last ||
      last.location !== t.location ||
      last.message !== t.message ||
      last.executedFunction !== t.executedFunction
    ) {
      traces.push(t);
    }
  }
  return new HelmRenderError(traces.map(traceableString).join('').trim());
}

function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}
