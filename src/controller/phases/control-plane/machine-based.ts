/**
 * A control plane of this deployment's own machines: one change at a time with surge, one
 * upgrade step at a time (only while it is stable and no MachineDeployment rolls), new machines
 * in the least used failure domain.
 */
import type { Machine } from '../../../api/machine.js';
import type {
  BootstrapOptions,
  ControlPlaneBinding,
  RenderedObject as ProviderObject,
} from '../../../providers/contract.js';
import { DesiredStateError } from '../../desired.js';
import { type BootRecipe, createMachine, deleteMachine, hashOf } from '../../machines.js';
import { pickFailureDomain } from '../../planners/failure-domain.js';
import { maxVersion, minVersion, rolledTo, stepNumber } from '../../planners/rolled-version.js';
import { isDeleting, isReady, planPool } from '../../pool.js';
import { withBootstrapFiles } from '../bootstrap.js';
import type {
  ControlPlaneFrame,
  ControlPlaneRoll,
  ControlPlaneState,
  ControlPlaneStrategy,
  PreparedControlPlane,
} from './strategy.js';

type MachinesBinding = Extract<ControlPlaneBinding, { mode: 'machines' }>;

const isControlPlane = (m: Machine) => m.spec.role === 'control-plane';

/** The version a machine control plane is at: rolled to (stored), else its newest machine's, else the target. */
export function startingVersion(
  stored: string | undefined,
  machines: readonly Machine[],
  target: string,
): string {
  const cp = machines.filter(isControlPlane);
  return rolledTo(stored, cp, target) ?? maxVersion(cp.map((m) => m.spec.version)) ?? target;
}

export class MachineControlPlane implements ControlPlaneStrategy {
  readonly mode = 'machines' as const;
  readonly unit = 'machines';
  readonly readyUnit = 'machines';
  private options: BootstrapOptions | undefined;
  /** Template hashes by version: the strategy lives for one pass, whose rounds roll again. */
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly f: ControlPlaneFrame,
    private readonly cp: MachinesBinding,
  ) {}

  async prepare(stored: readonly Machine[]): Promise<PreparedControlPlane> {
    const { ctx, desired } = this.f;
    const version = startingVersion(ctx.status.controlPlane?.version, stored, this.f.target);
    const r = await withBootstrapFiles(
      ctx,
      this.cp.spec.bootstrapOptions,
      this.cp.spec.unresolvedFiles,
      `control plane ${desired.controlPlane.metadata.name}`,
    );
    this.options = r.options;
    return { version, outcome: r.outcome };
  }

  bootRecipe(): BootRecipe | undefined {
    if (!this.options) return undefined;
    return { bootstrap: this.cp.bootstrap, options: this.options, template: this.machineTemplate() };
  }

  /** The infrastructure template of its machines, among the objects last applied. */
  private machineTemplate(): ProviderObject {
    const { kind, name } = this.cp.spec.machineTemplate;
    const objs = (this.f.ctx.status.applied?.objects ?? []) as unknown as ProviderObject[];
    const hit = objs.find((o) => o.kind === kind && o.metadata?.name === name);
    if (!hit)
      throw new DesiredStateError(
        'MissingObject',
        `machine template ${kind} ${JSON.stringify(name)} is not among the rendered objects`,
      );
    return hit;
  }

  async roll(input: ControlPlaneRoll): Promise<{ state: ControlPlaneState; outcome: { busy: boolean } }> {
    const { ctx, desired, target } = this.f;
    const { machineContext } = input;
    const { spec } = this.cp;
    const template = this.machineTemplate();
    const hashFor = (v: string) => {
      let h = this.hashes.get(v);
      if (h === undefined) {
        h = hashOf([v, template.spec, { ...spec.bootstrapOptions, distributionVersion: undefined }]);
        this.hashes.set(v, h);
      }
      return h;
    };
    const cpMachines = input.machines.filter(isControlPlane);
    const settled = (hash: string) =>
      cpMachines.every((m) => !isDeleting(m) && isReady(m) && m.spec.templateHash === hash);
    let version = input.version;
    // Next step of an upgrade: the control plane is stable and no workers are rolling.
    const stable = cpMachines.length === spec.replicas && settled(hashFor(version));
    if (version !== target && stable && !input.workersRolling && input.steps.length > 0) {
      const from = version;
      version = input.steps[0];
      await ctx.event(
        'ControlPlaneUpgrade',
        `upgrading the control plane from ${from} to ${version} (step ${stepNumber(input.steps, version, ctx.status.upgrade?.controlPlaneSteps)})`,
      );
    }
    const hash = hashFor(version);
    const plan = planPool({
      replicas: spec.replicas,
      machines: cpMachines,
      templateHash: hash,
      unhealthy: input.unhealthy,
      maxSurge: 1,
      maxUnavailable: 0,
      oneAtATime: true,
    });
    let initialized = ctx.status.controlPlane?.initialized === true;
    const recipe = this.bootRecipe();
    for (let i = 0; recipe && i < plan.create; i++) {
      const live = cpMachines.filter((m) => !isDeleting(m));
      const m = await createMachine(
        machineContext,
        {
          role: 'control-plane',
          pool: desired.controlPlane.metadata.name,
          version,
          bootstrapRole: live.length === 0 && !initialized ? 'control-plane-init' : 'control-plane-join',
          templateHash: hash,
          infrastructureTemplate: `${template.kind}/${template.metadata.name}`,
          ...pickFailureDomain(input.infrastructure, cpMachines, input.unhealthy),
        },
        {},
        recipe,
        cpMachines.map((x) => x.metadata.name),
      );
      cpMachines.push(m);
      input.machines.push(m);
    }
    for (const m of recipe ? plan.delete : [])
      await deleteMachine(
        machineContext,
        m,
        m.spec.templateHash !== hash
          ? `replaced by a machine at ${version}`
          : `scaling the control plane down to ${spec.replicas}`,
      );
    const live = cpMachines.filter((m) => !isDeleting(m));
    const readyReplicas = live.filter(isReady).length;
    if (readyReplicas > 0) initialized = true;
    const nowStable = live.length === spec.replicas && settled(hash);
    return {
      state: {
        version,
        stable: nowStable,
        initialized,
        replicas: spec.replicas,
        readyReplicas,
        updatedReplicas: live.filter((m) => m.spec.templateHash === hash).length,
        k8sVersion: minVersion(live.filter(isReady).map((m) => m.spec.version)),
      },
      outcome: { busy: plan.create > 0 || plan.delete.length > 0 || !nowStable },
    };
  }

  /** Its machines went with the deployment's other machines: nothing else to delete. */
  async teardown(): Promise<undefined> {
    return undefined;
  }
}
