/**
 * The admission HTTPS server: /validate and /mutate (AdmissionReview v1), /healthz, /readyz.
 * Never crashes on input: a body that is not an AdmissionReview is a 400, an oversize one a 413,
 * a client that sends too slowly a 408; an error of ours is a denial with code 500, logged.
 * The serving certificate and key are re-read when their files change (new connections get the
 * new certificate; open keep-alive connections keep theirs until they close).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { ACCESS_MANAGEMENT_TYPE } from '../api/access-management.js';
import { clip, clipLines } from '../util/printable.js';
import { readInputBytes } from '../util/read-text-file.js';
import { decodeUtf8Strict } from '../util/utf8.js';
import { type AdmissionMode, admit } from './admit.js';
import { type AuditRecord, AuditWriter, auditRecord } from './audit.js';
import { admitDeletion, guardedObject, isGuardedDeletion, liveUsers } from './deletion.js';
import {
  type EvaluationResult,
  inlineEvaluator,
  internalDenial,
  type ReviewEvaluator,
  type ReviewSummary,
  reviewSummary,
} from './evaluate.js';
import type { Logger } from './log.js';
import type { ReviewResult, WebhookMetrics } from './metrics.js';
import { type AdmissionRequest, type AdmissionResponse, allow, deny, reviewResponse } from './review.js';
import type { ClusterAccess, Snapshot } from './snapshot.js';
import { admitAccessManagement } from './tenancy-objects.js';
import { pollChanges } from './watch.js';

export interface WebhookServerOptions {
  certFile: string;
  keyFile: string;
  port?: number;
  host?: string;
  /** The decisions' inputs, read per request (a reload swaps them). */
  snapshot: () => Snapshot;
  log: Logger;
  /** Largest request body (default 3 MiB). */
  maxBodyBytes?: number;
  /** Longest time to read a request, when the API server's `?timeout=` is not smaller (default 10 s). */
  timeoutMs?: number;
  /** Poll interval for the certificate files (default 2 s). */
  reloadIntervalMs?: number;
  /** Whether the sources are ready (for /readyz). */
  ready?: () => boolean;
  /** Where reviews are decided (default: inline, with `snapshot`). */
  evaluator?: ReviewEvaluator;
  /** Longest time a review may take, queueing included (default 8 s; never past the request's timeout less 500 ms). */
  reviewDeadlineMs?: number;
  /** Counts each review's result and latency (webhook/metrics.ts); absent: not counted. */
  metrics?: WebhookMetrics;
}

