/** The gate's verdict as TemplateReady, ValuesValid, PolicyPassed and Admitted (pure). */
import type { Verdict } from '../../gate/index.js';
import type { ConditionVerdict } from '../status.js';

type Violation = Verdict['violations'][number];

function summary(xs: readonly Violation[]): string {
  return (
    xs
      .slice(0, 3)
      .map((x) =>
        x.stage === 'admission'
          ? `[admission/${x.rule}] ${x.message}`
          : x.policy
            ? `${x.policy}/${x.rule}: ${x.message}`
            : // where in the submission or a rendered object, as the CLI prints it
              x.location?.path && !x.message.includes(x.location.path)
              ? `${x.location.path}: ${x.message}`
              : x.message,
      )
      .join('; ') + (xs.length > 3 ? `; and ${xs.length - 3} more` : '')
  );
}

/** Why the template is not ready: its ClusterTemplate is invalid, not resolved yet, or there is none. */
function templateReason(xs: readonly Violation[]): string {
  if (xs.some((x) => x.code === 'INVALID_CHART' || x.rule === 'template-valid')) return 'TemplateInvalid';
  if (xs.some((x) => x.code === 'TEMPLATE_NOT_READY')) return 'TemplateNotReady';
  return 'TemplateNotFound';
}

/** An admission finding that the template cannot be used (missing, invalid, not the namespace's). */
function isTemplateRule(x: Violation): boolean {
  return (
    x.stage === 'admission' &&
    (x.rule === 'template-exists' || x.rule === 'template-valid' || x.rule === 'template-access')
  );
}

/** `admission`: the verdict includes k0rdent's admission rules (the controller's does): Admitted says how they went. */
export function gateConditions(
  v: Pick<Verdict, 'violations' | 'objects' | 'rules'>,
  template: string,
  admission = false,
): ConditionVerdict[] {
  const errors = v.violations.filter((x) => x.severity === 'error');
  // the admission rules about the template stand for the resolve stage's finding (the gate keeps one)
  const resolve = errors.filter((x) => x.stage === 'resolve' || isTemplateRule(x));
  const values = errors.filter((x) => x.stage === 'values' || x.stage === 'render' || x.stage === 'object');
  const policy = errors.filter((x) => x.stage === 'policy');
  const refused = errors.filter((x) => x.stage === 'admission');
  const out: ConditionVerdict[] = [];
  const cond = (type: string, status: ConditionVerdict['status'], reason: string, message: string) =>
    out.push({ type, status, reason, message });
  if (resolve.length) {
    const reason = templateReason(resolve);
    cond('TemplateReady', 'False', reason, summary(resolve));
    cond(
      'ValuesValid',
      'Unknown',
      reason,
      reason === 'TemplateNotFound' ? 'the template was not found' : 'the template is not ready',
    );
  } else {
    cond('TemplateReady', 'True', 'Resolved', `template ${template} found`);
    if (values.length) cond('ValuesValid', 'False', 'ValuesInvalid', summary(values));
    else cond('ValuesValid', 'True', 'Valid', `values valid, ${v.objects.length} objects rendered`);
  }
  if (resolve.length || values.length)
    cond(
      'PolicyPassed',
      policy.length ? 'False' : 'Unknown',
      policy.length ? 'PolicyDenied' : 'NotEvaluated',
      policy.length ? summary(policy) : 'policies need rendered objects',
    );
  else if (policy.length) cond('PolicyPassed', 'False', 'PolicyDenied', summary(policy));
  else cond('PolicyPassed', 'True', 'Passed', `${Object.keys(v.rules).length} policy rules passed`);
  // k0rdent's admission rules (template, Credential, access, services), each named in the message
  if (refused.length) cond('Admitted', 'False', 'AdmissionDenied', summary(refused));
  else if (admission) cond('Admitted', 'True', 'Admitted', "k0rdent's admission rules passed");
  return out;
}
