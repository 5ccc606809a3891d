/**
 * The `simulated` provider: a local fake cloud for the embedded runtime, tests and benchmarks.
 * It is both the infrastructure provider of SimulatedCluster / SimulatedMachineTemplate and the
 * hosted control-plane provider (k0smotron-like) on the embedded runtime.
 *
 * Machines boot after a delay with jitter and become Nodes at the Kubernetes version their
 * user data installs; faults (boot failures, slow boots, nodes going NotReady, zone outages,
 * API errors) are decided from a hash of the seed and the machine id, so a run is repeatable.
 * State lives in a SQLite file (or memory); time comes from the injected clock.
 */

import { sha256Hex } from '../bootstrap/cloud-config.js';
import { hostedControlPlaneSpec } from '../bootstrap/from-objects.js';
import { type BootPlan, inspectUserData } from '../bootstrap/inspect.js';
import type {
  Clock,
  CreateMachineRequest,
  EnsureClusterRequest,
  EnsureHostedControlPlaneRequest,
  HostedControlPlaneProvider,
  HostedControlPlaneStatus,
  InfraClusterStatus,
  InfrastructureProvider,
  ListMachinesOptions,
  MachineStatus,
} from '../contract.js';
import { TerminalProviderError, TransientProviderError } from '../errors.js';
import { numberAt, stringAt } from '../objects.js';
import { compareVersions, parseVersion } from '../version.js';
import {
  type ClusterSettings,
  clusterSettings,
  DEFAULTS,
  machineKnobs,
  type SimulatedCloudOptions,
  templateKnobs,
} from './config.js';
import { SimulatedCloudDb } from './db.js';
import { checkClusterIdentity } from './identity.js';
import {
  type ClusterRecord,
  type ControlPlaneRecord,
  clusterReadyAt,
  type MachineRecord,
  observeCluster,
  observeControlPlane,
  observeMachine,
  outageAt,
  outageWindows,
  runningVersion,
} from './model.js';
import { hexHash, intHash, unitHash } from './random.js';

export interface SimulatedCloudConfig extends SimulatedCloudOptions {
  clock: Clock;
  /** SQLite file of the cloud's state, e.g. `.clustermint/simulated-cloud.db`; default `:memory:`. */
  path?: string;
}

const MAX_ID_LENGTH = 512;

function checkId(what: string, id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new TerminalProviderError(
      'InvalidRequest',
      `${what} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`,
    );
  }
}

/** A hostname from an id when the user data names none: `ns/my_machine` -> `ns-my-machine`. */
function hostnameFromId(id: string): string {
  const h = id
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return (h || 'machine').slice(0, 63);
}

export class SimulatedCloud implements InfrastructureProvider, HostedControlPlaneProvider {
  readonly name = 'simulated';
  private readonly clock: Clock;
  private readonly options: SimulatedCloudOptions;
  private readonly db: SimulatedCloudDb;

  constructor(config: SimulatedCloudConfig) {
    const { clock, path, ...options } = config;
    this.clock = clock;
    this.options = options;
    this.db = new SimulatedCloudDb(path ?? ':memory:');
  }

  close(): void {
    this.db.close();
  }

  /** Rows stored (machines in any phase): a leak check for tests. */
  machineRecordCount(): number {
    return this.db.countMachines();
  }

  // -------------------------------------------------------------------------------------------
  // Clusters

