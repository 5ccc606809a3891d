/**
 * The apiserver's rules for writes, as pure functions any backend that keeps its own state uses:
 * what create, update, updateStatus and delete make of the stored object, metadata validation,
 * and list/watch filters. No I/O and no clock: time, uid and resourceVersion are passed in.
 */

import { matchesSelector, parseSelector, type Requirement, SelectorError } from '../k8s/label-selector.js';
import { DNS1123_LABEL, DNS1123_SUBDOMAIN, LABEL_VALUE, QUALIFIED_NAME_PART } from '../k8s/names.js';
import { badRequest, conflict, type FieldProblem, invalid, STALE } from './errors.js';
import type { KubeObject, ListOptions, NewObject, ObjectMeta, ObjectRef, ResourceType } from './types.js';

/** The metadata fields a store keeps; others are dropped as the apiserver prunes them. */
const META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'finalizers',
  'labels',
  'annotations',
  'ownerReferences',
] as const;

/** RFC 3339 with seconds, as metav1.Time serializes. */
export function timestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export function refOf(obj: {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string };
}): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata?.name ?? '',
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const bo = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(bo, k) && deepEqual((a as Record<string, unknown>)[k], bo[k]));
}

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

const quote = (v: unknown) => JSON.stringify(v);

function checkQualifiedName(key: string, path: string, out: FieldProblem[]): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? '' : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  const bad = (detail: string) => out.push({ path, type: `Invalid value: ${quote(key)}`, detail });
  if (slash >= 0 && (prefix === '' || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)))
    bad('prefix part must be a lowercase RFC 1123 subdomain');
  else if (name === '' || name.length > 63 || !QUALIFIED_NAME_PART.test(name))
    bad(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters",
    );
}

function checkStringMap(v: unknown, path: string, out: FieldProblem[]): v is Record<string, string> {
  if (v === undefined) return false;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    out.push({ path, type: 'Invalid value', detail: 'must be a map of strings' });
    return false;
  }
  let ok = true;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') {
      out.push({ path: `${path}[${k}]`, type: `Invalid value: ${quote(val)}`, detail: 'must be a string' });
      ok = false;
    }
  }
  return ok;
}

/** The metadata checks the apiserver applies to every object (ValidateObjectMeta). */
export function validateMeta(meta: Partial<ObjectMeta>, checkName: boolean): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (checkName) {
    const name = meta.name;
    if (name === undefined || name === '')
      out.push({ path: 'metadata.name', type: 'Required value', detail: 'name or generateName is required' });
    else if (typeof name !== 'string' || name.length > 253 || !DNS1123_SUBDOMAIN.test(name))
      out.push({
        path: 'metadata.name',
        type: `Invalid value: ${quote(name)}`,
        detail:
          "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      });
    const ns = meta.namespace;
    if (ns !== undefined && (typeof ns !== 'string' || ns.length > 63 || !DNS1123_LABEL.test(ns)))
      out.push({
        path: 'metadata.namespace',
        type: `Invalid value: ${quote(ns)}`,
        detail:
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
      });
  }
  if (checkStringMap(meta.labels, 'metadata.labels', out)) {
    for (const [k, v] of Object.entries(meta.labels!)) {
      checkQualifiedName(k, 'metadata.labels', out);
      if (v.length > 63 || !LABEL_VALUE.test(v))
        out.push({
          path: 'metadata.labels',
          type: `Invalid value: ${quote(v)}`,
          detail:
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters",
        });
    }
  }
  if (checkStringMap(meta.annotations, 'metadata.annotations', out)) {
    let size = 0;
    for (const [k, v] of Object.entries(meta.annotations!)) {
      checkQualifiedName(k, 'metadata.annotations', out);
      size += k.length + v.length;
    }
    if (size > MAX_ANNOTATIONS_BYTES)
      out.push({ path: 'metadata.annotations', type: 'Too long', detail: 'must have at most 262144 bytes' });
  }
  if (meta.finalizers !== undefined) {
    if (!Array.isArray(meta.finalizers) || meta.finalizers.some((f) => typeof f !== 'string'))
      out.push({ path: 'metadata.finalizers', type: 'Invalid value', detail: 'must be a list of strings' });
    else
      for (const [i, f] of meta.finalizers.entries()) checkQualifiedName(f, `metadata.finalizers[${i}]`, out);
  }
  if (meta.ownerReferences !== undefined) {
    if (!Array.isArray(meta.ownerReferences))
      out.push({ path: 'metadata.ownerReferences', type: 'Invalid value', detail: 'must be a list' });
    else
      meta.ownerReferences.forEach((o, i) => {
        for (const f of ['apiVersion', 'kind', 'name', 'uid'] as const)
          if (typeof o?.[f] !== 'string' || o[f] === '')
            out.push({ path: `metadata.ownerReferences[${i}].${f}`, type: 'Required value', detail: '' });
      });
  }
  return out;
}

/** Keeps the known metadata fields, drops empty lists and maps (omitempty). */
function cleanMeta(meta: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of META_FIELDS) {
    const v = meta[f];
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[f] = v;
  }
  return out;
}

