/**
 * `updateDesiredState` of Cluster API's patch engine: what a patched template gives back to
 * its desired object. Only `spec`, `metadata.labels` and `metadata.annotations` are copied
 * (`patchObject` / `patchTemplate`), and the fields the topology controller owns are restored.
 */

import {
  ANNOTATION_CLONED_FROM_GROUPKIND,
  ANNOTATION_CLONED_FROM_NAME,
  LABEL_CLUSTER_NAME,
  LABEL_TOPOLOGY_DEPLOYMENT_NAME,
  LABEL_TOPOLOGY_OWNED,
  LABEL_TOPOLOGY_POOL_NAME,
} from '../../../domain/labels.js';
import { isPlainObject, type PlainObject } from '../../../util/plain-object.js';
import { setPath } from '../desired/templates.js';
import type { EngineItem, FieldMapping, FieldPath } from './items.js';

export const ALWAYS_PRESERVE: readonly FieldPath[] = [
  ['metadata', 'labels', LABEL_CLUSTER_NAME],
  ['metadata', 'labels', LABEL_TOPOLOGY_OWNED],
  ['metadata', 'labels', LABEL_TOPOLOGY_DEPLOYMENT_NAME],
  ['metadata', 'labels', LABEL_TOPOLOGY_POOL_NAME],
  ['metadata', 'annotations', ANNOTATION_CLONED_FROM_NAME],
  ['metadata', 'annotations', ANNOTATION_CLONED_FROM_GROUPKIND],
];

export const CONTROL_PLANE_PRESERVE: readonly FieldPath[] = [
  ['spec', 'machineTemplate', 'metadata'],
  ['spec', 'machineTemplate', 'readinessGates'],
  ['spec', 'machineTemplate', 'spec', 'readinessGates'],
  ['spec', 'machineTemplate', 'taints'],
  ['spec', 'machineTemplate', 'spec', 'taints'],
  ['spec', 'machineTemplate', 'infrastructureRef'],
  ['spec', 'machineTemplate', 'spec', 'infrastructureRef'],
  ['spec', 'machineTemplate', 'nodeDrainTimeout'],
  ['spec', 'machineTemplate', 'nodeVolumeDetachTimeout'],
  ['spec', 'machineTemplate', 'nodeDeletionTimeout'],
  ['spec', 'machineTemplate', 'spec', 'deletion', 'nodeDrainTimeoutSeconds'],
  ['spec', 'machineTemplate', 'spec', 'deletion', 'nodeVolumeDetachTimeoutSeconds'],
  ['spec', 'machineTemplate', 'spec', 'deletion', 'nodeDeletionTimeoutSeconds'],
  ['spec', 'replicas'],
  ['spec', 'version'],
  ['spec', 'rollout', 'after'],
  ...ALWAYS_PRESERVE,
];

/** The fields `patchObject` copies: an object's template gives its spec, labels and annotations. */
export const OBJECT_FIELDS: readonly FieldMapping[] = [
  [['spec', 'template', 'spec'], ['spec']],
  [
    ['spec', 'template', 'metadata', 'labels'],
    ['metadata', 'labels'],
  ],
  [
    ['spec', 'template', 'metadata', 'annotations'],
    ['metadata', 'annotations'],
  ],
];

/** The fields `patchTemplate` copies: a template keeps its shape. */
export const TEMPLATE_FIELDS: readonly FieldMapping[] = [
  [
    ['metadata', 'labels'],
    ['metadata', 'labels'],
  ],
  [
    ['metadata', 'annotations'],
    ['metadata', 'annotations'],
  ],
  [
    ['spec', 'template', 'spec'],
    ['spec', 'template', 'spec'],
  ],
  [
    ['spec', 'template', 'metadata', 'labels'],
    ['spec', 'template', 'metadata', 'labels'],
  ],
  [
    ['spec', 'template', 'metadata', 'annotations'],
    ['spec', 'template', 'metadata', 'annotations'],
  ],
];

export const fieldsOf = (item: EngineItem): readonly FieldMapping[] =>
  item.shape === 'object' ? OBJECT_FIELDS : TEMPLATE_FIELDS;

function getPath(obj: unknown, path: FieldPath): { found: boolean; value?: unknown } {
  let cur = obj;
  for (const p of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, p)) return { found: false };
    cur = cur[p];
  }
  return { found: true, value: cur };
}

/**
 * `CopyFields`: copy src fields into dest, then restore dest's preserved fields. Nothing is
 * copied: `src` is the engine's own patched copy, used once, and a preserved value is detached
 * from dest before it is put back.
 */
function copyFields(
  dest: PlainObject,
  src: PlainObject,
  fields: readonly FieldMapping[],
  preserve: readonly FieldPath[],
): void {
  const kept: Array<[FieldPath, unknown]> = [];
  for (const p of preserve) {
    const g = getPath(dest, p);
    if (g.found) kept.push([p, g.value]);
  }
  for (const [s, d] of fields) {
    const g = getPath(src, s);
    if (g.found) setPath(dest, d, g.value);
  }
  for (const [p, v] of kept) setPath(dest, p, v);
}

/** Copies every patched template back into its desired object. */
export function updateDesiredState(items: readonly EngineItem[]): void {
  for (const item of items) copyFields(item.target, item.object, fieldsOf(item), item.preserve);
}
