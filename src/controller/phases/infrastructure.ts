/** Infrastructure: `ensureCluster`, then InfrastructureReady; nothing else happens until it is. */
import type {
  InfraClusterStatus,
  InfrastructureProvider,
  RenderedObject as ProviderObject,
} from '../../providers/contract.js';
import { isTerminalProviderError } from '../../providers/errors.js';
import type { DesiredCluster } from '../desired.js';
import { providerObjectReader } from '../identities.js';
import type { PassContext } from './context.js';

export type InfrastructureResult =
  | { ready: false }
  | { ready: true; provider: InfrastructureProvider; status: InfraClusterStatus };

export async function reconcileInfrastructure(
  ctx: PassContext,
  d: DesiredCluster,
  clusterId: string,
): Promise<InfrastructureResult> {
  const provider = ctx.o.registry.infrastructureFor(d.infrastructure as ProviderObject);
  let status: InfraClusterStatus;
  try {
    status = await provider.ensureCluster({
      clusterId,
      infrastructure: d.infrastructure as ProviderObject,
      readObject: providerObjectReader(ctx.o.store),
    });
  } catch (e) {
    // a refusal (the identity missing or out of scope) says so where the infrastructure is reported
    if (isTerminalProviderError(e))
      ctx.cond(
        'InfrastructureReady',
        'False',
        e.reason,
        `${d.infrastructure.kind} ${d.clusterName}: ${e.message}`,
      );
    throw e;
  }
  if (!status.ready) {
    ctx.cond(
      'InfrastructureReady',
      'False',
      'Provisioning',
      status.message ?? `infrastructure ${d.infrastructure.kind} ${d.clusterName} is provisioning`,
    );
    ctx.cond('Ready', 'False', 'Provisioning', 'waiting for the infrastructure');
    return { ready: false };
  }
  ctx.cond(
    'InfrastructureReady',
    'True',
    'Provisioned',
    `${d.infrastructure.kind} ${d.clusterName} provisioned (${status.failureDomains.length} failure domains)`,
  );
  return { ready: true, provider, status };
}
