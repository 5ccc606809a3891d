/**
 * RFC 6902 JSON Patch (`add`, `replace`, `remove`) as evanphx/json-patch v5 applies it: the
 * library Cluster API's patch engine uses, with its default options. Written here rather than
 * taken from fast-json-patch because the two differ where a ClusterClass can tell: evanphx takes
 * negative array indices (`-1` is the last element, and `add` at `-1` appends), reads an empty
 * segment as "this container", ignores whatever precedes the first `/`, and words its errors
 * its own way, which `render` prints. Paths are split once per text (a class's paths are applied
 * for every item of every render), and a patch is checked on the way down, not with a copy.
 *
 * tools/jsonpatch-ref runs the real library; test/topology/json-patch-differential.test.ts
 * compares the two on every case.
 */
import { isPlainObject, type PlainObject, setOwn } from '../../util/plain-object.js';

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
    return { ok: false, error: `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax` };
  const big = BigInt(s.startsWith('+') ? s.slice(1) : s);
  if (big > INT64_MAX || big < INT64_MIN)
    return { ok: false, error: `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range` };
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
}

const parsedPaths = new Map<string, ParsedPath | null>();

/** `findObject`'s split; null for a path with no `/` (evanphx finds no container for it). */
function parsePath(path: string): ParsedPath | null {
  let parsed = parsedPaths.get(path);
  if (parsed !== undefined) return parsed;
  const split = path.split('/');
  if (path === '') parsed = { parents: [], key: '' };
  else if (split.length < 2) parsed = null;
  else parsed = { parents: split.slice(1, -1).map(decodeKey), key: decodeKey(split[split.length - 1]) };
  if (parsedPaths.size >= 4000) parsedPaths.clear();
  parsedPaths.set(path, parsed);
  return parsed;
}

type Container = PlainObject | unknown[];

/** `container.get` for walking: the child container, or undefined where evanphx finds none. */
function child(c: Container, key: string): Container | undefined {
  if (key === '') return c; // partialDoc.get("") and partialArray.get("") return the container itself
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

function findContainer(doc: Container, parsed: ParsedPath | null): Container | undefined {
  if (parsed === null) return undefined;
  let c: Container | undefined = doc;
  for (const part of parsed.parents) {
    c = child(c, part);
    if (c === undefined) return undefined;
  }
  return c;
}

const invalidIndex = (text: string) => `Unable to access invalid index: ${text}: invalid index referenced`;

function add(doc: Container, op: PatchOperation): void {
  const parsed = parsePath(op.path);
  const c = findContainer(doc, parsed);
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

function replace(doc: Container, op: PatchOperation): void {
  const parsed = parsePath(op.path);
  const c = findContainer(doc, parsed);
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

function remove(doc: Container, op: PatchOperation): void {
  const parsed = parsePath(op.path);
  const c = findContainer(doc, parsed);
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

/**
 * Applies the operations to `doc` in place, in order, and returns the document: `doc`, or the
 * value of an `add` / `replace` at the root path `""`, which replaces the whole document (an
 * object or an array; evanphx fails on anything else, with a decoding error clustermint words
 * more plainly). A failing operation throws JsonPatchApplyError; the operations before it stay
 * applied (callers that need all-or-nothing apply to a copy). Values are inserted as they are:
 * copy them first if they are shared.
 */
export function applyPatchOperations(
  doc: PlainObject,
  ops: readonly PatchOperation[],
): PlainObject | unknown[] {
  let root: PlainObject | unknown[] = doc;
  for (const op of ops) {
    if ((op.op === 'add' || op.op === 'replace') && op.path === '') {
      if (!isPlainObject(op.value) && !Array.isArray(op.value))
        throw new JsonPatchApplyError(`${op.op} operation value must be object or array`);
      root = op.value;
      continue;
    }
    if (op.op === 'add') add(root, op);
    else if (op.op === 'replace') replace(root, op);
    else if (op.op === 'remove') remove(root, op);
    else throw new JsonPatchApplyError(`Unexpected kind: ${op.op}`);
  }
  return root;
}
