/**
 * How clustermint reaches a ClusterDeployment's workload cluster: Cluster API's
 * `<cluster>-kubeconfig` Secret (key `value`) for a cluster Cluster API made, the Secret (or, on
 * the embedded runtime, the file) an adopted cluster's SveltosCluster names, and nothing for a
 * cluster of the simulated provider (it has no API server).
 */

import { readFile } from 'node:fs/promises';
import { WorkloadError } from '../../services/workload-client.js';
import { isNotFound } from '../../store/errors.js';
import type { KubeObject, Store } from '../../store/types.js';
import type { DeploymentStatus, WorkloadAccess } from '../status.js';

export type { WorkloadAccess };

/** The access recorded on a deployment's status, or why there is none. */
export function workloadAccessOf(cd: KubeObject): WorkloadAccess | { none: string } {
  const status = (cd.status ?? {}) as DeploymentStatus;
  if (status.adopted?.access) return status.adopted.access;
  if (status.capi?.cluster)
    return {
      kind: 'secret',
      namespace: cd.metadata.namespace ?? 'default',
      name: `${status.capi.cluster}-kubeconfig`,
      key: 'value',
    };
  if (status.applied)
    return {
      none: 'the cluster has no API server clustermint can reach (its provider makes simulated machines)',
    };
  return { none: 'the cluster is not provisioned yet' };
}

export function describeAccess(a: WorkloadAccess): string {
  return a.kind === 'file' ? `kubeconfig file ${a.path}` : `Secret ${a.namespace}/${a.name}`;
}

const SECRET = { apiVersion: 'v1', kind: 'Secret' };
const MAX_KUBECONFIG_BYTES = 1024 * 1024;

/** A refusal of the management API server (HTTP 403): the controller's role does not cover the object. */
export const isForbidden = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 403;

/**
 * What to say when the controller may not read a Secret or ConfigMap of a namespace: the shipped
 * role reads none outside its own namespace's ConfigMaps; a namespace grants `get` (deploy/README.md).
 */
export function notGranted(kind: string, namespace: string, name: string, what: string): string {
  return `${kind} ${namespace}/${name} (${what}) may not be read by the controller: grant its ServiceAccount get on ${kind === 'Secret' ? 'secrets' : 'configmaps'} in ${namespace} (deploy/README.md)`;
}

/** The kubeconfig text; a WorkloadError (InvalidKubeconfig) saying what is missing otherwise. */
export async function readKubeconfig(
  store: Store,
  access: WorkloadAccess,
  allowFiles: boolean,
): Promise<string> {
  if (access.kind === 'file') {
    if (!allowFiles)
      throw new WorkloadError(
        'InvalidKubeconfig',
        `kubeconfig file ${access.path}: files are read on the embedded runtime only; in Kubernetes mode put the kubeconfig in a Secret`,
      );
    try {
      const text = await readFile(access.path, 'utf8');
      if (text.length > MAX_KUBECONFIG_BYTES)
        throw new WorkloadError('InvalidKubeconfig', `kubeconfig file ${access.path} is larger than 1 MiB`);
      return text;
    } catch (e) {
      if (e instanceof WorkloadError) throw e;
      throw new WorkloadError('InvalidKubeconfig', `kubeconfig file ${access.path}: ${(e as Error).message}`);
    }
  }
  let secret: KubeObject;
  try {
    secret = await store.get({ ...SECRET, namespace: access.namespace, name: access.name });
  } catch (e) {
    if (isNotFound(e) || (e as { code?: unknown }).code === 404)
      throw new WorkloadError(
        'InvalidKubeconfig',
        `Secret ${access.namespace}/${access.name} (the kubeconfig) does not exist`,
        { transient: true },
      );
    // tried again, as for a missing Secret: the namespace may grant it any time
    if (isForbidden(e))
      throw new WorkloadError(
        'Forbidden',
        notGranted('Secret', access.namespace, access.name, 'the kubeconfig'),
        { transient: true },
      );
    throw e;
  }
  const data = (secret as { data?: Record<string, unknown> }).data ?? {};
  const stringData = (secret as { stringData?: Record<string, unknown> }).stringData ?? {};
  const keys = access.key ? [access.key] : ['value', 'kubeconfig'];
  for (const k of keys) {
    const v = data[k];
    if (typeof v === 'string' && v !== '') return Buffer.from(v, 'base64').toString('utf8');
    const s = stringData[k];
    if (typeof s === 'string' && s !== '') return s;
  }
  throw new WorkloadError(
    'InvalidKubeconfig',
    `Secret ${access.namespace}/${access.name} has no ${keys.map((k) => `data.${k}`).join(' or ')}`,
  );
}
