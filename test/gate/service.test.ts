// The gate for one service on one cluster (src/gate/service.ts): values -> render -> schemas ->
// the team's policies. The chart is examples/services/charts/hello (a ConfigMap, a Service and a
// Deployment); the team is the target cluster's namespace.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runServiceGate, type ServiceGateInput } from '../../src/gate/service.js';
import { parsePolicies } from '../../src/policy/load.js';
import { loadChart } from '../../src/resolve/load-chart.js';
import type { PlainObject } from '../../src/util/plain-object.js';

const chart = loadChart(join(import.meta.dirname, '..', '..', 'examples', 'services', 'charts', 'hello'));
const OWNER = 'MultiClusterService/dev-web';

function input(over: Partial<ServiceGateInput> & { values?: string; team?: string } = {}): ServiceGateInput {
  const { values, team, ...rest } = over;
  return {
    service: {
      name: 'hello',
      namespace: 'web',
      template: 'hello-1-0-0',
      owner: OWNER,
      ...(values !== undefined ? { values } : {}),
    },
    cluster: { namespace: team ?? 'team-a', name: 'edge-1' },
    source: { chart },
    kubeVersion: 'v1.33.1',
    policies: [],
    ...rest,
  };
}

const objectOf = (objects: readonly PlainObject[], kind: string) => {
  const o = objects.find((x) => x.kind === kind);
  if (!o) throw new Error(`no ${kind} among ${objects.map((x) => x.kind).join(', ')}`);
  return o as PlainObject & { spec: PlainObject; data: Record<string, string> };
};

