/**
 * Errors of the Go template engine. The message is Go's text exactly (so a user can search
 * for it and the differential test can compare it); the fields carry the place.
 *
 * - parse: `template: NAME:LINE: MESSAGE` (no column, as Go)
 * - exec:  `template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`
 *          (COL is Go's 0-based byte offset within the line)
 */
import { lineAndColumn } from '../../util/text-position.js';
export class GoTemplateError extends Error {
  readonly kind: 'parse' | 'exec';
  /** The template being parsed or executed (a `define` name or the top-level name). */
  readonly templateName: string;
  /** 1-based line; 0 when the error has no place (e.g. an empty template). */
  readonly line: number;
  /** Go's column: the 0-based byte offset within the line (exec errors only). */
  readonly column?: number;

  constructor(
    kind: 'parse' | 'exec',
    message: string,
    templateName: string,
    line: number,
    column?: number,
    /** The error a function returned, which Go wraps (`error calling NAME: %w`). */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'GoTemplateError';
    this.kind = kind;
    this.templateName = templateName;
    this.line = line;
    this.column = column;
  }
}

/** A 1-based line and Go's 0-based byte column of a source offset. */
export function lineColumn(text: string, pos: number): { line: number; column: number } {
  const { line, col } = lineAndColumn(text, pos);
  return { line, column: Buffer.byteLength(text.slice(pos - col + 1, pos), 'utf8') };
}

/**
 * The evaluation's work budget is spent (util/work-budget.ts): located where it tripped, and
 * passed up through nested calls unwrapped, so the innermost place is the one reported.
 */
export class GoTemplateWorkLimitError extends GoTemplateError {
  constructor(message: string, templateName: string, line: number, column?: number) {
    super('exec', message, templateName, line, column);
    this.name = 'GoTemplateWorkLimitError';
  }
}
