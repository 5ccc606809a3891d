/**
 * Admission decisions: an AdmissionRequest and a Snapshot in, an AdmissionResponse out. The
 * validating path runs the same gate as `clustermint check`; the mutating path adds defaults.
 * No I/O: the server (server.ts) reads and writes, the sources (sources.ts) load.
 *
 * Kinds: clustermint.io/v1alpha1 ClusterDeployment (k0rdent's groups too; in tenancy mode with
 * k0rdent's admission rules), ClusterTemplate, ClusterTemplateChain, Credential and
 * AccessManagement, and cluster.x-k8s.io Clusters with spec.topology. Other requests are
 * allowed with a warning (a webhook configuration that sends them is too broad). Deletion guards
 * and the audit trail need the cluster at request time: the server does them (server.ts).
 */

import { isClusterDeployment, readClusterDeployment } from '../api/cluster-deployment.js';
import {
  renderedKubeVersion,
  resolvedTemplateKubeVersion,
  templateKubeVersion,
} from '../domain/kubernetes-version.js';
import { MANAGED_LABEL } from '../domain/labels.js';
import { DEFAULT_MAX_MACHINES } from '../domain/machine-ceiling.js';
import { upgradesInStatus } from '../domain/template-upgrades.js';
import { KNOWN_KUBERNETES_VERSIONS, knownVersions, upgradePathError } from '../domain/upgrade-path.js';
import { runGate, type Verdict } from '../gate/index.js';
import { clusterToV1beta2 } from '../render/topology/convert.js';
import { isTopologyCluster } from '../render/topology/kinds.js';
import type { SourcedDocument } from '../resolve/documents.js';
import { intervalMs } from '../resolve/template-source.js';
import { append } from '../util/append.js';
import { ClustermintError, formatLocation } from '../util/errors.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import type { Violation } from '../validate/violation.js';
import { deploymentFacts } from './admission-facts.js';
import { deploymentDefaults, type PatchOperation, topologyDefaults } from './defaults.js';
import { type AdmissionRequest, type AdmissionResponse, allow, deny } from './review.js';
import { catalogTemplate, jsonDocument, resolveTemplate, type Snapshot, templateKnown } from './snapshot.js';
import { admitAccessManagement, admitCredential } from './tenancy-objects.js';

export type AdmissionMode = 'validate' | 'mutate';

const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const DEPLOYMENT_GROUPS = new Set(['clustermint.io', 'k0rdent.mirantis.com']);
/** Warnings beyond this length may be truncated by the API server. */
const MAX_WARNING = 256;
const MAX_WARNINGS = 20;
/** A denial lists at most this many violations, in at most this many characters (then a count). */
const MAX_DENIAL_VIOLATIONS = 100;
const MAX_DENIAL_CHARS = 64 * 1024;

/** Same JSON value (key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]))
    );
  }
  return false;
}

/**
 * The submission as the gate should see it: in the request's namespace (its team), with a name
 * even with generateName. The request's namespace is the one the API server authorised the user
 * for; `metadata.namespace` is only what the object says (a mismatch is denied before this).
 */
