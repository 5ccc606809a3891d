/**
 * Machines of a deployment: stored as `clustermint.io/v1alpha1 Machine` first (with a
 * finalizer), then created at the infrastructure provider under the stored name, so a restart
 * between the two steps finds the stored Machine and repeats the idempotent provider call
 * instead of making a second machine. Deletion runs the other way: the provider deletes the
 * machine, then the finalizer goes.
 */
import { createHash } from 'node:crypto';
import {
  MACHINE_API_VERSION,
  MACHINE_KIND,
  MACHINE_TYPE,
  type Machine,
  type MachineSpec,
  type MachineStatusFields,
} from '../api/machine.js';
import {
  LABEL_CLUSTER_DEPLOYMENT,
  LABEL_CLUSTER_NAME,
  LABEL_CONTROL_PLANE,
  LABEL_DEPLOYMENT_NAME,
  LABEL_POOL,
  MACHINE_FINALIZER,
} from '../domain/labels.js';
import type {
  BootstrapInput,
  BootstrapProvider,
  Clock,
  InfrastructureProvider,
  MachineStatus,
  RenderedObject as ProviderObject,
} from '../providers/contract.js';
import {
  isTerminalProviderError,
  isTransientProviderError,
  type ProviderError,
} from '../providers/errors.js';
import { isNotFound } from '../store/errors.js';
import type { KubeObject, Store } from '../store/types.js';
import type { EventRecorder } from './events.js';

/**
 * Whether two JSON values are equal as the store compares them (undefined properties are
 * absent, key order does not matter), without serialising them.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!Object.hasOwn(x, k) || x[k] === undefined) continue;
    n++;
    if (!Object.hasOwn(y, k) || !sameJson(x[k], y[k])) return false;
  }
  for (const k in y) if (Object.hasOwn(y, k) && y[k] !== undefined) n--;
  return n === 0;
}

export function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10);
}

/** How to boot a machine of a pool: its bootstrap generator and infrastructure template. */
export interface BootRecipe {
  bootstrap: BootstrapProvider;
  options: BootstrapInput['options'];
  template: ProviderObject;
}

export interface MachineContext {
  store: Store;
  clock: Clock;
  events: EventRecorder;
  infra: InfrastructureProvider;
  deployment: KubeObject;
  clusterId: string;
  clusterName: string;
  endpoint?: { host: string; port: number };
  joinToken: string;
  /** Shortest retry a transient provider error asked for during this pass. */
  retryAfterMs?: number;
  /**
   * Machines this pass created that came up Ready at once, plus machines it deleted that went at
   * once: changes the plans of the pass did not see (the pass plans again: phases/pass.ts).
   */
  settled?: number;
  /** Names of the machines this pass deleted that went at once (their stored object is gone). */
  gone?: Set<string>;
}

const noteSettled = (ctx: MachineContext): void => {
  ctx.settled = (ctx.settled ?? 0) + 1;
};

export const machineId = (m: { metadata: { namespace?: string; name: string } }): string =>
  `${m.metadata.namespace ?? 'default'}/${m.metadata.name}`;

function noteRetry(ctx: MachineContext, e: ProviderError & { retryAfterMs?: number }): void {
  const ms = e.retryAfterMs ?? 1000;
  ctx.retryAfterMs = ctx.retryAfterMs === undefined ? ms : Math.min(ctx.retryAfterMs, ms);
}

const involved = (m: Machine) => ({
  apiVersion: MACHINE_API_VERSION,
  kind: MACHINE_KIND,
  name: m.metadata.name,
  namespace: m.metadata.namespace,
  uid: m.metadata.uid,
});

async function machineEvent(
  ctx: MachineContext,
  m: Machine,
  reason: string,
  message: string,
  type: 'Normal' | 'Warning' = 'Normal',
): Promise<void> {
  await ctx.events.record({
    deployment: ctx.deployment.metadata.name,
    namespace: ctx.deployment.metadata.namespace ?? 'default',
    involved: involved(m),
    reason,
    message,
    type,
  });
}

export async function listMachines(store: Store, namespace: string, deployment: string): Promise<Machine[]> {
  const l = await store.list(MACHINE_TYPE, {
    namespace,
    labelSelector: `${LABEL_CLUSTER_DEPLOYMENT}=${deployment}`,
  });
  return l.items as Machine[];
}

/**
 * Stores a new Machine of the pool and starts it at the provider. Its name is derived from the
 * deployment, the pool, the time and the pool's current machines (`taken`), so a run with the
 * same inputs and clock names machines the same way.
 */
