/**
 * The upgrade-path rule, one for every entry point (the webhook, `plan`, `apply` and the
 * controller): planned as Cluster API's topology controller does it without a version list in
 * the class: the control plane moves one minor version at a time and never back. When the
 * target skips minors, the intermediate steps use the newest known version of each skipped
 * minor (from the templates of the deployment's chains, else KNOWN_KUBERNETES_VERSIONS); an
 * unknown intermediate minor refuses the upgrade. Workers follow once the control plane is at
 * the target, in jumps of at most three minors (the kubelet skew policy).
 */
import {
  compareVersions,
  kubernetesVersion,
  type ParsedVersion,
  tryParseVersion,
} from './kubernetes-version.js';

/**
 * The documented list of intermediate versions (newest patch per minor that k0s ships), used to
 * plan a multi-minor upgrade when the chains' templates do not name one.
 */
export const KNOWN_KUBERNETES_VERSIONS: readonly string[] = [
  'v1.27.16',
  'v1.28.15',
  'v1.29.15',
  'v1.30.14',
  'v1.31.12',
  'v1.32.8',
  'v1.33.4',
  'v1.34.1',
];

export type PlanResult =
  | { ok: true; steps: string[] }
  | { ok: false; reason: 'DowngradeRefused' | 'SkippedMinor' | 'InvalidVersion'; message: string };

const tryParse = tryParseVersion;

/** The newest known version per minor (`1.31` -> `v1.31.12`). */
function newestPerMinor(known: readonly string[]): Map<string, ParsedVersion> {
  const out = new Map<string, ParsedVersion>();
  for (const k of known) {
    const p = tryParse(k);
    if (!p) continue;
    const key = `${p.major}.${p.minor}`;
    const old = out.get(key);
    if (!old || compareVersions(p, old) > 0) out.set(key, p);
  }
  return out;
}

/**
 * The control-plane steps from `current` to `target` (empty when already there): the newest
 * known version of every skipped minor, then the target.
 */
export function planControlPlaneUpgrade(
  current: string,
  target: string,
  known: readonly string[],
): PlanResult {
  const from = tryParse(current);
  const to = tryParse(target);
  if (!from || !to)
    return {
      ok: false,
      reason: 'InvalidVersion',
      message: `cannot plan an upgrade from ${current} to ${target}: not Kubernetes versions`,
    };
  const cmp = compareVersions(to, from);
  if (cmp === 0) return { ok: true, steps: [] };
  if (cmp < 0)
    return {
      ok: false,
      reason: 'DowngradeRefused',
      message: `version cannot be decreased from ${from.kubernetes} to ${to.kubernetes}: Kubernetes does not support downgrades`,
    };
  if (to.major !== from.major)
    return {
      ok: false,
      reason: 'SkippedMinor',
      message: `cannot compute an upgrade plan from ${from.kubernetes} to ${to.kubernetes}: the major version changes`,
    };
  const perMinor = newestPerMinor(known);
  const steps: string[] = [];
  const missing: string[] = [];
  for (let m = from.minor + 1; m < to.minor; m++) {
    const v = perMinor.get(`${from.major}.${m}`);
    if (v) steps.push(v.kubernetes);
    else missing.push(`v${from.major}.${m}`);
  }
  if (missing.length)
    return {
      ok: false,
      reason: 'SkippedMinor',
      message: `cannot upgrade from ${from.kubernetes} to ${to.kubernetes}: the control plane moves one minor version at a time and no version of ${missing.join(', ')} is known for the intermediate step${missing.length > 1 ? 's' : ''} (add a template with that version to a ClusterTemplateChain, or upgrade one minor version at a time)`,
    };
  steps.push(to.kubernetes);
  return { ok: true, steps };
}

/**
 * The version workers move to next when they are at `current` and the control plane is at
 * `target` (all the control-plane steps done): the target when at most three minors away, else
 * the control-plane step three minors up.
 */
export function nextWorkerVersion(current: string, target: string, cpSteps: readonly string[]): string {
  const from = tryParse(current);
  const to = tryParse(target);
  if (!from || !to || to.major !== from.major || to.minor - from.minor <= 3) return kubernetesVersion(target);
  const want = from.minor + 3;
  const step = cpSteps.map((s) => tryParse(s)).find((p) => p && p.minor === want);
  return step?.kubernetes ?? kubernetesVersion(target);
}

/** The versions a plan may step through: the documented list plus the versions of the templates a namespace's chains name. */
export function knownVersions(
  base: readonly string[],
  templateVersions: readonly (string | undefined)[],
): string[] {
  const out = [...base];
  for (const v of templateVersions) if (v) out.push(kubernetesVersion(v));
  return out;
}

/**
 * Why a move of the control plane from `from` to `to` cannot be carried out, or undefined when it
 * can (the same plan the controller follows, so the webhook admits exactly what the controller
 * will roll out, and refuses with the controller's words). `field` prefixes the message.
 */
export function upgradePathError(
  field: string,
  from: string,
  to: string,
  known: readonly string[],
): string | undefined {
  if (!tryParse(from) || !tryParse(to)) return undefined;
  const plan = planControlPlaneUpgrade(from, to, known);
  return plan.ok ? undefined : `${field}: ${plan.message}`;
}
