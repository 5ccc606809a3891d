/**
 * k0rdent's ServiceSpec: the add-ons a ClusterDeployment (`spec.serviceSpec`) or a
 * MultiClusterService (`spec.serviceSpec`) puts on workload clusters, and the per-service state
 * the controller reports (`status.services[]`). `readServiceSpec` reads untrusted input into the
 * typed spec with defaults applied, or reports every problem with its JSON path.
 */
import type { AdmissionServiceFact } from '../domain/admission.js';
import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from '../k8s/names.js';
import type { PathSegment } from '../util/json-path.js';
import type { PlainObject } from '../util/plain-object.js';
import { Problems, type ReadResult } from './read-problems.js';

export const SYNC_MODES = ['OneTime', 'Continuous', 'ContinuousWithDriftDetection', 'DryRun'] as const;
/**
 * OneTime: applied once, never again. Continuous: re-applied when the service changes; drift on
 * the workload cluster is reported only. ContinuousWithDriftDetection: drift is put back.
 * DryRun: nothing applied, the plan is reported.
 */
export type SyncMode = (typeof SYNC_MODES)[number];

export const DEFAULT_SERVICE_NAMESPACE = 'default';
export const DEFAULT_PRIORITY = 100;
export const DEFAULT_SYNC_MODE: SyncMode = 'Continuous';
/** k0rdent's bounds for `priority` (higher wins a conflict). */
export const MIN_PRIORITY = 1;
export const MAX_PRIORITY = 2147483646;

/** Bounds on the lists a spec may hold: a hostile document is refused, not walked for minutes. */
export const SERVICE_LIMITS = {
  services: 1000,
  valuesFrom: 100,
  dependsOn: 100,
  driftExclusions: 100,
  paths: 100,
} as const;

export interface ValuesFromRef {
  kind: 'ConfigMap' | 'Secret';
  name: string;
}

/** Another service of the same spec this one waits for (namespace: "default" when not given, as in k0rdent). */
export interface ServiceDependency {
  name: string;
  namespace: string;
}

export interface Service {
  /** The release name (a DNS-1123 label). */
  name: string;
  /** Where the service is installed on the workload cluster; default "default". */
  namespace: string;
  /** The ServiceTemplate to install (its name). */
  template: string;
  templateChain?: string;
  version?: string;
  /** Helm values as YAML text (merged last, over valuesFrom). */
  values?: string;
  /** ConfigMaps / Secrets whose data keys hold YAML values, merged in order. */
  valuesFrom?: ValuesFromRef[];
  dependsOn?: ServiceDependency[];
  disable?: boolean;
  /** k0rdent's per-service Helm options: accepted, not used. */
  helmOptions?: PlainObject;
}

export interface DriftExclusionTarget {
  kind?: string;
  name?: string;
  namespace?: string;
}

/** Fields drift detection ignores: `/spec/replicas` (JSON pointer) or `spec.replicas` (dotted). */
export interface DriftExclusion {
  paths: string[];
  target?: DriftExclusionTarget;
}

export interface ServiceSpec {
  services: Service[];
  /** 1..2147483646, default 100; higher wins a conflict. */
  priority: number;
  syncMode: SyncMode;
  driftExclusions?: DriftExclusion[];
  stopOnConflict?: boolean;
  continueOnError?: boolean;
}

export const SERVICE_STATES = ['Provisioning', 'Deployed', 'Failed', 'Pending', 'Deleting'] as const;
export type ServiceStateName = (typeof SERVICE_STATES)[number];

/** One entry of `ClusterDeployment.status.services[]`. */
export interface ServiceState {
  name: string;
  namespace: string;
  template: string;
  version?: string;
  state: ServiceStateName;
  reason?: string;
  message?: string;
  /** Who asked for it: `MultiClusterService/ingress` or `ClusterDeployment/team-a/dev`. */
  owner: string;
  /** RFC 3339. */
  lastStateTransitionTime: string;
  /** Objects applied for it on the workload cluster. */
  objects?: number;
  /** Fields found changed on the workload cluster (`Deployment/ns/name: /spec/replicas`). */
  drift?: string[];
}

