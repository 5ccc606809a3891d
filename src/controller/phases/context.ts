/**
 * One pass over one ClusterDeployment: what every phase reads (the deployment, the time, the
 * namespace's chains) and the status it builds (conditions set here get the pass's time).
 */
import { supportedTemplates } from '../../api/template-chain.js';
import { knownVersions } from '../../domain/upgrade-path.js';
import type { ManagementCluster } from '../../providers/capi/management-cluster.js';
import type { Clock } from '../../providers/contract.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import { storedTeamLabels } from '../../store/team-labels.js';
import type { KubeObject, Store } from '../../store/types.js';
import { type Condition, isoSeconds, setCondition } from '../conditions.js';
import type { EventRecorder } from '../events.js';
import type { GateRunner } from '../gate.js';
import type { HealthCheck } from '../health.js';
import type { WorkloadClients } from '../services/clients.js';
import type { ConditionVerdict, DeploymentStatus } from '../status.js';

export interface DeploymentReconcilerOptions {
  store: Store;
  registry: ProviderRegistry;
  clock: Clock;
  gate: GateRunner;
  events: EventRecorder;
  /** Intermediate versions for multi-minor upgrades (default KNOWN_KUBERNETES_VERSIONS). */
  knownVersions: readonly string[];
  /** How often to look at machines that are changing (ms, default 1000). */
  pollMs?: number;
  /** How often to look at a stable cluster (health checks; ms, default 10,000). */
  resyncMs?: number;
  /** The management cluster where Cluster API makes the machines (Kubernetes mode); absent: none. */
  capi?: ManagementCluster;
  /** Told each pass how many of a capi deployment's Machines are in each phase (for /metrics). */
  onCapiMachines?: (namespace: string, deployment: string, phases: ReadonlyMap<string, number>) => void;
  /** The health check for clusters whose template renders none (default: failed machines and a 10m node startup timeout); null: none. */
  defaultHealthCheck?: Omit<HealthCheck, 'name' | 'selector'> | null;
  /** Clients of workload clusters (adopted clusters are probed through them; shared with the services reconciler). */
  workloadClients: WorkloadClients;
  /** Whether an adopted cluster may name a kubeconfig file (the embedded runtime; never in Kubernetes mode). */
  allowKubeconfigFiles?: boolean;
  /** How often an adopted cluster is probed (ms, default 30 s). */
  adoptedProbeMs?: number;
  /** The platform's ceiling on machines per deployment (default DEFAULT_MAX_MACHINES). */
  maxMachines?: number;
  /** How long a deleted deployment's DeploymentHistory is kept (ms; default 720h). */
  historyRetentionMs?: number;
}

export type EventType = 'Normal' | 'Warning';

export class PassContext {
  readonly now: number;
  readonly nowIso: string;
  readonly ns: string;
  /** The status this pass writes (a copy of the stored one to start with). */
  readonly status: DeploymentStatus;
  readonly oldConditions: readonly Condition[];
  /** The conditions the pass's transition events were last told from (a round of the pass moves it on). */
  toldConditions: readonly Condition[];
  conditions: Condition[];
  /** The namespace's ClusterTemplateChains, read once at the start of the pass. */
  chains: KubeObject[] = [];
  private known: string[] | undefined;

  constructor(
    readonly o: DeploymentReconcilerOptions,
    /** The deployment as last stored (replaced when the pass writes it). */
    public cd: KubeObject,
  ) {
    this.now = o.clock.now();
    this.nowIso = isoSeconds(this.now);
    // A JSON copy (the status is JSON as stored): cheaper than structuredClone.
    this.status = JSON.parse(JSON.stringify(cd.status ?? {})) as DeploymentStatus;
    this.oldConditions = this.status.conditions ?? [];
    this.conditions = [...this.oldConditions];
    this.toldConditions = this.oldConditions;
    this.ns = cd.metadata.namespace ?? 'default';
  }

  get spec(): { template: string; dryRun?: boolean; credential?: string } {
    return (this.cd.spec ?? {}) as { template: string; dryRun?: boolean; credential?: string };
  }

  get pollMs(): number {
    return this.o.pollMs ?? 1000;
  }

  cond(type: string, status: Condition['status'], reason: string, message: string): void {
    this.conditions = setCondition(
      this.conditions,
      { type, status, reason, message, observedGeneration: this.cd.metadata.generation },
      this.nowIso,
    );
  }

  setConditions(verdicts: readonly ConditionVerdict[]): void {
    for (const c of verdicts) this.cond(c.type, c.status, c.reason, c.message);
  }

  async event(
    reason: string,
    message: string,
    type: EventType = 'Normal',
    onceWithinMs?: number,
  ): Promise<void> {
    const e = {
      deployment: this.cd.metadata.name,
      namespace: this.ns,
      involved: {
        apiVersion: this.cd.apiVersion,
        kind: this.cd.kind,
        name: this.cd.metadata.name,
        namespace: this.ns,
        uid: this.cd.metadata.uid,
      },
      reason,
      message,
      type,
    };
    if (onceWithinMs === undefined) await this.o.events.record(e);
    else await this.o.events.recordOnce(e, onceWithinMs);
  }

  /**
   * The versions an upgrade may step through: the documented ones plus those of the templates
   * the namespace's chains name (the chains read at the start of the pass; a change to one
   * requeues the deployment). The one source for the refusal check and both control-plane kinds.
   */
  knownVersions(): readonly string[] {
    if (this.known) return this.known;
    this.known = knownVersions(
      this.o.knownVersions,
      this.chains.flatMap((c) => supportedTemplates(c).map((t) => this.o.gate.templateVersion(t.name))),
    );
    return this.known;
  }

  /** The labels of the deployment's namespace (the gate's team labels), undefined without one. */
  teamLabels(): Promise<Record<string, string> | undefined> {
    return storedTeamLabels(this.o.store, this.ns);
  }
}
