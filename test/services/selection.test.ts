import { describe, expect, it } from 'vitest';
import {
  desiredServicesFor,
  type MultiClusterServiceInput,
  matchesLabelSelector,
  objectConflicts,
} from '../../src/services/selection.js';
import type { LabelSelector } from '../../src/services/types.js';

describe('matchesLabelSelector', () => {
  const labels = { env: 'prod', tier: 'web', 'example.com/team': 'a' };
  const cases: [string, LabelSelector | undefined, 'everything' | 'nothing', boolean][] = [
    ['empty selector matching everything', {}, 'everything', true],
    ['empty selector matching nothing (ClusterResourceSet)', {}, 'nothing', false],
    ['absent selector is empty', undefined, 'nothing', false],
    ['empty lists are empty', { matchLabels: {}, matchExpressions: [] }, 'everything', true],
    ['matchLabels hit', { matchLabels: { env: 'prod', 'example.com/team': 'a' } }, 'nothing', true],
    ['matchLabels miss', { matchLabels: { env: 'dev' } }, 'nothing', false],
    ['matchLabels absent key', { matchLabels: { zone: 'a' } }, 'nothing', false],
    [
      'In hit',
      { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'prod'] }] },
      'nothing',
      true,
    ],
    ['In miss', { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, 'nothing', false],
    [
      'NotIn hit',
      { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] },
      'nothing',
      true,
    ],
    [
      'NotIn on an absent key matches',
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      'nothing',
      true,
    ],
    ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, 'nothing', true],
    ['DoesNotExist', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, 'nothing', false],
    [
      'labels and expressions are ANDed',
      { matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] },
      'everything',
      false,
    ],
  ];
  it.each(cases)('%s', (_name, selector, empty, expected) => {
    expect(matchesLabelSelector(selector, labels, empty)).toBe(expected);
  });

  const invalid: [string, LabelSelector, string][] = [
    [
      'In without values',
      { matchExpressions: [{ key: 'env', operator: 'In', values: [] }] },
      "matchExpressions[0].values: for 'In', 'NotIn' operators, values set can't be empty",
    ],
    [
      'Exists with values',
      { matchExpressions: [{ key: 'env', operator: 'Exists', values: ['x'] }] },
      'matchExpressions[0].values: values set must be empty for Exists and DoesNotExist',
    ],
    [
      'an unknown operator',
      { matchExpressions: [{ key: 'env', operator: 'Gt' as 'In', values: ['1'] }] },
      'matchExpressions[0].operator: "Gt" is not a valid label selector operator',
    ],
    [
      'a bad key',
      { matchLabels: { 'bad key': 'x' } },
      'matchLabels["bad key"]: Invalid value: "bad key": name part must consist of',
    ],
    [
      'a bad value',
      { matchLabels: { env: 'no spaces' } },
      'matchLabels["env"]: Invalid value: "no spaces": a valid label must be',
    ],
  ];
  it.each(invalid)('refuses %s', (_name, selector, message) => {
    const r = matchesLabelSelector(selector, labels, 'everything');
    expect(typeof r).toBe('object');
    expect((r as { error: string }).error).toContain(message);
  });
});

