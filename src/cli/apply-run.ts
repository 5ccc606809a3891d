/** The run behind `clustermint apply`. */

import { ACCESS_MANAGEMENT_TYPE } from '../api/access-management.js';
import type { ClusterDeployment } from '../api/cluster-deployment.js';
import { isClusterTemplate, isTemplateSource } from '../api/cluster-template.js';
import { CREDENTIAL_TYPE } from '../api/credential.js';
import { chainProblems, isClusterTemplateChain } from '../api/template-chain.js';
import { auditAction } from '../domain/audit.js';
import { runGate } from '../gate/index.js';
import { loadPolicyFiles } from '../policy/policy-files.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { sourcedDocuments } from '../resolve/documents.js';
import { TemplateChartLoader } from '../resolve/template-chart.js';
import { isAlreadyExists, isNotFound, isStoreError } from '../store/errors.js';
import { modify } from '../store/modify.js';
import type { KubeObject, NewObject, Store } from '../store/types.js';
import { append } from '../util/append.js';
import { ClustermintError } from '../util/errors.js';
import { isPlainObject } from '../util/plain-object.js';
import { printable } from '../util/printable.js';
import { ADMISSION_KINDS, prepareAdmission } from './admission-run.js';
import { LiveLines, progressLine, progressOf } from './apply-progress.js';
import { serviceKindObject } from './apply-services.js';
import {
  CD_TYPE,
  eventLine,
  type Outcome,
  openEmbedded,
  outcomeOf,
  parseTimeout,
  stderrLogger,
} from './embedded-run.js';
import { actingUser, recordHistory, violationLines } from './history-record.js';
import { clusterDeployments, expandInputs, readSubmissionFile } from './inputs.js';
import type { IO } from './io.js';
import { printViolations } from './print.js';
import { refuseOversizedDocuments } from './submission-size.js';
import { refuseNamespaceDocuments, storeTeamLabels } from './team-labels.js';
import { printedVerdict, textVerdicts } from './verdict-formats.js';

export interface ApplyOptions {
  files: string[];
  state: string;
  templates: string[];
  policies: string[];
  /** The platform's ceiling on machines per deployment; absent: the remembered one, else the default. */
  maxMachines?: number;
  wait: boolean;
  timeout: string;
  /** `live`: redraw one progress line per deployment (a terminal); `events`: print event lines. */
  progress: 'live' | 'events';
  /** The terminal's width, for the live display. */
  columns?: () => number;
  /** Who applies, for the deployments' histories (default: the OS user). */
  as?: string;
}

/** Creates the object or replaces its spec (and labels, annotations); says which. */
export async function upsert(store: Store, obj: NewObject): Promise<'created' | 'configured' | 'unchanged'> {
  try {
    return await upsertObject(store, obj);
  } catch (e) {
    // refuseOversizedDocuments catches these before anything is stored; this is the net under it
    if (isStoreError(e, 'RequestEntityTooLarge')) throw new ClustermintError('TOO_LARGE', e.message);
    throw e;
  }
}

async function upsertObject(store: Store, obj: NewObject): Promise<'created' | 'configured' | 'unchanged'> {
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name!,
  };
  try {
    await store.create(obj);
    return 'created';
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
  const { metadata: m, ...rest } = obj;
  let oldVersion: string | undefined;
  // on a Conflict (a controller wrote the status meanwhile) the change goes onto the newer version
  const stored = await modify(store, ref, (old) => {
    oldVersion = old.metadata.resourceVersion;
    const next: KubeObject = {
      ...old,
      ...rest,
      status: old.status,
      metadata: {
        ...old.metadata,
        ...(m.labels ? { labels: m.labels } : {}),
        ...(m.annotations ? { annotations: m.annotations } : {}),
      },
    };
    if (!m.labels) delete next.metadata.labels;
    return next;
  });
  return stored.metadata.resourceVersion === oldVersion ? 'unchanged' : 'configured';
}

