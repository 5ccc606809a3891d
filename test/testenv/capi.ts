// A real Cluster API on the test environment's kube-apiserver: the core, kubeadm bootstrap,
// kubeadm control-plane and CAPD managers (scripts/capi/install.sh builds them) run as local
// processes, with the CRDs and webhook configurations of their modules (`config/crd/bases`,
// `config/webhook/manifests.yaml`) pointed at them on loopback, as kustomize would point them at
// their Services in a cluster. CAPD's in-memory backend makes machines and serves each workload
// cluster's API server itself (ports 20000+), so no container runtime is needed.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { webhookCertificates } from './certs.js';
import { freePort, killGroup, type TestenvInfo } from './cluster.js';

const REPO = join(import.meta.dirname, '..', '..');
const INSTALL = join(REPO, 'scripts', 'capi', 'install.sh');

/** The managers, the module directory (relative to its module) of their config, and their CRDs' labels. */
const MANAGERS = [
  { name: 'core', module: 'sigs.k8s.io/cluster-api', config: 'config', provider: false },
  {
    name: 'kubeadm-bootstrap',
    module: 'sigs.k8s.io/cluster-api',
    config: 'bootstrap/kubeadm/config',
    provider: true,
  },
  {
    name: 'kubeadm-control-plane',
    module: 'sigs.k8s.io/cluster-api',
    config: 'controlplane/kubeadm/config',
    provider: true,
  },
  {
    name: 'capd',
    module: 'sigs.k8s.io/cluster-api/test',
    config: 'infrastructure/docker/config',
    provider: true,
  },
] as const;

/**
 * Cluster API's contract labels on provider CRDs: which of their versions serve each contract
 * (their kustomizations add them; the topology controller and the core manager read them).
 */
const CONTRACT_LABELS = { 'cluster.x-k8s.io/v1beta1': 'v1beta1', 'cluster.x-k8s.io/v1beta2': 'v1beta2' };

export type CapiLookup = { dir: string; modules: Record<string, string> } | { missing: string };

/** CLUSTERMINT_CAPI_DIR when set, else the install script's cached build (never builds). */
export function findCapi(env: NodeJS.ProcessEnv = process.env): CapiLookup {
  let dir = env.CLUSTERMINT_CAPI_DIR;
  if (!dir) {
    try {
      dir = execFileSync('bash', [INSTALL, '--cached'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return { missing: `Cluster API is not built (run ${INSTALL})` };
    }
  }
  const absent = MANAGERS.map((m) => m.name).filter((b) => !existsSync(join(dir!, b)));
  if (absent.length || !existsSync(join(dir, 'modules')))
    return { missing: `no ${[...absent, 'modules'].join(', ')} in ${dir} (run ${INSTALL})` };
  const modules: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'modules'), 'utf8').split('\n')) {
    const [name, path] = line.trim().split(/\s+/);
    if (name && path) modules[name] = path;
  }
  return { dir, modules };
}

export interface CapiInfo {
  /** The binaries' directory. */
  dir: string;
  logs: Record<string, string>;
  /** Written (one line per process) when a manager exits before teardown. */
  exitFile: string;
  /** https://127.0.0.1:<port>/readyz of each manager's health server (plain http). */
  health: Record<string, string>;
}

export interface Capi {
  info: CapiInfo;
  stop(): Promise<void>;
}

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };

function yamlDocs(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => !!o && typeof o === 'object');
}

/** The CRDs a manager serves, with their conversion webhook on loopback and the contract labels. */
function crds(configDir: string, provider: boolean, url: string, caBundle: string): Obj[] {
  const dir = join(configDir, 'crd', 'bases');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => yamlDocs(join(dir, f)))
    .map((crd) => {
      const versions = (crd.spec?.versions as unknown[] | undefined) ?? [];
      const metadata = { ...crd.metadata };
      if (provider) metadata.labels = { ...(metadata.labels as object), ...CONTRACT_LABELS };
      const spec = { ...crd.spec };
      if (versions.length > 1)
        spec.conversion = {
          strategy: 'Webhook',
          webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: `${url}/convert`, caBundle } },
        };
      return { ...crd, metadata, spec };
    });
}

/** The webhook configurations of a manager, each webhook pointed at it; named after it. */
function webhookConfigs(configDir: string, manager: string, url: string, caBundle: string): Obj[] {
  return yamlDocs(join(configDir, 'webhook', 'manifests.yaml')).map((cfg) => ({
    ...cfg,
    metadata: {
      name: `capi-${manager}-${String(cfg.kind).startsWith('Mutating') ? 'mutating' : 'validating'}`,
    },
    webhooks: ((cfg.webhooks as Obj[]) ?? []).map((w) => {
      const service = (w.clientConfig as { service?: { path?: string } }).service ?? {};
      return { ...w, clientConfig: { url: `${url}${service.path ?? ''}`, caBundle } };
    }),
  }));
}

