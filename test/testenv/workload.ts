// Workload clusters for tests of delivery to them: more kube-apiserver + etcd pairs from the same
// binaries as the test environment (cluster.ts), each with its own certificate authorities,
// started by the test file that needs them (in its worker process) and stopped by it.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinaries } from './binaries.js';
import { issueCert, makeCa } from './certs.js';
import {
  adminKubeconfig,
  apiserverArgs,
  type ClusterCerts,
  etcdArgs,
  freePort,
  killGroup,
  makeClusterCerts,
  Reaper,
  spawnServer,
  type TestenvInfo,
} from './cluster.js';
import { waitReady } from './ready.js';

const READY_TIMEOUT_MS = 120_000;

/** Each cluster's certificate authorities, for the bad-input kubeconfigs below. */
const certsOf = new WeakMap<WorkloadCluster, ClusterCerts>();

export interface WorkloadCluster {
  /** `workload-1`, `workload-2`, ...: also the kubeconfig's cluster and context name. */
  name: string;
  /** A kubeconfig (text, embedded certificates) for an admin user in system:masters. */
  kubeconfig: string;
  /** The same kubeconfig as a file. */
  kubeconfigPath: string;
  /** https://127.0.0.1:<port> (the same after stop() and start()). */
  server: string;
  /** Certificates, logs and etcd data of this cluster. */
  dir: string;
  /** The CA of the server's certificate, and the admin client certificate and key. */
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** Kills the API server (etcd and its data stay): the cluster is unreachable until start(). */
  stop(): Promise<void>;
  /** Starts the API server again on the same port with the same certificates; resolves once /readyz answers. */
  start(): Promise<void>;
  /** Kills the API server and etcd and removes the directory (CLUSTERMINT_TESTENV_KEEP=1 keeps it). */
  close(): Promise<void>;
}

/**
 * `count` fresh workload clusters, each ready, for a test file under test/kube/. Without the
 * binaries it returns undefined after printing why (tests then skip), except under CI=true,
 * where it throws. Close them in afterAll; if the worker dies first, a watchdog kills them.
 *
 *   const clusters = await startWorkloadClusters(2, 'delivery tests');
 *   describe.skipIf(!clusters)('delivery', () => { afterAll(() => closeAll(clusters)); ... });
 */
export async function startWorkloadClusters(
  count: number,
  what: string,
): Promise<WorkloadCluster[] | undefined> {
  const found = findBinaries();
  if ('missing' in found) {
    if (process.env.CI === 'true')
      throw new Error(`${what}: workload clusters missing under CI: ${found.missing}`);
    console.warn(`skipping ${what}: ${found.missing}`);
    return undefined;
  }
  const root = mkdtempSync(join(tmpdir(), 'clustermint-workload-'));
  const reaper = new Reaper(root);
  let open = count;
  const closed = () => {
    if (--open > 0) return;
    reaper.stop();
    if (!process.env.CLUSTERMINT_TESTENV_KEEP) rmSync(root, { recursive: true, force: true });
  };
  const clusters: Started[] = [];
  try {
    for (let i = 1; i <= count; i++)
      clusters.push(await startOne(found, root, `workload-${i}`, reaper, closed));
    await Promise.all(clusters.map((c) => waitReady(c.info, READY_TIMEOUT_MS)));
  } catch (e) {
    await Promise.all(clusters.map((c) => c.cluster.close()));
    reaper.stop();
    throw new Error(`${what}: could not start workload clusters: ${(e as Error).message}`);
  }
  return clusters.map((c) => c.cluster);
}

/** Closes every cluster (afterAll). */
export async function closeWorkloadClusters(clusters: WorkloadCluster[] | undefined): Promise<void> {
  await Promise.all((clusters ?? []).map((c) => c.close()));
}

interface Started {
  cluster: WorkloadCluster;
  /** What waitReady needs. */
  info: TestenvInfo;
}

