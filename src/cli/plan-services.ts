/**
 * `clustermint plan`'s services: for each ClusterDeployment, the services it would get (its own
 * serviceSpec and the MultiClusterServices that select it, from the files and the embedded
 * state) rendered as the controller renders them, and the object diff on each: against the
 * workload cluster itself when it answers (what is there now, and the inventories of what
 * clustermint installed), else every object as new.
 */
import { readKubeconfig, workloadAccessOf } from '../controller/services/access.js';
import { type Inventory, inventoryName, readInventories } from '../controller/services/deliver.js';
import { renderService } from '../controller/services/render.js';
import { wantedServices } from '../controller/services/wanted.js';
import type { LoadedPolicy } from '../policy/load.js';
import { DEFAULT_KUBE } from '../render/helm/capabilities.js';
import type { TemplateChartLoader } from '../resolve/template-chart.js';
import { driftOf } from '../services/drift.js';
import { pruneList } from '../services/inventory.js';
import { WorkloadClient, WorkloadError } from '../services/workload-client.js';
import type { KubeObject, ResourceType, Store } from '../store/types.js';
import type { PlainObject } from '../util/plain-object.js';

export interface ObjectChange {
  action: 'create' | 'update' | 'delete';
  object: string;
  /** For updates: `path: old -> new`. */
  changes?: string[];
}

export interface ServicePlan {
  /** `namespace/name` on the workload cluster. */
  service: string;
  owner: string;
  template: string;
  /**
   * `drift`: what clustermint applied is unchanged, but the live objects differ from it (changed
   * or deleted by someone else); `reason` says what the syncMode does about it.
   */
  action: 'install' | 'upgrade' | 'drift' | 'unchanged' | 'uninstall' | 'refused' | 'pending';
  /** Why it would not be installed (a state's reason and message). */
  reason?: string;
  objects: ObjectChange[];
}

export interface ClusterServicesPlan {
  /** Where the diff comes from: the cluster, or why not. */
  against: string;
  services: ServicePlan[];
  warnings: string[];
}

