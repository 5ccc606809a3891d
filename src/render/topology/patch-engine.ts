/**
 * The ClusterClass patch engine (`core/reconcilers/topology/cluster/patches/engine.go`): one
 * request item per template, patches applied in array order and cumulatively, then only
 * `spec`, `metadata.labels` and `metadata.annotations` copied back into the desired objects with
 * the fields the topology controller owns preserved. Every operation is traced, so `--explain`
 * can say which patch set which path of which object, and which changes were dropped. The steps
 * are in `patches/`, one module each, in upstream's order.
 */
import { isPlainObject } from '../../util/plain-object.js';
import { WorkBudget } from '../../util/work-budget.js';
import type { Blueprint, DesiredState } from './desired-state.js';
import { generateInlinePatch } from './json-patch-generator.js';
import { applyToItem } from './patches/apply-response.js';
import type { EngineItem } from './patches/items.js';
import { createRequest, PatchEngineError } from './patches/request.js';
import { type TraceEntry, traceOperations } from './patches/trace.js';
import { updateDesiredState } from './patches/update-desired-state.js';
import {
  assignVariables,
  computeBuiltins,
  type RequestVariables,
  requestVariables,
  type VariableDefinitionFrom,
} from './patches/variables.js';
import type { ClusterClassPatch, PatchRequest, ResponseItem } from './types.js';

export { PatchEngineError } from './patches/request.js';
export type { TraceEntry } from './patches/trace.js';
export { clusterBuiltin, type VariableDefinitionFrom } from './patches/variables.js';

export interface PatchEngineResult {
  trace: TraceEntry[];
}

/** `Kind name` of a template being patched (patches may have made its metadata anything). */
function itemText(item: EngineItem): string {
  const kind = item.object.kind;
  const meta = item.object.metadata;
  const name = isPlainObject(meta) ? meta.name : undefined;
  return `${typeof kind === 'string' ? kind : ''} ${typeof name === 'string' ? name : ''}`;
}

/** Runs one patch's generator over the request. */
function generate(
  patch: ClusterClassPatch,
  req: PatchRequest,
  field: string,
  budget: WorkBudget,
): ResponseItem[] {
  if (!patch.definitions?.length) {
    throw new PatchEngineError(
      patch.external
        ? `failed to apply patches for patch ${JSON.stringify(patch.name)}: external patches need a Runtime Extension; clustermint renders inline patches only`
        : `failed to create patch generator for patch ${JSON.stringify(patch.name)}`,
      field,
    );
  }
  try {
    return generateInlinePatch(patch, req, budget);
  } catch (e) {
    throw new PatchEngineError(
      `failed to generate patches for patch ${JSON.stringify(patch.name)}: ${(e as Error).message}`,
      field,
    );
  }
}

/**
 * Applies the ClusterClass's patches to the desired state in place. `definitions` are the
 * class's variable definitions with their origin (`inline` or an external patch's name).
 */
export function applyPatches(
  bp: Blueprint,
  desired: DesiredState,
  definitions: readonly VariableDefinitionFrom[],
  options: { trace?: boolean } = {},
): PatchEngineResult {
  const patches = bp.clusterClass.spec.patches ?? [];
  const trace: TraceEntry[] = [];
  if (patches.length === 0) return { trace };

  const items = createRequest(bp, desired);
  const byUid = new Map<string, EngineItem>();
  for (const item of items.all) byUid.set(item.uid, item);
  const builtins = computeBuiltins(desired);
  // the variables depend only on where the patch's definitions come from ('inline' for every
  // inline patch): computed once per origin, not once per patch
  const variablesByOrigin = new Map<string, RequestVariables>();
  // one work budget for every template of every patch: a runaway stops the render, and the
  // items after it fail at once instead of each spending a budget of its own
  const budget = new WorkBudget();

  for (const [patchIndex, patch] of patches.entries()) {
    const field = `spec.patches[${patchIndex}]`;
    const origin = patch.definitions?.length ? 'inline' : patch.name;
    let vars = variablesByOrigin.get(origin);
    if (!vars) {
      vars = requestVariables(items, desired, builtins, definitions, origin);
      variablesByOrigin.set(origin, vars);
    }
    assignVariables(vars);
    const response = generate(patch, { variables: vars.global, items: items.all }, field, budget);
    for (const r of response) {
      const item = byUid.get(r.uid) as EngineItem;
      if (r.patch.length === 0) continue;
      try {
        applyToItem(item, r.patch);
      } catch (e) {
        throw new PatchEngineError(
          `failed to apply patches for patch ${JSON.stringify(patch.name)}: ${itemText(item)}: ${(e as Error).message}`,
          field,
        );
      }
      if (options.trace) traceOperations(trace, item, r.patch, r.origins);
    }
  }

  updateDesiredState(items.all);
  return { trace };
}
