/**
 * Kubernetes versions as every entry point reads them: parsing (with a distribution suffix such as
 * k0s's `+k0s.N`), ordering, the version a template installs, and the version rendered objects ask
 * for. One definition, so `check`, `plan`, the webhook and the controller agree on "which version".
 */
import { ClustermintError } from '../util/errors.js';
import { ANNOTATION_K8S_VERSION, ANNOTATION_K8S_VERSION_K0RDENT } from './labels.js';

/** A Kubernetes version with an optional distribution suffix (k0s: `+k0s.N`, k0smotron: `-k0s.N`). */
export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
  /** `v1.33.4` */
  kubernetes: string;
  /** The k0s build number when the version names one (`v1.33.4+k0s.2` -> 2). */
  k0sBuild?: number;
}

const VERSION = /^v?(\d{1,4})\.(\d{1,4})\.(\d{1,4})(?:[+-]k0s\.(\d{1,4}))?$/;

/** The version, or undefined when the text is not a Kubernetes version. */
export function tryParseVersion(text: string): ParsedVersion | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const out: ParsedVersion = { major, minor, patch, kubernetes: `v${major}.${minor}.${patch}` };
  if (m[4] !== undefined) out.k0sBuild = Number(m[4]);
  return out;
}

export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Kubernetes version without a distribution suffix: `v1.33.4+k0s.0` -> `v1.33.4`. */
export function kubernetesVersion(v: string): string {
  return tryParseVersion(v)?.kubernetes ?? v;
}

/** Orders two versions; text that is not a version orders as a string. */
export function compareKubernetes(a: string, b: string): number {
  const pa = tryParseVersion(a);
  const pb = tryParseVersion(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  return compareVersions(pa, pb);
}

/** What the version rule needs of a template (a chart): its annotations' version, defaults, appVersion. */
export interface VersionedTemplate {
  /** `clustermint.io/k8s-version` (or k0rdent's `k0rdent.mirantis.com/k8s-version`) when set. */
  k8sVersion?: string;
  metadata: { appVersion?: string; annotations?: Record<string, string> };
  /** The chart's default values (a Chart's `values.yaml`). */
  values?: { doc: { value: unknown } };
}

const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The Kubernetes version a template installs by default: its k8s-version annotation, else its
 * default `k0s.version` or `kubernetesVersion` value, else its appVersion (k0rdent's charts carry
 * the k0s release there). Undefined when none is set.
 */
export function templateKubeVersion(t: VersionedTemplate): string | undefined {
  const ann = t.metadata.annotations ?? {};
  const values = record(t.values?.doc.value);
  return (
    text(t.k8sVersion) ??
    text(ann[ANNOTATION_K8S_VERSION]) ??
    text(ann[ANNOTATION_K8S_VERSION_K0RDENT]) ??
    text(record(values.k0s).version) ??
    text(values.kubernetesVersion) ??
    text(t.metadata.appVersion)
  );
}

/**
 * The version of a template found by `resolve`, or undefined when it resolves to nothing here (a
 * chain may name templates this process does not have). Only a ClustermintError means "not
 * here"; anything else is a fault and is thrown.
 */
export function resolvedTemplateKubeVersion(
  resolve: (name: string) => VersionedTemplate,
  name: string,
): string | undefined {
  if (!name) return undefined;
  try {
    return templateKubeVersion(resolve(name));
  } catch (e) {
    if (e instanceof ClustermintError) return undefined;
    throw e;
  }
}

/**
 * The Kubernetes version rendered objects ask for: the control plane's `spec.version`, else a
 * MachineDeployment's, else a topology Cluster's `spec.topology.version`.
 */
export function renderedKubeVersion(objects: readonly unknown[]): string | undefined {
  const find = (
    match: (o: Record<string, unknown>) => boolean,
    get: (o: Record<string, unknown>) => unknown,
  ) => {
    for (const raw of objects) {
      const o = record(raw);
      if (match(o) && text(get(o))) return text(get(o));
    }
    return undefined;
  };
  return (
    find(
      (o) => typeof o.kind === 'string' && o.kind.endsWith('ControlPlane'),
      (o) => record(o.spec).version,
    ) ??
    find(
      (o) => o.kind === 'MachineDeployment',
      (o) => record(record(record(o.spec).template).spec).version,
    ) ??
    find(
      (o) => o.kind === 'Cluster',
      (o) => record(record(o.spec).topology).version,
    )
  );
}
