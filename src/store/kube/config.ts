/**
 * Where the API server is and how to authenticate to it: a kubeconfig file (clusters, users,
 * contexts; certificates, tokens, token files, basic auth, exec credential plugins), the
 * in-cluster service account, or a @kubernetes/client-node KubeConfig.
 *
 * Why not client-node alone: @kubernetes/client-node 2.x loads undici 8, which needs
 * Node >= 22.19 and fails to import on Node 20 (this project's floor). The loader here covers
 * what clustermint's controller and webhook need, and a KubeConfig is still accepted where
 * client-node loads.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

/** TLS material and headers for one request. */
export interface RequestAuth {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
  headers: Record<string, string>;
}

/** An API server and the credentials to reach it. */
export interface KubeEndpoint {
  /** `https://host:port[/prefix]` */
  server: string;
  /** Called per request: tokens from files and exec plugins rotate. */
  auth(): Promise<RequestAuth>;
}

/** The subset of client-node's KubeConfig the store uses. */
export interface ClientNodeKubeConfig {
  getCurrentCluster(): { server: string; proxyUrl?: string } | null;
  applyToHTTPSOptions(opts: object): Promise<void>;
}

export function isClientNodeKubeConfig(v: unknown): v is ClientNodeKubeConfig {
  return typeof (v as ClientNodeKubeConfig)?.applyToHTTPSOptions === 'function';
}

/** A client-node KubeConfig as an endpoint (its auth plugins, its TLS settings). */
export function fromClientNode(kc: ClientNodeKubeConfig): KubeEndpoint {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  if (cluster.proxyUrl)
    throw new Error('proxy-url in a kubeconfig is not supported by the clustermint store');
  return {
    server: cluster.server,
    async auth() {
      const o: {
        ca?: Buffer;
        cert?: Buffer;
        key?: Buffer;
        rejectUnauthorized?: boolean;
        servername?: string;
        headers?: Record<string, string>;
        auth?: string;
      } = {};
      await kc.applyToHTTPSOptions(o);
      const headers = { ...(o.headers ?? {}) };
      if (o.auth) headers.Authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
      return {
        ca: o.ca,
        cert: o.cert,
        key: o.key,
        rejectUnauthorized: o.rejectUnauthorized,
        servername: o.servername,
        headers,
      };
    },
  };
}

type Named<T> = { name: string } & T;
interface ClusterEntry {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
}
interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
}
interface UserEntry {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  'auth-provider'?: unknown;
}
interface Kubeconfig {
  clusters?: Named<{ cluster: ClusterEntry }>[];
  users?: Named<{ user: UserEntry }>[];
  contexts?: Named<{ context: { cluster: string; user?: string; namespace?: string } }>[];
  'current-context'?: string;
}

function fileOrData(base: string, file: string | undefined, data: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readFileSync(isAbsolute(file) ? file : join(base, file));
  return undefined;
}

/** The kubeconfig files client tools read: $KUBECONFIG (a path list), else ~/.kube/config. */
export function defaultKubeconfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter((p) => p !== '');
  return [join(homedir(), '.kube', 'config')];
}

export interface LoadedKubeconfig extends KubeEndpoint {
  context: string;
  /** The context's namespace, if it names one. */
  namespace?: string;
}

/**
 * An endpoint from kubeconfig files (merged as kubectl merges them: the first file to set a
 * name or the current context wins) and a context (default: the current one).
 */