  async ensureCluster(req: EnsureClusterRequest): Promise<InfraClusterStatus> {
    checkId('clusterId', req.clusterId);
    const now = this.clock.now();
    const settings = clusterSettings(req.clusterId, req.infrastructure, this.options);
    // The usual call: the cluster exists, unchanged. The transaction below would write nothing
    // and return it: answer from one consistent read instead of taking the write lock.
    const known = this.db.getCluster<ClusterRecord>(req.clusterId);
    if (
      known &&
      known.deleteRequestedAt === undefined &&
      observeCluster(known, [], now).phase !== 'Deleted' &&
      JSON.stringify(known.settings) === JSON.stringify(settings)
    ) {
      this.apiError(settings, 'ensureCluster', req.clusterId, now);
      return observeCluster(known, [], now);
    }
    // A cluster about to be made: its identity must exist and admit its namespace (CAPA's rule).
    if (!known || observeCluster(known, this.machinesWhileDeleting(known), now).phase === 'Deleted')
      await checkClusterIdentity(req.clusterId, req.infrastructure, req.readObject);
    const rec = this.db.transaction(() => {
      const old = this.db.getCluster<ClusterRecord>(req.clusterId);
      if (old && observeCluster(old, this.machinesWhileDeleting(old), now).phase !== 'Deleted') {
        if (old.deleteRequestedAt !== undefined) {
          throw new TransientProviderError(
            'ClusterDeleting',
            `cluster ${req.clusterId} is being deleted; ensure it again once deleted`,
            1000,
          );
        }
        this.apiError(settings, 'ensureCluster', req.clusterId, now);
        // Unchanged settings (the usual case): nothing to write.
        if (JSON.stringify(old.settings) === JSON.stringify(settings)) return old;
        const next = { ...old, settings };
        this.db.putCluster(req.clusterId, next);
        return next;
      }
      this.apiError(settings, 'ensureCluster', req.clusterId, now);
      const fresh: ClusterRecord = {
        clusterId: req.clusterId,
        incarnation: (old?.incarnation ?? 0) + 1,
        createdAt: now,
        settings,
        subnet: intHash(256, 'subnet', req.clusterId),
        nextIndex: 10,
      };
      this.db.putCluster(req.clusterId, fresh);
      return fresh;
    });
    return observeCluster(rec, this.machinesWhileDeleting(rec), now);
  }

  /** observeCluster looks at the machines only while the cluster is being deleted. */
  private machinesWhileDeleting(c: ClusterRecord): MachineRecord[] {
    return c.deleteRequestedAt === undefined ? [] : this.db.listMachines(c.clusterId);
  }

  async getCluster(clusterId: string): Promise<InfraClusterStatus | undefined> {
    const rec = this.db.getCluster<ClusterRecord>(clusterId);
    return rec ? observeCluster(rec, this.db.listMachines(clusterId), this.clock.now()) : undefined;
  }

  async deleteCluster(clusterId: string): Promise<InfraClusterStatus> {
    const now = this.clock.now();
    const rec = this.db.transaction(() => {
      const c = this.db.getCluster<ClusterRecord>(clusterId);
      if (!c || c.deleteRequestedAt !== undefined) return c;
      this.apiError(c.settings, 'deleteCluster', clusterId, now);
      const next = { ...c, deleteRequestedAt: now };
      this.db.putCluster(clusterId, next);
      return next;
    });
    if (!rec) return { clusterId, phase: 'Deleted', ready: false, failureDomains: [] };
    return observeCluster(rec, this.db.listMachines(clusterId), now);
  }

  // -------------------------------------------------------------------------------------------
  // Machines