/** One entry of `MultiClusterService.status.services[]`: a ServiceState on a named cluster. */
export interface MultiClusterServiceState extends ServiceState {
  clusterName: string;
  clusterNamespace: string;
}

const SPEC_FIELDS = new Set([
  'services',
  'priority',
  'syncMode',
  'driftExclusions',
  'stopOnConflict',
  'continueOnError',
]);
/** k0rdent ServiceSpec fields clustermint does not implement: named, not called unknown. */
const SPEC_UNSUPPORTED = new Set(['provider', 'templateResourceRefs', 'policyRefs', 'driftIgnore', 'reload']);
const SERVICE_FIELDS = new Set([
  'name',
  'namespace',
  'template',
  'templateChain',
  'version',
  'values',
  'valuesFrom',
  'dependsOn',
  'disable',
  'helmOptions',
]);
const SERVICE_UNSUPPORTED = new Set(['helmAction']);
const TARGET_FIELDS = new Set(['kind', 'name', 'namespace']);
const VALUES_FROM_FIELDS = new Set(['kind', 'name']);
const DEPENDS_ON_FIELDS = new Set(['name', 'namespace']);
const DRIFT_FIELDS = new Set(['paths', 'target']);

/** A DNS-1123 label (release names, namespaces), or a problem. */
export function checkLabel(
  p: Problems,
  v: unknown,
  path: readonly PathSegment[],
  what: string,
): string | undefined {
  if (typeof v !== 'string' || v === '') {
    p.add(path, `${what} is required: a DNS-1123 label (lowercase letters, digits and "-", at most 63)`);
    return undefined;
  }
  if (v.length > 63 || !DNS1123_LABEL.test(v)) {
    p.add(
      path,
      `${what} ${JSON.stringify(v)} is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63)`,
    );
    return undefined;
  }
  return v;
}

/** An object name (a DNS-1123 subdomain, at most 253), or a problem. */
export function checkObjectName(
  p: Problems,
  v: unknown,
  path: readonly PathSegment[],
  what: string,
): string | undefined {
  if (typeof v !== 'string' || v === '') {
    p.add(path, `${what} is required`);
    return undefined;
  }
  if (v.length > 253 || !DNS1123_SUBDOMAIN.test(v)) {
    p.add(
      path,
      `${what} ${JSON.stringify(v)} is not a valid name (lowercase letters, digits, "-" and ".", at most 253)`,
    );
    return undefined;
  }
  return v;
}

/**
 * Reads a ServiceSpec found at `path` (e.g. `['spec', 'serviceSpec']`): defaults applied
 * (namespace "default", priority 100, syncMode Continuous), or every problem with its path.
 */
export function readServiceSpec(value: unknown, path: readonly PathSegment[]): ReadResult<ServiceSpec> {
  const p = new Problems();
  const spec = readServiceSpecInto(p, value, path);
  return p.result(spec ?? { services: [], priority: DEFAULT_PRIORITY, syncMode: DEFAULT_SYNC_MODE });
}