function checkType(obj: { apiVersion?: unknown; kind?: unknown; metadata?: unknown }): void {
  const problems: FieldProblem[] = [];
  if (typeof obj?.apiVersion !== 'string' || obj.apiVersion === '')
    problems.push({ path: 'apiVersion', type: 'Required value', detail: '' });
  if (typeof obj?.kind !== 'string' || obj.kind === '')
    problems.push({ path: 'kind', type: 'Required value', detail: '' });
  if (typeof obj?.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))
    problems.push({ path: 'metadata', type: 'Required value', detail: '' });
  if (problems.length)
    throw invalid({ apiVersion: String(obj?.apiVersion ?? ''), kind: String(obj?.kind ?? '') }, problems);
}

/**
 * Copy of a JSON value, as it would travel over the wire: undefined properties vanish (so they
 * are no change), objects passed in are never kept or modified.
 */
function copy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName's random suffix, as the apiserver makes it (5 characters). */
export function nameSuffix(random: () => number): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_SUFFIX_ALPHABET[Math.floor(random() * NAME_SUFFIX_ALPHABET.length)];
  return s;
}

export interface CreateContext {
  uid: string;
  now: Date;
  random: () => number;
}

/**
 * The object create stores (without resourceVersion, which the backend assigns): server fields
 * set, status dropped, generation 1. Throws Invalid.
 */
export function prepareCreate(input: NewObject, ctx: CreateContext): KubeObject {
  checkType(input);
  const { status: _status, ...rest } = copy(input);
  const meta = rest.metadata as Record<string, unknown>;
  if (
    (meta.name === undefined || meta.name === '') &&
    typeof meta.generateName === 'string' &&
    meta.generateName
  )
    meta.name = `${meta.generateName}${nameSuffix(ctx.random)}`;
  const problems = validateMeta(meta as Partial<ObjectMeta>, true);
  if (problems.length) throw invalid(refOf(input), problems);
  const cleaned = cleanMeta(meta);
  delete cleaned.deletionTimestamp;
  delete cleaned.deletionGracePeriodSeconds;
  cleaned.uid = ctx.uid;
  cleaned.resourceVersion = '';
  cleaned.generation = 1;
  cleaned.creationTimestamp = timestamp(ctx.now);
  return { ...rest, metadata: cleaned as unknown as ObjectMeta } as KubeObject;
}

