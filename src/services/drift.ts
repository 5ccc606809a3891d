/**
 * Drift: where a live object no longer holds what was applied to it. Only the fields the applied
 * object sets count (what a server-side apply owns): fields the apiserver or a controller defaulted
 * never do. Maps compare key by key; a list whose elements are all maps with a `name` (containers,
 * env, ports) element by name, any other list element by element, a different length being drift
 * of the whole list. Of metadata only the labels and annotations the applied object sets count.
 * Scalars compare as the apiserver stores them: a quantity in canonical form (`cpu: 1` is "1",
 * "0.5" is "500m"), a zero value (`false`, `0`, "", {}, []) the same as an absent field, and a
 * null applied value as no claim. Drift exclusions remove paths (and their subtrees) from the
 * comparison, for the objects their target names.
 */

import type { KubeObject } from '../k8s/object.js';
import { formatQuantity, parseQuantity } from '../k8s/quantity.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import type { DriftExclusion } from './types.js';

export interface Drift {
  /** The object does not exist on the cluster. */
  missing: boolean;
  /** The drifted fields, as `spec.replicas`, `spec.template.spec.containers[name=app].image`. */
  fields: string[];
}

/** A step of a field path: a map key, or a list element (by name when the list is keyed so). */
type Step = { key: string } | { index: number; name?: string };

/** A step of an exclusion path: a key or index as written, `name=x`, or `*`. */
type Pattern = { text: string } | { name: string } | { any: true };

export function driftOf(
  applied: Record<string, unknown>,
  live: KubeObject | undefined,
  exclusions: readonly DriftExclusion[],
): Drift {
  if (live === undefined) return { missing: true, fields: [] };
  const patterns = exclusions
    .filter((x) => targets(x, applied))
    .flatMap((x) => x.paths.map(parseExclusionPath));
  const found: Step[][] = [];
  const drift = (path: Step[]) => {
    if (!patterns.some((p) => excludes(p, path))) found.push(path);
  };
  const want = withStringData(applied);
  for (const key of Object.keys(want)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'status') continue;
    if (key === 'metadata') {
      for (const part of ['labels', 'annotations'])
        compare(
          field(want.metadata, part),
          field(live.metadata, part),
          [{ key: 'metadata' }, { key: part }],
          drift,
        );
      continue;
    }
    compare(want[key], live[key], [{ key }], drift);
  }
  return { missing: false, fields: [...new Set(found.map(formatSteps))] };
}

const field = (v: unknown, key: string): unknown =>
  isPlainObject(v) && Object.hasOwn(v, key) ? v[key] : undefined;

function compare(want: unknown, have: unknown, path: Step[], drift: (path: Step[]) => void): void {
  if (want === null || want === undefined) return;
  if (have === null || have === undefined) {
    if (!isZero(want)) drift(path);
    return;
  }
  if (isPlainObject(want)) {
    if (!isPlainObject(have)) {
      drift(path);
      return;
    }
    for (const key of Object.keys(want)) compare(want[key], field(have, key), [...path, { key }], drift);
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(have)) {
      drift(path);
      return;
    }
    if (keyedByName(want)) {
      for (const el of want) {
        const name = (el as PlainObject).name as string;
        const index = have.findIndex((h) => isPlainObject(h) && h.name === name);
        if (index < 0) drift([...path, { index: -1, name }]);
        else compare(el, have[index], [...path, { index, name }], drift);
      }
      return;
    }
    if (want.length !== have.length) {
      drift(path);
      return;
    }
    for (const [index, el] of want.entries()) compare(el, have[index], [...path, { index }], drift);
    return;
  }
  if (!sameScalar(want, have)) drift(path);
}

const keyedByName = (list: unknown[]) =>
  list.length > 0 && list.every((el) => isPlainObject(el) && typeof el.name === 'string');

/** What an omitempty field drops: the apiserver returns nothing for it. */
function isZero(v: unknown): boolean {
  if (v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return isPlainObject(v) && Object.values(v).every((x) => x === null || x === undefined || isZero(x));
}

function sameScalar(want: unknown, have: unknown): boolean {
  if (want === have) return true;
  if (typeof have !== 'string' || (typeof want !== 'number' && typeof want !== 'string')) return false;
  // A quantity field holds the canonical form of what was applied.
  return canonicalQuantity(String(want)) === have;
}

function canonicalQuantity(text: string): string | undefined {
  try {
    return formatQuantity(parseQuantity(text));
  } catch {
    return undefined;
  }
}

/** A Secret's stringData, as the apiserver stores it: base64 under data. */
function withStringData(applied: Record<string, unknown>): Record<string, unknown> {
  if (applied.kind !== 'Secret' || !isPlainObject(applied.stringData)) return applied;
  const data: Record<string, unknown> = isPlainObject(applied.data) ? { ...applied.data } : {};
  for (const [k, v] of Object.entries(applied.stringData))
    if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  const { stringData: _, ...rest } = applied;
  return { ...rest, data };
}

function targets(x: DriftExclusion, applied: Record<string, unknown>): boolean {
  const t = x.target;
  if (!t) return true;
  const md = applied.metadata;
  return (
    (t.kind === undefined || t.kind === applied.kind) &&
    (t.name === undefined || t.name === field(md, 'name')) &&
    (t.namespace === undefined || t.namespace === (field(md, 'namespace') ?? ''))
  );
}

function excludes(pattern: Pattern[], path: Step[]): boolean {
  if (pattern.length > path.length) return false;
  return pattern.every((p, i) => {
    const s = path[i];
    if ('any' in p) return true;
    if ('key' in s) return 'text' in p && p.text === s.key;
    if ('name' in p) return p.name === s.name;
    return p.text === String(s.index) || (s.name !== undefined && p.text === s.name);
  });
}

/** `/spec/template/spec/containers/0/image` (JSON pointer) or `spec.containers[name=app].image`. */
export function parseExclusionPath(path: string): Pattern[] {
  if (path.startsWith('/')) {
    return path
      .slice(1)
      .split('/')
      .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((t): Pattern => (t === '*' ? { any: true } : { text: t }));
  }
  const out: Pattern[] = [];
  const re = /([^.[\]]+)|\[\s*name\s*=\s*([^\]]*)\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[([^\]]*)\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[2] !== undefined) out.push({ name: m[2].trim().replace(/^"(.*)"$/, '$1') });
    else if (m[3] !== undefined) out.push({ text: unquote(m[3]) });
    else {
      const text = (m[1] ?? m[4]).trim();
      out.push(text === '*' ? { any: true } : { text });
    }
  }
  return out;
}

function unquote(escaped: string): string {
  try {
    return JSON.parse(`"${escaped}"`) as string;
  } catch {
    return escaped;
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function formatSteps(path: Step[]): string {
  let s = '';
  for (const step of path) {
    if ('key' in step)
      s += IDENT.test(step.key) ? `${s ? '.' : ''}${step.key}` : `[${JSON.stringify(step.key)}]`;
    else s += step.name !== undefined ? `[name=${step.name}]` : `[${step.index}]`;
  }
  return s;
}
