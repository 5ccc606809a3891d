/**
 * Parsing YAML that a person wrote (values, submissions, Chart.yaml): strict (duplicate keys,
 * tabs), bounded (alias expansion, depth), and every value can be traced back to its line and
 * column.
 *
 * Two libraries, each where it is best: js-yaml parses (several times faster, and loads faster
 * on a cold start), and eemeli's `yaml`, which keeps source positions, is loaded only when a
 * message needs a line and column: a syntax error, or a finding to locate.
 */
import { createRequire } from 'node:module';
import jsyaml from 'js-yaml';
import type { Document, LineCounter, Pair, YAMLMap } from 'yaml';
import { ClustermintError } from './errors.js';
import { ExpansionBudget } from './expansion-budget.js';
import type { PathSegment } from './json-path.js';
import { LIMITS } from './limits.js';
import { emptyMap } from './plain-object.js';
import { formatBytes } from './read-text-file.js';
import { EXACT_INPUT_SCHEMA, inexactIntegerError } from './yaml-integers.js';

const require = createRequire(import.meta.url);
let yamlModule: typeof import('yaml') | undefined;
// require() resolves the module's path on every call even when it is loaded (package exports,
// stat calls): once per process, not once per located finding
const positionalYaml = (): typeof import('yaml') => (yamlModule ??= require('yaml'));

/** YAML 1.2 core schema plus merge keys (`<<`), as Kubernetes' YAML reader accepts them. */
// Merge keys (`<<: *base`) as go-yaml reads them: an implicit type (given as an array to
// extend() it was explicit, so `<<` stayed a literal key); a merge of something that is not a
// map or a list of maps is an error at its line.
export const CORE_WITH_MERGE = jsyaml.CORE_SCHEMA.extend({
  implicit: [(jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge],
});

export interface Position {
  line: number;
  col: number;
}

export interface SourceDocument {
  /** The document as JSON data, with prototype-less maps. */
  value: unknown;
  /** Index of the document in its file (0-based). */
  index: number;
  /**
   * Position of the node at `path`, or of its nearest ancestor that exists. With `atKey`, the
   * position of the map key rather than its value (for "unknown key" findings).
   */
  locate(path: readonly PathSegment[], atKey?: boolean): Position | undefined;
}

export function parseYamlSource(text: string, file: string): SourceDocument[] {
  const bytes = Buffer.byteLength(text);
  if (bytes > LIMITS.maxFileBytes) {
    throw new ClustermintError(
      'TOO_LARGE',
      `input is ${formatBytes(bytes)}, over the ${formatBytes(LIMITS.maxFileBytes)} limit`,
      { file },
    );
  }
  let raw: unknown[];
  try {
    raw = jsyaml.loadAll(text, undefined, {
      schema: EXACT_INPUT_SCHEMA,
      filename: file,
      maxDepth: LIMITS.maxDepth,
    } as jsyaml.LoadOptions) as unknown[];
  } catch (e) {
    throw inexactIntegerError(e, text, file) ?? syntaxError(e, text, file);
  }
  let positional: { finders: NodeFinder[] } | undefined;
  const positions = () => {
    if (!positional) {
      const { LineCounter, parseAllDocuments } = positionalYaml();
      const lc = new LineCounter();
      // js-yaml has refused duplicate keys already; `yaml`'s own check compares each key with
      // every earlier one of its map (quadratic: 23 s for a map of 60,000 keys)
      const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false }) as Document.Parsed[];
      positional = { finders: docs.map((d) => new NodeFinder(d, lc)) };
    }
    return positional;
  };
  const out: SourceDocument[] = [];
  const budget = new ExpansionBudget({ file });
  raw.forEach((doc, index) => {
    if ((doc === null || doc === undefined) && raw.length > 1) return; // empty document between `---`
    const value = copyBounded(doc ?? null, file, budget);
    out.push({
      value,
      index,
      locate: (path, atKey) => {
        const p = positions();
        const finder = p.finders[index];
        return finder?.locate(path, atKey);
      },
    });
  });
  return out;
}

/**
 * Copies into prototype-less maps, expanding aliases, within the node, text and depth limits
 * (the billion-laughs guard: js-yaml shares aliased nodes, this copy is where they would
 * expand). Pass one budget for all documents of an input; a JSON tree gets a budget for JSON.
 */
export function copyBounded(
  root: unknown,
  file: string,
  budget: ExpansionBudget = new ExpansionBudget({ file }),
): unknown {
  const copy = (v: unknown, depth: number): unknown => {
    budget.node(root);
    if (typeof v === 'string') budget.text(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= LIMITS.maxDepth) {
      throw new ClustermintError('TOO_DEEP', `YAML nesting is deeper than ${LIMITS.maxDepth} levels`, {
        file,
      });
    }
    if (Array.isArray(v)) return v.map((x) => copy(x, depth + 1));
    const out = emptyMap();
    for (const k of Object.keys(v)) {
      budget.text(k);
      out[k] = copy((v as Record<string, unknown>)[k], depth + 1);
    }
    return out;
  };
  return copy(root, 0);
}

