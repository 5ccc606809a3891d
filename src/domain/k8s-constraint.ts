/**
 * Whether a workload cluster's Kubernetes version satisfies a ServiceTemplate's k8sConstraint,
 * with Masterminds semver v3's rules as k0rdent checks it (build metadata such as `+k0s.0`
 * ignored; a pre-release version satisfies only a constraint that names a pre-release).
 */
import { newVersion, parseConstraint, SemverError, satisfies } from '../go/semver-constraints.js';

export type K8sConstraintCheck =
  | { ok: true }
  | { ok: false; reason: 'K8sConstraintNotMet' | 'InvalidK8sConstraint'; message: string };

/** An empty constraint allows every version. */
export function checkK8sConstraint(constraint: string, version: string): K8sConstraintCheck {
  if (constraint.trim() === '') return { ok: true };
  let groups: ReturnType<typeof parseConstraint>;
  try {
    groups = parseConstraint(constraint);
  } catch (e) {
    if (!(e instanceof SemverError)) throw e;
    return {
      ok: false,
      reason: 'InvalidK8sConstraint',
      message: `k8sConstraint ${JSON.stringify(constraint)} is not a semantic version constraint: ${e.message}`,
    };
  }
  let parsed: ReturnType<typeof newVersion>;
  try {
    parsed = newVersion(version);
  } catch (e) {
    if (!(e instanceof SemverError)) throw e;
    return {
      ok: false,
      reason: 'K8sConstraintNotMet',
      message: `the cluster's Kubernetes version ${JSON.stringify(version)} is not a semantic version (${e.message}), so k8sConstraint ${JSON.stringify(constraint)} cannot be met`,
    };
  }
  if (satisfies(parsed, groups)) return { ok: true };
  return {
    ok: false,
    reason: 'K8sConstraintNotMet',
    message: `Kubernetes version ${version} does not satisfy k8sConstraint ${JSON.stringify(constraint)}`,
  };
}
