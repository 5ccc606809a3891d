/**
 * `clustermint plan -f` with services, through the built binary (`npm run build` first), offline:
 * a ClusterDeployment carrying a serviceSpec, the ServiceTemplates and ConfigMaps it names, and a
 * MultiClusterService that selects it, all in the files and nothing stored. No workload cluster
 * answers, so every object of every service is new; a service that would be refused makes the
 * plan fail.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cliBuilt, ROOT } from '../helpers/process.js';

const built = cliBuilt();
if (!built) console.warn('skipping the plan services tests: run npm run build first');

const CHARTS = join(ROOT, 'examples', 'services', 'charts');

function cm(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CATALOG = `apiVersion: v1
kind: ConfigMap
metadata: {name: baseline, namespace: team-a}
data:
  all.yaml: |
    apiVersion: v1
    kind: Namespace
    metadata: {name: baseline}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny-ingress, namespace: baseline}
    spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: clustermint.io/v1alpha1
kind: ServiceTemplate
metadata: {name: baseline-1-0-0, namespace: team-a}
spec:
  resources:
    localSourceRef: {kind: ConfigMap, name: baseline}
---
apiVersion: clustermint.io/v1alpha1
kind: ServiceTemplate
metadata: {name: hello-1-0-0, namespace: clustermint-system}
spec:
  helm:
    chartSpec: {chart: hello, version: 1.0.0}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: hello-values, namespace: team-a}
data:
  values.yaml: |
    replicas: 2
---
apiVersion: clustermint.io/v1alpha1
kind: MultiClusterService
metadata: {name: dev-web}
spec:
  clusterSelector: {matchLabels: {env: dev}}
  serviceSpec:
    services:
    - name: hello
      namespace: web
      template: hello-1-0-0
      valuesFrom: [{kind: ConfigMap, name: hello-values}]
`;

const cluster = (services: string) => `apiVersion: v1
kind: Secret
metadata: {name: edge-1-kubeconfig, namespace: team-a}
stringData:
  value: |
    apiVersion: v1
    kind: Config
    clusters: [{name: edge, cluster: {server: "https://edge-1.invalid:6443"}}]
    users: [{name: admin, user: {token: t}}]
    contexts: [{name: edge, context: {cluster: edge, user: admin}}]
    current-context: edge
---
apiVersion: clustermint.io/v1alpha1
kind: ClusterDeployment
metadata:
  name: edge-1
  namespace: team-a
  labels: {env: dev}
spec:
  template: adopted-cluster
  config:
    clusterIdentity: {name: edge-1-kubeconfig}
  serviceSpec:
    services:
${services}`;

const BASELINE = '    - {name: baseline, namespace: baseline, template: baseline-1-0-0}\n';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function files(services: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cm-plan-svc-'));
  made.push(dir);
  writeFileSync(join(dir, 'catalog.yaml'), CATALOG);
  writeFileSync(join(dir, 'cluster.yaml'), cluster(services));
  return dir;
}

describe.skipIf(!built)('plan -f with services (offline)', () => {
  it('lists each service the cluster would get, every object new, and exits 0', () => {
    const dir = files(BASELINE);
    const r = cm(dir, 'plan', '-f', 'catalog.yaml', '-f', 'cluster.yaml', '--templates', CHARTS);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // an adopted cluster: nothing to provision, no refusal for lack of a Cluster API Cluster
    expect(r.stdout).toContain('team-a/edge-1: allowed\n');
    expect(r.stdout).toContain('    + SveltosCluster/edge-1\n');
    const services = r.stdout.slice(r.stdout.indexOf('  services:\n'));
    expect(services).toBe(
      [
        '  services:',
        '    (no workload cluster to compare with (not applied yet): every object is new)',
        '    + baseline/baseline (install, template baseline-1-0-0, ClusterDeployment/team-a/edge-1)',
        '        + Namespace/baseline',
        '        + NetworkPolicy/baseline/deny-ingress',
        '    + web/hello (install, template hello-1-0-0, MultiClusterService/dev-web)',
        '        + ConfigMap/web/hello-page',
        '        + Service/web/hello',
        '        + Deployment/web/hello',
        '',
      ].join('\n'),
    );
    // nothing was stored
    expect(existsSync(join(dir, '.clustermint'))).toBe(false);
  });

  it('-o json has the services with their objects and owners', () => {
    const dir = files(BASELINE);
    const r = cm(
      dir,
      'plan',
      '-f',
      'catalog.yaml',
      '-f',
      'cluster.yaml',
      '--templates',
      CHARTS,
      '-o',
      'json',
    );
    expect(r.code).toBe(0);
    const [plan] = JSON.parse(r.stdout) as {
      deployment: string;
      services: {
        against: string;
        services: { service: string; owner: string; template: string; action: string; objects: unknown[] }[];
      };
    }[];
    expect(plan?.deployment).toBe('team-a/edge-1');
    expect(plan?.services.against).toMatch(/every object is new/);
    expect(plan?.services.services).toEqual([
      {
        service: 'baseline/baseline',
        owner: 'ClusterDeployment/team-a/edge-1',
        template: 'baseline-1-0-0',
        action: 'install',
        objects: [
          { action: 'create', object: 'Namespace/baseline' },
          { action: 'create', object: 'NetworkPolicy/baseline/deny-ingress' },
        ],
      },
      {
        service: 'web/hello',
        owner: 'MultiClusterService/dev-web',
        template: 'hello-1-0-0',
        action: 'install',
        objects: [
          { action: 'create', object: 'ConfigMap/web/hello-page' },
          { action: 'create', object: 'Service/web/hello' },
          { action: 'create', object: 'Deployment/web/hello' },
        ],
      },
    ]);
  });

  it("a service whose ServiceTemplate exists nowhere: the gate's admission rule denies the deployment, as the webhook would", () => {
    const dir = files(`${BASELINE}    - {name: ghost, namespace: web, template: nope-1-0-0}\n`);
    const r = cm(dir, 'plan', '-f', 'catalog.yaml', '-f', 'cluster.yaml', '--templates', CHARTS);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('team-a/edge-1: denied by the gate\n');
    expect(r.stdout).toMatch(
      /\(\$\.spec\.serviceSpec\.services\[1\]\.template\): ServiceTemplate team-a\/nope-1-0-0 not found/,
    );
  });

  it("a service a team's policy denies is refused with PolicyDenied and the rule's message", () => {
    const dir = files(BASELINE);
    writeFileSync(
      join(dir, 'policy.yaml'),
      `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: services}
spec:
  rules:
  - name: one-replica
    match: {any: [{kind: EffectiveValues, spec: {template: hello-1-0-0}}]}
    assert:
      all:
      - message: team-a runs one replica per service
        check:
          (($team == 'team-a') && spec.values.replicas > \`1\`): false
`,
    );
    const r = cm(
      dir,
      'plan',
      '-f',
      'catalog.yaml',
      '-f',
      'cluster.yaml',
      '--templates',
      CHARTS,
      '--policies',
      'policy.yaml',
      '-o',
      'json',
    );
    expect(r.code).toBe(1);
    const [plan] = JSON.parse(r.stdout) as {
      allowed: boolean;
      services: { services: { service: string; action: string; reason?: string }[] };
    }[];
    expect(plan?.allowed).toBe(true);
    const hello = plan?.services.services.find((s) => s.service === 'web/hello');
    expect(hello?.action).toBe('refused');
    expect(hello?.reason).toMatch(
      /^PolicyDenied: services\/one-replica: .*team-a runs one replica per service/,
    );
    expect(plan?.services.services.find((s) => s.service === 'baseline/baseline')?.action).toBe('install');
  });
});
