/** The runs behind `clustermint get` and `clustermint describe`: kubectl-like tables and details. */
import jsyaml from 'js-yaml';
import { type ClusterEvent, compareEvents, EVENT_TYPE } from '../api/event.js';
import { MACHINE_TYPE, type Machine } from '../api/machine.js';
import type { DeploymentStatus } from '../controller/deployment.js';
import { isNotFound } from '../store/errors.js';
import type { KubeObject, ResourceType } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import { CD_TYPE, deploymentEvents, openState } from './embedded-run.js';
import type { IO } from './io.js';

export interface GetOptions {
  state: string;
  namespace?: string;
  output?: string;
}

const KINDS: Record<string, ResourceType> = {
  clusterdeployment: CD_TYPE,
  clusterdeployments: CD_TYPE,
  cd: CD_TYPE,
  cld: CD_TYPE,
  machine: MACHINE_TYPE,
  machines: MACHINE_TYPE,
  event: EVENT_TYPE,
  events: EVENT_TYPE,
  ev: EVENT_TYPE,
};

export function kindOf(text: string): ResourceType {
  const t = KINDS[text.toLowerCase()];
  if (!t)
    throw new ClustermintError(
      'USAGE',
      `unknown resource type ${JSON.stringify(text)}: use clusterdeployments (cd), machines or events`,
    );
  return t;
}

