import { extname } from 'node:path';
import jsyaml from 'js-yaml';
import { Bindings } from '../expression/bindings.js';
import { goV, type NumberOrigin } from '../go/values.js';
import { goYamlSchema } from '../go/yaml-scalars.js';
import { jpCompiler } from '../jmespath/index.js';
import { matchesSelector, parseSelector } from '../k8s/label-selector.js';
import { compilePolicy, evaluateResource, rootBindings } from '../policy/engine.js';
import { parsePolicies } from '../policy/load.js';
import { policyFilePaths } from '../policy/policy-files.js';
import { jsonReport, plural, type ResourceResponse, resourceText } from '../policy/report.js';
import { ClustermintError } from '../util/errors.js';
import { checkTree, ExpansionBudget } from '../util/expansion-budget.js';
import { jsonSyntaxError } from '../util/json-syntax.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { clip, printable } from '../util/printable.js';
import { readTextFile } from '../util/read-text-file.js';
import { yamlSyntaxError } from '../util/yaml-source.js';
import type { IO } from './io.js';

/** kyverno-json's payload loader: JSON (integers int64) or YAML (int; several documents = a list). */
export function loadPayload(file: string): { value: unknown; origin: NumberOrigin } {
  const ext = extname(file).toLowerCase();
  const text = readTextFile(file);
  if (ext === '.json') {
    try {
      return { value: JSON.parse(text), origin: 'int64' };
    } catch (e) {
      throw jsonSyntaxError(e, text, file, 'INVALID_SUBMISSION');
    }
  }
  if (ext === '.yaml' || ext === '.yml') {
    let docs: unknown[];
    try {
      // kyverno-json reads YAML payloads with go-yaml v3 (`yes` is text, `017` is 15, `1_000` is 1000)
      docs = jsyaml
        .loadAll(text, undefined, { schema: goYamlSchema('v3', false) })
        .filter((d) => d !== undefined);
    } catch (e) {
      throw yamlSyntaxError(e, text, file);
    }
    // js-yaml shares aliased nodes: bound what they expand to before anything walks them
    const budget = new ExpansionBudget({ file });
    for (const d of docs) checkTree(d, budget, { file });
    for (const d of docs) {
      if (d !== null && !isPlainObject(d)) {
        throw new ClustermintError(
          'INVALID_SUBMISSION',
          'yaml: unmarshal errors: a payload document must be a mapping',
          { file },
        );
      }
    }
    return { value: docs.length === 1 ? docs[0] : docs, origin: 'int' };
  }
  throw new ClustermintError('UNREADABLE', `unrecognized payload format, must be yaml or json (${file})`);
}

/**
 * A growing UTF-8 buffer: the text appended to it is short-lived, the bytes are not objects.
 * Appends gather in a list joined into the buffer a megabyte at a time: a byte count and a copy
 * per resource's few lines cost more than the lines (a fifth of a 1,000-resource scan).
 */
class TextBuffer {
  private buf = Buffer.allocUnsafe(1 << 16);
  private bytes = 0;
  private pending: string[] = [];
  private pendingChars = 0;

  get length(): number {
    return this.bytes + this.pendingChars;
  }

  append(s: string): void {
    if (s.length === 0) return;
    this.pending.push(s);
    this.pendingChars += s.length;
    if (this.pendingChars >= 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const s = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    const need = this.bytes + Buffer.byteLength(s);
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.bytes);
      this.buf = bigger;
    }
    this.bytes += this.buf.write(s, this.bytes);
  }

  text(): string {
    this.flush();
    return this.buf.toString('utf8', 0, this.bytes);
  }
}

export interface ScanOptions {
  payload: string;
  policy: string[];
  preProcess: string[];
  bindings?: string;
  labels: string[];
  output: 'text' | 'json';
  compat: 'main' | 'v0.0.3';
}