function deploymentObject(cd: ClusterDeployment): NewObject {
  const raw = cd.source.doc.value as Record<string, unknown>;
  const meta = (isPlainObject(raw.metadata) ? raw.metadata : {}) as Record<string, unknown>;
  const annotations = isPlainObject(meta.annotations)
    ? (meta.annotations as Record<string, string>)
    : undefined;
  return {
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'ClusterDeployment',
    metadata: {
      name: cd.metadata.name,
      namespace: cd.metadata.namespace,
      ...(Object.keys(cd.metadata.labels).length ? { labels: cd.metadata.labels } : {}),
      ...(annotations ? { annotations: { ...annotations } } : {}),
    },
    spec: JSON.parse(JSON.stringify(raw.spec)),
  };
}

/** How long a controller's admission denial may be a moment's before apply reports it. */
const ADMISSION_GRACE_MS = 10_000;

/** The skipped-document notes of kinds apply stores itself (no warning for them). */
const STORED_KINDS =
  /skipped (ClusterTemplateChain|ServiceTemplateChain|MultiClusterService|ClusterResourceSet|ConfigMap|Credential|AccessManagement|ProviderInterface|SimulatedClusterIdentity) /;

export async function runApply(o: ApplyOptions, io: IO): Promise<number> {
  const timeoutMs = parseTimeout(o.timeout);
  const files = expandInputs(o.files).map(readSubmissionFile);
  refuseNamespaceDocuments(files);
  refuseOversizedDocuments(files);
  const deployments: ClusterDeployment[] = [];
  const others: NewObject[] = [];
  for (const f of files) {
    const { deployments: ds, skipped } = clusterDeployments(f);
    append(deployments, ds);
    for (const d of f.docs) {
      const v = d.value;
      if (!isPlainObject(v)) continue;
      const meta = isPlainObject(v.metadata) ? v.metadata : {};
      const at = d.locate([]);
      // ServiceTemplates, their chains, MultiClusterServices, ClusterResourceSets, ConfigMaps, Secrets
      const service = serviceKindObject(f.file, d);
      if (service) others.push(service);
      else if (isClusterTemplateChain(v)) {
        const problems = chainProblems(v as { spec?: unknown });
        if (problems.length)
          throw new ClustermintError(
            'INVALID_SUBMISSION',
            `invalid ClusterTemplateChain: ${problems.join('; ')}`,
            {
              file: f.file,
              line: at?.line,
            },
          );
        others.push({
          apiVersion: 'clustermint.io/v1alpha1',
          kind: 'ClusterTemplateChain',
          metadata: { name: String(meta.name), namespace: String(meta.namespace ?? 'default') },
          spec: JSON.parse(JSON.stringify(v.spec)),
        });
      } else if (isClusterTemplate(v) || isTemplateSource(v)) {
        // ClusterTemplates and where they find their charts (checked against their schemas below)
        const { metadata: _m, status: _s, ...rest } = v;
        others.push({
          ...(JSON.parse(JSON.stringify(rest)) as { apiVersion: string; kind: string }),
          metadata: {
            name: String(meta.name),
            namespace: String(meta.namespace ?? 'default'),
            ...(isPlainObject(meta.labels) ? { labels: { ...(meta.labels as Record<string, string>) } } : {}),
          },
        });
      }
    }
    for (const s of skipped) if (!STORED_KINDS.test(s) && !ADMISSION_KINDS.test(s)) io.err(`warning: ${s}\n`);
  }
  if (deployments.length === 0 && others.length === 0)
    throw new ClustermintError(
      'INVALID_SUBMISSION',
      'nothing to apply: no ClusterDeployment, ClusterTemplate, ClusterTemplateChain, ServiceTemplate, ServiceTemplateChain, MultiClusterService, ClusterResourceSet, ConfigMap, Secret, Flux source, Credential, AccessManagement, ProviderInterface or SimulatedClusterIdentity in the input',
    );

  const lines: string[] = [];
  const live = o.progress === 'live';
  const emb = await openEmbedded({
    state: o.state,
    templates: o.templates,
    policies: o.policies,
    ...(o.maxMachines !== undefined ? { maxMachines: o.maxMachines } : {}),
    onEvent: (e) => {
      if (o.wait && !live) io.err(eventLine(e));
    },
    logger: stderrLogger(io),
  });
  try {
    // The gate first, with the files' positions and the policies and templates the reconciler
    // will use (remembered with the state): a denied deployment is not stored.
    const effective = await effectiveSettings(emb.store, o);
    const policies = loadPolicyFiles(effective.policies);
    const catalog = new TemplateCatalog(effective.templates);
    // the tenancy objects refused before anything is stored: a second AccessManagement, a Region changed
    await refuseTenancyConflicts(emb.store, others);
    // ClusterTemplates given in the files, else stored ones, else copies the AccessManagement
    // will make; the admission facts from the files and the state, as the webhook sees them
    const teamLabels = storeTeamLabels(emb.store);
    const admission = await prepareAdmission({
      documents: sourcedDocuments(files),
      store: emb.store,
      teamLabels,
      catalog,
      loader: new TemplateChartLoader({ catalog }),
    });
    const user = actingUser(o.as);
    const allowed: ClusterDeployment[] = [];
    const denied: string[] = [];
    const judged = new Map<ClusterDeployment, { op: 'create' | 'update'; old?: string; warnings: number }>();
    for (const cd of deployments) {
      const j = await admission.judge(cd);
      const v = runGate({
        deployment: cd,
        resolveTemplate: j.resolveTemplate,
        admission: j.admission,
        policies,
        // the labels the platform stored, as the controller reads them (store/team-labels.ts)
        teamLabels: await teamLabels(cd.metadata.namespace),
        maxMachines: emb.maxMachines,
      });
      judged.set(cd, {
        op: j.admission.operation,
        ...(j.admission.old ? { old: j.admission.old.template } : {}),
        warnings: v.warnings.length,
      });
      io.err(printViolations(v.warnings));
      if (v.allowed) allowed.push(cd);
      else {
        denied.push(`${cd.metadata.namespace}/${cd.metadata.name}`);
        // As `check` prints it, without its summary line.
        io.err(textVerdicts([printedVerdict(v)]).replace(/\n\d+ submissions?: [^\n]*\n$/, ''));
        await recordHistory(emb.store, {
          namespace: cd.metadata.namespace,
          name: cd.metadata.name,
          user,
          action: 'denied',
          template: cd.spec.template,
          ...(j.admission.old && j.admission.old.template !== cd.spec.template
            ? { fromTemplate: j.admission.old.template }
            : {}),
          ...(cd.spec.credential ? { credential: cd.spec.credential } : {}),
          allowed: false,
          violations: violationLines(v.violations),
          warnings: v.warnings.length,
        });
      }
    }
    for (const obj of others) {
      const what = await upsert(emb.store, obj);
      lines.push(`${obj.kind.toLowerCase()}/${obj.metadata.name} ${what}\n`);
    }
    for (const cd of deployments) {
      if (!allowed.includes(cd)) {
        lines.push(`clusterdeployment.clustermint.io/${cd.metadata.name} denied (not stored)\n`);
        continue;
      }
      const what = await upsert(emb.store, deploymentObject(cd));
      lines.push(`clusterdeployment.clustermint.io/${cd.metadata.name} ${what}\n`);
      const j = judged.get(cd);
      if (what !== 'unchanged' && j) {
        const stored = await emb.store.get({
          ...CD_TYPE,
          namespace: cd.metadata.namespace,
          name: cd.metadata.name,
        });
        const action = auditAction(j.op, true, j.old, cd.spec.template);
        await recordHistory(emb.store, {
          namespace: cd.metadata.namespace,
          name: cd.metadata.name,
          uid: stored.metadata.uid,
          user,
          action,
          template: cd.spec.template,
          ...(action === 'upgraded' && j.old ? { fromTemplate: j.old } : {}),
          ...(cd.spec.credential ? { credential: cd.spec.credential } : {}),
          generation: stored.metadata.generation,
          allowed: true,
          ...(j.warnings ? { warnings: j.warnings } : {}),
        });
      }
    }
    io.out(printable(lines.join('')));
    const deniedCode = denied.length ? 1 : 0;
    const keys = allowed.map((cd) => `${cd.metadata.namespace}/${cd.metadata.name}`);
    // the AccessManagement and Credentials: waited for until the reconciler has looked at them
    const tenancy = others.filter(
      (x) => x.kind === ACCESS_MANAGEMENT_TYPE.kind || x.kind === CREDENTIAL_TYPE.kind,
    );
    if (!o.wait || keys.length + tenancy.length === 0) {
      if (keys.length + tenancy.length) io.out('not waiting: run `clustermint controller` to reconcile\n');
      return deniedCode;
    }
    const tenancyState = new Map<NewObject, KubeObject | undefined>();
    const tenancyObserved = async () => {
      for (const t of tenancy) {
        try {
          tenancyState.set(
            t,
            await emb.store.get({
              apiVersion: t.apiVersion,
              kind: t.kind,
              ...(t.metadata.namespace ? { namespace: t.metadata.namespace } : {}),
              name: t.metadata.name!,
            }),
          );
        } catch (e) {
          if (!isNotFound(e)) throw e;
          tenancyState.set(t, undefined);
        }
      }
      const observed = (x: KubeObject | undefined) =>
        !x ||
        (x.status as { observedGeneration?: number } | undefined)?.observedGeneration ===
          x.metadata.generation;
      if (![...tenancyState.values()].every(observed)) return false;
      // and the Credential copies the AccessManagement made, so that a team's are Ready when apply ends
      return tenancy.length === 0 || (await emb.store.list(CREDENTIAL_TYPE)).items.every(observed);
    };
    const outcomes = new Map<string, { outcome: Outcome; message: string }>();
    // The controller's admission denial may be a moment's: a Credential copy not checked yet, a
    // template copy not made yet (this run's gate, with the same rules, admitted the deployment).
    // Each such change requeues the deployment; a denial still there after a grace is final.
    const admissionDeniedSince = new Map<string, number>();
    const settled = (key: string, cd: KubeObject | undefined, r: { outcome: Outcome; message: string }) => {
      const reason = (
        (cd?.status ?? {}) as { conditions?: { type: string; reason?: string }[] }
      ).conditions?.find((c) => c.type === 'Ready')?.reason;
      if (r.outcome !== 'denied' || reason !== 'AdmissionDenied') {
        admissionDeniedSince.delete(key);
        return r;
      }
      const since = admissionDeniedSince.get(key) ?? Date.now();
      admissionDeniedSince.set(key, since);
      return Date.now() - since >= ADMISSION_GRACE_MS
        ? r
        : { outcome: 'pending' as const, message: r.message };
    };
    const current = new Map<string, KubeObject | undefined>();
    const check = async () => {
      for (const key of keys) {
        const [namespace, name] = key.split('/');
        let cd: KubeObject | undefined;
        try {
          cd = await emb.store.get({ ...CD_TYPE, namespace, name });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        current.set(key, cd);
        outcomes.set(key, settled(key, cd, outcomeOf(cd)));
      }
      return (await tenancyObserved()) && [...outcomes.values()].every((x) => x.outcome !== 'pending');
    };
    const display = live ? new LiveLines((io.raw ?? io).err, o.columns ?? (() => 80)) : undefined;
    const frame = () => keys.map((k) => progressLine(k, progressOf(current.get(k))));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const redraw = display
      ? setInterval(() => {
          void check().then(
            () => display.render(frame()),
            () => undefined,
          );
        }, 250)
      : undefined;
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await emb.controller.runtime.runRealtime({ signal: controller.signal, until: check });
    } finally {
      clearTimeout(timer);
      if (redraw) clearInterval(redraw);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    await check();
    display?.done(frame());
    let code = deniedCode;
    for (const [t, x] of tenancyState) {
      const line = tenancyLine(t, x, o.timeout);
      io.out(printable(`${line.text}\n`));
      if (!line.ok) code = 1;
    }
    for (const key of keys) {
      const r = outcomes.get(key) ?? { outcome: 'pending', message: '' };
      if (r.outcome === 'ready') io.out(printable(`${key} Ready: ${r.message}\n`));
      else if (r.outcome === 'denied') {
        io.out(printable(`${key} denied by the reconciler's gate: ${r.message}\n`));
        code = 1;
      } else if (r.outcome === 'failed') {
        io.out(printable(`${key} failed: ${r.message}\n`));
        code = 1;
      } else {
        io.out(printable(`${key} not Ready after ${o.timeout}: ${r.message}\n`));
        code = 1;
      }
    }
    return code;
  } finally {
    await emb.close();
  }
}

/** How the reconciler left an AccessManagement or a Credential: its Ready condition's word. */
function tenancyLine(
  t: NewObject,
  x: KubeObject | undefined,
  timeout: string,
): { text: string; ok: boolean } {
  const what = `${t.kind.toLowerCase()}/${t.metadata.namespace ? `${t.metadata.namespace}/` : ''}${t.metadata.name}`;
  if (!x) return { text: `${what} gone`, ok: false };
  const st = (x.status ?? {}) as {
    observedGeneration?: number;
    ready?: boolean;
    conditions?: { type: string; status: string; message?: string }[];
  };
  if (st.observedGeneration !== x.metadata.generation)
    return { text: `${what} not reconciled after ${timeout}`, ok: false };
  const type = t.kind === CREDENTIAL_TYPE.kind ? 'CredentialReady' : 'Ready';
  const c = st.conditions?.find((y) => y.type === type);
  const ready = c?.status === 'True';
  return { text: `${what} ${ready ? 'Ready' : 'not Ready'}: ${c?.message ?? ''}`, ok: ready };
}

/**
 * What the webhook refuses of the tenancy kinds, refused here before anything is stored: a second
 * AccessManagement (one may exist; naming the one there is), and a Credential whose Region changed.
 */
async function refuseTenancyConflicts(store: Store, objects: readonly NewObject[]): Promise<void> {
  const ams = objects.filter((x) => x.kind === ACCESS_MANAGEMENT_TYPE.kind);
  if (ams.length > 1)
    throw new ClustermintError(
      'INVALID_SUBMISSION',
      `only one AccessManagement may exist: the input has ${ams.map((a) => a.metadata.name).join(', ')}`,
    );
  if (ams.length === 1) {
    const existing = (await store.list(ACCESS_MANAGEMENT_TYPE)).items.filter(
      (a) => a.metadata.name !== ams[0].metadata.name,
    );
    if (existing.length)
      throw new ClustermintError(
        'INVALID_SUBMISSION',
        `only one AccessManagement may exist: ${existing[0].metadata.name} exists (edit it, or delete it first)`,
      );
  }
  for (const c of objects.filter((x) => x.kind === CREDENTIAL_TYPE.kind)) {
    let old: KubeObject;
    try {
      old = await store.get({ ...CREDENTIAL_TYPE, namespace: c.metadata.namespace, name: c.metadata.name! });
    } catch (e) {
      if (isNotFound(e)) continue;
      throw e;
    }
    const region = (o: { spec?: unknown }) => (isPlainObject(o.spec) ? o.spec.region : undefined);
    if (region(old) !== undefined && region(old) !== region(c))
      throw new ClustermintError(
        'INVALID_SUBMISSION',
        `Credential ${c.metadata.namespace}/${c.metadata.name}: Region is immutable (it is ${JSON.stringify(region(old))})`,
      );
  }
}

/**
 * The policies and templates the embedded reconciler gates with: the ones given now, else the
 * ones remembered with the state (embedded-run.ts stores them in this ConfigMap).
 */
async function effectiveSettings(
  store: Store,
  o: ApplyOptions,
): Promise<{ policies: string[]; templates: string[] }> {
  let data: Record<string, string> = {};
  try {
    const cm = await store.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'clustermint-system',
      name: 'embedded-config',
    });
    data = (cm.data ?? {}) as Record<string, string>;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return {
    policies: o.policies.length ? o.policies : JSON.parse(data.policies ?? '[]'),
    templates: o.templates.length ? o.templates : JSON.parse(data.templates ?? '[]'),
  };
}
