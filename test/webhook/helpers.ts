// Building AdmissionReviews from the repository's example files, for the webhook tests.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsyaml from 'js-yaml';

export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The flags of a `clustermint webhook` process the tests start: these certificates, the
 * repository's policies, any free port on 127.0.0.1.
 */
export function webhookFlags(certs: { certFile: string; keyFile: string }): string[] {
  return [
    '--tls-cert',
    certs.certFile,
    '--tls-key',
    certs.keyFile,
    '--policies',
    join(ROOT, 'policies'),
    '--port',
    '0',
    '--address',
    '127.0.0.1',
  ];
}

/** The documents of a YAML file in the repository, as plain JSON. */
export function docs(file: string): Record<string, any>[] {
  return (jsyaml.loadAll(readFileSync(join(ROOT, file), 'utf8')) as Record<string, any>[]).filter(Boolean);
}

export function doc(file: string, kind: string): Record<string, any> {
  const found = docs(file).find((d) => d.kind === kind);
  if (!found) throw new Error(`${file} has no ${kind}`);
  return found;
}

const GROUPS: Record<string, [string, string, string]> = {
  ClusterDeployment: ['clustermint.io', 'v1alpha1', 'clusterdeployments'],
  ClusterTemplate: ['clustermint.io', 'v1alpha1', 'clustertemplates'],
  ClusterTemplateChain: ['clustermint.io', 'v1alpha1', 'clustertemplatechains'],
  Cluster: ['cluster.x-k8s.io', 'v1beta2', 'clusters'],
  Pod: ['', 'v1', 'pods'],
};

/** An AdmissionReview request for the object, as the API server sends it. */
export function reviewOf(
  object: Record<string, any>,
  opts: { operation?: string; oldObject?: Record<string, any>; user?: string } = {},
): Record<string, any> {
  const [group, version, resource] = GROUPS[object.kind] ?? ['example.com', 'v1', 'things'];
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group, version, kind: object.kind },
      resource: { group, version, resource },
      name: object.metadata?.name,
      namespace: object.metadata?.namespace,
      operation: opts.operation ?? 'CREATE',
      userInfo: { username: opts.user ?? 'alice', groups: ['system:authenticated'] },
      object,
      ...(opts.oldObject ? { oldObject: opts.oldObject } : {}),
      dryRun: false,
    },
  };
}

/** The JSON Patch of a response. */
export function patchOf(response: { patch?: string }): any[] {
  return response.patch ? JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) : [];
}

/**
 * Copies of the simulated chart named `sim` at the given chart versions, each installing its own
 * Kubernetes version (default values and appVersion): `[['1.0.0', 'v1.31.4+k0s.0'], ...]` makes
 * the templates sim-1-0-0, ... in a new temporary folder, which is returned.
 */
export function versionedSimCharts(versions: ReadonlyArray<readonly [string, string]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cm-versioned-charts-'));
  for (const [version, k0s] of versions) {
    const d = join(dir, `sim-${version}`);
    cpSync(join(ROOT, 'templates/simulated-standalone-cp'), d, { recursive: true });
    const chart = readFileSync(join(d, 'Chart.yaml'), 'utf8')
      .replace(/^name: .*$/m, 'name: sim')
      .replace(/^version: .*$/m, `version: ${version}`)
      .replace(/^appVersion: .*$/m, `appVersion: "${k0s}"`);
    writeFileSync(join(d, 'Chart.yaml'), chart);
    const values = readFileSync(join(d, 'values.yaml'), 'utf8').replace(
      /version: v1\.33\.4\+k0s\.0/,
      `version: ${k0s}`,
    );
    writeFileSync(join(d, 'values.yaml'), values);
  }
  return dir;
}
