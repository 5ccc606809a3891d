/**
 * The ClusterClass's templates found among the inputs (upstream's `ClusterBlueprint`). Part of
 * the engine's boundary: the class is read here as untrusted input, with coercion, and what
 * comes out is typed.
 */
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { groupOf } from './desired/templates.js';
import type { Blueprint } from './desired-state.js';
import type { TopologyFinding } from './findings.js';
import type { ClusterClass, MachineDeploymentClass, MachinePoolClass, ProviderTemplate } from './types.js';

const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function nsOf(obj: PlainObject): string | undefined {
  const ns = o(obj.metadata).namespace;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

/** Objects without a namespace match any namespace (files applied with `-n`), exact matches first. */
export function findObject(
  objects: readonly PlainObject[],
  match: (x: PlainObject) => boolean,
  namespace: string,
): PlainObject | undefined {
  const candidates = objects.filter(match);
  return candidates.find((c) => nsOf(c) === namespace) ?? candidates.find((c) => nsOf(c) === undefined);
}

function refText(ref: PlainObject, namespace: string): string {
  return `${str(ref.apiVersion)} ${str(ref.kind)} ${namespace}/${str(ref.name)}`;
}

/**
 * Resolves the class's template references among the objects; missing ones become findings.
 * The boundary of the typed engine: the class is read here as untrusted input, and what it
 * returns is typed (`Blueprint`).
 */
export function resolveBlueprint(
  cc: PlainObject,
  objects: readonly PlainObject[],
  namespace: string,
  findings: TopologyFinding[],
): Blueprint | undefined {
  const spec = o(cc.spec);
  const lookup = (ref: unknown, field: string): ProviderTemplate | undefined => {
    const r = o(ref);
    if (!r.kind || !r.name) {
      findings.push({
        stage: 'resolve',
        code: 'CLUSTERCLASS_INVALID',
        message: `${field}: Required value: a template reference (apiVersion, kind, name) is required`,
        field,
        in: 'clusterClass',
      });
      return undefined;
    }
    const found = findObject(
      objects,
      (x) =>
        x.kind === r.kind &&
        o(x.metadata).name === r.name &&
        groupOf(str(x.apiVersion)) === groupOf(str(r.apiVersion)),
      namespace,
    );
    if (!found)
      findings.push({
        stage: 'resolve',
        code: 'TEMPLATE_NOT_FOUND',
        message: `${field}: ${refText(r, namespace)} not found among the inputs (give it with -f or --templates)`,
        field,
        in: 'clusterClass',
      });
    return found as ProviderTemplate | undefined;
  };
  const infra = lookup(o(spec.infrastructure).templateRef, 'spec.infrastructure.templateRef');
  const cp = lookup(o(spec.controlPlane).templateRef, 'spec.controlPlane.templateRef');
  const miRef = o(o(o(spec.controlPlane).machineInfrastructure).templateRef);
  const cpInfra = miRef.kind
    ? lookup(miRef, 'spec.controlPlane.machineInfrastructure.templateRef')
    : undefined;
  const workers = o(spec.workers);
  const mds: Blueprint['machineDeployments'] = new Map();
  for (const [i, raw] of (Array.isArray(workers.machineDeployments)
    ? workers.machineDeployments
    : []
  ).entries()) {
    const c = o(raw);
    const b = lookup(
      o(c.bootstrap).templateRef,
      `spec.workers.machineDeployments[${i}].bootstrap.templateRef`,
    );
    const inf = lookup(
      o(c.infrastructure).templateRef,
      `spec.workers.machineDeployments[${i}].infrastructure.templateRef`,
    );
    if (b && inf)
      mds.set(str(c.class), {
        class: c as unknown as MachineDeploymentClass,
        bootstrapTemplate: b,
        infrastructureTemplate: inf,
      });
  }
  const mps: Blueprint['machinePools'] = new Map();
  for (const [i, raw] of (Array.isArray(workers.machinePools) ? workers.machinePools : []).entries()) {
    const c = o(raw);
    const b = lookup(o(c.bootstrap).templateRef, `spec.workers.machinePools[${i}].bootstrap.templateRef`);
    const inf = lookup(
      o(c.infrastructure).templateRef,
      `spec.workers.machinePools[${i}].infrastructure.templateRef`,
    );
    if (b && inf)
      mps.set(str(c.class), {
        class: c as unknown as MachinePoolClass,
        bootstrapTemplate: b,
        infrastructureTemplate: inf,
      });
  }
  if (!infra || !cp || (miRef.kind && !cpInfra)) return undefined;
  if (findings.some((f) => f.code === 'TEMPLATE_NOT_FOUND' || f.code === 'CLUSTERCLASS_INVALID'))
    return undefined;
  return {
    clusterClass: cc as ClusterClass,
    infrastructureClusterTemplate: infra,
    controlPlaneTemplate: cp,
    controlPlaneInfrastructureMachineTemplate: cpInfra,
    machineDeployments: mds,
    machinePools: mps,
  };
}
