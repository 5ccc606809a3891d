/** Where a new control-plane machine goes (pure). */
import type { Machine } from '../../api/machine.js';
import type { InfraClusterStatus } from '../../providers/contract.js';
import { isDeleting } from '../pool.js';

/** The control-plane failure domain with the fewest machines, avoiding zones with unhealthy machines. */
export function pickFailureDomain(
  infra: Pick<InfraClusterStatus, 'failureDomains'>,
  cpMachines: readonly Machine[],
  unhealthy: ReadonlySet<string>,
): { failureDomain?: string } {
  const fds = infra.failureDomains.filter((f) => f.controlPlane).map((f) => f.name);
  if (fds.length === 0) return {};
  const zoneOf = (m: Machine) => m.status?.failureDomain ?? m.spec.failureDomain;
  const bad = new Set(cpMachines.filter((m) => unhealthy.has(m.metadata.name)).map(zoneOf));
  const candidates = fds.filter((f) => !bad.has(f));
  const pool = candidates.length ? candidates : fds;
  const count = (f: string) => cpMachines.filter((m) => !isDeleting(m) && zoneOf(m) === f).length;
  return { failureDomain: [...pool].sort((a, b) => count(a) - count(b) || (a < b ? -1 : 1))[0] };
}
