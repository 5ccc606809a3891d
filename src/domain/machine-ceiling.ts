/**
 * The platform's ceiling on machines per deployment: a limit of the platform, not a policy, so a
 * team, a template or a missing policy cannot lift it. `check`, `apply`, the webhook and the
 * controller all ask this rule, so a deployment `check` accepts is one the controller will make.
 */

/** Machines one deployment may ask for unless the operator sets another ceiling. */
export const DEFAULT_MAX_MACHINES = 1000;

interface ObjectLike {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
  spec?: unknown;
}

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
/** A replica count as rendered; anything else is the schemas' finding, not a machine. */
const replicas = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const nameOf = (o: ObjectLike): string => String(rec(o.metadata).name ?? '?');

export interface MachineCount {
  total: number;
  /** What makes up the total, e.g. `MachineDeployment md-0: 3`, largest first. */
  parts: string[];
}

/**
 * The machines the objects ask for: control planes' and MachineDeployments' / MachinePools'
 * `spec.replicas`. A Cluster with spec.topology asks for its topology's replicas (Cluster API makes
 * the objects); when the same objects are also among the rendered ones (a topology preview), the
 * larger of the two counts is taken, so nothing is counted twice.
 */
export function countMachines(objects: readonly ObjectLike[]): MachineCount {
  const direct: [string, number][] = [];
  const topology: [string, number][] = [];
  for (const o of objects) {
    const kind = typeof o.kind === 'string' ? o.kind : '';
    const group = typeof o.apiVersion === 'string' ? o.apiVersion.split('/')[0] : '';
    const spec = rec(o.spec);
    if (kind === 'MachineDeployment' || kind === 'MachinePool' || kind.endsWith('ControlPlane')) {
      if (!group.endsWith('cluster.x-k8s.io')) continue;
      const n = replicas(spec.replicas);
      if (n > 0) direct.push([`${kind} ${nameOf(o)}`, n]);
    } else if (kind === 'Cluster' && group === 'cluster.x-k8s.io') {
      const topo = rec(spec.topology);
      const cluster = nameOf(o);
      const cp = replicas(rec(topo.controlPlane).replicas);
      if (cp > 0) topology.push([`Cluster ${cluster} control plane`, cp]);
      const workers = rec(topo.workers);
      for (const [list, what] of [
        [workers.machineDeployments, 'MachineDeployment'],
        [workers.machinePools, 'MachinePool'],
      ] as const) {
        if (!Array.isArray(list)) continue;
        for (const w of list) {
          const n = replicas(rec(w).replicas);
          if (n > 0) topology.push([`Cluster ${cluster} ${what} ${String(rec(w).name ?? '?')}`, n]);
        }
      }
    }
  }
  const sum = (xs: [string, number][]) => xs.reduce((s, [, n]) => s + n, 0);
  const chosen = sum(topology) > sum(direct) ? topology : direct;
  return {
    total: sum(chosen),
    parts: [...chosen].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${what}: ${n}`),
  };
}

/** Why the objects ask for too many machines, or undefined when they fit under `ceiling`. */
export function machineCeilingError(objects: readonly ObjectLike[], ceiling: number): string | undefined {
  const { total, parts } = countMachines(objects);
  if (total <= ceiling) return undefined;
  const shown = parts.slice(0, 5).join(', ') + (parts.length > 5 ? `, and ${parts.length - 5} more` : '');
  return (
    `the deployment asks for ${total} machines (${shown}); the platform allows at most ${ceiling} per ` +
    'deployment. This is a platform limit, not a policy: an operator raises it with --max-machines ' +
    '(check, plan, apply, controller, webhook)'
  );
}

/** A ceiling from a flag or a setting: a whole number of at least 1, else undefined. */
export function parseMaxMachines(text: string): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}