interface Admin {
  server: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

function call(
  admin: Admin,
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${admin.server}${path}`,
      {
        method,
        ca: admin.ca,
        cert: admin.cert,
        key: admin.key,
        headers: body === undefined ? {} : { 'content-type': contentType ?? 'application/json' },
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Server-side apply of a cluster-scoped object (CRDs, webhook configurations). */
async function applyClusterScoped(admin: Admin, resourcePath: string, o: Obj): Promise<void> {
  const name = String(o.metadata?.name);
  const r = await call(
    admin,
    'PATCH',
    `${resourcePath}/${name}?fieldManager=clustermint-testenv&force=true`,
    o,
    'application/apply-patch+yaml',
  );
  if (r.status >= 300)
    throw new Error(`apply ${resourcePath}/${name}: HTTP ${r.status}: ${r.text.slice(0, 400)}`);
}

async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  died: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = died();
    if (d) throw new Error(d);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function httpOk(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.ok,
    () => false,
  );
}

/**
 * Installs Cluster API's CRDs and webhook configurations on the environment's API server and
 * starts its four managers; resolves once every manager is ready (its webhooks serve).
 */
/** Whether something listens on a TCP port of this machine (any address). */
function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, () => srv.close(() => resolve(false)));
  });
}

/** CAPD's in-memory backend listens on fixed ports: its debug server and the first workload API server. */
const CAPD_FIXED_PORTS = [19000, 20000];

export async function startCapi(
  env: TestenvInfo,
  found: { dir: string; modules: Record<string, string> },
): Promise<Capi> {
  for (const port of CAPD_FIXED_PORTS)
    if (await portInUse(port))
      throw new Error(
        `port ${port} is in use: CAPD's in-memory backend needs ports 19000 and 20000+ (one Cluster API test environment per machine; is another test run or bench/capi.js running?)`,
      );
  const dir = join(env.dir, 'capi');
  mkdirSync(join(dir, 'certs'), { recursive: true });
  const certs = webhookCertificates(['127.0.0.1', 'localhost'], join(dir, 'certs'));
  const admin: Admin = {
    server: env.server,
    ca: readFileSync(env.caFile),
    cert: readFileSync(env.clientCertFile),
    key: readFileSync(env.clientKeyFile),
  };
  const ports = new Map<string, { webhook: number; health: number; metrics: number }>();
  for (const m of MANAGERS)
    ports.set(m.name, { webhook: await freePort(), health: await freePort(), metrics: await freePort() });

  for (const m of MANAGERS) {
    const moduleDir = found.modules[m.module];
    if (!moduleDir) throw new Error(`${join(found.dir, 'modules')} does not name ${m.module}`);
    const configDir = join(moduleDir, m.config);
    const url = `https://127.0.0.1:${ports.get(m.name)!.webhook}`;
    for (const crd of crds(configDir, m.provider, url, certs.caBundle))
      await applyClusterScoped(admin, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    for (const cfg of webhookConfigs(configDir, m.name, url, certs.caBundle)) {
      const plural =
        String(cfg.kind) === 'MutatingWebhookConfiguration'
          ? 'mutatingwebhookconfigurations'
          : 'validatingwebhookconfigurations';
      await applyClusterScoped(admin, `/apis/admissionregistration.k8s.io/v1/${plural}`, cfg);
    }
  }

  const exitFile = join(dir, 'exited');
  const logs: Record<string, string> = {};
  const health: Record<string, string> = {};
  const children: ChildProcess[] = [];
  let stopping = false;
  for (const m of MANAGERS) {
    const p = ports.get(m.name)!;
    const log = join(dir, `${m.name}.log`);
    logs[m.name] = log;
    health[m.name] = `http://127.0.0.1:${p.health}/readyz`;
    const fd = openSync(log, 'a');
    const child = spawn(
      join(found.dir, m.name),
      [
        '--leader-elect=false',
        `--webhook-port=${p.webhook}`,
        `--webhook-cert-dir=${certs.dir}`,
        `--health-addr=127.0.0.1:${p.health}`,
        `--diagnostics-address=127.0.0.1:${p.metrics}`,
        '--insecure-diagnostics',
        '--feature-gates=ClusterTopology=true',
        // Poll less often than a busy production cluster would: two cores serve everything here.
        '--sync-period=10m',
        '--v=1',
      ],
      {
        cwd: dir,
        detached: true,
        stdio: ['ignore', fd, fd],
        // CAPD's in-memory workload API servers listen on this address.
        env: {
          ...process.env,
          KUBECONFIG: env.kubeconfig,
          POD_IP: '127.0.0.1',
          POD_NAME: `capi-${m.name}`,
          POD_NAMESPACE: 'capi-system',
        },
      },
    );
    closeSync(fd);
    child.on('error', (e) => appendFileSync(exitFile, `${m.name} could not start: ${e.message}\n`));
    child.on('exit', (code, sig) => {
      if (!stopping) appendFileSync(exitFile, `${m.name} exited (${sig ?? `code ${code}`}); see ${log}\n`);
    });
    children.push(child);
  }
  const stop = async () => {
    stopping = true;
    await Promise.all(children.map((c) => killGroup(c, 5_000)));
  };
  process.once('exit', () => {
    for (const c of children)
      try {
        if (c.pid) process.kill(-c.pid, 'SIGKILL');
      } catch {}
  });
  const died = () =>
    existsSync(exitFile) ? `Cluster API manager died: ${readFileSync(exitFile, 'utf8').trim()}` : undefined;
  try {
    for (const m of MANAGERS)
      await waitFor(`Cluster API ${m.name}`, 180_000, () => httpOk(health[m.name]!), died);
  } catch (e) {
    await stop();
    throw e;
  }
  return { info: { dir: found.dir, logs, exitFile, health }, stop };
}