export function loadKubeconfig(
  paths: string | string[] = defaultKubeconfigPaths(),
  context?: string,
): LoadedKubeconfig {
  const files = (Array.isArray(paths) ? paths : [paths]).filter((p) => existsSync(p));
  if (files.length === 0) throw new Error(`no kubeconfig at ${[paths].flat().join(', ')}`);
  const clusters = new Map<string, { base: string; c: ClusterEntry }>();
  const users = new Map<string, { base: string; u: UserEntry }>();
  const contexts = new Map<string, { cluster: string; user?: string; namespace?: string }>();
  let current: string | undefined;
  for (const file of files) {
    let doc: Kubeconfig;
    try {
      doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Kubeconfig;
    } catch (e) {
      throw new Error(`${file}: not a kubeconfig: ${(e as Error).message}`);
    }
    const base = dirname(file);
    for (const c of doc.clusters ?? [])
      if (!clusters.has(c.name)) clusters.set(c.name, { base, c: c.cluster ?? {} });
    for (const u of doc.users ?? []) if (!users.has(u.name)) users.set(u.name, { base, u: u.user ?? {} });
    for (const x of doc.contexts ?? []) if (!contexts.has(x.name)) contexts.set(x.name, x.context);
    current ??= doc['current-context'] || undefined;
  }
  const name = context ?? current;
  if (!name) throw new Error(`${files.join(', ')}: no current-context and no context given`);
  const ctx = contexts.get(name);
  if (!ctx) throw new Error(`context "${name}" is not in ${files.join(', ')}`);
  const cluster = clusters.get(ctx.cluster);
  if (!cluster?.c.server) throw new Error(`context "${name}": cluster "${ctx.cluster}" has no server`);
  if (cluster.c['proxy-url']) throw new Error(`cluster "${ctx.cluster}": proxy-url is not supported`);
  const user = ctx.user ? users.get(ctx.user) : undefined;
  if (ctx.user && !user) throw new Error(`context "${name}": user "${ctx.user}" is not in the kubeconfig`);
  if (user?.u['auth-provider'])
    throw new Error(`user "${ctx.user}": auth-provider plugins are not supported (use exec)`);

  const c = cluster.c;
  const tls = {
    ca: fileOrData(cluster.base, c['certificate-authority'], c['certificate-authority-data']),
    rejectUnauthorized: c['insecure-skip-tls-verify'] ? false : undefined,
    servername: c['tls-server-name'],
  };
  const u = user?.u ?? {};
  const staticCert = fileOrData(user?.base ?? '', u['client-certificate'], u['client-certificate-data']);
  const staticKey = fileOrData(user?.base ?? '', u['client-key'], u['client-key-data']);
  const exec = u.exec ? execCredentials(u.exec, user!.base) : undefined;
  return {
    server: cluster.c.server,
    context: name,
    namespace: ctx.namespace,
    async auth() {
      const headers: Record<string, string> = {};
      let cert = staticCert;
      let key = staticKey;
      if (u.token) headers.Authorization = `Bearer ${u.token}`;
      else if (u.tokenFile) headers.Authorization = `Bearer ${readFileSync(u.tokenFile, 'utf8').trim()}`;
      else if (u.username !== undefined)
        headers.Authorization = `Basic ${Buffer.from(`${u.username}:${u.password ?? ''}`).toString('base64')}`;
      if (exec) {
        const got = await exec();
        if (got.token) headers.Authorization = `Bearer ${got.token}`;
        if (got.cert) cert = got.cert;
        if (got.key) key = got.key;
      }
      return { ...tls, cert, key, headers };
    },
  };
}

/** client.authentication.k8s.io ExecCredential plugins, cached until their expiry. */
function execCredentials(
  cfg: ExecConfig,
  base: string,
): () => Promise<{ token?: string; cert?: Buffer; key?: Buffer }> {
  let cached: { token?: string; cert?: Buffer; key?: Buffer; expires: number } | undefined;
  return async () => {
    if (cached && cached.expires > Date.now() + 10_000) return cached;
    const command =
      cfg.command.includes('/') && !isAbsolute(cfg.command) ? join(base, cfg.command) : cfg.command;
    const env = { ...process.env };
    for (const e of cfg.env ?? []) env[e.name] = e.value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify({
      apiVersion: cfg.apiVersion ?? 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false },
    });
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        command,
        cfg.args ?? [],
        { env, timeout: 60_000, maxBuffer: 1024 * 1024 },
        (err, out, errOut) =>
          err
            ? reject(new Error(`exec credential plugin ${cfg.command} failed: ${errOut || err.message}`))
            : resolve(out),
      ),
    );
    let status: {
      token?: string;
      clientCertificateData?: string;
      clientKeyData?: string;
      expirationTimestamp?: string;
    };
    try {
      status = JSON.parse(stdout).status ?? {};
    } catch {
      throw new Error(`exec credential plugin ${cfg.command} printed no ExecCredential JSON`);
    }
    const expires = status.expirationTimestamp
      ? Date.parse(status.expirationTimestamp)
      : Number.POSITIVE_INFINITY;
    cached = {
      token: status.token,
      cert: status.clientCertificateData ? Buffer.from(status.clientCertificateData) : undefined,
      key: status.clientKeyData ? Buffer.from(status.clientKeyData) : undefined,
      expires,
    };
    return cached;
  };
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The pod's service account (KUBERNETES_SERVICE_HOST/PORT, its token and CA), or undefined outside a pod. */
export function inClusterConfig(
  env: NodeJS.ProcessEnv = process.env,
  dir = SA_DIR,
): LoadedKubeconfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port || !existsSync(join(dir, 'token'))) return undefined;
  const ca = readFileSync(join(dir, 'ca.crt'));
  const nsFile = join(dir, 'namespace');
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    context: 'in-cluster',
    namespace: existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : undefined,
    // Bound service-account tokens rotate: read the file each time (the page cache makes it cheap).
    async auth() {
      return { ca, headers: { Authorization: `Bearer ${readFileSync(join(dir, 'token'), 'utf8').trim()}` } };
    },
  };
}
