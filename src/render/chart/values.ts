/**
 * Helm values semantics: user sources (-f files in order, then --set) merge with each other
 * (maps merge, everything else replaces), then coalesce onto the chart defaults, where a user
 * `null` removes the key. Pure functions on prototype-less trees.
 */
import { goQuote } from '../../go/fmt.js';
import { ClustermintError } from '../../util/errors.js';
import type { PathSegment } from '../../util/json-path.js';
import { emptyMap, hasOwn, isPlainObject, type PlainObject, toSafeTree } from '../../util/plain-object.js';
import { quote } from '../../util/printable.js';
import type { HelmChart } from '../helm/chart.js';
import { coalesceValues as coalesceHelmValues } from '../helm/coalesce.js';
import { emptyMetadata } from '../helm/metadata.js';
import { MAX_INDEX, MAX_SET_DEPTH, SetBudget, SetLimitError, tooDeepMessage } from '../helm/strvals.js';

/** Merge user sources in order: later wins; maps merge; lists and scalars (and null) replace. */
export function mergeUserValues(sources: readonly unknown[]): PlainObject {
  const out = emptyMap();
  for (const src of sources) if (isPlainObject(src)) mergeInto(out, src);
  return out;
}

function mergeInto(dst: PlainObject, src: PlainObject): void {
  for (const key of Object.keys(src)) {
    const s = src[key];
    const d = hasOwn(dst, key) ? dst[key] : undefined;
    if (isPlainObject(s) && isPlainObject(d)) mergeInto(d, s);
    else dst[key] = toSafeTree(s);
  }
}

/**
 * Chart defaults <- merged user values, with Helm's coalescing (src/render/helm/coalesce.ts):
 * a user `null` deletes a default (inside a map, only a default that is not null itself: Helm
 * then keeps the key with null). Returns a new tree.
 */
export function coalesceValues(defaults: unknown, user: PlainObject): PlainObject {
  const chart: HelmChart = {
    metadata: emptyMetadata(),
    values: isPlainObject(defaults) ? (toSafeTree(defaults) as PlainObject) : emptyMap(),
    templates: [],
    files: [],
    dependencies: [],
  };
  return coalesceHelmValues(chart, toSafeTree(user) as PlainObject, () => {});
}

/** Does the tree hold a value (possibly null) at `path`? */
export function hasPath(tree: unknown, path: readonly PathSegment[]): boolean {
  let cur: unknown = tree;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur) || seg >= cur.length) return false;
      cur = cur[seg];
    } else {
      if (!isPlainObject(cur) || !hasOwn(cur, seg)) return false;
      cur = cur[seg];
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// --set parsing (Helm's strvals): `a.b[0].c=v,x={1,2}`, `\,` `\.` `\=` escapes. Helm's index
// limit, and the limits of src/render/helm/strvals.ts on depth and on the list items that all
// the flags of one command create (pass them one SetBudget).

/**
 * Parses one `--set` argument into a values tree. With `asString`, values stay strings
 * (`--set-string`); otherwise `true`/`false`/`null` and integers are typed, like Helm.
 */
export function parseSetArgument(arg: string, asString = false, budget = new SetBudget()): PlainObject {
  const flag = asString ? '--set-string' : '--set';
  const root = emptyMap();
  for (const assignment of splitUnescaped(arg, ',', true)) {
    if (assignment === '') continue;
    const eq = indexOfUnescaped(assignment, '=');
    if (eq <= 0) {
      throw new ClustermintError('BAD_SET', `${flag} ${quote(assignment)}: expected key=value`);
    }
    const where = `${flag} ${quote(assignment)}`;
    const path = parseSetKey(assignment.slice(0, eq), where);
    const raw = assignment.slice(eq + 1);
    let value: unknown;
    if (raw.startsWith('{') && raw.endsWith('}')) {
      const inner = raw.slice(1, -1);
      value =
        inner === '' ? [] : splitUnescaped(inner, ',', false).map((s) => typed(unescapeSet(s), asString));
    } else {
      value = typed(unescapeSet(raw), asString);
    }
    setPath(root, path, value, where, budget);
  }
  return root;
}

function typed(s: string, asString: boolean): unknown {
  if (asString) return s;
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s === 'null') return null;
  if (/^-?(0|[1-9][0-9]*)$/.test(s) && Number.isSafeInteger(Number(s))) return Number(s);
  return s;
}

