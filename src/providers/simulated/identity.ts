/**
 * The simulated cloud's identity check, as CAPA checks an AWSCluster's `identityRef`: before it
 * makes a cluster that names an identity, the identity must exist and admit the cluster's
 * namespace. A SimulatedClusterIdentity (cluster-scoped) admits the namespaces its
 * `allowedNamespaces` lists or selects (absent: none; `{}`: all); a Secret identity must exist
 * (in its namespace, else the cluster's). A cluster without `spec.identityRef` needs none.
 */
import { readSimulatedIdentity, SIMULATED_IDENTITY_TYPE } from '../../api/credential.js';
import { allowedNamespacesAdmit } from '../../domain/credential-status.js';
import type { ObjectReader, RenderedObject } from '../contract.js';
import { TerminalProviderError } from '../errors.js';
import { stringAt } from '../objects.js';

/** Throws a TerminalProviderError (a condition on the deployment) when the identity does not admit the cluster. */
export async function checkClusterIdentity(
  clusterId: string,
  infrastructure: RenderedObject,
  read: ObjectReader | undefined,
): Promise<void> {
  const kind = stringAt(infrastructure, 'spec', 'identityRef', 'kind');
  const name = stringAt(infrastructure, 'spec', 'identityRef', 'name');
  if (!kind && !name) return;
  const cluster = `SimulatedCluster ${infrastructure.metadata.name}`;
  if (!kind || !name)
    throw new TerminalProviderError(
      'InvalidIdentityRef',
      `${cluster}: spec.identityRef needs a kind and a name`,
    );
  const namespace = clusterId.slice(0, Math.max(0, clusterId.indexOf('/'))) || 'default';
  if (!read)
    throw new TerminalProviderError(
      'IdentityUnchecked',
      `${cluster} names ${kind} ${name}, and the simulated cloud was given no way to read identities`,
    );
  if (kind === 'Secret') {
    const ns = stringAt(infrastructure, 'spec', 'identityRef', 'namespace') || namespace;
    if (!(await read({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name })))
      throw new TerminalProviderError(
        'IdentityNotFound',
        `${cluster}: its identity Secret ${ns}/${name} does not exist; the simulated cloud makes no cluster without it`,
      );
    return;
  }
  if (kind !== SIMULATED_IDENTITY_TYPE.kind)
    throw new TerminalProviderError(
      'InvalidIdentityRef',
      `${cluster}: the simulated provider does not support ClusterIdentity kind ${kind} (SimulatedClusterIdentity or Secret)`,
    );
  const identity = await read({ ...SIMULATED_IDENTITY_TYPE, name });
  if (!identity)
    throw new TerminalProviderError(
      'IdentityNotFound',
      `${cluster}: SimulatedClusterIdentity ${name} does not exist; the simulated cloud makes no cluster without its identity`,
    );
  const spec = readSimulatedIdentity(identity);
  if ('problems' in spec)
    throw new TerminalProviderError(
      'IdentityInvalid',
      `SimulatedClusterIdentity ${name} is invalid: ${spec.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  const allowed = spec.spec.allowedNamespaces;
  const refused = (why: string) =>
    new TerminalProviderError(
      'IdentityNotAllowed',
      `SimulatedClusterIdentity ${name} does not allow namespace ${namespace} (${why}); the cluster is not made`,
    );
  if (!allowed) throw refused('spec.allowedNamespaces is not set: no namespace may use it');
  if (allowedNamespacesAdmit(allowed, namespace, {})) return;
  const labels = allowed.selector
    ? ((await read({ apiVersion: 'v1', kind: 'Namespace', name: namespace }))?.metadata.labels ?? {})
    : {};
  if (allowed.selector && allowedNamespacesAdmit(allowed, namespace, labels)) return;
  throw refused('not in spec.allowedNamespaces.list, nor selected by spec.allowedNamespaces.selector');
}
