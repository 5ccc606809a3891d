/**
 * What the Cluster mutating webhook does with topology variables (DefaultVariables, then
 * ValidateClusterVariables): default and validate `topology.variables` (creating variables
 * with a top-level default, checking required ones), `controlPlane.variables.overrides` and
 * every MachineDeployment / MachinePool `variables.overrides` (no creation, no required
 * check), against old values from the old Cluster for transition rules.
 */
import type { FieldError } from '../../../k8s/field.js';
import { append } from '../../../util/append.js';
import { cloneTree, isPlainObject, type PlainObject } from '../../../util/plain-object.js';
import { defaultClusterVariables, validateClusterVariables } from './cluster-values.js';
import type { ClusterVariable, VariableDefinition } from './definitions.js';

// The Cluster's variables are read here to be validated: with coercion.
const obj = (v: unknown): PlainObject | undefined => (isPlainObject(v) ? v : undefined);

function asVariables(v: unknown): ClusterVariable[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isPlainObject).map((x) => ({
    name: typeof x.name === 'string' ? x.name : '',
    value: x.value,
    ...(typeof x.definitionFrom === 'string' ? { definitionFrom: x.definitionFrom } : {}),
  }));
}

interface Site {
  /** Where the list lives: the object holding it and its key. */
  holder: PlainObject;
  field: string;
  fieldPath: string;
  cluster: boolean;
  /** The same list on the old Cluster. */
  old: ClusterVariable[] | undefined;
}

function sites(topology: PlainObject, oldTopology: PlainObject | undefined): Site[] {
  const out: Site[] = [];
  out.push({
    holder: topology,
    field: 'variables',
    fieldPath: 'spec.topology.variables',
    cluster: true,
    old: oldTopology ? asVariables(oldTopology.variables) : undefined,
  });
  const cpVars = obj(obj(topology.controlPlane)?.variables);
  if (cpVars && Array.isArray(cpVars.overrides) && cpVars.overrides.length > 0) {
    out.push({
      holder: cpVars,
      field: 'overrides',
      fieldPath: 'spec.topology.controlPlane.variables.overrides',
      cluster: false,
      old: asVariables(obj(obj(oldTopology?.controlPlane)?.variables)?.overrides),
    });
  }
  for (const kind of ['machineDeployments', 'machinePools'] as const) {
    const oldByName = new Map<string, ClusterVariable[]>();
    for (const m of (obj(oldTopology?.workers)?.[kind] as unknown[] | undefined) ?? []) {
      const mo = obj(m);
      if (mo && typeof mo.name === 'string')
        oldByName.set(mo.name, asVariables(obj(mo.variables)?.overrides));
    }
    const list = obj(topology.workers)?.[kind];
    if (!Array.isArray(list)) continue;
    for (const m of list) {
      const mo = obj(m);
      const vars = obj(mo?.variables);
      if (!mo || !vars || !Array.isArray(vars.overrides) || vars.overrides.length === 0) continue;
      const name = typeof mo.name === 'string' ? mo.name : '';
      out.push({
        holder: vars,
        field: 'overrides',
        fieldPath: `spec.topology.workers.${kind}[${name}].variables.overrides`,
        cluster: false,
        old: oldByName.get(name),
      });
    }
  }
  return out;
}

export function defaultAndValidateTopologyVariables(
  cluster: unknown,
  defs: VariableDefinition[],
  oldCluster?: unknown,
): { cluster: unknown; errors: FieldError[] } {
  const copy = cloneTree(cluster);
  const topology = obj(obj(obj(copy)?.spec)?.topology);
  if (topology === undefined) return { cluster: copy, errors: [] };
  const oldTopology = obj(obj(obj(oldCluster)?.spec)?.topology);
  const all = sites(topology, oldTopology);

  const errors: FieldError[] = [];
  for (const s of all) {
    const r = defaultClusterVariables(asVariables(s.holder[s.field]), defs, {
      createVariables: s.cluster,
      fieldPath: s.fieldPath,
    });
    if (r.errors.length > 0) append(errors, r.errors);
    else if (s.cluster && r.values.length === 0 && s.holder[s.field] === undefined) continue;
    else s.holder[s.field] = r.values;
  }
  if (errors.length > 0) return { cluster: copy, errors };

  for (const s of all) {
    errors.push(
      ...validateClusterVariables(asVariables(s.holder[s.field]), s.old, defs, {
        validateRequired: s.cluster,
        fieldPath: s.fieldPath,
      }),
    );
  }
  return { cluster: copy, errors };
}
