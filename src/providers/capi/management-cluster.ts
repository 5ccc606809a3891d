/**
 * The capi provider's edge: a management cluster where Cluster API makes the machines. It applies
 * rendered objects with server-side apply (all of a set after a server-side dry run of every one,
 * so Cluster API's webhooks judge the whole set before any of it is stored), reads Cluster API's
 * objects back into an observation, deletes, and reads the workload cluster's kubeconfig. Every
 * failure becomes a provider error: transient (retry with backoff) or terminal (a condition).
 */
import type { KubeObject, NewObject, RenderedObject } from '../../k8s/object.js';
import type { ApplyOptions } from '../../store/kube/store.js';
import type {
  DeleteOptions,
  DeleteResult,
  ListOptions,
  ListResult,
  ObjectRef,
  ResourceType,
} from '../../store/types.js';
import { TerminalProviderError, TransientProviderError } from '../errors.js';
import { groupOf } from '../objects.js';
import {
  type CapiObservation,
  type ObservedControlPlane,
  observeCluster,
  observeControlPlane,
  observeMachine,
  observeMachineDeployment,
} from './observation.js';

/** What the provider needs of a Kubernetes client (KubeStore has it). */
export interface CapiApi {
  get(ref: ObjectRef): Promise<KubeObject>;
  list(type: ResourceType, options?: ListOptions): Promise<ListResult>;
  apply(object: NewObject, options?: ApplyOptions): Promise<KubeObject>;
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<DeleteResult>;
}

export const CLUSTER_TYPE = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster' } as const;
const MD_TYPE = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineDeployment' } as const;
const MACHINE_TYPE = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Machine' } as const;
const CRD_TYPE = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const;

/** The CRDs of core Cluster API the provider reads and writes. */
export const REQUIRED_CRDS = [
  'clusters.cluster.x-k8s.io',
  'clusterclasses.cluster.x-k8s.io',
  'machinedeployments.cluster.x-k8s.io',
  'machines.cluster.x-k8s.io',
  'machinehealthchecks.cluster.x-k8s.io',
] as const;

/** How long to wait before trying an unreachable or overloaded management cluster again. */
const RETRY_MS = 5_000;

interface ApiFailure {
  code?: number | string;
  reason?: string;
  message?: string;
}

/** 4xx answers are the cluster's verdict on the request; anything else (no answer, 5xx, 429) may pass. */
function isVerdict(e: unknown): e is ApiFailure & { code: number } {
  const code = (e as ApiFailure)?.code;
  return typeof code === 'number' && code >= 400 && code < 500 && code !== 429 && code !== 408;
}

