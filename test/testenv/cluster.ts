// Starts etcd and kube-apiserver on loopback for the test run, and stops them again.
// Runs in vitest's main process (global setup). Tests reach the server through TestenvInfo.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IssuedCert, issueCert, makeCa, makeSigningKeyPair } from './certs.js';

/** What tests get (via vitest inject): plain data only. */
export interface TestenvInfo {
  /** A kubeconfig (embedded certificates) for an admin user in system:masters. */
  kubeconfig: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** Temp directory of this environment: certificates, logs, etcd data. */
  dir: string;
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  logs: { etcd: string; kubeApiserver: string };
  /** Written (one line per process) when etcd or kube-apiserver exits before teardown. */
  exitFile: string;
}

export interface Testenv {
  info: TestenvInfo;
  stop(): Promise<void>;
}

export const ADMIN_USER = 'clustermint-test-admin';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A watchdog in its own process group: if the process that started the servers dies without
 * its teardown (killed, crashed), it kills the process groups listed in `groupsFile` (one per
 * line, rewritten as servers stop and start) and removes the temp directory.
 */
const REAPER = `
const fs = require('fs');
const [ppid, dir, groupsFile] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
setInterval(() => {
  if (alive(Number(ppid))) return;
  let groups = [];
  try { groups = fs.readFileSync(groupsFile, 'utf8').split('\\n').filter(Boolean).map(Number); } catch {}
  for (const g of groups) { try { process.kill(-g, 'SIGKILL'); } catch {} }
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}, 500);
`;

/**
 * The process groups of the servers this process started, killed if it dies without stopping
 * them: by a watchdog process when it is killed, by an exit hook when it exits.
 */
export class Reaper {
  private readonly groups = new Set<number>();
  private readonly groupsFile: string;
  private readonly watchdog: ChildProcess;
  private readonly onExit = () => {
    for (const g of this.groups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {}
    }
  };

  /** `dir`: the temp directory the watchdog removes. */
  constructor(dir: string) {
    this.groupsFile = join(dir, 'reaper-groups');
    writeFileSync(this.groupsFile, '');
    this.watchdog = spawn(process.execPath, ['-e', REAPER, String(process.pid), dir, this.groupsFile], {
      detached: true,
      stdio: 'ignore',
    });
    this.watchdog.unref();
    process.once('exit', this.onExit);
  }

  /** A process started with `detached: true` (its pid is its process group). */
  add(child: ChildProcess): void {
    if (child.pid === undefined) return;
    this.groups.add(child.pid);
    this.save();
  }

  remove(child: ChildProcess): void {
    if (child.pid === undefined) return;
    this.groups.delete(child.pid);
    this.save();
  }

  private save(): void {
    writeFileSync(this.groupsFile, [...this.groups].map((g) => `${g}\n`).join(''));
  }

  /** After a clean teardown. */
  stop(): void {
    process.off('exit', this.onExit);
    try {
      if (this.watchdog.pid !== undefined) process.kill(this.watchdog.pid, 'SIGKILL');
    } catch {}
  }
}

/** A kubeconfig (JSON, embedded certificates) for `server`, trusting `caPem`, as the client certificate's user. */
export function adminKubeconfig(
  server: string,
  caPem: string,
  certPem: string,
  keyPem: string,
  name = 'testenv',
  user = ADMIN_USER,
): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  // JSON is YAML: every kubeconfig loader reads it.
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
      users: [
        {
          name: user,
          user: { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) },
        },
      ],
      contexts: [{ name, context: { cluster: name, user } }],
      'current-context': name,
    },
    null,
    2,
  )}\n`;
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** SIGTERM to the whole process group, SIGKILL after `graceMs`. */
export async function killGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.pid === undefined) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  if ((await Promise.race([exited(child), timer])) === 'timeout') {
    signal('SIGKILL');
    await exited(child);
  }
  signal('SIGKILL'); // anything the process left behind in its group
}

/** The certificates and keys of one API server: its serving CA, the client CA, an admin client certificate. */
export interface ClusterCerts {
  servingCa: IssuedCert;
  serving: IssuedCert;
  clientCa: IssuedCert;
  admin: IssuedCert;
  serviceAccount: { keyFile: string; pubFile: string };
}

/** Fresh certificate authorities and certificates for an API server on loopback, in `dir`. */
export function makeClusterCerts(dir: string): ClusterCerts {
  const servingCa = makeCa(dir, 'serving-ca');
  const serving = issueCert(dir, 'apiserver', servingCa, {
    cn: 'kube-apiserver',
    hosts: ['127.0.0.1', 'localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    usage: 'server',
  });
  const clientCa = makeCa(dir, 'client-ca');
  const admin = issueCert(dir, 'admin', clientCa, { cn: ADMIN_USER, o: ['system:masters'], usage: 'client' });
  const serviceAccount = makeSigningKeyPair(dir, 'service-account');
  return { servingCa, serving, clientCa, admin, serviceAccount };
}

/** etcd's arguments: a single member named `name`, plain HTTP on loopback. */
export function etcdArgs(name: string, dataDir: string, clientUrl: string, peerUrl: string): string[] {
  return [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=${name}=${peerUrl}`,
    '--unsafe-no-fsync', // throwaway data: durability only costs time here
    '--log-level=warn',
  ];
}