/** `5s`, `3m`, `2h`, `4d` like kubectl's AGE. */
export function age(from: string | undefined, nowMs = Date.now()): string {
  if (!from) return '<unknown>';
  const s = Math.max(0, Math.floor((nowMs - Date.parse(from)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return `${rows.map((r) => `${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('   ')}`.trimEnd()).join('\n')}\n`;
}

const cond = (o: KubeObject, type: string) =>
  ((o.status as DeploymentStatus | undefined)?.conditions ?? []).find((c) => c.type === type);

function deploymentRows(items: KubeObject[], wide: boolean): string[][] {
  const head = ['NAMESPACE', 'NAME', 'READY', 'PHASE', 'TEMPLATE', 'VERSION', 'MACHINES', 'AGE'];
  if (wide) head.push('CONTROLPLANE', 'WORKERS', 'MESSAGE');
  return [
    head,
    ...items.map((o) => {
      const st = (o.status ?? {}) as DeploymentStatus;
      const spec = (o.spec ?? {}) as { template?: string };
      const ready = cond(o, 'Ready');
      const row = [
        o.metadata.namespace ?? '',
        o.metadata.name,
        ready?.status ?? 'Unknown',
        o.metadata.deletionTimestamp ? 'Deleting' : (st.phase ?? 'Pending'),
        spec.template ?? '',
        st.k8sVersion ?? '',
        st.machines ? `${st.machines.ready}/${st.machines.total}` : '0/0',
        age(o.metadata.creationTimestamp),
      ];
      if (wide)
        row.push(
          st.controlPlane
            ? `${st.controlPlane.readyReplicas}/${st.controlPlane.replicas} ${st.controlPlane.version}`
            : '',
          (st.machineDeployments ?? []).map((p) => `${p.name}:${p.readyReplicas}/${p.replicas}`).join(',') ||
            '-',
          ready?.message ?? '',
        );
      return row;
    }),
  ];
}

function machineRows(items: Machine[], wide: boolean): string[][] {
  const head = ['NAMESPACE', 'NAME', 'CLUSTER', 'ROLE', 'POOL', 'VERSION', 'PHASE', 'READY', 'AGE'];
  if (wide) head.push('ZONE', 'NODE', 'KUBELET', 'PROVIDERID');
  return [
    head,
    ...items.map((m) => {
      const s = m.status ?? {};
      const row = [
        m.metadata.namespace ?? '',
        m.metadata.name,
        m.spec.clusterName,
        m.spec.role,
        m.spec.pool,
        m.spec.version,
        m.metadata.deletionTimestamp ? 'Deleting' : (s.phase ?? 'Pending'),
        s.ready ? 'True' : 'False',
        age(m.metadata.creationTimestamp),
      ];
      if (wide) row.push(s.failureDomain ?? '', s.nodeName ?? '', s.kubeletVersion ?? '', s.providerID ?? '');
      return row;
    }),
  ];
}

function eventRows(items: ClusterEvent[]): string[][] {
  return [
    ['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
    ...items.map((e) => [
      e.metadata.namespace ?? '',
      age(e.lastTimestamp),
      e.type,
      e.reason,
      `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
      e.message,
    ]),
  ];
}

export async function runGet(kind: string, name: string | undefined, o: GetOptions, io: IO): Promise<number> {
  const type = kindOf(kind);
  const output = o.output ?? '';
  if (!['', 'wide', 'yaml', 'json'].includes(output))
    throw new ClustermintError('USAGE', `--output must be wide, yaml or json, got ${JSON.stringify(output)}`);
  const store = openState(o.state, true);
  try {
    let items: KubeObject[];
    if (name) {
      const ns = o.namespace ?? (await findNamespace(store, type, name));
      try {
        items = [await store.get({ ...type, namespace: ns, name })];
      } catch (e) {
        if (isNotFound(e)) {
          io.err(
            `error: ${type.kind} "${name}" not found${o.namespace ? ` in namespace ${o.namespace}` : ''}\n`,
          );
          return 1;
        }
        throw e;
      }
    } else items = (await store.list(type, o.namespace ? { namespace: o.namespace } : {})).items;
    if (type.kind === 'Event') items = (items as ClusterEvent[]).sort(compareEvents);
    if (output === 'json') {
      io.out(`${JSON.stringify(name ? items[0] : { apiVersion: 'v1', kind: 'List', items }, null, 2)}\n`);
      return 0;
    }
    if (output === 'yaml') {
      io.out(
        jsyaml.dump(name ? items[0] : { apiVersion: 'v1', kind: 'List', items }, {
          lineWidth: -1,
          noRefs: true,
        }),
      );
      return 0;
    }
    if (items.length === 0) {
      io.err(`No resources found${o.namespace ? ` in ${o.namespace} namespace` : ''}.\n`);
      return 0;
    }
    const rows =
      type.kind === 'ClusterDeployment'
        ? deploymentRows(items, output === 'wide')
        : type.kind === 'Machine'
          ? machineRows(items as Machine[], output === 'wide')
          : eventRows(items as ClusterEvent[]);
    io.out(table(rows));
    return 0;
  } finally {
    await store.close();
  }
}

/** The namespace of the only object of that name (across namespaces), else `default`. */
async function findNamespace(
  store: { list: (t: ResourceType, o?: { fieldSelector?: string }) => Promise<{ items: KubeObject[] }> },
  type: ResourceType,
  name: string,
): Promise<string> {
  const hits = (await store.list(type, { fieldSelector: `metadata.name=${name}` })).items;
  if (hits.length > 1)
    throw new ClustermintError(
      'USAGE',
      `${type.kind} ${name} exists in namespaces ${hits.map((h) => h.metadata.namespace).join(', ')}: give -n NAMESPACE`,
    );
  return hits[0]?.metadata.namespace ?? 'default';
}

export async function runDescribe(kind: string, name: string, o: GetOptions, io: IO): Promise<number> {
  const type = kindOf(kind);
  if (type.kind !== 'ClusterDeployment')
    throw new ClustermintError('USAGE', 'describe supports clusterdeployment NAME');
  const store = openState(o.state, true);
  try {
    const ns = o.namespace ?? (await findNamespace(store, type, name));
    let cd: KubeObject;
    try {
      cd = await store.get({ ...type, namespace: ns, name });
    } catch (e) {
      if (isNotFound(e)) {
        io.err(`error: ClusterDeployment "${name}" not found in namespace ${ns}\n`);
        return 1;
      }
      throw e;
    }
    const st = (cd.status ?? {}) as DeploymentStatus;
    const spec = (cd.spec ?? {}) as { template?: string; config?: unknown };
    const out: string[] = [];
    out.push(`Name:               ${cd.metadata.name}`);
    out.push(`Namespace:          ${ns}`);
    out.push(
      `Template:           ${spec.template ?? ''}${st.applied && st.applied.template !== spec.template ? ` (applied: ${st.applied.template})` : ''}`,
    );
    out.push(`Phase:              ${cd.metadata.deletionTimestamp ? 'Deleting' : (st.phase ?? 'Pending')}`);
    out.push(`Kubernetes version: ${st.k8sVersion ?? '-'}`);
    out.push(`Endpoint:           ${st.endpoint ?? '-'}`);
    out.push(`Generation:         ${cd.metadata.generation} (observed ${st.observedGeneration ?? '-'})`);
    out.push(`Available upgrades: ${st.availableUpgrades?.length ? st.availableUpgrades.join(', ') : '-'}`);
    out.push('Conditions:');
    out.push(
      table([
        ['  TYPE', 'STATUS', 'REASON', 'MESSAGE'],
        ...(st.conditions ?? []).map((c) => [`  ${c.type}`, c.status, c.reason, c.message]),
      ]).trimEnd(),
    );
    if (st.controlPlane) {
      const c = st.controlPlane;
      out.push(
        `Control plane:      ${c.name} (${c.mode}) ${c.readyReplicas}/${c.replicas} ready, ${c.updatedReplicas} updated, at ${c.version} (target ${c.targetVersion})`,
      );
    }
    if (st.machineDeployments?.length) {
      out.push('MachineDeployments:');
      out.push(
        table([
          ['  NAME', 'READY', 'UPDATED', 'VERSION', 'TARGET', 'NOTE'],
          ...st.machineDeployments.map((p) => [
            `  ${p.name}`,
            `${p.readyReplicas}/${p.replicas}`,
            String(p.updatedReplicas),
            p.version,
            p.targetVersion,
            p.note ?? '',
          ]),
        ]).trimEnd(),
      );
    }
    if (st.upgrade)
      out.push(
        `Upgrade:            ${st.upgrade.from} -> ${st.upgrade.to}, stage ${st.upgrade.stage}, control-plane steps ${st.upgrade.controlPlaneSteps.join(' -> ') || '-'}`,
      );
    const machines = (
      await store.list(MACHINE_TYPE, {
        namespace: ns,
        labelSelector: `clustermint.io/cluster-deployment=${name}`,
      })
    ).items as Machine[];
    out.push('Machines:');
    out.push(
      machines.length
        ? table(machineRows(machines, true).map((r) => [`  ${r[1]}`, ...r.slice(3)])).trimEnd()
        : '  <none>',
    );
    const events = await deploymentEvents(store, ns, name);
    out.push('Events:');
    out.push(
      events.length
        ? table([
            ['  TYPE', 'REASON', 'AGE', 'OBJECT', 'MESSAGE'],
            ...events
              .slice(-40)
              .map((e) => [
                `  ${e.type}`,
                e.reason,
                age(e.lastTimestamp),
                `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
                e.message,
              ]),
          ]).trimEnd()
        : '  <none>',
    );
    io.out(`${out.join('\n')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
