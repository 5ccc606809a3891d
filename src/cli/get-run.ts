/** The runs behind `clustermint get` and `clustermint describe`: kubectl-like tables and details. */
import jsyaml from 'js-yaml';
import { ACCESS_MANAGEMENT_TYPE } from '../api/access-management.js';
import { CLUSTER_TEMPLATE_TYPE } from '../api/cluster-template.js';
import { CREDENTIAL_TYPE } from '../api/credential.js';
import { DEPLOYMENT_HISTORY_TYPE } from '../api/deployment-history.js';
import { type ClusterEvent, compareEvents, EVENT_TYPE } from '../api/event.js';
import { MACHINE_TYPE, type Machine } from '../api/machine.js';
import { PROVIDER_INTERFACE_TYPE } from '../api/provider-interface.js';
import {
  CLUSTER_RESOURCE_SET_TYPE,
  MULTI_CLUSTER_SERVICE_TYPE,
  SERVICE_TEMPLATE_CHAIN_TYPE,
  SERVICE_TEMPLATE_TYPE,
} from '../api/services.js';
import { CHAIN_TYPE } from '../api/template-chain.js';
import type { DeploymentStatus } from '../controller/deployment.js';
import { isNotFound, isStoreError } from '../store/errors.js';
import { openKubeStore } from '../store/kube/index.js';
import type { KubeObject, ResourceType, Store } from '../store/types.js';
import { append } from '../util/append.js';
import { ClustermintError } from '../util/errors.js';
import { printable, quote } from '../util/printable.js';
import { upgradeSteps } from './apply-progress.js';
import { CD_TYPE, deploymentEvents, openState } from './embedded-run.js';
import {
  accessManagementRows,
  chainRows,
  clusterTemplateRows,
  credentialRows,
  describeCredential,
  historyRows,
  providerInterfaceRows,
} from './get-tenancy.js';
import type { IO } from './io.js';

export interface GetOptions {
  state: string;
  /** Read a cluster instead of the embedded store (the Kubernetes mode's objects). */
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  output?: string;
  /** Print the objects, then every change, until `signal` aborts. */
  watch?: boolean;
  signal?: AbortSignal;
}

const MCS_TYPE = MULTI_CLUSTER_SERVICE_TYPE;
const ST_TYPE = SERVICE_TEMPLATE_TYPE;
const CRS_TYPE = CLUSTER_RESOURCE_SET_TYPE;

/** Kinds without a namespace: a name is looked up without one, and -n does not apply (as kubectl). */
const CLUSTER_SCOPED = new Set(['MultiClusterService', 'AccessManagement', 'ProviderInterface']);

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
  multiclusterservice: MCS_TYPE,
  multiclusterservices: MCS_TYPE,
  mcs: MCS_TYPE,
  servicetemplate: ST_TYPE,
  servicetemplates: ST_TYPE,
  svctmpl: ST_TYPE,
  clusterresourceset: CRS_TYPE,
  clusterresourcesets: CRS_TYPE,
  // tenancy (docs/tenancy.md), with k0rdent's short names
  clustertemplate: CLUSTER_TEMPLATE_TYPE,
  clustertemplates: CLUSTER_TEMPLATE_TYPE,
  clustertemplatechain: CHAIN_TYPE,
  clustertemplatechains: CHAIN_TYPE,
  servicetemplatechain: SERVICE_TEMPLATE_CHAIN_TYPE,
  servicetemplatechains: SERVICE_TEMPLATE_CHAIN_TYPE,
  credential: CREDENTIAL_TYPE,
  credentials: CREDENTIAL_TYPE,
  cred: CREDENTIAL_TYPE,
  accessmanagement: ACCESS_MANAGEMENT_TYPE,
  accessmanagements: ACCESS_MANAGEMENT_TYPE,
  am: ACCESS_MANAGEMENT_TYPE,
  providerinterface: PROVIDER_INTERFACE_TYPE,
  providerinterfaces: PROVIDER_INTERFACE_TYPE,
  deploymenthistory: DEPLOYMENT_HISTORY_TYPE,
  deploymenthistories: DEPLOYMENT_HISTORY_TYPE,
  cdhist: DEPLOYMENT_HISTORY_TYPE,
};

/** The types `get` and the error about an unknown one name. */
export const TYPE_NAMES =
  'clusterdeployments (cd), machines, events, multiclusterservices (mcs), servicetemplates (svctmpl), clusterresourcesets, clustertemplates, clustertemplatechains, servicetemplatechains, credentials (cred), accessmanagements (am), providerinterfaces or deploymenthistories (cdhist)';