  async createMachine(req: CreateMachineRequest): Promise<MachineStatus> {
    checkId('machineId', req.machineId);
    checkId('clusterId', req.clusterId);
    if (typeof req.userData !== 'string')
      throw new TerminalProviderError('InvalidRequest', 'userData must be a string');
    const now = this.clock.now();
    const template = templateKnobs(req.infrastructure);
    let lateError: TransientProviderError | undefined;
    const rec = this.db.transaction(() => {
      const cluster = this.db.getCluster<ClusterRecord>(req.clusterId);
      if (!cluster || observeCluster(cluster, [], now).phase === 'Deleted') {
        throw new TerminalProviderError(
          'ClusterNotFound',
          `cluster ${req.clusterId} does not exist in the simulated cloud; ensureCluster first`,
        );
      }
      if (cluster.deleteRequestedAt !== undefined) {
        throw new TerminalProviderError(
          'ClusterDeleting',
          `cluster ${req.clusterId} is being deleted; no new machines`,
        );
      }
      const old = this.db.getMachine<MachineRecord>(req.machineId);
      if (old && !(old.deletedAt !== undefined && old.deletedAt <= now)) {
        if (old.deletedAt !== undefined) {
          throw new TransientProviderError(
            'MachineDeleting',
            `machine ${req.machineId} is still being deleted`,
            old.deletedAt - now,
          );
        }
        if (old.clusterId !== req.clusterId) {
          throw new TerminalProviderError(
            'MachineIdInUse',
            `machine ${req.machineId} belongs to cluster ${old.clusterId}, not ${req.clusterId}`,
          );
        }
        return old; // idempotent: the same machine, unchanged
      }
      const s = cluster.settings;
      const incarnation = (old?.incarnation ?? 0) + 1;
      const u = unitHash(s.seed, 'api', 'createMachine', req.machineId, now);
      // Half the simulated API errors come before anything happens, half after the machine was
      // created (a lost response): the caller's retry must find it, not make a second one.
      if (u < s.apiErrorRate / 2) throw this.apiErrorFor('createMachine', req.machineId, s);
      if (u < s.apiErrorRate) lateError = this.apiErrorFor('createMachine', req.machineId, s);

      const zone = this.pickZone(
        cluster,
        req.failureDomain ?? template.zone,
        req.machineId,
        incarnation,
        now,
      );
      const knobs = machineKnobs(this.options, template.knobs, s);
      const r = (purpose: string) => unitHash(s.seed, req.machineId, incarnation, purpose);
      const slow = r('slow-boot') < knobs.slowBootRate;
      const delay =
        knobs.bootDelayMs *
        (1 + knobs.bootJitter * (2 * r('boot-jitter') - 1)) *
        (slow ? knobs.slowBootFactor : 1);
      const startAt = Math.max(now, clusterReadyAt(cluster));
      let plan: BootPlan | undefined;
      let planError: string | undefined;
      try {
        plan = inspectUserData(req.userData);
      } catch (e) {
        planError = (e as Error).message;
      }
      const index = cluster.nextIndex;
      const instanceId = `sim-${hexHash(17, req.clusterId, req.machineId, incarnation)}`;
      const m: MachineRecord = {
        machineId: req.machineId,
        clusterId: req.clusterId,
        incarnation,
        createdAt: now,
        startAt,
        bootAt: startAt + Math.max(0, Math.round(delay)),
        zone,
        instanceType: template.instanceType,
        providerID: `simulated://${s.region}/${zone}/${instanceId}`,
        internalIP: `10.${cluster.subnet}.${(index >> 8) & 255}.${index & 255}`,
        hostname: plan?.hostname ?? hostnameFromId(req.machineId),
        userDataHash: sha256Hex(req.userData),
        ...(plan ? { plan } : { planError }),
        bootFails: r('boot-failure') < knobs.bootFailureRate,
        templateKnobs: template.knobs,
        knobs,
      };
      this.db.putCluster(cluster.clusterId, { ...cluster, nextIndex: index + 1 });
      this.db.putMachine(m.machineId, m.clusterId, m);
      return m;
    });
    if (lateError) throw lateError;
    return this.observe(rec, now);
  }

  async getMachine(machineId: string): Promise<MachineStatus | undefined> {
    const rec = this.db.getMachine<MachineRecord>(machineId);
    return rec ? this.observe(rec, this.clock.now()) : undefined;
  }

  async deleteMachine(machineId: string): Promise<MachineStatus | undefined> {
    const now = this.clock.now();
    const rec = this.db.transaction(() => {
      const m = this.db.getMachine<MachineRecord>(machineId);
      if (!m || m.deletedAt !== undefined) return m;
      const cluster = this.db.getCluster<ClusterRecord>(m.clusterId);
      const s = cluster?.settings;
      if (s) this.apiError(s, 'deleteMachine', machineId, now);
      const next = {
        ...m,
        deleteRequestedAt: now,
        deletedAt: now + (s?.deleteDelayMs ?? this.options.deleteDelayMs ?? DEFAULTS.deleteDelayMs),
      };
      this.db.putMachine(machineId, m.clusterId, next);
      return next;
    });
    return rec ? this.observe(rec, now) : undefined;
  }

