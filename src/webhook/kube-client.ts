/**
 * A small Kubernetes REST client over node:https: a kubeconfig (or the in-cluster service
 * account) and JSON requests. The webhook only lists a few kinds, so this is all it needs; it
 * runs on Node 20, where @kubernetes/client-node 2 (undici 8) does not load.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { dirname, isAbsolute, join } from 'node:path';
import jsyaml from 'js-yaml';
import { ClustermintError } from '../util/errors.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';

export interface KubeConnection {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecureSkipTLSVerify?: boolean;
}

const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The current context's cluster and user from a kubeconfig file. */
export function loadKubeconfig(file: string): KubeConnection {
  let doc: PlainObject;
  try {
    doc = obj(jsyaml.load(readFileSync(file, 'utf8')));
  } catch (e) {
    throw new ClustermintError('UNREADABLE', `cannot read the kubeconfig: ${(e as Error).message}`, { file });
  }
  const named = (list: unknown, name: string | undefined, what: string): PlainObject => {
    const found = (Array.isArray(list) ? list : []).map(obj).find((e) => e.name === name);
    if (!found)
      throw new ClustermintError('UNREADABLE', `kubeconfig has no ${what} ${JSON.stringify(name ?? '')}`, {
        file,
      });
    return found;
  };
  const context = obj(named(doc.contexts, str(doc['current-context']), 'context').context);
  const cluster = obj(named(doc.clusters, str(context.cluster), 'cluster').cluster);
  const user = obj(named(doc.users, str(context.user), 'user').user);
  const base = dirname(file);
  const data = (inline: unknown, path: unknown): Buffer | undefined => {
    if (str(inline)) return Buffer.from(inline as string, 'base64');
    const p = str(path);
    return p ? readFileSync(isAbsolute(p) ? p : join(base, p)) : undefined;
  };
  const server = str(cluster.server);
  if (!server) throw new ClustermintError('UNREADABLE', 'kubeconfig cluster has no server', { file });
  const tokenFile = str(user.tokenFile);
  return {
    server: server.replace(/\/+$/, ''),
    ca: data(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: data(user['client-certificate-data'], user['client-certificate']),
    key: data(user['client-key-data'], user['client-key']),
    token: str(user.token) ?? (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : undefined),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The service account's connection inside a pod, or undefined outside one. */
export function inClusterConnection(env: NodeJS.ProcessEnv = process.env): KubeConnection | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return undefined;
  try {
    return {
      server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
      ca: readFileSync(join(SA_DIR, 'ca.crt')),
      token: readFileSync(join(SA_DIR, 'token'), 'utf8').trim(),
    };
  } catch {
    return undefined;
  }
}

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export class KubeClient {
  private readonly agent: Agent;

  constructor(
    readonly conn: KubeConnection,
    private readonly timeoutMs = 15_000,
  ) {
    this.agent = new Agent({
      keepAlive: true,
      ca: conn.ca,
      cert: conn.cert,
      key: conn.key,
      rejectUnauthorized: !conn.insecureSkipTLSVerify,
    });
  }

  /**
   * A JSON request; non-2xx answers throw KubeApiError with the server's Status message. A 429
   * (the server is starting, or throttling) is retried a few times after its Retry-After.
   */
  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<PlainObject> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, path, body, contentType);
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 429) || attempt >= 10) throw e;
        await new Promise((r) => setTimeout(r, Math.min(e.retryAfterSeconds ?? 1, 2) * 1000));
      }
    }
  }

  private once(method: string, path: string, body: unknown, contentType: string): Promise<PlainObject> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${this.conn.server}${path}`,
        {
          method,
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: {
            Accept: 'application/json',
            ...(payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}),
            ...(this.conn.token ? { Authorization: `Bearer ${this.conn.token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`response of ${path} is over 64 MiB`));
            else chunks.push(c);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              parsed = text;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(obj(parsed));
            else
              reject(
                new KubeApiError(
                  status,
                  `${method} ${path}: ${status} ${str(obj(parsed).message) ?? res.statusMessage ?? ''}`,
                  parsed,
                  Number(res.headers['retry-after']) || undefined,
                ),
              );
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** The items of a list; a 404 (kind or CRD not installed) is an empty list. */
  async list(path: string): Promise<PlainObject[]> {
    try {
      const res = await this.request('GET', path);
      return Array.isArray(res.items) ? res.items.map(obj) : [];
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return [];
      throw e;
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
