/**
 * Errors are values with a place: a code, a message and where it points (file:line:col or a
 * JSON path). The CLI prints them; nothing below the CLI prints or exits.
 */

export type ErrorCode =
  | 'USAGE'
  | 'UNREADABLE'
  | 'TOO_LARGE'
  | 'YAML_SYNTAX'
  | 'INVALID_UTF8'
  | 'OUT_OF_RANGE'
  | 'YAML_ALIASES'
  | 'TOO_DEEP'
  | 'INVALID_CHART'
  | 'TEMPLATE_SYNTAX'
  | 'TEMPLATE_EXEC'
  | 'REQUIRED'
  | 'VALUES_INVALID'
  | 'OBJECT_INVALID'
  | 'UNKNOWN_TEMPLATE'
  | 'INVALID_SUBMISSION'
  | 'BAD_SET'
  | 'TEMPLATE_NOT_READY';

/** Where an error points. `path` is a JSON path such as `$.spec.config.region`. */
export interface SourceLocation {
  file?: string;
  line?: number;
  col?: number;
  path?: string;
}

/** Exit code 2 = usage or unreadable input; 1 = input read but rejected. */
const USAGE_CODES = new Set<ErrorCode>(['USAGE', 'UNREADABLE', 'TOO_LARGE']);

export class ClustermintError extends Error {
  readonly code: ErrorCode;
  readonly location?: SourceLocation;
  /** Extra lines printed under the message (e.g. a caret excerpt, a suggestion). */
  readonly details: string[];

  constructor(code: ErrorCode, message: string, location?: SourceLocation, details: string[] = []) {
    super(message);
    this.name = 'ClustermintError';
    this.code = code;
    this.location = location;
    this.details = details;
  }

  get exitCode(): 1 | 2 {
    return USAGE_CODES.has(this.code) ? 2 : 1;
  }
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  let s = loc.file ?? '';
  if (loc.file && loc.line !== undefined) s += `:${loc.line}${loc.col !== undefined ? `:${loc.col}` : ''}`;
  if (loc.path) s += s ? ` (${loc.path})` : loc.path;
  return s;
}

/** `file:line:col: message`, the way compilers print. */
export function formatError(err: ClustermintError): string {
  const where = formatLocation(err.location);
  const head = where ? `${where}: ${err.message}` : err.message;
  return [head, ...err.details.map((d) => `  ${d}`)].join('\n');
}

export function isClustermintError(e: unknown): e is ClustermintError {
  return e instanceof ClustermintError;
}
