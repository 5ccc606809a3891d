// Tenancy on a real API server (docs/tenancy.md): the webhook and the controller run as the
// built CLI under the shipped ServiceAccounts (TokenRequest tokens, deploy/ RBAC), each team acts
// under a ServiceAccount of its namespace bound to the shipped ClusterRole clustermint-team, and an
// AccessManagement gives team A a template and a Credential, team B another set (a chain, a
// service template). The isolation matrix: team A with each of team B's things is a denial that
// names the admission rule (webhook) or RBAC's Forbidden; team A's own deployment goes through;
// what a deployment uses cannot be deleted; revoking access keeps the running cluster and
// refuses a new one; every attempt is in the deployment's history under the ServiceAccount's name.
//
// An AccessManagement switches the whole cluster into tenancy mode, so this file runs on an API
// server of its own (test/testenv/workload.ts), not the one other files share. Needs `npm run
// build` (skipped without dist/).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../src/store/errors.js';
import { installCrds, type KubeStore, openKubeStore } from '../../src/store/kube/index.js';
import type { KubeObject, NewObject } from '../../src/store/types.js';
import { BIN, CliProcess, cliBuilt, eventually, ROOT } from '../helpers/process.js';
import { webhookCertificates } from '../testenv/index.js';
import { closeWorkloadClusters, startWorkloadClusters } from '../testenv/workload.js';
import { type Access, granted, missing, serviceAccountKubeconfig } from './service-accounts.js';

const built = cliBuilt();
if (!built) console.warn('skipping the tenancy test: run npm run build first');
const clusters = built ? await startWorkloadClusters(1, 'tenancy isolation') : undefined;
const server = clusters?.[0];

const V1 = 'clustermint.io/v1alpha1';
const SYS = 'clustermint-system';
const A = 'tenant-a';
const B = 'tenant-b';
const SIM = 'simulated-standalone-cp';
const CD = { apiVersion: V1, kind: 'ClusterDeployment' } as const;
const T = (kind: string) => ({ apiVersion: V1, kind });

type Manifest = NewObject & { spec?: any };
const manifests = (file: string): Manifest[] =>
  (jsyaml.loadAll(readFileSync(join(ROOT, 'deploy', file), 'utf8')) as Manifest[]).filter(
    (o) => o && typeof o === 'object',
  );

/** The args of a shipped Deployment's container. */
const argsOf = (file: string): string[] =>
  manifests(file).find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0].args;

/** What a call fails with: the API server's status (code and message). */
async function refusal(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (e) {
    const err = e as { code?: number; message: string };
    return { code: err.code ?? 0, message: err.message };
  }
  throw new Error('the call succeeded');
}

const WEBHOOK_DENIAL = /admission webhook "[a-z.]+" denied the request/;
const rbacDenial = (ns: string) =>
  new RegExp(`User "system:serviceaccount:${A}:deployer" cannot \\w+ resource .* in the namespace "${ns}"`);

/** A deployment of team A's: the simulated template, small and quick. */
const deployment = (name: string, spec: Record<string, unknown>): NewObject =>
  ({
    ...CD,
    metadata: { name, namespace: A },
    spec: {
      config: { controlPlaneNumber: 1, workersNumber: 1, bootDelay: '1s' },
      ...spec,
    },
  }) as NewObject;

