import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/k8s/object.js';
import { driftOf } from '../../src/services/drift.js';
import type { DriftExclusion } from '../../src/services/types.js';

const meta = (extra: object = {}) => ({
  name: 'web',
  namespace: 'apps',
  uid: 'u1',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2025-01-01T00:00:00Z',
  managedFields: [{ manager: 'clustermint' }],
  ...extra,
});

const applied = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps', labels: { app: 'web', 'app.kubernetes.io/name': 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            args: ['--port', '8080'],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: 'two' },
            ],
            ports: [{ name: 'http', containerPort: 8080 }],
            resources: { requests: { cpu: 1, memory: '1024Mi' }, limits: { cpu: '0.5' } },
          },
        ],
        hostNetwork: false,
        nodeSelector: null,
      },
    },
  },
};

/** What the apiserver returns for `applied`: defaults filled in, quantities canonical. */
function liveOf(changes: (o: any) => void = () => {}): KubeObject {
  const o: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta({
      labels: { app: 'web', 'app.kubernetes.io/name': 'web', 'added-by-someone': 'x' },
      annotations: { 'deployment.kubernetes.io/revision': '3' },
    }),
    spec: {
      replicas: 2,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' }, creationTimestamp: null },
        spec: {
          containers: [
            {
              name: 'sidecar',
              image: 'envoy:1',
            },
            {
              name: 'app',
              image: 'nginx:1.27',
              args: ['--port', '8080'],
              env: [
                { name: 'B', value: 'two' },
                { name: 'A', value: '1' },
              ],
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '500m' } },
              terminationMessagePath: '/dev/termination-log',
              imagePullPolicy: 'IfNotPresent',
            },
          ],
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
          schedulerName: 'default-scheduler',
          securityContext: {},
        },
      },
    },
    status: { replicas: 1, observedGeneration: 3 },
  };
  changes(o);
  return o as KubeObject;
}

const app = (o: any) => o.spec.template.spec.containers[1];

