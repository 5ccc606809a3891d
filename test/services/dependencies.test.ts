import { describe, expect, it } from 'vitest';
import {
  blockedBy,
  multiClusterServiceCycle,
  orderServices,
  type ServiceWithDependencies,
} from '../../src/services/dependencies.js';

const svc = (name: string, ...deps: string[]): ServiceWithDependencies => {
  const [ns, n] = name.includes('/') ? name.split('/') : [undefined, name];
  return {
    name: n,
    ...(ns ? { namespace: ns } : {}),
    dependsOn: deps.map((d) =>
      d.includes('/') ? { namespace: d.split('/')[0], name: d.split('/')[1] } : { name: d },
    ),
  };
};

describe('orderServices', () => {
  const cases: [string, ServiceWithDependencies[], unknown][] = [
    ['no services', [], { waves: [] }],
    [
      'independent services share one wave, sorted',
      [svc('b'), svc('a')],
      { waves: [['default/a', 'default/b']] },
    ],
    [
      'a chain',
      [svc('app', 'db'), svc('db', 'operator'), svc('operator')],
      { waves: [['default/operator'], ['default/db'], ['default/app']] },
    ],
    [
      'a diamond',
      [svc('top', 'l', 'r'), svc('l', 'base'), svc('r', 'base'), svc('base')],
      { waves: [['default/base'], ['default/l', 'default/r'], ['default/top']] },
    ],
    [
      'namespaces are part of the key; a dependency without one means "default"',
      [svc('apps/web', 'infra/db'), svc('infra/db', 'cert'), svc('cert')],
      { waves: [['default/cert'], ['infra/db'], ['apps/web']] },
    ],
    [
      'a missing dependency',
      [svc('a', 'ghost'), svc('b', 'a'), svc('c', 'other/x')],
      {
        error: {
          reason: 'MissingDependency',
          message:
            'dependency default/ghost of service default/a is not defined as a service; dependency other/x of service default/c is not defined as a service',
          services: ['default/a', 'default/c'],
        },
      },
    ],
    [
      'a cycle, named in order',
      [svc('a', 'b'), svc('b', 'c'), svc('c', 'a'), svc('d')],
      {
        error: {
          reason: 'DependencyCycle',
          message: 'dependency cycle: default/a -> default/b -> default/c -> default/a',
          services: ['default/a', 'default/b', 'default/c'],
        },
      },
    ],
    [
      'a cycle reached from outside it names only the cycle',
      [svc('a', 'b'), svc('b', 'c'), svc('c', 'b')],
      {
        error: {
          reason: 'DependencyCycle',
          message: 'dependency cycle: default/b -> default/c -> default/b',
          services: ['default/b', 'default/c'],
        },
      },
    ],
    [
      'a service depending on itself',
      [svc('a', 'a')],
      {
        error: {
          reason: 'DependencyCycle',
          message: 'dependency cycle: default/a -> default/a',
          services: ['default/a'],
        },
      },
    ],
    [
      'a dependency named twice counts once',
      [svc('a', 'b', 'b'), svc('b')],
      { waves: [['default/b'], ['default/a']] },
    ],
  ];
  it.each(cases)('%s', (_name, services, expected) => {
    expect(orderServices(services)).toEqual(expected);
  });
});

describe('blockedBy', () => {
  const states = new Map([
    ['default/db', 'Deployed' as const],
    ['default/cache', 'Provisioning' as const],
    ['infra/cert', 'Failed' as const],
  ]);
  it.each([
    ['nothing when every dependency is Deployed', svc('app', 'db'), []],
    [
      'the dependencies not yet Deployed',
      svc('app', 'db', 'cache', 'infra/cert'),
      ['default/cache', 'infra/cert'],
    ],
    ['a dependency with no state yet', svc('app', 'queue'), ['default/queue']],
    ['nothing without dependencies', { name: 'app' }, []],
  ] as const)('%s', (_name, service, expected) => {
    expect(blockedBy(service, states)).toEqual(expected);
  });
});

describe('multiClusterServiceCycle', () => {
  it.each([
    [
      'waves of names',
      [
        { name: 'ingress', dependsOn: ['cert-manager'] },
        { name: 'cert-manager' },
        { name: 'monitoring', dependsOn: [] },
      ],
      { waves: [['cert-manager', 'monitoring'], ['ingress']] },
    ],
    [
      'a cycle',
      [
        { name: 'a', dependsOn: ['b'] },
        { name: 'b', dependsOn: ['a'] },
      ],
      {
        error: { reason: 'DependencyCycle', message: 'dependency cycle: a -> b -> a', services: ['a', 'b'] },
      },
    ],
    [
      'a missing MultiClusterService',
      [{ name: 'a', dependsOn: ['nope'] }],
      {
        error: {
          reason: 'MissingDependency',
          message: 'dependency nope of MultiClusterService a is not defined',
          services: ['a'],
        },
      },
    ],
  ])('%s', (_name, mcs, expected) => {
    expect(multiClusterServiceCycle(mcs)).toEqual(expected);
  });
});
