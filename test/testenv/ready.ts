// Waiting for the test environment's API server to answer /readyz.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { TestenvInfo } from './cluster.js';

/** The log's errors (klog E/F lines, or JSON "level":"error"/"fatal") and its last lines. */
export function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log)';
  const all = readFileSync(file, 'utf8').trimEnd().split('\n');
  const errors = all.filter((l) => /^[EF]\d{4} |"level":"(error|fatal|panic)"/.test(l)).slice(-10);
  return [...errors, '...', ...all.slice(-lines)].join('\n');
}

function readyz(info: TestenvInfo): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${info.server}/readyz`,
      {
        ca: readFileSync(info.caFile),
        cert: readFileSync(info.clientCertFile),
        key: readFileSync(info.clientKeyFile),
        timeout: 2_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function waitReady(info: TestenvInfo, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(info.exitFile)) {
      const what = readFileSync(info.exitFile, 'utf8').trim();
      throw new Error(
        `test environment died: ${what}\n--- etcd ---\n${tail(info.logs.etcd)}\n--- kube-apiserver ---\n${tail(info.logs.kubeApiserver)}`,
      );
    }
    if (await readyz(info)) return;
    if (Date.now() > deadline)
      throw new Error(
        `kube-apiserver at ${info.server} not ready after ${timeoutMs / 1000}s\n--- kube-apiserver ---\n${tail(info.logs.kubeApiserver)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
