// AdmissionReviews through the webhook's in-process path: parseAdmissionReview (a bad body is a
// BadReview: HTTP 400) and admit() in both modes against the shipped policies and charts.
import { join } from 'node:path';
import fc from 'fast-check';
import { mutated, nasty, objectTree, sometimes, tree } from '../gen/common.js';
import { clusterDeployment } from '../gen/submission.js';

const GROUPS = {
  ClusterDeployment: ['clustermint.io', 'v1alpha1', 'clusterdeployments'],
  ClusterTemplate: ['clustermint.io', 'v1alpha1', 'clustertemplates'],
  ClusterTemplateChain: ['clustermint.io', 'v1alpha1', 'clustertemplatechains'],
  Credential: ['clustermint.io', 'v1alpha1', 'credentials'],
  AccessManagement: ['clustermint.io', 'v1alpha1', 'accessmanagements'],
  Cluster: ['cluster.x-k8s.io', 'v1beta2', 'clusters'],
  Pod: ['', 'v1', 'pods'],
};

const topologyCluster = fc
  .record({
    replicas: fc.integer({ min: -1, max: 2000 }),
    variables: fc.array(
      fc.record({ name: fc.constantFrom('region', 'zones', 'instanceType', 'x'), value: tree(2) }),
      { maxLength: 3 },
    ),
    cls: fc.constantFrom('simulated-k0s', 'capi-inmemory', 'missing'),
  })
  .map((r) => ({
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: 'dev-2', namespace: 'team-a' },
    spec: {
      topology: {
        classRef: { name: r.cls },
        version: 'v1.31.2',
        controlPlane: { replicas: r.replicas },
        variables: r.variables,
        workers: { machineDeployments: [{ class: 'default-worker', name: 'md-0', replicas: 2 }] },
      },
    },
  }));

const otherObject = fc
  .record({
    kind: fc.constantFrom('ClusterTemplate', 'ClusterTemplateChain', 'Credential', 'AccessManagement', 'Pod'),
    name: fc.constantFrom('x', 'team-a-aws', 'kcm'),
    spec: objectTree(3),
  })
  .map((r) => ({
    apiVersion: `${GROUPS[r.kind][0] || 'v1'}/${GROUPS[r.kind][1]}`.replace(/^v1\/v1$/, 'v1'),
    kind: r.kind,
    metadata: { name: r.name, namespace: 'team-a' },
    spec: r.spec,
  }));

const object = fc.oneof(
  { weight: 5, arbitrary: clusterDeployment },
  { weight: 2, arbitrary: topologyCluster },
  { weight: 2, arbitrary: otherObject },
  { weight: 1, arbitrary: tree(3) },
);

const review = fc
  .record({
    object,
    oldObject: sometimes(object, 4),
    operation: fc.constantFrom(
      'CREATE',
      'CREATE',
      'CREATE',
      'UPDATE',
      'UPDATE',
      'DELETE',
      'CONNECT',
      'create',
    ),
    namespace: sometimes(fc.oneof(fc.constantFrom('team-a', 'team-b'), nasty), 5),
    uid: fc.oneof(
      { weight: 9, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    ),
    user: fc.oneof(fc.constantFrom('alice', 'bob', 'system:serviceaccount:kcm:kcm'), nasty),
    broken: sometimes(fc.constantFrom('kind', 'resource', 'userInfo', 'request', 'apiVersion', 'object'), 8),
    brokenValue: tree(1),
  })
  .map((r) => {
    const kind =
      r.object && typeof r.object === 'object' && !Array.isArray(r.object) ? r.object.kind : undefined;
    const [group, version, resource] = GROUPS[kind] ?? ['example.com', 'v1', 'things'];
    const request = {
      uid: r.uid,
      kind: { group, version, kind: typeof kind === 'string' ? kind : 'Thing' },
      resource: { group, version, resource },
      name: r.object?.metadata?.name,
      namespace: r.namespace ?? r.object?.metadata?.namespace,
      operation: r.operation,
      userInfo: { username: r.user, groups: ['system:authenticated'] },
      object: r.object,
      ...(r.oldObject !== null ? { oldObject: r.oldObject } : {}),
      dryRun: false,
    };
    const body = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
    if (r.broken === 'request' || r.broken === 'apiVersion') body[r.broken] = r.brokenValue;
    else if (r.broken) request[r.broken] = r.brokenValue;
    return JSON.stringify(body);
  });

export const admissionTarget = {
  name: 'admission',
  weight: 60,
  arbitrary: fc.record({
    mode: fc.constantFrom('validate', 'validate', 'validate', 'mutate'),
    text: fc.oneof(
      { weight: 8, arbitrary: review },
      { weight: 1, arbitrary: mutated(review) },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    ),
  }),
  setup(env) {
    const { lib } = env;
    env.snapshot = {
      ...lib.loadDirectories([join(lib.root, 'policies')], []),
      namespaceLabels: new Map([
        ['team-a', { tier: 'development' }],
        ['team-b', { tier: 'production' }],
      ]),
    };
  },
  run(input, env) {
    const { lib } = env;
    let request;
    try {
      request = lib.parseAdmissionReview(input.text);
    } catch (e) {
      if (e instanceof lib.BadReview) {
        env.observe?.('bad', e.message);
        return undefined;
      }
      throw e;
    }
    const response = lib.admit(request, env.snapshot, input.mode);
    env.observe?.(response.allowed ? 'allowed' : 'denied', response.status?.message ?? '');
    if (response.uid !== request.uid)
      return `response uid ${JSON.stringify(response.uid)} is not the request's`;
    if (typeof response.allowed !== 'boolean') return 'response without allowed';
    // admit() threw nothing (the server would answer 500 "clustermint webhook internal error");
    // "Internal error:" inside a denial is JMESPath's wording for a rule that could not be
    // evaluated, a located policy outcome
    if (/clustermint webhook internal error/.test(response.status?.message ?? ''))
      return `internal error in the response: ${response.status.message.slice(0, 2000)}`;
    JSON.stringify(response);
    return undefined;
  },
};
