/**
 * RFC 6902 JSON Patch (`add`, `replace`, `remove`) as evanphx/json-patch v5 (v5.9.11) applies
 * it: the library Cluster API's patch engine uses, with its default options. Written here rather
 * than taken from fast-json-patch because the two differ where a ClusterClass can tell:
 * - negative array indices count from the end (`-1` is the last element; `add` at `-1` appends,
 *   at `-len-1` prepends); indices are read by Go's strconv.Atoi (`01`, `+1`, `-0` are indices;
 *   out of int64 range is an error of its own);
 * - whatever precedes the first `/` is ignored (`spec/x` is `/x`; a path with no `/` is missing);
 * - an empty segment below the root finds nothing, and an empty first segment (`//x`) walks a
 *   fresh copy of the root's JSON, apart from the document (see RootSelf);
 * - `replace` of the key `""` in an object always applies (evanphx finds the container's `self`);
 * - the error texts, which `render` prints, are evanphx's `err.Error()` word for word (Go
 *   strconv quoting included).
 * Paths are split once per text (a class's paths are applied for every item of every render),
 * and a patch is checked on the way down, not with a copy.
 *
 * tools/jsonpatch-ref runs the real library; test/render/topology/json-patch-differential.test.ts
 * compares the two on every case. Deliberate differences, left out there: `add` / `replace` at
 * the root path `""` with a value that is not an object or array fails here at once with
 * "<op> operation value must be object or array" (evanphx fails with a Go decoding error, or, for
 * `add` of null, only when the document is written out); operations other than add / replace /
 * remove fail with "Unexpected kind: <op>" (evanphx also has move, copy and test, and rejects
 * other kinds while decoding; a ClusterClass allows only these three); an add / replace without
 * a value is not checked here (evanphx rejects it while decoding; a ClusterClass always has one).
 */
import { goQuote } from '../../go/fmt.js';
import { BoundedCache } from '../../util/bounded-cache.js';
import { cloneTree, isPlainObject, type PlainObject, setOwn } from '../../util/plain-object.js';

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

/** A patch that does not apply; the message is evanphx's `err.Error()`. */
export class JsonPatchApplyError extends Error {}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

type Atoi = { ok: true; value: number; text: string } | { ok: false; error: string };

/**
 * Go's strconv.Atoi: an optional sign, then decimal digits (leading zeros allowed), within int64.
 * `text` is the value as `%d` prints it; `value` is exact up to 2^53, which every usable index is.
 */
function atoi(s: string): Atoi {
  if (!/^[+-]?[0-9]+$/.test(s))
    return { ok: false, error: `strconv.Atoi: parsing ${goQuote(s)}: invalid syntax` };
  const big = BigInt(s.startsWith('+') ? s.slice(1) : s);
  if (big > INT64_MAX || big < INT64_MIN)
    return { ok: false, error: `strconv.Atoi: parsing ${goQuote(s)}: value out of range` };
  return { ok: true, value: Number(big), text: big.toString() };
}

