/**
 * The example policies in policies/ keep teams apart: a credential or cluster identity is a team's
 * only when its whole name is `<team>-<provider>[-identity]`, so neither another team's name nor
 * a team whose name is a prefix of another's (`team` and `team-a`) gets through.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { clusterDeployments } from '../../src/cli/inputs.js';
import { runGate } from '../../src/gate/index.js';
import { loadPolicyFiles } from '../../src/policy/policy-files.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { parseYamlSource } from '../../src/util/yaml-source.js';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const policies = loadPolicyFiles([join(ROOT, 'policies', 'all-teams.yaml')]);
const catalog = new TemplateCatalog();

function verdict(team: string, credential: string, identity: string) {
  const text = jsyaml.dump({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'ClusterDeployment',
    metadata: { name: 'c1', namespace: team },
    spec: {
      template: 'aws-standalone-cp',
      credential,
      config: {
        region: 'eu-central-1',
        clusterIdentity: { name: identity, kind: 'AWSClusterStaticIdentity' },
        controlPlane: { instanceType: 't3.large', iamInstanceProfile: 'cp' },
        worker: { instanceType: 't3.large', iamInstanceProfile: 'nodes' },
      },
    },
  });
  const [cd] = clusterDeployments({ file: 'cd.yaml', docs: parseYamlSource(text, 'cd.yaml') }).deployments;
  const v = runGate({ deployment: cd!, resolveTemplate: (n) => catalog.resolve(n), policies });
  return { allowed: v.allowed, failed: v.violations.map((x) => `${x.policy}/${x.rule}`).sort() };
}

describe('policies/all-teams.yaml: own credentials and cluster identities', () => {
  it("allows a team's own credential and identity", () => {
    expect(verdict('team-a', 'team-a-aws', 'team-a-aws-identity')).toEqual({ allowed: true, failed: [] });
    expect(verdict('team', 'team-aws', 'team-aws-identity')).toEqual({ allowed: true, failed: [] });
  });

  it("refuses team-a another team's credential", () => {
    expect(verdict('team-a', 'team-b-aws', 'team-a-aws-identity').failed).toEqual([
      'own-credentials/credential-of-the-team',
    ]);
  });

  it("refuses team-a team-b's cluster identity", () => {
    expect(verdict('team-a', 'team-a-aws', 'team-b-aws-identity').failed).toEqual([
      'own-credentials/cluster-identity-of-the-team',
    ]);
  });

  it('refuses a team named "team" the credential and identity of team-a (a prefix of its name)', () => {
    expect(verdict('team', 'team-a-aws', 'team-a-aws-identity').failed).toEqual([
      'own-credentials/cluster-identity-of-the-team',
      'own-credentials/credential-of-the-team',
    ]);
  });
});

describe('policies/team-a.yaml: the workers of a topology Cluster', () => {
  const cluster = (workers: string) =>
    readFileSync(join(ROOT, 'examples', 'topology', 'cluster.yaml'), 'utf8').replace(
      / {4}workers:\n {6}machineDeployments:\n(?: {8}.*\n)+/,
      workers,
    );
  const check = async (text: string) => {
    const dir = tmpTree({ 'c.yaml': text });
    return run('check', '-f', join(dir, 'c.yaml'), '--policies', join(ROOT, 'policies'));
  };

  it('a Cluster without machineDeployments has no workers: allowed (sum of none was an evaluation error)', async () => {
    const r = await check(cluster(''));
    expect(r.stdout).toMatch(/ALLOWED +team-a\/dev-2/);
    expect(r.stdout + r.stderr).not.toMatch(/could not be evaluated/);
    expect(r.code).toBe(0);
  });

  it('more than 5 workers in total: denied with the count', async () => {
    const r = await check(
      cluster(
        '    workers:\n      machineDeployments:\n        - {class: default-worker, name: md-0, replicas: 4}\n        - {class: default-worker, name: md-1, replicas: 3}\n',
      ),
    );
    expect(r.stdout).toContain('team-a may run at most 5 workers, not 7');
    expect(r.code).toBe(1);
  });
});
