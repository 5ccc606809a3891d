/**
 * The desired state of a deployment, read from the gate's rendered objects: the Cluster, its
 * infrastructure cluster, control plane, MachineDeployments (with their machine and bootstrap
 * templates) and MachineHealthChecks, found by following references as Cluster API does.
 */

import type { RenderedObject } from '../k8s/object.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { type HealthCheck, healthCheckFrom } from './health.js';

export interface DesiredMachineDeployment {
  name: string;
  object: RenderedObject;
  replicas: number;
  /** Kubernetes version of its machines (`v1.33.4`). */
  version: string;
  maxSurge: number;
  maxUnavailable: number;
  failureDomain?: string;
  infrastructureTemplate: RenderedObject;
  bootstrapTemplate: RenderedObject;
  /** spec.template.metadata.labels, copied to its Machines. */
  machineLabels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface DesiredCluster {
  clusterName: string;
  cluster: RenderedObject;
  infrastructure: RenderedObject;
  controlPlane: RenderedObject;
  machineDeployments: DesiredMachineDeployment[];
  healthChecks: HealthCheck[];
}

export class DesiredStateError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function get(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** An int-or-percent against a total: percent rounds up for surge, down for unavailable. */
export function intOrPercent(v: unknown, total: number, roundUp: boolean, fallback: number): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  return fallback;
}

export function desiredCluster(objects: readonly PlainObject[]): DesiredCluster {
  const objs = objects.filter(
    (o): o is RenderedObject =>
      isPlainObject(o) &&
      typeof o.kind === 'string' &&
      isPlainObject(o.metadata) &&
      typeof o.metadata.name === 'string',
  );
  const find = (ref: unknown, what: string): RenderedObject => {
    const kind = str(get(ref, 'kind'));
    const name = str(get(ref, 'name'));
    const hit = objs.find((o) => o.kind === kind && o.metadata.name === name);
    if (!hit)
      throw new DesiredStateError(
        'MissingObject',
        `${what} ${kind ?? '?'} ${JSON.stringify(name ?? '')} is not among the rendered objects`,
      );
    return hit;
  };
  const clusters = objs.filter((o) => o.kind === 'Cluster' && o.apiVersion.startsWith('cluster.x-k8s.io/'));
  if (clusters.length !== 1)
    throw new DesiredStateError(
      'NoCluster',
      `the template must render exactly one cluster.x-k8s.io Cluster, found ${clusters.length}`,
    );
  const cluster = clusters[0];
  const clusterName = cluster.metadata.name;
  const infrastructure = find(get(cluster, 'spec', 'infrastructureRef'), 'the Cluster infrastructureRef');
  const controlPlane = find(get(cluster, 'spec', 'controlPlaneRef'), 'the Cluster controlPlaneRef');
  const machineDeployments: DesiredMachineDeployment[] = [];
  for (const md of objs.filter((o) => o.kind === 'MachineDeployment')) {
    const where = `MachineDeployment ${md.metadata.name}`;
    const replicas = get(md, 'spec', 'replicas');
    const r = typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0 ? replicas : 1;
    const version =
      str(get(md, 'spec', 'template', 'spec', 'version')) ?? str(get(controlPlane, 'spec', 'version'));
    if (!version) throw new DesiredStateError('NoVersion', `${where} has no spec.template.spec.version`);
    const rolling =
      get(md, 'spec', 'rollout', 'strategy', 'rollingUpdate') ?? get(md, 'spec', 'strategy', 'rollingUpdate');
    let maxSurge = intOrPercent(get(rolling, 'maxSurge'), r, true, 1);
    const maxUnavailable = intOrPercent(get(rolling, 'maxUnavailable'), r, false, 0);
    if (maxSurge === 0 && maxUnavailable === 0) maxSurge = 1;
    const fd = str(get(md, 'spec', 'template', 'spec', 'failureDomain'));
    machineDeployments.push({
      name: md.metadata.name,
      object: md,
      replicas: r,
      version,
      maxSurge,
      maxUnavailable,
      ...(fd ? { failureDomain: fd } : {}),
      infrastructureTemplate: find(
        get(md, 'spec', 'template', 'spec', 'infrastructureRef'),
        `${where} infrastructureRef`,
      ),
      bootstrapTemplate: find(
        get(md, 'spec', 'template', 'spec', 'bootstrap', 'configRef'),
        `${where} bootstrap configRef`,
      ),
      machineLabels: stringMap(get(md, 'spec', 'template', 'metadata', 'labels')),
      annotations: stringMap(md.metadata.annotations),
    });
  }
  const healthChecks = objs.filter((o) => o.kind === 'MachineHealthCheck').map((o) => healthCheckFrom(o));
  return { clusterName, cluster, infrastructure, controlPlane, machineDeployments, healthChecks };
}