export function kindOf(text: string): ResourceType {
  const t = KINDS[text.toLowerCase()];
  if (!t) throw new ClustermintError('USAGE', `unknown resource type ${quote(text)}: use ${TYPE_NAMES}`);
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

/** Cells as printed: the stored objects' strings (messages, names) escaped, each on one line. */
const printableRows = (rows: string[][]): string[][] =>
  rows.map((r) => r.map((c) => printable(c, { oneLine: true })));

/** The widest cell of column `i` (a loop: a spread of one argument per row overflows past ~100,000 rows). */
function widest(rows: readonly string[][], i: number, least: number): number {
  let w = least;
  for (const r of rows) w = Math.max(w, (r[i] ?? '').length);
  return w;
}

export function table(given: string[][]): string {
  const rows = printableRows(given);
  const widths = rows[0].map((_, i) => widest(rows, i, 0));
  return `${rows.map((r) => `${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('   ')}`.trimEnd()).join('\n')}\n`;
}

const cond = (o: KubeObject, type: string) =>
  ((o.status as DeploymentStatus | undefined)?.conditions ?? []).find((c) => c.type === type);

function deploymentRows(items: KubeObject[], wide: boolean): string[][] {
  const head = ['NAMESPACE', 'NAME', 'READY', 'PHASE', 'TEMPLATE', 'VERSION', 'MACHINES', 'SERVICES', 'AGE'];
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
        // k0rdent's Services column: the ServicesInReadyState message, "deployed/all"
        cond(o, 'ServicesInReadyState')?.message ?? '-',
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

/** The embedded store, or with --kubeconfig the cluster's API (the same objects in Kubernetes mode). */
export async function openReadStore(o: Pick<GetOptions, 'state' | 'kubeconfig' | 'context'>): Promise<Store> {
  if (o.kubeconfig === undefined && o.context === undefined) return openState(o.state, true);
  try {
    return await openKubeStore({
      ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
      ...(o.context !== undefined ? { context: o.context } : {}),
    });
  } catch (e) {
    throw new ClustermintError(
      'UNREADABLE',
      `cannot load the kubeconfig: ${(e as Error).message}`,
      o.kubeconfig ? { file: o.kubeconfig } : undefined,
    );
  }
}

/** With --kubeconfig, a failure to reach the cluster is the user's to fix, not an internal error. */
export function unreachable(o: Pick<GetOptions, 'kubeconfig' | 'context'>, e: unknown): unknown {
  if (o.kubeconfig === undefined && o.context === undefined) return e;
  if (e instanceof ClustermintError || isStoreError(e)) return e;
  const answered = typeof (e as { code?: unknown }).code === 'number';
  return new ClustermintError(
    'UNREADABLE',
    `${answered ? 'the cluster refused' : 'cannot reach the cluster'}: ${(e as Error).message}`,
  );
}

export async function runGet(kind: string, name: string | undefined, o: GetOptions, io: IO): Promise<number> {
  const type = kindOf(kind);
  const output = o.output ?? '';
  if (!['', 'wide', 'yaml', 'json'].includes(output))
    throw new ClustermintError('USAGE', `--output must be wide, yaml or json, got ${quote(output)}`);
  const store = await openReadStore(o);
  try {
    if (o.watch) return await watchGet(store, type, name, o, io, o.signal ?? new AbortController().signal);
    let items: KubeObject[];
    const clusterScoped = CLUSTER_SCOPED.has(type.kind);
    if (name) {
      const ns = clusterScoped ? undefined : (o.namespace ?? (await findNamespace(store, type, name)));
      try {
        items = [await store.get({ ...type, ...(ns ? { namespace: ns } : {}), name })];
      } catch (e) {
        if (isNotFound(e)) {
          io.err(
            `error: ${type.kind} "${name}" not found${o.namespace && !clusterScoped ? ` in namespace ${o.namespace}` : ''}\n`,
          );
          return 1;
        }
        throw e;
      }
    } else
      items = (await store.list(type, o.namespace && !clusterScoped ? { namespace: o.namespace } : {})).items;
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
      io.err(`No resources found${o.namespace && !clusterScoped ? ` in ${o.namespace} namespace` : ''}.\n`);
      return 0;
    }
    io.out(table(rowsOf(type, items, output === 'wide')));
    return 0;
  } catch (e) {
    throw unreachable(o, e);
  } finally {
    await store.close();
  }
}

function rowsOf(type: ResourceType, items: KubeObject[], wide: boolean): string[][] {
  const ago = (t: string | undefined) => age(t);
  switch (type.kind) {
    case 'Credential':
      return credentialRows(items, wide, ago);
    case 'AccessManagement':
      return accessManagementRows(items, ago);
    case 'ProviderInterface':
      return providerInterfaceRows(items, ago);
    case 'DeploymentHistory':
      return historyRows(items, ago);
    case 'ClusterTemplate':
      return clusterTemplateRows(items, wide, ago);
    case 'ClusterTemplateChain':
    case 'ServiceTemplateChain':
      return chainRows(items, ago);
  }
  return type.kind === 'ClusterDeployment'
    ? deploymentRows(items, wide)
    : type.kind === 'Machine'
      ? machineRows(items as Machine[], wide)
      : type.kind === 'Event'
        ? eventRows(items as ClusterEvent[])
        : serviceKindRows(type, items);
}

/**
 * `get -w`: the current objects, then one line (or document) per change, as kubectl does, until
 * `signal` aborts. Table rows keep the columns' widths; a change that leaves an object's row as
 * it was (a status field the table does not show) prints nothing.
 */
async function watchGet(
  store: Store,
  type: ResourceType,
  name: string | undefined,
  o: GetOptions,
  io: IO,
  signal: AbortSignal,
): Promise<number> {
  const output = o.output ?? '';
  const ns = CLUSTER_SCOPED.has(type.kind)
    ? undefined
    : name
      ? (o.namespace ?? (await findNamespace(store, type, name)))
      : o.namespace;
  const selector = {
    ...(ns ? { namespace: ns } : {}),
    ...(name ? { fieldSelector: `metadata.name=${name}` } : {}),
  };
  const first = await store.list(type, selector);
  const wide = output === 'wide';
  const head = rowsOf(type, [], wide)[0];
  const ageColumn = head.indexOf(type.kind === 'Event' ? 'LAST SEEN' : 'AGE');
  let widths = head.map((h) => h.length);
  let headed = false;
  const last = new Map<string, string>();
  const print = (obj: KubeObject, deleted: boolean) => {
    if (output === 'json') return io.out(`${JSON.stringify(obj, null, 2)}\n`);
    if (output === 'yaml') return io.out(`---\n${jsyaml.dump(obj, { lineWidth: -1, noRefs: true })}`);
    const row = printableRows(rowsOf(type, [obj], wide))[1];
    if (deleted && type.kind !== 'Event') row[head.indexOf('PHASE')] = 'Deleted';
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const seen = JSON.stringify(row.filter((_, i) => i !== ageColumn));
    if (last.get(key) === seen) return;
    last.set(key, seen);
    const rows = headed ? [row] : [head, row];
    widths = widths.map((w, i) => widest(rows, i, w));
    io.out(
      `${rows
        .map((r) =>
          `${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('   ')}`.trimEnd(),
        )
        .join('\n')}\n`,
    );
    headed = true;
  };
  if (first.items.length === 0 && output !== 'json' && output !== 'yaml')
    io.err(`No resources found${ns ? ` in ${ns} namespace` : ''}; watching.\n`);
  else {
    if (!output || wide) {
      const initial = printableRows(rowsOf(type, first.items, wide));
      widths = widths.map((w, i) => widest(initial, i, w));
    }
    for (const obj of type.kind === 'Event'
      ? (first.items as ClusterEvent[]).sort(compareEvents)
      : first.items)
      print(obj, false);
  }
  const watch = await store.watch(type, { ...selector, resourceVersion: first.resourceVersion });
  const stop = () => watch.close();
  if (signal.aborted) stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const ev of watch) {
      if (ev.type === 'BOOKMARK') continue;
      print(ev.object, ev.type === 'DELETED');
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  } finally {
    signal.removeEventListener('abort', stop);
    watch.close();
  }
  return 0;
}

