// Starts etcd and kube-apiserver on loopback for the test run, and stops them again.
// Runs in vitest's main process (global setup). Tests reach the server through TestenvInfo.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCert, makeCa, makeSigningKeyPair } from './certs.js';

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
 * A watchdog in its own process group: if vitest dies without running its teardown (killed,
 * crashed), it kills the servers' process groups and removes the temp directory.
 */
const REAPER = `
const [ppid, dir, ...groups] = process.argv.slice(1).map((a, i) => (i === 1 ? a : Number(a)));
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
setInterval(() => {
  if (alive(ppid)) return;
  for (const g of groups) { try { process.kill(-g, 'SIGKILL'); } catch {} }
  require('fs').rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}, 500);
`;

function kubeconfig(server: string, caPem: string, certPem: string, keyPem: string): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  // JSON is YAML: every kubeconfig loader reads it.
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'testenv', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
      users: [
        {
          name: ADMIN_USER,
          user: { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) },
        },
      ],
      contexts: [{ name: 'testenv', context: { cluster: 'testenv', user: ADMIN_USER } }],
      'current-context': 'testenv',
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

/**
 * Spawns etcd and kube-apiserver with fresh certificates, ports and data; returns at once
 * (readiness is awaited by the tests that need the server: see index.ts).
 */
export async function startTestenv(bin: { etcd: string; kubeApiserver: string }): Promise<Testenv> {
  const dir = mkdtempSync(join(tmpdir(), 'clustermint-testenv-'));
  const certs = join(dir, 'certs');
  mkdirSync(certs);
  const servingCa = makeCa(certs, 'serving-ca');
  const serving = issueCert(certs, 'apiserver', servingCa, {
    cn: 'kube-apiserver',
    hosts: ['127.0.0.1', 'localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    usage: 'server',
  });
  const clientCa = makeCa(certs, 'client-ca');
  const admin = issueCert(certs, 'admin', clientCa, {
    cn: ADMIN_USER,
    o: ['system:masters'],
    usage: 'client',
  });
  const sa = makeSigningKeyPair(certs, 'service-account');

  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const server = `https://127.0.0.1:${apiPort}`;
  const logs = { etcd: join(dir, 'etcd.log'), kubeApiserver: join(dir, 'kube-apiserver.log') };
  const exitFile = join(dir, 'exited');
  let stopping = false;

  const run = (name: string, file: string, args: string[], log: string): ChildProcess => {
    const fd = openSync(log, 'a');
    // detached: its own process group, so teardown can kill everything it started.
    const child = spawn(file, args, { cwd: dir, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.on('error', (e) => appendFileSync(exitFile, `${name} could not start: ${e.message}\n`));
    child.on('exit', (code, sig) => {
      if (!stopping) appendFileSync(exitFile, `${name} exited (${sig ?? `code ${code}`}); see ${log}\n`);
    });
    return child;
  };

  const etcd = run(
    'etcd',
    bin.etcd,
    [
      `--name=testenv`,
      `--data-dir=${join(dir, 'etcd-data')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=testenv=${peerUrl}`,
      '--unsafe-no-fsync', // throwaway data: durability only costs time here
      '--log-level=warn',
    ],
    logs.etcd,
  );
  const apiserver = run(
    'kube-apiserver',
    bin.kubeApiserver,
    [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      // The "kubernetes" Service endpoint cannot be a loopback address; nothing here needs it.
      '--endpoint-reconciler-type=none',
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${serving.certFile}`,
      `--tls-private-key-file=${serving.keyFile}`,
      `--client-ca-file=${clientCa.certFile}`,
      `--service-account-key-file=${sa.pubFile}`,
      `--service-account-signing-key-file=${sa.keyFile}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--authorization-mode=RBAC',
      // No controller manager runs to create the default service accounts pods would need.
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      '--profiling=false',
    ],
    logs.kubeApiserver,
  );

  const groups = [etcd.pid, apiserver.pid].filter((p): p is number => p !== undefined);
  const reaper = spawn(process.execPath, ['-e', REAPER, String(process.pid), dir, ...groups.map(String)], {
    detached: true,
    stdio: 'ignore',
  });
  reaper.unref();
  // Last resort when the process exits without teardown (process.exit in a reporter, ...).
  const onExit = () => {
    for (const g of groups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {}
    }
  };
  process.once('exit', onExit);

  const kubeconfigFile = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigFile, kubeconfig(server, servingCa.certPem, admin.certPem, admin.keyPem));

  return {
    info: {
      kubeconfig: kubeconfigFile,
      server,
      dir,
      caFile: servingCa.certFile,
      clientCertFile: admin.certFile,
      clientKeyFile: admin.keyFile,
      logs,
      exitFile,
    },
    async stop() {
      stopping = true;
      await killGroup(apiserver, 5_000);
      await killGroup(etcd, 5_000);
      process.off('exit', onExit);
      try {
        if (reaper.pid !== undefined) process.kill(reaper.pid, 'SIGKILL');
      } catch {}
      if (!process.env.CLUSTERMINT_TESTENV_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}