describe('driftOf', () => {
  it('reports a missing object', () => {
    expect(driftOf(applied, undefined, [])).toEqual({ missing: true, fields: [] });
  });

  const cases: [string, (o: any) => void, string[]][] = [
    ['no drift: defaults, canonical quantities, extra list elements and labels do not count', () => {}, []],
    [
      'a scaled deployment',
      (o) => {
        o.spec.replicas = 5;
      },
      ['spec.replicas'],
    ],
    [
      'an image changed, by container name',
      (o) => {
        app(o).image = 'nginx:latest';
      },
      ['spec.template.spec.containers[name=app].image'],
    ],
    [
      'an env value changed, by name',
      (o) => {
        app(o).env[1].value = '2';
      },
      ['spec.template.spec.containers[name=app].env[name=A].value'],
    ],
    [
      'an env entry removed',
      (o) => {
        app(o).env = [{ name: 'A', value: '1' }];
      },
      ['spec.template.spec.containers[name=app].env[name=B]'],
    ],
    [
      'the container removed',
      (o) => {
        o.spec.template.spec.containers = [{ name: 'sidecar' }];
      },
      ['spec.template.spec.containers[name=app]'],
    ],
    [
      'an unnamed list element changed',
      (o) => {
        app(o).args = ['--port', '9090'];
      },
      ['spec.template.spec.containers[name=app].args[1]'],
    ],
    [
      'an unnamed list grown is drift of the list',
      (o) => {
        app(o).args = ['--port', '8080', '--debug'];
      },
      ['spec.template.spec.containers[name=app].args'],
    ],
    [
      'a quantity changed',
      (o) => {
        app(o).resources.requests.cpu = '2';
        app(o).resources.limits.cpu = '600m';
      },
      [
        'spec.template.spec.containers[name=app].resources.requests.cpu',
        'spec.template.spec.containers[name=app].resources.limits.cpu',
      ],
    ],
    [
      'a label the applied object sets, changed or removed',
      (o) => {
        o.metadata.labels.app = 'other';
        delete o.metadata.labels['app.kubernetes.io/name'];
      },
      ['metadata.labels.app', 'metadata.labels["app.kubernetes.io/name"]'],
    ],
    [
      'a field replaced by one of another type',
      (o) => {
        o.spec.selector = 'app=web';
      },
      ['spec.selector'],
    ],
    [
      'a false field removed is no drift; true would be',
      (o) => {
        o.spec.template.spec.hostNetwork = undefined;
        o.spec.template.spec.nodeSelector = { zone: 'a' };
      },
      [],
    ],
    [
      'status and server metadata never count',
      (o) => {
        o.status = { replicas: 0 };
        o.metadata.resourceVersion = '99';
        o.metadata.generation = 9;
      },
      [],
    ],
  ];
  it.each(cases)('%s', (_name, change, fields) => {
    expect(driftOf(applied, liveOf(change), [])).toEqual({ missing: false, fields });
  });

  it('compares ConfigMap data by key, and a Secret stringData as the base64 data it becomes', () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { key: 'v', 'config.yaml': 'a: 1' },
    };
    const liveCm = (data: object) =>
      ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta({ name: 'c' }), data }) as KubeObject;
    expect(driftOf(cm, liveCm({ key: 'v', 'config.yaml': 'a: 1', extra: 'x' }), []).fields).toEqual([]);
    expect(driftOf(cm, liveCm({ key: 'w', 'config.yaml': 'a: 2' }), []).fields).toEqual([
      'data.key',
      'data["config.yaml"]',
    ]);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { password: 'hunter2' },
    };
    const liveSecret = (pw: string) =>
      ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: meta({ name: 's' }),
        type: 'Opaque',
        data: { password: pw },
      }) as KubeObject;
    expect(driftOf(secret, liveSecret(Buffer.from('hunter2').toString('base64')), []).fields).toEqual([]);
    expect(driftOf(secret, liveSecret(Buffer.from('changed').toString('base64')), []).fields).toEqual([
      'data.password',
    ]);
  });

  it('normalises quantities and numbers as the apiserver stores them', () => {
    const pvc = (storage: unknown) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'p' },
      spec: { resources: { requests: { storage } } },
    });
    const live = (storage: string) =>
      ({ ...pvc(storage), metadata: meta({ name: 'p' }) }) as unknown as KubeObject;
    for (const [a, l, drifted] of [
      ['1Gi', '1Gi', false],
      ['1024Mi', '1Gi', false],
      ['1.5Gi', '1536Mi', false],
      [1, '1', false],
      [0.5, '500m', false],
      ['0.5', '500m', false],
      ['1000m', '1', false],
      ['2Gi', '1Gi', true],
      ['1.10', '1.1', true], // not a quantity rewrite: the apiserver would keep "1.10" as it is
    ] as const) {
      expect(driftOf(pvc(a), live(l), []).fields, `${a} vs ${l}`).toEqual(
        drifted ? ['spec.resources.requests.storage'] : [],
      );
    }
  });

  describe('exclusions', () => {
    const drifted = liveOf((o) => {
      o.spec.replicas = 5;
      app(o).image = 'nginx:latest';
      app(o).env[1].value = '2';
      o.metadata.labels.app = 'other';
    });
    const all = [
      'metadata.labels.app',
      'spec.replicas',
      'spec.template.spec.containers[name=app].image',
      'spec.template.spec.containers[name=app].env[name=A].value',
    ];
    const cases: [string, DriftExclusion[], string[]][] = [
      ['none', [], all],
      ['a JSON pointer', [{ paths: ['/spec/replicas'] }], all.filter((f) => f !== 'spec.replicas')],
      ['a dotted path', [{ paths: ['spec.replicas'] }], all.filter((f) => f !== 'spec.replicas')],
      ['a subtree', [{ paths: ['/spec/template'] }], ['metadata.labels.app', 'spec.replicas']],
      [
        'a list element by name',
        [{ paths: ['spec.template.spec.containers[name=app].env'] }],
        all.filter((f) => !f.includes('env')),
      ],
      [
        'a list element by its live index (JSON pointer)',
        [{ paths: ['/spec/template/spec/containers/1/image'] }],
        all.filter((f) => !f.endsWith('.image')),
      ],
      [
        'any list element',
        [{ paths: ['/spec/template/spec/containers/*/image'] }],
        all.filter((f) => !f.endsWith('.image')),
      ],
      ['a label', [{ paths: ['/metadata/labels/app'] }], all.filter((f) => !f.startsWith('metadata'))],
      [
        'a target that names this kind',
        [{ paths: ['spec.replicas'], target: { kind: 'Deployment' } }],
        all.slice(0, 1).concat(all.slice(2)),
      ],
      [
        'a target that names another kind',
        [{ paths: ['spec.replicas'], target: { kind: 'StatefulSet' } }],
        all,
      ],
      ['a target that names another object', [{ paths: ['spec.replicas'], target: { name: 'api' } }], all],
      [
        'a target by name and namespace',
        [{ paths: ['spec.replicas'], target: { name: 'web', namespace: 'apps' } }],
        all.filter((f) => f !== 'spec.replicas'),
      ],
      ['a path that is only a prefix of a key does not exclude it', [{ paths: ['spec.replica'] }], all],
    ];
    it.each(cases)('%s', (_name, exclusions, fields) => {
      expect(driftOf(applied, drifted, exclusions).fields).toEqual(fields);
    });

    it('reads keys with dots and slashes in either form', () => {
      const live = liveOf((o) => {
        o.metadata.labels['app.kubernetes.io/name'] = 'x';
      });
      expect(driftOf(applied, live, []).fields).toEqual(['metadata.labels["app.kubernetes.io/name"]']);
      expect(
        driftOf(applied, live, [{ paths: ['/metadata/labels/app.kubernetes.io~1name'] }]).fields,
      ).toEqual([]);
      expect(
        driftOf(applied, live, [{ paths: ['metadata.labels["app.kubernetes.io/name"]'] }]).fields,
      ).toEqual([]);
    });
  });
});
