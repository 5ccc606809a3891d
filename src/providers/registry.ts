/**
 * Which plugin serves a rendered object, chosen from its API group and kind the way Cluster API
 * follows references. On the embedded runtime only the simulated infrastructure exists; cloud
 * kinds (AWS, OpenStack, Docker, Hetzner, ...) get a terminal error that points to the capi
 * provider.
 */

import {
  hostedControlPlaneSpec,
  machineControlPlaneSpec,
  workerBootstrapOptions,
} from './bootstrap/from-objects.js';
import { k0sBootstrap } from './bootstrap/k0s.js';
import { kubeadmBootstrap } from './bootstrap/kubeadm.js';
import type {
  BootstrapBinding,
  BootstrapProvider,
  ControlPlaneBinding,
  HostedControlPlaneProvider,
  InfrastructureProvider,
  ObjectRef,
  RenderedObject,
} from './contract.js';
import { TerminalProviderError } from './errors.js';
import { describeRef, refGroup, refOf } from './objects.js';

export const INFRASTRUCTURE_GROUP = 'infrastructure.cluster.x-k8s.io';
export const SIMULATED_GROUP = 'infrastructure.clustermint.io';
export const BOOTSTRAP_GROUP = 'bootstrap.cluster.x-k8s.io';
export const CONTROL_PLANE_GROUP = 'controlplane.cluster.x-k8s.io';

type Distribution = 'k0s' | 'kubeadm';

interface Entry<T> {
  group: string;
  kinds: string[];
  value: T;
}

function key(group: string, kind: string): string {
  return `${group}\u0000${kind}`;
}

export class ProviderRegistry {
  private readonly infra = new Map<string, InfrastructureProvider>();
  private readonly bootstrapKinds = new Map<
    string,
    { provider: BootstrapProvider; distribution: Distribution }
  >();
  private readonly machineControlPlanes = new Map<
    string,
    { provider: BootstrapProvider; distribution: Distribution }
  >();
  private readonly hostedControlPlanes = new Map<string, HostedControlPlaneProvider>();
  /** Where to send people for kinds this runtime does not serve. */
  private readonly runtime: string;

  constructor(runtime = 'the embedded runtime') {
    this.runtime = runtime;
  }

  /** Serve infrastructure cluster and machine (template) kinds of a group. */
  registerInfrastructure(e: Entry<InfrastructureProvider>): this {
    for (const k of e.kinds) this.infra.set(key(e.group, k), e.value);
    return this;
  }

  registerBootstrap(e: Entry<{ provider: BootstrapProvider; distribution: Distribution }>): this {
    for (const k of e.kinds) this.bootstrapKinds.set(key(e.group, k), e.value);
    return this;
  }

  registerMachineControlPlane(e: Entry<{ provider: BootstrapProvider; distribution: Distribution }>): this {
    for (const k of e.kinds) this.machineControlPlanes.set(key(e.group, k), e.value);
    return this;
  }

  registerHostedControlPlane(e: Entry<HostedControlPlaneProvider>): this {
    for (const k of e.kinds) this.hostedControlPlanes.set(key(e.group, k), e.value);
    return this;
  }

  /** The infrastructure provider of a cluster infrastructure or machine (template) object or ref. */
  infrastructureFor(objOrRef: RenderedObject | ObjectRef): InfrastructureProvider {
    const ref = refOf(objOrRef);
    const p = this.infra.get(key(refGroup(ref), ref.kind));
    if (!p) throw this.noPlugin('infrastructure', ref);
    return p;
  }

  /** Whether a built-in plugin serves this infrastructure kind (else the capi provider may). */
  servesInfrastructure(ref: ObjectRef): boolean {
    return this.infra.has(key(refGroup(ref), ref.kind));
  }

  /** The bootstrap generator of a bootstrap config (template), with the options it sets. */
  bootstrapFor(obj: RenderedObject): BootstrapBinding {
    const ref = refOf(obj);
    const b = this.bootstrapKinds.get(key(refGroup(ref), ref.kind));
    if (!b) throw this.noPlugin('bootstrap', ref);
    const { options, unresolvedFiles } = workerBootstrapOptions(obj, b.distribution);
    return { kind: obj.kind, provider: b.provider, options, unresolvedFiles };
  }

  /** Machine-based (with its bootstrap generator) or hosted (with its provider). */
  controlPlaneFor(obj: RenderedObject): ControlPlaneBinding {
    const ref = refOf(obj);
    const k = key(refGroup(ref), ref.kind);
    const m = this.machineControlPlanes.get(k);
    if (m)
      return {
        mode: 'machines',
        kind: obj.kind,
        spec: machineControlPlaneSpec(obj, m.distribution),
        bootstrap: m.provider,
      };
    const h = this.hostedControlPlanes.get(k);
    if (h) return { mode: 'hosted', kind: obj.kind, spec: hostedControlPlaneSpec(obj), provider: h };
    throw this.noPlugin('control-plane', ref);
  }

  private noPlugin(role: string, ref: ObjectRef): TerminalProviderError {
    return new TerminalProviderError(
      'NoProviderPlugin',
      `no provider plugin for ${describeRef(ref)} on ${this.runtime}; use the capi provider in a management cluster` +
        (role === 'infrastructure' && this.infra.size
          ? `; served here: ${[...new Set([...this.infra.keys()].map((k) => k.split('\u0000')[1]))].sort().join(', ')}`
          : ''),
    );
  }
}

/**
 * The embedded runtime's registry: the simulated cloud for SimulatedCluster /
 * SimulatedMachineTemplate and hosted control planes (K0smotronControlPlane), k0s and kubeadm
 * user data for K0s* and Kubeadm* bootstrap and control-plane kinds.
 */
export function embeddedRegistry(
  simulated: InfrastructureProvider & HostedControlPlaneProvider,
): ProviderRegistry {
  const k0s = { provider: k0sBootstrap, distribution: 'k0s' as const };
  const kubeadm = { provider: kubeadmBootstrap, distribution: 'kubeadm' as const };
  return new ProviderRegistry()
    .registerInfrastructure({
      group: SIMULATED_GROUP,
      kinds: ['SimulatedCluster', 'SimulatedMachineTemplate', 'SimulatedMachine'],
      value: simulated,
    })
    .registerBootstrap({
      group: BOOTSTRAP_GROUP,
      kinds: ['K0sWorkerConfigTemplate', 'K0sWorkerConfig'],
      value: k0s,
    })
    .registerBootstrap({
      group: BOOTSTRAP_GROUP,
      kinds: ['KubeadmConfigTemplate', 'KubeadmConfig'],
      value: kubeadm,
    })
    .registerMachineControlPlane({ group: CONTROL_PLANE_GROUP, kinds: ['K0sControlPlane'], value: k0s })
    .registerMachineControlPlane({
      group: CONTROL_PLANE_GROUP,
      kinds: ['KubeadmControlPlane'],
      value: kubeadm,
    })
    .registerHostedControlPlane({
      group: CONTROL_PLANE_GROUP,
      kinds: ['K0smotronControlPlane'],
      value: simulated,
    });
}