export interface WebhookServer {
  server: Server;
  port: number;
  /** Re-read the certificate and key now (also done on change). */
  reloadCertificate(): boolean;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_REVIEW_DEADLINE_MS = 8000;
export const ADMISSION_PATHS: Record<string, AdmissionMode> = {
  '/validate': 'validate',
  '/mutate': 'mutate',
};

function sendJson(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** A metav1.Status body for an HTTP error. */
function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
}

/** The API server appends `?timeout=10s` (the webhook's timeoutSeconds) to the URL. */
export function requestTimeout(url: string | undefined, fallbackMs: number): number {
  const m = /[?&]timeout=(\d+(?:\.\d+)?)(ms|s|m)?(?:&|$)/.exec(url ?? '');
  if (!m) return fallbackMs;
  const n = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  return n > 0 ? Math.min(n, fallbackMs) : fallbackMs;
}

/** One audit writer per cluster connection (a reload keeps the connection, so the queue). */
const writers = new WeakMap<object, AuditWriter>();
function auditWriter(cluster: ClusterAccess, log: Logger): AuditWriter {
  let w = writers.get(cluster);
  if (!w) {
    w = new AuditWriter(cluster, log);
    writers.set(cluster, w);
  }
  return w;
}
/** How long close() waits for the audit entries still queued. */
const AUDIT_DRAIN_MS = 5000;

/**
 * The decisions that read the cluster at request time, or undefined for the others: a guarded
 * deletion lists who uses the object; an AccessManagement CREATE lists the ones that exist (the
 * snapshot may be a refresh behind, and two creates a second apart must not both pass).
 */
function liveDecision(
  request: AdmissionRequest,
  snap: Snapshot,
  log: Logger,
): Promise<AdmissionResponse> | undefined {
  if (isGuardedDeletion(request)) {
    const o = guardedObject(request);
    if (!snap.cluster)
      return Promise.resolve(
        allow(request.uid, [
          `clustermint webhook: ${o.kind} ${o.namespace}/${o.name} deleted unchecked: the deletion guards need a cluster connection (--kubeconfig or --in-cluster)`,
        ]),
      );
    return liveUsers(snap.cluster, o).then(
      (users) => admitDeletion(request, users),
      (e) => {
        log.warn(
          { kind: o.kind, namespace: o.namespace, name: o.name, err: (e as Error).message },
          'listing the users of an object failed',
        );
        // a guard that cannot look refuses: the object may be in use
        return deny(
          request.uid,
          `${o.kind} ${o.namespace}/${o.name} cannot be deleted now: its users could not be listed (${(e as Error).message}); try again`,
        );
      },
    );
  }
  const am =
    request.operation === 'CREATE' &&
    request.kind.kind === 'AccessManagement' &&
    (request.kind.group === 'clustermint.io' || request.kind.group === 'k0rdent.mirantis.com');
  if (am && snap.cluster && request.object) {
    const object = request.object;
    return snap.cluster.list(ACCESS_MANAGEMENT_TYPE).then((l) =>
      admitAccessManagement(
        request,
        object,
        l.items.map((i) => i.metadata.name),
      ),
    );
  }
  return undefined;
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const { log } = opts;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const fallbackTimeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let closing = false;
  const evaluator = opts.evaluator ?? inlineEvaluator(opts.snapshot);
  const reviewDeadline = opts.reviewDeadlineMs ?? DEFAULT_REVIEW_DEADLINE_MS;
  const count = (mode: AdmissionMode, result: ReviewResult, started: number) =>
    opts.metrics?.review(mode, result, (performance.now() - started) / 1000);

  const readPair = () => ({ cert: readInputBytes(opts.certFile), key: readInputBytes(opts.keyFile) });
  const server = createServer({ ...readPair() }, (req, res) => handle(req, res));
  server.headersTimeout = fallbackTimeout;
  server.requestTimeout = fallbackTimeout + 1000;
  server.keepAliveTimeout = 30_000;
  server.on('tlsClientError', (err) => log.debug({ err: err.message }, 'TLS handshake failed'));
  server.on('clientError', (err, socket) => {
    log.warn({ err: err.message }, 'bad HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  const reloadCertificate = (): boolean => {
    try {
      const pair = readPair();
      createSecureContext(pair); // throws when the key does not match the certificate
      server.setSecureContext(pair);
      log.info({ cert: opts.certFile }, 'reloaded the serving certificate');
      return true;
    } catch (e) {
      // a half-rotated pair (certificate written, key not yet): the next change retries
      log.error(
        { err: (e as Error).message, cert: opts.certFile },
        'cannot load the serving certificate; keeping the previous one',
      );
      return false;
    }
  };
  const stopPolling = pollChanges([opts.certFile, opts.keyFile], opts.reloadIntervalMs ?? 2000, () => {
    reloadCertificate();
  });

  /** Requests not answered yet: when the server stops, their connections close after the answer. */
  const inFlight = new Set<ServerResponse>();

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (closing) res.setHeader('Connection', 'close');
    else {
      inFlight.add(res);
      res.on('close', () => inFlight.delete(res));
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      sendJson(res, 200, '{"status":"ok"}');
      return;
    }
    if (path === '/readyz') {
      const ok = !closing && (opts.ready?.() ?? true);
      sendJson(res, ok ? 200 : 503, ok ? '{"status":"ready"}' : '{"status":"not ready"}');
      return;
    }
    const mode = ADMISSION_PATHS[path];
    if (!mode) {
      sendJson(res, 404, statusBody(404, 'NotFound', `no such path ${path}: use /validate or /mutate`));
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, statusBody(405, 'MethodNotAllowed', `${path} takes POST with an AdmissionReview`));
      return;
    }
    // The API server sends application/json: a body declared as anything else (text/plain...)
    // is not an AdmissionReview, and is not parsed as JSON on a guess
    const media = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (media !== '' && media !== 'application/json') {
      req.resume();
      sendJson(
        res,
        415,
        statusBody(
          415,
          'UnsupportedMediaType',
          `${path} takes an AdmissionReview as application/json, not ${clip(media, 64)}`,
        ),
      );
      count(mode, 'bad', performance.now());
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (declared > maxBody) {
      tooLarge(req, res, declared);
      count(mode, 'refused', performance.now());
      return;
    }
    // a large review that would be refused anyway is refused before its body is read
    const refusal = declared > 0 ? evaluator.refusal?.(declared) : undefined;
    if (refusal) {
      log.warn({ mode, code: refusal.code, bytes: declared, err: refusal.message }, 'review not evaluated');
      res.setHeader('Connection', 'close');
      res.setHeader('Retry-After', '1');
      sendJson(res, refusal.code, statusBody(refusal.code, refusal.reason, refusal.message));
      req.unpipe();
      res.on('finish', () => req.destroy());
      count(mode, 'refused', performance.now());
      return;
    }
    const started = performance.now();
    const budget = requestTimeout(req.url, fallbackTimeout);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      log.warn({ path, bytes: size, ms: budget }, 'request body not received in time');
      sendJson(res, 408, statusBody(408, 'Timeout', `request body not received within ${budget} ms`));
      req.destroy();
      count(mode, 'refused', started);
    }, budget);
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > maxBody) {
        done = true;
        clearTimeout(timer);
        tooLarge(req, res, size);
        count(mode, 'refused', started);
        return;
      }
      chunks.push(c);
    });
    req.on('error', (e) => {
      done = true;
      clearTimeout(timer);
      log.warn({ path, err: e.message }, 'request stream failed');
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      let text: string;
      try {
        text = decodeUtf8Strict(Buffer.concat(chunks), 'request body');
      } catch (e) {
        sendJson(res, 400, statusBody(400, 'BadRequest', `not an AdmissionReview: ${(e as Error).message}`));
        count(mode, 'bad', started);
        return;
      }
      try {
        review(text, size, mode, res, started, budget);
      } catch (e) {
        log.error({ path, err: (e as Error).message, stack: (e as Error).stack }, 'internal error');
        sendJson(res, 500, statusBody(500, 'InternalError', `internal error: ${(e as Error).message}`));
        count(mode, 'error', started);
      }
    });
  }

  function tooLarge(req: IncomingMessage, res: ServerResponse, bytes: number): void {
    log.warn({ path: req.url, bytes, limit: maxBody }, 'request body too large');
    res.setHeader('Connection', 'close');
    sendJson(
      res,
      413,
      statusBody(
        413,
        'RequestEntityTooLarge',
        `request body of ${bytes} bytes is over the ${maxBody}-byte limit`,
      ),
    );
    // stop reading the rest; the response above is already on its way
    req.unpipe();
    res.on('finish', () => req.destroy());
  }

  function review(
    text: string,
    bytes: number,
    mode: AdmissionMode,
    res: ServerResponse,
    started: number,
    budget: number,
  ): void {
    // the API server gives up at its timeout: the decision must be sent before that
    const deadline = Math.max(1, Math.min(reviewDeadline, budget - 500));
    evaluator.evaluate(text, mode, deadline, bytes).then(
      (result) => settle(result, mode, res, started, budget),
      (e) => {
        log.error({ mode, err: (e as Error).message, stack: (e as Error).stack }, 'internal error');
        sendJson(res, 500, statusBody(500, 'InternalError', `internal error: ${(e as Error).message}`));
        count(mode, 'error', started);
      },
    );
  }

  function settle(
    result: EvaluationResult,
    mode: AdmissionMode,
    res: ServerResponse,
    started: number,
    budget: number,
  ): void {
    switch (result.kind) {
      case 'bad':
        log.warn({ mode, err: result.message }, 'not an AdmissionReview');
        sendJson(res, 400, statusBody(400, 'BadRequest', `not an AdmissionReview: ${result.message}`));
        count(mode, 'bad', started);
        return;
      case 'refused':
        log.warn({ mode, code: result.code, err: result.message }, 'review not evaluated');
        if (result.code === 429) res.setHeader('Retry-After', '1');
        sendJson(res, result.code, statusBody(result.code, result.reason, result.message));
        count(mode, 'refused', started);
        return;
      case 'stopped': {
        const ms = Math.round((performance.now() - started) * 100) / 100;
        log.error(
          {
            mode,
            ...result.summary,
            source: result.source,
            reason: result.reason,
            ms,
            message: result.message,
          },
          'review stopped',
        );
        if (!result.summary) {
          sendJson(res, result.code, statusBody(result.code, result.reason, result.message));
          count(mode, 'stopped', started);
          return;
        }
        const response: AdmissionResponse = {
          uid: result.summary.uid,
          allowed: false,
          status: { code: result.code, reason: result.reason, message: result.message },
        };
        respond(result.summary, response, mode, res, started, budget, undefined, 'stopped');
        return;
      }
      case 'live': {
        const { request } = result;
        const snap = opts.snapshot();
        const live = liveDecision(request, snap, log);
        // no cluster connection for the AccessManagement rule: the snapshot's decision
        const decided = live ?? Promise.resolve().then(() => admit(request, snap, mode));
        const after = (response: AdmissionResponse) =>
          respond(
            reviewSummary(request),
            response,
            mode,
            res,
            started,
            budget,
            auditRecord(request, response, mode, new Date()),
          );
        decided.then(after, (e) => {
          log.error(
            {
              mode,
              uid: request.uid,
              kind: request.kind.kind,
              err: (e as Error).message,
              stack: (e as Error).stack,
            },
            'admission failed with an internal error',
          );
          after(internalDenial(request.uid, (e as Error).message));
        });
        return;
      }
      case 'done':
        if (result.internalError)
          log.error(
            {
              mode,
              uid: result.summary.uid,
              kind: result.summary.kind,
              err: result.internalError.message,
              stack: result.internalError.stack,
            },
            'admission failed with an internal error',
          );
        respond(result.summary, result.response, mode, res, started, budget, result.audit);
    }
  }

  /** Logs, sends, then records the request in the audit trail (after the answer is on its way). */
  function respond(
    summary: ReviewSummary,
    response: AdmissionResponse,
    mode: AdmissionMode,
    res: ServerResponse,
    started: number,
    budget: number,
    audit: AuditRecord | undefined,
    result: ReviewResult = response.allowed ? 'allowed' : 'denied',
  ): void {
    const ms = performance.now() - started;
    const entry = {
      mode,
      ...summary,
      allowed: response.allowed,
      patched: response.patch !== undefined,
      ms: Math.round(ms * 100) / 100,
    };
    if (ms > budget) log.warn(entry, 'admission took longer than the request timeout');
    else if (!response.allowed)
      log.info({ ...entry, message: clipLines(response.status?.message ?? '') }, 'denied');
    else log.debug(entry, 'admitted');
    sendJson(res, 200, reviewResponse(response));
    count(mode, result, started);
    const cluster = opts.snapshot().cluster;
    if (cluster && audit) auditWriter(cluster, log).push(audit);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 9443, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log.error({ err: e.message }, 'server error'));

  return {
    server,
    port: (server.address() as AddressInfo).port,
    reloadCertificate,
    close: async () => {
      await new Promise<void>((resolve) => {
        closing = true;
        stopPolling();
        // a keep-alive connection whose review is still being decided would hold close() open
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      // the entries of the last answers, for a bounded time: a stop must not hang on the cluster
      const writer = writers.get(opts.snapshot().cluster as object);
      if (writer)
        await Promise.race([writer.idle(), new Promise((r) => setTimeout(r, AUDIT_DRAIN_MS).unref())]);
    },
  };
}
