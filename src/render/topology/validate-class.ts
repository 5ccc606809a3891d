/**
 * Static checks of a ClusterClass's patches, as the ClusterClass admission webhook runs them
 * (`core/webhooks/admission/patch_validation.go`), plus the references clustermint must resolve
 * offline. Findings are apimachinery-style field errors under `spec.patches[i]...`.
 */
import { qualifiedNameErrors } from '../../k8s/names.js';
import { append } from '../../util/append.js';
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { classNameMatches, templateParseError } from './json-patch-generator.js';
import { variableRootName } from './variable-value.js';

export type IssueType = 'Required' | 'Invalid' | 'NotSupported' | 'Forbidden';

export interface ClassIssue {
  type: IssueType;
  field: string;
  detail: string;
  badValue?: unknown;
  /** For NotSupported: the values that are. */
  supported?: string[];
}

/** `field: Invalid value: "x": detail`, as apimachinery's field.Error prints. */
export function issueText(i: ClassIssue): string {
  const value = (v: unknown) =>
    typeof v === 'string'
      ? JSON.stringify(v)
      : v === undefined || v === null
        ? '"null"'
        : JSON.stringify(String(v));
  switch (i.type) {
    case 'Required':
      return `${i.field}: Required value: ${i.detail}`;
    case 'Forbidden':
      return `${i.field}: Forbidden: ${i.detail}`;
    case 'NotSupported':
      return `${i.field}: Unsupported value: ${value(i.badValue)}: supported values: ${(i.supported ?? []).map((s) => JSON.stringify(s)).join(', ')}`;
    default:
      return `${i.field}: Invalid value: ${value(i.badValue)}: ${i.detail}`;
  }
}

export const BUILTIN_VARIABLES = new Set([
  'builtin',
  'builtin.cluster',
  'builtin.cluster.name',
  'builtin.cluster.namespace',
  'builtin.cluster.uid',
  'builtin.cluster.metadata.labels',
  'builtin.cluster.metadata.annotations',
  'builtin.cluster.topology',
  'builtin.cluster.topology.classRef.name',
  'builtin.cluster.topology.classRef.namespace',
  'builtin.cluster.topology.class',
  'builtin.cluster.topology.classNamespace',
  'builtin.cluster.topology.version',
  'builtin.cluster.network',
  'builtin.cluster.network.serviceDomain',
  'builtin.cluster.network.services',
  'builtin.cluster.network.pods',
  'builtin.controlPlane',
  'builtin.controlPlane.name',
  'builtin.controlPlane.replicas',
  'builtin.controlPlane.version',
  'builtin.controlPlane.metadata.labels',
  'builtin.controlPlane.metadata.annotations',
  'builtin.controlPlane.machineTemplate.infrastructureRef.name',
  'builtin.machineDeployment',
  'builtin.machineDeployment.class',
  'builtin.machineDeployment.name',
  'builtin.machineDeployment.replicas',
  'builtin.machineDeployment.topologyName',
  'builtin.machineDeployment.version',
  'builtin.machineDeployment.metadata.labels',
  'builtin.machineDeployment.metadata.annotations',
  'builtin.machineDeployment.bootstrap.configRef.name',
  'builtin.machineDeployment.infrastructureRef.name',
  'builtin.machinePool',
  'builtin.machinePool.class',
  'builtin.machinePool.name',
  'builtin.machinePool.replicas',
  'builtin.machinePool.topologyName',
  'builtin.machinePool.version',
  'builtin.machinePool.metadata.labels',
  'builtin.machinePool.metadata.annotations',
  'builtin.machinePool.bootstrap.configRef.name',
  'builtin.machinePool.infrastructureRef.name',
]);

// Admission runs on the submitted class before anything is validated: read with coercion.
const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/** Kubernetes `IsQualifiedName`: optional DNS-1123 subdomain prefix, then a 63-char name part. */
export function isQualifiedName(s: string): boolean {
  return qualifiedNameErrors(s).length === 0;
}

function selectorMatches(selector: PlainObject, ref: unknown): boolean {
  const r = o(ref);
  return selector.kind === r.kind && selector.apiVersion === r.apiVersion;
}

function validateSelectorName(name: string, field: string): ClassIssue | undefined {
  if (!name.includes('*')) return undefined;
  if (name.split('*').length - 1 > 1)
    return {
      type: 'Invalid',
      field,
      badValue: name,
      detail: 'selector can at most contain a single "*" rune',
    };
  if (!name.startsWith('*') && !name.endsWith('*'))
    return {
      type: 'Invalid',
      field,
      badValue: name,
      detail: '"*" rune can only appear at the beginning, or ending of the selector',
    };
  if (!isQualifiedName(name.replaceAll('*', 'a')))
    return {
      type: 'Invalid',
      field,
      badValue: name,
      detail: 'selector does not comply with the Kubernetes naming standards',
    };
  return undefined;
}