describe('runServiceGate: a chart service', () => {
  it('renders with valuesFrom in order, then values over them; the release is the service', () => {
    const v = runServiceGate(
      input({
        service: {
          name: 'hello',
          namespace: 'web',
          template: 'hello-1-0-0',
          owner: OWNER,
          valuesFrom: [
            {
              label: 'ConfigMap team-a/base key values.yaml',
              text: 'replicas: 2\nmessage: from-configmap\n',
            },
            { label: 'Secret team-a/more key values.yaml', text: 'replicas: 3\n' },
          ],
          values: 'message: inline wins\n',
        },
      }),
    );
    expect(v.violations).toEqual([]);
    expect(v.allowed).toBe(true);
    expect(v.submission).toMatchObject({ kind: 'ServiceRelease', name: 'hello', namespace: 'team-a' });
    expect(v.values).toMatchObject({ replicas: 3, message: 'inline wins', image: 'nginx:1.27' });
    expect(v.objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
    expect(objectOf(v.objects, 'Deployment').spec.replicas).toBe(3);
    expect(objectOf(v.objects, 'Deployment').metadata).toMatchObject({ name: 'hello' });
    expect(objectOf(v.objects, 'ConfigMap').data['index.html']).toBe('inline wins');
  });

  it('without values the chart defaults render', () => {
    const v = runServiceGate(input());
    expect(v.allowed).toBe(true);
    expect(objectOf(v.objects, 'Deployment').spec.replicas).toBe(1);
  });

  it('a values YAML error is a violation at its line, named after the service', () => {
    const v = runServiceGate(input({ values: 'replicas: 2\nmessage: [unclosed\n' }));
    expect(v.allowed).toBe(false);
    expect(v.objects).toEqual([]);
    expect(v.violations).toHaveLength(1);
    const [e] = v.violations;
    expect(e?.severity).toBe('error');
    expect(e?.location?.file).toBe(`${OWNER} service web/hello values`);
    expect(e?.location?.line).toBeGreaterThanOrEqual(2);
  });

  it('values that are not a map, or two documents, are refused with the source named', () => {
    const list = runServiceGate(input({ values: '- a\n- b\n' }));
    expect(list.allowed).toBe(false);
    expect(list.violations[0]?.message).toBe(
      `${OWNER} service web/hello values: values must be a map, not object`,
    );
    const two = runServiceGate(
      input({
        service: {
          name: 'hello',
          namespace: 'web',
          template: 'hello-1-0-0',
          owner: OWNER,
          valuesFrom: [{ label: 'ConfigMap team-a/v key values.yaml', text: 'a: 1\n---\nb: 2\n' }],
        },
      }),
    );
    expect(two.violations[0]?.message).toBe(
      'ConfigMap team-a/v key values.yaml: values must be one YAML document, found 2',
    );
  });

  it("values against the chart's schema: a wrong type is a values violation, nothing rendered past it", () => {
    const v = runServiceGate(input({ values: 'replicas: two\n' }));
    expect(v.allowed).toBe(false);
    const e = v.violations.find((x) => x.severity === 'error');
    expect(e?.stage).toBe('values');
    expect(e?.message).toBe('must be integer, got string "two"');
    expect(JSON.stringify(e?.location)).toMatch(/replicas/);
  });
});

describe('runServiceGate: what policies see', () => {
  // One rule per kind of resource the gate shows; each denies for team-a only.
  const POLICY = `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: services}
spec:
  rules:
  - name: release-not-in-kube-system
    match: {any: [{kind: ServiceRelease}]}
    assert:
      all:
      - message: team-a may not install services into kube-system
        check:
          (($team == 'team-a') && spec.targetNamespace == 'kube-system'): false
  - name: at-most-two-replicas
    match: {any: [{kind: EffectiveValues}]}
    assert:
      all:
      - message: team-a runs at most 2 replicas
        check:
          (($team == 'team-a') && spec.values.replicas > \`2\`): false
  - name: approved-images
    match: {any: [{kind: Deployment}]}
    assert:
      all:
      - message: team-a pulls images from registry.example.com only
        check:
          (($team == 'team-a') && !starts_with(spec.template.spec.containers[0].image, 'registry.example.com/')): false
`;
  const policies = parsePolicies(POLICY, 'services.yaml');

  it("denies team-a's service on all three counts, with each rule's message", () => {
    const v = runServiceGate(
      input({
        policies,
        service: {
          name: 'hello',
          namespace: 'kube-system',
          template: 'hello-1-0-0',
          owner: OWNER,
          values: 'replicas: 3\n',
        },
      }),
    );
    expect(v.allowed).toBe(false);
    const denied = v.violations.filter((x) => x.stage === 'policy').map((x) => `${x.rule}: ${x.message}`);
    expect(denied).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^release-not-in-kube-system: .*team-a may not install services into kube-system/,
        ),
        expect.stringMatching(/^at-most-two-replicas: .*team-a runs at most 2 replicas/),
        expect.stringMatching(/^approved-images: .*registry\.example\.com only/),
      ]),
    );
  });

  it("allows the same service on team-b's cluster: $team is the cluster's namespace", () => {
    const v = runServiceGate(
      input({
        policies,
        team: 'team-b',
        service: {
          name: 'hello',
          namespace: 'kube-system',
          template: 'hello-1-0-0',
          owner: OWNER,
          values: 'replicas: 3\n',
        },
      }),
    );
    expect(v.violations.filter((x) => x.severity === 'error')).toEqual([]);
    expect(v.allowed).toBe(true);
    expect(v.submission.namespace).toBe('team-b');
  });

  it('allows team-a a service within the rules', () => {
    const v = runServiceGate(
      input({ policies, values: 'replicas: 2\nimage: registry.example.com/nginx:1.27\n' }),
    );
    expect(v.violations.filter((x) => x.severity === 'error')).toEqual([]);
    expect(v.allowed).toBe(true);
  });

  it('the ServiceRelease carries the cluster, template, target namespace and owner', () => {
    const seen = parsePolicies(
      `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: release-shape}
spec:
  rules:
  - name: shape
    match: {any: [{kind: ServiceRelease}]}
    assert:
      all:
      - message: unexpected ServiceRelease
        check:
          apiVersion: clustermint.io/v1alpha1
          metadata: {name: hello, namespace: team-a}
          spec:
            cluster: edge-1
            template: hello-1-0-0
            targetNamespace: web
            owner: ${OWNER}
`,
      'shape.yaml',
    );
    const v = runServiceGate(input({ policies: seen }));
    expect(v.violations).toEqual([]);
    expect(v.allowed).toBe(true);
    // and the same rule fails when the release is elsewhere: the check can fail
    const other = runServiceGate(input({ policies: seen, team: 'team-b' }));
    expect(other.allowed).toBe(false);
  });
});

describe('runServiceGate: a manifests source', () => {
  const manifests: PlainObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'baseline' } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny-ingress', namespace: 'baseline' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
  ];
  const source = { manifests, origin: 'ConfigMap team-a/baseline-policies' };

  it('passes the objects as they are, with no EffectiveValues', () => {
    const v = runServiceGate(input({ source }));
    expect(v.allowed).toBe(true);
    expect(v.objects).toEqual(manifests);
    expect(v.values).toBeUndefined();
  });

  it("a policy on the objects still applies, and sees the team's name", () => {
    const policies = parsePolicies(
      `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: no-namespaces}
spec:
  rules:
  - name: no-namespaces-for-team-a
    match: {any: [{kind: Namespace}]}
    assert:
      all:
      - message: team-a may not create namespaces
        check:
          ($team == 'team-a'): false
`,
      'ns.yaml',
    );
    const a = runServiceGate(input({ source, policies }));
    expect(a.allowed).toBe(false);
    expect(a.violations.find((x) => x.stage === 'policy')?.message).toContain(
      'team-a may not create namespaces',
    );
    expect(runServiceGate(input({ source, policies, team: 'team-b' })).allowed).toBe(true);
  });
});
