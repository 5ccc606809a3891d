/** Reading rendered objects defensively: they passed their schema, but plugins may get others. */

import type { RenderedObject } from '../k8s/object.js';
import { emptyMap } from '../util/plain-object.js';
import type { ObjectRef } from './contract.js';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The API group of an apiVersion (`infrastructure.cluster.x-k8s.io/v1beta2` -> its group; `v1` -> ''). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function refOf(obj: RenderedObject | ObjectRef): ObjectRef {
  if ('metadata' in obj && isRecord(obj.metadata)) {
    return {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
    };
  }
  return obj as ObjectRef;
}

export function refGroup(ref: ObjectRef): string {
  if (ref.apiGroup !== undefined) return ref.apiGroup;
  return ref.apiVersion ? groupOf(ref.apiVersion) : '';
}

/** `infrastructure.cluster.x-k8s.io/v1beta2 AWSCluster`, or with the group only when that is all a ref has. */
export function describeRef(ref: ObjectRef): string {
  const gv = ref.apiVersion ?? ref.apiGroup ?? '';
  return gv ? `${gv} ${ref.kind}` : ref.kind;
}

/** The value at a path of plain objects, or undefined. */
export function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (!isRecord(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

export function stringAt(obj: unknown, ...path: string[]): string | undefined {
  const v = at(obj, ...path);
  return typeof v === 'string' ? v : undefined;
}

export function numberAt(obj: unknown, ...path: string[]): number | undefined {
  const v = at(obj, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function stringsAt(obj: unknown, ...path: string[]): string[] | undefined {
  const v = at(obj, ...path);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

export function annotationsOf(obj: RenderedObject): Record<string, string> {
  const a = obj.metadata?.annotations;
  const out = emptyMap() as Record<string, string>;
  if (isRecord(a)) for (const [k, v] of Object.entries(a)) if (typeof v === 'string') out[k] = v;
  return out;
}
