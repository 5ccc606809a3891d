/**
 * `clustermint.io/v1alpha1 DeploymentHistory`: the audit trail of one ClusterDeployment (same
 * name and namespace): who created, changed, upgraded or deleted it and what the gate said.
 * Entries are oldest first, at most MAX_HISTORY_ENTRIES; older ones are dropped and counted.
 * It outlives its deployment by a retention period (`spec.expiresAt`).
 */
import {
  type AuditAction,
  type AuditEntry,
  MAX_HISTORY_ENTRIES,
  MAX_VIOLATION_CHARS,
  MAX_VIOLATION_LINES,
} from '../domain/audit.js';
import type { PathSegment } from '../util/json-path.js';
import { isPlainObject } from '../util/plain-object.js';
import { Problems, type ReadResult } from './read-problems.js';
import { checkObjectName } from './service-spec.js';

export const DEPLOYMENT_HISTORY_TYPE = {
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'DeploymentHistory',
} as const;

export const HISTORY_ACTIONS: readonly AuditAction[] = [
  'created',
  'changed',
  'upgraded',
  'deleted',
  'denied',
];
export const HISTORY_VIA: readonly AuditEntry['via'][] = ['cli', 'webhook', 'controller'];

/** The bounds of the spec (src/domain/audit.ts clips to them when appending). */
export const HISTORY_LIMITS = {
  entries: MAX_HISTORY_ENTRIES,
  violations: MAX_VIOLATION_LINES,
  violationChars: MAX_VIOLATION_CHARS,
} as const;

/** One entry: the domain's AuditEntry. */
export type HistoryEntry = AuditEntry;

export interface DeploymentHistorySpec {
  /** The ClusterDeployment's name (the history's own). */
  deployment: string;
  /** The deployment's uid, when known. */
  uid?: string;
  /** RFC 3339: when the deployment's deletion completed. */
  deletedAt?: string;
  /** RFC 3339: deletedAt + retention; the controller removes the history after it. */
  expiresAt?: string;
  entries: HistoryEntry[];
  /** How many older entries were dropped to keep at most HISTORY_LIMITS.entries. */
  droppedEntries?: number;
}

export const isDeploymentHistory = (v: unknown): boolean =>
  isPlainObject(v) &&
  v.kind === DEPLOYMENT_HISTORY_TYPE.kind &&
  v.apiVersion === DEPLOYMENT_HISTORY_TYPE.apiVersion;