function validateSelector(selector: PlainObject, spec: PlainObject, path: string): ClassIssue[] {
  const out: ClassIssue[] = [];
  const m = o(selector.matchResources);
  const mdNames = arr(o(m.machineDeploymentClass).names);
  const mpNames = arr(o(m.machinePoolClass).names);
  if (
    m.infrastructureCluster !== true &&
    m.controlPlane !== true &&
    mdNames.length === 0 &&
    mpNames.length === 0
  )
    return [{ type: 'Invalid', field: path, badValue: pretty(selector), detail: 'no selector enabled' }];
  if (m.infrastructureCluster === true && !selectorMatches(selector, o(spec.infrastructure).templateRef))
    out.push({
      type: 'Invalid',
      field: `${path}.matchResources.infrastructureCluster`,
      badValue: true,
      detail: 'selector is enabled but does not match the infrastructure ref',
    });
  if (m.controlPlane === true) {
    const cp = o(spec.controlPlane);
    const mi = o(o(cp.machineInfrastructure).templateRef);
    if (!selectorMatches(selector, cp.templateRef) && !(mi.kind && selectorMatches(selector, mi)))
      out.push({
        type: 'Invalid',
        field: `${path}.matchResources.controlPlane`,
        badValue: true,
        detail:
          'selector is enabled but matches neither the controlPlane ref nor the controlPlane machineInfrastructure ref',
      });
  }
  const workers = o(spec.workers);
  const names = (list: unknown[], key: string, classes: unknown[], label: string) => {
    for (const [i, n] of list.entries()) {
      const name = String(n);
      const field = `${path}.matchResources.${key}.names[${i}]`;
      const bad = validateSelectorName(name, field);
      if (bad) {
        out.push(bad);
        break;
      }
      const match = classes.some(
        (c) =>
          classNameMatches(name, String(o(c).class)) &&
          (selectorMatches(selector, o(o(c).infrastructure).templateRef) ||
            selectorMatches(selector, o(o(c).bootstrap).templateRef)),
      );
      if (!match)
        out.push({
          type: 'Invalid',
          field,
          badValue: name,
          detail: `selector is enabled but matches neither the bootstrap ref nor the infrastructure ref of a ${label} class`,
        });
    }
  };
  names(mdNames, 'machineDeploymentClass', arr(workers.machineDeployments), 'MachineDeployment');
  names(mpNames, 'machinePoolClass', arr(workers.machinePools), 'MachinePool');
  return out;
}

function validateJsonPatch(jp: PlainObject, variables: Set<string>, path: string): ClassIssue[] {
  const out: ClassIssue[] = [];
  const op = String(jp.op ?? '');
  const p = String(jp.path ?? '');
  if (!['add', 'remove', 'replace'].includes(op))
    out.push({
      type: 'NotSupported',
      field: `${path}.op`,
      badValue: pretty(jp),
      detail: '',
      supported: ['add', 'remove', 'replace'],
    });
  if (!p.startsWith('/spec'))
    out.push({
      type: 'Invalid',
      field: `${path}.path`,
      badValue: pretty(jp),
      detail: 'jsonPatch path must start with "/spec"',
    });
  for (const part of p.split('/')) {
    if (!/^[+-]?\d+$/.test(part)) continue;
    const index = Number.parseInt(part, 10);
    if (op === 'add' && index !== 0)
      out.push({
        type: 'Invalid',
        field: `${path}.path`,
        badValue: p,
        detail: 'arrays can only be accessed using "0" (prepend) or "-" (append)',
      });
    if (op === 'replace' || op === 'remove')
      out.push({
        type: 'Invalid',
        field: `${path}.path`,
        badValue: p,
        detail: `elements in arrays can not be accessed in a ${op} operation`,
      });
  }
  if (op !== 'add' && op !== 'replace') return out;
  const hasValue = jp.value !== undefined && jp.value !== null;
  const vf = jp.valueFrom === null ? undefined : jp.valueFrom;
  if (!hasValue && vf === undefined)
    out.push({
      type: 'Invalid',
      field: path,
      badValue: pretty(jp),
      detail: 'jsonPatch must define one of value or valueFrom',
    });
  if (hasValue && vf !== undefined)
    out.push({
      type: 'Invalid',
      field: path,
      badValue: pretty(jp),
      detail: 'jsonPatch can not define both value and valueFrom',
    });
  if (vf !== undefined) {
    const v = o(vf);
    const template = typeof v.template === 'string' ? v.template : '';
    const variable = typeof v.variable === 'string' ? v.variable : '';
    if (!template && !variable)
      out.push({
        type: 'Invalid',
        field: `${path}.valueFrom`,
        badValue: pretty(vf),
        detail: 'valueFrom must set either template or variable',
      });
    if (template && variable)
      out.push({
        type: 'Invalid',
        field: `${path}.valueFrom`,
        badValue: pretty(vf),
        detail: 'valueFrom can not set both template and variable',
      });
    if (template) {
      const err = templateParseError(template);
      if (err)
        out.push({
          type: 'Invalid',
          field: `${path}.valueFrom.template`,
          badValue: template,
          detail: `template can not be parsed: ${err.replace(/template: tpl:/, 'template: valueFrom.template:')}`,
        });
    }
    if (variable) {
      if (variable.startsWith('builtin.')) {
        if (!BUILTIN_VARIABLES.has(variable))
          out.push({
            type: 'Invalid',
            field: `${path}.valueFrom.variable`,
            badValue: variable,
            detail: 'not a defined builtin variable',
          });
      } else if (!variables.has(variableRootName(variable))) {
        out.push({
          type: 'Invalid',
          field: `${path}.valueFrom.variable`,
          badValue: variable,
          detail: `variable with name ${variable} cannot be found`,
        });
      }
    }
  }
  return out;
}