function checkVersion(old: KubeObject, incoming: KubeObject): void {
  const rv = incoming.metadata?.resourceVersion;
  if (rv === undefined || rv === '')
    throw invalid(refOf(old), [
      {
        path: 'metadata.resourceVersion',
        type: 'Invalid value: 0x0',
        detail: 'must be specified for an update',
      },
    ]);
  if (String(rv) !== old.metadata.resourceVersion) throw conflict(refOf(old), STALE);
  const uid = incoming.metadata.uid;
  if (uid && uid !== old.metadata.uid)
    throw conflict(
      refOf(old),
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata.uid}`,
    );
}

function withoutMetadata(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, ...rest } = obj;
  return rest;
}

export interface Prepared {
  object: KubeObject;
  /** False when the update changes nothing: no write, no event. */
  changed: boolean;
  /** True when the update removed the last finalizer of a deleting object: delete it. */
  finalized: boolean;
}

/**
 * update: the client's object with the server's fields and the old status kept; generation
 * bumped when anything outside metadata changed. Throws Invalid, Conflict.
 */
export function prepareUpdate(old: KubeObject, incoming: KubeObject): Prepared {
  checkType(incoming);
  checkVersion(old, incoming);
  const next = copy(incoming) as KubeObject;
  const inMeta = next.metadata as unknown as Record<string, unknown>;
  const problems = validateMeta(inMeta as Partial<ObjectMeta>, false);
  const oldMeta = old.metadata;
  if (oldMeta.deletionTimestamp) {
    const had = new Set(oldMeta.finalizers ?? []);
    const added = ((inMeta.finalizers as string[] | undefined) ?? []).filter((f) => !had.has(f));
    if (added.length)
      problems.push({
        path: 'metadata.finalizers',
        type: 'Forbidden',
        detail: 'no new finalizers can be added if the object is being deleted',
      });
  }
  if (problems.length) throw invalid(refOf(old), problems);
  const meta = cleanMeta(inMeta);
  for (const f of [
    'name',
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
  ] as const) {
    if (oldMeta[f] === undefined) delete meta[f];
    else meta[f] = oldMeta[f];
  }
  next.metadata = meta as unknown as ObjectMeta;
  if (old.status === undefined) delete next.status;
  else next.status = copy(old.status);
  if (!deepEqual(withoutMetadata(next), withoutMetadata(old)))
    next.metadata.generation = oldMeta.generation + 1;
  const finalized = oldMeta.deletionTimestamp !== undefined && !next.metadata.finalizers?.length;
  return { object: next, changed: finalized || !deepEqual(next, old), finalized };
}

/**
 * updateStatus: the old object with the client's status. Throws Conflict, Invalid. `old` is the
 * store's own copy (just read): the result shares its fields but for metadata and status, which
 * are new, so `old` stays as it was.
 */
export function prepareStatusUpdate(old: KubeObject, incoming: KubeObject): Prepared {
  checkType(incoming);
  checkVersion(old, incoming);
  const { status: _old, ...rest } = old;
  const next: KubeObject = { ...rest, metadata: { ...old.metadata } };
  if (incoming.status !== undefined) next.status = copy(incoming.status);
  return { object: next, changed: !deepEqual(next, old), finalized: false };
}

/**
 * delete of an object with finalizers: deletionTimestamp set (and generation + 1) the first
 * time; undefined when it is already being deleted (nothing to write).
 */
export function markDeleting(old: KubeObject, now: Date): KubeObject | undefined {
  if (old.metadata.deletionTimestamp) return undefined;
  const next = copy(old);
  next.metadata.deletionTimestamp = timestamp(now);
  next.metadata.deletionGracePeriodSeconds = 0;
  next.metadata.generation = old.metadata.generation + 1;
  return next;
}

export function checkPreconditions(
  old: KubeObject,
  pre: { uid?: string; resourceVersion?: string } | undefined,
): void {
  if (pre?.uid && pre.uid !== old.metadata.uid)
    throw conflict(
      refOf(old),
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
    );
  if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
    throw conflict(
      refOf(old),
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
    );
}

/** A compiled list / watch filter. */
export interface Filter {
  namespace?: string;
  labels: Requirement[];
  fields: { field: 'metadata.name' | 'metadata.namespace'; equal: boolean; value: string }[];
}

const FIELD_TERM = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/;

export function compileFilter(options: ListOptions | undefined): Filter {
  const filter: Filter = { labels: [], fields: [] };
  if (options?.namespace) filter.namespace = options.namespace;
  if (options?.labelSelector) {
    try {
      filter.labels = parseSelector(options.labelSelector);
    } catch (e) {
      if (e instanceof SelectorError) throw badRequest(`unable to parse requirement: ${e.message}`);
      throw e;
    }
  }
  if (options?.fieldSelector) {
    for (const term of options.fieldSelector.split(',')) {
      if (term.trim() === '') continue;
      const m = FIELD_TERM.exec(term);
      if (!m) throw badRequest(`invalid selector: '${options.fieldSelector}'; can't understand '${term}'`);
      if (m[1] !== 'metadata.name' && m[1] !== 'metadata.namespace')
        throw badRequest(`field label not supported: ${m[1]}`);
      filter.fields.push({ field: m[1], equal: m[2] !== '!=', value: m[3] });
    }
  }
  return filter;
}

/** Whether an object's key matches the namespace and field parts (labels are checked apart). */
export function matchesKey(filter: Filter, namespace: string, name: string): boolean {
  if (filter.namespace !== undefined && filter.namespace !== namespace) return false;
  for (const f of filter.fields) {
    const v = f.field === 'metadata.name' ? name : namespace;
    if ((v === f.value) !== f.equal) return false;
  }
  return true;
}

export function matchesLabels(filter: Filter, labels: Record<string, string> | undefined): boolean {
  return filter.labels.length === 0 || matchesSelector(filter.labels, labels);
}

/** The storage key parts of a type: its API group and kind. */
export function typeKey(type: ResourceType): { group: string; kind: string } {
  const slash = type.apiVersion.indexOf('/');
  return { group: slash < 0 ? '' : type.apiVersion.slice(0, slash), kind: type.kind };
}
