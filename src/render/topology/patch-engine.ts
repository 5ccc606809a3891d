/**
 * The ClusterClass patch engine (`core/reconcilers/topology/cluster/patches/engine.go`): one
 * request item per template, patches applied in array order and cumulatively, then only
 * `spec`, `metadata.labels` and `metadata.annotations` copied back into the desired objects with
 * the fields the topology controller owns preserved. Every operation is traced, so `--explain`
 * can say which patch set which path of which object, and which changes were dropped.
 */
import {
  cloneTree,
  emptyMap,
  isEmptyObject,
  isPlainObject,
  type PlainObject,
  setOwn,
  withoutKeys,
} from '../../util/plain-object.js';
import { CAPI_V1BETA2 } from './convert.js';
import {
  ANNOTATION_CLONED_FROM_GROUPKIND,
  ANNOTATION_CLONED_FROM_NAME,
  ANNOTATION_LAST_APPLIED,
  type Blueprint,
  type DesiredState,
  LABEL_CLUSTER_NAME,
  LABEL_DEPLOYMENT_NAME,
  LABEL_POOL_NAME,
  LABEL_TOPOLOGY_OWNED,
  setPath,
} from './desired-state.js';
import { applyPatchOperations, JsonPatchApplyError } from './json-patch.js';
import {
  type ClassPatch,
  CP_MACHINE_TEMPLATE_REF_V1BETA1,
  CP_MACHINE_TEMPLATE_REF_V1BETA2,
  generateInlinePatch,
  type JsonPatchOperation,
  mergeVariableMaps,
  type PatchRequest,
  type RequestItem,
} from './json-patch-generator.js';
import type { Variables } from './variable-value.js';

const ANNOTATION_CONVERSION_DATA = 'cluster.x-k8s.io/conversion-data';

export interface VariableDefinitionFrom {
  name: string;
  from: string;
}