function describe(o: { kind: string; metadata?: { name?: string; namespace?: string } }): string {
  const ns = o.metadata?.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata?.name ?? ''}`;
}

/** A provider error for a failed call about `what`. */
export function providerError(what: string, e: unknown): Error {
  const f = e as ApiFailure;
  if (isVerdict(e)) {
    if (f.code === 404 && /is its CRD installed/.test(f.message ?? ''))
      return new TerminalProviderError('CRDNotInstalled', `${what}: ${f.message}`);
    // A validating webhook's field errors come back as 422 Invalid, its plain denials as 403.
    if (/admission webhook .* denied the request/.test(f.message ?? ''))
      return new TerminalProviderError('AdmissionDenied', `${what}: ${f.message}`);
    if (f.code === 422 || f.code === 400)
      return new TerminalProviderError('Invalid', `${what}: ${f.message}`);
    if (f.code === 401 || f.code === 403)
      return new TerminalProviderError('Forbidden', `${what}: ${f.message}`);
    return new TerminalProviderError(f.reason ?? 'Rejected', `${what}: ${f.message}`);
  }
  return new TransientProviderError(
    'ManagementClusterUnreachable',
    `${what}: ${(e as Error)?.message ?? String(e)}`,
    RETRY_MS,
  );
}

function isNotFound(e: unknown): boolean {
  return (e as ApiFailure)?.code === 404;
}

export interface ApplyReport {
  /** Objects stored by this call, in order. */
  applied: string[];
}

export class ManagementCluster {
  constructor(
    private readonly api: CapiApi,
    /** The field manager of everything clustermint applies. */
    readonly fieldManager = 'clustermint',
  ) {}

  /** The required CRDs that are not installed (empty: Cluster API's core is there). */
  async missingCrds(names: readonly string[] = REQUIRED_CRDS): Promise<string[]> {
    const missing: string[] = [];
    for (const name of names) {
      try {
        await this.api.get({ ...CRD_TYPE, name });
      } catch (e) {
        if (isNotFound(e)) missing.push(name);
        else throw providerError(`reading CustomResourceDefinition ${name}`, e);
      }
    }
    return missing;
  }

  /**
   * Server-side applies every object, after a server-side dry run of every one: a set that any
   * webhook or schema rejects stores nothing (TerminalProviderError naming the object and
   * carrying Cluster API's message). A failure between real applies (the cluster went away) is
   * transient and says how many were stored; applying the same set again completes it.
   */
  async applySet(objects: readonly RenderedObject[]): Promise<ApplyReport> {
    for (const o of objects) {
      try {
        await this.api.apply(o as NewObject, { fieldManager: this.fieldManager, force: true, dryRun: true });
      } catch (e) {
        throw providerError(`${describe(o)} rejected (nothing applied)`, e);
      }
    }
    const applied: string[] = [];
    for (const o of objects) {
      try {
        await this.api.apply(o as NewObject, { fieldManager: this.fieldManager, force: true });
      } catch (e) {
        throw providerError(
          `${describe(o)} failed after ${applied.length} of ${objects.length} objects were applied`,
          e,
        );
      }
      applied.push(describe(o));
    }
    return { applied };
  }

  /** Cluster API's view of a cluster: its Cluster, control plane, MachineDeployments and Machines. */
  async observe(
    namespace: string,
    clusterName: string,
    controlPlaneApiVersion?: string,
  ): Promise<CapiObservation> {
    const what = `reading Cluster ${namespace}/${clusterName}`;
    try {
      let cluster: KubeObject | undefined;
      try {
        cluster = await this.api.get({ ...CLUSTER_TYPE, namespace, name: clusterName });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const selector = { namespace, labelSelector: `cluster.x-k8s.io/cluster-name=${clusterName}` };
      const [mds, machines] = await Promise.all([
        this.api.list(MD_TYPE, selector),
        this.api.list(MACHINE_TYPE, selector),
      ]);
      const observedCluster = cluster ? observeCluster(cluster) : undefined;
      let controlPlane: ObservedControlPlane | undefined;
      const ref = observedCluster?.controlPlaneRef;
      if (ref) {
        const group = ref.apiGroup ?? (controlPlaneApiVersion ? groupOf(controlPlaneApiVersion) : '');
        const versions =
          controlPlaneApiVersion && groupOf(controlPlaneApiVersion) === group
            ? [controlPlaneApiVersion]
            : [`${group}/v1beta2`, `${group}/v1beta1`];
        for (const apiVersion of versions) {
          try {
            controlPlane = observeControlPlane(
              await this.api.get({ apiVersion, kind: ref.kind, namespace, name: ref.name }),
            );
            break;
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
        }
      }
      const observedMds = mds.items.map(observeMachineDeployment);
      const poolOf = new Map(observedMds.map((m) => [m.name, m.pool]));
      return {
        ...(observedCluster ? { cluster: observedCluster } : {}),
        ...(controlPlane ? { controlPlane } : {}),
        machineDeployments: observedMds,
        machines: machines.items.map((m) => observeMachine(m, poolOf)),
      };
    } catch (e) {
      throw providerError(what, e);
    }
  }

  /** Whether an object still exists (a deleting one does). */
  async exists(ref: ObjectRef): Promise<boolean> {
    try {
      await this.api.get(ref);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw providerError(`reading ${ref.kind} ${ref.namespace ?? ''}/${ref.name}`, e);
    }
  }

  /** Deletes an object (background propagation, as kubectl); gone already is fine. */
  async delete(ref: ObjectRef): Promise<void> {
    try {
      await this.api.delete(ref);
    } catch (e) {
      if (isNotFound(e)) return;
      throw providerError(`deleting ${ref.kind} ${ref.namespace ?? ''}/${ref.name}`, e);
    }
  }

  /** The workload cluster's admin kubeconfig from Cluster API's `<cluster>-kubeconfig` Secret. */
  async kubeconfig(namespace: string, clusterName: string): Promise<string> {
    const name = `${clusterName}-kubeconfig`;
    let secret: KubeObject;
    try {
      secret = await this.api.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
    } catch (e) {
      if (isNotFound(e))
        throw new TerminalProviderError(
          'KubeconfigNotReady',
          `Secret ${namespace}/${name} does not exist yet: Cluster API writes it once the control plane is initialized`,
        );
      throw providerError(`reading Secret ${namespace}/${name}`, e);
    }
    const value = (secret as unknown as { data?: Record<string, string> }).data?.value;
    if (!value)
      throw new TerminalProviderError('KubeconfigNotReady', `Secret ${namespace}/${name} has no data.value`);
    return Buffer.from(value, 'base64').toString('utf8');
  }
}
