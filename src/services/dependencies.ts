/**
 * The order services are delivered in: a service waits for the services it dependsOn (k0rdent's
 * Service.dependsOn, a dependency's namespace defaulting to "default") and a MultiClusterService
 * for the MultiClusterServices it dependsOn. Dependencies naming nothing and cycles are refused
 * with the services involved; otherwise the services come out in waves, each wave depending only
 * on earlier ones.
 */
import { findCycle } from '../domain/dependency-cycle.js';
import { type ServiceStateName, serviceKey } from './types.js';

export interface DependencyError {
  reason: 'DependencyCycle' | 'MissingDependency';
  message: string;
  /** The services involved: those naming a missing dependency, or the cycle in order. */
  services: string[];
}

export type DependencyOrder = { waves: string[][] } | { error: DependencyError };

export interface ServiceWithDependencies {
  name: string;
  namespace?: string;
  dependsOn?: { name: string; namespace?: string }[];
}

/** Services keyed `namespace/name`, in waves. */
export function orderServices(services: readonly ServiceWithDependencies[]): DependencyOrder {
  const graph = new Map<string, string[]>();
  for (const s of services) {
    const deps = graph.get(serviceKey(s)) ?? [];
    for (const d of s.dependsOn ?? []) deps.push(serviceKey(d));
    graph.set(serviceKey(s), deps);
  }
  return order(graph, (dep, of) => `dependency ${dep} of service ${of} is not defined as a service`);
}

/** The dependencies of `service` whose state (by `namespace/name`) is not Deployed yet. */
export function blockedBy(
  service: ServiceWithDependencies,
  states: ReadonlyMap<string, ServiceStateName>,
): string[] {
  const keys = (service.dependsOn ?? []).map((d) => serviceKey(d));
  return [...new Set(keys)].filter((k) => states.get(k) !== 'Deployed');
}

/** MultiClusterServices by name, in waves. */
export function multiClusterServiceCycle(
  mcs: readonly { name: string; dependsOn?: readonly string[] }[],
): DependencyOrder {
  const graph = new Map<string, string[]>();
  for (const m of mcs) graph.set(m.name, [...(graph.get(m.name) ?? []), ...(m.dependsOn ?? [])]);
  return order(graph, (dep, of) => `dependency ${dep} of MultiClusterService ${of} is not defined`);
}

function order(
  graph: Map<string, string[]>,
  missingText: (dep: string, of: string) => string,
): DependencyOrder {
  const missing: string[] = [];
  const dependents = new Set<string>();
  for (const [node, deps] of [...graph].sort(([a], [b]) => compare(a, b))) {
    for (const d of new Set(deps)) {
      if (graph.has(d)) continue;
      missing.push(missingText(d, node));
      dependents.add(node);
    }
  }
  if (missing.length > 0)
    return { error: { reason: 'MissingDependency', message: missing.join('; '), services: [...dependents] } };
  const cycle = findCycle(graph);
  if (cycle) {
    return {
      error: {
        reason: 'DependencyCycle',
        message: `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
        services: cycle,
      },
    };
  }
  const waves: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < graph.size) {
    const wave = [...graph.keys()]
      .filter((n) => !placed.has(n) && graph.get(n)!.every((d) => placed.has(d)))
      .sort(compare);
    for (const n of wave) placed.add(n);
    waves.push(wave);
  }
  return { waves };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
