/**
 * Integers in YAML and JSON input must be exact: a JavaScript number reads `99999999999999999999999`
 * as 1e+23 and 2^53+1 as 2^53, without a word. The input schema (go/yaml-scalars.ts, exact)
 * refuses such an integer with InexactInteger, and `inexactIntegerError` gives the refusal its
 * line and column (found again with `yaml`, on the error path only).
 */
import { createRequire } from 'node:module';
import { ClustermintError } from './errors.js';

const require = createRequire(import.meta.url);

/** Thrown while parsing, with the integer's text, until the caller knows where it stands. */
export class InexactInteger extends Error {
  /** `problem`: what else is wrong with the number than being inexact. */
  constructor(
    readonly text: string,
    problem?: string,
  ) {
    super(problem ? `number ${text} ${problem}` : inexactMessage(text));
  }
}

function inexactMessage(text: string): string {
  return `integer ${text} is out of range (at most 2^53-1 is exact)`;
}

/** A located OUT_OF_RANGE error for an InexactInteger from parsing `text`; undefined for other errors. */
export function inexactIntegerError(e: unknown, text: string, file: string): ClustermintError | undefined {
  if (!(e instanceof InexactInteger)) return undefined;
  const { LineCounter, parseAllDocuments, visit, isScalar } = require('yaml') as typeof import('yaml');
  const lc = new LineCounter();
  let at: number | undefined;
  try {
    const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false });
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      visit(doc, (_key, node) => {
        if (!isScalar(node) || !node.range) return undefined;
        const source = text.slice(node.range[0], node.range[1]);
        if (source.trim() === e.text || source.includes(e.text)) {
          at = node.range[0];
          return visit.BREAK;
        }
        return undefined;
      });
      if (at !== undefined) break;
    }
  } catch {
    // no place then, only the file
  }
  const pos = at === undefined ? undefined : lc.linePos(at);
  return new ClustermintError('OUT_OF_RANGE', e.message, { file, line: pos?.line, col: pos?.col });
}
