/**
 * Where the API server is and how to authenticate to it, through @kubernetes/client-node's
 * KubeConfig: kubeconfig files (clusters, users, contexts; certificates, tokens, basic auth,
 * exec and auth-provider plugins) or the pod's service account. client-node is imported on
 * first use, so commands that never talk to a cluster do not load it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { ClustermintError } from '../../util/errors.js';
import { isPlainObject } from '../../util/plain-object.js';
import { readTextFile } from '../../util/read-text-file.js';

type ClientNode = typeof import('@kubernetes/client-node');
let clientNode: ClientNode | undefined;
const requireHere = createRequire(import.meta.url);

/**
 * @kubernetes/client-node, loaded once on first use (about a second of a cold start). Loaded
 * with require (an ES module without top-level await: Node >= 20.19 requires it), not
 * import(): the CLI runs from a bundle compiled with vm.Script (src/util/load-generated.ts),
 * where import() has no loader, and a require the bundler cannot see keeps the package out of
 * dist/bundle/cli.cjs (it would grow it tenfold for every command).
 */
export async function loadClientNode(): Promise<ClientNode> {
  clientNode ??= requireHere('@kubernetes/client-node') as ClientNode;
  return clientNode;
}

/** A client-node KubeConfig whose current context is the one to use, and what it names. */
export interface KubeTarget {
  kubeConfig: KubeConfig;
  /** `https://host:port[/prefix]` */
  server: string;
  context: string;
  /** The context's namespace, if it names one. */
  namespace?: string;
}

/** The kubeconfig files client tools read: $KUBECONFIG (a path list), else ~/.kube/config. */
export function defaultKubeconfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter((p) => p !== '');
  return [join(homedir(), '.kube', 'config')];
}

/** The target of a KubeConfig's current context (a KubeConfig the caller built). */
export function fromKubeConfig(kc: KubeConfig): KubeTarget {
  const context = kc.getCurrentContext();
  const ctx = context ? kc.getContextObject(context) : null;
  if (!ctx) throw new ClustermintError('UNREADABLE', 'the kubeconfig has no current context');
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster)
    throw new ClustermintError(
      'UNREADABLE',
      `context "${context}": cluster "${ctx.cluster}" is not in the kubeconfig`,
    );
  // Without a user client-node applies no TLS settings at all (not even the CA): refuse.
  if (ctx.user && !kc.getUser(ctx.user))
    throw new ClustermintError(
      'UNREADABLE',
      `context "${context}": user "${ctx.user}" is not in the kubeconfig`,
    );
  return { kubeConfig: kc, server: cluster.server, context, namespace: ctx.namespace };
}

/**
 * What kubectl reads and client-node does not: `tokenFile` (client-node knows only
 * `token-file`, read once) becomes client-node's re-reading token-file provider, and an exec
 * command given as a relative path is resolved against the kubeconfig's folder.
 */
function adaptKubectlFields(kc: KubeConfig, raw: unknown, base: string): void {
  const rawUsers = isPlainObject(raw) && Array.isArray(raw.users) ? raw.users : [];
  const tokenFiles = new Map<string, string>();
  for (const u of rawUsers) {
    if (!isPlainObject(u) || typeof u.name !== 'string' || !isPlainObject(u.user)) continue;
    const f = u.user.tokenFile;
    if (typeof f === 'string' && f !== '' && !u.user.token)
      tokenFiles.set(u.name, isAbsolute(f) ? f : join(base, f));
  }
  kc.users = kc.users.map((u) => {
    const exec = u.exec as { command?: string } | undefined;
    if (exec?.command?.includes('/') && !isAbsolute(exec.command)) exec.command = join(base, exec.command);
    const tokenFile = tokenFiles.get(u.name);
    return tokenFile && !u.authProvider
      ? { ...u, authProvider: { name: 'tokenFile', config: { tokenFile } } }
      : u;
  });
}

async function readKubeconfigFile(file: string): Promise<KubeConfig> {
  const { KubeConfig } = await loadClientNode();
  const kc = new KubeConfig();
  try {
    const text = readTextFile(file);
    kc.loadFromString(text);
    kc.makePathsAbsolute(dirname(file));
    // merge keys merge, as in the client's own reader above (they were a literal "<<" key here)
    adaptKubectlFields(kc, parse(text, { merge: true }), dirname(file));
  } catch (e) {
    throw new ClustermintError('UNREADABLE', `not a readable kubeconfig: ${(e as Error).message}`, { file });
  }
  return kc;
}

/**
 * A target from kubeconfig files (merged as kubectl merges them: the first file to name a
 * cluster, user or context, or to set the current context, wins) and a context (default: the
 * current one).
 */
export async function loadKubeconfig(
  paths: string | string[] = defaultKubeconfigPaths(),
  context?: string,
): Promise<KubeTarget> {
  const given = Array.isArray(paths) ? paths : [paths];
  const files = given.filter((p) => existsSync(p));
  if (files.length === 0)
    throw new ClustermintError('UNREADABLE', `no kubeconfig at ${given.join(', ') || '(no path)'}`);
  const kc = await readKubeconfigFile(files[0]);
  for (const file of files.slice(1)) {
    const more = await readKubeconfigFile(file);
    const has = (list: { name: string }[], name: string) => list.some((x) => x.name === name);
    for (const c of more.clusters) if (!has(kc.clusters, c.name)) kc.addCluster(c);
    for (const u of more.users) if (!has(kc.users, u.name)) kc.addUser(u);
    for (const x of more.contexts) if (!has(kc.contexts, x.name)) kc.addContext(x);
    if (!kc.currentContext) kc.setCurrentContext(more.currentContext);
  }
  const name = context ?? kc.getCurrentContext();
  if (!name)
    throw new ClustermintError('UNREADABLE', `${files.join(', ')}: no current-context and no context given`);
  if (!kc.getContextObject(name))
    throw new ClustermintError('UNREADABLE', `context "${name}" is not in ${files.join(', ')}`);
  kc.setCurrentContext(name);
  return fromKubeConfig(kc);
}

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * The pod's service account (KUBERNETES_SERVICE_HOST/PORT, its token and CA; the token file is
 * re-read as it rotates), or undefined outside a pod. `pathPrefix` is prepended to the
 * service-account paths (tests).
 */
export async function inClusterConfig(pathPrefix = ''): Promise<KubeTarget | undefined> {
  if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) return undefined;
  if (!existsSync(`${pathPrefix}${SA_TOKEN}`)) return undefined;
  const { KubeConfig } = await loadClientNode();
  const kc = new KubeConfig();
  kc.loadFromCluster(pathPrefix);
  const target = fromKubeConfig(kc);
  // client-node keeps the namespace file's trailing newline.
  return { ...target, namespace: target.namespace?.trim() || undefined };
}
