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
import { goYamlSchema, plainKeyV2 } from '../go/yaml-scalars.js';
import { ClustermintError } from './errors.js';
import { ExpansionBudget } from './expansion-budget.js';
import type { PathSegment } from './json-path.js';
import { LIMITS } from './limits.js';
import { emptyMap } from './plain-object.js';
import { formatBytes } from './read-text-file.js';
import { eventPositions, type Position, type PositionFinder } from './yaml-event-positions.js';
import { inexactIntegerError } from './yaml-integers.js';

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

export type { Position } from './yaml-event-positions.js';

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

/**
 * Every document of a file a person wrote, read as kubectl, Helm and kyverno-json read it
 * (sigs.k8s.io/yaml, so go-yaml v2: `yes` and `on` are true, `017` is 15), with exact integers:
 * a file `check` reads means what it will mean to the cluster.
 */
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
      schema: goYamlSchema('v2', true),
      filename: file,
      maxDepth: LIMITS.maxDepth,
    } as jsyaml.LoadOptions) as unknown[];
  } catch (e) {
    throw inexactIntegerError(e, text, file) ?? yamlSyntaxError(e, text, file);
  }
  // Positions come from js-yaml's reading of a document where yaml-event-positions.ts models it,
  // else from `yaml`, parsed on the first locate only. A stream of many documents is
  // parsed one document at a time, when each can be cut out of the text on its own (see
  // documentStarts): locating the findings of one ClusterDeployment of a 1,000-document file
  // then costs that document, not the file.
  let starts: readonly DocumentStart[] | null | undefined;
  // NodeFinder, or js-yaml's positions where they model the document
  const finders: (PositionFinder | undefined)[] = [];
  const finderOf = (index: number): PositionFinder | undefined => {
    if (starts === undefined) starts = raw.length > 1 ? (documentStarts(text, raw.length) ?? null) : null;
    if (starts === null) {
      if (finders.length === 0 && raw.length === 1) finders[0] = eventPositions(text);
      if (finders.length === 0 || finders[0] === undefined) {
        finders.length = 0;
        const { LineCounter, parseAllDocuments } = positionalYaml();
        const lc = new LineCounter();
        // js-yaml has refused duplicate keys already; `yaml`'s own check compares each key with
        // every earlier one of its map (quadratic: 23 s for a map of 60,000 keys)
        const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false }) as Document.Parsed[];
        for (const d of docs) finders.push(new NodeFinder(d, lc));
      }
      return finders[index];
    }
    let finder = finders[index];
    if (!finder && index < starts.length) {
      const { offset, line } = starts[index];
      const chunk = text.slice(offset, starts[index + 1]?.offset ?? text.length);
      finder = eventPositions(chunk, line);
      if (!finder) {
        const { LineCounter, parseDocument } = positionalYaml();
        const lc = new LineCounter();
        finder = new NodeFinder(parseDocument(chunk, { lineCounter: lc, uniqueKeys: false }), lc, line);
      }
      finders[index] = finder;
    }
    return finder;
  };
  const out: SourceDocument[] = [];
  const budget = new ExpansionBudget({ file });
  raw.forEach((doc, index) => {
    if ((doc === null || doc === undefined) && raw.length > 1) return; // empty document between `---`
    const value = copyBounded(doc ?? null, file, budget);
    out.push({
      value,
      index,
      locate: (path, atKey) => finderOf(index)?.locate(path, atKey),
    });
  });
  return out;
}

/** Where a document starts: its offset in the text and the lines before it. */
interface DocumentStart {
  offset: number;
  line: number;
}

/**
 * Where each of the `count` documents of a stream starts, when the text can be cut at its
 * `---` lines: a line that starts with `---` and a space or its end is a document start
 * wherever it is (YAML forbids it inside any scalar), so the text between two such lines is one
 * document. Undefined (parse the stream whole) for what would make a cut unsafe: directives and
 * `...` ends, a `---` line with content after it, a block scalar at the root (js-yaml reads a
 * `---` line inside one as text), other line breaks than \n, a byte order mark, and any count
 * that does not match js-yaml's.
 */
function documentStarts(text: string, count: number): DocumentStart[] | undefined {
  if (/[\r\u2028\u2029\ufeff]/.test(text) || /^(?:%|\.\.\.|[|>])/m.test(text)) return undefined;
  const starts: DocumentStart[] = [];
  const marker = /^---(?=[ \t\n]|$)(.*)$/gm;
  let line = 0;
  let counted = 0; // offset up to which `line` counts the line breaks
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    if (!/^[ \t]*(?:#.*)?$/.test(m[1])) return undefined;
    for (let i = text.indexOf('\n', counted); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    counted = m.index;
    starts.push({ offset: m.index, line });
  }
  // what comes before the first `---` is a document when it holds more than blank lines and comments
  const first = starts[0]?.offset ?? text.length;
  if (first !== 0 && /^[ \t]*[^\s#]/m.test(text.slice(0, first))) starts.unshift({ offset: 0, line: 0 });
  return starts.length === count ? starts : undefined;
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

/** A js-yaml failure, placed, re-read with `yaml` for its clearer wording where it agrees. */
export function yamlSyntaxError(e: unknown, text: string, file: string): ClustermintError {
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
export class NodeFinder implements PositionFinder {
  private readonly pairsByMap = new WeakMap<object, Map<string, Pair>>();

  /** @param lineOffset lines of the text before the one `doc` was parsed from (a cut-out document) */
  constructor(
    private readonly doc: Document,
    private readonly lc: LineCounter,
    private readonly lineOffset = 0,
  ) {}

  /** The pair of a map with this key (the first, as `yaml` finds it); scalar keys compare as text. */
  private pair(map: YAMLMap, key: string): Pair | undefined {
    let index = this.pairsByMap.get(map);
    if (!index) {
      const { isScalar } = positionalYaml();
      index = new Map();
      for (const p of map.items) {
        const k = isScalar(p.key) ? p.key.value : p.key;
        // a plain key as the input reader (go-yaml v2) makes it: `on:` is the key "true"
        const plain = isScalar(p.key) && p.key.type === 'PLAIN' && typeof p.key.source === 'string';
        const text = plain
          ? plainKeyV2((p.key as { source: string }).source)
          : k === null || typeof k !== 'object'
            ? String(k)
            : undefined;
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
      return { line: pos.line + this.lineOffset, col: pos.col };
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
