// Services onto workload clusters: one MultiClusterService with 5 Helm-chart services (20 objects
// each: ConfigMaps, a Service, a ServiceAccount, a Role, a RoleBinding) delivered by the embedded
// controller (in process, SQLite store) to 3 adopted clusters, each a real kube-apiserver + etcd
// of the test environment. Prints the time until every service is Deployed everywhere, objects
// applied per second, the latency from a drifted object to its correction (drift checked every
// BENCH_DRIFT_MS, default 1000 ms; the product default is 30 s), and the controller's RSS. The
// reference: the real `helm upgrade --install` of the same 5 charts onto the same 3 clusters, one
// after another, as a ratio.
//
//   node bench/services.js            (npm run build first)
//
// Without the test environment's binaries (scripts/testenv/install.sh) it prints a skip line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestenv } from './testenv-loader.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLUSTERS = 3;
const SERVICES = 5;
const CONFIGMAPS = 16;
const DRIFT_MS = Number(process.env.BENCH_DRIFT_MS ?? 1000);

function writeChart(dir, name) {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`);
  writeFileSync(join(dir, 'values.yaml'), 'greeting: hello\n');
  writeFileSync(
    join(dir, 'templates', 'objects.yaml'),
    `{{- range $i := until ${CONFIGMAPS} }}
---
apiVersion: v1
kind: ConfigMap
metadata: { name: {{ $.Release.Name }}-{{ $i }} }
data: { greeting: {{ $.Values.greeting | quote }}, index: {{ $i | quote }} }
{{- end }}
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: {{ .Release.Name }} }
---
apiVersion: v1
kind: Service
metadata: { name: {{ .Release.Name }} }
spec: { ports: [{ port: 80 }], selector: { app: {{ .Release.Name }} } }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: {{ .Release.Name }} }
rules: [{ apiGroups: [""], resources: [configmaps], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: {{ .Release.Name }} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: {{ .Release.Name }} }
subjects: [{ kind: ServiceAccount, name: {{ .Release.Name }}, namespace: {{ .Release.Namespace }} }]
`,
  );
}

const { startWorkloadClusters, closeWorkloadClusters } = await loadTestenv(['workload']);
const clusters = await startWorkloadClusters(CLUSTERS, 'services bench').catch((e) => {
  console.log(`services onto workload clusters: skipped, ${e.message}`);
  process.exit(0);
});
if (!clusters) {
  console.log(
    'services onto workload clusters: skipped (no test environment binaries: scripts/testenv/install.sh)',
  );
  process.exit(0);
}

const { createController } = await import('../dist/controller/index.js');
const { embeddedRegistry, SimulatedCloud, systemClock } = await import('../dist/providers/index.js');
const { TemplateCatalog } = await import('../dist/resolve/catalog.js');
const { openSqliteStore } = await import('../dist/store/index.js');
const { WorkloadClient } = await import('../dist/services/workload-client.js');

const root = mkdtempSync(join(tmpdir(), 'cm-bench-services-'));
const chartDirs = [];
for (let s = 0; s < SERVICES; s++) {
  const dir = join(root, 'charts', `svc${s}`);
  writeChart(dir, `svc${s}`);
  chartDirs.push(dir);
}
const store = openSqliteStore(join(root, 'state.db'));
const cloud = new SimulatedCloud({ clock: systemClock, path: join(root, 'cloud.db') });
let applied = 0;
const ctl = createController({
  store,
  registry: embeddedRegistry(cloud),
  clock: systemClock,
  catalog: new TemplateCatalog(chartDirs),
  policies: [],
  allowKubeconfigFiles: true,
  driftIntervalMs: DRIFT_MS,
  adoptedProbeMs: 5000,
  pollMs: 200,
  onServicesDelivered: (_cluster, report) => {
    applied += report.applied;
  },
});
const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };
await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
for (const [i, c] of clusters.entries()) {
  await store.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `c${i}-kubeconfig`, namespace: 'bench' },
    data: { value: Buffer.from(c.kubeconfig).toString('base64') },
  });
  await store.create({
    ...CD,
    metadata: { name: `c${i}`, namespace: 'bench', labels: { fleet: 'bench' } },
    spec: { template: 'adopted-cluster', config: { clusterIdentity: { name: `c${i}-kubeconfig` } } },
  });
}
for (let s = 0; s < SERVICES; s++)
  await store.create({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'ServiceTemplate',
    metadata: { name: `svc${s}-1-0-0`, namespace: 'bench' },
    spec: { helm: { chartSpec: { chart: `svc${s}`, version: '1.0.0' } } },
  });

const abort = new AbortController();
const running = ctl.runtime.runRealtime({ signal: abort.signal });
const allDeployed = async () => {
  for (let i = 0; i < CLUSTERS; i++) {
    const cd = await store.get({ ...CD, namespace: 'bench', name: `c${i}` });
    const services = cd.status?.services ?? [];
    if (services.length !== SERVICES || services.some((s) => s.state !== 'Deployed')) return false;
  }
  return true;
};
const waitFor = async (what, probe, ms = 300_000) => {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
// clusters adopted first, so that the time below is delivery only
await waitFor('clusters Ready', async () => {
  for (let i = 0; i < CLUSTERS; i++) {
    const cd = await store.get({ ...CD, namespace: 'bench', name: `c${i}` });
    if (!cd.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return false;
  }
  return true;
});
const t0 = performance.now();
await store.create({
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'MultiClusterService',
  metadata: { name: 'bench' },
  spec: {
    clusterSelector: { matchLabels: { fleet: 'bench' } },
    serviceSpec: {
      syncMode: 'ContinuousWithDriftDetection',
      services: Array.from({ length: SERVICES }, (_, s) => ({
        name: `svc${s}`,
        namespace: 'apps',
        template: `svc${s}-1-0-0`,
      })),
    },
  },
});
await waitFor('all Deployed', allDeployed);
const deliverMs = performance.now() - t0;
const objects = CLUSTERS * SERVICES * (CONFIGMAPS + 4);

// drift: a ConfigMap changed by hand on each cluster, put back by the controller
const clients = await Promise.all(clusters.map((c) => WorkloadClient.fromKubeconfig(c.kubeconfig)));
const driftLatencies = [];
for (const client of clients) {
  await client.apply(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'svc0-0', namespace: 'apps' },
      data: { greeting: 'edited' },
    },
    { fieldManager: 'kubectl-edit', force: true },
  );
  const t = performance.now();
  await waitFor(
    'drift corrected',
    async () =>
      (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'svc0-0' }))?.data
        ?.greeting === 'hello',
    60_000,
  );
  driftLatencies.push(performance.now() - t);
}
const rss = process.memoryUsage().rss;
abort.abort();
await running;
await ctl.runtime.stop();
ctl.workloadClients.closeAll();
for (const c of clients) c.close();

// the reference: helm upgrade --install of the same charts, one after another
let helmBin = process.env.HELM_BIN;
if (!helmBin) {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'install-go-tool.sh'), 'helm', '--cached'], {
    encoding: 'utf8',
  });
  helmBin = r.status === 0 ? r.stdout.trim() : undefined;
}
let helmMs;
if (helmBin) {
  const t1 = performance.now();
  for (const c of clusters)
    for (let s = 0; s < SERVICES; s++) {
      const r = spawnSync(
        helmBin,
        [
          'upgrade',
          '--install',
          `h-svc${s}`,
          chartDirs[s],
          '-n',
          'helm-apps',
          '--create-namespace',
          '--kubeconfig',
          c.kubeconfigPath,
        ],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            HELM_CACHE_HOME: join(root, 'helm-cache'),
            HELM_CONFIG_HOME: join(root, 'helm-config'),
            HELM_DATA_HOME: join(root, 'helm-data'),
          },
        },
      );
      if (r.status !== 0) throw new Error(`helm install: ${r.stderr}`);
    }
  helmMs = performance.now() - t1;
}
await closeWorkloadClusters(clusters);
store.close();
cloud.close();
rmSync(root, { recursive: true, force: true });

const sorted = [...driftLatencies].sort((a, b) => a - b);
console.log(
  `\nservices onto ${CLUSTERS} real workload clusters (1 MultiClusterService, ${SERVICES} Helm services x ${CONFIGMAPS + 4} objects):`,
);
console.log(
  `  all Deployed after ${(deliverMs / 1000).toFixed(2)} s; ${objects} objects, ${applied} applies, ${(objects / (deliverMs / 1000)).toFixed(0)} objects/s`,
);
console.log(
  `  drift put back after ${sorted.map((x) => `${(x / 1000).toFixed(2)} s`).join(', ')} (checked every ${DRIFT_MS} ms; median ${(sorted[Math.floor(sorted.length / 2)] / 1000).toFixed(2)} s)`,
);
console.log(`  controller RSS ${(rss / 1048576).toFixed(0)} MiB (the whole bench process)`);
if (helmMs !== undefined)
  console.log(
    `  reference: helm upgrade --install of the same ${CLUSTERS * SERVICES} releases one after another: ${(helmMs / 1000).toFixed(2)} s; clustermint ${(helmMs / deliverMs).toFixed(1)}x as fast`,
  );
else console.log('  reference: helm not built (scripts/install-go-tool.sh helm): no ratio');
