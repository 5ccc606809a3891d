/**
 * ClusterClass variable definitions: `status.variables` when the ClusterClass has been
 * reconciled (Clusters are defaulted and validated against it), else `spec.variables` as
 * inline definitions, in the order the reconciler would write them to the status (by name). v1beta1 (`required: bool`, `metadata`) and v1beta2 (`required: *bool`,
 * `deprecatedV1Beta1Metadata`) read the same way.
 */

import { isPlainObject, type PlainObject } from '../../../util/plain-object.js';
import type { JSONSchemaProps } from '../../../validate/openapi/index.js';

export interface VariableMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface VariableDefinition {
  name: string;
  required: boolean;
  /** `inline` or the name of the external patch that discovered the variable. */
  from: string;
  schema: JSONSchemaProps;
  metadata?: VariableMetadata;
  /** status.variables[].definitionsConflict of this name. */
  conflict?: boolean;
}

/** A value of a variable on a Cluster (`spec.topology.variables[]`, `...variables.overrides[]`). */
export interface ClusterVariable {
  name: string;
  value: unknown;
  definitionFrom?: string;
}

// Definitions are read from the class before its admission rules ran: read with coercion.
const obj = (v: unknown): PlainObject | undefined => (isPlainObject(v) ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function schemaOf(def: PlainObject): JSONSchemaProps {
  const s = obj(obj(def.schema)?.openAPIV3Schema);
  return (s ?? {}) as JSONSchemaProps;
}

function metadataOf(def: PlainObject): VariableMetadata | undefined {
  const m = obj(def.metadata) ?? obj(def.deprecatedV1Beta1Metadata);
  return m as VariableMetadata | undefined;
}

export function classVariableDefinitions(clusterClass: unknown): VariableDefinition[] {
  const cc = obj(clusterClass);
  const status = obj(cc?.status);
  if (status !== undefined && Array.isArray(status.variables)) {
    const out: VariableDefinition[] = [];
    for (const v of list(status.variables)) {
      const sv = obj(v);
      if (sv === undefined) continue;
      const conflict = sv.definitionsConflict === true;
      for (const d of list(sv.definitions)) {
        const def = obj(d);
        if (def === undefined) continue;
        out.push({
          name: str(sv.name),
          required: def.required === true,
          from: str(def.from) || 'inline',
          schema: schemaOf(def),
          ...(metadataOf(def) ? { metadata: metadataOf(def) } : {}),
          ...(conflict ? { conflict } : {}),
        });
      }
    }
    return out;
  }
  // As the ClusterClass reconciler writes them to status.variables: sorted by name (stable), which
  // is the order the Cluster webhook appends defaulted variables in.
  const inline = list(obj(cc?.spec)?.variables).flatMap((v) => {
    const def = obj(v);
    if (def === undefined) return [];
    const metadata = metadataOf(def);
    return [
      {
        name: str(def.name),
        required: def.required === true,
        from: 'inline',
        schema: schemaOf(def),
        ...(metadata ? { metadata } : {}),
      },
    ];
  });
  return inline.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
