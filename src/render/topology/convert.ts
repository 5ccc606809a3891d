/**
 * ClusterClass and topology Cluster, v1beta1 -> v1beta2 (the hub version Cluster API's
 * controllers work in, `api/core/v1beta1/conversion.go`). The engine reads only v1beta2 shapes;
 * a v1beta2 input passes through unchanged. Only the fields the topology engine reads are
 * converted: refs, naming, health checks, durations, strategy (rollout, deletion order,
 * remediation's maxInFlight), variables metadata, external patch extensions. As in Go, where a
 * conversion leaves a struct or a list empty the v1beta2 object has no such field (no invented
 * `controlPlane: {}` or `machineDeployments: []`), and fields v1beta2 lost are dropped
 * (`topology.rolloutAfter`).
 */
import { DurationError, parseDuration, SECOND } from '../../go/duration.js';
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';

export const CAPI_V1BETA2 = 'cluster.x-k8s.io/v1beta2';
export const CAPI_V1BETA1 = 'cluster.x-k8s.io/v1beta1';

// Conversion reads the submitted (unvalidated) objects: coercion is the point here.
const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const defined = (o: PlainObject): PlainObject => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};
/** The object without undefined fields, or undefined when none is left (Go's `omitzero`). */
const nonEmpty = (o: PlainObject): PlainObject | undefined => {
  defined(o);
  return Object.keys(o).length > 0 ? o : undefined;
};
/** A list, or undefined when it is missing or empty (Go's `omitempty`). */
const nonEmptyList = (v: unknown): unknown[] | undefined =>
  Array.isArray(v) && v.length > 0 ? v : undefined;

/** ObjectMeta of a class or topology: labels and annotations, each only when not empty. */
const objectMeta = (m: unknown): PlainObject | undefined => {
  const o = obj(m);
  const nonEmptyMap = (v: unknown) => (isPlainObject(v) && Object.keys(v).length > 0 ? v : undefined);
  return nonEmpty({ labels: nonEmptyMap(o.labels), annotations: nonEmptyMap(o.annotations) });
};
/**
 * Variable values: name and value. v1beta1's deprecated `definitionFrom` has no v1beta2 field
 * (Cluster API v1.10's webhook refused it; the v1beta2 conversion drops it).
 */
const clusterVariables = (v: unknown): unknown[] | undefined =>
  nonEmptyList(arr(v).map((x) => (isPlainObject(x) ? defined({ name: x.name, value: x.value }) : x)));
/** `{overrides}` of a control plane or worker: only with overrides. */
const overrides = (v: unknown): PlainObject | undefined =>
  nonEmpty({ overrides: clusterVariables(obj(v).overrides) });

const MAX_INT32 = 2 ** 31 - 1;

/**
 * A v1beta1 `metav1.Duration` in whole seconds as `ConvertToSeconds` computes it: Go's
 * `time.ParseDuration`, truncated, at most MaxInt32; undefined for a missing or invalid one.
 */
export function durationSeconds(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  let ns: bigint;
  try {
    ns = parseDuration(v);
  } catch (e) {
    if (e instanceof DurationError) return undefined;
    throw e;
  }
  return Math.min(Number(ns / SECOND), MAX_INT32);
}

function refToTemplateRef(ref: unknown): PlainObject | undefined {
  if (!isPlainObject(ref)) return undefined;
  return defined({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name });
}

/**
 * v1beta1 MachineHealthCheckClass (or Topology) -> v1beta2 {enabled, checks, remediation}; a
 * MachineDeployment's `strategy.remediation.maxInFlight` moves to `remediation.maxInFlight`.
 */
function healthCheckFromV1beta1(mhc: unknown, strategy?: unknown): PlainObject | undefined {
  const maxInFlight = obj(obj(strategy).remediation).maxInFlight;
  if (!isPlainObject(mhc)) return maxInFlight !== undefined ? { remediation: { maxInFlight } } : undefined;
  const checks = defined({
    nodeStartupTimeoutSeconds: durationSeconds(mhc.nodeStartupTimeout),
    unhealthyNodeConditions: Array.isArray(mhc.unhealthyConditions)
      ? mhc.unhealthyConditions.map((c) =>
          defined({
            type: obj(c).type,
            status: obj(c).status,
            timeoutSeconds: durationSeconds(obj(c).timeout),
          }),
        )
      : undefined,
    unhealthyMachineConditions: Array.isArray(mhc.unhealthyMachineConditions)
      ? mhc.unhealthyMachineConditions.map((c) =>
          defined({
            type: obj(c).type,
            status: obj(c).status,
            timeoutSeconds: durationSeconds(obj(c).timeout),
          }),
        )
      : undefined,
  });
  const triggerIf = defined({
    unhealthyLessThanOrEqualTo: mhc.maxUnhealthy,
    unhealthyInRange: mhc.unhealthyRange,
  });
  const remediation = defined({
    maxInFlight,
    triggerIf: Object.keys(triggerIf).length ? triggerIf : undefined,
    templateRef: refToTemplateRef(mhc.remediationTemplate),
  });
  return defined({
    enabled: typeof mhc.enable === 'boolean' ? mhc.enable : undefined,
    checks: Object.keys(checks).length ? checks : undefined,
    remediation: Object.keys(remediation).length ? remediation : undefined,
  });
}