function withIdentity(object: PlainObject, req: AdmissionRequest): PlainObject {
  const meta = { ...obj(object.metadata) };
  if (req.namespace) meta.namespace = req.namespace;
  if (!str(meta.name)) meta.name = req.name || `${str(meta.generateName) || 'unnamed-'}generated`;
  const out = { ...object };
  Object.defineProperty(out, 'metadata', {
    value: meta,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return out;
}

/**
 * The team is the request's namespace. An object whose metadata.namespace names another one is
 * denied (the API server refuses such a request too, after admission; the gate must not judge
 * it as the other team's submission meanwhile).
 */
function namespaceMismatch(req: AdmissionRequest, object: PlainObject): string | undefined {
  const named = str(obj(object.metadata).namespace);
  if (!req.namespace || !named || named === req.namespace) return undefined;
  return `metadata.namespace: Invalid value: ${JSON.stringify(named.slice(0, 63))}: does not match the namespace of the request (${JSON.stringify(req.namespace.slice(0, 63))}); the team of a submission is the namespace it is sent to`;
}

function describe(req: AdmissionRequest, kind: string): string {
  const name = str(obj(obj(req.object).metadata).name) || req.name;
  const who = req.userInfo.username ? ` (user ${req.userInfo.username})` : '';
  return `${kind} ${req.namespace ? `${req.namespace}/` : ''}${name || '(generated name)'}${who}`;
}

/** One line per finding: `[policy/rule] Kind/name $.path: message (file:line)`; `[admission/rule]` for k0rdent's rules. */
export function violationLine(v: Violation, submissionFile: string): string {
  const tag =
    v.stage === 'policy'
      ? `[${v.policy}/${v.rule}]`
      : v.stage === 'admission' && v.rule
        ? `[admission/${v.rule}]`
        : `[${v.stage}]`;
  const path = v.location?.path ?? v.path;
  const subject = v.object ? `${v.object.kind}/${v.object.name}${v.path ? ` ${v.path}` : ''}` : (path ?? '');
  const fileLoc =
    v.location?.file && v.location.file !== submissionFile
      ? formatLocation({ file: v.location.file, line: v.location.line, col: v.location.col })
      : '';
  const where = [fileLoc, v.policyFile && v.policyFile !== v.location?.file ? v.policyFile : '']
    .filter(Boolean)
    .join(', ');
  const details = (v.details ?? []).map((d) => `\n    ${d}`).join('');
  return `${tag} ${subject ? `${subject}: ` : ''}${v.message}${where ? ` (${where})` : ''}${details}`;
}

function warningLines(vs: readonly Violation[], file: string): string[] {
  const lines = vs.map((v) => {
    const line = violationLine(v, file).replace(/\n\s*/g, ' ');
    return line.length > MAX_WARNING ? `${line.slice(0, MAX_WARNING - 3)}...` : line;
  });
  if (lines.length > MAX_WARNINGS)
    return [...lines.slice(0, MAX_WARNINGS - 1), `... and ${lines.length - MAX_WARNINGS + 1} more warnings`];
  return lines;
}

/** Deny with every violation listed, or allow with the warnings. */
function decide(
  req: AdmissionRequest,
  what: string,
  errors: readonly string[],
  warnings: readonly string[],
): AdmissionResponse {
  if (errors.length === 0) return allow(req.uid, [...warnings]);
  const n = errors.length;
  let message = `${what} denied by clustermint: ${n} violation${n === 1 ? '' : 's'}:`;
  // a denial is read by a person through kubectl: the first violations, not megabytes of them
  let listed = 0;
  for (const e of errors) {
    const item = `\n- ${e.replace(/\n/g, '\n  ')}`;
    if (listed === MAX_DENIAL_VIOLATIONS || message.length + item.length > MAX_DENIAL_CHARS) break;
    message += item;
    listed++;
  }
  if (listed < n) message += `\n... and ${n - listed} more (clustermint check -f prints every one)`;
  return deny(req.uid, message, [...warnings]);
}

function verdictLines(verdict: Verdict, file: string): { errors: string[]; warnings: string[] } {
  return {
    errors: verdict.violations.filter((v) => v.severity === 'error').map((v) => violationLine(v, file)),
    warnings: warningLines(
      [...verdict.violations.filter((v) => v.severity !== 'error'), ...verdict.warnings],
      file,
    ),
  };
}

/** The decision for one request. Throws nothing for bad objects: they are denials. */
export function admit(req: AdmissionRequest, snap: Snapshot, mode: AdmissionMode): AdmissionResponse {
  if (req.operation === 'DELETE' || req.operation === 'CONNECT') return allow(req.uid);
  if (req.subResource) return allow(req.uid); // status and scale updates are not submissions
  const object = req.object;
  if (!object) return deny(req.uid, `request.object is required for ${req.operation}`);
  const { group, kind } = req.kind;
  const checked =
    (kind === 'ClusterDeployment' && DEPLOYMENT_GROUPS.has(group)) ||
    (kind === 'Cluster' && group === 'cluster.x-k8s.io') ||
    (group === 'clustermint.io' &&
      (kind === 'ClusterTemplate' || kind === 'ClusterTemplateChain' || kind === 'Credential'));
  const mismatch = checked ? namespaceMismatch(req, object) : undefined;
  // the mutating pass adds nothing to such an object; the validating pass denies it
  if (mismatch) return mode === 'mutate' ? allow(req.uid) : decide(req, describe(req, kind), [mismatch], []);
  if (kind === 'ClusterDeployment' && DEPLOYMENT_GROUPS.has(group))
    return mode === 'mutate' ? mutateDeployment(req, object, snap) : validateDeployment(req, object, snap);
  if (kind === 'Cluster' && group === 'cluster.x-k8s.io') {
    if (!isTopologyCluster(object)) return allow(req.uid); // a Cluster without topology is not rendered here
    return mode === 'mutate' ? mutateTopology(req, object, snap) : validateTopology(req, object, snap);
  }
  if (group === 'clustermint.io' && kind === 'ClusterTemplate')
    return mode === 'mutate' ? allow(req.uid) : validateClusterTemplate(req, object, snap);
  if (group === 'clustermint.io' && kind === 'ClusterTemplateChain')
    return mode === 'mutate' ? allow(req.uid) : validateChain(req, object, snap);
  if (DEPLOYMENT_GROUPS.has(group) && kind === 'Credential')
    return mode === 'mutate' ? allow(req.uid) : admitCredential(req, object);
  // the server lists the AccessManagements live for a CREATE; the snapshot's names otherwise
  if (DEPLOYMENT_GROUPS.has(group) && kind === 'AccessManagement')
    return mode === 'mutate'
      ? allow(req.uid)
      : admitAccessManagement(req, object, snap.accessManagements ?? []);
  return allow(req.uid, [
    `clustermint webhook: ${group || 'core'}/${req.kind.version} ${kind} is not a kind it checks; narrow the webhook configuration's rules`,
  ]);
}

function patchResponse(uid: string, ops: readonly PatchOperation[]): AdmissionResponse {
  if (ops.length === 0) return allow(uid);
  return {
    uid,
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
  };
}

// --- ClusterDeployment ------------------------------------------------------------------

/**
 * Patches by chart defaults, then by the submission's spec.config (as JSON: it came as JSON, so
 * the text is lossless; with whether the key is there, since `config: null` is replaced): the
 * defaults a new name needs are those of the last submission with the same values.
 */
const patches = new WeakMap<object, Map<string, AdmissionResponse>>();

function defaultsPatch(
  uid: string,
  object: PlainObject,
  defaults: PlainObject | undefined,
): AdmissionResponse {
  const spec = object.spec;
  if (!defaults || !isPlainObject(spec)) return patchResponse(uid, deploymentDefaults(object, defaults));
  let byConfig = patches.get(defaults);
  if (!byConfig) {
    byConfig = new Map();
    patches.set(defaults, byConfig);
  }
  const key = `${Object.hasOwn(spec, 'config')}:${JSON.stringify(spec.config)}`;
  let response = byConfig.get(key);
  if (!response) {
    response = patchResponse('', deploymentDefaults(object, defaults));
    if (key.length <= 64 * 1024) {
      if (byConfig.size >= 1000) byConfig.clear();
      byConfig.set(key, response);
    }
  }
  return { ...response, uid };
}

/** Chart defaults less `clusterIdentity` (one object per defaults, so the patch cache keeps working). */
const identityless = new WeakMap<PlainObject, PlainObject>();
function withoutIdentity(defaults: PlainObject): PlainObject {
  if (!Object.hasOwn(defaults, 'clusterIdentity')) return defaults;
  let out = identityless.get(defaults);
  if (!out) {
    const { clusterIdentity: _, ...rest } = defaults;
    out = rest;
    identityless.set(defaults, out);
  }
  return out;
}

function mutateDeployment(req: AdmissionRequest, object: PlainObject, snap: Snapshot): AdmissionResponse {
  if (obj(object.metadata).deletionTimestamp) return allow(req.uid);
  const template = str(obj(object.spec).template);
  if (!template) return allow(req.uid); // validation says what is missing
  try {
    const chart = resolveTemplate(snap, template, req.namespace || 'default');
    const defaults = chart.values?.doc.value;
    if (!isPlainObject(defaults)) return defaultsPatch(req.uid, object, undefined);
    // with a Credential the controller writes clusterIdentity from it: its chart default is not pinned
    const withCredential = str(obj(object.spec).credential) !== '';
    return defaultsPatch(req.uid, object, withCredential ? withoutIdentity(defaults) : defaults);
  } catch (e) {
    if (e instanceof ClustermintError) return allow(req.uid); // unknown template: validation denies
    throw e;
  }
}

/**
 * The gate on a ClusterDeployment, with k0rdent's admission rules when `admission` is set (the
 * old object of an UPDATE, or null for a CREATE); undefined: the gate alone (the old side of a
 * version comparison).
 */
function gateDeployment(
  object: PlainObject,
  snap: Snapshot,
  file: string,
  admission?: { old: PlainObject | null },
): Verdict {
  const cd = readClusterDeployment(file, jsonDocument(object));
  return runGate({
    deployment: cd,
    resolveTemplate: (name) => resolveTemplate(snap, name, cd.metadata.namespace),
    policies: snap.policies,
    teamLabels: snap.namespaceLabels.get(cd.metadata.namespace),
    maxMachines: snap.maxMachines ?? DEFAULT_MAX_MACHINES,
    ...(admission ? { admission: deploymentFacts(snap, cd, admission.old ?? undefined) } : {}),
  });
}

function validateDeployment(req: AdmissionRequest, raw: PlainObject, snap: Snapshot): AdmissionResponse {
  const what = describe(req, 'ClusterDeployment');
  const object = withIdentity(raw, req);
  const meta = obj(object.metadata);
  const file = `ClusterDeployment ${str(meta.namespace)}/${str(meta.name)}`;
  const old = req.operation === 'UPDATE' ? req.oldObject : undefined;
  // Finalizers, labels and deletion go through even when policies changed since the create.
  if (meta.deletionTimestamp) return allow(req.uid);
  if (old && sameJson(obj(old).spec, object.spec)) return allow(req.uid);
  if (!isClusterDeployment(object))
    return decide(
      req,
      what,
      [
        `apiVersion ${JSON.stringify(object.apiVersion)} is not a ClusterDeployment version clustermint reads`,
      ],
      [],
    );
  let verdict: Verdict;
  try {
    verdict = gateDeployment(object, snap, file, { old: old ?? null });
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    return decide(req, what, [`${e.location?.path ? `${e.location.path}: ` : ''}${e.message}`], []);
  }
  const { errors, warnings } = verdictLines(verdict, file);
  if (old) append(errors, deploymentUpdateErrors(old, object, verdict, req, snap, file));
  return decide(req, what, errors, warnings);
}

/**
 * k0rdent's upgrade path and the upgrade-path rule, for a changed ClusterDeployment: the same
 * rules the controller applies (src/domain/), so what is admitted is what will be rolled out.
 */
function deploymentUpdateErrors(
  old: PlainObject,
  object: PlainObject,
  verdict: Verdict,
  req: AdmissionRequest,
  snap: Snapshot,
  file: string,
): string[] {
  const errors: string[] = [];
  const from = str(obj(old.spec).template);
  const to = str(obj(object.spec).template);
  const upgrades = upgradesInStatus(old.status);
  // a template change not in availableUpgrades: the admission rule template-upgrade says it
  const newVersion = verdict.allowed ? renderedKubeVersion(verdict.objects) : undefined;
  if (!newVersion) return errors;
  // the running version (status, set by the controller) or the old spec rendered the same way
  let oldVersion = str(obj(old.status).k8sVersion) || undefined;
  if (!oldVersion) {
    try {
      const oldVerdict = gateDeployment(withIdentity(old, req), { ...snap, policies: [] }, `${file} (old)`);
      oldVersion = renderedKubeVersion(oldVerdict.objects);
      if (!oldVersion && from) oldVersion = templateKubeVersion(resolveTemplate(snap, from, req.namespace));
    } catch (e) {
      if (!(e instanceof ClustermintError)) throw e;
    }
  }
  if (oldVersion) {
    // Intermediate steps may use the documented versions and those of the templates the
    // namespace's chains offer (the controller's set; the webhook knows the chains' offers
    // for this deployment from its status).
    const known = knownVersions(
      KNOWN_KUBERNETES_VERSIONS,
      [from, to, ...upgrades].map((name) => templateVersionIfKnown(snap, name, req.namespace)),
    );
    const e = upgradePathError(from !== to ? 'spec.template' : 'spec.config', oldVersion, newVersion, known);
    if (e) errors.push(e);
  }
  return errors;
}

/** A template's Kubernetes version, or undefined when the template is not known here. */
const templateVersionIfKnown = (snap: Snapshot, name: string, namespace: string): string | undefined =>
  resolvedTemplateKubeVersion((n) => resolveTemplate(snap, n, namespace), name);

// --- topology Cluster -------------------------------------------------------------------

function mutateTopology(req: AdmissionRequest, object: PlainObject, snap: Snapshot): AdmissionResponse {
  if (obj(object.metadata).deletionTimestamp) return allow(req.uid);
  const named = withIdentity(object, req);
  const ops = topologyDefaults(
    named,
    snap.candidates.map((c) => c.value),
    req.operation === 'UPDATE' ? req.oldObject : undefined,
  );
  return patchResponse(req.uid, ops);
}

function validateTopology(req: AdmissionRequest, raw: PlainObject, snap: Snapshot): AdmissionResponse {
  const what = describe(req, 'Cluster');
  const object = withIdentity(raw, req);
  const meta = obj(object.metadata);
  const file = `Cluster ${str(meta.namespace)}/${str(meta.name)}`;
  const old = req.operation === 'UPDATE' ? req.oldObject : undefined;
  if (meta.deletionTimestamp) return allow(req.uid);
  if (old && sameJson(obj(old).spec, object.spec)) return allow(req.uid);
  const cluster: SourcedDocument = { file, doc: jsonDocument(object), value: object };
  const verdict = runGate({
    topology: { cluster, candidates: snap.candidates },
    policies: snap.policies,
    teamLabels: snap.namespaceLabels.get(str(meta.namespace)),
    maxMachines: snap.maxMachines ?? DEFAULT_MAX_MACHINES,
  });
  const { errors, warnings } = verdictLines(verdict, file);
  if (old) {
    const version = (c: PlainObject) => str(obj(obj(clusterToV1beta2(c).spec).topology).version);
    const e = upgradePathError(
      'spec.topology.version',
      version(old),
      version(object),
      KNOWN_KUBERNETES_VERSIONS,
    );
    if (e) errors.push(e);
  }
  return decide(req, what, errors, warnings);
}

// --- ClusterTemplate and ClusterTemplateChain -------------------------------------------

function validateClusterTemplate(
  req: AdmissionRequest,
  object: PlainObject,
  snap: Snapshot,
): AdmissionResponse {
  const what = describe(req, 'ClusterTemplate');
  const errors: string[] = [];
  const warnings: string[] = [];
  const spec = object.spec;
  if (req.operation === 'UPDATE' && req.oldObject && !sameJson(obj(req.oldObject).spec, spec))
    errors.push('spec: Invalid value: Spec is immutable');
  if (!isPlainObject(spec) || !isPlainObject(spec.helm)) {
    errors.push('spec.helm: Required value');
    return decide(req, what, errors, warnings);
  }
  const helm = spec.helm;
  const set = ['chartSpec', 'chartRef', 'chartSource'].filter(
    (k) => helm[k] !== undefined && helm[k] !== null,
  );
  if (set.length === 0)
    errors.push('spec.helm: Invalid value: one of chartSpec, chartRef or chartSource must be set');
  if (set.length > 1)
    errors.push('spec.helm: Invalid value: chartSpec, chartSource and chartRef are mutually exclusive');
  if (set.includes('chartSource'))
    errors.push('spec.helm.chartSource: Forbidden: chartSource is not supported for ClusterTemplates');
  if (helm.chartSpec !== undefined && helm.chartSpec !== null && !isPlainObject(helm.chartSpec))
    errors.push('spec.helm.chartSpec: Invalid value: must be a map');
  if (helm.chartRef !== undefined && helm.chartRef !== null)
    chartRefChecks(helm.chartRef, 'spec.helm.chartRef', errors, warnings);
  if (isPlainObject(helm.chartSpec)) {
    const chart = helm.chartSpec.chart;
    const version = helm.chartSpec.version;
    const interval = helm.chartSpec.interval;
    if (interval !== undefined && intervalMs(interval) === undefined)
      errors.push(
        `spec.helm.chartSpec.interval: Invalid value: ${JSON.stringify(interval)}: must be a duration such as 10m`,
      );
    for (const k of ['valuesFiles', 'verify'])
      if (helm.chartSpec[k] !== undefined && helm.chartSpec[k] !== null)
        warnings.push(
          `spec.helm.chartSpec.${k} is not supported by clustermint: the template will not be valid`,
        );
    if (typeof chart !== 'string' || chart === '') errors.push('spec.helm.chartSpec.chart: Required value');
    else if (version !== undefined && typeof version !== 'string')
      errors.push('spec.helm.chartSpec.version: Invalid value: must be a string');
    else if (helm.chartSpec.sourceRef !== undefined && helm.chartSpec.sourceRef !== null)
      sourceRefChecks(helm.chartSpec.sourceRef, errors, warnings);
    else {
      const name =
        typeof version === 'string' && version
          ? `${chart}-${version.replace(/^v/, '').replace(/\./g, '-')}`
          : chart;
      if (!catalogTemplate(snap, name) && !catalogTemplate(snap, chart))
        warnings.push(
          `chart ${chart}${version ? ` ${version}` : ''} is not among the webhook's templates: ClusterDeployments that use this ClusterTemplate will be denied`,
        );
      else if (version && !catalogTemplate(snap, name))
        warnings.push(
          `chart ${chart} is known, but not at version ${version}: the webhook renders the version it has`,
        );
    }
  }
  return decide(req, what, errors, warnings);
}

/** chartSpec.sourceRef: a local Flux source; clustermint reads HelmRepositories. */
function sourceRefChecks(ref: unknown, errors: string[], warnings: string[]): void {
  const field = 'spec.helm.chartSpec.sourceRef';
  if (!isPlainObject(ref)) {
    errors.push(`${field}: Invalid value: must be a map`);
    return;
  }
  if (!str(ref.kind)) errors.push(`${field}.kind: Required value`);
  if (!str(ref.name)) errors.push(`${field}.name: Required value`);
  if (str(ref.kind) && !['HelmRepository', 'GitRepository', 'Bucket'].includes(str(ref.kind)))
    errors.push(
      `${field}.kind: Unsupported value: ${JSON.stringify(ref.kind)}: supported values: "HelmRepository", "GitRepository", "Bucket"`,
    );
  else if (str(ref.kind) && ref.kind !== 'HelmRepository')
    warnings.push(
      `${field}.kind ${str(ref.kind)} is not supported by clustermint (it reads charts from a HelmRepository or, with chartRef, an OCIRepository): the template will not be valid`,
    );
}

/** chartRef: a Flux HelmChart or OCIRepository (k0rdent's enum also has ExternalArtifact). */
function chartRefChecks(ref: unknown, field: string, errors: string[], warnings: string[]): void {
  if (!isPlainObject(ref)) {
    errors.push(`${field}: Invalid value: must be a map`);
    return;
  }
  if (!str(ref.kind)) errors.push(`${field}.kind: Required value`);
  if (!str(ref.name)) errors.push(`${field}.name: Required value`);
  if (str(ref.kind) && !['HelmChart', 'OCIRepository', 'ExternalArtifact'].includes(str(ref.kind)))
    errors.push(
      `${field}.kind: Unsupported value: ${JSON.stringify(ref.kind)}: supported values: "OCIRepository", "HelmChart", "ExternalArtifact"`,
    );
  else if (ref.kind === 'ExternalArtifact')
    warnings.push(
      `${field}.kind ExternalArtifact is not supported by clustermint (HelmChart or OCIRepository): the template will not be valid`,
    );
}

function validateChain(req: AdmissionRequest, object: PlainObject, snap: Snapshot): AdmissionResponse {
  const what = describe(req, 'ClusterTemplateChain');
  const errors: string[] = [];
  const warnings: string[] = [];
  if (req.operation === 'UPDATE' && req.oldObject && !sameJson(obj(req.oldObject).spec, object.spec))
    errors.push('spec: Invalid value: Spec is immutable');
  const list = obj(object.spec).supportedTemplates;
  if (list !== undefined && !Array.isArray(list)) {
    errors.push('spec.supportedTemplates: Invalid value: must be a list');
    return decide(req, what, errors, warnings);
  }
  const entries = (list ?? []) as unknown[];
  const names = new Set<string>();
  for (const [i, e] of entries.entries()) {
    const name = str(obj(e).name);
    if (!name) errors.push(`spec.supportedTemplates[${i}].name: Required value`);
    else if (names.has(name))
      errors.push(`spec.supportedTemplates[${i}].name: Duplicate value: ${JSON.stringify(name)}`);
    names.add(name);
  }
  const namespace = req.namespace || str(obj(object.metadata).namespace);
  // A copy an AccessManagement distributes comes with its templates, in whatever order the
  // controller writes them (the snapshot may not show them yet): their existence is the origin's.
  const copy = obj(obj(object.metadata).labels)[MANAGED_LABEL] === 'true';
  for (const [i, e] of entries.entries()) {
    const name = str(obj(e).name);
    if (name && !copy && !templateKnown(snap, name, namespace))
      errors.push(`spec.supportedTemplates[${i}].name: Not found: ${JSON.stringify(name)}`);
    const upgrades = obj(e).availableUpgrades;
    if (upgrades !== undefined && !Array.isArray(upgrades)) {
      errors.push(`spec.supportedTemplates[${i}].availableUpgrades: Invalid value: must be a list`);
      continue;
    }
    for (const [j, u] of ((upgrades ?? []) as unknown[]).entries()) {
      const target = str(obj(u).name);
      const field = `spec.supportedTemplates[${i}].availableUpgrades[${j}].name`;
      if (!target) {
        errors.push(`${field}: Required value`);
        continue;
      }
      if (!names.has(target)) warnings.push(`${field}: ${target} is not itself in spec.supportedTemplates`);
      if (!name) continue;
      const skew = chainEdgeSkew(snap, name, target, namespace, field);
      if (skew) errors.push(skew);
    }
  }
  return decide(req, what, errors, warnings);
}

/** The upgrade-path rule on one upgrade edge of a chain, when both charts are known here. */
function chainEdgeSkew(
  snap: Snapshot,
  from: string,
  to: string,
  namespace: string,
  field: string,
): string | undefined {
  const a = templateVersionIfKnown(snap, from, namespace);
  const b = templateVersionIfKnown(snap, to, namespace);
  return a && b ? upgradePathError(field, a, b, KNOWN_KUBERNETES_VERSIONS) : undefined;
}
