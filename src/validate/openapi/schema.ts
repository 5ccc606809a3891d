/**
 * The apiextensions JSONSchemaProps subset that CRD structural schemas and Cluster API
 * ClusterClass variables use, read from plain JSON. ClusterClass v1beta1 (bool) and v1beta2
 * (*bool) spell the flags the same way on the wire, so one reader serves both.
 */
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';

export interface ValidationRule {
  rule?: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export interface JSONSchemaProps {
  type?: string;
  format?: string;
  description?: string;
  title?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  required?: string[];
  items?: JSONSchemaProps;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  enum?: unknown[];
  default?: unknown;
  example?: unknown;
  nullable?: boolean;
  allOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-validations'?: ValidationRule[];
  'x-metadata'?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export const VALID_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'] as const;

/** Own-property lookup that never reaches the prototype (`__proto__` is a plain key). */
export function own<T>(m: Record<string, T> | undefined, k: string): T | undefined {
  return m !== undefined && Object.hasOwn(m, k) ? m[k] : undefined;
}

export const preservesUnknown = (s: JSONSchemaProps): boolean =>
  s['x-kubernetes-preserve-unknown-fields'] === true;
export const isIntOrString = (s: JSONSchemaProps): boolean => s['x-kubernetes-int-or-string'] === true;

/** additionalProperties as a schema (a `true` allows any value, like an empty schema). */
export function additionalSchema(s: JSONSchemaProps): JSONSchemaProps | undefined {
  const a = s.additionalProperties;
  if (a === undefined || a === false) return undefined;
  return a === true ? {} : a;
}

/** Whether a value is a JSON schema object the readers accept. */
export const isSchemaObject = (v: unknown): v is PlainObject => isPlainObject(v);
