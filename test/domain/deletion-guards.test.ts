// Deletion guards (src/domain/deletion-guards.ts): who uses a template, chain or Credential, and
// the refusal text naming them.
import { describe, expect, it } from 'vitest';
import {
  type DeploymentUseFact,
  deletionRefusal,
  type GuardedObject,
  type McsUseFact,
  usersOf,
} from '../../src/domain/deletion-guards.js';

const cd = (namespace: string, name: string, over: Partial<DeploymentUseFact> = {}): DeploymentUseFact => ({
  namespace,
  name,
  template: 'aws-1',
  credential: 'aws-cred',
  serviceTemplates: [],
  serviceChains: [],
  ...over,
});
const deployments = [
  cd('team-a', 'prod-1'),
  cd('team-a', 'prod-2', {
    template: 'aws-2',
    appliedTemplate: 'aws-1',
    serviceTemplates: ['nginx-1'],
    serviceChains: ['nginx'],
  }),
  cd('team-b', 'dev-1', { credential: 'other', serviceTemplates: ['nginx-1'] }),
  cd('clustermint-system', 'mgmt', { template: 'sim-1', credential: undefined }),
];
const mcs: McsUseFact[] = [{ name: 'global-nginx', serviceTemplates: ['nginx-1'], serviceChains: ['nginx'] }];
const names = (o: GuardedObject, copies?: Set<string>) =>
  usersOf(o, deployments, mcs, copies).map((u) => `${u.kind} ${u.namespace ?? ''}/${u.name}`);

describe('usersOf', () => {
  const cases: Array<[string, GuardedObject, Set<string> | undefined, string[]]> = [
    [
      'a ClusterTemplate: spec.template and the applied template, in its namespace only',
      { kind: 'ClusterTemplate', namespace: 'team-a', name: 'aws-1' },
      undefined,
      ['ClusterDeployment team-a/prod-1', 'ClusterDeployment team-a/prod-2'],
    ],
    [
      'a ClusterTemplate nobody uses',
      { kind: 'ClusterTemplate', namespace: 'team-a', name: 'sim-1' },
      undefined,
      [],
    ],
    [
      'a ClusterTemplateChain: through the templates it names',
      { kind: 'ClusterTemplateChain', namespace: 'team-a', name: 'aws', chainTemplates: ['aws-2'] },
      undefined,
      ['ClusterDeployment team-a/prod-2'],
    ],
    [
      'a Credential',
      { kind: 'Credential', namespace: 'team-a', name: 'aws-cred' },
      undefined,
      ['ClusterDeployment team-a/prod-1', 'ClusterDeployment team-a/prod-2'],
    ],
    [
      'a ServiceTemplate of a team: its deployments, not the MultiClusterServices',
      { kind: 'ServiceTemplate', namespace: 'team-b', name: 'nginx-1' },
      undefined,
      ['ClusterDeployment team-b/dev-1'],
    ],
    [
      'a ServiceTemplate of the system namespace: MultiClusterServices, and deployments through copies',
      { kind: 'ServiceTemplate', namespace: 'clustermint-system', name: 'nginx-1' },
      new Set(['team-a']),
      ['ClusterDeployment team-a/prod-2', 'MultiClusterService /global-nginx'],
    ],
    [
      'a ServiceTemplateChain',
      { kind: 'ServiceTemplateChain', namespace: 'clustermint-system', name: 'nginx' },
      undefined,
      ['MultiClusterService /global-nginx'],
    ],
    [
      "a system ClusterTemplate: the system namespace's own deployments and those with a copy",
      { kind: 'ClusterTemplate', namespace: 'clustermint-system', name: 'aws-1' },
      new Set(['team-a']),
      ['ClusterDeployment team-a/prod-1', 'ClusterDeployment team-a/prod-2'],
    ],
    [
      'a system ClusterTemplate without copies',
      { kind: 'ClusterTemplate', namespace: 'clustermint-system', name: 'sim-1' },
      undefined,
      ['ClusterDeployment clustermint-system/mgmt'],
    ],
  ];
  it.each(cases)('%s', (_n, o, copies, expected) => expect(names(o, copies)).toEqual(expected));
});

describe('deletionRefusal', () => {
  const o: GuardedObject = { kind: 'ClusterTemplate', namespace: 'team-a', name: 'aws-1' };
  it('nothing uses it: no refusal', () => expect(deletionRefusal(o, [])).toBeUndefined());
  it('names the users, sorted', () => {
    expect(
      deletionRefusal(o, [
        { kind: 'ClusterDeployment', namespace: 'team-a', name: 'prod-2' },
        { kind: 'ClusterDeployment', namespace: 'team-a', name: 'prod-1' },
      ]),
    ).toBe(
      'ClusterTemplate team-a/aws-1 is in use and cannot be deleted: used by ClusterDeployment team-a/prod-1, team-a/prod-2',
    );
  });
  it('names at most five and counts the rest', () => {
    const users = Array.from({ length: 8 }, (_, i) => ({
      kind: 'ClusterDeployment' as const,
      namespace: 'team-a',
      name: `prod-${i + 1}`,
    }));
    expect(deletionRefusal(o, users)).toBe(
      'ClusterTemplate team-a/aws-1 is in use and cannot be deleted: used by ClusterDeployment team-a/prod-1, team-a/prod-2, team-a/prod-3, team-a/prod-4, team-a/prod-5 (and 3 more)',
    );
  });
  it('groups deployments and MultiClusterServices', () => {
    expect(
      deletionRefusal({ kind: 'ServiceTemplate', namespace: 'clustermint-system', name: 'nginx-1' }, [
        { kind: 'MultiClusterService', name: 'global-nginx' },
        { kind: 'ClusterDeployment', namespace: 'team-a', name: 'prod-2' },
      ]),
    ).toBe(
      'ServiceTemplate clustermint-system/nginx-1 is in use and cannot be deleted: used by ClusterDeployment team-a/prod-2; MultiClusterService global-nginx',
    );
  });
});
