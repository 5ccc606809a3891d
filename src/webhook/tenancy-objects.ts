/**
 * Admission of the tenancy kinds (docs/tenancy.md): a Credential needs its identityRef and keeps
 * its region; there is one AccessManagement, whose rules name only kinds it can distribute and
 * selectors that parse. Pure: the server gives the names of the AccessManagements that exist.
 */

import { readAccessManagement } from '../api/access-management.js';
import { readCredential } from '../api/credential.js';
import type { ReadProblem } from '../api/read-problems.js';
import { append } from '../util/append.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { type AdmissionRequest, type AdmissionResponse, allow, deny } from './review.js';

const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});

/** `kind ns/name denied by clustermint: N violations:` and one line per problem. */
function denial(req: AdmissionRequest, kind: string, errors: readonly string[]): AdmissionResponse {
  const name = String(obj(obj(req.object).metadata).name ?? '') || req.name || '(generated name)';
  const who = req.userInfo.username ? ` (user ${req.userInfo.username})` : '';
  const n = errors.length;
  return deny(
    req.uid,
    `${kind} ${req.namespace ? `${req.namespace}/` : ''}${name}${who} denied by clustermint: ${n} violation${n === 1 ? '' : 's'}:\n${errors.map((e) => `- ${e}`).join('\n')}`,
  );
}

const problemLines = (problems: readonly ReadProblem[]): string[] =>
  problems.map((p) => `${p.path}: ${p.message}`);

/** A Credential CREATE or UPDATE: the reader's problems (identityRef required), region immutable. */
export function admitCredential(req: AdmissionRequest, object: PlainObject): AdmissionResponse {
  const read = readCredential(object);
  const errors = 'problems' in read ? problemLines(read.problems) : [];
  if (req.operation === 'UPDATE' && req.oldObject) {
    const before = obj(req.oldObject.spec).region;
    const after = obj(object.spec).region;
    // k0rdent's rule: a cluster made in one region keeps it; a new region is a new Credential
    if ((before ?? '') !== (after ?? '')) errors.push('$.spec.region: Region is immutable');
  }
  return errors.length ? denial(req, 'Credential', errors) : allow(req.uid);
}

/**
 * An AccessManagement CREATE or UPDATE. `existing`: the names of the AccessManagements in the
 * cluster (listed live by the server): a create beside another one is denied.
 */
export function admitAccessManagement(
  req: AdmissionRequest,
  object: PlainObject,
  existing: readonly string[],
): AdmissionResponse {
  const errors: string[] = [];
  const name = String(obj(object.metadata).name ?? '') || req.name;
  const others = existing.filter((n) => n !== name);
  if (req.operation === 'CREATE' && others.length)
    errors.push(`only one AccessManagement may exist: ${others.join(', ')} exists`);
  const read = readAccessManagement(object);
  if ('problems' in read) append(errors, problemLines(read.problems));
  return errors.length ? denial(req, 'AccessManagement', errors) : allow(req.uid);
}