export async function createMachine(
  ctx: MachineContext,
  spec: Omit<MachineSpec, 'clusterName'>,
  labels: Record<string, string>,
  recipe: BootRecipe,
  taken: readonly string[],
): Promise<Machine> {
  const now = ctx.clock.now();
  const cd = ctx.deployment;
  const suffix = BigInt(
    `0x${hashOf([cd.metadata.namespace, cd.metadata.name, spec.pool, now, [...taken].sort()])}`,
  )
    .toString(36)
    .slice(0, 5)
    .padStart(5, '0');
  const name = `${spec.pool}-${suffix}`.slice(0, 63).replace(/-+$/, '');
  const roleLabels: Record<string, string> =
    spec.role === 'control-plane' ? { [LABEL_CONTROL_PLANE]: '' } : { [LABEL_DEPLOYMENT_NAME]: spec.pool };
  const obj = {
    apiVersion: MACHINE_API_VERSION,
    kind: MACHINE_KIND,
    metadata: {
      name,
      namespace: cd.metadata.namespace ?? 'default',
      labels: {
        ...labels,
        [LABEL_CLUSTER_NAME]: ctx.clusterName,
        [LABEL_CLUSTER_DEPLOYMENT]: cd.metadata.name,
        [LABEL_POOL]: spec.pool,
        ...roleLabels,
      },
      finalizers: [MACHINE_FINALIZER],
      ownerReferences: [
        {
          apiVersion: cd.apiVersion,
          kind: cd.kind,
          name: cd.metadata.name,
          uid: cd.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { clusterName: ctx.clusterName, ...spec, createdAt: new Date(now).toISOString() },
  };
  const m = (await ctx.store.create(obj)) as Machine;
  await machineEvent(
    ctx,
    m,
    'MachineCreated',
    `created ${spec.role} machine ${name} (${spec.version}${spec.failureDomain ? `, ${spec.failureDomain}` : ''})`,
  );
  await startMachine(ctx, m, recipe);
  if (m.status?.ready) noteSettled(ctx);
  return m;
}

/** The provider call that creates the machine (idempotent: repeating it finds the same one). */
export async function startMachine(ctx: MachineContext, m: Machine, recipe: BootRecipe): Promise<void> {
  if (!ctx.endpoint) return;
  try {
    const data = await recipe.bootstrap.generate({
      role: m.spec.bootstrapRole,
      machineName: m.metadata.name,
      clusterName: ctx.clusterName,
      version: m.spec.version,
      endpoint: ctx.endpoint,
      joinToken: ctx.joinToken,
      ...(recipe.options ? { options: recipe.options } : {}),
    });
    const st = await ctx.infra.createMachine({
      machineId: machineId(m),
      clusterId: ctx.clusterId,
      infrastructure: recipe.template,
      userData: data.userData,
      ...(m.spec.failureDomain ? { failureDomain: m.spec.failureDomain } : {}),
    });
    await writeStatus(ctx, m, statusFrom(m, st, ctx.clock.now()));
  } catch (e) {
    if (isTransientProviderError(e)) {
      noteRetry(ctx, e);
      await writeStatus(ctx, m, { ...(m.status ?? {}), phase: 'Pending', failureMessage: e.message });
      return;
    }
    if (isTerminalProviderError(e)) {
      await writeStatus(ctx, m, {
        ...(m.status ?? {}),
        phase: 'Failed',
        failureReason: e.reason,
        failureMessage: e.message,
        providerError: true,
      });
      await machineEvent(ctx, m, 'MachineCreateFailed', `${e.reason}: ${e.message}`, 'Warning');
      return;
    }
    throw e;
  }
}

/** A machine's status from the provider's view (readySince kept from before). */
export function statusFrom(m: Machine, st: MachineStatus, nowMs: number): MachineStatusFields {
  const node = st.node;
  const ready = node?.conditions.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const out: MachineStatusFields = {
    phase: st.phase,
    providerID: st.providerID,
    failureDomain: st.failureDomain,
    addresses: st.addresses.map((a) => ({ type: a.type, address: a.address })),
    ready,
  };
  if (node) {
    out.nodeName = node.name;
    out.kubeletVersion = node.kubeletVersion;
    out.nodeConditions = node.conditions.map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime: c.lastTransitionTime,
    }));
  } else if (m.status?.nodeName) {
    // The node is gone (or unreachable): as Cluster API sees a deleted Node, its conditions are Unknown.
    const was = m.status.nodeConditions?.find((c) => c.type === 'Ready');
    out.nodeName = m.status.nodeName;
    if (m.status.kubeletVersion) out.kubeletVersion = m.status.kubeletVersion;
    out.nodeConditions = [
      {
        type: 'Ready',
        status: 'Unknown',
        reason: 'NodeNotFound',
        message: `the machine reports no node (phase ${st.phase})`,
        lastTransitionTime:
          was?.status === 'Unknown' && was.lastTransitionTime
            ? was.lastTransitionTime
            : new Date(nowMs).toISOString(),
      },
    ];
  }
  const since = m.status?.readySince ?? (ready ? new Date(nowMs).toISOString() : undefined);
  if (since) out.readySince = since;
  if (st.failureReason) out.failureReason = st.failureReason;
  if (st.failureMessage) out.failureMessage = st.failureMessage;
  return out;
}

