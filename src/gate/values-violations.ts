/** Values-schema problems as the gate's violations, each located where the value was set. */
import { formatPath, type PathSegment } from '../util/json-path.js';
import type { SchemaProblem } from '../validate/schema-errors.js';
import type { Violation } from '../validate/violation.js';

/** `locate(path, atKey)`: where a value at `path` came from (its key, for an unknown key). */
export type LocateValue = (path: readonly PathSegment[], atKey: boolean) => Violation['location'];

export function valuesViolations(problems: readonly SchemaProblem[], locate: LocateValue): Violation[] {
  return problems.map((p) => ({
    stage: 'values',
    severity: 'error',
    code: 'VALUES_INVALID',
    message: p.message,
    path: formatPath(p.path),
    location: locate(p.path, p.keyword === 'additionalProperties' || p.keyword === 'unevaluatedProperties'),
  }));
}