/** The patch rules of the ClusterClass webhook, on a v1beta2-shaped ClusterClass. */
export function validatePatches(clusterClass: PlainObject): ClassIssue[] {
  const spec = o(clusterClass.spec);
  const variables = new Set(arr(spec.variables).map((v) => String(o(v).name)));
  const names = new Set<string>();
  const out: ClassIssue[] = [];
  for (const [i, raw] of arr(spec.patches).entries()) {
    const patch = o(raw);
    const path = `spec.patches[${i}]`;
    const name = typeof patch.name === 'string' ? patch.name : '';
    if (name === '')
      out.push({ type: 'Required', field: `${path}.name`, detail: 'patch name must be defined' });
    if (name === 'inline')
      out.push({
        type: 'Required',
        field: `${path}.name`,
        detail: '"inline" can not be used as the name of a patch',
      });
    if (names.has(name))
      out.push({
        type: 'Invalid',
        field: `${path}.name`,
        badValue: name,
        detail: `patch names must be unique. Patch with name ${JSON.stringify(name)} is defined more than once`,
      });
    names.add(name);
    if (typeof patch.enabledIf === 'string' && patch.enabledIf !== '') {
      const err = templateParseError(patch.enabledIf);
      if (err)
        out.push({
          type: 'Invalid',
          field: `${path}.enabledIf`,
          badValue: patch.enabledIf,
          detail: `template can not be parsed: ${err.replace(/template: tpl:/, 'template: enabledIf:')}`,
        });
    }
    const defs = patch.definitions;
    const external = patch.external;
    if ((defs === undefined || defs === null) && (external === undefined || external === null))
      out.push({ type: 'Required', field: path, detail: 'one of definitions or external must be defined' });
    if (defs != null && external != null)
      out.push({
        type: 'Invalid',
        field: path,
        badValue: pretty(patch),
        detail: 'only one of definitions or external can be defined',
      });
    for (const [j, d] of arr(defs).entries()) {
      const dpath = `${path}.definitions[${j}]`;
      for (const [k, jp] of arr(o(d).jsonPatches).entries())
        append(out, validateJsonPatch(o(jp), variables, `${dpath}.jsonPatches[${k}]`));
      append(out, validateSelector(o(o(d).selector), spec, `${dpath}.selector`));
    }
    if (external != null) {
      // clustermint runs no Runtime Extensions: an external patch cannot be rendered offline
      out.push({
        type: 'Forbidden',
        field: `${path}.external`,
        detail: 'patch.external can be used only if the RuntimeSDK feature flag is enabled',
      });
      const e = o(external);
      if (!e.validateTopologyExtension && !e.generatePatchesExtension)
        out.push({
          type: 'Invalid',
          field: `${path}.external`,
          badValue: pretty(external),
          detail: 'one of validateTopologyExtension and generatePatchesExtension must be defined',
        });
    }
  }
  return out;
}
