/**
 * The isolation matrix on the embedded runtime (docs/tenancy.md), through the built binary
 * (`npm run build` first): a platform gives team A and team B their own templates, chain,
 * ServiceTemplate and Credential through an AccessManagement; team A trying any of team B's is
 * denied before anything is stored, with the admission rule named; what is in use cannot be
 * deleted; a revoked grant refuses new use without touching the running cluster; the history
 * says who did what.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { tmpTree } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'clustermint.js');
const built = existsSync(join(ROOT, 'dist', 'cli', 'entry.js'));

function cm(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const identity = (team: string) => `apiVersion: infrastructure.clustermint.io/v1alpha1
kind: SimulatedClusterIdentity
metadata: {name: sim-${team}}
spec:
  allowedNamespaces: {list: [clustermint-system, ${team}]}
`;
const credential = (name: string, ns: string, idName: string) => `apiVersion: clustermint.io/v1alpha1
kind: Credential
metadata: {name: ${name}, namespace: ${ns}}
spec:
  description: ${name}
  identityRef: {apiVersion: infrastructure.clustermint.io/v1alpha1, kind: SimulatedClusterIdentity, name: ${idName}}
`;
/** A template of the platform's: the built-in simulated chart under another name. */
const template = (name: string) => `apiVersion: clustermint.io/v1alpha1
kind: ClusterTemplate
metadata: {name: ${name}, namespace: clustermint-system}
spec:
  helm:
    chartSpec: {chart: simulated-standalone-cp}
`;
const PLATFORM = [
  identity('team-a'),
  identity('team-b'),
  credential('cred-a', 'clustermint-system', 'sim-team-a'),
  credential('cred-b', 'clustermint-system', 'sim-team-b'),
  template('tpl-a'),
  template('tpl-b'),
  template('tpl-b-next'),
  `apiVersion: clustermint.io/v1alpha1
kind: ClusterTemplateChain
metadata: {name: chain-b, namespace: clustermint-system}
spec:
  supportedTemplates:
    - name: tpl-b
      availableUpgrades: [{name: tpl-b-next}]
    - name: tpl-b-next
`,
  `apiVersion: v1
kind: ConfigMap
metadata: {name: svc-b-objects, namespace: clustermint-system}
data:
  ns.yaml: |
    apiVersion: v1
    kind: Namespace
    metadata: {name: svc-b}
`,
  `apiVersion: clustermint.io/v1alpha1
kind: ServiceTemplate
metadata: {name: svc-b, namespace: clustermint-system}
spec:
  resources:
    localSourceRef: {kind: ConfigMap, name: svc-b-objects}
`,
].join('---\n');

const access = (teamACredentials: string[]) => `apiVersion: clustermint.io/v1alpha1
kind: AccessManagement
metadata: {name: kcm}
spec:
  accessRules:
    - targetNamespaces: {list: [team-a]}
      credentials: [${teamACredentials.join(', ')}]
      resources:
        - {kind: ClusterTemplate, names: [tpl-a]}
    - targetNamespaces:
        selector: {matchLabels: {team: b}}
      credentials: [cred-b]
      clusterTemplateChains: [chain-b]
      resources:
        - {kind: ServiceTemplate, names: [svc-b]}
`;

const deployment = (o: {
  name: string;
  ns?: string;
  template?: string;
  credential?: string;
  extra?: string;
}) =>
  `apiVersion: clustermint.io/v1alpha1
kind: ClusterDeployment
metadata: {name: ${o.name}, namespace: ${o.ns ?? 'team-a'}}
spec:
  template: ${o.template ?? 'tpl-a'}
  credential: ${o.credential ?? 'cred-a'}
  config: {controlPlaneNumber: 1, workersNumber: 1, bootDelay: 50ms}
${o.extra ?? ''}`;

async function storedNames(state: string, kind: string, namespace?: string): Promise<string[]> {
  const store = openSqliteStore(state);
  try {
    return (
      await store.list({ apiVersion: 'clustermint.io/v1alpha1', kind }, namespace ? { namespace } : {})
    ).items
      .map((o) => o.metadata.name)
      .sort();
  } finally {
    await store.close();
  }
}