export interface TraceEntry {
  patch: string;
  definition: number;
  jsonPatch: number;
  op: string;
  /** The path in the template the patch addressed. */
  path: string;
  value?: unknown;
  /** The desired object the template belongs to. */
  target: { apiVersion: string; kind: string; name: string };
  /** Where the change lands in the object (JSON pointer), when it is copied back. */
  objectPath?: string;
  /** applied; discarded (outside what is copied back); preserved (a field the topology owns). */
  outcome: 'applied' | 'discarded' | 'preserved';
  reason?: string;
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

const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const clone = <T>(v: T): T => cloneTree(v);

const NEVER_SENT: ReadonlySet<string> = new Set([ANNOTATION_LAST_APPLIED, ANNOTATION_CONVERSION_DATA]);

function cleanAnnotations(a: unknown): PlainObject | undefined {
  return isPlainObject(a) ? withoutKeys(a, NEVER_SENT) : undefined;
}

function metadataBuiltin(meta: PlainObject): PlainObject | undefined {
  if (meta.labels === undefined && meta.annotations === undefined) return undefined;
  const out: PlainObject = {};
  if (isPlainObject(meta.labels) && !isEmptyObject(meta.labels)) out.labels = meta.labels;
  const ann = cleanAnnotations(meta.annotations);
  if (ann && !isEmptyObject(ann)) out.annotations = ann;
  return out;
}

const withoutUndefined = (obj: PlainObject): PlainObject => withoutKeys(obj);

/** `builtin.cluster` (variables.Global), from the desired Cluster. */
export function clusterBuiltin(cluster: PlainObject): PlainObject {
  const meta = o(cluster.metadata);
  const spec = o(cluster.spec);
  const topology = o(spec.topology);
  const classRef = o(topology.classRef);
  const namespace = str(meta.namespace);
  const classNamespace = str(classRef.namespace) || namespace;
  const net = o(spec.clusterNetwork);
  const network = withoutUndefined({
    serviceDomain: str(net.serviceDomain) || undefined,
    services: Array.isArray(o(net.services).cidrBlocks) ? o(net.services).cidrBlocks : undefined,
    pods: Array.isArray(o(net.pods).cidrBlocks) ? o(net.pods).cidrBlocks : undefined,
  });
  return withoutUndefined({
    name: meta.name,
    namespace,
    uid: str(meta.uid) || undefined,
    metadata: metadataBuiltin(meta),
    topology: withoutUndefined({
      version: str(topology.version) || undefined,
      classRef: { name: str(classRef.name), namespace: classNamespace },
      class: str(classRef.name) || undefined,
      classNamespace: classNamespace || undefined,
    }),
    network: Object.keys(network).length ? network : undefined,
  });
}

function overrides(topologyPart: PlainObject, defs: Set<string>): Variables {
  const out: Variables = emptyMap();
  for (const v of Array.isArray(o(topologyPart.variables).overrides)
    ? (o(topologyPart.variables).overrides as unknown[])
    : []) {
    const name = str(o(v).name);
    if (defs.has(name)) setOwn(out, name, o(v).value);
  }
  return out;
}

/** A request item's template: the class template with the desired object's labels/annotations synced in. */
function syncedTemplate(
  template: PlainObject,
  desired: PlainObject,
  into: 'template' | 'metadata',
): PlainObject {
  const t = clone(template);
  const dm = o(desired.metadata);
  const target =
    into === 'metadata'
      ? o(t.metadata)
      : (() => {
          const spec = o(t.spec);
          const tpl = o(spec.template);
          const m = o(tpl.metadata);
          tpl.metadata = m;
          spec.template = tpl;
          t.spec = spec;
          return m;
        })();
  if (into === 'metadata') t.metadata = target;
  if (dm.labels !== undefined) target.labels = clone(dm.labels);
  if (dm.annotations !== undefined) target.annotations = clone(dm.annotations);
  // cleanupUnstructured: last-applied and conversion data are never sent; an empty map is dropped
  const tm = o(t.metadata);
  const ann = cleanAnnotations(tm.annotations);
  if (ann) {
    if (!isEmptyObject(ann)) tm.annotations = ann;
    else t.metadata = withoutKeys(tm, ANNOTATIONS);
  }
  return t;
}

interface EngineItem extends RequestItem {
  target: PlainObject;
  /** objects copy spec.template.spec -> spec; templates keep their shape. */
  shape: 'object' | 'template';
  preserve: string[][];
}

const ANNOTATIONS: ReadonlySet<string> = new Set(['annotations']);

const ALWAYS_PRESERVE: string[][] = [
  ['metadata', 'labels', LABEL_CLUSTER_NAME],
  ['metadata', 'labels', LABEL_TOPOLOGY_OWNED],
  ['metadata', 'labels', LABEL_DEPLOYMENT_NAME],
  ['metadata', 'labels', LABEL_POOL_NAME],
  ['metadata', 'annotations', ANNOTATION_CLONED_FROM_NAME],
  ['metadata', 'annotations', ANNOTATION_CLONED_FROM_GROUPKIND],
];

const CONTROL_PLANE_PRESERVE: string[][] = [
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

/** Template path -> object path, for the fields patchObject / patchTemplate copy. */
const OBJECT_FIELDS: Array<[string[], string[]]> = [
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
const TEMPLATE_FIELDS: Array<[string[], string[]]> = [
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

const pointerSegments = (p: string): string[] =>
  p === ''
    ? []
    : p
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
const toPointer = (segs: string[]): string =>
  segs.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
const startsWith = (a: string[], prefix: string[]) =>
  prefix.length <= a.length && prefix.every((p, i) => a[i] === p);

function getPath(obj: unknown, path: string[]): { found: boolean; value?: unknown } {
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
  fields: Array<[string[], string[]]>,
  preserve: string[][],
): void {
  const kept: Array<[string[], unknown]> = [];
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

function traceOutcome(item: EngineItem, path: string): Pick<TraceEntry, 'objectPath' | 'outcome' | 'reason'> {
  const segs = pointerSegments(path);
  const fields = item.shape === 'object' ? OBJECT_FIELDS : TEMPLATE_FIELDS;
  for (const [s, d] of fields) {
    if (!startsWith(segs, s)) continue;
    const objSegs = [...d, ...segs.slice(s.length)];
    const objectPath = toPointer(objSegs);
    const owner = item.preserve.find((p) => startsWith(objSegs, p) || startsWith(p, objSegs));
    if (owner)
      return {
        objectPath,
        outcome: 'preserved',
        reason: `${owner.join('.')} is set by the topology controller; the patched value is not used`,
      };
    return { objectPath, outcome: 'applied' };
  }
  const kept = fields.map(([s]) => s.join('.')).join(', ');
  return { outcome: 'discarded', reason: `only ${kept} of the template are copied to the object` };
}

/** Paths whose changes are kept: a patch touching only these can be applied in place. */
const KEPT_PREFIX = /^\/(spec(\/|$)|metadata\/(labels|annotations)(\/|$))/;

/**
 * Applies the operations to `doc` (in place when every path is kept anyway, else to a copy) and
 * returns the result. Values are copied in: a variable's value must not be shared between
 * templates, or a later patch on one would change the others.
 */
function applyJsonPatch(doc: PlainObject, ops: JsonPatchOperation[]): PlainObject {
  let inPlace = true;
  for (const op of ops) if (!KEPT_PREFIX.test(op.path)) inPlace = false;
  const target = inPlace ? doc : clone(doc);
  // Go marshals a missing value as null
  const copied = ops.map((op) =>
    op.op === 'remove'
      ? op
      : { op: op.op, path: op.path, value: op.value === undefined ? null : clone(op.value) },
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

export interface PatchEngineResult {
  trace: TraceEntry[];
}

/**
 * Applies the ClusterClass's patches to the desired state in place. `definitions` are the
 * class's variable definitions with their origin (`inline` or an external patch's name).
 */
export function applyPatches(
  bp: Blueprint,
  desired: DesiredState,
  definitions: readonly VariableDefinitionFrom[],
  options: { trace?: boolean } = {},
): PatchEngineResult {
  const patches = (
    Array.isArray(o(bp.clusterClass.spec).patches) ? o(bp.clusterClass.spec).patches : []
  ) as ClassPatch[];
  const trace: TraceEntry[] = [];
  if (patches.length === 0) return { trace };

  const cluster = desired.cluster;
  const topology = o(o(cluster.spec).topology);
  const ref = (obj: PlainObject) => ({
    apiVersion: str(obj.apiVersion),
    kind: str(obj.kind),
    name: str(o(obj.metadata).name),
  });
  const holder = (obj: PlainObject, kind: string, apiVersion: string, fieldPath: string) => ({
    apiVersion,
    kind,
    name: str(o(obj.metadata).name),
    namespace: str(o(obj.metadata).namespace),
    fieldPath,
  });

  // createRequest
  const items: EngineItem[] = [];
  let uid = 0;
  // one object shape for every item (a spread here made V8 treat them as many)
  const add = (i: Omit<EngineItem, 'uid' | 'variables' | 'merged'>) =>
    items.push({
      uid: String(++uid),
      holder: i.holder,
      object: i.object,
      variables: {},
      merged: undefined,
      target: i.target,
      shape: i.shape,
      preserve: i.preserve,
    });
  add({
    holder: holder(cluster, 'Cluster', CAPI_V1BETA2, 'spec.infrastructureRef'),
    object: syncedTemplate(bp.infrastructureClusterTemplate, desired.infrastructureCluster, 'template'),
    target: desired.infrastructureCluster,
    shape: 'object',
    preserve: ALWAYS_PRESERVE,
  });
  const cp = desired.controlPlane.object;
  add({
    holder: holder(cluster, 'Cluster', CAPI_V1BETA2, 'spec.controlPlaneRef'),
    object: syncedTemplate(bp.controlPlaneTemplate, cp, 'template'),
    target: cp,
    shape: 'object',
    preserve: CONTROL_PLANE_PRESERVE,
  });
  if (bp.controlPlaneInfrastructureMachineTemplate && desired.controlPlane.infrastructureMachineTemplate) {
    add({
      holder: holder(
        cp,
        str(cp.kind),
        str(cp.apiVersion),
        desired.controlPlane.contractVersion === 'v1beta1'
          ? CP_MACHINE_TEMPLATE_REF_V1BETA1
          : CP_MACHINE_TEMPLATE_REF_V1BETA2,
      ),
      object: syncedTemplate(
        bp.controlPlaneInfrastructureMachineTemplate,
        desired.controlPlane.infrastructureMachineTemplate,
        'metadata',
      ),
      target: desired.controlPlane.infrastructureMachineTemplate,
      shape: 'template',
      preserve: ALWAYS_PRESERVE,
    });
  }
  const mdItems: Array<{ md: DesiredState['machineDeployments'][number]; items: EngineItem[] }> = [];
  for (const md of desired.machineDeployments) {
    const mdBp = bp.machineDeployments.get(str(md.topology.class));
    if (!mdBp)
      throw new PatchEngineError(
        `failed to lookup MachineDeployment class ${JSON.stringify(md.topology.class)} in ClusterClass`,
      );
    const before = items.length;
    add({
      holder: holder(md.object, 'MachineDeployment', CAPI_V1BETA2, 'spec.template.spec.bootstrap.configRef'),
      object: syncedTemplate(mdBp.bootstrapTemplate, md.bootstrapTemplate, 'metadata'),
      target: md.bootstrapTemplate,
      shape: 'template',
      preserve: ALWAYS_PRESERVE,
    });
    add({
      holder: holder(md.object, 'MachineDeployment', CAPI_V1BETA2, 'spec.template.spec.infrastructureRef'),
      object: syncedTemplate(
        mdBp.infrastructureMachineTemplate,
        md.infrastructureMachineTemplate,
        'metadata',
      ),
      target: md.infrastructureMachineTemplate,
      shape: 'template',
      preserve: ALWAYS_PRESERVE,
    });
    mdItems.push({ md, items: items.slice(before) });
  }
  const mpItems: Array<{ mp: DesiredState['machinePools'][number]; items: EngineItem[] }> = [];
  for (const mp of desired.machinePools) {
    const mpBp = bp.machinePools.get(str(mp.topology.class));
    if (!mpBp)
      throw new PatchEngineError(
        `failed to lookup MachinePool class ${JSON.stringify(mp.topology.class)} in ClusterClass`,
      );
    const before = items.length;
    add({
      holder: holder(mp.object, 'MachinePool', CAPI_V1BETA2, 'spec.template.spec.bootstrap.configRef'),
      object: syncedTemplate(mpBp.bootstrapTemplate, mp.bootstrapObject, 'template'),
      target: mp.bootstrapObject,
      shape: 'object',
      preserve: ALWAYS_PRESERVE,
    });
    add({
      holder: holder(mp.object, 'MachinePool', CAPI_V1BETA2, 'spec.template.spec.infrastructureRef'),
      object: syncedTemplate(
        mpBp.infrastructureMachinePoolTemplate,
        mp.infrastructureMachinePoolObject,
        'template',
      ),
      target: mp.infrastructureMachinePoolObject,
      shape: 'object',
      preserve: ALWAYS_PRESERVE,
    });
    mpItems.push({ mp, items: items.slice(before) });
  }

  // builtins that do not change between patches
  const clusterBuiltinValue = clusterBuiltin(cluster);
  const cpTopology = o(topology.controlPlane);
  const cpMeta = o(cp.metadata);
  const cpBuiltin = withoutUndefined({
    version: o(cp.spec).version,
    metadata: metadataBuiltin(cpMeta),
    name: cpMeta.name,
    replicas:
      cpTopology.replicas !== undefined && cpTopology.replicas !== null ? o(cp.spec).replicas : undefined,
    machineTemplate: desired.controlPlane.infrastructureMachineTemplate
      ? { infrastructureRef: { name: o(desired.controlPlane.infrastructureMachineTemplate.metadata).name } }
      : undefined,
  });
  const machineBuiltin = (
    topo: PlainObject,
    object: PlainObject,
    bootstrap: PlainObject,
    infra: PlainObject,
  ): PlainObject => {
    const meta = o(object.metadata);
    const spec = o(object.spec);
    return withoutUndefined({
      version: o(o(spec.template).spec).version,
      metadata: metadataBuiltin(meta),
      class: topo.class,
      name: meta.name,
      topologyName: topo.name,
      replicas: spec.replicas ?? undefined,
      bootstrap: { configRef: { name: o(bootstrap.metadata).name } },
      infrastructureRef: { name: o(infra.metadata).name },
    });
  };

  // addVariablesForPatch: the variables depend only on where the patch's definitions come from
  // ('inline' for every inline patch), and builtins on the desired objects, which patches do not
  // change: computed once per origin, not once per patch.
  const variablesByOrigin = new Map<
    string,
    { global: Variables; perItem: Variables[]; merged: Variables[] }
  >();
  const variablesFor = (definitionFrom: string) => {
    const known = variablesByOrigin.get(definitionFrom);
    if (known) return known;
    const defs = new Set(definitions.filter((d) => d.from === definitionFrom).map((d) => d.name));
    const global: Variables = emptyMap();
    for (const v of Array.isArray(topology.variables) ? topology.variables : []) {
      const name = str(o(v).name);
      if (name !== 'builtin' && defs.has(name)) setOwn(global, name, o(v).value);
    }
    global.builtin = { cluster: clusterBuiltinValue };
    const perItem: Variables[] = items.map(() => emptyMap());
    const cpVars = { ...overrides(cpTopology, defs), builtin: { controlPlane: cpBuiltin } };
    perItem[1] = cpVars;
    if (items[2]?.holder.fieldPath.startsWith('spec.machineTemplate')) perItem[2] = cpVars;
    const assign = (its: EngineItem[], vars: Variables) => {
      for (const it of its) perItem[items.indexOf(it)] = vars;
    };
    for (const { md, items: its } of mdItems)
      assign(its, {
        ...overrides(md.topology, defs),
        builtin: {
          machineDeployment: machineBuiltin(
            md.topology,
            md.object,
            md.bootstrapTemplate,
            md.infrastructureMachineTemplate,
          ),
        },
      });
    for (const { mp, items: its } of mpItems)
      assign(its, {
        ...overrides(mp.topology, defs),
        builtin: {
          machinePool: machineBuiltin(
            mp.topology,
            mp.object,
            mp.bootstrapObject,
            mp.infrastructureMachinePoolObject,
          ),
        },
      });
    const merged = perItem.map((vars) => mergeVariableMaps(global, vars));
    const result = { global, perItem, merged };
    variablesByOrigin.set(definitionFrom, result);
    return result;
  };

  for (const [patchIndex, patch] of patches.entries()) {
    const field = `spec.patches[${patchIndex}]`;
    const { global, perItem, merged } = variablesFor(patch.definitions?.length ? 'inline' : patch.name);
    for (let i = 0; i < items.length; i++) {
      items[i].variables = perItem[i];
      items[i].merged = merged[i];
    }

    if (!patch.definitions?.length) {
      throw new PatchEngineError(
        patch.external
          ? `failed to apply patches for patch ${JSON.stringify(patch.name)}: external patches need a Runtime Extension; clustermint renders inline patches only`
          : `failed to create patch generator for patch ${JSON.stringify(patch.name)}`,
        field,
      );
    }
    const req: PatchRequest = { variables: global, items };
    let response: ReturnType<typeof generateInlinePatch>;
    try {
      response = generateInlinePatch(patch, req);
    } catch (e) {
      throw new PatchEngineError(
        `failed to generate patches for patch ${JSON.stringify(patch.name)}: ${(e as Error).message}`,
        field,
      );
    }
    for (const r of response) {
      const item = items.find((i) => i.uid === r.uid) as EngineItem;
      if (r.patch.length === 0) continue;
      let patched: PlainObject;
      try {
        patched = applyJsonPatch(item.object, r.patch);
      } catch (e) {
        throw new PatchEngineError(
          `failed to apply patches for patch ${JSON.stringify(patch.name)}: ${str(item.object.kind)} ${str(o(item.object.metadata).name)}: ${(e as Error).message}`,
          field,
        );
      }
      // applied to a copy (a path outside what is kept): keep only spec, labels and annotations
      if (patched !== item.object) {
        const next: PlainObject = { ...item.object };
        if (patched.spec !== undefined) next.spec = patched.spec;
        else delete next.spec;
        const meta: PlainObject = { ...o(item.object.metadata) };
        const pmeta = o(patched.metadata);
        for (const k of ['labels', 'annotations']) {
          if (pmeta[k] !== undefined) meta[k] = pmeta[k];
          else delete meta[k];
        }
        next.metadata = meta;
        item.object = next;
      }
      if (!options.trace) continue;
      for (const [i, op] of r.patch.entries()) {
        const origin = r.origins[i];
        const inMeta = pointerSegments(op.path);
        const keptByEngine =
          startsWith(inMeta, ['spec']) ||
          startsWith(inMeta, ['metadata', 'labels']) ||
          startsWith(inMeta, ['metadata', 'annotations']);
        trace.push({
          ...origin,
          op: op.op,
          path: op.path,
          ...(op.value !== undefined ? { value: op.value } : {}),
          target: ref(item.target),
          ...(keptByEngine
            ? traceOutcome(item, op.path)
            : {
                outcome: 'discarded',
                reason: 'only spec, metadata.labels and metadata.annotations of a patched template are kept',
              }),
        });
      }
    }
  }

  // updateDesiredState
  for (const item of items) {
    copyFields(
      item.target,
      item.object,
      item.shape === 'object' ? OBJECT_FIELDS : TEMPLATE_FIELDS,
      item.preserve,
    );
  }
  return { trace };
}
