/**
 * A small JSON-over-HTTPS client for the Kubernetes API: an endpoint (config.ts) supplies the
 * server, TLS material and credentials; requests go through node:http(s) with a keep-alive
 * agent, so that the store controls status codes, content types (apply patches) and watch
 * streams itself.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { StoreError } from '../errors.js';
import type { KubeEndpoint } from './config.js';
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
}

export class KubeHttp {
  private readonly base: URL;
  private readonly requestTimeoutMs: number;
  private readonly userAgent: string;
  private agent: HttpAgent | undefined;
  private agentKey = '';

  constructor(
    private readonly endpoint: KubeEndpoint,
    options: KubeHttpOptions = {},
  ) {
    const server = endpoint.server;
    this.base = new URL(server.endsWith('/') ? server : `${server}/`);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:')
      throw new Error(`unsupported API server URL ${server}`);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? 'clustermint';
  }

  get server(): string {
    return this.base.href;
  }

  /** TLS material and credentials, fresh per request (tokens rotate). */
  private async options(spec: RequestSpec, timeoutMs: number | undefined): Promise<RequestOptions> {
    const auth = await this.endpoint.auth();
    // One keep-alive agent per TLS identity (an exec plugin may hand out a new client certificate).
    const key = `${auth.cert?.toString('base64') ?? ''}|${auth.key?.length ?? 0}`;
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
    const url = new URL(spec.path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(spec.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return {
      method: spec.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      agent: this.agent,
      timeout: timeoutMs,
      headers: {
        ...auth.headers,
        Accept: spec.accept ?? 'application/json',
        'User-Agent': this.userAgent,
        ...(spec.body === undefined ? {} : { 'Content-Type': spec.contentType ?? 'application/json' }),
      },
    };
  }

  private send(spec: RequestSpec, timeoutMs: number | undefined): Promise<IncomingMessage> {
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