const SPEC_FIELDS = new Set(['deployment', 'uid', 'deletedAt', 'expiresAt', 'entries', 'droppedEntries']);
const ENTRY_FIELDS = new Set([
  'time',
  'user',
  'groups',
  'via',
  'action',
  'template',
  'fromTemplate',
  'credential',
  'generation',
  'allowed',
  'violations',
  'warnings',
]);
const MAX_GROUPS = 100;
// RFC 3339 date-time (a `T` or space separator is not allowed loosely: Kubernetes writes `T`)
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Reads a DeploymentHistory object's spec (entries oldest first). */
export function readDeploymentHistory(
  object: unknown,
  path: readonly PathSegment[] = [],
): ReadResult<DeploymentHistorySpec> {
  const p = new Problems();
  const at = [...path, 'spec'];
  const empty: DeploymentHistorySpec = { deployment: '', entries: [] };
  const o = p.map(object, path, 'an object (apiVersion, kind, metadata, spec)');
  if (!o) return p.result(empty);
  const spec = p.map(o.spec, at, 'a map (spec is required)');
  if (!spec) return p.result(empty);
  p.unknownKeys(spec, at, SPEC_FIELDS);
  const deployment = checkObjectName(
    p,
    spec.deployment,
    [...at, 'deployment'],
    'deployment (the ClusterDeployment name)',
  );
  const uid = p.optString(spec.uid, [...at, 'uid']);
  const deletedAt = optTime(p, spec.deletedAt, [...at, 'deletedAt']);
  const expiresAt = optTime(p, spec.expiresAt, [...at, 'expiresAt']);
  const droppedEntries = optCount(p, spec.droppedEntries, [...at, 'droppedEntries']);
  const entries: HistoryEntry[] = [];
  const list = p.optList(spec.entries, [...at, 'entries'], HISTORY_LIMITS.entries) ?? [];
  list.forEach((raw, i) => {
    const e = readEntry(p, raw, [...at, 'entries', i]);
    if (e) entries.push(e);
  });
  return p.result({
    deployment: deployment ?? '',
    ...(uid !== undefined && uid !== '' ? { uid } : {}),
    ...(deletedAt !== undefined ? { deletedAt } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    entries,
    ...(droppedEntries ? { droppedEntries } : {}),
  });
}

function readEntry(p: Problems, raw: unknown, at: readonly PathSegment[]): HistoryEntry | undefined {
  const e = p.map(raw, at, 'a map (time, user, via, action, template, allowed, ...)');
  if (!e) return undefined;
  const before = p.list.length;
  p.unknownKeys(e, at, ENTRY_FIELDS);
  const time = optTime(p, e.time, [...at, 'time']);
  if (e.time === undefined) p.add([...at, 'time'], 'time is required (RFC 3339)');
  const user = requiredString(p, e.user, [...at, 'user'], 'user');
  const via = oneOfValues(p, e.via, [...at, 'via'], 'via', HISTORY_VIA);
  const action = oneOfValues(p, e.action, [...at, 'action'], 'action', HISTORY_ACTIONS);
  const template = requiredString(p, e.template, [...at, 'template'], 'template');
  const allowed = p.optBoolean(e.allowed, [...at, 'allowed']);
  if (e.allowed === undefined) p.add([...at, 'allowed'], 'allowed is required (true or false)');
  const groups = stringList(p, e.groups, [...at, 'groups'], MAX_GROUPS, Number.POSITIVE_INFINITY);
  const violations = stringList(
    p,
    e.violations,
    [...at, 'violations'],
    HISTORY_LIMITS.violations,
    HISTORY_LIMITS.violationChars,
  );
  const fromTemplate = p.optString(e.fromTemplate, [...at, 'fromTemplate']);
  const credential = p.optString(e.credential, [...at, 'credential']);
  const generation = optCount(p, e.generation, [...at, 'generation']);
  const warnings = optCount(p, e.warnings, [...at, 'warnings']);
  if (p.list.length > before) return undefined;
  return {
    time: time as string,
    user: user as string,
    ...(groups ? { groups } : {}),
    via: via as AuditEntry['via'],
    action: action as AuditAction,
    template: template as string,
    ...(fromTemplate !== undefined ? { fromTemplate } : {}),
    ...(credential !== undefined ? { credential } : {}),
    ...(generation !== undefined ? { generation } : {}),
    allowed: allowed as boolean,
    ...(violations ? { violations } : {}),
    ...(warnings !== undefined ? { warnings } : {}),
  };
}

function requiredString(
  p: Problems,
  v: unknown,
  at: readonly PathSegment[],
  what: string,
): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  p.add(at, v === undefined || v === '' ? `${what} is required` : `${what} must be a string`);
  return undefined;
}

function oneOfValues<T extends string>(
  p: Problems,
  v: unknown,
  at: readonly PathSegment[],
  what: string,
  values: readonly T[],
): T | undefined {
  if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
  p.add(at, `${what} must be one of ${values.join(', ')} (got ${JSON.stringify(v ?? null)})`);
  return undefined;
}

function optTime(p: Problems, v: unknown, at: readonly PathSegment[]): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && RFC3339.test(v) && !Number.isNaN(Date.parse(v))) return v;
  p.add(at, `must be an RFC 3339 time such as 2026-01-02T15:04:05Z (got ${JSON.stringify(v)})`);
  return undefined;
}

function optCount(p: Problems, v: unknown, at: readonly PathSegment[]): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  p.add(at, 'must be a whole number, 0 or more');
  return undefined;
}

function stringList(
  p: Problems,
  v: unknown,
  at: readonly PathSegment[],
  max: number,
  maxChars: number,
): string[] | undefined {
  const list = p.optList(v, at, max);
  if (!list) return undefined;
  let ok = true;
  list.forEach((s, i) => {
    if (typeof s !== 'string') {
      p.add([...at, i], 'must be a string');
      ok = false;
    } else if (s.length > maxChars) {
      p.add([...at, i], `at most ${maxChars} characters (got ${s.length})`);
      ok = false;
    }
  });
  return ok ? (list as string[]) : undefined;
}

export type HistoryAction = AuditAction;
export type HistoryVia = AuditEntry['via'];
