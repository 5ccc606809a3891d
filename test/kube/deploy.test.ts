// Every manifest under deploy/ is accepted by a real kube-apiserver: CRDs are installed and must
// become Established; everything else is created with server-side dry-run (schema, RBAC rules,
// webhook configurations and Deployments all validated by the API server, nothing stored).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig, KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import jsyaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientNode, kubeConfig, kubeTestenv } from '../testenv/index.js';

const env = await kubeTestenv('deploy manifests');
const k8s = env ? await clientNode() : undefined;
const DEPLOY = join(import.meta.dirname, '..', '..', 'deploy');

function manifests(dir: string): Array<{ file: string; obj: KubernetesObject }> {
  const full = join(DEPLOY, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) =>
      (jsyaml.loadAll(readFileSync(join(full, f), 'utf8')) as KubernetesObject[])
        .filter((o) => o && typeof o === 'object')
        .map((obj) => ({ file: `${dir}/${f}`, obj })),
    );
}

const errorText = (e: unknown) => {
  const body = (e as { body?: unknown }).body;
  return typeof body === 'string' ? body : JSON.stringify(body ?? String(e));
};

describe.skipIf(!env)('deploy/ on a real API server', () => {
  let kc: KubeConfig;
  let api: KubernetesObjectApi;
  beforeAll(async () => {
    kc = await kubeConfig(env!);
    api = k8s!.KubernetesObjectApi.makeApiClient(kc);
  });

  it('installs every CRD of deploy/crds and each becomes Established', async () => {
    const crds = manifests('crds');
    const ext = kc.makeApiClient(k8s!.ApiextensionsV1Api);
    for (const { file, obj } of crds) {
      try {
        await api.create(obj);
      } catch (e) {
        if (!errorText(e).includes('AlreadyExists')) throw new Error(`${file}: ${errorText(e)}`);
      }
    }
    for (const { obj } of crds) {
      const name = obj.metadata!.name!;
      let established = false;
      for (let i = 0; i < 100 && !established; i++) {
        const got = await ext.readCustomResourceDefinition({ name });
        established = !!got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
        if (!established) await new Promise((r) => setTimeout(r, 100));
      }
      expect(established, name).toBe(true);
    }
  });

  it('accepts every manifest of deploy/manifests and deploy/webhook (server-side dry-run)', async () => {
    const all = [...manifests('manifests'), ...manifests('webhook')];
    expect(all.length).toBeGreaterThan(5);
    // the namespace must exist for the namespaced objects' dry-run
    for (const { obj } of all.filter((x) => x.obj.kind === 'Namespace')) {
      try {
        await api.create(obj);
      } catch (e) {
        if (!errorText(e).includes('AlreadyExists')) throw e;
      }
    }
    const refused: string[] = [];
    for (const { file, obj } of all) {
      if (obj.kind === 'Namespace') continue;
      try {
        try {
          await api.create(obj, undefined, 'All');
        } catch (e) {
          // created for real by another file (rbac.test.ts runs the RBAC): validate it as an
          // update instead, a server-side apply, dry-run too
          if (!errorText(e).includes('AlreadyExists')) throw e;
          await api.patch(obj, undefined, 'All', 'deploy-test', true, k8s!.PatchStrategy.ServerSideApply);
        }
      } catch (e) {
        refused.push(`${file} ${obj.kind}/${obj.metadata?.name}: ${errorText(e)}`);
      }
    }
    expect(refused).toEqual([]);
    // dry-run stored nothing
    const apps = kc.makeApiClient(k8s!.AppsV1Api);
    const list = await apps.listNamespacedDeployment({ namespace: 'clustermint-system' });
    expect(list.items).toEqual([]);
  });

  it('the controller may do what it needs and no more (RBAC as written)', async () => {
    const rbac = [...manifests('manifests'), ...manifests('webhook')].filter(
      (x) => x.obj.kind === 'ClusterRole',
    );
    const controller = rbac.find((x) => x.obj.metadata?.name === 'clustermint-controller')?.obj as any;
    const webhook = rbac.find((x) => x.obj.metadata?.name === 'clustermint-webhook')?.obj as any;
    expect(controller).toBeDefined();
    const verbsOf = (role: any) => role.rules.flatMap((r: any) => r.verbs);
    // the webhook reads, and writes only the audit trail (appended to, never deleted)
    for (const rule of webhook.rules)
      for (const verb of rule.verbs)
        if (!['get', 'list', 'watch'].includes(verb)) {
          expect(rule.resources).toEqual(['deploymenthistories']);
          expect(['create', 'update']).toContain(verb);
        }
    // no wildcard verbs and no secrets in a ClusterRole (the identities' Secrets: a Role in
    // clustermint-system, get only)
    for (const role of [controller, webhook]) {
      expect(verbsOf(role)).not.toContain('*');
      expect(role.rules.flatMap((r: any) => r.resources)).not.toContain('secrets');
    }
    const secretRoles = manifests('manifests')
      .map((x) => x.obj as any)
      .filter((o) => o.kind === 'Role' && o.rules.some((r: any) => r.resources.includes('secrets')));
    expect(secretRoles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual([
      'clustermint-system/clustermint-identities',
    ]);
    expect(secretRoles[0].rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
  });

  it("the team role: a team's namespace only, read-only but for its ClusterDeployments", () => {
    const team = manifests('manifests').find(
      (x) => x.obj.kind === 'ClusterRole' && x.obj.metadata?.name === 'clustermint-team',
    )?.obj as any;
    expect(team).toBeDefined();
    for (const rule of team.rules)
      for (const verb of rule.verbs)
        if (!['get', 'list', 'watch'].includes(verb)) expect(rule.resources).toEqual(['clusterdeployments']);
    // Secrets (its kubeconfigs) by name only: never listed
    const secrets = team.rules.filter((r: any) => r.resources.includes('secrets'));
    expect(secrets.flatMap((r: any) => r.verbs)).toEqual(['get']);
    // a ClusterRole that a RoleBinding grants per namespace: nothing cluster-scoped in it
    expect(team.rules.flatMap((r: any) => r.resources)).not.toContain('accessmanagements');
    expect(team.rules.flatMap((r: any) => r.resources)).not.toContain('namespaces');
  });
});
