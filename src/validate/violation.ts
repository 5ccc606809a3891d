/** A finding of any stage of the gate: data, never thrown. */
import type { SourceLocation } from '../util/errors.js';

export type Stage = 'resolve' | 'values' | 'render' | 'object' | 'policy' | 'admission';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface Violation {
  stage: Stage;
  severity: 'error' | 'warning';
  code: string;
  message: string;
  /** JSON path inside the values or the object, e.g. `$.spec.replicas`. */
  path?: string;
  /** Where a person can fix it: a file line and column when known. */
  location?: SourceLocation;
  /** The rendered object it concerns, for object-stage findings. */
  object?: ObjectRef;
  /** Extra lines (excerpt, include trace, hint). */
  details?: string[];
  /** For policy findings: the ValidatingPolicy and rule that decided, and the policy's file. */
  policy?: string;
  rule?: string;
  policyFile?: string;
}
