/**
 * A control plane a provider runs (`ensureControlPlane`): its endpoint is where workers join; an
 * upgrade moves it one step at a time, each once it is ready at the previous one.
 */
import type { Machine } from '../../../api/machine.js';
import { kubernetesVersion } from '../../../domain/kubernetes-version.js';
import { planControlPlaneUpgrade } from '../../../domain/upgrade-path.js';
import type {
  ControlPlaneBinding,
  HostedControlPlaneStatus,
  RenderedObject as ProviderObject,
} from '../../../providers/contract.js';
import { isTransientProviderError } from '../../../providers/errors.js';
import type { PhaseOutcome } from '../outcome.js';
import { startingVersion } from './machine-based.js';
import type {
  ControlPlaneFrame,
  ControlPlaneRoll,
  ControlPlaneState,
  ControlPlaneStrategy,
  PreparedControlPlane,
} from './strategy.js';

type HostedBinding = Extract<ControlPlaneBinding, { mode: 'hosted' }>;

/** The control-plane object with `version`, keeping a distribution suffix (`+k0s.0`) of the rendered one. */
export function withVersion(controlPlane: ProviderObject, version: string): ProviderObject {
  const obj = structuredClone(controlPlane);
  const raw = String((obj.spec as { version?: string }).version ?? '');
  const suffix = /-k0s\.\d+$/.exec(raw)?.[0] ?? /\+k0s\.\d+$/.exec(raw)?.[0] ?? '';
  (obj.spec as { version: string }).version =
    kubernetesVersion(raw) === version ? raw : `${version}${suffix.replace(/\d+$/, '0')}`;
  return obj;
}

export class HostedControlPlane implements ControlPlaneStrategy {
  readonly mode = 'hosted' as const;
  readonly unit = 'replicas';
  readonly readyUnit = 'replicas (hosted)';
  /** What the provider reported in `prepare`. */
  private observed: HostedControlPlaneStatus | undefined;

  constructor(
    private readonly f: ControlPlaneFrame,
    private readonly cp: HostedBinding,
  ) {}

  async prepare(stored: readonly Machine[]): Promise<PreparedControlPlane> {
    const { ctx, desired, clusterId, target } = this.f;
    const running = await this.cp.provider.getControlPlane(clusterId);
    let version = startingVersion(ctx.status.controlPlane?.version, stored, target);
    const stable =
      running?.ready &&
      running.phase === 'Ready' &&
      running.version &&
      kubernetesVersion(running.version) === version;
    if (stable && version !== target) {
      const plan = planControlPlaneUpgrade(version, target, ctx.knownVersions());
      if (plan.ok && plan.steps.length) {
        const from = version;
        version = plan.steps[0];
        await ctx.event(
          'ControlPlaneUpgrade',
          `upgrading the hosted control plane from ${from} to ${version}`,
        );
      }
    }
    // Stored with the step before the provider is asked: a terminal error leaves the step recorded.
    ctx.status.controlPlane = {
      ...(ctx.status.controlPlane ?? {
        mode: 'hosted',
        name: desired.controlPlane.metadata.name,
        targetVersion: target,
        replicas: 0,
        readyReplicas: 0,
        updatedReplicas: 0,
      }),
      mode: 'hosted',
      version,
    };
    let outcome: PhaseOutcome = {};
    try {
      this.observed = await this.cp.provider.ensureControlPlane({
        clusterId,
        controlPlane: withVersion(desired.controlPlane as ProviderObject, version),
      });
    } catch (e) {
      if (!isTransientProviderError(e)) throw e;
      outcome = { busy: true, retryAfterMs: e.retryAfterMs };
      this.observed = running;
    }
    return { version, ...(this.observed?.endpoint ? { endpoint: this.observed.endpoint } : {}), outcome };
  }

  bootRecipe(): undefined {
    return undefined;
  }

  async roll(input: ControlPlaneRoll): Promise<{ state: ControlPlaneState; outcome: PhaseOutcome }> {
    const h = this.observed;
    const { version } = input;
    const at = (v: string | undefined) => v !== undefined && v !== '' && kubernetesVersion(v) === version;
    const readyReplicas = h?.ready ? h.readyReplicas : 0;
    const stable = Boolean(h?.ready && h.phase === 'Ready' && at(h.version));
    return {
      state: {
        version,
        stable,
        initialized: this.f.ctx.status.controlPlane?.initialized === true || Boolean(h?.ready),
        replicas: this.cp.spec.replicas,
        readyReplicas,
        updatedReplicas: at(h?.version) ? readyReplicas : 0,
        k8sVersion: h?.version ? kubernetesVersion(h.version) : undefined,
      },
      outcome: { busy: !stable },
    };
  }

  async teardown(): Promise<string | undefined> {
    const st = await this.cp.provider.deleteControlPlane(this.f.clusterId);
    return st.phase === 'Deleted' ? undefined : 'deleting the hosted control plane';
  }
}
