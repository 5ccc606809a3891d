/**
 * One WorkloadClient per workload cluster, kept between passes (its keep-alive connections and
 * discovered kinds with it) and replaced when the cluster's kubeconfig changes.
 */
import { createHash } from 'node:crypto';
import { WorkloadClient } from '../../services/workload-client.js';

export class WorkloadClients {
  private readonly clients = new Map<string, { hash: string; client: WorkloadClient }>();

  constructor(private readonly requestTimeoutMs = 10_000) {}

  /** The client of the cluster `key` (a deployment's `namespace/name`) for this kubeconfig. */
  async clientFor(key: string, kubeconfig: string, trusted = false): Promise<WorkloadClient> {
    const hash = createHash('sha256').update(`${trusted}:${kubeconfig}`).digest('hex');
    const held = this.clients.get(key);
    if (held?.hash === hash) return held.client;
    held?.client.close();
    this.clients.delete(key);
    // A kubeconfig from a Secret may not run programs or read the controller's files (a tenant
    // could point them at the controller's own credentials); one the operator's file names may.
    const client = await WorkloadClient.fromKubeconfig(kubeconfig, {
      requestTimeoutMs: this.requestTimeoutMs,
      ...(trusted ? { allowExternalCredentials: true } : {}),
    });
    this.clients.set(key, { hash, client });
    return client;
  }

  drop(key: string): void {
    this.clients.get(key)?.client.close();
    this.clients.delete(key);
  }

  closeAll(): void {
    for (const { client } of this.clients.values()) client.close();
    this.clients.clear();
  }
}
