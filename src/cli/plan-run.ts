/** The run behind `clustermint plan`. */
import { existsSync } from 'node:fs';
import { MACHINE_TYPE, type Machine } from '../api/machine.js';
import { availableUpgrades, CHAIN_TYPE, supportedTemplates } from '../api/template-chain.js';
import type { DeploymentStatus } from '../controller/deployment.js';
import { type DesiredCluster, desiredCluster } from '../controller/desired.js';
import { adoptedClusterOf } from '../controller/phases/adopted.js';
import {
  compareKubernetes,
  kubernetesVersion,
  resolvedTemplateKubeVersion,
} from '../domain/kubernetes-version.js';
import { ANNOTATION_DEFER_UPGRADE, ANNOTATION_HOLD_UPGRADE_SEQUENCE } from '../domain/labels.js';
import { templateChangeError } from '../domain/template-upgrades.js';
import { KNOWN_KUBERNETES_VERSIONS, knownVersions, planControlPlaneUpgrade } from '../domain/upgrade-path.js';
import { runGate } from '../gate/index.js';
import { loadPolicyFiles } from '../policy/policy-files.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { sourcedDocuments } from '../resolve/documents.js';
import { TemplateChartLoader } from '../resolve/template-chart.js';
import { isNotFound } from '../store/errors.js';
import { objectsView } from '../store/objects-view.js';
import { storedTeamLabels } from '../store/team-labels.js';
import type { KubeObject, Store } from '../store/types.js';
import { append } from '../util/append.js';
import { printable } from '../util/printable.js';
import { prepareAdmission } from './admission-run.js';
import { CD_TYPE, openState } from './embedded-run.js';
import { clusterDeployments, expandInputs, readSubmissionFile } from './inputs.js';
import type { IO } from './io.js';
import { type ClusterServicesPlan, type ObjectChange, planServices, servicesLines } from './plan-services.js';
import { printViolations } from './print.js';
import { refuseNamespaceDocuments } from './team-labels.js';

export interface PlanOptions {
  files: string[];
  state: string;
  templates: string[];
  policies: string[];
  /** The platform's ceiling on machines per deployment. */
  maxMachines: number;
  output: 'text' | 'json';
}

type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string }; [k: string]: unknown };

export type { ObjectChange };

export interface DeploymentPlan {
  deployment: string;
  allowed: boolean;
  violations: string[];
  refused?: string;
  objects: ObjectChange[];
  machines: string[];
  upgradeSteps: string[];
  /** The services the cluster would get, and the object diff on each. */
  services?: ClusterServicesPlan;
}

const idOf = (o: Obj) => `${o.kind}/${o.metadata?.name ?? ''}`;

function leaves(v: unknown, path: string, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) out.set(path, '{}');
    for (const [k, x] of entries) leaves(x, path ? `${path}.${k}` : k, out);
  } else if (Array.isArray(v)) {
    if (v.length === 0) out.set(path, '[]');
    v.forEach((x, i) => {
      leaves(x, `${path}[${i}]`, out);
    });
  } else out.set(path, JSON.stringify(v));
}

export function diffObjects(before: Obj[], after: Obj[]): ObjectChange[] {
  const old = new Map(before.map((o) => [idOf(o), o]));
  const out: ObjectChange[] = [];
  for (const o of after) {
    const prev = old.get(idOf(o));
    old.delete(idOf(o));
    if (!prev) {
      out.push({ action: 'create', object: idOf(o) });
      continue;
    }
    const a = new Map<string, string>();
    const b = new Map<string, string>();
    leaves(prev, '', a);
    leaves(o, '', b);
    const changes: string[] = [];
    for (const [p, v] of b) if (a.get(p) !== v) changes.push(`${p}: ${a.get(p) ?? '(none)'} -> ${v}`);
    for (const [p, v] of a) if (!b.has(p)) changes.push(`${p}: ${v} -> (none)`);
    if (changes.length) out.push({ action: 'update', object: idOf(o), changes: changes.sort() });
  }
  for (const id of old.keys()) out.push({ action: 'delete', object: id });
  return out;
}

