/**
 * The one HTTP GET of the chart sources (chart repositories and OCI registries): node:http(s) so
 * that a custom CA and `--insecure-skip-tls-verify` apply (the global fetch takes neither), a body
 * cap enforced while it streams in, redirects followed (an Authorization header is dropped when
 * one leaves the origin), and a connection failure turned into a clear error.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ClustermintError } from '../../util/errors.js';
import { readInputBytes } from '../../util/read-text-file.js';

export interface TlsOptions {
  /** A PEM file of the certificate authorities to trust instead of the system ones. */
  caFile?: string;
  insecureSkipTlsVerify?: boolean;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The URL answered, after redirects. */
  url: string;
}

export interface GetOptions {
  headers?: Record<string, string>;
  /** Largest body read; a larger one is an error (TOO_LARGE) as soon as it passes the cap. */
  maxBytes: number;
  tls?: TlsOptions;
  /** Idle socket time before giving up. */
  timeoutMs?: number;
}

const MAX_REDIRECTS = 10;
const caCache = new Map<string, Buffer>();

function readCa(file: string): Buffer {
  let ca = caCache.get(file);
  if (!ca) {
    try {
      ca = readInputBytes(file);
    } catch (e) {
      if (e instanceof ClustermintError) throw e;
      throw new ClustermintError(
        'UNREADABLE',
        `cannot read the CA file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        { file },
      );
    }
    caCache.set(file, ca);
  }
  return ca;
}

/** `Basic base64(user:password)`. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export async function httpGet(url: string, opts: GetOptions): Promise<HttpResponse> {
  let current = url;
  let headers = { ...opts.headers };
  for (let hop = 0; ; hop++) {
    const res = await getOnce(current, headers, opts);
    const location = res.headers.location;
    if (res.status >= 300 && res.status < 400 && res.status !== 304 && location) {
      if (hop >= MAX_REDIRECTS)
        throw new ClustermintError('UNREADABLE', `too many redirects fetching ${url}`);
      const next = new URL(location, current);
      if (next.origin !== new URL(current).origin) {
        const { authorization: _drop, Authorization: _drop2, ...rest } = headers;
        headers = rest;
      }
      current = next.toString();
      continue;
    }
    return res;
  }
}

function getOnce(url: string, headers: Record<string, string>, opts: GetOptions): Promise<HttpResponse> {
  const u = new URL(url);
  const https = u.protocol === 'https:';
  if (!https && u.protocol !== 'http:')
    return Promise.reject(new ClustermintError('USAGE', `unsupported URL scheme ${u.protocol} in ${url}`));
  const tls = opts.tls ?? {};
  const request = https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: 'GET',
        // no pooled keep-alive socket outlives the load (a CLI run would wait on it)
        agent: false,
        headers: { 'user-agent': 'clustermint', ...headers },
        ...(https
          ? {
              rejectUnauthorized: !tls.insecureSkipTlsVerify,
              ...(tls.caFile ? { ca: readCa(tls.caFile) } : {}),
            }
          : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const declared = Number(res.headers['content-length']);
        const tooLarge = () =>
          new ClustermintError('TOO_LARGE', `${url}: the response is over the ${opts.maxBytes} bytes limit`);
        if (res.statusCode === 200 && Number.isFinite(declared) && declared > opts.maxBytes) {
          res.destroy();
          reject(tooLarge());
          return;
        }
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > opts.maxBytes) {
            res.destroy();
            reject(tooLarge());
            return;
          }
          chunks.push(c);
        });
        res.on('error', (e) => reject(connectionError(url, e)));
        res.on('aborted', () => reject(connectionError(url, new Error('connection closed mid-response'))));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks),
            url,
          }),
        );
      },
    );
    req.setTimeout(opts.timeoutMs ?? 60_000, () => req.destroy(new Error('timed out')));
    req.on('error', (e) => reject(connectionError(url, e)));
    req.end();
  });
}

function connectionError(url: string, e: Error): ClustermintError {
  if (e instanceof ClustermintError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  return new ClustermintError(
    'UNREADABLE',
    `cannot reach ${url}: ${code ? `${code} ` : ''}${e.message}`.trim(),
  );
}

/** Go's http.Response.Status text, e.g. `404 Not Found`. */
export function statusLine(res: HttpResponse): string {
  return `${res.status} ${res.statusText}`.trim();
}
