/**
 * The inline JSON patch generator of Cluster API topology (`patches/inline/json_patch_generator.go`):
 * for each request item, the patch's definitions whose selector matches, `enabledIf`, and each
 * `jsonPatches[]` entry with its value computed from `value`, `valueFrom.variable` or
 * `valueFrom.template`. Pure: the same request gives the same response. Templates run within
 * the caller's work budget (one per render of a ClusterClass's patches), else a fresh one each.
 */
import { BoundedCache } from '../../util/bounded-cache.js';
import { emptyMap, isPlainObject, type PlainObject, setOwn } from '../../util/plain-object.js';
import type { WorkBudget } from '../../util/work-budget.js';
import { type GoTemplate, hermeticSprigFuncs, parseGoTemplate } from '../gotemplate/index.js';
import { readRenderedYaml } from './rendered-yaml.js';
import type {
  ClusterClassPatch,
  JsonPatchOperation,
  JsonPatchSpec,
  OperationOrigin,
  PatchDefinition,
  PatchRequest,
  PatchSelector,
  RequestItem,
  ResponseItem,
} from './types.js';
import { getVariableValue, type Variables } from './variable-value.js';

export const CP_MACHINE_TEMPLATE_REF_V1BETA1 = 'spec.machineTemplate.infrastructureRef';
export const CP_MACHINE_TEMPLATE_REF_V1BETA2 = 'spec.machineTemplate.spec.infrastructureRef';
const MD_FIELD_PATHS = new Set([
  'spec.template.spec.bootstrap.configRef',
  'spec.template.spec.infrastructureRef',
]);

