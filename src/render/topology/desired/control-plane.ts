/**
 * The control plane of a topology (`computeControlPlaneInfrastructureMachineTemplate`,
 * `computeControlPlane` of Cluster API's desired state) and its MachineHealthCheck, in the
 * contract the control-plane kind uses.
 */

import { LABEL_CLUSTER_NAME, LABEL_CONTROL_PLANE, LABEL_TOPOLOGY_OWNED } from '../../../domain/labels.js';
import { cloneTree, type PlainObject } from '../../../util/plain-object.js';
import { simpleName } from '../names.js';
import type { ControlPlaneClass, ControlPlaneTopology, ProviderTemplate, TopologyObject } from '../types.js';
import { type DesiredContext, deletionSeconds, generatedName, nameSeed, pick } from './context.js';
import { computeMachineHealthCheck, wantedHealthCheck } from './health-checks.js';
import { compact, mergeMap, nonEmpty, shimOwnerRef, stringMap } from './metadata.js';
import { asObject, contractRef, setPath, templateToObject, templateToTemplate } from './templates.js';

export type ControlPlaneContract = 'v1beta1' | 'v1beta2';

/**
 * Control-plane kinds that keep the v1beta1 contract (`spec.machineTemplate.infrastructureRef`)
 * whatever their API version: k0smotron's.
 */
const V1BETA1_CONTRACT_KINDS = new Set(['K0sControlPlane', 'K0smotronControlPlane']);

/**
 * The control-plane contract of a kind. Upstream reads it from the CRD's contract label; offline
 * clustermint knows the providers it ships and otherwise goes by the API version.
 */
export function controlPlaneContract(apiVersion: string, kind = ''): ControlPlaneContract {
  if (V1BETA1_CONTRACT_KINDS.has(kind)) return 'v1beta1';
  return apiVersion.endsWith('/v1beta1') ? 'v1beta1' : 'v1beta2';
}

/** Go's time.Duration String() for whole seconds (`5m0s`), as metav1.Duration marshals. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

const NO_TOPOLOGY: ControlPlaneTopology = Object.freeze({});
const topologyOf = (ctx: DesiredContext): ControlPlaneTopology => ctx.topology.controlPlane ?? NO_TOPOLOGY;
const classOf = (ctx: DesiredContext): ControlPlaneClass =>
  ctx.clusterClass.spec.controlPlane as ControlPlaneClass;

/** The per-cluster copy of the control plane's machine template. */
export function computeControlPlaneInfrastructureMachineTemplate(
  ctx: DesiredContext,
  template: ProviderTemplate,
): TopologyObject {
  const name = simpleName(`${ctx.cluster.name}-`, nameSeed(ctx, 'control-plane-machine-template'));
  return templateToTemplate(template, ctx.cluster, name, {});
}

export interface ComputedControlPlane {
  object: TopologyObject;
  contract: ControlPlaneContract;
}

/** Points the control plane at its machine template, with the control plane's labels/annotations. */
function setMachineTemplate(
  controlPlane: TopologyObject,
  contract: ControlPlaneContract,
  machineTemplate: TopologyObject,
  labels: Record<string, string>,
  annotations: Record<string, string>,
): void {
  if (contract === 'v1beta1') {
    const m = machineTemplate.metadata;
    setPath(controlPlane, ['spec', 'machineTemplate', 'infrastructureRef'], {
      apiVersion: machineTemplate.apiVersion,
      kind: machineTemplate.kind,
      name: m.name,
      namespace: m.namespace,
    });
  } else {
    setPath(
      controlPlane,
      ['spec', 'machineTemplate', 'spec', 'infrastructureRef'],
      contractRef(machineTemplate),
    );
  }
  const mtMeta = asObject(asObject(asObject(controlPlane.spec).machineTemplate).metadata);
  setPath(
    controlPlane,
    ['spec', 'machineTemplate', 'metadata'],
    compact({
      labels: nonEmpty(mergeMap(labels, stringMap(mtMeta.labels))),
      annotations: nonEmpty(mergeMap(annotations, stringMap(mtMeta.annotations))),
    }),
  );
}

const V1BETA1_MACHINE_SPEC = ['spec', 'machineTemplate'];
const V1BETA2_MACHINE_SPEC = ['spec', 'machineTemplate', 'spec'];

/** The control plane from its template, with the fields the topology controller owns. */
export function computeControlPlane(
  ctx: DesiredContext,
  template: ProviderTemplate,
  machineTemplate: TopologyObject | undefined,
  /** The name of the control plane the Cluster already references, reused. */
  existingName: string | undefined,
): ComputedControlPlane {
  const { cluster } = ctx;
  const topology = topologyOf(ctx);
  const cls = classOf(ctx);
  const labels = mergeMap(stringMap(topology.metadata?.labels), stringMap(cls.metadata?.labels));
  labels[LABEL_CLUSTER_NAME] = cluster.name;
  labels[LABEL_TOPOLOGY_OWNED] = '';
  const annotations = mergeMap(
    stringMap(topology.metadata?.annotations),
    stringMap(cls.metadata?.annotations),
  );
  const naming = cls.naming?.template || '{{ .cluster.name }}-{{ .random }}';
  const name =
    existingName ||
    generatedName(template.kind, naming, { cluster: { name: cluster.name } }, nameSeed(ctx, 'control-plane'));
  const controlPlane = templateToObject(template, cluster, name, labels, annotations, shimOwnerRef(cluster));
  const contract = controlPlaneContract(controlPlane.apiVersion, controlPlane.kind);
  if (machineTemplate) setMachineTemplate(controlPlane, contract, machineTemplate, labels, annotations);
  if (topology.replicas !== undefined && topology.replicas !== null)
    setPath(controlPlane, ['spec', 'replicas'], topology.replicas);
  const rolloutAfter = topology.rollout?.after;
  if (rolloutAfter) setPath(controlPlane, ['spec', 'rollout', 'after'], rolloutAfter);
  const machineSpec = contract === 'v1beta1' ? V1BETA1_MACHINE_SPEC : V1BETA2_MACHINE_SPEC;
  const readinessGates = pick(topology.readinessGates, cls.readinessGates);
  if (readinessGates !== undefined)
    setPath(controlPlane, [...machineSpec, 'readinessGates'], cloneTree(readinessGates));
  const taints = pick(topology.taints, cls.taints);
  if (taints !== undefined) setPath(controlPlane, [...machineSpec, 'taints'], cloneTree(taints));
  const deletion = deletionSeconds(topology.deletion, cls.deletion) as PlainObject;
  for (const k of Object.keys(deletion)) {
    if (contract === 'v1beta1')
      setPath(
        controlPlane,
        ['spec', 'machineTemplate', k.replace(/Seconds$/, '')],
        goDuration(Number(deletion[k])),
      );
    else setPath(controlPlane, ['spec', 'machineTemplate', 'spec', 'deletion', k], deletion[k]);
  }
  setPath(controlPlane, ['spec', 'version'], ctx.versions.controlPlane ?? ctx.topology.version);
  return { object: controlPlane, contract };
}

/** The control plane's MachineHealthCheck: only for a control plane with machines. */
export function computeControlPlaneHealthCheck(
  ctx: DesiredContext,
  controlPlane: TopologyObject,
): TopologyObject | undefined {
  const hc = wantedHealthCheck(classOf(ctx).healthCheck, topologyOf(ctx).healthCheck);
  if (!hc) return undefined;
  return computeMachineHealthCheck(
    controlPlane,
    { [LABEL_TOPOLOGY_OWNED]: '', [LABEL_CONTROL_PLANE]: '' },
    ctx.cluster,
    hc,
  );
}
