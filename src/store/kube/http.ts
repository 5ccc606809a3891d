/**
 * A small JSON-over-HTTPS client for the Kubernetes API. client-node's KubeConfig finds the
 * server and authenticates every request (`applyToHTTPSOptions`: CA, client certificates,
 * tokens, token files, exec and auth-provider plugins, proxies); the requests themselves go
 * through node:http(s) with a keep-alive agent.
 *
 * Why not client-node's API classes for the requests: KubernetesObjectApi deserializes answers
 * into its typed models (timestamps become Date objects, fields a built-in kind's model lacks
 * are dropped), cannot address subresources (PUT .../status, apply to status) and throws the
 * failure body unparsed; the Store needs the apiserver's JSON as is and its Status reasons
 * (errors.ts). Its Watch drops the Status body of a refused watch, skips malformed lines
 * silently and cannot pause a stream for a slow reader (watch.ts does).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { StoreError } from '../errors.js';
import type { KubeTarget } from './config.js';
import { KubeApiError, statusError } from './errors.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  /** Default application/json. */
  contentType?: string;
  /** Default application/json (e.g. `application/json;as=Table;v=v1;g=meta.k8s.io` for kubectl's tables). */
  accept?: string;
}

/** Largest response body read into memory (a list of many objects). */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export interface KubeHttpOptions {
  /** Per request (not for watches). Default 30 s. */
  requestTimeoutMs?: number;
  userAgent?: string;
  /** Retries of a request the server answers 429 (starting up, or throttling). Default 10. */
  maxRetries429?: number;
}

/** What applyToHTTPSOptions fills in. */
interface AuthOptions extends RequestOptions {
  headers?: Record<string, string>;
}

/** Longest wait between two tries of a throttled request, whatever Retry-After says. */
const MAX_RETRY_WAIT_MS = 2000;

export class KubeHttp {
  private readonly base: URL;
  private readonly kc: KubeConfig;
  private readonly proxied: boolean;
  private readonly requestTimeoutMs: number;
  private readonly userAgent: string;
  private readonly maxRetries429: number;
  private agent: HttpAgent | undefined;
  private agentKey = '';

  constructor(target: KubeTarget, options: KubeHttpOptions = {}) {
    const server = target.server;
    this.kc = target.kubeConfig;
    this.base = new URL(server.endsWith('/') ? server : `${server}/`);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:')
      throw new Error(`unsupported API server URL ${server}`);
    this.proxied = Boolean(this.kc.getCurrentCluster()?.proxyUrl);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? 'clustermint';
    this.maxRetries429 = options.maxRetries429 ?? 10;
  }

  get server(): string {
    return this.base.href;
  }

  /** The agent for a request: one keep-alive agent per TLS identity (an exec plugin may hand out a new certificate). */
  private agentFor(auth: AuthOptions): HttpAgent {
    // Through a proxy: the proxy agent client-node built for this request.
    if (this.proxied && auth.agent instanceof HttpAgent) return auth.agent;
    const key = `${String(auth.cert ?? '')}|${String(auth.key ?? '').length}|${String(auth.ca ?? '').length}`;
    if (this.agent === undefined || key !== this.agentKey) {
      this.agent?.destroy();
      this.agentKey = key;
      this.agent =
        this.base.protocol === 'http:'
          ? new HttpAgent({ keepAlive: true })
          : new HttpsAgent({
              keepAlive: true,
              ca: auth.ca,
              cert: auth.cert,
              key: auth.key,
              servername: auth.servername,
              ...(auth.rejectUnauthorized === undefined
                ? {}
                : { rejectUnauthorized: auth.rejectUnauthorized }),
            });
    }
    return this.agent;
  }

  /** TLS material and credentials from client-node, fresh per request (tokens rotate). */
  private async options(spec: RequestSpec, timeoutMs: number | undefined): Promise<RequestOptions> {
    const auth: AuthOptions = {};
    try {
      await this.kc.applyToHTTPSOptions(auth);
    } catch (e) {
      throw new KubeApiError(
        401,
        'Unauthorized',
        `credentials for ${this.base.host}: ${(e as Error).message}`,
      );
    }
    const headers: Record<string, string> = { ...(auth.headers ?? {}) };
    if (auth.auth) headers.Authorization = `Basic ${Buffer.from(auth.auth).toString('base64')}`;
    const url = new URL(spec.path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(spec.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return {
      method: spec.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      agent: this.agentFor(auth),
      timeout: timeoutMs,
      headers: {
        ...headers,
        Accept: spec.accept ?? 'application/json',
        'User-Agent': this.userAgent,
        ...(spec.body === undefined ? {} : { 'Content-Type': spec.contentType ?? 'application/json' }),
      },
    };
  }

  private sendOnce(spec: RequestSpec, timeoutMs: number | undefined): Promise<IncomingMessage> {
    return this.options(spec, timeoutMs).then(
      (opts) =>
        new Promise<IncomingMessage>((resolve, reject) => {
          const req = (this.base.protocol === 'http:' ? httpRequest : httpsRequest)(opts, resolve);
          req.on('timeout', () =>
            req.destroy(
              new KubeApiError(
                504,
                'Timeout',
                `${spec.method} ${spec.path}: no answer within ${timeoutMs} ms`,
              ),
            ),
          );
          req.on('error', (e) =>
            reject(
              e instanceof KubeApiError || e instanceof StoreError
                ? e
                : new KubeApiError(
                    503,
                    'ServiceUnavailable',
                    `${spec.method} ${this.base.host}: ${e.message}`,
                    undefined,
                    e,
                  ),
            ),
          );
          if (spec.body !== undefined) {
            const data = Buffer.from(JSON.stringify(spec.body));
            req.setHeader('Content-Length', data.length);
            req.end(data);
          } else req.end();
        }),
    );
  }

  /** A response other than 429: a throttled request is tried again after its Retry-After (at most 2 s). */
  private async send(spec: RequestSpec, timeoutMs: number | undefined): Promise<IncomingMessage> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.sendOnce(spec, timeoutMs);
      if (res.statusCode !== 429 || attempt >= this.maxRetries429) return res;
      res.resume(); // drain: the socket goes back to the agent
      const after = Number(res.headers['retry-after']);
      const waitMs = Math.min(Number.isFinite(after) && after > 0 ? after * 1000 : 1000, MAX_RETRY_WAIT_MS);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }

  /** The parsed JSON answer of a request; a StoreError or KubeApiError for a failure status. */
  async request<T = unknown>(spec: RequestSpec): Promise<T> {
    const res = await this.send(spec, this.requestTimeoutMs);
    const text = await readBody(res, MAX_RESPONSE_BYTES);
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text for the error message
    }
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw statusError(code, body);
    return body as T;
  }

  /** A streaming GET (watch): the response once its status is 200; failures as request(). */
  async stream(spec: RequestSpec): Promise<IncomingMessage> {
    const res = await this.send(spec, undefined);
    const code = res.statusCode ?? 0;
    if (code === 200) return res;
    const text = await readBody(res, 1024 * 1024);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    throw statusError(code, body);
  }

  close(): void {
    this.agent?.destroy();
  }
}

function readBody(res: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        res.destroy(new KubeApiError(413, 'RequestEntityTooLarge', `response larger than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () =>
      reject(new KubeApiError(503, 'ServiceUnavailable', 'connection closed mid-answer')),
    );
  });
}