async function writeStatus(ctx: MachineContext, m: Machine, status: MachineStatusFields): Promise<void> {
  if (sameJson(m.status ?? {}, status)) return;
  const was = m.status;
  try {
    const stored = (await ctx.store.updateStatus({ ...m, status })) as Machine;
    Object.assign(m, stored);
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
  if (status.ready && !was?.ready)
    await machineEvent(
      ctx,
      m,
      'MachineReady',
      `machine ${m.metadata.name} is Ready: node ${status.nodeName ?? '?'}, kubelet ${status.kubeletVersion ?? '?'}`,
    );
  else if (!status.ready && was?.ready)
    await machineEvent(
      ctx,
      m,
      'MachineNotReady',
      `node ${status.nodeName ?? m.metadata.name} is not Ready`,
      'Warning',
    );
  if (status.phase === 'Failed' && was?.phase !== 'Failed' && !status.providerError)
    await machineEvent(
      ctx,
      m,
      'MachineFailed',
      `${status.failureReason ?? 'Failed'}: ${status.failureMessage ?? 'the machine failed'}`,
      'Warning',
    );
}

/**
 * Brings a stored machine and the provider's in line: a live one gets its status (and is
 * created at the provider if it is not there); a deleting one is deleted at the provider and
 * loses its finalizer once the provider has deleted it. Returns false when the machine is gone.
 */
export async function syncMachine(
  ctx: MachineContext,
  m: Machine,
  recipe: () => BootRecipe | undefined,
): Promise<boolean> {
  const id = machineId(m);
  try {
    if (m.metadata.deletionTimestamp) {
      const st = await ctx.infra.deleteMachine(id);
      if (st && st.phase !== 'Deleted') {
        await writeStatus(ctx, m, { ...(m.status ?? {}), phase: st.phase, ready: false });
        return true;
      }
      const finalizers = (m.metadata.finalizers ?? []).filter((f) => f !== MACHINE_FINALIZER);
      try {
        await ctx.store.update({ ...m, metadata: { ...m.metadata, finalizers } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      await machineEvent(ctx, m, 'MachineDeleted', `machine ${m.metadata.name} is deleted`);
      return false;
    }
    const st = await ctx.infra.getMachine(id);
    if (!st || st.phase === 'Deleted') {
      if (m.status?.providerError) return true;
      const r = recipe();
      if (r) await startMachine(ctx, m, r);
      return true;
    }
    await writeStatus(ctx, m, statusFrom(m, st, ctx.clock.now()));
    return true;
  } catch (e) {
    if (isTransientProviderError(e)) {
      noteRetry(ctx, e);
      return true;
    }
    throw e;
  }
}

/** Starts deleting a machine (the store marks it; syncMachine finishes it). */
export async function deleteMachine(ctx: MachineContext, m: Machine, why: string): Promise<void> {
  if (m.metadata.deletionTimestamp) return;
  try {
    const r = await ctx.store.delete({
      ...MACHINE_TYPE,
      namespace: m.metadata.namespace,
      name: m.metadata.name,
    });
    Object.assign(m, r.object);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return;
  }
  await machineEvent(
    ctx,
    m,
    'MachineDeleting',
    `deleting machine ${m.metadata.name} (${m.spec.version}): ${why}`,
  );
  if (await syncMachine(ctx, m, () => undefined)) return;
  noteSettled(ctx);
  ctx.gone ??= new Set();
  ctx.gone.add(m.metadata.name);
}
