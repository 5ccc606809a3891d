/**
 * metav1.LabelSelector (`matchLabels` and `matchExpressions`) as MultiClusterService and
 * ClusterResourceSet select clusters with, read from untrusted input with every problem located.
 */
import { LABEL_VALUE, qualifiedNameErrors } from '../k8s/names.js';
import type { PathSegment } from '../util/json-path.js';
import { emptyMap } from '../util/plain-object.js';
import type { Problems } from './read-problems.js';

export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
export type SelectorOperator = (typeof SELECTOR_OPERATORS)[number];

export interface LabelSelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

const MAX_TERMS = 100;
const MAX_VALUES = 100;
const FIELDS = new Set(['matchLabels', 'matchExpressions']);
const TERM_FIELDS = new Set(['key', 'operator', 'values']);

function checkKey(p: Problems, key: unknown, path: readonly PathSegment[]): key is string {
  if (typeof key !== 'string') {
    p.add(path, 'a label key is required');
    return false;
  }
  const errs = qualifiedNameErrors(key);
  if (errs.length) p.add(path, `invalid label key ${JSON.stringify(key)}: ${errs.join('; ')}`);
  return errs.length === 0;
}

function checkValue(p: Problems, v: unknown, path: readonly PathSegment[]): v is string {
  if (typeof v === 'string' && v.length <= 63 && LABEL_VALUE.test(v)) return true;
  p.add(
    path,
    `invalid label value ${JSON.stringify(v)}: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit`,
  );
  return false;
}

/** Reads a selector at `path` (absent: undefined, no problem). Duplicate and empty terms are the caller's meaning. */
export function readLabelSelector(
  p: Problems,
  value: unknown,
  path: readonly PathSegment[],
): LabelSelector | undefined {
  if (value === undefined) return undefined;
  const v = p.map(value, path, 'a label selector (matchLabels, matchExpressions)');
  if (!v) return undefined;
  p.unknownKeys(v, path, FIELDS);
  const out: LabelSelector = {};
  if (v.matchLabels !== undefined) {
    const ml = p.map(v.matchLabels, [...path, 'matchLabels'], 'a map of label keys to values');
    if (ml) {
      const labels = emptyMap() as Record<string, string>;
      const keys = Object.keys(ml);
      if (keys.length > MAX_TERMS) p.add([...path, 'matchLabels'], `at most ${MAX_TERMS} labels`);
      else
        for (const k of keys) {
          const at = [...path, 'matchLabels', k];
          if (checkKey(p, k, at) && checkValue(p, ml[k], at)) labels[k] = ml[k] as string;
        }
      out.matchLabels = labels;
    }
  }
  const terms = p.optList(v.matchExpressions, [...path, 'matchExpressions'], MAX_TERMS);
  if (terms) {
    out.matchExpressions = [];
    terms.forEach((raw, i) => {
      const at = [...path, 'matchExpressions', i];
      const t = p.map(raw, at, 'a map (key, operator, values)');
      if (!t) return;
      p.unknownKeys(t, at, TERM_FIELDS);
      const keyOk = checkKey(p, t.key, [...at, 'key']);
      const op = t.operator;
      if (typeof op !== 'string' || !(SELECTOR_OPERATORS as readonly string[]).includes(op)) {
        p.add(
          [...at, 'operator'],
          `operator must be one of ${SELECTOR_OPERATORS.join(', ')} (got ${JSON.stringify(op ?? null)})`,
        );
        return;
      }
      const values = p.optList(t.values, [...at, 'values'], MAX_VALUES);
      const listed = op === 'In' || op === 'NotIn';
      if (listed && (!values || values.length === 0)) {
        if (t.values === undefined || values?.length === 0)
          p.add([...at, 'values'], `values must be non-empty when operator is ${op}`);
        return;
      }
      if (!listed && values && values.length > 0) {
        p.add([...at, 'values'], `values must be empty when operator is ${op}`);
        return;
      }
      let ok = keyOk;
      for (const [j, x] of (values ?? []).entries()) ok = checkValue(p, x, [...at, 'values', j]) && ok;
      if (ok)
        out.matchExpressions!.push({
          key: t.key as string,
          operator: op as SelectorOperator,
          ...(listed ? { values: values as string[] } : {}),
        });
    });
  }
  return out;
}

/** A selector with no labels and no expressions (a ClusterResourceSet's matches no cluster, as Cluster API says). */
export function isEmptySelector(s: LabelSelector | undefined): boolean {
  return !s || (Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0);
}