/** Node deletion timeouts in seconds; a MachineDeployment's `strategy.rollingUpdate.deletePolicy` is the order. */
function deletionFromV1beta1(o: PlainObject, strategy?: unknown): PlainObject | undefined {
  const d = defined({
    order: obj(obj(strategy).rollingUpdate).deletePolicy,
    nodeDrainTimeoutSeconds: durationSeconds(o.nodeDrainTimeout),
    nodeVolumeDetachTimeoutSeconds: durationSeconds(o.nodeVolumeDetachTimeout),
    nodeDeletionTimeoutSeconds: durationSeconds(o.nodeDeletionTimeout),
  });
  return Object.keys(d).length ? d : undefined;
}

function rolloutFromStrategy(strategy: unknown): PlainObject | undefined {
  const s = obj(strategy);
  const ru = obj(s.rollingUpdate);
  const strat = nonEmpty({
    type: s.type,
    rollingUpdate: nonEmpty({ maxUnavailable: ru.maxUnavailable, maxSurge: ru.maxSurge }),
  });
  return strat ? { strategy: strat } : undefined;
}

/** v1beta1 `external` -> v1beta2: the extension fields were renamed. */
function externalFromV1beta1(external: unknown): PlainObject | undefined {
  if (!isPlainObject(external)) return undefined;
  const { generateExtension, validateExtension, ...rest } = external;
  return defined({
    ...rest,
    generatePatchesExtension: generateExtension,
    validateTopologyExtension: validateExtension,
  });
}

const naming = (ns: unknown) =>
  isPlainObject(ns) && typeof ns.template === 'string' ? { template: ns.template } : undefined;

export function isV1beta1(o: PlainObject): boolean {
  return typeof o.apiVersion === 'string' && o.apiVersion.endsWith('/v1beta1');
}

/** A ClusterClass in v1beta2 shape (a new object; the input is not modified). */
export function clusterClassToV1beta2(cc: PlainObject): PlainObject {
  if (!isV1beta1(cc)) return cc;
  const spec = obj(cc.spec);
  const cp = obj(spec.controlPlane);
  const workers = obj(spec.workers);
  const variables = arr(spec.variables).map((v) => {
    const o = obj(v);
    return defined({
      name: o.name,
      required: o.required,
      deprecatedV1Beta1Metadata: o.metadata,
      schema: o.schema,
    });
  });
  const patches = arr(spec.patches).map((p) => {
    const o = obj(p);
    return defined({ ...o, enabledIf: o.enabledIf ?? undefined, external: externalFromV1beta1(o.external) });
  });
  return defined({
    apiVersion: CAPI_V1BETA2,
    kind: 'ClusterClass',
    metadata: cc.metadata,
    spec: defined({
      availabilityGates: spec.availabilityGates,
      infrastructure: defined({
        templateRef: refToTemplateRef(obj(spec.infrastructure).ref),
        naming: naming(spec.infrastructureNamingStrategy),
      }),
      controlPlane: defined({
        metadata: cp.metadata,
        templateRef: refToTemplateRef(cp.ref),
        machineInfrastructure: isPlainObject(cp.machineInfrastructure)
          ? { templateRef: refToTemplateRef(cp.machineInfrastructure.ref) }
          : undefined,
        healthCheck: healthCheckFromV1beta1(cp.machineHealthCheck),
        naming: naming(cp.namingStrategy),
        deletion: deletionFromV1beta1(cp),
        taints: cp.taints,
        readinessGates: cp.readinessGates,
      }),
      workers: nonEmpty({
        machineDeployments: nonEmptyList(
          arr(workers.machineDeployments).map((m) => {
            const md = obj(m);
            const t = obj(md.template);
            return defined({
              metadata: t.metadata,
              class: md.class,
              bootstrap: { templateRef: refToTemplateRef(obj(t.bootstrap).ref) },
              infrastructure: { templateRef: refToTemplateRef(obj(t.infrastructure).ref) },
              healthCheck: healthCheckFromV1beta1(md.machineHealthCheck, md.strategy),
              failureDomain: md.failureDomain,
              naming: naming(md.namingStrategy),
              deletion: deletionFromV1beta1(md, md.strategy),
              taints: md.taints,
              minReadySeconds: md.minReadySeconds,
              readinessGates: md.readinessGates,
              rollout: rolloutFromStrategy(md.strategy),
            });
          }),
        ),
        machinePools: nonEmptyList(
          arr(workers.machinePools).map((m) => {
            const mp = obj(m);
            const t = obj(mp.template);
            return defined({
              metadata: t.metadata,
              class: mp.class,
              bootstrap: { templateRef: refToTemplateRef(obj(t.bootstrap).ref) },
              infrastructure: { templateRef: refToTemplateRef(obj(t.infrastructure).ref) },
              failureDomains: mp.failureDomains,
              naming: naming(mp.namingStrategy),
              deletion: deletionFromV1beta1(mp),
              taints: mp.taints,
              minReadySeconds: mp.minReadySeconds,
            });
          }),
        ),
      }),
      variables: nonEmptyList(variables),
      patches: nonEmptyList(patches),
      kubernetesVersions: spec.kubernetesVersions,
    }),
    status: cc.status,
  });
}