/** A js-yaml failure, re-read with `yaml` for its clearer wording where it agrees. */
function syntaxError(e: unknown, text: string, file: string): ClustermintError {
  if (e instanceof RangeError) {
    return new ClustermintError(
      'TOO_DEEP',
      `YAML nesting is too deep (the limit is ${LIMITS.maxDepth} levels)`,
      {
        file,
      },
    );
  }
  const jsErr = e as jsyaml.YAMLException;
  let line = jsErr.mark ? jsErr.mark.line + 1 : undefined;
  let col = jsErr.mark ? jsErr.mark.column + 1 : undefined;
  if (/nesting exceeded maxDepth/.test(jsErr.reason ?? '')) {
    return new ClustermintError('TOO_DEEP', `YAML nesting is deeper than ${LIMITS.maxDepth} levels`, {
      file,
      line,
      col,
    });
  }
  if (jsErr.reason === 'duplicated mapping key') {
    // js-yaml points at the repeated key, where `yaml` does; `yaml`'s own duplicate check is not
    // run for it: it compares each key with every earlier one (quadratic in a map's size)
    return new ClustermintError('YAML_SYNTAX', 'invalid YAML: Map keys must be unique', { file, line, col });
  }
  let message = jsErr.reason ?? jsErr.message;
  try {
    const { LineCounter, parseAllDocuments } = positionalYaml();
    const lc = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false });
    const err = (Array.isArray(docs) ? docs : [docs]).flatMap((d) => d.errors)[0];
    if (err && !/Maximum call stack/.test(err.message)) {
      const pos = lc.linePos(err.pos[0]);
      line = pos.line;
      col = pos.col;
      message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    }
  } catch {
    // keep js-yaml's account
  }
  return new ClustermintError('YAML_SYNTAX', `invalid YAML: ${message}`, { file, line, col });
}

/**
 * Finds nodes by path in one positional document. Each map's keys are indexed once, on first
 * use, so locating every finding of a document costs the document's size plus the path lengths,
 * not (findings x map size): `yaml`'s own getIn scans a map's pairs on each call, and one
 * finding per key of a 60,000-key map made `check` quadratic.
 */
export class NodeFinder {
  private readonly pairsByMap = new WeakMap<object, Map<string, Pair>>();

  constructor(
    private readonly doc: Document,
    private readonly lc: LineCounter,
  ) {}

  /** The pair of a map with this key (the first, as `yaml` finds it); scalar keys compare as text. */
  private pair(map: YAMLMap, key: string): Pair | undefined {
    let index = this.pairsByMap.get(map);
    if (!index) {
      const { isScalar } = positionalYaml();
      index = new Map();
      for (const p of map.items) {
        const k = isScalar(p.key) ? p.key.value : p.key;
        const text = k === null || typeof k !== 'object' ? String(k) : undefined;
        if (text !== undefined && !index.has(text)) index.set(text, p);
      }
      this.pairsByMap.set(map, index);
    }
    return index.get(key);
  }

  /**
   * Position of the node at `path`, or of its nearest ancestor that exists (an alias or a merged
   * key ends the walk there). With `atKey`, the position of the last segment's map key.
   */
  locate(path: readonly PathSegment[], atKey = false): Position | undefined {
    const { isMap, isSeq, isNode } = positionalYaml();
    const at = (node: unknown): Position | undefined => {
      if (!isNode(node) || !node.range) return undefined;
      const pos = this.lc.linePos(node.range[0]);
      return { line: pos.line, col: pos.col };
    };
    let node: unknown = this.doc.contents;
    let found = at(node);
    for (const [i, seg] of path.entries()) {
      let next: unknown;
      if (isMap(node)) {
        const pair = this.pair(node, String(seg));
        if (atKey && i === path.length - 1 && typeof seg === 'string') {
          const key = at(pair?.key);
          if (key) return key;
        }
        next = pair?.value;
      } else if (isSeq(node)) {
        const index = typeof seg === 'number' ? seg : /^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : -1;
        next = index >= 0 ? node.items[index] : undefined;
      }
      if (next === undefined || next === null) break;
      node = next;
      found = at(node) ?? found;
    }
    return found;
  }
}

/**
 * Locates paths inside a YAML text that already parsed once (used only on the error path, to
 * point rendered-object findings at their lines): the text is parsed on the first call only.
 */
export function yamlLocator(
  text: string,
): (path: readonly PathSegment[], atKey?: boolean) => Position | undefined {
  let finder: NodeFinder | null | undefined;
  return (path, atKey = false) => {
    if (finder === undefined) {
      const { LineCounter, parseAllDocuments } = positionalYaml();
      const lineCounter = new LineCounter();
      const [doc] = parseAllDocuments(text, { lineCounter, uniqueKeys: false }) as Document.Parsed[];
      finder = doc ? new NodeFinder(doc, lineCounter) : null;
    }
    return finder?.locate(path, atKey);
  };
}

/** Line and column of `path` inside a YAML text (one lookup; see yamlLocator for several). */
export function locateInYaml(
  text: string,
  path: readonly PathSegment[],
  atKey = false,
): Position | undefined {
  return yamlLocator(text)(path, atKey);
}
