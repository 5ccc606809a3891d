/**
 * `.Capabilities` as `helm template` (client-only) builds it: Helm's default capabilities (the
 * Kubernetes version of the client-go it was built with, and the API versions client-go's scheme
 * knows) with `--kube-version` and `--api-versions` applied.
 */
import { goQuote } from '../../go/fmt.js';
import { type GoFunc, GoObject, GoSlice } from '../gotemplate/index.js';

/** Helm v4.3.2 is built with client-go v0.37: its default Kubernetes version. */
export const DEFAULT_KUBE_VERSION = 'v1.37.0';
export const HELM_VERSION = {
  Version: 'v4.3.2',
  GitCommit: '',
  GitTreeState: 'clean',
  GoVersion: 'go1.26.8',
  KubeClientVersion: 'v1.37',
};

/**
 * `helm template`'s default API versions: client-go v0.37.2's scheme, prioritized, plus
 * apiextensions v1beta1 and v1 (what Helm v4.3.2 prints for `.Capabilities.APIVersions`).
 */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1alpha1',
  'admissionregistration.k8s.io/v1beta1',
  'internal.apiserver.k8s.io/v1alpha1',
  'apps/v1',
  'apps/v1beta1',
  'apps/v1beta2',
  'authentication.k8s.io/v1',
  'authentication.k8s.io/v1alpha1',
  'authentication.k8s.io/v1beta1',
  'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'batch/v1beta1',
  'certificates.k8s.io/v1',
  'certificates.k8s.io/v1beta1',
  'certificates.k8s.io/v1alpha1',
  'coordination.k8s.io/v1alpha2',
  'coordination.k8s.io/v1beta1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'discovery.k8s.io/v1beta1',
  'events.k8s.io/v1',
  'events.k8s.io/v1beta1',
  'extensions/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2',
  'flowcontrol.apiserver.k8s.io/v1beta3',
  'lifecycle.k8s.io/v1alpha1',
  'networking.k8s.io/v1',
  'networking.k8s.io/v1beta1',
  'node.k8s.io/v1',
  'node.k8s.io/v1alpha1',
  'node.k8s.io/v1beta1',
  'policy/v1',
  'policy/v1beta1',
  'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1',
  'rbac.authorization.k8s.io/v1alpha1',
  'resource.k8s.io/v1',
  'resource.k8s.io/v1beta2',
  'resource.k8s.io/v1beta1',
  'resource.k8s.io/v1alpha3',
  'scheduling.k8s.io/v1alpha3',
  'scheduling.k8s.io/v1beta1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1beta1',
  'storage.k8s.io/v1',
  'storage.k8s.io/v1alpha1',
  'storagemigration.k8s.io/v1',
  'storagemigration.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1',
];

export interface KubeVersionInfo {
  /** As given, with a leading v (v1.33.4-gke.1245000). */
  version: string;
  /** v<major>.<minor>.<patch>, what String() returns and constraints check. */
  normalized: string;
  major: string;
  minor: string;
}

/**
 * common.ParseKubeVersion: k8s.io's ParseGeneric (`v?MAJOR.MINOR[.PATCH]` with anything after
 * the numbers kept in Version only). Throws with Helm's text on a version it cannot read.
 */
export function parseKubeVersion(input: string): KubeVersionInfo {
  const m = /^\s*v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(.*)$/.exec(input);
  const bad = (why: string) => new Error(`invalid kube version '${input}': ${why}`);
  if (!m) throw bad(`could not parse ${goQuote(input)} as version`);
  const [, major, minor, patchGiven, rest] = m;
  const patch = patchGiven ?? '0';
  // ParseGeneric accepts only pre-release/build metadata after the numbers
  if (rest !== '' && !/^[-+][0-9A-Za-z.+-]*$/.test(rest!))
    throw bad(`could not parse ${goQuote(input)} as version`);
  for (const n of [major, minor, patch]) {
    if (n!.length > 1 && n!.startsWith('0'))
      throw bad(`illegal zero-prefixed version component ${goQuote(n!)} in ${goQuote(input)}`);
  }
  const num = (s: string) => String(Number.parseInt(s, 10));
  return {
    version: input.startsWith('v') ? input : `v${input}`,
    // k8s.io's Version.String() prints the components it was given
    normalized: `v${num(major!)}.${num(minor!)}${patchGiven === undefined ? '' : `.${num(patch)}`}`,
    major: num(major!),
    minor: num(minor!),
  };
}

/** helm template's Kubernetes version when --kube-version is not given. */
export const DEFAULT_KUBE: KubeVersionInfo = parseKubeVersion(DEFAULT_KUBE_VERSION);

class KubeVersionObject extends GoObject {
  readonly goType = 'common.KubeVersion';
  constructor(private readonly kv: KubeVersionInfo) {
    super();
  }
  override fields(): Record<string, unknown> {
    return { Version: this.kv.version, Major: this.kv.major, Minor: this.kv.minor };
  }
  methods(): Record<string, GoFunc> {
    return {
      String: { params: [], fn: () => this.kv.normalized },
      GitVersion: { params: [], fn: () => this.kv.version },
    };
  }
  toString(): string {
    return this.kv.normalized;
  }
  /** String has a pointer receiver: a copy prints as the struct. */
  override valueText(): string {
    const kv = this.kv;
    return `{${kv.version} ${kv.normalized} ${kv.major} ${kv.minor}}`;
  }
}

/** Helm's VersionSet: a []string with Has. */
class VersionSet extends GoSlice {
  constructor(versions: readonly string[]) {
    super('string', [...versions]);
  }
  override methods(): Record<string, GoFunc> {
    return { Has: { params: ['string'], fn: (v: string) => this.items.includes(v) } };
  }
}

class BuildInfoObject extends GoObject {
  readonly goType = 'version.BuildInfo';
  override fields(): Record<string, unknown> {
    return { ...HELM_VERSION };
  }
  methods(): Record<string, GoFunc> {
    return {};
  }
  toString(): string {
    const v = HELM_VERSION;
    return `{${v.Version} ${v.GitCommit} ${v.GitTreeState} ${v.GoVersion} ${v.KubeClientVersion}}`;
  }
}

class CapabilitiesObject extends GoObject {
  readonly goType = '*common.Capabilities';
  constructor(
    private readonly kube: KubeVersionObject,
    private readonly apis: VersionSet,
  ) {
    super();
  }
  override fields(): Record<string, unknown> {
    return { KubeVersion: this.kube, APIVersions: this.apis, HelmVersion: new BuildInfoObject() };
  }
  methods(): Record<string, GoFunc> {
    return {};
  }
  toString(): string {
    return `&{${this.kube.toString()} [${this.apis.items.join(' ')}] ${new BuildInfoObject().toString()}}`;
  }
}

export interface CapabilitiesOptions {
  kubeVersion?: KubeVersionInfo;
  /** Added to the default API versions (`--api-versions`). */
  apiVersions?: readonly string[];
}

export function makeCapabilities(options: CapabilitiesOptions): GoObject {
  const kube = options.kubeVersion ?? DEFAULT_KUBE;
  return new CapabilitiesObject(
    new KubeVersionObject(kube),
    new VersionSet([...DEFAULT_API_VERSIONS, ...(options.apiVersions ?? [])]),
  );
}