/** Spawns one cluster's etcd and API server; returns without waiting for them. */
async function startOne(
  bin: { etcd: string; kubeApiserver: string },
  root: string,
  name: string,
  reaper: Reaper,
  onClosed: () => void,
): Promise<Started> {
  const dir = join(root, name);
  const certsDir = join(dir, 'certs');
  mkdirSync(certsDir, { recursive: true });
  const certs: ClusterCerts = makeClusterCerts(certsDir);
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const server = `https://127.0.0.1:${apiPort}`;
  const logs = { etcd: join(dir, 'etcd.log'), kubeApiserver: join(dir, 'kube-apiserver.log') };
  const exitFile = join(dir, 'exited');
  // Exits we caused (stop, close) are not failures.
  let stoppingEtcd = false;
  let stoppingApiserver = false;

  const etcd = spawnServer(
    'etcd',
    bin.etcd,
    etcdArgs(name, join(dir, 'etcd-data'), etcdUrl, `http://127.0.0.1:${peerPort}`),
    { cwd: dir, log: logs.etcd, exitFile, expected: () => stoppingEtcd },
  );
  reaper.add(etcd);
  let apiserver: ChildProcess | undefined;
  const spawnApiserver = () => {
    stoppingApiserver = false;
    apiserver = spawnServer('kube-apiserver', bin.kubeApiserver, apiserverArgs(etcdUrl, apiPort, certs), {
      cwd: dir,
      log: logs.kubeApiserver,
      exitFile,
      expected: () => stoppingApiserver,
    });
    reaper.add(apiserver);
  };
  const killApiserver = async (graceMs = 2_000) => {
    if (!apiserver) return;
    const child = apiserver;
    apiserver = undefined;
    stoppingApiserver = true;
    await killGroup(child, graceMs);
    reaper.remove(child);
  };
  spawnApiserver();

  const kubeconfig = adminKubeconfig(
    server,
    certs.servingCa.certPem,
    certs.admin.certPem,
    certs.admin.keyPem,
    name,
  );
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig);
  const info: TestenvInfo = {
    kubeconfig: kubeconfigPath,
    server,
    dir,
    caFile: certs.servingCa.certFile,
    clientCertFile: certs.admin.certFile,
    clientKeyFile: certs.admin.keyFile,
    logs,
    exitFile,
  };
  let closing = false;
  const cluster: WorkloadCluster = {
    name,
    kubeconfig,
    kubeconfigPath,
    server,
    dir,
    caFile: info.caFile,
    clientCertFile: info.clientCertFile,
    clientKeyFile: info.clientKeyFile,
    stop: () => killApiserver(),
    async start() {
      if (closing) throw new Error(`${name} is closed`);
      if (!apiserver) spawnApiserver();
      await waitReady(info, READY_TIMEOUT_MS);
    },
    async close() {
      if (closing) return;
      closing = true;
      await killApiserver(0); // nothing needs a graceful shutdown any more
      stoppingEtcd = true;
      await killGroup(etcd, 5_000);
      reaper.remove(etcd);
      if (!process.env.CLUSTERMINT_TESTENV_KEEP) rmSync(dir, { recursive: true, force: true });
      onClosed();
    },
  };
  certsOf.set(cluster, certs);
  return { cluster, info };
}

/** A kubeconfig for the cluster's server that trusts another CA (a fresh one): TLS verification fails. */
export function kubeconfigWithWrongCa(cluster: WorkloadCluster): string {
  const other = makeCa(mkdtempSync(join(cluster.dir, 'wrong-ca-')), 'other-ca');
  const admin = {
    cert: readFileSync(cluster.clientCertFile, 'utf8'),
    key: readFileSync(cluster.clientKeyFile, 'utf8'),
  };
  return adminKubeconfig(cluster.server, other.certPem, admin.cert, admin.key, cluster.name);
}

/** A kubeconfig for the cluster (its right CA) whose user has a bearer token the server does not know: 401. */
export function kubeconfigWithBadToken(cluster: WorkloadCluster): string {
  const caData = Buffer.from(readFileSync(cluster.caFile, 'utf8')).toString('base64');
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: cluster.name, cluster: { server: cluster.server, 'certificate-authority-data': caData } },
      ],
      users: [{ name: 'stranger', user: { token: 'not-a-token-this-server-knows' } }],
      contexts: [{ name: cluster.name, context: { cluster: cluster.name, user: 'stranger' } }],
      'current-context': cluster.name,
    },
    null,
    2,
  )}\n`;
}

/** A kubeconfig for the cluster as `user` (a client certificate its client CA signed; without groups RBAC allows it nothing). */
export function kubeconfigForUser(cluster: WorkloadCluster, user: string, groups: string[] = []): string {
  const certs = certsOf.get(cluster);
  if (!certs) throw new Error(`${cluster.name} was not started by startWorkloadClusters`);
  const cert = issueCert(mkdtempSync(join(cluster.dir, 'user-')), user, certs.clientCa, {
    cn: user,
    o: groups,
    usage: 'client',
  });
  return adminKubeconfig(
    cluster.server,
    certs.servingCa.certPem,
    cert.certPem,
    cert.keyPem,
    cluster.name,
    user,
  );
}
