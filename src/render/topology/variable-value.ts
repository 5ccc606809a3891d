/**
 * `valueFrom.variable` path resolution, as Cluster API's `GetVariableValue`: `name`,
 * `name[0]`, `name.key`, `name.key[1].leaf`. Error texts follow upstream; one deliberate
 * difference: an out-of-bounds index prints the index (upstream prints a pointer address).
 */

import { BoundedCache } from '../../util/bounded-cache.js';
import { hasOwn, isPlainObject } from '../../util/plain-object.js';

export type Variables = Record<string, unknown>;

/** A variable that does not exist, as opposed to a malformed path (upstream `IsNotFoundError`). */
export class VariableNotFoundError extends Error {}

interface Segment {
  path: string;
  index?: number;
}

const quote = (s: string) => JSON.stringify(s);

/** Go's strconv.Atoi, which also takes a sign and leading zeros. */
function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number.parseInt(s, 10) : undefined;
}

function parseSegment(segment: string): Segment {
  const l = segment.indexOf('[');
  const r = segment.indexOf(']');
  if (l >= 0 !== r >= 0) throw new Error(`failed to parse path segment ${quote(segment)}`);
  if (l < 0) return { path: segment };
  const text = segment.slice(l + 1, r);
  const index = atoi(text);
  if (index === undefined)
    throw new Error(
      `failed to parse array index in path segment ${quote(segment)}: strconv.Atoi: parsing ${quote(text)}: invalid syntax`,
    );
  if (index < 0) throw new Error(`invalid array index ${index} in path segment ${quote(segment)}`);
  return { path: segment.slice(0, l), index };
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isPlainObject(v)) return 'object';
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : typeof v;
}

function element(v: unknown, seg: Segment, full: string): unknown {
  if (!Array.isArray(v))
    throw new Error(
      `variable ${quote(full)} is invalid: failed to get array ${quote(seg.path)}: value doesn't contain array; it contains ${jsonKind(v)}`,
    );
  if (v.length < (seg.index as number) + 1)
    throw new Error(`variable ${quote(full)} is invalid: array does not have index ${seg.index}`);
  return v[seg.index as number];
}

// Paths whose every segment parses, split once: a class's paths are read for every item and render.
const parsedPaths = new BoundedCache<string, Segment[]>(2000);

function wellFormed(path: string): Segment[] | undefined {
  const known = parsedPaths.get(path);
  if (known) return known;
  try {
    const segments = path.split('.').map(parseSegment);
    parsedPaths.set(path, segments);
    return segments;
  } catch {
    return undefined;
  }
}

/** The value at `path` among `variables`; throws VariableNotFoundError or Error with upstream wording. */
export function getVariableValue(variables: Variables, path: string): unknown {
  const segments = wellFormed(path);
  if (segments) {
    let value: unknown = variables;
    for (const seg of segments) {
      if (!isPlainObject(value) || !hasOwn(value, seg.path)) return lookupWithErrors(variables, path);
      value = value[seg.path];
      if (seg.index !== undefined) {
        if (!Array.isArray(value) || value.length <= seg.index) return lookupWithErrors(variables, path);
        value = value[seg.index];
      }
    }
    return value;
  }
  return lookupWithErrors(variables, path);
}

/** The step-by-step lookup, which finds the first problem in upstream's order and words it. */
function lookupWithErrors(variables: Variables, path: string): unknown {
  const [name, ...rest] = path.split('.');
  let first: Segment;
  try {
    first = parseSegment(name);
  } catch (e) {
    throw new Error(`variable ${quote(path)} is invalid: ${(e as Error).message}`);
  }
  if (!hasOwn(variables, first.path))
    throw new VariableNotFoundError(`variable ${quote(name)} does not exist`);
  let value = variables[first.path];
  if (first.index !== undefined) value = element(value, first, path);
  for (const p of rest) {
    let seg: Segment;
    try {
      seg = parseSegment(p);
    } catch (e) {
      throw new Error(`variable ${quote(path)} has invalid syntax: ${(e as Error).message}`);
    }
    if (!isPlainObject(value) || !hasOwn(value, seg.path))
      throw new VariableNotFoundError(
        `variable ${quote(path)} does not exist: failed to lookup segment ${quote(seg.path)}`,
      );
    value = value[seg.path];
    if (seg.index !== undefined) value = element(value, seg, path);
  }
  return value;
}

/** The root variable name of a path (`a.b[0]` -> `a`), as the ClusterClass webhook checks it. */
export function variableRootName(path: string): string {
  const cut = path.search(/[.[]/);
  return cut < 0 ? path : path.slice(0, cut);
}