async function planOne(
  store: Store | undefined,
  ns: string,
  name: string,
  objects: Obj[],
  catalog: TemplateCatalog,
  template: string,
): Promise<Omit<DeploymentPlan, 'deployment' | 'allowed' | 'violations'>> {
  let stored: KubeObject | undefined;
  if (store)
    try {
      stored = await store.get({ ...CD_TYPE, namespace: ns, name });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  const st = (stored?.status ?? {}) as DeploymentStatus;
  const plan: Omit<DeploymentPlan, 'deployment' | 'allowed' | 'violations'> = {
    objects: diffObjects((st.applied?.objects ?? []) as Obj[], objects),
    machines: [],
    upgradeSteps: [],
  };
  const chains = store ? (await store.list(CHAIN_TYPE, { namespace: ns })).items : [];
  if (st.applied && st.applied.template !== template) {
    const refusal = templateChangeError(
      st.applied.template,
      template,
      availableUpgrades(chains, st.applied.template),
    );
    if (refusal) plan.refused = refusal;
  }
  // An adopted cluster (a SveltosCluster): nothing to provision, no machines to plan.
  if (adoptedClusterOf(objects as never)) return plan;
  let d: DesiredCluster;
  try {
    d = desiredCluster(objects as never);
  } catch (e) {
    plan.refused ??= (e as Error).message;
    return plan;
  }
  const machines = store
    ? (
        (
          await store.list(MACHINE_TYPE, {
            namespace: ns,
            labelSelector: `clustermint.io/cluster-deployment=${name}`,
          })
        ).items as Machine[]
      ).filter((m) => !m.metadata.deletionTimestamp)
    : [];
  const known = knownVersions(
    KNOWN_KUBERNETES_VERSIONS,
    chains.flatMap((c) =>
      supportedTemplates(c).map((t) => resolvedTemplateKubeVersion((n) => catalog.resolve(n), t.name)),
    ),
  );
  const cpSpec = d.controlPlane.spec as { replicas?: number; version?: string };
  const cpTarget = kubernetesVersion(String(cpSpec.version ?? ''));
  const cpReplicas = typeof cpSpec.replicas === 'number' ? cpSpec.replicas : 1;
  const cpMachines = machines.filter((m) => m.spec.role === 'control-plane');
  const cpCurrent = st.controlPlane?.version;
  let steps: string[] = [];
  if (cpCurrent) {
    const p = planControlPlaneUpgrade(cpCurrent, cpTarget, known);
    if (!p.ok) plan.refused ??= p.message;
    else steps = p.steps;
  }
  if (!st.controlPlane) plan.machines.push(`create ${cpReplicas} control-plane machine(s) at ${cpTarget}`);
  else {
    if (cpMachines.length < cpReplicas)
      plan.machines.push(`create ${cpReplicas - cpMachines.length} control-plane machine(s)`);
    if (cpMachines.length > cpReplicas)
      plan.machines.push(
        `delete ${cpMachines.length - cpReplicas} control-plane machine(s) (unhealthy first, then oldest)`,
      );
    if (steps.length)
      plan.machines.push(
        `replace ${cpReplicas} control-plane machine(s) ${steps.length} time(s), one at a time with surge`,
      );
  }
  for (const [i, s] of steps.entries())
    plan.upgradeSteps.push(`${i + 1}. control plane ${i === 0 ? cpCurrent : steps[i - 1]} -> ${s}`);
  let held = false;
  let n = steps.length;
  for (const md of d.machineDeployments) {
    if (ANNOTATION_HOLD_UPGRADE_SEQUENCE in md.annotations) held = true;
    const deferred = ANNOTATION_DEFER_UPGRADE in md.annotations;
    const pool = machines.filter((m) => m.spec.role === 'worker' && m.spec.pool === md.name);
    const cur = st.machineDeployments?.find((p) => p.name === md.name)?.version;
    const target = kubernetesVersion(md.version);
    if (!cur) {
      plan.machines.push(`create ${md.replicas} worker machine(s) in ${md.name} at ${target}`);
      continue;
    }
    if (pool.length < md.replicas)
      plan.machines.push(`create ${md.replicas - pool.length} worker machine(s) in ${md.name}`);
    if (pool.length > md.replicas)
      plan.machines.push(
        `delete ${pool.length - md.replicas} worker machine(s) in ${md.name} (unhealthy first, then oldest)`,
      );
    if (compareKubernetes(target, cur) < 0)
      plan.refused ??= `MachineDeployment ${md.name}: version cannot be decreased from ${cur} to ${target}`;
    else if (target !== cur) {
      const note = deferred ? ' (deferred: defer-upgrade)' : held ? ' (held: hold-upgrade-sequence)' : '';
      plan.upgradeSteps.push(`${++n}. workers ${md.name} ${cur} -> ${target}${note}`);
      if (!note)
        plan.machines.push(
          `replace ${md.replicas} worker machine(s) in ${md.name} (maxSurge ${md.maxSurge}, maxUnavailable ${md.maxUnavailable})`,
        );
    }
  }
  return plan;
}

export async function runPlan(o: PlanOptions, io: IO): Promise<number> {
  const policies = loadPolicyFiles(o.policies);
  const catalog = new TemplateCatalog(o.templates);
  const files = expandInputs(o.files).map(readSubmissionFile);
  refuseNamespaceDocuments(files); // as apply does
  const store = existsSync(o.state) ? openState(o.state) : undefined;
  const plans: DeploymentPlan[] = [];
  // the files' other objects (ServiceTemplates, MultiClusterServices, ConfigMaps...) as if applied
  const given = sourcedDocuments(files)
    .map((d) => d.value as unknown as KubeObject)
    .filter(
      (v) =>
        typeof v?.apiVersion === 'string' &&
        typeof v.kind === 'string' &&
        typeof v.metadata?.name === 'string' &&
        v.kind !== 'ClusterDeployment',
    )
    .map((v) =>
      v.metadata.namespace || isClusterScoped(v.kind)
        ? v
        : { ...v, metadata: { ...v.metadata, namespace: 'default' } },
    )
    .map(asStored);
  const view = objectsView(lastOfEach(given), store);
  const loader = new TemplateChartLoader({ catalog });
  try {
    // the templates (the files', the state's, copies to come) and k0rdent's admission facts, as apply judges
    const admission = await prepareAdmission({
      documents: sourcedDocuments(files),
      ...(store ? { store } : {}),
      teamLabels: (ns) => (store ? storedTeamLabels(store, ns) : Promise.resolve(undefined)),
      catalog,
      loader,
    });
    for (const f of files)
      for (const cd of clusterDeployments(f).deployments) {
        const judged = await admission.judge(cd);
        const v = runGate({
          deployment: cd,
          resolveTemplate: judged.resolveTemplate,
          admission: judged.admission,
          policies,
          // the labels apply and the controller use: the state's Namespaces
          teamLabels: store ? await storedTeamLabels(store, cd.metadata.namespace) : undefined,
          maxMachines: o.maxMachines,
        });
        const base = {
          deployment: `${cd.metadata.namespace}/${cd.metadata.name}`,
          allowed: v.allowed,
          violations: printViolations(v.violations).split('\n').filter(Boolean),
        };
        if (!v.allowed) {
          plans.push({ ...base, objects: [], machines: [], upgradeSteps: [] });
          continue;
        }
        const asObject = {
          ...(cd.source.doc.value as object),
          metadata: { ...cd.metadata, labels: cd.metadata.labels },
        } as unknown as KubeObject;
        let stored: KubeObject | undefined;
        if (store)
          try {
            stored = await store.get({
              ...CD_TYPE,
              namespace: cd.metadata.namespace,
              name: cd.metadata.name,
            });
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
        const services = await planServices(view, asObject, stored, { loader, policies });
        plans.push({
          ...base,
          ...(await planOne(
            store,
            cd.metadata.namespace,
            cd.metadata.name,
            v.objects as Obj[],
            catalog,
            cd.spec.template,
          )),
          ...(services.services.length || services.warnings.length ? { services } : {}),
        });
      }
  } finally {
    await store?.close();
  }
  if (o.output === 'json') io.out(`${JSON.stringify(plans, null, 2)}\n`);
  else {
    const out: string[] = [];
    for (const p of plans) {
      out.push(`${p.deployment}: ${p.allowed ? (p.refused ? 'refused' : 'allowed') : 'denied by the gate'}`);
      for (const v of p.violations) out.push(`  ${v}`);
      if (p.refused) out.push(`  refused: ${p.refused}`);
      if (p.allowed) {
        out.push('  objects:');
        if (!p.objects.length) out.push('    (no change)');
        for (const c of p.objects) {
          out.push(`    ${c.action === 'create' ? '+' : c.action === 'delete' ? '-' : '~'} ${c.object}`);
          for (const ch of c.changes ?? []) out.push(`        ${ch}`);
        }
        out.push('  machines:');
        append(out, p.machines.length ? p.machines.map((m) => `    ${m}`) : ['    (no change)']);
        if (p.upgradeSteps.length) {
          out.push('  upgrade steps:');
          append(
            out,
            p.upgradeSteps.map((s) => `    ${s}`),
          );
        }
        if (p.services) append(out, servicesLines(p.services));
      }
    }
    io.out(`${printable(out.join('\n'))}\n`);
  }
  return plans.every(
    (p) => p.allowed && !p.refused && !p.services?.services.some((s) => s.action === 'refused'),
  )
    ? 0
    : 1;
}

/** The last of the files' objects of each kind, namespace and name: what `apply` would leave stored. */
function lastOfEach(objects: KubeObject[]): KubeObject[] {
  const byId = new Map<string, KubeObject>();
  for (const o of objects)
    byId.set(JSON.stringify([o.apiVersion, o.kind, o.metadata.namespace ?? '', o.metadata.name]), o);
  return [...byId.values()];
}

/** A Secret as the API server (and `apply`) stores it: stringData folded into base64 data. */
function asStored(o: KubeObject): KubeObject {
  const { stringData, ...rest } = o as KubeObject & { stringData?: unknown; data?: unknown };
  if (o.kind !== 'Secret' || o.apiVersion !== 'v1' || stringData === null || typeof stringData !== 'object')
    return o;
  const data: Record<string, unknown> = { ...((rest.data as Record<string, unknown> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(stringData))
    if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  return { ...rest, data } as KubeObject;
}

/** Kinds without a namespace among what a plan's files may hold. */
function isClusterScoped(kind: string): boolean {
  return [
    'MultiClusterService',
    'Namespace',
    'AccessManagement',
    'ProviderInterface',
    'SimulatedClusterIdentity',
  ].includes(kind);
}