describe.skipIf(!built)('tenancy on the embedded runtime: two teams (bin)', () => {
  let dir: string;
  let state: string;
  beforeAll(() => {
    if (!built) console.warn('skipping: run npm run build first');
    dir = tmpTree({
      'platform.yaml': PLATFORM,
      'access.yaml': access(['cred-a']),
      'dev-a.yaml': deployment({ name: 'dev-a' }),
    });
    state = join(dir, '.clustermint', 'state.db');
    expect(cm(dir, 'namespace', 'label', 'team-a', 'team=a').code).toBe(0);
    expect(cm(dir, 'namespace', 'label', 'team-b', 'team=b').code).toBe(0);
    const r = cm(
      dir,
      'apply',
      '-f',
      'platform.yaml',
      '-f',
      'access.yaml',
      '--as',
      'platform-admin',
      '--timeout',
      '1m',
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('accessmanagement/kcm Ready');
    expect(r.code).toBe(0);
    const a = cm(dir, 'apply', '-f', 'dev-a.yaml', '--as', 'alice', '--timeout', '2m');
    expect(a.stdout).toContain('team-a/dev-a Ready');
    expect(a.code).toBe(0);
  }, 300_000);

  it('each team sees what it was given, and nothing of the other', () => {
    const a = cm(dir, 'get', 'clustertemplates', '-n', 'team-a');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/team-a\s+tpl-a\s+\S+\s+distributed/);
    expect(a.stdout).not.toContain('tpl-b');
    const b = cm(dir, 'get', 'clustertemplates', '-n', 'team-b');
    expect(b.stdout).toMatch(/team-b\s+tpl-b\s/);
    expect(b.stdout).toMatch(/team-b\s+tpl-b-next\s/); // through the chain
    expect(b.stdout).not.toContain('tpl-a');
    const creds = cm(dir, 'get', 'credentials', '-n', 'team-a');
    expect(creds.stdout).toMatch(/team-a\s+cred-a\s+true\s+SimulatedClusterIdentity\/sim-team-a/);
    expect(creds.stdout).not.toContain('cred-b');
    const am = cm(dir, 'get', 'am');
    expect(am.stdout).toMatch(/^NAME\s+RULES\s+DISTRIBUTED\s+ERROR/);
    expect(am.stdout).toMatch(/kcm\s+2\s+\d+\s+-/);
  });

  // team A x (template, Credential, chain, service template, identity) of team B
  const attempts: Array<[string, string, RegExp]> = [
    [
      "team B's template",
      deployment({ name: 'steal-tpl', template: 'tpl-b' }),
      /\$\.spec\.template\): ClusterTemplate tpl-b not found in namespace team-a; the platform distributes templates through AccessManagement \[admission\/template-exists\]/,
    ],
    [
      "team B's Credential",
      deployment({ name: 'steal-cred', credential: 'cred-b' }),
      /\$\.spec\.credential\): Credential team-a\/cred-b not found \[admission\/credential-exists\]/,
    ],
    [
      "a template of team B's chain",
      deployment({ name: 'steal-chain', template: 'tpl-b-next' }),
      /ClusterTemplate tpl-b-next not found in namespace team-a.*\[admission\/template-exists\]/,
    ],
    [
      "team B's ServiceTemplate",
      deployment({
        name: 'steal-svc',
        extra: '  serviceSpec:\n    services:\n      - {name: svc, namespace: svc-b, template: svc-b}\n',
      }),
      /services\[0\]\.template\): ServiceTemplate team-a\/svc-b not found \[admission\/service-template-valid\]/,
    ],
    [
      "a Credential of its own pointing at team B's identity",
      `${credential('mine', 'team-a', 'sim-team-b')}---\n${deployment({ name: 'steal-id', credential: 'mine' })}`,
      /\$\.spec\.credential\): the Credential team-a\/mine is not Ready: ClusterIdentity SimulatedClusterIdentity sim-team-b does not admit namespace team-a .*\[admission\/credential-ready\]/,
    ],
  ];
  for (const [what, doc, rule] of attempts)
    it(`team A with ${what}: check and apply deny it, naming the rule; nothing stored`, async () => {
      const file = join(dir, 'attempt.yaml');
      writeFileSync(file, doc);
      const name = /name: (steal-[a-z]+)/.exec(doc)![1];
      const c = cm(dir, 'check', '-f', file, '--state', state);
      expect(c.code).toBe(1);
      expect(c.stdout).toMatch(/^DENIED {2}team-a\//);
      expect(c.stdout).toMatch(rule);
      const a = cm(dir, 'apply', '-f', file, '--no-wait', '--as', 'mallory');
      expect(a.code).toBe(1);
      expect(a.stderr).toMatch(rule);
      expect(a.stdout).toContain(`clusterdeployment.clustermint.io/${name} denied (not stored)`);
      expect(await storedNames(state, 'ClusterDeployment', 'team-a')).toEqual(['dev-a']);
      // the attempt is on record, with the rule
      const h = cm(dir, 'history', name, '-n', 'team-a');
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(/^TIME\s+USER\s+ACTION\s+TEMPLATE\s+VERDICT\n/);
      expect(h.stdout).toMatch(/Z\s+mallory\s+denied\s+.*\s+denied\n/);
      const tag = /\[admission\/[a-z-]+\]/.exec(c.stdout)![0];
      expect(h.stdout).toMatch(/\n {4}error: /);
      expect(h.stdout).toContain(tag);
    });

  it('team B, with what it was given, is admitted (the same rules, not a blanket refusal)', () => {
    const file = join(dir, 'dev-b.yaml');
    writeFileSync(
      file,
      deployment({
        name: 'dev-b',
        ns: 'team-b',
        template: 'tpl-b',
        credential: 'cred-b',
        extra: '  serviceSpec:\n    services:\n      - {name: svc, namespace: svc-b, template: svc-b}\n',
      }),
    );
    const c = cm(dir, 'check', '-f', file, '--state', state);
    expect(c.stdout).toMatch(/^ALLOWED team-b\/dev-b/);
    expect(c.code).toBe(0);
  });

  it('what a deployment uses cannot be deleted: exit 1, the users named, nothing deleted', async () => {
    const cred = cm(dir, 'delete', 'credential', 'cred-a', '-n', 'clustermint-system');
    expect(cred.code).toBe(1);
    expect(cred.stderr).toContain(
      'error: Credential clustermint-system/cred-a is in use and cannot be deleted: used by ClusterDeployment team-a/dev-a',
    );
    const copy = cm(dir, 'delete', 'clustertemplate', 'tpl-a', '-n', 'team-a');
    expect(copy.code).toBe(1);
    expect(copy.stderr).toContain(
      'ClusterTemplate team-a/tpl-a is in use and cannot be deleted: used by ClusterDeployment team-a/dev-a',
    );
    expect(await storedNames(state, 'Credential', 'clustermint-system')).toEqual(['cred-a', 'cred-b']);
    const d = cm(dir, 'describe', 'credential', 'cred-a', '-n', 'team-a');
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/Access:\s+distributed \(from clustermint-system\/cred-a\)/);
    expect(d.stdout).toMatch(/Used by:\n {2}ClusterDeployment team-a\/dev-a\n/);
    expect(await storedNames(state, 'ClusterTemplate', 'team-a')).toEqual(['tpl-a']);
    // what nothing uses goes
    const unused = cm(dir, 'delete', 'clustertemplatechain', 'chain-b', '-n', 'team-b');
    expect(unused.stdout).toContain('clustertemplatechain.clustermint.io/chain-b deleted');
    expect(unused.code).toBe(0);
  });

  it('revocation: the running cluster keeps its Credential, labelled revoked; new use is denied', async () => {
    // team A's rule no longer names cred-a
    writeFileSync(join(dir, 'access.yaml'), access([]));
    const r = cm(dir, 'apply', '-f', 'access.yaml', '--as', 'platform-admin', '--timeout', '1m');
    expect(r.code).toBe(0);
    const creds = cm(dir, 'get', 'credentials', '-n', 'team-a', '-o', 'wide');
    expect(creds.stdout).toMatch(/team-a\s+cred-a\s+.*\s+revoked\s/);
    const cd = JSON.parse(cm(dir, 'get', 'cd', 'dev-a', '-n', 'team-a', '-o', 'json').stdout);
    expect(cd.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    const file = join(dir, 'dev-a2.yaml');
    writeFileSync(file, deployment({ name: 'dev-a2' }));
    const c = cm(dir, 'check', '-f', file, '--state', state);
    expect(c.code).toBe(1);
    expect(c.stdout).toMatch(
      /access to Credential cred-a was revoked from namespace team-a \[admission\/credential-access\]/,
    );
  });

  it('the platform and a team deployment in one apply: judged with the copies to come, Ready', () => {
    const fresh = tmpTree({
      'all.yaml': `${PLATFORM}---\n${access(['cred-a'])}---\n${deployment({ name: 'dev-1' })}`,
    });
    expect(cm(fresh, 'namespace', 'label', 'team-a', 'team=a').code).toBe(0);
    expect(cm(fresh, 'namespace', 'label', 'team-b', 'team=b').code).toBe(0);
    const c = cm(fresh, 'check', '-f', 'all.yaml');
    expect(c.stdout).toMatch(/^ALLOWED team-a\/dev-1/);
    const r = cm(fresh, 'apply', '-f', 'all.yaml', '--timeout', '2m');
    expect(r.stdout).toContain('accessmanagement/kcm Ready');
    expect(r.stdout).toContain('team-a/dev-1 Ready');
    expect(r.code).toBe(0);
  }, 180_000);

  it('history: who created and who deleted the deployment, as --as names them', () => {
    const d = cm(dir, 'delete', 'clusterdeployment', 'dev-a', '-n', 'team-a', '--as', 'bob');
    expect(d.code).toBe(0);
    const h = cm(dir, 'history', 'dev-a', '-n', 'team-a');
    expect(h.code).toBe(0);
    const lines = h.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+USER\s+ACTION\s+TEMPLATE\s+VERDICT$/);
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:]+Z\s+alice\s+created\s+tpl-a \(credential cred-a\)\s+allowed$/,
    );
    expect(lines[2]).toMatch(/\s+bob\s+deleted\s+tpl-a \(credential cred-a\)\s+allowed$/);
    const y = JSON.parse(cm(dir, 'history', 'dev-a', '-n', 'team-a', '-o', 'json').stdout);
    expect(y.kind).toBe('DeploymentHistory');
    expect(y.spec.entries.map((e: { via: string; user: string }) => `${e.via}:${e.user}`)).toEqual([
      'cli:alice',
      'cli:bob',
    ]);
    const none = cm(dir, 'history', 'never-made', '-n', 'team-a');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('error: no history for ClusterDeployment team-a/never-made');
  });
});
