// The shipped RBAC, exercised for real: the CRDs, deploy/manifests/00-namespace.yaml,
// 10-rbac.yaml and deploy/webhook/rbac.yaml are created on the test kube-apiserver (RBAC
// authorization), each ServiceAccount gets a token from the TokenRequest API and a kubeconfig of
// its own, and the built CLI runs under it: the controller (the flags of
// deploy/manifests/20-controller.yaml) provisions a ClusterDeployment to Ready and deletes it, the
// webhook loads its cluster sources; neither meets a Forbidden. SelfSubjectAccessReviews under
// each token check what the roles must not allow (least privilege). Needs `npm run build`
// (skipped without dist/).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACHINE_TYPE } from '../../src/api/machine.js';
import { SimulatedCloud, systemClock } from '../../src/providers/index.js';
import { BUILTIN_CLUSTERCLASSES_DIR, templateDirDocuments } from '../../src/resolve/documents.js';
import { WorkloadClient } from '../../src/services/workload-client.js';
import { isAlreadyExists, isNotFound } from '../../src/store/errors.js';
import { installCrds, type KubeStore, openKubeStore } from '../../src/store/kube/index.js';
import type { KubeObject, NewObject } from '../../src/store/types.js';
import { openCrd } from '../helpers/crds.js';
import { CliProcess, cliBuilt, eventually, ROOT } from '../helpers/process.js';
import { kubeTestenv, webhookCertificates } from '../testenv/index.js';
import { closeWorkloadClusters, startWorkloadClusters } from '../testenv/workload.js';
import { api, granted, missing, serviceAccountKubeconfig } from './service-accounts.js';

const built = cliBuilt();
if (!built) console.warn('skipping the RBAC test: run npm run build first');
const env = built ? await kubeTestenv('shipped RBAC') : undefined;
// one workload cluster, adopted, for services under the controller's ServiceAccount
const workload = env ? await startWorkloadClusters(1, 'shipped RBAC (services)') : undefined;

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const run = randomBytes(3).toString('hex');

type Manifest = NewObject & { spec?: any };

/** The objects of one file under deploy/. */
function manifests(file: string): Manifest[] {
  return (jsyaml.loadAll(readFileSync(join(ROOT, 'deploy', file), 'utf8')) as Manifest[]).filter(
    (o) => o && typeof o === 'object',
  );
}

/** The Deployment of a manifest file: its namespace, ServiceAccount and container args. */
function deployment(file: string) {
  const d = manifests(file).find((o) => o.kind === 'Deployment');
  if (!d) throw new Error(`${file}: no Deployment`);
  return {
    namespace: d.metadata.namespace as string,
    serviceAccount: d.spec.template.spec.serviceAccountName as string,
    args: d.spec.template.spec.containers[0].args as string[],
  };
}

/** The Role and RoleBinding of deploy/README.md that let the controller read a namespace's Secrets and ConfigMaps. */
function readmeGrant(namespace: string): Manifest[] {
  return jsyaml
    .loadAll(
      // the block sits in a list item: two spaces of indentation to take off
      readFileSync(join(ROOT, 'deploy', 'README.md'), 'utf8')
        .split('```yaml')[1]!
        .split('```')[0]!
        .replace(/^ {2}/gm, ''),
    )
    .map((o) => {
      const obj = o as Manifest;
      obj.metadata.namespace = namespace;
      return obj;
    });
}

/** A CLI process and its JSON log lines (stdout) and stderr. */
class Cli extends CliProcess {
  /** Log lines and stderr text that speak of a refused request. */
  forbidden(): string[] {
    return [...this.lines.map((l) => JSON.stringify(l)), ...this.stderr.split('\n')].filter((l) =>
      /forbidden|\b403\b/i.test(l),
    );
  }
}

