/** Which version a pool is at, and how an upgrade is counted (pure). */
import type { Machine } from '../../api/machine.js';
import { compareKubernetes, kubernetesVersion } from '../../domain/kubernetes-version.js';
import { ANNOTATION_UPGRADE_CONCURRENCY } from '../../domain/labels.js';
import { isDeleting } from '../pool.js';

export function maxVersion(vs: readonly string[]): string | undefined {
  return vs.length ? vs.map(kubernetesVersion).sort(compareKubernetes).at(-1) : undefined;
}

export function minVersion(vs: readonly string[]): string | undefined {
  return vs.length ? vs.map(kubernetesVersion).sort(compareKubernetes)[0] : undefined;
}

/**
 * The version a pool is rolling to: the stored status's, or newer when live machines of a
 * later step exist (a reconciler killed after creating them, before storing its status), so
 * that a restart continues the step instead of replacing the new machines with old ones.
 */
export function rolledTo(
  stored: string | undefined,
  machines: readonly Machine[],
  target: string,
): string | undefined {
  if (stored === undefined) return undefined;
  const newer = machines
    .filter((m) => !isDeleting(m))
    .map((m) => kubernetesVersion(m.spec.version))
    .filter((v) => compareKubernetes(v, stored) > 0 && compareKubernetes(v, target) <= 0);
  return maxVersion([stored, ...newer]);
}

/** "step i of n" of a control-plane upgrade, counted in the plan stored when it began. */
export function stepNumber(
  steps: readonly string[],
  v: string,
  storedSteps: readonly string[] | undefined,
): string {
  const all = storedSteps?.length ? storedSteps : steps;
  const i = all.indexOf(v);
  return i < 0 ? `1 of ${steps.length}` : `${i + 1} of ${all.length}`;
}

/** How many MachineDeployments may upgrade at once: the deployment's annotation, else the Cluster's, else 1. */
export function upgradeConcurrency(
  deploymentAnnotations: Readonly<Record<string, string>>,
  clusterAnnotations: Readonly<Record<string, string>>,
): number {
  const raw =
    deploymentAnnotations[ANNOTATION_UPGRADE_CONCURRENCY] ??
    clusterAnnotations[ANNOTATION_UPGRADE_CONCURRENCY];
  const n = raw === undefined ? 1 : Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}
