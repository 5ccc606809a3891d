/**
 * Integers in YAML and JSON input must be exact: js-yaml reads `99999999999999999999999` as the
 * float 1e+23 and 2^53+1 as 2^53, without a word. This schema's int type refuses an integer a
 * JavaScript number cannot hold exactly, and `inexactIntegerError` gives the refusal its line and
 * column (found again with `yaml`, on the error path only).
 */
import { createRequire } from 'node:module';
import jsyaml from 'js-yaml';
import { ClustermintError } from './errors.js';

const require = createRequire(import.meta.url);
const types = (jsyaml as unknown as { types: Record<'int' | 'merge', jsyaml.Type> }).types;

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

/** YAML 1.2 core's int, refusing what a number cannot hold exactly. */
const EXACT_INT = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: types.int.resolve,
  construct: (data: string) => {
    const value = types.int.construct(data) as number;
    if (!Number.isSafeInteger(value)) throw new InexactInteger(String(data).trim());
    return value;
  },
  predicate: types.int.predicate ?? undefined,
  represent: types.int.represent ?? undefined,
  defaultStyle: types.int.defaultStyle ?? undefined,
});

/** The core schema, merge keys (`<<`) and exact integers: for input a person wrote. */
export const EXACT_INPUT_SCHEMA = jsyaml.CORE_SCHEMA.extend({
  // merge keys as CORE_WITH_MERGE reads them; an implicit type replaces the one of its tag, in place
  implicit: [types.merge, EXACT_INT],
});

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
