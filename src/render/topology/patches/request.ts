/**
 * `createRequest` of Cluster API's patch engine: one request item per template of the desired
 * state, each a copy of the class's template with the desired object's labels and annotations,
 * and a holder saying which object references it. Items are kept by role (`PatchItems`), and
 * in request order for the generator.
 */

import { ANNOTATION_CONVERSION_DATA, ANNOTATION_LAST_APPLIED } from '../../../domain/labels.js';
import {
  cloneTree,
  isEmptyObject,
  isPlainObject,
  type PlainObject,
  withoutKeys,
} from '../../../util/plain-object.js';
import { CAPI_V1BETA2 } from '../convert.js';
import type { Blueprint, DesiredState, WorkerBlueprint } from '../desired-state.js';
import { CP_MACHINE_TEMPLATE_REF_V1BETA1, CP_MACHINE_TEMPLATE_REF_V1BETA2 } from '../json-patch-generator.js';
import type {
  HolderReference,
  ProviderTemplate,
  TopologyObject,
  WorkerClass,
  WorkerTopology,
} from '../types.js';
import type { EngineItem, FieldPath, PatchItems, WorkerItems } from './items.js';
import { ALWAYS_PRESERVE, CONTROL_PLANE_PRESERVE } from './update-desired-state.js';

/** What the request reads of a desired MachineDeployment or MachinePool. */
interface WorkerState {
  topologyName: string;
  topology: WorkerTopology;
  object: TopologyObject;
}

export class PatchEngineError extends Error {
  /** The patch at fault, as a ClusterClass field path (`spec.patches[2]`), when one is. */
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Annotations never sent to a patch (`cleanupUnstructured`), nor seen in builtins. */
const NEVER_SENT: ReadonlySet<string> = new Set([ANNOTATION_LAST_APPLIED, ANNOTATION_CONVERSION_DATA]);

export function cleanAnnotations(a: unknown): PlainObject | undefined {
  return isPlainObject(a) ? withoutKeys(a, NEVER_SENT) : undefined;
}

const ANNOTATIONS: ReadonlySet<string> = new Set(['annotations']);

// The class's templates are provider objects no schema checked: read with coercion.
const asObject = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});

/** A request item's template: the class template with the desired object's labels/annotations synced in. */
function syncedTemplate(
  template: ProviderTemplate,
  desired: TopologyObject,
  into: 'template' | 'metadata',
): PlainObject {
  const t: PlainObject = cloneTree(template);
  const dm = desired.metadata;
  let target: PlainObject;
  if (into === 'metadata') {
    target = asObject(t.metadata);
    t.metadata = target;
  } else {
    const spec = asObject(t.spec);
    const tpl = asObject(spec.template);
    target = asObject(tpl.metadata);
    tpl.metadata = target;
    spec.template = tpl;
    t.spec = spec;
  }
  if (dm.labels !== undefined) target.labels = cloneTree(dm.labels);
  if (dm.annotations !== undefined) target.annotations = cloneTree(dm.annotations);
  // cleanupUnstructured: last-applied and conversion data are never sent; an empty map is dropped
  const tm = asObject(t.metadata);
  const ann = cleanAnnotations(tm.annotations);
  if (ann) {
    if (!isEmptyObject(ann)) tm.annotations = ann;
    else t.metadata = withoutKeys(tm, ANNOTATIONS);
  }
  return t;
}

function holder(obj: TopologyObject, kind: string, apiVersion: string, fieldPath: string): HolderReference {
  return {
    apiVersion,
    kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace ?? '',
    fieldPath,
  };
}

