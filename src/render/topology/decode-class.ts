/**
 * The ClusterClass as Cluster API decodes it into its Go types (`api/core/v1beta2`), for the
 * fields the engine reads without coercion: variable schemas (JSONSchemaProps, recursively, with
 * the fields Cluster API does not know dropped),
 * variable metadata, patch names, selectors and JSON patches, worker class names. The API
 * server refuses a class whose fields have the wrong JSON kind (`json: cannot unmarshal ...`)
 * before any admission rule runs; clustermint reports the same, located, and validates and
 * renders only a class that decodes.
 */
import { type FieldError, pathOf } from '../../k8s/field.js';
import type { PlainObject } from '../../util/plain-object.js';
import {
  decodeStruct,
  GO_BOOL,
  GO_INT64,
  GO_JSON,
  GO_STRING,
  type GoType,
  mapOf,
  sliceOf,
  struct,
} from './go-decode.js';

/** Go types of one API version (`v1beta1` or `v1beta2`: the type names print their package). */
function clusterClassType(pkg: string): GoType {
  const t = (name: string, fields: () => Record<string, GoType>) => struct(pkg, name, fields);
  // complete Go structs: fields they lack (`multipleOf`, `nullable`, ...) are dropped, as Cluster
  // API's decoding drops them, and never reach the validator
  const closed = (name: string, fields: () => Record<string, GoType>) => struct(pkg, name, fields, true);

  const metadata = closed('VariableSchemaMetadata', () => ({
    labels: mapOf(GO_STRING),
    annotations: mapOf(GO_STRING),
  }));
  const rule = closed('ValidationRule', () => ({
    rule: GO_STRING,
    message: GO_STRING,
    messageExpression: GO_STRING,
    reason: GO_STRING,
    fieldPath: GO_STRING,
  }));
  const schema: GoType = closed('JSONSchemaProps', () => ({
    description: GO_STRING,
    example: GO_JSON,
    type: GO_STRING,
    properties: mapOf(schema),
    additionalProperties: schema,
    maxProperties: GO_INT64,
    minProperties: GO_INT64,
    required: sliceOf(GO_STRING),
    items: schema,
    maxItems: GO_INT64,
    minItems: GO_INT64,
    uniqueItems: GO_BOOL,
    format: GO_STRING,
    maxLength: GO_INT64,
    minLength: GO_INT64,
    pattern: GO_STRING,
    maximum: GO_INT64,
    exclusiveMaximum: GO_BOOL,
    minimum: GO_INT64,
    exclusiveMinimum: GO_BOOL,
    'x-kubernetes-preserve-unknown-fields': GO_BOOL,
    enum: sliceOf(GO_JSON),
    default: GO_JSON,
    'x-kubernetes-validations': sliceOf(rule),
    'x-metadata': metadata,
    'x-kubernetes-int-or-string': GO_BOOL,
    allOf: sliceOf(schema),
    oneOf: sliceOf(schema),
    anyOf: sliceOf(schema),
    not: schema,
  }));
  const variableSchema = t('VariableSchema', () => ({ openAPIV3Schema: schema }));
  const variableMetadata = t('ClusterClassVariableMetadata', () => ({
    labels: mapOf(GO_STRING),
    annotations: mapOf(GO_STRING),
  }));
  const variable = t('ClusterClassVariable', () => ({
    name: GO_STRING,
    required: GO_BOOL,
    deprecatedV1Beta1Metadata: variableMetadata,
    // v1beta1's name, which the admission rules also read
    metadata: variableMetadata,
    schema: variableSchema,
  }));
  const statusDefinition = t('ClusterClassStatusVariableDefinition', () => ({
    from: GO_STRING,
    required: GO_BOOL,
    deprecatedV1Beta1Metadata: variableMetadata,
    metadata: variableMetadata,
    schema: variableSchema,
  }));
  const statusVariable = t('ClusterClassStatusVariable', () => ({
    name: GO_STRING,
    definitionsConflict: GO_BOOL,
    definitions: sliceOf(statusDefinition),
  }));
  const names = (name: string) => t(name, () => ({ names: sliceOf(GO_STRING) }));
  const selector = t('PatchSelector', () => ({
    apiVersion: GO_STRING,
    kind: GO_STRING,
    matchResources: t('PatchSelectorMatch', () => ({
      controlPlane: GO_BOOL,
      infrastructureCluster: GO_BOOL,
      machineDeploymentClass: names('PatchSelectorMatchMachineDeploymentClass'),
      machinePoolClass: names('PatchSelectorMatchMachinePoolClass'),
    })),
  }));
  const jsonPatch = t('JSONPatch', () => ({
    op: GO_STRING,
    path: GO_STRING,
    value: GO_JSON,
    valueFrom: t('JSONPatchValue', () => ({ variable: GO_STRING, template: GO_STRING })),
  }));
  const patch = t('ClusterClassPatch', () => ({
    name: GO_STRING,
    description: GO_STRING,
    enabledIf: GO_STRING,
    definitions: sliceOf(t('PatchDefinition', () => ({ selector, jsonPatches: sliceOf(jsonPatch) }))),
  }));
  const workerClass = (name: string) => t(name, () => ({ class: GO_STRING }));
  return t('ClusterClass', () => ({
    spec: t('ClusterClassSpec', () => ({
      variables: sliceOf(variable),
      patches: sliceOf(patch),
      workers: t('WorkersClass', () => ({
        machineDeployments: sliceOf(workerClass('MachineDeploymentClass')),
        machinePools: sliceOf(workerClass('MachinePoolClass')),
      })),
    })),
    status: t('ClusterClassStatus', () => ({ variables: sliceOf(statusVariable) })),
  }));
}

const TYPES = { v1beta1: clusterClassType('v1beta1'), v1beta2: clusterClassType('v1beta2') };

/**
 * A v1beta2-shaped ClusterClass decoded (`apiVersion` of the submitted class names the Go
 * package in messages): the copy to validate and render, and the decode errors.
 */
export function decodeClusterClass(
  cc: PlainObject,
  submittedVersion: 'v1beta1' | 'v1beta2',
): { clusterClass: PlainObject; errors: FieldError[] } {
  const { value, errors } = decodeStruct(TYPES[submittedVersion], cc, pathOf());
  return { clusterClass: value, errors };
}