/** `strings.NewReplacer("~1", "/", "~0", "~")`: one left-to-right pass. */
function decodeKey(k: string): string {
  if (!k.includes('~')) return k;
  return k.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

interface ParsedPath {
  /** The containers to walk through (what `findObject` walks: every segment but the first and last). */
  parents: string[];
  key: string;
  /** The first container to walk through is `""`: the root's `self` (see RootSelf). */
  viaSelf: boolean;
}

const parsedPaths = new BoundedCache<string, ParsedPath | null>(4000);

/** `findObject`'s split; null for a path with no `/` (evanphx finds no container for it). */
function parsePath(path: string): ParsedPath | null {
  let parsed = parsedPaths.get(path);
  if (parsed !== undefined) return parsed;
  const split = path.split('/');
  if (path === '') parsed = { parents: [], key: '', viaSelf: false };
  else if (split.length < 2) parsed = null;
  else {
    const parents = split.slice(1, -1).map(decodeKey);
    parsed = { parents, key: decodeKey(split[split.length - 1]), viaSelf: parents[0] === '' };
  }
  parsedPaths.set(path, parsed);
  return parsed;
}

type Container = PlainObject | unknown[];

/**
 * What a path through an empty first segment (`//x`, `a//x`) walks into. evanphx's `get("")`
 * returns the container's `self`, the JSON it was decoded from, which only the root has: the
 * document as `Apply` got it, or the value of an `add` at `""` (a `replace` at `""` leaves none).
 * Walking into it decodes that JSON afresh, once: later operations through `""` see that copy,
 * so they neither see what other operations changed nor change the document. Null: no `self`.
 */
type RootSelf = Container | null;

/** `container.get` for walking: the child container, or undefined where evanphx finds none. */
function child(c: Container, key: string): Container | undefined {
  if (key === '') return undefined; // `self`, which containers below the root do not have
  let next: unknown;
  if (Array.isArray(c)) {
    const i = atoi(key);
    if (!i.ok) return undefined;
    let idx = i.value;
    if (idx < 0) {
      if (idx < -c.length) return undefined;
      idx += c.length;
    }
    if (idx >= c.length) return undefined;
    next = c[idx];
  } else {
    if (!Object.hasOwn(c, key)) return undefined;
    next = c[key];
  }
  return Array.isArray(next) || isPlainObject(next) ? next : undefined;
}

function findContainer(root: Container, self: RootSelf, parsed: ParsedPath | null): Container | undefined {
  if (parsed === null) return undefined;
  const parents = parsed.parents;
  let c: Container | undefined = root;
  let i = 0;
  if (parsed.viaSelf) {
    if (self === null) return undefined;
    c = self;
    i = 1;
  }
  for (; i < parents.length; i++) {
    c = child(c, parents[i]);
    if (c === undefined) return undefined;
  }
  return c;
}

const invalidIndex = (text: string) => `Unable to access invalid index: ${text}: invalid index referenced`;

function add(doc: Container, self: RootSelf, op: PatchOperation): void {
  const parsed = parsePath(op.path);
  const c = findContainer(doc, self, parsed);
  if (c === undefined || parsed === null)
    throw new JsonPatchApplyError(
      `add operation does not apply: doc is missing path: "${op.path}": missing value`,
    );
  const key = parsed.key;
  if (!Array.isArray(c)) {
    setOwn(c, key, op.value);
    return;
  }
  if (key === '-') {
    c.push(op.value);
    return;
  }
  const fail = (why: string) => new JsonPatchApplyError(`error in add for path: '${op.path}': ${why}`);
  const i = atoi(key);
  if (!i.ok) throw fail(`value was not a proper array index: '${key}': ${i.error}`);
  const size = c.length + 1;
  let idx = i.value;
  if (idx >= size) throw fail(invalidIndex(i.text));
  if (idx < 0) {
    if (idx < -size) throw fail(invalidIndex(i.text));
    idx += size;
  }
  c.splice(idx, 0, op.value);
}

function replace(doc: Container, self: RootSelf, op: PatchOperation): void {
  const parsed = parsePath(op.path);
  const c = findContainer(doc, self, parsed);
  if (c === undefined || parsed === null)
    throw new JsonPatchApplyError(
      `replace operation does not apply: doc is missing path: ${op.path}: missing value`,
    );
  const key = parsed.key;
  const missingKey = () =>
    new JsonPatchApplyError(
      `replace operation does not apply: doc is missing key: ${op.path}: missing value`,
    );
  if (!Array.isArray(c)) {
    if (key !== '' && !Object.hasOwn(c, key)) throw missingKey();
    setOwn(c, key, op.value);
    return;
  }
  // partialArray.get("") finds the array itself; the set that follows then fails to parse ""
  const i = atoi(key);
  if (!i.ok) {
    if (key === '') throw new JsonPatchApplyError(`error in remove for path: '${op.path}': ${i.error}`);
    throw missingKey();
  }
  let idx = i.value;
  if (idx < 0) {
    if (idx < -c.length) throw missingKey();
    idx += c.length;
  }
  if (idx >= c.length) throw missingKey();
  c[idx] = op.value;
}

function remove(doc: Container, self: RootSelf, op: PatchOperation): void {
  const parsed = parsePath(op.path);
  const c = findContainer(doc, self, parsed);
  if (c === undefined || parsed === null)
    throw new JsonPatchApplyError(
      `remove operation does not apply: doc is missing path: "${op.path}": missing value`,
    );
  const key = parsed.key;
  const fail = (why: string) => new JsonPatchApplyError(`error in remove for path: '${op.path}': ${why}`);
  if (!Array.isArray(c)) {
    if (!Object.hasOwn(c, key)) throw fail(`unable to remove nonexistent key: ${key}: missing value`);
    delete c[key];
    return;
  }
  const i = atoi(key);
  if (!i.ok) throw fail(i.error);
  let idx = i.value;
  if (idx >= c.length) throw fail(invalidIndex(i.text));
  if (idx < 0) {
    if (idx < -c.length) throw fail(invalidIndex(i.text));
    idx += c.length;
  }
  c.splice(idx, 1);
}

/** Whether `findObject` walks this path through the root's `self`: its second segment is empty. */
function throughSelf(path: string): boolean {
  const slash = path.indexOf('/');
  return slash !== -1 && path.charCodeAt(slash + 1) === 47;
}

/**
 * Applies the operations to `doc` in place, in order, and returns the document: `doc`, or the
 * value of an `add` / `replace` at the root path `""`, which replaces the whole document (an
 * object or an array; evanphx fails on anything else, with a decoding error clustermint words
 * more plainly). A failing operation throws JsonPatchApplyError; the operations before it stay
 * applied (callers that need all-or-nothing apply to a copy). Values are inserted as they are:
 * copy them first if they are shared. One call is one evanphx `Apply`: the root's `self` (see
 * RootSelf) lasts for the call.
 */
export function applyPatchOperations(
  doc: PlainObject,
  ops: readonly PatchOperation[],
): PlainObject | unknown[] {
  // The root's `self` is copied only when a later operation walks through it
  let lastSelfUse = -1;
  for (let i = 0; i < ops.length; i++) if (throughSelf(ops[i].path)) lastSelfUse = i;
  let root: Container = doc;
  let self: RootSelf = lastSelfUse !== -1 ? cloneTree(doc) : null;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if ((op.op === 'add' || op.op === 'replace') && op.path === '') {
      const value = op.value;
      if (!isPlainObject(value) && !Array.isArray(value))
        throw new JsonPatchApplyError(`${op.op} operation value must be object or array`);
      root = value;
      self = op.op === 'add' && lastSelfUse > i ? cloneTree(value) : null;
      continue;
    }
    if (op.op === 'add') add(root, self, op);
    else if (op.op === 'replace') replace(root, self, op);
    else if (op.op === 'remove') remove(root, self, op);
    else throw new JsonPatchApplyError(`Unexpected kind: ${op.op}`);
  }
  return root;
}