function mdTopologyFromV1beta1(m: unknown): PlainObject {
  const md = obj(m);
  return defined({
    metadata: objectMeta(md.metadata),
    class: md.class,
    name: md.name,
    failureDomain: md.failureDomain,
    replicas: md.replicas,
    healthCheck: healthCheckFromV1beta1(md.machineHealthCheck, md.strategy),
    deletion: deletionFromV1beta1(md, md.strategy),
    minReadySeconds: md.minReadySeconds,
    readinessGates: nonEmptyList(md.readinessGates),
    rollout: rolloutFromStrategy(md.strategy),
    variables: overrides(md.variables),
  });
}

/** A topology Cluster in v1beta2 shape (a new object; the input is not modified). */
export function clusterToV1beta2(c: PlainObject): PlainObject {
  if (!isV1beta1(c)) return c;
  const spec = obj(c.spec);
  const t = obj(spec.topology);
  const cp = obj(t.controlPlane);
  const workers = obj(t.workers);
  const refs = (r: unknown) => {
    if (!isPlainObject(r)) return undefined;
    const group =
      typeof r.apiVersion === 'string' ? r.apiVersion.split('/').slice(0, -1).join('/') : undefined;
    return defined({ apiGroup: group, kind: r.kind, name: r.name });
  };
  return defined({
    apiVersion: CAPI_V1BETA2,
    kind: 'Cluster',
    metadata: c.metadata,
    spec: defined({
      ...spec,
      infrastructureRef: refs(spec.infrastructureRef),
      controlPlaneRef: refs(spec.controlPlaneRef),
      topology: defined({
        classRef: defined({ name: t.class, namespace: t.classNamespace }),
        version: t.version,
        // topology.rolloutAfter has no v1beta2 field: the conversion drops it
        controlPlane: nonEmpty({
          metadata: objectMeta(cp.metadata),
          replicas: cp.replicas,
          healthCheck: healthCheckFromV1beta1(cp.machineHealthCheck),
          deletion: deletionFromV1beta1(cp),
          readinessGates: nonEmptyList(cp.readinessGates),
          variables: overrides(cp.variables),
        }),
        workers: isPlainObject(t.workers)
          ? nonEmpty({
              machineDeployments: nonEmptyList(arr(workers.machineDeployments).map(mdTopologyFromV1beta1)),
              machinePools: nonEmptyList(workers.machinePools)
                ? arr(workers.machinePools).map((m) => {
                    const mp = obj(m);
                    return defined({
                      metadata: objectMeta(mp.metadata),
                      class: mp.class,
                      name: mp.name,
                      failureDomains: nonEmptyList(mp.failureDomains),
                      replicas: mp.replicas,
                      deletion: deletionFromV1beta1(mp),
                      minReadySeconds: mp.minReadySeconds,
                      variables: overrides(mp.variables),
                    });
                  })
                : undefined,
            })
          : undefined,
        variables: clusterVariables(t.variables),
      }),
    }),
  });
}
