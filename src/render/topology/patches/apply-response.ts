/**
 * Applying a patch's response to the request items (`applyPatchesToRequest` of Cluster API's
 * patch engine): each item's JSON patch on its template, of which only `spec`,
 * `metadata.labels` and `metadata.annotations` are kept.
 */
import { cloneTree, isPlainObject, type PlainObject, setOwn } from '../../../util/plain-object.js';
import { applyPatchOperations, JsonPatchApplyError } from '../json-patch.js';
import type { JsonPatchOperation } from '../types.js';
import type { EngineItem } from './items.js';

/** Paths whose changes are kept: a patch touching only these can be applied in place. */
const KEPT_PREFIX = /^\/(spec(\/|$)|metadata\/(labels|annotations)(\/|$))/;

/**
 * Applies the operations to `doc` (in place when every path is kept anyway, else to a copy) and
 * returns the result. Values are copied in: a variable's value must not be shared between
 * templates, or a later patch on one would change the others.
 */
export function applyJsonPatch(doc: PlainObject, ops: readonly JsonPatchOperation[]): PlainObject {
  let inPlace = true;
  for (const op of ops) if (!KEPT_PREFIX.test(op.path)) inPlace = false;
  const target = inPlace ? doc : cloneTree(doc);
  // Go marshals a missing value as null
  const copied = ops.map((op) =>
    op.op === 'remove'
      ? op
      : { op: op.op, path: op.path, value: op.value === undefined ? null : cloneTree(op.value) },
  );
  let root: unknown;
  try {
    root = applyPatchOperations(target, copied);
  } catch (e) {
    if (!(e instanceof JsonPatchApplyError)) throw e;
    throw new Error(`failed to apply patch: error applying json patch (RFC6902): ${e.message}`);
  }
  // a patch that replaced the whole template with something else leaves no spec or metadata
  return isPlainObject(root) ? root : {};
}

/**
 * `original` with the patched `spec`, `metadata.labels` and `metadata.annotations` (a field the
 * patch removed is gone), every other field as it was. Built anew, in `original`'s key order.
 */
function withKeptFields(original: PlainObject, patched: PlainObject): PlainObject {
  const meta = isPlainObject(original.metadata) ? original.metadata : {};
  const pmeta = isPlainObject(patched.metadata) ? patched.metadata : {};
  const nextMeta = replacing(meta, pmeta, META_KEPT);
  const next = replacing(original, patched, SPEC_KEPT);
  next.metadata = nextMeta;
  return next;
}

const SPEC_KEPT = ['spec'] as const;
const META_KEPT = ['labels', 'annotations'] as const;

/** A copy of `base` whose `keys` come from `from` (dropped when `from` has none, appended when new). */
function replacing(base: PlainObject, from: PlainObject, keys: readonly string[]): PlainObject {
  const out: PlainObject = {};
  for (const k of Object.keys(base)) {
    if (!keys.includes(k)) setOwn(out, k, base[k]);
    else if (from[k] !== undefined) setOwn(out, k, from[k]);
  }
  for (const k of keys) if (!Object.hasOwn(base, k) && from[k] !== undefined) setOwn(out, k, from[k]);
  return out;
}

/** Applies an item's operations to its template; throws with the item's kind and name. */
export function applyToItem(item: EngineItem, ops: readonly JsonPatchOperation[]): void {
  const patched = applyJsonPatch(item.object, ops);
  // applied to a copy (a path outside what is kept): keep only spec, labels and annotations
  if (patched !== item.object) item.object = withKeptFields(item.object, patched);
}
