/**
 * The whole per-review decision, from the body's text to what the server sends: parse (strictly),
 * decide whether the cluster must be read now (deletion guards, the one AccessManagement: the
 * main thread does those), else admit (through a small cache) and the audit record. Pure apart
 * from the cache; the result is structured-clonable, so the same function runs inline
 * (`--isolates 0`) and inside an isolate worker (isolate-worker.ts).
 */
import { hash } from 'node:crypto';
import { evaluationSite } from '../util/evaluation-site.js';
import { clip } from '../util/printable.js';
import { type AdmissionMode, admit } from './admit.js';
import { type AuditRecord, auditRecord } from './audit.js';
import { isGuardedDeletion } from './deletion.js';
import { type AdmissionRequest, type AdmissionResponse, BadReview, parseAdmissionReview } from './review.js';
import type { Snapshot } from './snapshot.js';

/** What a log line says about a review (the caller's strings clipped). */
export interface ReviewSummary {
  uid: string;
  kind: string;
  namespace: string;
  name?: string;
  operation: string;
  user?: string;
}

export type ReviewOutcome =
  /** Not an AdmissionReview: HTTP 400 with this message. */
  | { kind: 'bad'; message: string }
  /** A decision that reads the cluster at request time: the main thread makes it. */
  | { kind: 'live'; request: AdmissionRequest }
  | {
      kind: 'done';
      summary: ReviewSummary;
      response: AdmissionResponse;
      /** What the audit trail records (written only when the webhook has a cluster). */
      audit?: AuditRecord;
      /** An error of ours that became the 500 denial in `response`, for the log. */
      internalError?: { message: string; stack?: string };
    };

export function reviewSummary(request: AdmissionRequest): ReviewSummary {
  return {
    uid: request.uid,
    kind: clip(request.kind.kind),
    namespace: clip(request.namespace),
    ...(request.name ? { name: clip(request.name) } : {}),
    operation: request.operation,
    ...(request.userInfo.username ? { user: clip(request.userInfo.username) } : {}),
  };
}

/** Whether the decision reads the cluster now (the snapshot may be a refresh behind). */
function needsLive(request: AdmissionRequest, mode: AdmissionMode, snap: Snapshot): boolean {
  if (mode !== 'validate') return false;
  if (isGuardedDeletion(request)) return true;
  const am =
    request.operation === 'CREATE' &&
    request.kind.kind === 'AccessManagement' &&
    (request.kind.group === 'clustermint.io' || request.kind.group === 'k0rdent.mirantis.com');
  return am && request.object !== undefined && (snap.cluster !== undefined || snap.readsCluster === true);
}

const CACHE_SIZE = 1000;
let cache: { snap: Snapshot; entries: Map<string, AdmissionResponse> } | undefined;

/** A uid as the API server makes them (a UUID): nothing in it that JSON escapes. */
const PLAIN_UID = /^[A-Za-z0-9-]+$/;

/**
 * The decision cache's key: a hash of the body's text with the request's uid cut out where it
 * first occurs (and that place), so the request is not serialized again for it. Sound for a plain
 * uid: where the text has it unescaped as the uid field, the cut is that field's whole string
 * (an escaped uid string cannot contain its decoded value), and a text with the same key is the
 * same review under another uid; where the first occurrence is elsewhere, the uid field is among
 * the bytes kept, so such a text has the same uid and is the same text. Otherwise the key is the
 * parsed request less its uid, as before.
 */
function decisionKey(text: string, request: AdmissionRequest, mode: AdmissionMode): string {
  const { uid } = request;
  const at = PLAIN_UID.test(uid) ? text.indexOf(uid) : -1;
  if (at >= 0)
    return hash('sha256', `${mode} ${at} ${text.slice(0, at)}${text.slice(at + uid.length)}`, 'base64');
  const { uid: _, ...rest } = request;
  return `request ${hash('sha256', `${mode} ${JSON.stringify(rest)}`, 'base64')}`;
}

/**
 * Decisions are pure functions of the request (less its uid) and the snapshot, so the same
 * review (a retry, a re-apply) is answered from a small LRU cache, emptied whenever the snapshot
 * changes.
 */
