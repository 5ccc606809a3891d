/**
 * Whether a change may be applied (pure): a new template must be an upgrade a chain allows; the
 * control plane may not go down or skip a minor it has no intermediate version for; a
 * MachineDeployment may not go down. The rules are domain/'s; this only asks them.
 */

import { compareKubernetes, kubernetesVersion } from '../../domain/kubernetes-version.js';
import { machineCeilingError } from '../../domain/machine-ceiling.js';
import { templateChangeError } from '../../domain/template-upgrades.js';
import { planControlPlaneUpgrade } from '../../domain/upgrade-path.js';
import type { DesiredCluster } from '../desired.js';
import type { DeploymentStatus, Refusal } from '../status.js';

/** A template change no ClusterTemplateChain of the namespace allows (the domain's rule and words). */
export function templateChangeRefusal(
  applied: { template: string } | undefined,
  template: string,
  availableUpgrades: readonly string[],
): Refusal | undefined {
  const message = applied && templateChangeError(applied.template, template, availableUpgrades);
  return message ? { reason: 'UpgradeNotAllowed', message } : undefined;
}

/** Rendered objects that ask for more machines than the platform allows (the domain's rule and words). */
export function machineCeilingRefusal(
  objects: readonly { apiVersion?: unknown; kind?: unknown; spec?: unknown }[],
  ceiling: number,
): Refusal | undefined {
  const message = machineCeilingError(objects, ceiling);
  return message ? { reason: 'TooManyMachines', message } : undefined;
}

/** The Kubernetes version a control-plane object asks for. */
export function versionOfControlPlane(cp: { spec?: unknown }): string | undefined {
  const v = (cp.spec as { version?: unknown } | undefined)?.version;
  return typeof v === 'string' ? kubernetesVersion(v) : undefined;
}

/** A downgrade or an unplannable skipped minor of the control plane or a MachineDeployment. */
export function versionRefusal(
  desired: Pick<DesiredCluster, 'controlPlane' | 'machineDeployments'>,
  status: Pick<DeploymentStatus, 'controlPlane' | 'machineDeployments'>,
  known: readonly string[],
): Refusal | undefined {
  const target = versionOfControlPlane(desired.controlPlane);
  const current = status.controlPlane?.version;
  if (target && current) {
    const plan = planControlPlaneUpgrade(current, target, known);
    if (!plan.ok) return { reason: plan.reason, message: plan.message };
  }
  for (const md of desired.machineDeployments) {
    const cur = status.machineDeployments?.find((p) => p.name === md.name)?.version;
    if (cur && compareKubernetes(kubernetesVersion(md.version), cur) < 0)
      return {
        reason: 'DowngradeRefused',
        message: `MachineDeployment ${md.name}: version cannot be decreased from ${cur} to ${kubernetesVersion(md.version)}`,
      };
  }
  return undefined;
}