  async listMachines(clusterId: string, options: ListMachinesOptions = {}): Promise<MachineStatus[]> {
    const now = this.clock.now();
    const cluster = this.db.getCluster<ClusterRecord>(clusterId);
    const out = this.db.listMachines<MachineRecord>(clusterId).map((m) => this.observe(m, now, cluster));
    return options.includeDeleted ? out : out.filter((m) => m.phase !== 'Deleted');
  }

  private observe(
    m: MachineRecord,
    now: number,
    cluster = this.db.getCluster<ClusterRecord>(m.clusterId),
  ): MachineStatus {
    // Faults set on the cluster after the machine was created (not-ready, outages) apply now.
    const knobs = cluster ? machineKnobs(this.options, m.templateKnobs, cluster.settings) : m.knobs;
    return observeMachine(m, cluster, knobs, now);
  }

  private pickZone(
    cluster: ClusterRecord,
    wanted: string | undefined,
    machineId: string,
    incarnation: number,
    now: number,
  ): string {
    const { zones } = cluster.settings;
    const down = (z: string) => outageAt(outageWindows(cluster, z), now);
    if (wanted !== undefined) {
      if (!zones.includes(wanted)) {
        throw new TerminalProviderError(
          'InvalidFailureDomain',
          `failure domain "${wanted}" is not one of the cluster's zones (${zones.join(', ')})`,
        );
      }
      const w = down(wanted);
      if (w) throw zoneDown(wanted, w.to - now);
      return wanted;
    }
    const up = zones.filter((z) => !down(z));
    if (up.length === 0) {
      const back = Math.min(...zones.map((z) => down(z)!.to));
      throw zoneDown(zones.join(', '), back - now);
    }
    return up[intHash(up.length, cluster.settings.seed, machineId, incarnation, 'zone')];
  }

  private apiErrorFor(op: string, id: string, s: ClusterSettings): TransientProviderError {
    return new TransientProviderError(
      'SimulatedAPIError',
      `simulated cloud API error on ${op} ${id} (api error rate ${s.apiErrorRate}); retry`,
      1000,
    );
  }

  private apiError(s: ClusterSettings, op: string, id: string, now: number): void {
    if (s.apiErrorRate > 0 && unitHash(s.seed, 'api', op, id, now) < s.apiErrorRate)
      throw this.apiErrorFor(op, id, s);
  }

  // -------------------------------------------------------------------------------------------
  // Hosted control planes