/** kube-apiserver's arguments: loopback port `port`, etcd at `etcdUrl`, the certificates of `certs`. */
export function apiserverArgs(etcdUrl: string, port: number, certs: ClusterCerts): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // The "kubernetes" Service endpoint cannot be a loopback address; nothing here needs it.
    '--endpoint-reconciler-type=none',
    `--secure-port=${port}`,
    `--tls-cert-file=${certs.serving.certFile}`,
    `--tls-private-key-file=${certs.serving.keyFile}`,
    `--client-ca-file=${certs.clientCa.certFile}`,
    `--service-account-key-file=${certs.serviceAccount.pubFile}`,
    `--service-account-signing-key-file=${certs.serviceAccount.keyFile}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--authorization-mode=RBAC',
    // No controller manager runs to create the default service accounts pods would need.
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    '--profiling=false',
  ];
}

/**
 * Spawns a server in its own process group (so that teardown can kill everything it started),
 * its output appended to `log`. An exit nobody asked for (`expected()` false) is written to
 * `exitFile`, which waitReady (ready.ts) reports.
 */
export function spawnServer(
  name: string,
  file: string,
  args: string[],
  opts: { cwd: string; log: string; exitFile: string; expected: () => boolean },
): ChildProcess {
  const fd = openSync(opts.log, 'a');
  const child = spawn(file, args, { cwd: opts.cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.on('error', (e) => appendFileSync(opts.exitFile, `${name} could not start: ${e.message}\n`));
  child.on('exit', (code, sig) => {
    if (!opts.expected())
      appendFileSync(opts.exitFile, `${name} exited (${sig ?? `code ${code}`}); see ${opts.log}\n`);
  });
  return child;
}

/**
 * Spawns etcd and kube-apiserver with fresh certificates, ports and data; returns at once
 * (readiness is awaited by the tests that need the server: see index.ts).
 */
export async function startTestenv(bin: { etcd: string; kubeApiserver: string }): Promise<Testenv> {
  const dir = mkdtempSync(join(tmpdir(), 'clustermint-testenv-'));
  const certsDir = join(dir, 'certs');
  mkdirSync(certsDir);
  const certs = makeClusterCerts(certsDir);

  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const server = `https://127.0.0.1:${apiPort}`;
  const logs = { etcd: join(dir, 'etcd.log'), kubeApiserver: join(dir, 'kube-apiserver.log') };
  const exitFile = join(dir, 'exited');
  let stopping = false;
  const opts = (log: string) => ({ cwd: dir, log, exitFile, expected: () => stopping });

  const reaper = new Reaper(dir);
  const etcd = spawnServer(
    'etcd',
    bin.etcd,
    etcdArgs('testenv', join(dir, 'etcd-data'), etcdUrl, peerUrl),
    opts(logs.etcd),
  );
  reaper.add(etcd);
  const apiserver = spawnServer(
    'kube-apiserver',
    bin.kubeApiserver,
    apiserverArgs(etcdUrl, apiPort, certs),
    opts(logs.kubeApiserver),
  );
  reaper.add(apiserver);

  const kubeconfigFile = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfigFile,
    adminKubeconfig(server, certs.servingCa.certPem, certs.admin.certPem, certs.admin.keyPem),
  );

  return {
    info: {
      kubeconfig: kubeconfigFile,
      server,
      dir,
      caFile: certs.servingCa.certFile,
      clientCertFile: certs.admin.certFile,
      clientKeyFile: certs.admin.keyFile,
      logs,
      exitFile,
    },
    async stop() {
      stopping = true;
      await killGroup(apiserver, 5_000);
      await killGroup(etcd, 5_000);
      reaper.stop();
      if (!process.env.CLUSTERMINT_TESTENV_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}