/** The namespace of the only object of that name (across namespaces), else `default`. */
export async function findNamespace(
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
  if (type.kind !== 'ClusterDeployment' && type.kind !== 'Credential')
    throw new ClustermintError('USAGE', 'describe supports clusterdeployment NAME and credential NAME');
  const store = await openReadStore(o);
  try {
    if (type.kind === 'Credential') return await describeCredentialRun(store, name, o, io);
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
    if (st.upgrade) {
      const steps = upgradeSteps(st);
      const current = steps.findIndex((x) => x.state === 'in progress');
      const next = steps.findIndex((x) => x.state === 'pending');
      out.push(`Upgrade:            ${st.upgrade.from} -> ${st.upgrade.to} (stage ${st.upgrade.stage})`);
      out.push(
        `  Current step:     ${current >= 0 ? `${current + 1}. ${steps[current].text}: ${steps[current].detail}` : next >= 0 ? `next ${next + 1}. ${steps[next].text} (${cond(cd, 'UpgradeInProgress')?.message ?? 'waiting'})` : (cond(cd, 'UpgradeInProgress')?.message ?? '-')}`,
      );
      out.push('  Planned steps:');
      out.push(
        table([
          ['    STEP', 'STATE', 'DETAIL'],
          ...steps.map((x, i) => [`    ${i + 1}. ${x.text}`, x.state, x.detail ?? '']),
        ]).trimEnd(),
      );
    }
    if (st.capi) {
      // Cluster API makes this cluster's machines: its Machines as it reports them.
      out.push(`Machines (Cluster API, Cluster ${st.capi.cluster}):`);
      out.push(
        st.capi.machines.length
          ? table([
              ['  NAME', 'ROLE', 'POOL', 'VERSION', 'PHASE', 'NODE', 'MESSAGE'],
              ...st.capi.machines.map((m) => [
                `  ${m.name}`,
                m.role,
                m.pool ?? '',
                m.version ?? '',
                m.phase,
                m.node ?? '',
                (m.message ?? '').replace(/\s*\n\s*/g, '; '),
              ]),
            ]).trimEnd()
          : '  <none>',
      );
    } else {
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
    }
    append(out, servicesSection(st));
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
    io.out(`${printable(out.join('\n'))}\n`);
    return 0;
  } catch (e) {
    throw unreachable(o, e);
  } finally {
    await store.close();
  }
}

