/**
 * The product's promise: the CLI gate, the webhook and the controller give one verdict on one
 * submission. The same submissions go through `check`'s gate (runGate), the webhook's handler
 * (admit) and the controller's apply decision (GateRunner for creates; the refusal planners for
 * changes), and the verdicts and their messages must agree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareAdmission } from '../../src/cli/admission-run.js';
import { clusterDeployments } from '../../src/cli/inputs.js';
import { gatherAdmissionFacts } from '../../src/controller/admission-facts.js';
import { desiredCluster } from '../../src/controller/desired.js';
import { GateRunner } from '../../src/controller/gate.js';
import { templateChangeRefusal, versionRefusal } from '../../src/controller/planners/refusals.js';
import { kubernetesVersion, renderedKubeVersion } from '../../src/domain/kubernetes-version.js';
import { KNOWN_KUBERNETES_VERSIONS } from '../../src/domain/upgrade-path.js';
import { runGate } from '../../src/gate/index.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { type LoadedPolicy, parsePolicies } from '../../src/policy/load.js';
import { loadPolicyFiles } from '../../src/policy/policy-files.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { sourcedDocuments } from '../../src/resolve/documents.js';
import { TemplateChartLoader } from '../../src/resolve/template-chart.js';
import { openSqliteStore } from '../../src/store/index.js';
import { parseYamlSource } from '../../src/util/yaml-source.js';
import { admit } from '../../src/webhook/admit.js';
import { parseAdmissionReview } from '../../src/webhook/review.js';
import type { Snapshot } from '../../src/webhook/snapshot.js';
import { loadDirectories } from '../../src/webhook/sources.js';
import { ROOT, reviewOf, versionedSimCharts } from '../webhook/helpers.js';

type Obj = Record<string, any>;

const TEAM_LABELS = { tier: 'development' };

/**
 * The three entry points on one ClusterDeployment (create), each with k0rdent's admission rules
 * gathered its own way: `check`'s (prepareAdmission, from the input files), the webhook's (its
 * snapshot) and the controller's (gatherAdmissionFacts, from its store).
 */
async function verdicts(
  object: Obj,
  snap: Snapshot,
  catalog: TemplateCatalog,
  policies: readonly LoadedPolicy[],
) {
  const text = jsyaml.dump(object);
  const file = `${object.metadata.name}.yaml`;
  const input = { file, docs: parseYamlSource(text, file) };
  const [cd] = clusterDeployments(input).deployments;
  const admission = await prepareAdmission({
    documents: sourcedDocuments([input]),
    teamLabels: async () => TEAM_LABELS,
    catalog,
    loader: new TemplateChartLoader({ catalog }),
  });
  const judged = await admission.judge(cd!);
  const cli = runGate({
    deployment: cd!,
    resolveTemplate: judged.resolveTemplate,
    admission: judged.admission,
    policies,
    teamLabels: TEAM_LABELS,
  });
  const webhook = admit(parseAdmissionReview(JSON.stringify(reviewOf(object))), snap, 'validate');
  const stored = {
    ...object,
    metadata: { ...object.metadata, uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: 'x' },
  } as KubeObject;
  const runner = new GateRunner(catalog, policies);
  const store = openSqliteStore(':memory:');
  try {
    const facts = await gatherAdmissionFacts({
      store,
      gate: runner,
      cd: stored,
      template: { kind: 'catalog' },
      availableUpgrades: [],
    });
    const controller = runner.run(stored, TEAM_LABELS, { kind: 'catalog' }, { admission: facts.facts });
    return { cli, webhook, controller };
  } finally {
    store.close();
  }
}

