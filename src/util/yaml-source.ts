/**
 * Parsing YAML that a person wrote (values, submissions, Chart.yaml): strict (duplicate keys,
 * tabs), bounded (aliases, depth), and every value can be traced back to its line and column.
 */
import { type Document, isMap, isNode, isScalar, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { ClustermintError } from './errors.js';
import type { PathSegment } from './json-path.js';
import { LIMITS } from './limits.js';
import { exceedsDepth, toSafeTree } from './plain-object.js';

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
  if (Buffer.byteLength(text) > LIMITS.maxFileBytes) {
    throw new ClustermintError(
      'TOO_LARGE',
      `file is ${(Buffer.byteLength(text) / 1048576).toFixed(1)} MiB, over the ${LIMITS.maxFileBytes / 1048576} MiB limit`,
      { file },
    );
  }
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false,
    }) as Document.Parsed[];
  } catch (e) {
    throw rethrowDepth(e, file);
  }
  if (!Array.isArray(docs)) docs = [docs];
  const out: SourceDocument[] = [];
  docs.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const pos = lineCounter.linePos(err.pos[0]);
      if (/Maximum call stack/.test(err.message)) {
        throw new ClustermintError(
          'TOO_DEEP',
          `YAML nesting is too deep (the limit is ${LIMITS.maxDepth} levels)`,
          {
            file,
            line: pos.line,
            col: pos.col,
          },
        );
      }
      throw new ClustermintError('YAML_SYNTAX', `invalid YAML: ${firstLine(err.message)}`, {
        file,
        line: pos.line,
        col: pos.col,
      });
    }
    if (doc.contents === null && docs.length > 1) return; // empty document between `---`
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
    } catch (e) {
      if (e instanceof ReferenceError || /alias/i.test(String((e as Error).message))) {
        throw new ClustermintError(
          'YAML_ALIASES',
          `YAML aliases expand too much (over ${LIMITS.maxAliasCount} alias uses): refusing a possible alias bomb`,
          { file },
        );
      }
      throw rethrowDepth(e, file);
    }
    if (exceedsDepth(value, LIMITS.maxDepth)) {
      throw new ClustermintError('TOO_DEEP', `YAML nesting is deeper than ${LIMITS.maxDepth} levels`, {
        file,
      });
    }
    out.push({
      value: toSafeTree(value),
      index,
      locate: (path, atKey) => locateNode(doc, lineCounter, path, atKey),
    });
  });
  return out;
}

function locateNode(
  doc: Document,
  lc: LineCounter,
  path: readonly PathSegment[],
  atKey = false,
): Position | undefined {
  const last = path[path.length - 1];
  if (atKey && typeof last === 'string') {
    const parent = doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
      const key = pair?.key;
      if (isNode(key) && key.range) {
        const pos = lc.linePos(key.range[0]);
        return { line: pos.line, col: pos.col };
      }
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && (node as Node).range) {
      const pos = lc.linePos((node as Node).range![0]);
      return { line: pos.line, col: pos.col };
    }
  }
  return undefined;
}

function rethrowDepth(e: unknown, file: string): unknown {
  if (e instanceof RangeError) {
    return new ClustermintError(
      'TOO_DEEP',
      `YAML nesting is too deep (the limit is ${LIMITS.maxDepth} levels)`,
      {
        file,
      },
    );
  }
  return e;
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Line and column of `path` inside a YAML text that already parsed once (used only on the
 * error path, to point a rendered-object finding at its line).
 */
export function locateInYaml(
  text: string,
  path: readonly PathSegment[],
  atKey = false,
): Position | undefined {
  const lineCounter = new LineCounter();
  const [doc] = parseAllDocuments(text, { lineCounter, uniqueKeys: false }) as Document.Parsed[];
  return doc ? locateNode(doc, lineCounter, path, atKey) : undefined;
}
