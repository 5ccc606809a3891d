/**
 * The Cluster webhook's topology rules that rendering depends on: a semantic version, and
 * workers with unique names and classes the ClusterClass has. Reads the submitted Cluster, not
 * yet validated: with coercion.
 */
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';
import type { TopologyFinding } from './findings.js';

const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Topology rules of the Cluster webhook that rendering depends on. */
export function validateTopology(cluster: PlainObject, cc: PlainObject): TopologyFinding[] {
  const out: TopologyFinding[] = [];
  const t = o(o(cluster.spec).topology);
  const add = (field: string, message: string) =>
    out.push({
      stage: 'values',
      code: 'TOPOLOGY_INVALID',
      message: `${field}: ${message}`,
      field,
      in: 'cluster',
    });
  const version = str(t.version);
  if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version))
    add(
      'spec.topology.version',
      `Invalid value: ${JSON.stringify(version)}: version must be a valid semantic version`,
    );
  const workers = o(t.workers);
  const ccWorkers = o(o(cc.spec).workers);
  for (const [key, label] of [
    ['machineDeployments', 'MachineDeployment'],
    ['machinePools', 'MachinePool'],
  ] as const) {
    const classes = new Set(
      (Array.isArray(ccWorkers[key]) ? (ccWorkers[key] as unknown[]) : []).map((c) => str(o(c).class)),
    );
    const seen = new Set<string>();
    for (const [i, raw] of (Array.isArray(workers[key]) ? (workers[key] as unknown[]) : []).entries()) {
      const w = o(raw);
      const name = str(w.name);
      const field = `spec.topology.workers.${key}[${i}]`;
      if (!name) add(`${field}.name`, 'Required value');
      else if (seen.has(name))
        add(
          `${field}.name`,
          `Invalid value: ${JSON.stringify(name)}: name must be unique. ${label} with name ${JSON.stringify(name)} is defined more than once`,
        );
      seen.add(name);
      if (!classes.has(str(w.class)))
        add(
          `${field}.class`,
          `Invalid value: ${JSON.stringify(str(w.class))}: ${label}Class with name ${JSON.stringify(str(w.class))} does not exist in ClusterClass ${JSON.stringify(str(o(cc.metadata).name))}`,
        );
    }
  }
  return out;
}
