/**
 * metav1.LabelSelector as the domain sees it (the same shape as api/label-selector.ts's
 * LabelSelector, which domain may not import), matched with k8s/label-selector.ts.
 */
import { matchesSelector, parseSelector, type Requirement } from '../k8s/label-selector.js';

export interface LabelSelectorFact {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] }>;
}

export function selectorRequirements(s: LabelSelectorFact): Requirement[] {
  const reqs: Requirement[] = Object.entries(s.matchLabels ?? {}).map(([key, v]) => ({
    key,
    op: 'in',
    values: [v],
  }));
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === 'In' || e.operator === 'NotIn')
      reqs.push({ key: e.key, op: e.operator === 'In' ? 'in' : 'notin', values: [...(e.values ?? [])] });
    else if (e.operator === 'Exists') reqs.push({ key: e.key, op: 'exists' });
    else if (e.operator === 'DoesNotExist') reqs.push({ key: e.key, op: 'notexists' });
    else throw new Error(`unknown label selector operator ${JSON.stringify(e.operator)}`);
  }
  return reqs;
}

/** Whether `labels` match; an empty selector matches everything (as metav1's LabelSelectorAsSelector). */
export function labelSelectorMatches(
  s: LabelSelectorFact,
  labels: Readonly<Record<string, string>>,
): boolean {
  return matchesSelector(selectorRequirements(s), labels as Record<string, string>);
}

/** Whether `labels` match a `kubectl -l` style selector text (throws SelectorError when it does not parse). */
export function stringSelectorMatches(text: string, labels: Readonly<Record<string, string>>): boolean {
  return matchesSelector(parseSelector(text), labels as Record<string, string>);
}