function cachedAdmit(
  text: string,
  request: AdmissionRequest,
  snap: Snapshot,
  mode: AdmissionMode,
): AdmissionResponse {
  if (cache?.snap !== snap) cache = { snap, entries: new Map() };
  const key = decisionKey(text, request, mode);
  const hit = cache.entries.get(key);
  if (hit) {
    cache.entries.delete(key);
    cache.entries.set(key, hit);
    return { ...hit, uid: request.uid };
  }
  const response = admit(request, snap, mode);
  cache.entries.set(key, response);
  if (cache.entries.size > CACHE_SIZE) cache.entries.delete(cache.entries.keys().next().value as string);
  return response;
}

/** The denial for an error of ours (fail closed). */
export function internalDenial(uid: string, message: string): AdmissionResponse {
  return {
    uid,
    allowed: false,
    status: { code: 500, reason: 'InternalError', message: `clustermint webhook internal error: ${message}` },
  };
}

/**
 * Decides one review. `onParsed` hears the request's summary before the work starts (the isolate
 * pool needs the uid to deny a review whose worker dies).
 */
export function evaluateReview(
  text: string,
  mode: AdmissionMode,
  snap: Snapshot,
  now: Date,
  onParsed?: (summary: ReviewSummary) => void,
): ReviewOutcome {
  evaluationSite('reading the AdmissionReview');
  let request: AdmissionRequest;
  try {
    request = parseAdmissionReview(text);
  } catch (e) {
    if (!(e instanceof BadReview)) throw e;
    return { kind: 'bad', message: e.message };
  }
  if (needsLive(request, mode, snap)) return { kind: 'live', request };
  const summary = reviewSummary(request);
  onParsed?.(summary);
  evaluationSite(`${summary.kind} ${summary.namespace}/${summary.name ?? ''}`);
  let response: AdmissionResponse;
  let internalError: { message: string; stack?: string } | undefined;
  try {
    response = cachedAdmit(text, request, snap, mode);
  } catch (e) {
    internalError = {
      message: (e as Error).message,
      ...((e as Error).stack ? { stack: (e as Error).stack } : {}),
    };
    response = internalDenial(request.uid, internalError.message);
  }
  // the audit trail is written only with a cluster (the main thread's, for an isolate)
  const audit =
    snap.cluster !== undefined || snap.readsCluster === true
      ? auditRecord(request, response, mode, now)
      : undefined;
  return {
    kind: 'done',
    summary,
    response,
    ...(audit ? { audit } : {}),
    ...(internalError ? { internalError } : {}),
  };
}

/** What the server gets for a review: an outcome, or why it was not decided. */
export type EvaluationResult =
  | ReviewOutcome
  /**
   * The isolate evaluating it was stopped (deadline, memory, abort): a denial when the uid is
   * known (`summary`), else an HTTP error with the same status.
   */
  | {
      kind: 'stopped';
      summary?: ReviewSummary;
      /** The source it was in (an evaluation-site mark). */
      source?: string;
      code: 500 | 504;
      reason: 'Timeout' | 'InternalError';
      message: string;
    }
  /** Not evaluated: too many large reviews (429) or the deadline passed while it waited (503). */
  | { kind: 'refused'; code: 429 | 503; reason: 'TooManyRequests' | 'ServiceUnavailable'; message: string };

/** Where the server's reviews are decided: inline, or in isolate workers (isolate-pool.ts). */
export interface ReviewEvaluator {
  /** `deadlineMs`: the time left for the decision, queueing included; `bytes`: the body's size. */
  evaluate(text: string, mode: AdmissionMode, deadlineMs: number, bytes: number): Promise<EvaluationResult>;
  /** The refusal a review of this many bytes would get now (too many large ones wait), to send before reading it. */
  refusal?(bytes: number): Extract<EvaluationResult, { kind: 'refused' }> | undefined;
}

/** In the server's own thread (`--isolates 0`): no deadline, no isolation. */
export function inlineEvaluator(snapshot: () => Snapshot): ReviewEvaluator {
  return {
    evaluate: (text, mode) => Promise.resolve(evaluateReview(text, mode, snapshot(), new Date())),
  };
}
