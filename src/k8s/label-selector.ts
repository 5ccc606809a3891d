/**
 * Kubernetes label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`), as `kubectl -l` and
 * kyverno-json's `--labels` read them. Hand-written: a small grammar with no npm equivalent.
 */
export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export class SelectorError extends Error {}

const KEY = /^([A-Za-z0-9][-A-Za-z0-9_./]*)?[A-Za-z0-9]$/;

/** Splits at commas outside parentheses. */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

export function parseSelector(text: string): Requirement[] {
  return terms(text).map((t) => {
    let m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(t);
    if (m) {
      if (!KEY.test(m[1])) throw new SelectorError(`invalid label key ${JSON.stringify(m[1])}`);
      return { key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] };
    }
    m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(t);
    if (m) {
      if (!KEY.test(m[1])) throw new SelectorError(`invalid label key ${JSON.stringify(m[1])}`);
      return { key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim()) };
    }
    m = /^(!?)\s*(\S+)$/.exec(t);
    if (m && KEY.test(m[2])) return { key: m[2], op: m[1] ? 'notexists' : 'exists' };
    throw new SelectorError(`unable to parse requirement: ${JSON.stringify(t)}`);
  });
}

export function matchesSelector(
  reqs: readonly Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    if (!('values' in r)) return r.op === 'exists' ? has : !has;
    const listed = has && r.values.includes(l[r.key]);
    return r.op === 'in' ? listed : !listed;
  });
}
