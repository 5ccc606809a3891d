/**
 * AdmissionReview admission.k8s.io/v1: reading a request body and building the response. Pure:
 * text in, a typed request or a clear error out. The object trees are copied into prototype-less
 * maps within the depth and node limits, like every other input.
 */
import { ClustermintError } from '../util/errors.js';
import { ExpansionBudget } from '../util/expansion-budget.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { printable, quote } from '../util/printable.js';
import { copyBounded } from '../util/yaml-source.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface UserInfo {
  username: string;
  groups: string[];
}

export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  name: string;
  namespace: string;
  operation: Operation;
  userInfo: UserInfo;
  object?: PlainObject;
  oldObject?: PlainObject;
  dryRun: boolean;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  warnings?: string[];
  patchType?: 'JSONPatch';
  /** base64 of the JSON Patch text. */
  patch?: string;
}

/** A body the server cannot answer with an AdmissionReview: HTTP 400 with this message. */
export class BadReview extends Error {}

const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);
/**
 * The API server's uids are UUIDs (36 characters). The response must echo the uid whole, so a
 * longer one is refused rather than echoed (in the response and the log).
 */
export const MAX_UID_LENGTH = 128;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function gvk(v: unknown, what: string, keys: readonly string[]): Record<string, string> {
  if (!isPlainObject(v)) throw new BadReview(`request.${what} is required`);
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (v[k] !== undefined && typeof v[k] !== 'string')
      throw new BadReview(`request.${what}.${k} must be a string`);
    out[k] = str(v[k]);
  }
  return out;
}

function objectField(v: unknown, what: string): PlainObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw new BadReview(`request.${what} must be an object`);
  return v;
}

/** Parses an AdmissionReview v1 body; throws BadReview with the reason when it is not one. */
export function parseAdmissionReview(text: string): AdmissionRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BadReview(`malformed JSON: ${(e as Error).message}`);
  }
  let tree: unknown;
  try {
    tree = copyBounded(raw, 'AdmissionReview', new ExpansionBudget({ file: 'AdmissionReview' }, 'json'));
  } catch (e) {
    if (e instanceof ClustermintError) throw new BadReview(e.message);
    throw e;
  }
  if (!isPlainObject(tree)) throw new BadReview('the body must be a JSON object (an AdmissionReview)');
  if (tree.kind !== 'AdmissionReview')
    throw new BadReview(`kind must be AdmissionReview, got ${quote(tree.kind ?? null)}`);
  if (tree.apiVersion !== ADMISSION_API_VERSION)
    throw new BadReview(
      `apiVersion ${quote(tree.apiVersion ?? null)} is not supported: use ${ADMISSION_API_VERSION} (admissionReviewVersions: [v1])`,
    );
  const r = tree.request;
  if (!isPlainObject(r)) throw new BadReview('request is required');
  if (typeof r.uid !== 'string' || r.uid === '') throw new BadReview('request.uid is required');
  if (r.uid.length > MAX_UID_LENGTH)
    throw new BadReview(
      `request.uid is ${r.uid.length} characters long, over the ${MAX_UID_LENGTH} a uid may have: ${quote(r.uid, 40)}`,
    );
  if (typeof r.operation !== 'string' || !OPERATIONS.has(r.operation))
    throw new BadReview(
      `request.operation must be CREATE, UPDATE, DELETE or CONNECT, got ${quote(r.operation ?? null)}`,
    );
  const ui = isPlainObject(r.userInfo) ? r.userInfo : {};
  return {
    uid: r.uid,
    kind: gvk(r.kind, 'kind', ['group', 'version', 'kind']) as AdmissionRequest['kind'],
    resource: gvk(r.resource, 'resource', ['group', 'version', 'resource']) as AdmissionRequest['resource'],
    ...(typeof r.subResource === 'string' && r.subResource ? { subResource: r.subResource } : {}),
    name: str(r.name),
    namespace: str(r.namespace),
    operation: r.operation as Operation,
    userInfo: {
      username: str(ui.username),
      groups: Array.isArray(ui.groups) ? ui.groups.filter((g): g is string => typeof g === 'string') : [],
    },
    object: objectField(r.object, 'object'),
    oldObject: objectField(r.oldObject, 'oldObject'),
    dryRun: r.dryRun === true,
  };
}

/** The review the API server expects back: same version, the request's uid. */
export function reviewResponse(response: AdmissionResponse): string {
  return JSON.stringify({ apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response });
}

/**
 * A denial: 403 with the message, as the API server shows it to the user. kubectl prints the
 * message and warnings as they are, and they may quote the object: escaped like any terminal text.
 */
export function deny(uid: string, message: string, warnings: string[] = []): AdmissionResponse {
  return {
    uid,
    allowed: false,
    status: { code: 403, reason: 'Forbidden', message: printable(message) },
    ...(warnings.length ? { warnings: warnings.map((w) => printable(w)) } : {}),
  };
}

export function allow(uid: string, warnings: string[] = []): AdmissionResponse {
  return { uid, allowed: true, ...(warnings.length ? { warnings: warnings.map((w) => printable(w)) } : {}) };
}