/** Kinds served cluster-wide, for a plan that cannot ask the cluster (its discovery answers otherwise). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CSIDriver',
  'Node',
]);

const textOf = (o: { kind?: unknown; metadata?: unknown }) => {
  const m = (o.metadata ?? {}) as PlainObject;
  return `${String(o.kind)}/${m.namespace ? `${String(m.namespace)}/` : ''}${String(m.name)}`;
};

export async function planServices(
  view: Pick<Store, 'get' | 'list'>,
  cd: KubeObject,
  stored: KubeObject | undefined,
  deps: { loader: TemplateChartLoader; policies: readonly LoadedPolicy[] },
): Promise<ClusterServicesPlan> {
  const wanted = await wantedServices(view, cd);
  const plan: ClusterServicesPlan = {
    against: '',
    services: [],
    warnings: [...wanted.warnings, ...wanted.conditions.map((c) => c.message)],
  };
  if (wanted.invalid) return plan;
  // the workload cluster, when the stored deployment says how to reach it and it answers
  let client: WorkloadClient | undefined;
  let version = (stored?.status as { k8sVersion?: string } | undefined)?.k8sVersion ?? '';
  let inventories = new Map<string, Inventory>();
  const access = stored ? workloadAccessOf(stored) : { none: 'not applied yet' };
  if ('none' in access)
    plan.against = `no workload cluster to compare with (${access.none}): every object is new`;
  else {
    try {
      const kubeconfig = await readKubeconfig(view as Store, access, access.kind === 'file');
      client = await WorkloadClient.fromKubeconfig(
        kubeconfig,
        access.kind === 'file' ? { allowExternalCredentials: true } : {},
      );
      version = (await client.version()).gitVersion;
      inventories = (await readInventories(client)).inventories;
      plan.against = `compared with the workload cluster ${client.server} (Kubernetes ${version})`;
    } catch (e) {
      if (!(e instanceof WorkloadError)) throw e;
      client?.close();
      client = undefined;
      plan.against = `the workload cluster does not answer (${e.reason}: ${e.message}): every object is new`;
    }
  }
  try {
    const namespaced = async (t: ResourceType) =>
      client ? client.namespaced(t) : !CLUSTER_SCOPED.has(t.kind);
    const cluster = { namespace: cd.metadata.namespace ?? 'default', name: cd.metadata.name };
    for (const d of wanted.desired) {
      const inv = inventories.get(d.key);
      const r = await renderService(
        { ...deps, namespaced, store: view },
        cluster,
        d,
        version || DEFAULT_KUBE.version,
        inv?.template,
      );
      if ('state' in r) {
        plan.services.push({
          service: d.key,
          owner: d.owner,
          template: d.template,
          action: r.state === 'Failed' ? 'refused' : 'pending',
          reason: `${r.reason}: ${r.message}`,
          objects: [],
        });
        continue;
      }
      const objects: ObjectChange[] = [];
      // the same objects as installed: only drift, judged as the controller does (its exclusions)
      const same = inv !== undefined && inv.template === d.template && inv.hash === r.hash;
      for (const o of r.objects) {
        const live = client
          ? await client.get({
              apiVersion: String(o.apiVersion),
              kind: String(o.kind),
              name: String((o.metadata as PlainObject).name),
              ...((o.metadata as PlainObject).namespace
                ? { namespace: String((o.metadata as PlainObject).namespace) }
                : {}),
            })
          : undefined;
        if (!live) {
          objects.push({ action: 'create', object: textOf(o) });
          continue;
        }
        const drift = driftOf(o, live, same ? d.driftExclusions : []);
        if (drift.fields.length)
          objects.push({
            action: 'update',
            object: textOf(o),
            changes: drift.fields.map((f) => `${f}: changed`),
          });
      }
      if (inv)
        for (const e of pruneList(
          inv.entries,
          r.objects.map((o) => ({
            apiVersion: String(o.apiVersion),
            kind: String(o.kind),
            name: String((o.metadata as PlainObject).name),
            ...((o.metadata as PlainObject).namespace
              ? { namespace: String((o.metadata as PlainObject).namespace) }
              : {}),
          })),
        ))
          objects.push({
            action: 'delete',
            object: `${e.kind}/${e.namespace ? `${e.namespace}/` : ''}${e.name}`,
          });
      const action = !inv ? 'install' : !same ? 'upgrade' : objects.length ? 'drift' : 'unchanged';
      plan.services.push({
        service: d.key,
        owner: d.owner,
        template: d.template,
        action,
        ...(action === 'drift' ? { reason: driftNote(d.syncMode) } : {}),
        objects,
      });
    }
    const keys = new Set(wanted.desired.map((d) => d.key));
    for (const [k, inv] of inventories) {
      if (keys.has(k) || wanted.keepOwners.has(inv.owner)) continue;
      plan.services.push({
        service: k,
        owner: inv.owner,
        template: inv.template,
        action: 'uninstall',
        objects: [
          ...pruneList(inv.entries, []).map((e) => ({
            action: 'delete' as const,
            object: `${e.kind}/${e.namespace ? `${e.namespace}/` : ''}${e.name}`,
          })),
          {
            action: 'delete' as const,
            object: `ConfigMap/${k.slice(0, k.indexOf('/'))}/${inventoryName(k.slice(k.indexOf('/') + 1))}`,
          },
        ],
      });
    }
  } finally {
    client?.close();
  }
  return plan;
}

/** What the controller does about drift, by syncMode. */
function driftNote(syncMode: string): string {
  switch (syncMode) {
    case 'ContinuousWithDriftDetection':
      return 'syncMode ContinuousWithDriftDetection: put back';
    case 'OneTime':
      return 'syncMode OneTime: left as it is';
    case 'DryRun':
      return 'syncMode DryRun: nothing applied';
    default:
      return `syncMode ${syncMode}: reported, not corrected`;
  }
}

/** The plan's services as text lines (two-space indented under the deployment). */
export function servicesLines(p: ClusterServicesPlan): string[] {
  if (!p.services.length && !p.warnings.length) return [];
  const out = ['  services:', `    (${p.against})`];
  for (const w of p.warnings) out.push(`    warning: ${w}`);
  const mark = {
    install: '+',
    upgrade: '~',
    drift: '~',
    unchanged: '=',
    uninstall: '-',
    refused: '!',
    pending: '?',
  } as const;
  for (const s of p.services) {
    out.push(
      `    ${mark[s.action]} ${s.service} (${s.action}, template ${s.template}, ${s.owner})${s.reason ? `: ${s.reason}` : ''}`,
    );
    for (const c of s.objects) {
      out.push(`        ${c.action === 'create' ? '+' : c.action === 'delete' ? '-' : '~'} ${c.object}`);
      for (const ch of c.changes ?? []) out.push(`            ${ch}`);
    }
  }
  return out;
}