/** readServiceSpec for a caller that gathers problems of a larger object. */
export function readServiceSpecInto(
  p: Problems,
  value: unknown,
  path: readonly PathSegment[],
): ServiceSpec | undefined {
  const v = p.map(value, path, 'a map (services, priority, syncMode, ...)');
  if (!v) return undefined;
  p.unknownKeys(v, path, SPEC_FIELDS, SPEC_UNSUPPORTED);

  const services: Service[] = [];
  const list = p.optList(v.services, [...path, 'services'], SERVICE_LIMITS.services) ?? [];
  const seen = new Map<string, number>();
  list.forEach((raw, i) => {
    const at = [...path, 'services', i];
    const s = readService(p, raw, at);
    if (!s) return;
    const key = `${s.namespace}/${s.name}`;
    const first = seen.get(key);
    if (first !== undefined)
      p.add(at, `duplicate service ${key}: services[${first}] has the same name and namespace`);
    else seen.set(key, i);
    services.push(s);
  });

  let priority = DEFAULT_PRIORITY;
  if (v.priority !== undefined) {
    const n = v.priority;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_PRIORITY || n > MAX_PRIORITY)
      p.add(
        [...path, 'priority'],
        `must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY} (got ${JSON.stringify(n)})`,
      );
    else priority = n;
  }

  let syncMode = DEFAULT_SYNC_MODE;
  if (v.syncMode !== undefined) {
    if (typeof v.syncMode === 'string' && (SYNC_MODES as readonly string[]).includes(v.syncMode))
      syncMode = v.syncMode as SyncMode;
    else
      p.add(
        [...path, 'syncMode'],
        `unknown syncMode ${JSON.stringify(v.syncMode)}: one of ${SYNC_MODES.join(', ')}`,
      );
  }

  const driftExclusions = readDriftExclusions(p, v.driftExclusions, [...path, 'driftExclusions']);
  const stopOnConflict = p.optBoolean(v.stopOnConflict, [...path, 'stopOnConflict']);
  const continueOnError = p.optBoolean(v.continueOnError, [...path, 'continueOnError']);
  return {
    services,
    priority,
    syncMode,
    ...(driftExclusions ? { driftExclusions } : {}),
    ...(stopOnConflict !== undefined ? { stopOnConflict } : {}),
    ...(continueOnError !== undefined ? { continueOnError } : {}),
  };
}

