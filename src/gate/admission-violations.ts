/** k0rdent's admission findings (domain/admission.ts) as the gate's violations of stage `admission`. */
import type { AdmissionFacts, AdmissionFinding, AdmissionRule } from '../domain/admission.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
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

/**
 * When an admission rule refuses the template (template-exists, -valid, -access), the resolve
 * stage's own failure to use it is the same finding: it is dropped, and what it knew better
 * (the "did you mean" hint, the templates available) goes to the rule's finding, except in
 * tenancy mode, where the catalog's names are not the team's to choose from.
 */
export function withoutResolveRepeat(
  violations: readonly Violation[],
  findings: Violation[],
  facts: Pick<AdmissionFacts, 'tenancy' | 'namespace'>,
): Violation[] {
  const rule = findings.find(
    (v) => v.severity === 'error' && v.rule?.startsWith('template-') && v.rule !== 'template-upgrade',
  );
  const repeat = violations.find((r) => r.stage === 'resolve' && r.severity === 'error');
  if (!rule || !repeat) return [...violations];
  if (!(facts.tenancy && facts.namespace !== SYSTEM_NAMESPACE)) {
    const hint = repeat.message.match(/did you mean .*$/)?.[0];
    if (hint && rule.rule === 'template-exists') rule.message = `${rule.message}; ${hint}`;
    if (repeat.details?.length) rule.details = [...(rule.details ?? []), ...repeat.details];
  }
  return violations.filter((v) => v !== repeat);
}
