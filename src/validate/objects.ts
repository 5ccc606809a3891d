/** Every rendered object: the Kubernetes basics, then the schema of its kind. */
import { formatPath } from '../util/json-path.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { kindValidator } from './kind-schemas.js';
import { describeSchemaErrors } from './schema-errors.js';
import type { ObjectRef, Violation } from './violation.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function objectRef(o: PlainObject): ObjectRef {
  const meta = isPlainObject(o.metadata) ? o.metadata : {};
  return {
    apiVersion: String(o.apiVersion ?? ''),
    kind: String(o.kind ?? ''),
    name: String(meta.name ?? ''),
    ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
  };
}

export function validateObject(o: PlainObject): Violation[] {
  const out: Violation[] = [];
  const object = objectRef(o);
  const err = (path: string, message: string, code = 'OBJECT_INVALID'): Violation => ({
    stage: 'object',
    severity: 'error',
    code,
    message,
    path,
    object,
  });
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '')
    out.push(err('$.apiVersion', 'apiVersion is required'));
  if (typeof o.kind !== 'string' || o.kind === '') out.push(err('$.kind', 'kind is required'));
  const meta = o.metadata;
  if (!isPlainObject(meta)) out.push(err('$.metadata', 'metadata is required'));
  else {
    const name = meta.name;
    if (typeof name !== 'string' || name === '')
      out.push(err('$.metadata.name', 'metadata.name is required'));
    else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
      out.push(
        err(
          '$.metadata.name',
          `metadata.name ${JSON.stringify(name)} is not a valid name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters`,
        ),
      );
    }
    if (
      meta.namespace !== undefined &&
      (typeof meta.namespace !== 'string' ||
        meta.namespace.length > 63 ||
        !DNS1123_LABEL.test(meta.namespace))
    ) {
      out.push(
        err(
          '$.metadata.namespace',
          `metadata.namespace ${JSON.stringify(meta.namespace)} is not a valid namespace name`,
        ),
      );
    }
  }
  if (out.length > 0) return out;
  const validate = kindValidator(o.apiVersion as string, o.kind as string);
  if (!validate) {
    return [
      {
        stage: 'object',
        severity: 'warning',
        code: 'UNKNOWN_KIND',
        message: `no schema for ${o.kind} (${o.apiVersion}); not validated`,
        object,
      },
    ];
  }
  // The API server drops null fields before it validates, so a rendered `id:` with no value
  // is not an error there; validate what it would store.
  const stored = withoutNulls(o);
  if (!validate(stored)) {
    for (const p of describeSchemaErrors(validate.errors, stored))
      out.push(err(formatPath(p.path), p.message));
  }
  return out;
}

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (isPlainObject(v)) {
    const out: PlainObject = {};
    for (const k of Object.keys(v)) {
      if (v[k] !== null)
        Object.defineProperty(out, k, {
          value: withoutNulls(v[k]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return out;
  }
  return v;
}