const ready = (o: KubeObject | undefined, type = 'Ready') =>
  ((o?.status as any)?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');

describe.skipIf(!server)('tenancy: two teams on a real API server, shipped RBAC and team role', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm-tenancy-'));
  let admin: KubeStore;
  let teamA: KubeStore;
  let teamB: KubeStore;
  let tokenA: string;
  let kubeconfigA: string;
  let kubeconfigB: string;
  const procs: CliProcess[] = [];

  const get = (store: KubeStore, kind: string, namespace: string | undefined, name: string) =>
    store.get({ ...T(kind), ...(namespace ? { namespace } : {}), name });
  const getOrUndefined = async (kind: string, namespace: string, name: string) => {
    try {
      return await get(admin, kind, namespace, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  const labels = (o: KubeObject | undefined) => o?.metadata.labels ?? {};

  /** Two rules: team A gets sim-a and cred-a (and svc-a), team B a chain, cred-b and svc-b. */
  const ruleA = {
    targetNamespaces: { list: [A] },
    credentials: ['cred-a'],
    resources: [
      { kind: 'ClusterTemplate', names: ['sim-a'] },
      { kind: 'ServiceTemplate', names: ['svc-a'] },
    ],
  };
  const ruleB = {
    targetNamespaces: { selector: { matchLabels: { team: 'b' } } },
    clusterTemplateChains: ['chain-b'],
    credentials: ['cred-b'],
    resources: [{ kind: 'ServiceTemplate', names: ['svc-b'] }],
  };

  beforeAll(async () => {
    admin = await openKubeStore({ kubeconfig: server!.kubeconfigPath, fieldManager: 'tenancy-test' });
    await installCrds(admin);
    for (const file of [
      'manifests/00-namespace.yaml',
      'manifests/10-rbac.yaml',
      'webhook/rbac.yaml',
      'manifests/40-team-role.yaml',
    ])
      for (const o of manifests(file)) await admin.apply(o, { force: true });

    // two teams: a namespace, a ServiceAccount, the team role bound there
    for (const [ns, team] of [
      [A, 'a'],
      [B, 'b'],
    ] as const) {
      await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team } } });
      await admin.create({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'deployer', namespace: ns },
      });
      await admin.create({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'clustermint-team', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'clustermint-team' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
      } as NewObject);
    }
    const sa = (ns: string, name: string) => serviceAccountKubeconfig(server!, ns, name, dir);
    const [controllerSa, webhookSa, saA, saB] = await Promise.all([
      sa(SYS, 'clustermint-controller'),
      sa(SYS, 'clustermint-webhook'),
      sa(A, 'deployer'),
      sa(B, 'deployer'),
    ]);
    tokenA = saA.token;
    kubeconfigA = saA.file;
    kubeconfigB = saB.file;
    teamA = await openKubeStore({ kubeconfig: saA.file, fieldManager: 'team-a' });
    teamB = await openKubeStore({ kubeconfig: saB.file, fieldManager: 'team-b' });

    // the platform's objects in the system namespace
    const platform: NewObject[] = [
      ...['sim-a', 'sim-b'].map(
        (name) =>
          ({
            ...T('ClusterTemplate'),
            metadata: { name, namespace: SYS },
            spec: { helm: { chartSpec: { chart: SIM } } },
          }) as NewObject,
      ),
      {
        ...T('ClusterTemplateChain'),
        metadata: { name: 'chain-b', namespace: SYS },
        spec: { supportedTemplates: [{ name: 'sim-b' }] },
      } as NewObject,
      ...['a', 'b'].flatMap((t) => [
        {
          apiVersion: 'infrastructure.clustermint.io/v1alpha1',
          kind: 'SimulatedClusterIdentity',
          metadata: { name: `ident-${t}` },
          // CAPA's rule: an identity serves the namespaces it lists, none when unset
          spec: { allowedNamespaces: { list: [`tenant-${t}`] } },
        } as NewObject,
        {
          ...T('Credential'),
          metadata: { name: `cred-${t}`, namespace: SYS },
          spec: {
            identityRef: {
              apiVersion: 'infrastructure.clustermint.io/v1alpha1',
              kind: 'SimulatedClusterIdentity',
              name: `ident-${t}`,
            },
            description: `team ${t}'s simulated cloud`,
          },
        } as NewObject,
        {
          ...T('ServiceTemplate'),
          metadata: { name: `svc-${t}`, namespace: SYS },
          spec: { resources: { localSourceRef: { kind: 'ConfigMap', name: 'svc-manifests' } } },
        } as NewObject,
      ]),
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'svc-manifests', namespace: SYS },
        data: { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: probe}\n' },
      } as NewObject,
    ];
    for (const o of platform) await admin.create(o);

    // the webhook, under its ServiceAccount, behind the shipped configurations
    const certs = webhookCertificates();
    const policies = mkdtempSync(join(tmpdir(), 'cm-tenancy-policies-'));
    expect(argsOf('manifests/30-webhook.yaml')).toContain('--in-cluster');
    const web = new CliProcess([
      'webhook',
      ...['--tls-cert', certs.certFile, '--tls-key', certs.keyFile, '--kubeconfig', webhookSa.file],
      ...['--port', '0', '--address', '127.0.0.1', '--policies', policies, '--cluster-refresh', '1'],
    ]);
    procs.push(web);
    const listening = await eventually(
      'the webhook to listen',
      () => web.first('listening') ?? (web.running ? undefined : false),
      60_000,
    );
    expect(listening, web.stderr).toBeTruthy();
    for (const config of manifests('webhook/webhook-configurations.yaml')) {
      for (const w of (config as any).webhooks)
        w.clientConfig = {
          url: `https://127.0.0.1:${(listening as { port: number }).port}${w.clientConfig.service.path}`,
          caBundle: certs.caBundle,
        };
      await admin.create(config);
    }

    // the controller, under its ServiceAccount, with the shipped args
    const args = argsOf('manifests/20-controller.yaml').flatMap((a): string[] => {
      if (a === '--in-cluster') return ['--kubeconfig', controllerSa.file];
      if (a.startsWith('--metrics-port')) return ['--metrics-port=0', '--metrics-address=127.0.0.1'];
      if (a.startsWith('--simulated-state')) return [`--simulated-state=${join(dir, 'cloud.db')}`];
      return [a];
    });
    const ctl = new CliProcess(args);
    procs.push(ctl);
    await eventually(
      'the controller to lead',
      () => ctl.first('reconciling') ?? (ctl.running ? undefined : false),
      60_000,
    );
    expect(ctl.first('reconciling'), ctl.stderr).toBeDefined();

    // the platform distributes (the API server calls the webhook: wait until it answers)
    const am = {
      ...T('AccessManagement'),
      metadata: { name: 'kcm' },
      spec: { accessRules: [ruleA, ruleB] },
    } as NewObject;
    await eventually('the AccessManagement to be admitted', async () => {
      try {
        return await admin.create(am);
      } catch (e) {
        if (/failed calling webhook/.test((e as Error).message)) return undefined;
        throw e;
      }
    });
    await eventually(
      'the copies in both namespaces, the Credentials Ready',
      async () => {
        const copies = await Promise.all([
          getOrUndefined('ClusterTemplate', A, 'sim-a'),
          getOrUndefined('Credential', A, 'cred-a'),
          getOrUndefined('ServiceTemplate', A, 'svc-a'),
          getOrUndefined('ClusterTemplateChain', B, 'chain-b'),
          getOrUndefined('ClusterTemplate', B, 'sim-b'),
          getOrUndefined('Credential', B, 'cred-b'),
          getOrUndefined('ServiceTemplate', B, 'svc-b'),
        ]);
        if (copies.some((c) => !c)) return undefined;
        if (!copies.every((c) => labels(c)['clustermint.io/managed'] === 'true')) return undefined;
        const creds = [copies[1], copies[5]];
        return creds.every((c) => (c!.status as any)?.ready === true) ? copies : undefined;
      },
      90_000,
    );
  }, 240_000);

  afterAll(async () => {
    for (const p of procs) if (p.running) p.proc.kill('SIGKILL');
    if (process.env.TENANCY_DEBUG) {
      for (const p of procs) for (const l of p.lines) console.log(p.proc.spawnargs[2], JSON.stringify(l));
      for (const o of (await admin.list(CD, { namespace: A })).items)
        console.log('object', JSON.stringify(o));
    }
    await Promise.all([admin?.close(), teamA?.close(), teamB?.close()]);
    await closeWorkloadClusters(clusters);
  });

  it('the team role: its namespace, read-only templates and Credentials, no other namespace', async () => {
    const cm = 'clustermint.io';
    const own: Access[] = [
      { verb: 'create', group: cm, resource: 'clusterdeployments', namespace: A },
      { verb: 'delete', group: cm, resource: 'clusterdeployments', namespace: A },
      { verb: 'list', group: cm, resource: 'clustertemplates', namespace: A },
      { verb: 'watch', group: cm, resource: 'credentials', namespace: A },
      { verb: 'get', group: cm, resource: 'clustertemplatechains', namespace: A },
      { verb: 'get', group: cm, resource: 'servicetemplates', namespace: A },
      { verb: 'list', group: cm, resource: 'deploymenthistories', namespace: A },
      { verb: 'get', resource: 'secrets', namespace: A },
    ];
    expect(await missing(server!, tokenA, own)).toEqual([]);
    expect(
      await granted(server!, tokenA, [
        // nothing in team B's namespace, nor cluster-wide
        ...own.map((a) => ({ ...a, namespace: B })),
        { verb: 'list', group: cm, resource: 'clusterdeployments' },
        { verb: 'get', group: cm, resource: 'accessmanagements' },
        // the platform's things are not the team's to write
        { verb: 'create', group: cm, resource: 'clustertemplates', namespace: A },
        { verb: 'delete', group: cm, resource: 'clustertemplates', namespace: A },
        { verb: 'update', group: cm, resource: 'credentials', namespace: A },
        { verb: 'create', group: cm, resource: 'credentials', namespace: A },
        { verb: 'delete', group: cm, resource: 'deploymenthistories', namespace: A },
        { verb: 'update', group: cm, resource: 'clusterdeployments', subresource: 'status', namespace: A },
        // kubeconfigs are read by name, never listed
        { verb: 'list', resource: 'secrets', namespace: A },
        { verb: 'create', resource: 'secrets', namespace: A },
      ]),
    ).toEqual([]);
  });

  it('team A deploys with its own template and Credential; the cluster gets ready', async () => {
    const prod = deployment('a-prod', { template: 'sim-a', credential: 'cred-a' });
    // the webhook re-lists the cluster every second: a server-side dry run (never recorded in the
    // history) says when it has seen the copies and the Credential's status
    let last = '';
    await eventually(
      'the webhook to admit it (dry run)',
      () =>
        teamA.http
          .request({
            method: 'POST',
            path: `/apis/clustermint.io/v1alpha1/namespaces/${A}/clusterdeployments`,
            query: { dryRun: 'All' },
            body: prod,
          })
          .then(
            () => true,
            (e) => {
              last = (e as Error).message;
              return undefined;
            },
          ),
      30_000,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}: ${last}`);
    });
    await teamA.create(prod);
    const cd = await eventually(
      'a-prod Ready',
      async () => {
        const got = await get(admin, 'ClusterDeployment', A, 'a-prod');
        return ready(got) ? got : undefined;
      },
      90_000,
    );
    expect(ready(cd)).toBeTruthy();
  }, 120_000);

  it("team A with team B's template, Credential, chain, service template or kubeconfig: each denied", async () => {
    // the webhook, naming the rule
    const bTemplate = await refusal(
      teamA.create(deployment('a-b-template', { template: 'sim-b', credential: 'cred-a' })),
    );
    expect(bTemplate.code).toBe(403);
    expect(bTemplate.message).toMatch(WEBHOOK_DENIAL);
    expect(bTemplate.message).toContain(
      `[admission/template-exists] $.spec.template: ClusterTemplate sim-b not found in namespace ${A}; the platform distributes templates through AccessManagement`,
    );
    const bCred = await refusal(
      teamA.create(deployment('a-b-cred', { template: 'sim-a', credential: 'cred-b' })),
    );
    expect(bCred.message).toMatch(WEBHOOK_DENIAL);
    expect(bCred.message).toContain(
      `[admission/credential-exists] $.spec.credential: Credential ${A}/cred-b not found`,
    );
    const noCred = await refusal(teamA.create(deployment('a-no-cred', { template: 'sim-a' })));
    expect(noCred.message).toContain('[admission/credential-required]');
    const catalog = await refusal(
      teamA.create(deployment('a-catalog', { template: SIM, credential: 'cred-a' })),
    );
    expect(catalog.message).toContain(
      `[admission/template-access] $.spec.template: ClusterTemplate ${SIM} is not available in namespace ${A}`,
    );
    const bService = await refusal(
      teamA.create(
        deployment('a-b-service', {
          template: 'sim-a',
          credential: 'cred-a',
          serviceSpec: { services: [{ name: 'svc', namespace: 'default', template: 'svc-b' }] },
        }),
      ),
    );
    expect(bService.message).toContain(`[admission/service-template-valid]`);
    expect(bService.message).toContain(`ServiceTemplate ${A}/svc-b not found`);
    // team B's chain offers sim-b: not to team A's running deployment
    const running = await get(teamA, 'ClusterDeployment', A, 'a-prod');
    const upgrade = await refusal(
      teamA.update({ ...running, spec: { ...(running.spec as object), template: 'sim-b' } }),
    );
    expect(upgrade.message).toMatch(WEBHOOK_DENIAL);
    expect(upgrade.message).toContain('[admission/template-upgrade]');
    expect(upgrade.message).toContain('cannot upgrade from sim-a to sim-b');

    // RBAC: team B's namespace is not team A's to read or write
    await admin.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'b-prod-kubeconfig', namespace: B },
      data: { value: Buffer.from('apiVersion: v1\nkind: Config\n').toString('base64') },
    } as NewObject);
    const kubeconfig = { apiVersion: 'v1', kind: 'Secret', namespace: B, name: 'b-prod-kubeconfig' };
    expect((await teamB.get(kubeconfig)).metadata.name).toBe('b-prod-kubeconfig');
    for (const [kind, name] of [
      ['ClusterTemplate', 'sim-b'],
      ['Credential', 'cred-b'],
      ['ClusterTemplateChain', 'chain-b'],
      ['ServiceTemplate', 'svc-b'],
    ]) {
      const r = await refusal(get(teamA, kind, B, name));
      expect(r.code, kind).toBe(403);
      expect(r.message).toMatch(rbacDenial(B));
    }
    const secret = await refusal(teamA.get(kubeconfig));
    expect(secret.code).toBe(403);
    expect(secret.message).toMatch(rbacDenial(B));
    const inB = await refusal(
      teamA.create({
        ...deployment('a-in-b', { template: 'sim-b', credential: 'cred-b' }),
        metadata: { name: 'a-in-b', namespace: B },
      }),
    );
    expect(inB.code).toBe(403);
    expect(inB.message).toMatch(rbacDenial(B));
    const del = await refusal(teamA.delete({ ...T('Credential'), namespace: B, name: 'cred-b' }));
    expect(del.message).toMatch(rbacDenial(B));
  }, 60_000);

  it('what a deployment uses cannot be deleted; the refusal names the deployment', async () => {
    const copy = await refusal(admin.delete({ ...T('ClusterTemplate'), namespace: A, name: 'sim-a' }));
    expect(copy.message).toMatch(WEBHOOK_DENIAL);
    expect(copy.message).toContain(
      `ClusterTemplate ${A}/sim-a is in use and cannot be deleted: used by ClusterDeployment ${A}/a-prod`,
    );
    // the platform's Credential: used through its copy in team A's namespace
    const origin = await refusal(admin.delete({ ...T('Credential'), namespace: SYS, name: 'cred-a' }));
    expect(origin.message).toContain(`Credential ${SYS}/cred-a is in use and cannot be deleted`);
    expect(origin.message).toContain(`${A}/a-prod`);
    expect(await getOrUndefined('Credential', A, 'cred-a')).toBeDefined();
  });

  it('revoking access keeps the running deployment and refuses a new one', async () => {
    const am = await admin.get({ ...T('AccessManagement'), name: 'kcm' });
    await admin.update({ ...am, spec: { accessRules: [ruleB] } });
    // the copies in use stay, labelled revoked
    await eventually(
      "team A's copies labelled revoked",
      async () => {
        const [tpl, cred] = await Promise.all([
          getOrUndefined('ClusterTemplate', A, 'sim-a'),
          getOrUndefined('Credential', A, 'cred-a'),
        ]);
        return labels(tpl)['clustermint.io/access-revoked'] === 'true' &&
          labels(cred)['clustermint.io/access-revoked'] === 'true'
          ? true
          : undefined;
      },
      60_000,
    );
    // the unused copy (svc-a) is gone
    await eventually('the unused copy removed', async () =>
      (await getOrUndefined('ServiceTemplate', A, 'svc-a')) === undefined ? true : undefined,
    );
    // a new deployment is refused (once the webhook has seen the label: it re-lists every second)
    const denied = await eventually(
      'a new deployment refused',
      async () => {
        const r = await refusal(
          teamA.create(deployment('a-new', { template: 'sim-a', credential: 'cred-a' })),
        ).catch(() => undefined);
        if (r?.message.includes('[admission/')) return r;
        // admitted before the webhook saw the label, or the last attempt's object is still being
        // deleted ("object is being deleted: ... already exists"): delete it and try again
        await admin.delete({ ...CD, namespace: A, name: 'a-new' }).catch(() => {});
        return undefined;
      },
      60_000,
    );
    expect(denied.message).toContain(
      `[admission/template-access] $.spec.template: access to ClusterTemplate sim-a was revoked from namespace ${A}`,
    );
    expect(denied.message).toContain(
      `[admission/credential-access] $.spec.credential: access to Credential cred-a was revoked from namespace ${A}`,
    );
    // the running one keeps running (Ready) and says why it may not move (AccessRevoked)
    const running = await eventually(
      'a-prod Ready and AccessRevoked',
      async () => {
        const got = await get(admin, 'ClusterDeployment', A, 'a-prod');
        return ready(got, 'AccessRevoked') && ready(got) ? got : undefined;
      },
      30_000,
    );
    expect(ready(running, 'AccessRevoked').message).toContain(
      `access to ClusterTemplate sim-a and Credential cred-a was revoked from namespace ${A}`,
    );
    // and may still be changed (the revoked template and Credential are warnings then)
    const fresh = await get(teamA, 'ClusterDeployment', A, 'a-prod');
    const spec = fresh.spec as { config: Record<string, unknown> };
    await teamA.update({ ...fresh, spec: { ...spec, config: { ...spec.config, workersNumber: 2 } } });
  }, 120_000);

  it("every attempt is in the deployment's history, under the ServiceAccount's name", async () => {
    const user = `system:serviceaccount:${A}:deployer`;
    const history = async (name: string) =>
      ((await get(teamA, 'DeploymentHistory', A, name)).spec as { entries: Record<string, any>[] }).entries;
    const prod = await eventually('a-prod history: created and changed', async () => {
      const entries = await history('a-prod').catch(() => []);
      return entries.some((e) => e.action === 'changed') ? entries : undefined;
    });
    expect(prod[0]).toMatchObject({
      user,
      via: 'webhook',
      action: 'created',
      template: 'sim-a',
      credential: 'cred-a',
      allowed: true,
    });
    expect(prod).toContainEqual(
      expect.objectContaining({
        user,
        action: 'denied',
        allowed: false,
        template: 'sim-b',
        fromTemplate: 'sim-a',
        violations: expect.arrayContaining([expect.stringContaining('[admission/template-upgrade]')]),
      }),
    );
    const denied = await history('a-b-cred');
    expect(denied).toEqual([
      expect.objectContaining({
        user,
        groups: expect.arrayContaining(['system:serviceaccounts', `system:serviceaccounts:${A}`]),
        action: 'denied',
        allowed: false,
        credential: 'cred-b',
        violations: [expect.stringContaining('[admission/credential-exists]')],
      }),
    ]);
    // team B may not read team A's history
    const r = await refusal(get(teamB, 'DeploymentHistory', A, 'a-prod'));
    expect(r.code).toBe(403);
  });

  it("`clustermint history` prints it under team A's own ServiceAccount", () => {
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
    if (!/^ {2}history\b/m.test(cli(['--help']).stdout)) {
      console.warn('skipping the history command check: this build has no `clustermint history`');
      return;
    }
    const out = cli(['history', 'a-prod', '-n', A, '--kubeconfig', kubeconfigA]);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(/^TIME\s+USER\s+ACTION\s+TEMPLATE\s+VERDICT/);
    expect(lines.find((l) => /\bcreated\b/.test(l))).toContain(`system:serviceaccount:${A}:deployer`);
    expect(out.stdout).toContain('[admission/template-upgrade]');
    // team B's ServiceAccount may not read it
    const other = cli(['history', 'a-prod', '-n', A, '--kubeconfig', kubeconfigB]);
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(/forbidden/i);
  });

  it('neither the webhook nor the controller met a Forbidden or an error', () => {
    for (const p of procs) {
      // the webhook's denials are logged (at info, with their message): they are not refusals it met
      const bad = p.lines.filter(
        (l) =>
          (l.level as number) >= 50 || (l.msg !== 'denied' && /forbidden|\b403\b/i.test(JSON.stringify(l))),
      );
      expect(bad, p.proc.spawnargs.slice(2, 3).join(' ')).toEqual([]);
    }
  });
});