function readService(p: Problems, raw: unknown, at: readonly PathSegment[]): Service | undefined {
  const v = p.map(raw, at, 'a map (name, namespace, template, ...)');
  if (!v) return undefined;
  p.unknownKeys(v, at, SERVICE_FIELDS, SERVICE_UNSUPPORTED);
  const name = checkLabel(p, v.name, [...at, 'name'], 'name');
  const namespace =
    v.namespace === undefined
      ? DEFAULT_SERVICE_NAMESPACE
      : checkLabel(p, v.namespace, [...at, 'namespace'], 'namespace');
  const template = checkObjectName(p, v.template, [...at, 'template'], 'template (a ServiceTemplate name)');
  const templateChain =
    v.templateChain === undefined
      ? undefined
      : checkObjectName(p, v.templateChain, [...at, 'templateChain'], 'templateChain');
  const version = p.optString(v.version, [...at, 'version']);
  let values: string | undefined;
  if (v.values !== undefined) {
    if (typeof v.values === 'string') values = v.values;
    else
      p.add(
        [...at, 'values'],
        'values must be a string of YAML (use `values: |` and indent the values under it)',
      );
  }
  const valuesFrom = readValuesFrom(p, v.valuesFrom, [...at, 'valuesFrom']);
  const dependsOn = readDependsOn(p, v.dependsOn, [...at, 'dependsOn']);
  const disable = p.optBoolean(v.disable, [...at, 'disable']);
  const helmOptions = v.helmOptions === undefined ? undefined : p.map(v.helmOptions, [...at, 'helmOptions']);
  if (name === undefined || namespace === undefined || template === undefined) return undefined;
  return {
    name,
    namespace,
    template,
    ...(templateChain !== undefined ? { templateChain } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(values !== undefined ? { values } : {}),
    ...(valuesFrom ? { valuesFrom } : {}),
    ...(dependsOn ? { dependsOn } : {}),
    ...(disable !== undefined ? { disable } : {}),
    ...(helmOptions ? { helmOptions } : {}),
  };
}

function readValuesFrom(p: Problems, raw: unknown, at: readonly PathSegment[]): ValuesFromRef[] | undefined {
  const list = p.optList(raw, at, SERVICE_LIMITS.valuesFrom);
  if (!list) return undefined;
  const out: ValuesFromRef[] = [];
  list.forEach((e, i) => {
    const v = p.map(e, [...at, i], 'a map (kind, name)');
    if (!v) return;
    p.unknownKeys(v, [...at, i], VALUES_FROM_FIELDS);
    let kind: ValuesFromRef['kind'] | undefined;
    if (v.kind === 'ConfigMap' || v.kind === 'Secret') kind = v.kind;
    else
      p.add([...at, i, 'kind'], `kind must be ConfigMap or Secret (got ${JSON.stringify(v.kind ?? null)})`);
    const name = checkObjectName(p, v.name, [...at, i, 'name'], 'name');
    if (kind && name) out.push({ kind, name });
  });
  return out;
}

function readDependsOn(
  p: Problems,
  raw: unknown,
  at: readonly PathSegment[],
): ServiceDependency[] | undefined {
  const list = p.optList(raw, at, SERVICE_LIMITS.dependsOn);
  if (!list) return undefined;
  const out: ServiceDependency[] = [];
  list.forEach((e, i) => {
    const v = p.map(e, [...at, i], 'a map with the name (and namespace) of another service');
    if (!v) return;
    p.unknownKeys(v, [...at, i], DEPENDS_ON_FIELDS);
    const name = checkLabel(p, v.name, [...at, i, 'name'], 'name');
    const namespace =
      v.namespace === undefined
        ? DEFAULT_SERVICE_NAMESPACE
        : checkLabel(p, v.namespace, [...at, i, 'namespace'], 'namespace');
    if (name && namespace) out.push({ name, namespace });
  });
  return out;
}

function readDriftExclusions(
  p: Problems,
  raw: unknown,
  at: readonly PathSegment[],
): DriftExclusion[] | undefined {
  const list = p.optList(raw, at, SERVICE_LIMITS.driftExclusions);
  if (!list) return undefined;
  const out: DriftExclusion[] = [];
  list.forEach((e, i) => {
    const v = p.map(e, [...at, i], 'a map (paths, target)');
    if (!v) return;
    p.unknownKeys(v, [...at, i], DRIFT_FIELDS);
    const paths: string[] = [];
    const ps = p.optList(v.paths, [...at, i, 'paths'], SERVICE_LIMITS.paths);
    if (!ps || ps.length === 0) {
      if (v.paths === undefined || ps?.length === 0)
        p.add([...at, i, 'paths'], 'paths is required: a list of field paths such as /spec/replicas');
    } else
      ps.forEach((x, j) => {
        if (typeof x === 'string' && x !== '') paths.push(x);
        else p.add([...at, i, 'paths', j], 'must be a field path such as /spec/replicas or spec.replicas');
      });
    let target: DriftExclusionTarget | undefined;
    if (v.target !== undefined) {
      const t = p.map(v.target, [...at, i, 'target'], 'a map (kind, name, namespace)');
      if (t) {
        p.unknownKeys(t, [...at, i, 'target'], TARGET_FIELDS);
        const kind = p.optString(t.kind, [...at, i, 'target', 'kind']);
        const name = p.optString(t.name, [...at, i, 'target', 'name']);
        const namespace = p.optString(t.namespace, [...at, i, 'target', 'namespace']);
        target = {
          ...(kind !== undefined ? { kind } : {}),
          ...(name !== undefined ? { name } : {}),
          ...(namespace !== undefined ? { namespace } : {}),
        };
      }
    }
    out.push({ paths, ...(target ? { target } : {}) });
  });
  return out;
}

/** The services as k0rdent's admission rules see them (domain/admission.ts), for every caller. */
export function admissionServices(services: readonly Service[]): AdmissionServiceFact[] {
  return services.map((s) => ({
    name: s.name,
    namespace: s.namespace,
    template: s.template,
    ...(s.templateChain ? { templateChain: s.templateChain } : {}),
    ...(s.disable ? { disable: true } : {}),
    dependsOn: (s.dependsOn ?? []).map((d) => ({ name: d.name, namespace: d.namespace })),
  }));
}