describe('desiredServicesFor', () => {
  const cluster = { namespace: 'team-a', name: 'dev', labels: { env: 'dev', ingress: 'yes' } };
  const own = (services: object[], extra: object = {}) => ({
    owner: 'ClusterDeployment/team-a/dev',
    spec: { services: services as never, ...extra },
  });
  const mcs = (
    name: string,
    selector: LabelSelector,
    services: object[],
    extra: object = {},
  ): MultiClusterServiceInput => ({
    name,
    spec: { clusterSelector: selector, serviceSpec: { services: services as never, ...extra } },
  });
  const pick = (r: ReturnType<typeof desiredServicesFor>) =>
    r.services.map((s) => `${s.key} ${s.owner} ${s.priority}`);

  it('takes the own services with defaults filled in, and drops disabled ones', () => {
    const r = desiredServicesFor(
      cluster,
      own([
        { name: 'ingress', template: 'ingress-1' },
        { name: 'dns', namespace: 'kube-system', template: 'dns-1', dependsOn: [{ name: 'ingress' }] },
        { name: 'off', template: 'x', disable: true },
      ]),
      [],
    );
    expect(r.conflicts).toEqual([]);
    expect(r.services).toEqual([
      {
        name: 'ingress',
        namespace: 'default',
        template: 'ingress-1',
        key: 'default/ingress',
        owner: 'ClusterDeployment/team-a/dev',
        priority: 100,
        syncMode: 'Continuous',
        driftExclusions: [],
        stopOnConflict: false,
        continueOnError: false,
        ownerDependsOn: [],
      },
      expect.objectContaining({ key: 'kube-system/dns', dependsOn: [{ name: 'ingress' }] }),
    ]);
  });

  it('adds the services of matching MultiClusterServices only; an empty selector matches nothing', () => {
    const r = desiredServicesFor(cluster, undefined, [
      mcs('ingress', { matchLabels: { ingress: 'yes' } }, [{ name: 'nginx', template: 'nginx-1' }], {
        syncMode: 'ContinuousWithDriftDetection',
        driftExclusions: [{ paths: ['/spec/replicas'] }],
      }),
      mcs('prod-only', { matchLabels: { env: 'prod' } }, [{ name: 'audit', template: 'audit-1' }]),
      mcs('everyone?', {}, [{ name: 'all', template: 'all-1' }]),
    ]);
    expect(r.services).toEqual([
      expect.objectContaining({
        key: 'default/nginx',
        owner: 'MultiClusterService/ingress',
        syncMode: 'ContinuousWithDriftDetection',
        driftExclusions: [{ paths: ['/spec/replicas'] }],
      }),
    ]);
  });

  it('carries the MultiClusterService dependsOn', () => {
    const r = desiredServicesFor(cluster, undefined, [
      {
        name: 'app',
        spec: {
          clusterSelector: { matchLabels: { env: 'dev' } },
          dependsOn: ['base'],
          serviceSpec: { services: [{ name: 'a', template: 't' }] },
        },
      },
    ]);
    expect(r.services[0].ownerDependsOn).toEqual(['base']);
  });

  it('gives a contested service to the higher priority without a conflict', () => {
    const r = desiredServicesFor(cluster, own([{ name: 'nginx', template: 'mine' }]), [
      mcs('ingress', { matchLabels: { ingress: 'yes' } }, [{ name: 'nginx', template: 'theirs' }], {
        priority: 500,
      }),
    ]);
    expect(pick(r)).toEqual(['default/nginx MultiClusterService/ingress 500']);
    expect(r.conflicts).toEqual([]);
  });

  it("reports a tie, which the ClusterDeployment's own service wins", () => {
    const r = desiredServicesFor(cluster, own([{ name: 'nginx', template: 'mine' }]), [
      mcs('b-ingress', { matchLabels: { ingress: 'yes' } }, [{ name: 'nginx', template: 'b' }]),
      mcs('a-ingress', { matchLabels: { ingress: 'yes' } }, [{ name: 'nginx', template: 'a' }]),
    ]);
    expect(r.services.map((s) => s.template)).toEqual(['mine']);
    expect(r.conflicts).toEqual([
      {
        key: 'default/nginx',
        winner: 'ClusterDeployment/team-a/dev',
        losers: ['MultiClusterService/a-ingress', 'MultiClusterService/b-ingress'],
        message:
          'service default/nginx on cluster team-a/dev is wanted by ClusterDeployment/team-a/dev, MultiClusterService/a-ingress, MultiClusterService/b-ingress with the same priority 100: ClusterDeployment/team-a/dev wins',
      },
    ]);
  });

  it('between MultiClusterServices a tie goes to the first by name; a lower priority is no party to it', () => {
    const r = desiredServicesFor(cluster, own([{ name: 'nginx', template: 'mine' }], { priority: 10 }), [
      mcs('zeta', { matchLabels: { ingress: 'yes' } }, [{ name: 'nginx', template: 'z' }], { priority: 200 }),
      mcs('alpha', { matchLabels: { ingress: 'yes' } }, [{ name: 'nginx', template: 'a' }], {
        priority: 200,
      }),
    ]);
    expect(r.services.map((s) => s.template)).toEqual(['a']);
    expect(r.conflicts).toMatchObject([
      { key: 'default/nginx', winner: 'MultiClusterService/alpha', losers: ['MultiClusterService/zeta'] },
    ]);
  });

  it('a disabled service does not contest', () => {
    const r = desiredServicesFor(cluster, own([{ name: 'nginx', template: 'mine', disable: true }]), [
      mcs('ingress', { matchLabels: { ingress: 'yes' } }, [{ name: 'nginx', template: 'theirs' }]),
    ]);
    expect(r.services.map((s) => s.template)).toEqual(['theirs']);
    expect(r.conflicts).toEqual([]);
  });

  it('reports an invalid clusterSelector and matches nothing with it', () => {
    const r = desiredServicesFor(cluster, undefined, [
      mcs('bad', { matchExpressions: [{ key: 'env', operator: 'In' }] }, [{ name: 'x', template: 'x' }]),
    ]);
    expect(r.services).toEqual([]);
    expect(r.invalidSelectors).toEqual([
      {
        owner: 'MultiClusterService/bad',
        message:
          "clusterSelector.matchExpressions[0].values: for 'In', 'NotIn' operators, values set can't be empty",
      },
    ]);
  });
});

describe('objectConflicts', () => {
  const cm = (name: string, namespace = 'default') => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name,
    namespace,
  });
  it.each([
    [
      'no shared objects',
      [
        { service: 'a', priority: 100, objects: [cm('x')] },
        { service: 'b', priority: 100, objects: [cm('y')] },
      ],
      [],
    ],
    [
      'a tie goes to the first',
      [
        { service: 'default/a', priority: 100, objects: [cm('x')] },
        { service: 'default/b', priority: 100, objects: [cm('x')] },
      ],
      [{ object: '/ConfigMap/default/x', owners: ['default/a', 'default/b'], winner: 'default/a' }],
    ],
    [
      'the higher priority keeps it',
      [
        { service: 'a', priority: 100, objects: [cm('x'), cm('y')] },
        { service: 'b', priority: 300, objects: [cm('x')] },
        { service: 'c', priority: 200, objects: [cm('x'), cm('y')] },
      ],
      [
        { object: '/ConfigMap/default/x', owners: ['a', 'b', 'c'], winner: 'b' },
        { object: '/ConfigMap/default/y', owners: ['a', 'c'], winner: 'c' },
      ],
    ],
    [
      'another version of a kind is the same object; another namespace is not',
      [
        {
          service: 'a',
          priority: 1,
          objects: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', namespace: 'n' }, cm('x', 'n1')],
        },
        {
          service: 'b',
          priority: 1,
          objects: [
            { apiVersion: 'apps/v1beta1', kind: 'Deployment', name: 'd', namespace: 'n' },
            cm('x', 'n2'),
          ],
        },
      ],
      [{ object: 'apps/Deployment/n/d', owners: ['a', 'b'], winner: 'a' }],
    ],
  ])('%s', (_name, rendered, expected) => {
    expect(objectConflicts(rendered)).toEqual(expected);
  });
});
