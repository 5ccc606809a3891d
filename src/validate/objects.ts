/** Every rendered object: the Kubernetes basics, then the schema of its kind. */

import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from '../k8s/names.js';
import { formatPath } from '../util/json-path.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { kindValidator } from './kind-schemas.js';
import { describeSchemaErrors } from './schema-errors.js';
import type { ObjectRef, Violation } from './violation.js';

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
  const stored = hasNull(o) ? withoutNulls(o) : o;
  if (!validate(stored)) {
    for (const p of describeSchemaErrors(validate.errors, stored))
      out.push(err(formatPath(p.path), p.message));
  }
  return out;
}

/**
 * Whether withoutNulls would change the tree: a null map value, or a map that is not an ordinary
 * object. A walk that allocates nothing, for the usual rendered object (none of either).
 */
function hasNull(v: unknown): boolean {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === 'object' && hasNull(x)) return true;
    }
    return false;
  }
  if (!isPlainObject(v)) return false;
  if (Object.getPrototypeOf(v) !== Object.prototype) return true;
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const x = v[keys[i]];
    if (x === null || (typeof x === 'object' && hasNull(x))) return true;
  }
  return false;
}

/**
 * The tree without null-valued keys, as ordinary objects (ajv's deep-equal needs
 * Object.prototype). Subtrees that are already so are shared, not copied: the usual rendered
 * object has no null and comes back as it is.
 */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = withoutNulls(v[i]);
      if (out) out.push(x);
      else if (x !== v[i]) {
        out = v.slice(0, i);
        out.push(x);
      }
    }
    return out ?? v;
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    let changed = Object.getPrototypeOf(v) !== Object.prototype;
    const values = new Array<unknown>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const x = v[keys[i]];
      const y = x === null ? null : withoutNulls(x);
      values[i] = y;
      if (y !== x || y === null) changed = true;
    }
    if (!changed) return v;
    const out: PlainObject = {};
    for (let i = 0; i < keys.length; i++) {
      if (values[i] !== null)
        Object.defineProperty(out, keys[i], {
          value: values[i],
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return out;
  }
  return v;
}