  async ensureControlPlane(req: EnsureHostedControlPlaneRequest): Promise<HostedControlPlaneStatus> {
    checkId('clusterId', req.clusterId);
    const spec = hostedControlPlaneSpec(req.controlPlane);
    const now = this.clock.now();
    const rec = this.db.transaction(() => {
      const cluster = this.db.getCluster<ClusterRecord>(req.clusterId);
      const delay =
        cluster?.settings.controlPlaneDelayMs ??
        this.options.controlPlaneDelayMs ??
        DEFAULTS.controlPlaneDelayMs;
      const old = this.db.getControlPlane<ControlPlaneRecord>(req.clusterId);
      if (old && !(old.deletedAt !== undefined && old.deletedAt <= now)) {
        if (old.deletedAt !== undefined) {
          throw new TransientProviderError(
            'ControlPlaneDeleting',
            `control plane of ${req.clusterId} is being deleted`,
            old.deletedAt - now,
          );
        }
        const next = { ...old, replicas: spec.replicas };
        if (spec.version !== old.desiredVersion) {
          const running = runningVersion(old, now);
          if (running === undefined || (old.upgradeDoneAt !== undefined && now < old.upgradeDoneAt)) {
            const until = running === undefined ? old.readyAt : old.upgradeDoneAt!;
            throw new TransientProviderError(
              'ControlPlaneBusy',
              `control plane of ${req.clusterId} is ${running === undefined ? 'starting' : 'upgrading'}; version ${spec.version} waits`,
              until - now,
            );
          }
          checkUpgrade(running, spec.version);
          Object.assign(next, {
            fromVersion: running,
            desiredVersion: spec.version,
            upgradeDoneAt: now + delay,
          });
        }
        this.db.putControlPlane(req.clusterId, next);
        return next;
      }
      const seed = cluster?.settings.seed ?? String(this.options.seed ?? `cluster:${req.clusterId}`);
      const jitter = 1 + 0.2 * (2 * unitHash(seed, req.clusterId, 'control-plane') - 1);
      const host =
        stringAt(req.controlPlane, 'spec', 'externalAddress') ||
        `10.${cluster?.subnet ?? intHash(256, 'subnet', req.clusterId)}.0.3`;
      const fresh: ControlPlaneRecord = {
        clusterId: req.clusterId,
        incarnation: (old?.incarnation ?? 0) + 1,
        createdAt: now,
        readyAt: now + Math.round(delay * jitter),
        replicas: spec.replicas,
        desiredVersion: spec.version,
        endpoint: { host, port: numberAt(req.controlPlane, 'spec', 'service', 'apiPort') ?? 30443 },
      };
      this.db.putControlPlane(req.clusterId, fresh);
      return fresh;
    });
    return observeControlPlane(rec, now);
  }

  async getControlPlane(clusterId: string): Promise<HostedControlPlaneStatus | undefined> {
    const rec = this.db.getControlPlane<ControlPlaneRecord>(clusterId);
    return rec ? observeControlPlane(rec, this.clock.now()) : undefined;
  }

  async deleteControlPlane(clusterId: string): Promise<HostedControlPlaneStatus> {
    const now = this.clock.now();
    const rec = this.db.transaction(() => {
      const c = this.db.getControlPlane<ControlPlaneRecord>(clusterId);
      if (!c || c.deletedAt !== undefined) return c;
      const cluster = this.db.getCluster<ClusterRecord>(clusterId);
      const delay = cluster?.settings.deleteDelayMs ?? this.options.deleteDelayMs ?? DEFAULTS.deleteDelayMs;
      const next = { ...c, deleteRequestedAt: now, deletedAt: now + delay };
      this.db.putControlPlane(clusterId, next);
      return next;
    });
    if (!rec)
      return { clusterId, phase: 'Deleted', ready: false, desiredVersion: '', replicas: 0, readyReplicas: 0 };
    return observeControlPlane(rec, now);
  }
}

function zoneDown(zones: string, remainingMs: number): TransientProviderError {
  const forever = !Number.isFinite(remainingMs);
  return new TransientProviderError(
    'ZoneUnavailable',
    `zone ${zones} is unavailable (simulated outage${forever ? '' : `, back in ${Math.ceil(remainingMs / 1000)}s`})`,
    forever ? 30_000 : Math.min(remainingMs, 30_000),
  );
}

/** API servers move one minor version at a time and never back (Kubernetes version skew policy). */
function checkUpgrade(from: string, to: string): void {
  const a = parseVersion(from);
  const b = parseVersion(to);
  if (compareVersions(b, a) < 0) {
    throw new TerminalProviderError(
      'DowngradeNotSupported',
      `cannot downgrade the control plane from ${from} to ${to}`,
    );
  }
  if (b.major !== a.major || b.minor > a.minor + 1) {
    throw new TerminalProviderError(
      'UnsupportedVersionSkew',
      `cannot upgrade the control plane from ${from} to ${to}: one minor version at a time`,
    );
  }
}

export function openSimulatedCloud(config: SimulatedCloudConfig): SimulatedCloud {
  return new SimulatedCloud(config);
}