/** Builds the request's items from the blueprint and the desired state. */
export function createRequest(bp: Blueprint, desired: DesiredState): PatchItems {
  const all: EngineItem[] = [];
  // one object shape for every item (a spread here made V8 treat them as many)
  const item = (
    holderRef: HolderReference,
    object: PlainObject,
    target: TopologyObject,
    shape: EngineItem['shape'],
    preserve: readonly FieldPath[],
  ): EngineItem => {
    const it: EngineItem = {
      uid: String(all.length + 1),
      holder: holderRef,
      object,
      variables: {},
      merged: undefined,
      target,
      shape,
      preserve,
    };
    all.push(it);
    return it;
  };
  const { cluster, controlPlane } = desired;
  const infrastructureCluster = item(
    holder(cluster, 'Cluster', CAPI_V1BETA2, 'spec.infrastructureRef'),
    syncedTemplate(bp.infrastructureClusterTemplate, desired.infrastructureCluster, 'template'),
    desired.infrastructureCluster,
    'object',
    ALWAYS_PRESERVE,
  );
  const cp = controlPlane.object;
  const controlPlaneItem = item(
    holder(cluster, 'Cluster', CAPI_V1BETA2, 'spec.controlPlaneRef'),
    syncedTemplate(bp.controlPlaneTemplate, cp, 'template'),
    cp,
    'object',
    CONTROL_PLANE_PRESERVE,
  );
  let cpMachineTemplate: EngineItem | undefined;
  if (bp.controlPlaneInfrastructureMachineTemplate && controlPlane.infrastructureMachineTemplate) {
    const fieldPath =
      controlPlane.contractVersion === 'v1beta1'
        ? CP_MACHINE_TEMPLATE_REF_V1BETA1
        : CP_MACHINE_TEMPLATE_REF_V1BETA2;
    cpMachineTemplate = item(
      holder(cp, cp.kind, cp.apiVersion, fieldPath),
      syncedTemplate(
        bp.controlPlaneInfrastructureMachineTemplate,
        controlPlane.infrastructureMachineTemplate,
        'metadata',
      ),
      controlPlane.infrastructureMachineTemplate,
      'template',
      ALWAYS_PRESERVE,
    );
  }

  // MachineDeployments patch per-cluster template copies; MachinePools patch objects
  const workerItems = <S extends WorkerState>(
    kind: 'MachineDeployment' | 'MachinePool',
    workers: readonly S[],
    blueprints: ReadonlyMap<string, WorkerBlueprint<WorkerClass>>,
    targetsOf: (worker: S) => { bootstrap: TopologyObject; infrastructure: TopologyObject },
  ): Map<string, WorkerItems> => {
    const shape = kind === 'MachineDeployment' ? 'template' : 'object';
    const sync = shape === 'template' ? 'metadata' : 'template';
    const byName = new Map<string, WorkerItems>();
    for (const worker of workers) {
      const blueprint = blueprints.get(worker.topology.class);
      if (!blueprint)
        throw new PatchEngineError(
          `failed to lookup ${kind} class ${JSON.stringify(worker.topology.class)} in ClusterClass`,
        );
      const targets = targetsOf(worker);
      byName.set(worker.topologyName, {
        bootstrap: item(
          holder(worker.object, kind, CAPI_V1BETA2, 'spec.template.spec.bootstrap.configRef'),
          syncedTemplate(blueprint.bootstrapTemplate, targets.bootstrap, sync),
          targets.bootstrap,
          shape,
          ALWAYS_PRESERVE,
        ),
        infrastructure: item(
          holder(worker.object, kind, CAPI_V1BETA2, 'spec.template.spec.infrastructureRef'),
          syncedTemplate(blueprint.infrastructureTemplate, targets.infrastructure, sync),
          targets.infrastructure,
          shape,
          ALWAYS_PRESERVE,
        ),
      });
    }
    return byName;
  };
  const machineDeployments = workerItems(
    'MachineDeployment',
    desired.machineDeployments,
    bp.machineDeployments,
    (md) => ({ bootstrap: md.bootstrapTemplate, infrastructure: md.infrastructureMachineTemplate }),
  );
  const machinePools = workerItems('MachinePool', desired.machinePools, bp.machinePools, (mp) => ({
    bootstrap: mp.bootstrapObject,
    infrastructure: mp.infrastructureMachinePoolObject,
  }));
  return {
    infrastructureCluster,
    controlPlane: controlPlaneItem,
    controlPlaneInfrastructureMachineTemplate: cpMachineTemplate,
    machineDeployments,
    machinePools,
    all,
  };
}
