/**
 * Rules for changes on UPDATE: which template a ClusterDeployment may move to (k0rdent's
 * `status.availableUpgrades`), and how far a Kubernetes version may move (no downgrade, no
 * major change, at most one minor version at a time, as Cluster API's topology webhook and
 * the Kubernetes version skew policy allow). Pure.
 */
import type { Chart } from '../api/chart.js';
import { parseSemver, type SemVer } from '../render/chart/semver.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';

const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Names in a ClusterDeployment's `status.availableUpgrades` (strings, or `{name}` entries). */
export function availableUpgrades(oldObject: PlainObject | undefined): string[] {
  const list = obj(oldObject?.status).availableUpgrades;
  if (!Array.isArray(list)) return [];
  return list.flatMap((e) => {
    const name = typeof e === 'string' ? e : str(obj(e).name);
    return name ? [name] : [];
  });
}

/** k0rdent's rule: a changed `spec.template` must be one of the old object's available upgrades. */
export function templateChangeError(
  from: string,
  to: string,
  upgrades: readonly string[],
): string | undefined {
  if (from === to || upgrades.includes(to)) return undefined;
  const listed = upgrades.length ? upgrades.join(', ') : 'none';
  return `spec.template: cluster upgrade is forbidden: cannot upgrade from ${from} to ${to}: this upgrade sequence is not allowed (status.availableUpgrades: ${listed})`;
}

/** A Kubernetes version such as `v1.31.2`, `1.31.2+k0s.0` or `v1.31.2-k0s.0`. */
export function kubeVersion(s: string | undefined): SemVer | undefined {
  return s ? parseSemver(s.trim()) : undefined;
}

const short = (v: SemVer) => `v${v.major}.${v.minor}.${v.patch}`;

/** Why a move between two Kubernetes versions is not allowed, or undefined when it is. */
export function versionSkewError(field: string, from: string, to: string): string | undefined {
  const a = kubeVersion(from);
  const b = kubeVersion(to);
  if (!a || !b) return undefined;
  const prefix = `${field}: Kubernetes version cannot change from ${short(a)} to ${short(b)}`;
  if (a.major !== b.major) return `${prefix}: the major version cannot change`;
  if (b.minor < a.minor || (b.minor === a.minor && b.patch < a.patch))
    return `${prefix}: downgrades are not allowed`;
  if (b.minor > a.minor + 1)
    return `${prefix}: upgrade one minor version at a time (next: v${a.major}.${a.minor + 1})`;
  return undefined;
}

/**
 * The Kubernetes version of rendered objects: the control plane's `spec.version`, else a
 * MachineDeployment's, else a Cluster's `spec.topology.version`.
 */
export function renderedKubeVersion(objects: readonly PlainObject[]): string | undefined {
  const find = (match: (o: PlainObject) => boolean, get: (o: PlainObject) => unknown) => {
    for (const o of objects) if (match(o) && str(get(o))) return str(get(o));
    return undefined;
  };
  return (
    find(
      (o) => typeof o.kind === 'string' && o.kind.endsWith('ControlPlane'),
      (o) => obj(o.spec).version,
    ) ??
    find(
      (o) => o.kind === 'MachineDeployment',
      (o) => obj(obj(obj(o.spec).template).spec).version,
    ) ??
    find(
      (o) => o.kind === 'Cluster',
      (o) => obj(obj(o.spec).topology).version,
    )
  );
}

/**
 * A chart's default Kubernetes version: the `clustermint.io/k8s-version` annotation, else the
 * default `k0s.version` / `kubernetesVersion` value, else appVersion.
 */
export function chartKubeVersion(chart: Chart): string | undefined {
  if (chart.k8sVersion) return chart.k8sVersion;
  const values = obj(chart.values?.doc.value);
  return str(obj(values.k0s).version) ?? str(values.kubernetesVersion) ?? str(chart.metadata.appVersion);
}
