/**
 * ClusterClass and topology Cluster, v1beta1 -> v1beta2 (the hub version Cluster API's
 * controllers work in, `api/core/v1beta1/conversion.go`). The engine reads only v1beta2 shapes;
 * a v1beta2 input passes through unchanged. Only the fields the topology engine reads are
 * converted: refs, naming, health checks, durations, strategy, variables metadata.
 */
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

/** Go `time.ParseDuration`, in whole seconds (truncated); undefined for an invalid duration. */
export function durationSeconds(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let rest = v;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * unit[m[2]];
    rest = rest.slice(m[0].length);
  }
  return Math.trunc(sign * total);
}

function refToTemplateRef(ref: unknown): PlainObject | undefined {
  if (!isPlainObject(ref)) return undefined;
  return defined({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name });
}

/** v1beta1 MachineHealthCheckClass -> v1beta2 {checks, remediation}. */
function healthCheckFromV1beta1(mhc: unknown): PlainObject | undefined {
  if (!isPlainObject(mhc)) return undefined;
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
    triggerIf: Object.keys(triggerIf).length ? triggerIf : undefined,
    templateRef: refToTemplateRef(mhc.remediationTemplate),
  });
  return defined({
    enabled: typeof mhc.enable === 'boolean' ? mhc.enable : undefined,
    checks: Object.keys(checks).length ? checks : undefined,
    remediation: Object.keys(remediation).length ? remediation : undefined,
  });
}

function deletionFromV1beta1(o: PlainObject, order?: unknown): PlainObject | undefined {
  const d = defined({
    order,
    nodeDrainTimeoutSeconds: durationSeconds(o.nodeDrainTimeout),
    nodeVolumeDetachTimeoutSeconds: durationSeconds(o.nodeVolumeDetachTimeout),
    nodeDeletionTimeoutSeconds: durationSeconds(o.nodeDeletionTimeout),
  });
  return Object.keys(d).length ? d : undefined;
}

function rolloutFromStrategy(strategy: unknown, after?: unknown): PlainObject | undefined {
  const s = obj(strategy);
  const ru = obj(s.rollingUpdate);
  const strat = defined({
    type: s.type,
    rollingUpdate:
      ru.maxSurge !== undefined || ru.maxUnavailable !== undefined
        ? defined({ maxUnavailable: ru.maxUnavailable, maxSurge: ru.maxSurge })
        : undefined,
  });
  const r = defined({ after, strategy: Object.keys(strat).length ? strat : undefined });
  return Object.keys(r).length ? r : undefined;
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
    return defined({ ...o, enabledIf: o.enabledIf ?? undefined });
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
      workers: defined({
        machineDeployments: isPlainObject(workers)
          ? arr(workers.machineDeployments).map((m) => {
              const md = obj(m);
              const t = obj(md.template);
              return defined({
                metadata: t.metadata,
                class: md.class,
                bootstrap: { templateRef: refToTemplateRef(obj(t.bootstrap).ref) },
                infrastructure: { templateRef: refToTemplateRef(obj(t.infrastructure).ref) },
                healthCheck: healthCheckFromV1beta1(md.machineHealthCheck),
                failureDomain: md.failureDomain,
                naming: naming(md.namingStrategy),
                deletion: deletionFromV1beta1(md, md.deletionOrder),
                taints: md.taints,
                minReadySeconds: md.minReadySeconds,
                readinessGates: md.readinessGates,
                rollout: rolloutFromStrategy(md.strategy),
              });
            })
          : undefined,
        machinePools: arr(workers.machinePools).map((m) => {
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
      }),
      variables,
      patches,
      kubernetesVersions: spec.kubernetesVersions,
    }),
    status: cc.status,
  });
}

function mdTopologyFromV1beta1(m: unknown): PlainObject {
  const md = obj(m);
  return defined({
    metadata: md.metadata,
    class: md.class,
    name: md.name,
    failureDomain: md.failureDomain,
    replicas: md.replicas,
    healthCheck: healthCheckFromV1beta1(md.machineHealthCheck),
    deletion: deletionFromV1beta1(md),
    minReadySeconds: md.minReadySeconds,
    readinessGates: md.readinessGates,
    rollout: rolloutFromStrategy(md.strategy, md.rolloutAfter),
    variables: md.variables,
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
        controlPlane: defined({
          metadata: cp.metadata,
          replicas: cp.replicas,
          rollout: t.rolloutAfter !== undefined ? { after: t.rolloutAfter } : undefined,
          healthCheck: healthCheckFromV1beta1(cp.machineHealthCheck),
          deletion: deletionFromV1beta1(cp),
          readinessGates: cp.readinessGates,
          variables: cp.variables,
        }),
        workers: isPlainObject(t.workers)
          ? defined({
              machineDeployments: arr(workers.machineDeployments).map(mdTopologyFromV1beta1),
              machinePools: Array.isArray(workers.machinePools)
                ? workers.machinePools.map((m) => {
                    const mp = obj(m);
                    return defined({
                      metadata: mp.metadata,
                      class: mp.class,
                      name: mp.name,
                      failureDomains: mp.failureDomains,
                      replicas: mp.replicas,
                      deletion: deletionFromV1beta1(mp),
                      minReadySeconds: mp.minReadySeconds,
                      variables: mp.variables,
                    });
                  })
                : undefined,
            })
          : undefined,
        variables: t.variables,
      }),
    }),
  });
}