/** Runs a scan, writing as kyverno-json does; returns the exit code. */
export function runScan(opts: ScanOptions, io: IO): number {
  const text = opts.output === 'text';
  const println = (s: string) => {
    if (text) io.out(`${printable(s)}\n`);
  };
  println('Loading policies ...');
  let policies = opts.policy
    .flatMap((p) => policyFilePaths(p, true))
    .flatMap((f) => parsePolicies(readTextFile(f), f));
  if (opts.labels.length > 0) {
    const selector = parseSelector(opts.labels.join(','));
    policies = policies.filter((p) => {
      const labels = (p.raw.metadata as PlainObject | undefined)?.labels;
      return matchesSelector(
        selector,
        isPlainObject(labels) ? (labels as Record<string, string>) : undefined,
      );
    });
  }
  const compiled = policies.map((p) => compilePolicy(p.raw, 'kyverno-json'));

  let bindings: Record<string, unknown> | undefined;
  if (opts.bindings) {
    println('Loading bindings ...');
    const { value, origin } = loadPayload(opts.bindings);
    if (value !== null && value !== undefined) {
      if (!isPlainObject(value))
        throw new ClustermintError('INVALID_SUBMISSION', 'bindings are not a map[string]any object');
      bindings = value;
      for (const [k, v] of Object.entries(value)) println(`- ${k} -> ${goV(v, origin)}`);
    }
  }
  println('Loading payload ...');
  const loaded = loadPayload(opts.payload);
  let payload = loaded.value;
  if (payload === null || payload === undefined)
    throw new ClustermintError('INVALID_SUBMISSION', 'payload is `null`');
  println('Pre processing ...');
  for (const expr of opts.preProcess) {
    payload = preProcess(expr, payload);
    if (payload === null || payload === undefined) {
      throw new ClustermintError('INVALID_SUBMISSION', `prepocessor resulted in \`null\` payload (${expr})`);
    }
  }
  const resources = Array.isArray(payload) ? payload : [payload];
  println(
    `Running ( evaluating ${resources.length} ${plural(resources.length, 'resource', 'resources')} against ${compiled.length} ${plural(compiled.length, 'policy', 'policies')} ) ...`,
  );
  const ctx = { payloadOrigin: loaded.origin };
  const scope = rootBindings(bindings);
  if (text) {
    // Each resource's lines are rendered as soon as it is evaluated (its responses are then
    // garbage) into one buffer, written at once: thousands of small writes cost more.
    const out = new TextBuffer();
    for (let i = 0; i < resources.length; i++) {
      const resource = resources[i];
      out.append(
        resourceText({ resource, policies: evaluateResource(resource, compiled, scope, ctx) }, opts.compat),
      );
    }
    if (out.length > 0) io.out(printable(out.text()));
  } else {
    const responses: ResourceResponse[] = resources.map((resource) => ({
      resource,
      policies: evaluateResource(resource, compiled, scope, ctx),
    }));
    io.out(`${jsonReport(responses)}\n`);
  }
  println('Done');
  return 0;
}

/**
 * One `--pre-process` expression over the payload. A bad expression is the flag's fault (exit 2);
 * one that fails on this payload is a refusal of the payload (exit 1); never an internal error.
 */
function preProcess(expr: string, payload: unknown): unknown {
  let program: ReturnType<typeof jpCompiler.compile>;
  try {
    program = jpCompiler.compile(expr);
  } catch (e) {
    if (e instanceof ClustermintError) throw e;
    throw new ClustermintError(
      'USAGE',
      `--pre-process ${clip(JSON.stringify(expr))}: ${(e as Error).message}`,
    );
  }
  try {
    return program.evaluate(payload, Bindings.empty);
  } catch (e) {
    if (e instanceof ClustermintError) throw e;
    throw new ClustermintError(
      'INVALID_SUBMISSION',
      `--pre-process ${clip(JSON.stringify(expr))} failed on the payload: ${(e as Error).message}`,
    );
  }
}