/** Selector name forms: exact, `*`, `*suffix`, `prefix*`. */
export function classNameMatches(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return name.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

/** `builtin.<kind>.class` of an item, if it is a string (read directly: it runs per item and definition). */
function builtinClass(vars: Variables, kind: 'machineDeployment' | 'machinePool'): string | undefined {
  const builtin = Object.hasOwn(vars, 'builtin') ? vars.builtin : undefined;
  if (!isPlainObject(builtin) || !Object.hasOwn(builtin, kind)) return undefined;
  const part = builtin[kind];
  if (!isPlainObject(part) || !Object.hasOwn(part, 'class')) return undefined;
  return typeof part.class === 'string' ? part.class : undefined;
}

export function matchesSelector(item: RequestItem, selector: PatchSelector): boolean {
  if (item.object.apiVersion !== selector.apiVersion || item.object.kind !== selector.kind) return false;
  const m = selector.matchResources ?? {};
  const h = item.holder;
  if (m.infrastructureCluster && h.kind === 'Cluster' && h.fieldPath === 'spec.infrastructureRef')
    return true;
  if (m.controlPlane) {
    if (h.kind === 'Cluster' && h.fieldPath === 'spec.controlPlaneRef') return true;
    if (h.fieldPath === CP_MACHINE_TEMPLATE_REF_V1BETA1 || h.fieldPath === CP_MACHINE_TEMPLATE_REF_V1BETA2)
      return true;
  }
  const names = (
    list: { names?: string[] } | undefined,
    holderKind: string,
    builtin: 'machineDeployment' | 'machinePool',
  ) => {
    if (!list?.names?.length || h.kind !== holderKind || !MD_FIELD_PATHS.has(h.fieldPath)) return false;
    const cls = builtinClass(item.variables, builtin);
    if (cls === undefined) return false;
    return list.names.some((n) => classNameMatches(n, cls));
  };
  if (names(m.machineDeploymentClass, 'MachineDeployment', 'machineDeployment')) return true;
  if (names(m.machinePoolClass, 'MachinePool', 'machinePool')) return true;
  return false;
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (!isPlainObject(a) || !isPlainObject(b)) return b;
  const out: PlainObject = emptyMap();
  for (const k of Object.keys(a)) setOwn(out, k, a[k]);
  for (const k of Object.keys(b)) setOwn(out, k, Object.hasOwn(out, k) ? deepMerge(out[k], b[k]) : b[k]);
  return out;
}

/** `MergeVariableMaps`: later maps win; `builtin` is merged deeply (item fields over global ones). */
export function mergeVariableMaps(...maps: Variables[]): Variables {
  const out: Variables = emptyMap();
  for (const m of maps) {
    for (const k of Object.keys(m)) {
      setOwn(out, k, k === 'builtin' && Object.hasOwn(out, k) ? deepMerge(out[k], m[k]) : m[k]);
    }
  }
  return out;
}

// Compiled templates by source text: a ClusterClass's templates run once per item and cluster.
const COMPILED_MAX = 2000;
const compiled = new BoundedCache<string, GoTemplate>(COMPILED_MAX);

function compile(text: string): GoTemplate {
  return compiled.getOrCreate(text, () => parseGoTemplate(text, { name: 'tpl', funcs: hermeticSprigFuncs }));
}

/** Parses a template as the ClusterClass webhook does; returns the error text or undefined. */
export function templateParseError(text: string): string | undefined {
  try {
    compile(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The JSON text of a value as Go's encoding/json writes it (compact). */
const goJson = (v: unknown): string => JSON.stringify(v) ?? 'null';

/**
 * `renderValueTemplate`: execute, then read the output as YAML (sigs.k8s.io/yaml, YAML 1.1
 * like go-yaml v2) into a JSON value.
 */
export function renderValueTemplate(text: string, variables: Variables, budget?: WorkBudget): unknown {
  let tpl: GoTemplate;
  try {
    tpl = compile(text);
  } catch (e) {
    throw new Error(`failed to parse template: ${goJson(text)}: ${(e as Error).message}`);
  }
  let out: string;
  try {
    out = tpl.execute(variables, budget);
  } catch (e) {
    throw new Error(`failed to render template: ${goJson(text)}: ${(e as Error).message}`);
  }
  return readRenderedYaml(out);
}

export function patchIsEnabled(
  enabledIf: string | undefined,
  variables: Variables,
  budget?: WorkBudget,
): boolean {
  if (!enabledIf) return true;
  let v: unknown;
  try {
    v = renderValueTemplate(enabledIf, variables, budget);
  } catch (e) {
    throw new Error(`failed to calculate value for enabledIf: ${(e as Error).message}`);
  }
  return v === true;
}

export function calculateValue(p: JsonPatchSpec, variables: Variables, budget?: WorkBudget): unknown {
  // a JSON null decodes to a nil pointer upstream: not set
  const hasValue = p.value !== undefined && p.value !== null;
  const vf = p.valueFrom ?? undefined;
  if (!hasValue && vf === undefined)
    throw new Error('failed to calculate value: neither .value nor .valueFrom are set');
  if (hasValue && vf !== undefined)
    throw new Error('failed to calculate value: both .value and .valueFrom are set');
  if (vf !== undefined && !vf.variable && !vf.template)
    throw new Error(
      'failed to calculate value: .valueFrom is set, but neither .valueFrom.variable nor .valueFrom.template are set',
    );
  if (vf?.variable && vf.template)
    throw new Error(
      'failed to calculate value: .valueFrom is set, but both .valueFrom.variable and .valueFrom.template are set',
    );
  if (hasValue) return p.value;
  if (vf?.variable) {
    try {
      return getVariableValue(variables, vf.variable);
    } catch (e) {
      throw new Error(`failed to calculate value: ${(e as Error).message}`);
    }
  }
  try {
    return renderValueTemplate(vf?.template as string, variables, budget);
  } catch (e) {
    throw new Error(`failed to calculate value for template: ${(e as Error).message}`);
  }
}

/** Errors of one patch, aggregated across items as upstream does. */
export class PatchGenerationError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
  }
}

/** Generates the response of one inline patch for a request. */
export function generateInlinePatch(
  patch: ClusterClassPatch,
  req: PatchRequest,
  budget?: WorkBudget,
): ResponseItem[] {
  const out: ResponseItem[] = [];
  const errors: string[] = [];
  for (const item of req.items) {
    const kind = String(item.object.kind ?? '');
    const matching: Array<[number, PatchDefinition]> = [];
    for (const [i, d] of (patch.definitions ?? []).entries()) {
      if (matchesSelector(item, d.selector)) matching.push([i, d]);
    }
    if (matching.length === 0) continue;
    const variables = item.merged ?? mergeVariableMaps(req.variables, item.variables);
    let enabled: boolean;
    try {
      enabled = patchIsEnabled(patch.enabledIf, variables, budget);
    } catch (e) {
      errors.push(`failed to calculate if patch is enabled for ${goJson(kind)}: ${(e as Error).message}`);
      continue;
    }
    if (!enabled) continue;
    for (const [di, d] of matching) {
      try {
        const ops: JsonPatchOperation[] = [];
        const origins: OperationOrigin[] = [];
        for (const [ji, jp] of (d.jsonPatches ?? []).entries()) {
          const op: JsonPatchOperation = { op: jp.op, path: jp.path };
          if (jp.op === 'add' || jp.op === 'replace') op.value = calculateValue(jp, variables, budget);
          ops.push(op);
          origins.push({ patch: patch.name, definition: di, jsonPatch: ji });
        }
        out.push({ uid: item.uid, patch: ops, origins });
      } catch (e) {
        errors.push(`failed to generate JSON patches for ${goJson(kind)}: ${(e as Error).message}`);
      }
    }
  }
  if (errors.length) throw new PatchGenerationError(errors);
  return out;
}