describe('one verdict on a new ClusterDeployment: check, the webhook and the controller', () => {
  const policies = loadPolicyFiles([join(ROOT, 'policies')]);
  const catalog = new TemplateCatalog();
  let snap: Snapshot;
  beforeAll(() => {
    snap = {
      ...loadDirectories([join(ROOT, 'policies')], []),
      namespaceLabels: new Map([['team-a', TEAM_LABELS]]),
    };
  });

  const deploymentIn = (file: string): Obj =>
    jsyaml
      .loadAll(readFileSync(join(ROOT, file), 'utf8'))
      .find((d) => (d as Obj)?.kind === 'ClusterDeployment') as Obj;
  const cases: Array<[string, (o: Obj) => void]> = [
    ['an allowed submission', () => undefined],
    ['a policy denial', () => undefined],
    ['an unknown template', (o) => (o.spec.template = 'no-such-template')],
    ['values the schema refuses', (o) => (o.spec.config = { ...o.spec.config, workersNumber: 'three' })],
  ];

  it.each(cases)('%s', async (name, change) => {
    const object = deploymentIn(
      name === 'a policy denial' ? 'examples/gate/team-a-denied.yaml' : 'examples/gate/team-a-allowed.yaml',
    );
    change(object);
    const { cli, webhook, controller } = await verdicts(object, snap, catalog, policies);
    expect(webhook.allowed).toBe(cli.allowed);
    expect(controller.allowed).toBe(cli.allowed);
    const messages = (v: typeof cli) => v.violations.map((x) => x.message).sort();
    expect(messages(controller)).toEqual(messages(cli));
    for (const m of messages(cli)) expect(webhook.status?.message ?? '').toContain(m);
    if (name === 'an allowed submission') expect(cli.allowed).toBe(true);
    else expect(cli.violations.length).toBeGreaterThan(0);
  });
});

describe('one verdict on a change of template: the webhook admits what the controller will roll out', () => {
  const dir = versionedSimCharts([
    ['1.0.0', 'v1.31.4+k0s.0'],
    ['1.0.1', 'v1.34.0+k0s.0'], // two minors up: v1.32 and v1.33 are known steps
    ['1.0.2', 'v1.37.0+k0s.0'], // v1.35 and v1.36 are not
    ['1.0.3', 'v1.30.2+k0s.0'], // down
  ]);
  const catalog = new TemplateCatalog([dir]);
  const noPolicies = parsePolicies('', 'none');
  let snap: Snapshot;
  beforeAll(() => {
    snap = { ...loadDirectories([], [dir]), namespaceLabels: new Map() };
  });
  const cd = (template: string, status?: Obj): Obj => ({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'ClusterDeployment',
    metadata: { name: 'sim', namespace: 'team-z' },
    spec: { template, config: {} },
    ...(status ? { status } : {}),
  });
  const available = ['sim-1-0-1', 'sim-1-0-2', 'sim-1-0-3'];

  /** The controller's apply decision for a deployment running sim-1-0-0 that is changed to `to`. */
  function controllerRefusal(to: string, upgrades: readonly string[]): string | undefined {
    const stored = {
      ...cd(to),
      metadata: { ...cd(to).metadata, uid: 'u', resourceVersion: '1', generation: 2, creationTimestamp: 'x' },
    } as KubeObject;
    const verdict = new GateRunner(catalog, noPolicies).run(stored);
    expect(verdict.allowed).toBe(true);
    const chain = templateChangeRefusal({ template: 'sim-1-0-0' }, to, upgrades);
    if (chain) return chain.message;
    const running = kubernetesVersion(
      renderedKubeVersion(
        new GateRunner(catalog, noPolicies).run({ ...stored, spec: { template: 'sim-1-0-0', config: {} } })
          .objects,
      )!,
    );
    const known = [...KNOWN_KUBERNETES_VERSIONS];
    return versionRefusal(
      desiredCluster(verdict.objects),
      { controlPlane: { version: running } as never },
      known,
    )?.message;
  }

  it.each<[string, string, readonly string[], 'allowed' | 'refused']>([
    ['two minors up through known steps', 'sim-1-0-1', available, 'allowed'],
    ['minors up with no known step', 'sim-1-0-2', available, 'refused'],
    ['a downgrade', 'sim-1-0-3', available, 'refused'],
    ['a template no chain offers', 'sim-1-0-1', ['sim-1-0-3'], 'refused'],
  ])('%s', (_name, to, upgrades, want) => {
    const webhook = admit(
      parseAdmissionReview(
        JSON.stringify(
          reviewOf(cd(to), {
            operation: 'UPDATE',
            oldObject: cd('sim-1-0-0', { availableUpgrades: [...upgrades] }),
          }),
        ),
      ),
      snap,
      'validate',
    );
    const refusal = controllerRefusal(to, upgrades);
    expect(webhook.allowed).toBe(want === 'allowed');
    expect(refusal === undefined).toBe(want === 'allowed');
    if (refusal) expect(webhook.status?.message).toContain(refusal);
  });
});