async function describeCredentialRun(store: Store, name: string, o: GetOptions, io: IO): Promise<number> {
  const ns = o.namespace ?? (await findNamespace(store, CREDENTIAL_TYPE, name));
  let cred: KubeObject;
  try {
    cred = await store.get({ ...CREDENTIAL_TYPE, namespace: ns, name });
  } catch (e) {
    if (isNotFound(e)) {
      io.err(printable(`error: Credential "${name}" not found in namespace ${ns}\n`));
      return 1;
    }
    throw e;
  }
  const users = (await store.list(CD_TYPE, { namespace: ns })).items
    .filter((d) => (d.spec as { credential?: string } | undefined)?.credential === name)
    .map((d) => `${ns}/${d.metadata.name}`);
  io.out(`${printable(describeCredential(cred, users, (t) => age(t)).join('\n'))}\n`);
  return 0;
}

/** describe's Services section: each service's state as the services reconciler wrote it. */
function servicesSection(st: DeploymentStatus): string[] {
  const services = st.services ?? [];
  if (!services.length) return [];
  return [
    'Services:',
    table([
      ['  NAMESPACE/NAME', 'TEMPLATE', 'STATE', 'REASON', 'OWNER', 'MESSAGE'],
      ...services.map((s) => [
        `  ${s.namespace}/${s.name}`,
        s.template,
        s.state,
        s.reason ?? '',
        s.owner,
        [s.message ?? '', ...(s.drift?.length ? [`drift: ${s.drift.join('; ')}`] : [])]
          .filter(Boolean)
          .join('; '),
      ]),
    ]).trimEnd(),
  ];
}

/** The service kinds' tables, with k0rdent's printer columns. */
function serviceKindRows(type: ResourceType, items: KubeObject[]): string[][] {
  const status = (o: KubeObject) => (o.status ?? {}) as Record<string, unknown>;
  if (type.kind === 'MultiClusterService')
    return [
      ['NAME', 'CLUSTERS', 'SERVICES', 'AGE'],
      ...items.map((o) => [
        o.metadata.name,
        cond(o, 'ClusterInReadyState')?.message ?? '-',
        String(
          ((o.spec as { serviceSpec?: { services?: unknown[] } } | undefined)?.serviceSpec?.services ?? [])
            .length,
        ),
        age(o.metadata.creationTimestamp),
      ]),
    ];
  if (type.kind === 'ServiceTemplate')
    return [
      ['NAMESPACE', 'NAME', 'KIND', 'K8SCONSTRAINT', 'AGE'],
      ...items.map((o) => {
        const spec = (o.spec ?? {}) as { helm?: unknown; k8sConstraint?: string };
        return [
          o.metadata.namespace ?? '',
          o.metadata.name,
          spec.helm ? 'helm' : 'resources',
          spec.k8sConstraint ?? String(status(o).k8sConstraint ?? '-'),
          age(o.metadata.creationTimestamp),
        ];
      }),
    ];
  return [
    ['NAMESPACE', 'NAME', 'STRATEGY', 'APPLIED', 'AGE'],
    ...items.map((o) => [
      o.metadata.namespace ?? '',
      o.metadata.name,
      String((o.spec as { strategy?: string } | undefined)?.strategy ?? 'ApplyOnce'),
      cond(o, 'ResourcesApplied')?.status ?? 'Unknown',
      age(o.metadata.creationTimestamp),
    ]),
  ];
}