function parseSetKey(key: string, where: string): PathSegment[] {
  const path: PathSegment[] = [];
  const parts = splitUnescaped(key, '.', false);
  refuseEmptyName(parts, where);
  for (const part of parts) {
    const m = /^((?:\\.|[^[\\])*)((?:\[\d+\])*)$/.exec(part);
    if (!m || (m[1] === '' && path.length === 0)) {
      throw new ClustermintError('BAD_SET', `${where}: invalid key ${JSON.stringify(key)}`);
    }
    if (m[1] !== '') path.push(unescapeSet(m[1]));
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) {
      const n = Number(idx[1]);
      if (n > MAX_INDEX) {
        throw new ClustermintError(
          'BAD_SET',
          `${where}: index of ${idx[1]} is greater than maximum supported index of ${MAX_INDEX}`,
        );
      }
      path.push(n);
    }
    // the root map holds the first name: MAX_SET_DEPTH maps and lists below it
    if (path.length > MAX_SET_DEPTH + 1)
      throw new ClustermintError('BAD_SET', `${where}: ${tooDeepMessage()}`);
  }
  return path;
}

/**
 * An empty name after a dot (`a..b=1`, `a.=1`): Helm's strvals sets nothing under an empty key,
 * so the map before it stays empty and it fails with `key map "a" has no value` (naming the map
 * before the last empty name). Helm drops the value silently where that map is a list item or
 * already holds keys; here it is the same error whatever came before, not a silent normalisation.
 */
function refuseEmptyName(parts: readonly string[], where: string): void {
  for (let i = parts.length - 1; i > 0; i--) {
    if (parts[i] !== '') continue;
    const before = parts[i - 1];
    const name = /^((?:\\.|[^[\\])*)$/.test(before) ? unescapeSet(before) : before;
    throw new ClustermintError('BAD_SET', `${where}: key map ${goQuote(name)} has no value`);
  }
}

function setPath(
  root: PlainObject,
  path: PathSegment[],
  value: unknown,
  where: string,
  budget: SetBudget,
): void {
  let cur: any = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    const nextIsIndex = !last && typeof path[i + 1] === 'number';
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) {
        throw new ClustermintError('BAD_SET', `${where}: cannot index a non-list`);
      }
      if (cur.length <= seg) {
        try {
          budget.grow(seg + 1 - cur.length);
        } catch (e) {
          if (e instanceof SetLimitError) throw new ClustermintError('BAD_SET', `${where}: ${e.message}`);
          throw e;
        }
      }
      while (cur.length <= seg) cur.push(null);
      if (last) cur[seg] = value;
      else {
        if (nextIsIndex ? !Array.isArray(cur[seg]) : !isPlainObject(cur[seg]))
          cur[seg] = nextIsIndex ? [] : emptyMap();
        cur = cur[seg];
      }
    } else {
      if (last) cur[seg] = value;
      else {
        const existing = hasOwn(cur, seg) ? cur[seg] : undefined;
        if (nextIsIndex ? !Array.isArray(existing) : !isPlainObject(existing))
          cur[seg] = nextIsIndex ? [] : emptyMap();
        cur = cur[seg];
      }
    }
  }
}

/** Splits at `sep` not preceded by a backslash (and, with `braces`, not inside `{...}`). */
function splitUnescaped(s: string, sep: string, braces: boolean): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
      continue;
    }
    if (braces && c === '{') depth++;
    if (braces && c === '}' && depth > 0) depth--;
    if (c === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function indexOfUnescaped(s: string, ch: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

function unescapeSet(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
