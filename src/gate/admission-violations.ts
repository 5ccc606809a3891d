/** k0rdent's admission findings (domain/admission.ts) as the gate's violations of stage `admission`. */
import type { AdmissionFinding, AdmissionRule } from '../domain/admission.js';
import type { SourceLocation } from '../util/errors.js';
import { type PathSegment, parsePath } from '../util/json-path.js';
import type { Violation } from '../validate/violation.js';

/** `template-exists` -> `ADMISSION_TEMPLATE_EXISTS`. */
export function admissionCode(rule: AdmissionRule): string {
  return `ADMISSION_${rule.toUpperCase().replace(/-/g, '_')}`;
}

export function admissionViolations(
  findings: readonly AdmissionFinding[],
  at?: (path: PathSegment[]) => SourceLocation,
): Violation[] {
  return findings.map((f) => ({
    stage: 'admission',
    severity: f.severity,
    code: admissionCode(f.rule),
    rule: f.rule,
    message: f.message,
    path: f.path,
    ...(at ? { location: { ...at(parsePath(f.path)), path: f.path } } : {}),
  }));
}