describe.skipIf(!env || !workload)('the shipped RBAC, under the ServiceAccounts it defines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm-rbac-'));
  const ns = `rbac-${run}`;
  const controllerDeployment = deployment('manifests/20-controller.yaml');
  const webhookDeployment = deployment('manifests/30-webhook.yaml');
  const cloudFile = join(dir, 'cloud.db');
  let admin: KubeStore;
  let controllerSa: Awaited<ReturnType<typeof serviceAccountKubeconfig>>;
  let webhookSa: Awaited<ReturnType<typeof serviceAccountKubeconfig>>;
  const procs: Cli[] = [];
  const created: NewObject[] = [];

  /**
   * The controller CLI with the manifest's args, but for what only a pod has: its service account
   * (the kubeconfig; --namespace keeps it off other test files' ClusterDeployments on this shared
   * server), its port and its volume. Resolves once it leads.
   */
  async function startController(namespace: string, cloud: string, extra: string[] = []): Promise<Cli> {
    const args = controllerDeployment.args.flatMap((a): string[] => {
      if (a === '--in-cluster')
        return ['--kubeconfig', controllerSa.file, '--namespace', namespace, ...extra];
      if (a.startsWith('--metrics-port')) return ['--metrics-port=0', '--metrics-address=127.0.0.1'];
      if (a.startsWith('--simulated-state')) return [`--simulated-state=${cloud}`];
      return [a];
    });
    const ctl = new Cli(args);
    procs.push(ctl);
    await eventually(
      'the controller to lead',
      () => ctl.first('reconciling') ?? (ctl.running ? undefined : false),
    );
    expect(ctl.first('reconciling'), ctl.stderr).toBeDefined();
    return ctl;
  }

  beforeAll(async () => {
    admin = await openKubeStore({ kubeconfig: env!.kubeconfig, fieldManager: 'clustermint-rbac-test' });
    await installCrds(admin);
    // created for real (server-side apply: other files may have created some of them already)
    for (const file of ['manifests/00-namespace.yaml', 'manifests/10-rbac.yaml', 'webhook/rbac.yaml'])
      for (const o of manifests(file)) await admin.apply(o, { force: true });
    await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    controllerSa = await serviceAccountKubeconfig(
      env!,
      controllerDeployment.namespace,
      controllerDeployment.serviceAccount,
      dir,
    );
    webhookSa = await serviceAccountKubeconfig(
      env!,
      webhookDeployment.namespace,
      webhookDeployment.serviceAccount,
      dir,
    );
  });

  afterAll(async () => {
    for (const p of procs) if (p.running) p.proc.kill('SIGKILL');
    if (process.env.RBAC_DEBUG)
      for (const p of procs) for (const l of p.lines) console.log(p.proc.spawnargs[2], JSON.stringify(l));
    for (const o of created.reverse())
      await admin
        ?.delete({
          apiVersion: o.apiVersion,
          kind: o.kind,
          name: o.metadata.name!,
          ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
        })
        .catch(() => {});
    await admin?.close();
    await closeWorkloadClusters(workload);
  });

  it('each token is its ServiceAccount', async () => {
    for (const sa of [controllerSa, webhookSa]) {
      const r = await api(
        env!,
        'POST',
        '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        sa.token,
      );
      expect(r.status).toBe(201);
      expect(r.body.status.userInfo.username).toBe(sa.user);
      expect(r.body.status.userInfo.groups).not.toContain('system:masters');
    }
  });

  it('the controller provisions and deletes a ClusterDeployment under its ServiceAccount', async () => {
    // the ClusterRoleBinding is cluster-wide anyway; cluster-wide reads are checked by access review below
    const ctl = await startController(ns, cloudFile);
    expect(ctl.proc.spawnargs).toContain('--leader-elect');
    expect(ctl.proc.spawnargs).toContain(`--leader-election-namespace=${controllerDeployment.namespace}`);

    await admin.create({
      ...CD,
      metadata: { name: 'rbac', namespace: ns },
      spec: {
        template: 'simulated-standalone-cp',
        config: {
          controlPlaneNumber: 1,
          workersNumber: 1,
          bootDelay: '1s',
          k0s: { version: 'v1.33.4+k0s.0' },
        },
      },
    });
    const ready = (await eventually(
      'the ClusterDeployment to be Ready',
      async () => {
        // a refused request fails the test at once, not after the timeout
        expect(ctl.forbidden()).toEqual([]);
        const cd = (await admin.get({ ...CD, namespace: ns, name: 'rbac' })) as KubeObject & {
          status?: { conditions?: { type: string; status: string }[] };
        };
        return cd.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? cd : undefined;
      },
      60_000,
    )) as KubeObject;
    expect(ready.metadata.finalizers).toContain('clustermint.io/cluster-deployment');
    expect((await admin.list(MACHINE_TYPE, { namespace: ns })).items).toHaveLength(2);
    // its Events were stored (core/v1 Events, created under its token)
    expect(ctl.lines.some((l) => l.reason === 'MachineCreated')).toBe(true);
    const events = await admin.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
    expect(events.items.map((e) => (e as unknown as { reason: string }).reason)).toContain('MachineCreated');

    await admin.delete({ ...CD, namespace: ns, name: 'rbac' });
    await eventually(
      'the ClusterDeployment to be gone',
      async () => {
        try {
          await admin.get({ ...CD, namespace: ns, name: 'rbac' });
          expect(ctl.forbidden()).toEqual([]);
          return undefined;
        } catch (e) {
          if (isNotFound(e)) return true;
          throw e;
        }
      },
      30_000,
    );
    expect((await admin.list(MACHINE_TYPE, { namespace: ns })).items).toEqual([]);

    // SIGTERM: the Lease is released (an update under its token), exit 0
    ctl.proc.kill('SIGTERM');
    expect(await ctl.exit).toBe(0);
    const lease = await admin.get({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: controllerDeployment.namespace,
      name: 'clustermint-controller',
    });
    expect((lease.spec as { holderIdentity?: string }).holderIdentity ?? '').toBe('');
    expect(ctl.forbidden()).toEqual([]);
    expect(ctl.lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    // No Cluster API here: said once at start-up, naming the CRDs it needs (read under its token).
    const capi = ctl.lines.find((l) => l.provider === 'capi');
    expect(capi).toMatchObject({ level: 40, missing: expect.arrayContaining(['clusters.cluster.x-k8s.io']) });
    expect(String(capi?.msg)).toMatch(
      /^Cluster API is not installed in this cluster \(missing CRDs: clusters\.cluster\.x-k8s\.io, /,
    );

    const cloud = new SimulatedCloud({ clock: systemClock, path: cloudFile });
    try {
      expect(await cloud.listMachines(`${ns}/rbac`)).toEqual([]);
      expect(cloud.machineRecordCount()).toBe(2);
    } finally {
      cloud.close();
    }
  }, 90_000);

  it('bootstrap files from Secrets wait for a namespace to grant get, then go through', async () => {
    // The shipped role reads no Secrets: a template with `files[].contentFrom` leaves its pool
    // waiting (a Warning event says what to grant) until the namespace's Role/RoleBinding of
    // deploy/README.md lets the controller read them.
    const ns2 = `${ns}-files`;
    await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns2 } });
    await admin.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'registry-ca', namespace: ns2 },
      data: { 'ca.crt': Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64') },
    } as NewObject);
    const ctl = await startController(ns2, join(dir, 'cloud-files.db'), [
      '--templates',
      join(ROOT, 'test', 'controller', 'fixtures', 'templates'),
    ]);
    await admin.create({
      ...CD,
      metadata: { name: 'files', namespace: ns2 },
      spec: {
        template: 'sim-test',
        config: {
          workers: [{ name: 'md-0', replicas: 1 }],
          workerFiles: [
            {
              path: '/etc/ssl/certs/registry.pem',
              contentFrom: { secretRef: { name: 'registry-ca', key: 'ca.crt' } },
            },
          ],
        },
      },
    });
    const warning = (await eventually(
      'a Warning that the Secret may not be read',
      async () =>
        (
          await admin.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns2 })
        ).items.find((e) => (e as unknown as { reason: string }).reason === 'BootstrapFilesUnavailable'),
      60_000,
    )) as unknown as { type: string; message: string };
    expect(warning.type).toBe('Warning');
    expect(warning.message).toContain(
      `Secret ${ns2}/registry-ca (for /etc/ssl/certs/registry.pem) may not be read by the controller: grant its ServiceAccount get on secrets in ${ns2}`,
    );
    const machines = await admin.list(MACHINE_TYPE, { namespace: ns2 });
    expect(machines.items.filter((m) => (m.spec as { role?: string }).role === 'worker')).toEqual([]);

    // the namespace grants it, as deploy/README.md shows
    const grant = readmeGrant(ns2);
    expect(grant.map((o) => o.kind)).toEqual(['Role', 'RoleBinding']);
    for (const o of grant) await admin.create(o);
    await eventually(
      'the ClusterDeployment to be Ready',
      async () => {
        const cd = (await admin.get({ ...CD, namespace: ns2, name: 'files' })) as KubeObject & {
          status?: { conditions?: { type: string; status: string }[] };
        };
        return cd.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? cd : undefined;
      },
      60_000,
    );
    const workers = (await admin.list(MACHINE_TYPE, { namespace: ns2 })).items.filter(
      (m) => (m.spec as { role?: string }).role === 'worker',
    );
    expect(workers).toHaveLength(1);

    await admin.delete({ ...CD, namespace: ns2, name: 'files' });
    await eventually(
      'the ClusterDeployment to be gone',
      async () => {
        try {
          await admin.get({ ...CD, namespace: ns2, name: 'files' });
          return undefined;
        } catch (e) {
          if (isNotFound(e)) return true;
          throw e;
        }
      },
      30_000,
    );
    ctl.proc.kill('SIGTERM');
    expect(await ctl.exit).toBe(0);
  }, 150_000);

  it('services reach an adopted cluster once its namespace grants the kubeconfig Secret; the catalog needs no grant', async () => {
    // The platform's catalog (a ServiceTemplate of clustermint-system and its manifests ConfigMap,
    // which the shipped Role there lets it read) serves a team's adopted cluster, whose kubeconfig
    // Secret the controller may read only once the team's namespace grants it (deploy/README.md).
    const ns3 = `${ns}-svc`;
    const sys = controllerDeployment.namespace;
    const name = `rbac-${run}`;
    const CM = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
    const MCS = { apiVersion: 'clustermint.io/v1alpha1', kind: 'MultiClusterService' } as const;
    await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns3 } });
    await admin.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'w-kubeconfig', namespace: ns3 },
      data: { value: Buffer.from(workload![0]!.kubeconfig).toString('base64') },
    } as NewObject);
    const catalog: NewObject[] = [
      {
        ...CM,
        metadata: { name: `${name}-manifests`, namespace: sys },
        data: {
          'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: from-rbac }\ndata: { ok: "yes" }\n',
        },
      } as NewObject,
      {
        apiVersion: 'clustermint.io/v1alpha1',
        kind: 'ServiceTemplate',
        metadata: { name, namespace: sys },
        spec: { resources: { localSourceRef: { kind: 'ConfigMap', name: `${name}-manifests` } } },
      },
      {
        ...MCS,
        metadata: { name },
        spec: {
          clusterSelector: { matchLabels: { 'rbac-run': run } },
          serviceSpec: { services: [{ name: 'probe', namespace: 'rbac', template: name }] },
        },
      },
    ];
    for (const o of catalog) {
      await admin.create(o);
      created.push(o);
    }
    await admin.create({
      ...CD,
      metadata: { name: 'w', namespace: ns3, labels: { 'rbac-run': run } },
      spec: { template: 'adopted-cluster', config: { clusterIdentity: { name: 'w-kubeconfig' } } },
    });
    const ctl = await startController(ns3, join(dir, 'cloud-svc.db'), [
      '--adopted-probe',
      '1s',
      '--drift-interval',
      '1s',
    ]);
    type CdStatus = {
      conditions?: { type: string; status: string; reason: string; message: string }[];
      services?: { name: string; state: string; reason?: string }[];
    };
    const cdStatus = async () => (await admin.get({ ...CD, namespace: ns3, name: 'w' })).status as CdStatus;
    const refused = await eventually(
      'Ready False: the kubeconfig may not be read',
      async () => (await cdStatus())?.conditions?.find((c) => c.type === 'Ready' && c.reason === 'Forbidden'),
      30_000,
    );
    expect(refused.message).toContain(
      `Secret ${ns3}/w-kubeconfig (the kubeconfig) may not be read by the controller: grant its ServiceAccount get on secrets in ${ns3}`,
    );

    for (const o of readmeGrant(ns3)) await admin.create(o);
    await eventually(
      'the service Deployed',
      async () =>
        ((await cdStatus())?.services ?? []).find((x) => x.name === 'probe' && x.state === 'Deployed'),
      60_000,
    );
    const wc = await WorkloadClient.fromKubeconfig(workload![0]!.kubeconfig);
    try {
      expect(await wc.get({ ...CM, namespace: 'rbac', name: 'from-rbac' })).toBeDefined();
      // the MultiClusterService's status, written under the ServiceAccount
      await eventually('the MultiClusterService status', async () => {
        const st = (await admin.get({ ...MCS, name })).status as
          | { matchingClusters?: { deployed: boolean }[] }
          | undefined;
        return st?.matchingClusters?.[0]?.deployed === true ? st : undefined;
      });
      // deleting the MultiClusterService uninstalls it
      await admin.delete({ ...MCS, name });
      await eventually(
        'the service uninstalled',
        async () =>
          (await wc.get({ ...CM, namespace: 'rbac', name: 'from-rbac' })) === undefined ? true : undefined,
        30_000,
      );
    } finally {
      wc.close();
    }
    await admin.delete({ ...CD, namespace: ns3, name: 'w' });
    await eventually('the ClusterDeployment to be gone', async () => {
      try {
        await admin.get({ ...CD, namespace: ns3, name: 'w' });
        return undefined;
      } catch (e) {
        if (isNotFound(e)) return true;
        throw e;
      }
    });
    ctl.proc.kill('SIGTERM');
    expect(await ctl.exit).toBe(0);
    expect(ctl.lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    // what was refused is the kubeconfig before the grant, and nothing else
    expect(ctl.forbidden().filter((l) => !l.includes(`get on secrets in ${ns3}`))).toEqual([]);
  }, 150_000);

  it('the controller may do what it needs, cluster-wide, and no more', async () => {
    const leaseNs = controllerDeployment.namespace;
    const cm = 'clustermint.io';
    expect(
      await missing(env!, controllerSa.token, [
        { verb: 'watch', group: cm, resource: 'clusterdeployments' },
        { verb: 'update', group: cm, resource: 'clusterdeployments', namespace: ns },
        { verb: 'update', group: cm, resource: 'clusterdeployments', subresource: 'status', namespace: ns },
        { verb: 'create', group: cm, resource: 'machines', namespace: ns },
        { verb: 'delete', group: cm, resource: 'machines', namespace: ns },
        { verb: 'watch', group: cm, resource: 'clustertemplatechains' },
        { verb: 'get', resource: 'namespaces', name: ns },
        { verb: 'create', resource: 'events', namespace: ns },
        { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: leaseNs },
        // services
        { verb: 'watch', group: cm, resource: 'multiclusterservices' },
        { verb: 'update', group: cm, resource: 'multiclusterservices', subresource: 'status' },
        { verb: 'watch', group: cm, resource: 'servicetemplates' },
        { verb: 'list', group: cm, resource: 'servicetemplatechains', namespace: ns },
        { verb: 'update', group: cm, resource: 'servicetemplates', subresource: 'status', namespace: ns },
        { verb: 'get', resource: 'configmaps', namespace: leaseNs },
        // tenancy: the copies an AccessManagement distributes, Credentials and their identities,
        // the audit trail
        { verb: 'create', group: cm, resource: 'clustertemplates', namespace: ns },
        { verb: 'delete', group: cm, resource: 'clustertemplatechains', namespace: ns },
        { verb: 'update', group: cm, resource: 'servicetemplates', namespace: ns },
        { verb: 'delete', group: cm, resource: 'servicetemplatechains', namespace: ns },
        { verb: 'create', group: cm, resource: 'credentials', namespace: ns },
        { verb: 'update', group: cm, resource: 'credentials', subresource: 'status', namespace: ns },
        { verb: 'watch', group: cm, resource: 'accessmanagements' },
        { verb: 'update', group: cm, resource: 'accessmanagements', subresource: 'status' },
        { verb: 'list', group: cm, resource: 'providerinterfaces' },
        { verb: 'get', group: 'infrastructure.clustermint.io', resource: 'simulatedclusteridentities' },
        { verb: 'get', group: 'infrastructure.cluster.x-k8s.io', resource: 'awsclusterstaticidentities' },
        { verb: 'get', resource: 'secrets', namespace: leaseNs },
        { verb: 'create', group: cm, resource: 'deploymenthistories', namespace: ns },
        { verb: 'delete', group: cm, resource: 'deploymenthistories', namespace: ns },
        { verb: 'list', group: 'addons.cluster.x-k8s.io', resource: 'clusterresourcesets', namespace: ns },
        {
          verb: 'update',
          group: 'addons.cluster.x-k8s.io',
          resource: 'clusterresourcesets',
          subresource: 'status',
          namespace: ns,
        },
        {
          verb: 'create',
          group: 'addons.cluster.x-k8s.io',
          resource: 'clusterresourcesetbindings',
          namespace: ns,
        },
        {
          verb: 'update',
          group: 'addons.cluster.x-k8s.io',
          resource: 'clusterresourcesetbindings',
          namespace: ns,
        },
      ]),
    ).toEqual([]);
    expect(
      await granted(env!, controllerSa.token, [
        // no Secrets or ConfigMaps anywhere but the identities' Secrets (get, in its namespace)
        { verb: 'get', resource: 'secrets' },
        { verb: 'get', resource: 'secrets', namespace: ns },
        { verb: 'list', resource: 'secrets', namespace: ns },
        { verb: 'list', resource: 'secrets', namespace: leaseNs },
        { verb: 'update', resource: 'secrets', namespace: leaseNs },
        { verb: 'list', resource: 'configmaps' },
        // a team's namespace grants its own (deploy/README.md); its own namespace: ConfigMaps, get only
        { verb: 'get', resource: 'configmaps', namespace: ns },
        { verb: 'list', resource: 'configmaps', namespace: leaseNs },
        { verb: 'update', resource: 'configmaps', namespace: leaseNs },
        // namespaces are read, never written
        { verb: 'create', resource: 'namespaces' },
        { verb: 'delete', resource: 'namespaces', name: ns },
        { verb: 'update', resource: 'namespaces', name: ns },
        // Leases only in its own namespace
        { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: ns },
        { verb: 'create', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system' },
        { verb: 'delete', group: 'coordination.k8s.io', resource: 'leases', namespace: leaseNs },
        // the platform's AccessManagement, ProviderInterfaces, identities, policies and CRDs are
        // not its to write
        { verb: 'create', group: cm, resource: 'accessmanagements' },
        { verb: 'update', group: cm, resource: 'accessmanagements' },
        { verb: 'create', group: cm, resource: 'providerinterfaces' },
        { verb: 'create', group: 'infrastructure.clustermint.io', resource: 'simulatedclusteridentities' },
        { verb: 'update', group: cm, resource: 'multiclusterservices' },
        { verb: 'delete', group: cm, resource: 'multiclusterservices' },
        { verb: 'create', group: 'addons.cluster.x-k8s.io', resource: 'clusterresourcesets', namespace: ns },
        {
          verb: 'delete',
          group: 'addons.cluster.x-k8s.io',
          resource: 'clusterresourcesetbindings',
          namespace: ns,
        },
        { verb: 'create', group: 'json.kyverno.io', resource: 'validatingpolicies' },
        { verb: 'create', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
        // Events are written, not deleted (the API server's --event-ttl expires them)
        { verb: 'delete', resource: 'events', namespace: ns },
        // nothing that runs code or grants rights
        { verb: 'create', resource: 'pods', namespace: ns },
        { verb: 'create', group: 'apps', resource: 'deployments', namespace: ns },
        { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
        { verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
        { verb: 'impersonate', resource: 'serviceaccounts' },
        { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: leaseNs },
        {
          verb: 'create',
          group: 'admissionregistration.k8s.io',
          resource: 'validatingwebhookconfigurations',
        },
      ]),
    ).toEqual([]);
  });

  it('the webhook loads its cluster sources under its ServiceAccount', async () => {
    // A ClusterClass that references a template of a served kind twice: one that exists, one that
    // does not (a NotFound, not a Forbidden, proves the get was authorized).
    // the same minimal ClusterClass CRD as webhook.test.ts (created, not applied: shared server)
    const classCrd = openCrd('cluster.x-k8s.io', 'v1beta2', 'ClusterClass', 'clusterclasses');
    await admin.create(classCrd).catch((e) => {
      if (!isAlreadyExists(e)) throw e;
    });
    const probeCrd = openCrd(
      'infrastructure.clustermint.io',
      'v1alpha1',
      'RbacProbeTemplate',
      'rbacprobetemplates',
    );
    await admin.create(probeCrd);
    created.push(probeCrd);
    for (const c of [classCrd, probeCrd])
      await eventually(`CRD ${c.metadata.name}`, async () => {
        const got = await admin.get({ apiVersion: c.apiVersion, kind: c.kind, name: c.metadata.name });
        const conds = ((got.status as any)?.conditions ?? []) as { type: string; status: string }[];
        return conds.some((x) => x.type === 'Established' && x.status === 'True') ? true : undefined;
      });
    const probe = { apiVersion: 'infrastructure.clustermint.io/v1alpha1', kind: 'RbacProbeTemplate' };
    await eventually('the probe kind to be served', async () => {
      try {
        return await admin.create({ ...probe, metadata: { name: 'present', namespace: ns }, spec: {} });
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    });
    const clusterClass = {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'ClusterClass',
      metadata: { name: `rbac-${run}`, namespace: ns },
      spec: {
        infrastructure: { templateRef: { ...probe, name: 'present' } },
        controlPlane: { templateRef: { ...probe, name: 'absent' } },
      },
    };
    await admin.create(clusterClass);
    created.push(clusterClass);

    const certs = webhookCertificates();
    const web = new Cli([
      'webhook',
      '--tls-cert',
      certs.certFile,
      '--tls-key',
      certs.keyFile,
      '--kubeconfig',
      webhookSa.file,
      '--port',
      '0',
      '--address',
      '127.0.0.1',
      '--policies',
      join(ROOT, 'policies'),
      '--cluster-refresh',
      '1',
    ]);
    procs.push(web);
    await eventually(
      'the webhook to listen',
      () => web.first('listening') ?? (web.running ? undefined : false),
      30_000,
    );
    expect(web.first('listening'), web.stderr).toBeDefined();
    const loaded = web.first('loaded') as { candidates: number; clusterTemplates: number };
    // the built-in ClusterClasses, ours and the one template of it that exists
    expect(loaded.candidates).toBe(templateDirDocuments([BUILTIN_CLUSTERCLASSES_DIR]).length + 2);
    expect(typeof loaded.clusterTemplates).toBe('number'); // ClusterTemplates were listed
    expect(
      web.lines.find((l) => l.msg === 'a ClusterClass references a template that does not exist'),
    ).toMatchObject({
      ref: `${probe.apiVersion}/${probe.kind}/${ns}/absent`,
    });
    // a background re-list (every second) under the same token
    await new Promise((r) => setTimeout(r, 2_500));
    web.proc.kill('SIGTERM');
    expect(await web.exit).toBe(0);
    expect(web.first('shutting down')).toBeDefined();
    expect(web.forbidden()).toEqual([]);
    expect(web.lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  }, 60_000);

  it('the webhook reads, and writes only DeploymentHistories', async () => {
    const cm = 'clustermint.io';
    expect(
      await missing(env!, webhookSa.token, [
        { verb: 'list', group: cm, resource: 'clustertemplates' },
        { verb: 'list', group: 'json.kyverno.io', resource: 'validatingpolicies' },
        { verb: 'list', group: 'cluster.x-k8s.io', resource: 'clusterclasses' },
        {
          verb: 'get',
          group: 'infrastructure.clustermint.io',
          resource: 'rbacprobetemplates',
          namespace: ns,
        },
        { verb: 'list', resource: 'namespaces' },
        // tenancy: the admission facts, the users a deletion guard names, the audit trail
        ...[
          'credentials',
          'servicetemplates',
          'servicetemplatechains',
          'clustertemplatechains',
          'providerinterfaces',
          'accessmanagements',
          'clusterdeployments',
          'multiclusterservices',
        ].map((resource) => ({ verb: 'list', group: cm, resource })),
        { verb: 'get', group: cm, resource: 'deploymenthistories', namespace: ns },
        { verb: 'create', group: cm, resource: 'deploymenthistories', namespace: ns },
        { verb: 'update', group: cm, resource: 'deploymenthistories', namespace: ns },
      ]),
    ).toEqual([]);
    expect(
      await granted(env!, webhookSa.token, [
        // the audit trail is appended to, never removed; nothing else is written
        { verb: 'delete', group: cm, resource: 'deploymenthistories', namespace: ns },
        { verb: 'update', group: cm, resource: 'credentials', namespace: ns },
        { verb: 'create', group: cm, resource: 'accessmanagements' },
        { verb: 'create', group: cm, resource: 'clusterdeployments', namespace: ns },
        { verb: 'update', group: cm, resource: 'clusterdeployments', subresource: 'status', namespace: ns },
        { verb: 'get', group: cm, resource: 'clusterdeployments', namespace: ns },
        { verb: 'update', group: cm, resource: 'clustertemplates', namespace: ns },
        { verb: 'delete', group: 'json.kyverno.io', resource: 'validatingpolicies' },
        { verb: 'get', resource: 'secrets', namespace: ns },
        { verb: 'list', resource: 'secrets' },
        { verb: 'create', resource: 'events', namespace: ns },
        {
          verb: 'create',
          group: 'coordination.k8s.io',
          resource: 'leases',
          namespace: webhookDeployment.namespace,
        },
        { verb: 'delete', resource: 'namespaces', name: ns },
        { verb: 'list', group: 'infrastructure.clustermint.io', resource: 'rbacprobetemplates' },
        {
          verb: 'update',
          group: 'infrastructure.clustermint.io',
          resource: 'rbacprobetemplates',
          namespace: ns,
        },
        { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
      ]),
    ).toEqual([]);
  });
});
