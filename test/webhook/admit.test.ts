// The webhook's decisions (src/webhook/admit.ts) on the repository's examples: the same gate as
// `clustermint check`, chart and ClusterClass defaults as JSON Patches, the upgrade rules.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsonpatch from 'fast-json-patch';
import jsyaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterDeployments, readSubmissionFile } from '../../src/cli/inputs.js';
import { runGate } from '../../src/gate/index.js';
import { loadPolicyFiles } from '../../src/policy/policy-files.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { admit, violationLine } from '../../src/webhook/admit.js';
import { parseAdmissionReview } from '../../src/webhook/review.js';
import type { Snapshot } from '../../src/webhook/snapshot.js';
import { loadDirectories } from '../../src/webhook/sources.js';
import { doc, patchOf, ROOT, reviewOf, versionedSimCharts } from './helpers.js';

const POLICIES = join(ROOT, 'policies');
let snap: Snapshot;

function decide(object: Record<string, any>, mode: 'validate' | 'mutate', opts = {}, s = snap) {
  return admit(parseAdmissionReview(JSON.stringify(reviewOf(object, opts))), s, mode);
}

beforeAll(() => {
  snap = {
    ...loadDirectories([POLICIES], []),
    namespaceLabels: new Map([['team-a', { tier: 'development' }]]),
  };
});

describe('validating ClusterDeployments', () => {
  it('allows what check allows', () => {
    const r = decide(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment'), 'validate');
    expect(r.status?.message).toBeUndefined();
    expect(r.allowed).toBe(true);
  });

  it('denies with 403 and every violation check reports, with policy and path', () => {
    const file = join(ROOT, 'examples/gate/team-a-denied.yaml');
    const [cd] = clusterDeployments(readSubmissionFile(file)).deployments;
    const catalog = new TemplateCatalog();
    const verdict = runGate({
      deployment: cd,
      resolveTemplate: (n) => catalog.resolve(n),
      policies: loadPolicyFiles([POLICIES]),
    });
    expect(verdict.violations.length).toBeGreaterThanOrEqual(4);
    const r = decide(doc('examples/gate/team-a-denied.yaml', 'ClusterDeployment'), 'validate', {
      user: 'bob',
    });
    expect(r.allowed).toBe(false);
    expect(r.status?.code).toBe(403);
    const message = r.status?.message ?? '';
    expect(message).toContain('ClusterDeployment team-a/big-us (user bob) denied');
    expect(message).toContain(`${verdict.violations.length} violations`);
    for (const v of verdict.violations) {
      expect(message).toContain(v.message);
      expect(message).toContain(`[${v.policy}/${v.rule}]`);
    }
    // the policy files are named, the submission's paths are given
    expect(message).toContain('policies/team-a.yaml');
    expect(message).toMatch(/\$\.spec\.credential/);
  });

  it('denies a shape error and an unknown template with a clear message', () => {
    const cd = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
    const unknown = decide({ ...cd, spec: { ...cd.spec, template: 'aws-standalone' } }, 'validate');
    expect(unknown.allowed).toBe(false);
    expect(unknown.status?.message).toMatch(
      /ClusterTemplate aws-standalone not found in namespace team-a; did you mean "aws-standalone-cp"/,
    );
    const typo = decide({ ...cd, spec: { ...cd.spec, templat: 'x' } }, 'validate');
    expect(typo.status?.message).toContain('unknown field spec.templat');
  });

  it('never reads a chart folder named by a path', () => {
    const cd = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
    for (const template of [join(ROOT, 'templates/aws-standalone-cp'), './templates/aws-standalone-cp']) {
      const r = decide({ ...cd, spec: { ...cd.spec, template } }, 'validate');
      expect(r.allowed).toBe(false);
      expect(r.status?.message).toContain('a template is named by a DNS-1123 name');
    }
  });

  it('uses the request namespace as the team', () => {
    const cd = doc('examples/gate/team-a-denied.yaml', 'ClusterDeployment');
    // team-a's own policies do not bind team-c; only the rules for every team remain
    const other = { ...cd, metadata: { ...cd.metadata, namespace: 'team-c' } };
    const forA = decide(cd, 'validate');
    const forC = decide(other, 'validate');
    expect(forA.status?.message).toContain('team-a-sizes');
    expect(forC.status?.message ?? '').not.toContain('team-a-sizes');
    expect(forC.status?.message).toContain('own-credentials');
  });

  it('lets an update through when the spec did not change (finalizers, labels, deletion)', () => {
    const cd = doc('examples/gate/team-a-denied.yaml', 'ClusterDeployment');
    const relabeled = { ...cd, metadata: { ...cd.metadata, labels: { x: 'y' }, finalizers: ['a/b'] } };
    expect(decide(relabeled, 'validate', { operation: 'UPDATE', oldObject: cd }).allowed).toBe(true);
    const deleting = { ...cd, metadata: { ...cd.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    expect(decide(deleting, 'validate', { operation: 'UPDATE', oldObject: cd }).allowed).toBe(true);
    expect(decide(cd, 'validate', { operation: 'DELETE' }).allowed).toBe(true);
  });
});

describe('mutating ClusterDeployments', () => {
  it('adds the chart defaults that are missing, and only those', () => {
    const cd = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
    const r = decide(cd, 'mutate');
    expect(r.allowed).toBe(true);
    expect(r.patchType).toBe('JSONPatch');
    const ops = patchOf(r);
    expect(ops.every((o) => o.op === 'add' && o.path.startsWith('/spec/config/'))).toBe(true);
    const patched = jsonpatch.applyPatch(structuredClone(cd), ops).newDocument as any;
    const defaults = jsyaml.load(
      readFileSync(join(ROOT, 'templates/aws-standalone-cp/values.yaml'), 'utf8'),
    ) as any;
    // what the user wrote is kept
    expect(patched.spec.config.region).toBe('eu-central-1');
    expect(patched.spec.config.worker.instanceType).toBe('t3.xlarge');
    expect(patched.spec.config.workersNumber).toBe(3);
    // what the user left out comes from values.yaml, deep
    expect(patched.spec.config.k0s).toEqual(defaults.k0s);
    expect(patched.spec.config.worker.rootVolumeSize).toBe(defaults.worker.rootVolumeSize);
    expect(patched.spec.config.worker.imageLookup).toEqual(defaults.worker.imageLookup);
    // a second pass adds nothing: every default is there
    expect(decide(patched, 'mutate').patch).toBeUndefined();
    // and the defaulted object passes the gate as the original did
    expect(decide(patched, 'validate').allowed).toBe(true);
  });

  it('fills a missing config whole and keeps explicit nulls', () => {
    const cd = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
    const { config: _c, ...spec } = cd.spec;
    const ops = patchOf(decide({ ...cd, spec }, 'mutate'));
    expect(ops).toHaveLength(1);
    expect(ops[0].op).toBe('add');
    expect(ops[0].path).toBe('/spec/config');
    expect(ops[0].value.k0s.version).toMatch(/^v1\./);
    const withNull = { ...cd, spec: { ...cd.spec, config: { ...cd.spec.config, bastion: null } } };
    expect(patchOf(decide(withNull, 'mutate')).some((o) => o.path.startsWith('/spec/config/bastion'))).toBe(
      false,
    );
  });

  it('gives new names with the same values the same defaults, and other values their own', () => {
    const cd = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
    const renamed = (name: string, spec = cd.spec) => ({ ...cd, metadata: { ...cd.metadata, name }, spec });
    const first = decide(renamed('one'), 'mutate');
    const second = decide(renamed('two'), 'mutate');
    expect(second.uid).not.toBe(first.uid);
    expect(second.patch).toBe(first.patch);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    // a value the user now gives is no longer added
    const k0s = { version: 'v1.32.5+k0s.0' };
    const own = patchOf(
      decide(renamed('three', { ...cd.spec, config: { ...cd.spec.config, k0s } }), 'mutate'),
    );
    expect(own.some((o) => o.path === '/spec/config/k0s' || o.path === '/spec/config/k0s/version')).toBe(
      false,
    );
    expect(own.some((o) => o.path.startsWith('/spec/config/k0s/'))).toBe(true); // the rest of k0s
    expect(patchOf(first).some((o) => o.path === '/spec/config/k0s')).toBe(true);
    // `config: null` is replaced, a missing config added, each time
    const { config: _c, ...noConfig } = cd.spec;
    for (let i = 0; i < 2; i++) {
      expect(patchOf(decide(renamed(`n${i}`, { ...cd.spec, config: null }), 'mutate'))[0]).toMatchObject({
        op: 'replace',
        path: '/spec/config',
      });
      expect(patchOf(decide(renamed(`m${i}`, noConfig as typeof cd.spec), 'mutate'))[0]).toMatchObject({
        op: 'add',
        path: '/spec/config',
      });
    }
  });

  it('escapes JSON Pointer characters in keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-webhook-chart-'));
    cpSync(join(ROOT, 'templates/simulated-standalone-cp'), join(dir, 'odd'), { recursive: true });
    const values = join(dir, 'odd/values.yaml');
    const text = readFileSync(values, 'utf8').replace(
      /^clusterLabels: \{\}$/m,
      'clusterLabels:\n  example.com/a~b: "1"',
    );
    expect(text).toContain('a~b');
    writeFileSync(values, text);
    const chart = readFileSync(join(dir, 'odd/Chart.yaml'), 'utf8').replace(/^name: .*$/m, 'name: odd');
    writeFileSync(join(dir, 'odd/Chart.yaml'), chart);
    const s = { ...loadDirectories([], [dir]), namespaceLabels: new Map() };
    const cd = { ...doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment') };
    cd.spec = { template: 'odd', config: { clusterLabels: {} } };
    const ops = patchOf(decide(cd, 'mutate', {}, s));
    expect(ops).toContainEqual({
      op: 'add',
      path: '/spec/config/clusterLabels/example.com~1a~0b',
      value: '1',
    });
  });
});

/** Charts `sim` at three versions whose default Kubernetes versions are 1.31, 1.32 and 1.34. */
const versionedTemplates = () =>
  versionedSimCharts([
    ['1.0.0', 'v1.31.4+k0s.0'],
    ['1.0.1', 'v1.32.1+k0s.0'],
    ['1.0.2', 'v1.34.0+k0s.0'],
  ]);

describe('updates of ClusterDeployments', () => {
  let s: Snapshot;
  const cd = (template: string, status?: object) => ({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'ClusterDeployment',
    metadata: { name: 'sim', namespace: 'team-z' },
    spec: { template, config: {} },
    ...(status ? { status } : {}),
  });
  beforeAll(() => {
    s = { ...loadDirectories([], [versionedTemplates()]), namespaceLabels: new Map() };
  });

  it('the versioned charts render and are allowed on create', () => {
    for (const t of ['sim-1-0-0', 'sim-1-0-1', 'sim-1-0-2'])
      expect(decide(cd(t), 'validate', {}, s).status?.message).toBeUndefined();
  });

  it('moves spec.template only to a template in status.availableUpgrades', () => {
    const old = cd('sim-1-0-0', { availableUpgrades: ['sim-1-0-1'] });
    const denied = decide(cd('sim-1-0-2'), 'validate', { operation: 'UPDATE', oldObject: old }, s);
    expect(denied.allowed).toBe(false);
    expect(denied.status?.message).toContain(
      'spec.template: cluster upgrade is forbidden: cannot upgrade from sim-1-0-0 to sim-1-0-2',
    );
    expect(denied.status?.message).toContain('(available upgrades: sim-1-0-1)');
    const allowed = decide(cd('sim-1-0-1'), 'validate', { operation: 'UPDATE', oldObject: old }, s);
    expect(allowed.status?.message).toBeUndefined();
    expect(allowed.allowed).toBe(true);
  });

  it("follows the controller's upgrade-path rule: skipped minors in known steps, no downgrade", () => {
    // listed as an upgrade; 1.32 -> 1.34 skips a minor that has a known version (v1.33.4), so the
    // controller will step through it and the webhook admits it
    const skip = decide(
      cd('sim-1-0-2'),
      'validate',
      {
        operation: 'UPDATE',
        oldObject: cd('sim-1-0-1', { availableUpgrades: ['sim-1-0-2'] }),
      },
      s,
    );
    expect(skip.status?.message).toBeUndefined();
    expect(skip.allowed).toBe(true);
    const down = decide(
      cd('sim-1-0-0'),
      'validate',
      {
        operation: 'UPDATE',
        oldObject: cd('sim-1-0-1', { availableUpgrades: ['sim-1-0-0'] }),
      },
      s,
    );
    expect(down.status?.message).toContain(
      'spec.template: version cannot be decreased from v1.32.1 to v1.31.4: Kubernetes does not support downgrades',
    );
    // the running version in status wins over the old spec's
    const fromStatus = decide(
      cd('sim-1-0-1'),
      'validate',
      {
        operation: 'UPDATE',
        oldObject: cd('sim-1-0-0', { availableUpgrades: ['sim-1-0-1'], k8sVersion: 'v1.35.0' }),
      },
      s,
    );
    expect(fromStatus.status?.message).toContain('version cannot be decreased from v1.35.0 to v1.32.1');
    // a version given in the values counts too; no version of 1.35 or 1.36 is known to step through
    const inValues = cd('sim-1-0-1');
    inValues.spec.config = { k0s: { version: 'v1.37.0+k0s.0' } };
    const valuesJump = decide(inValues, 'validate', { operation: 'UPDATE', oldObject: cd('sim-1-0-1') }, s);
    expect(valuesJump.status?.message).toContain(
      'spec.config: cannot upgrade from v1.32.1 to v1.37.0: the control plane moves one minor version at a time and no version of v1.35, v1.36 is known',
    );
  });

  it('checks chains: known templates, and every upgrade edge within the skew rules', () => {
    const chain = (supported: object[]) => ({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ClusterTemplateChain',
      metadata: { name: 'sim', namespace: 'team-z' },
      spec: { supportedTemplates: supported },
    });
    const good = decide(
      chain([{ name: 'sim-1-0-0', availableUpgrades: [{ name: 'sim-1-0-1' }] }, { name: 'sim-1-0-1' }]),
      'validate',
      {},
      s,
    );
    expect(good.status?.message).toBeUndefined();
    const bad = decide(
      chain([
        { name: 'sim-1-0-2', availableUpgrades: [{ name: 'sim-1-0-1' }, { name: 'sim-9' }] },
        { name: 'sim-1-0-1' },
        { name: 'sim-1-0-1' },
      ]),
      'validate',
      {},
      s,
    );
    expect(bad.allowed).toBe(false);
    const m = bad.status?.message ?? '';
    expect(m).toContain(
      'spec.supportedTemplates[0].availableUpgrades[0].name: version cannot be decreased from v1.34.0 to v1.32.1',
    );
    expect(m).toContain('spec.supportedTemplates[2].name: Duplicate value: "sim-1-0-1"');
    expect(bad.warnings).toContain(
      'spec.supportedTemplates[0].availableUpgrades[1].name: sim-9 is not itself in spec.supportedTemplates',
    );
    const missing = decide(chain([{ name: 'nope-1-0-0' }]), 'validate', {}, s);
    expect(missing.status?.message).toContain('spec.supportedTemplates[0].name: Not found: "nope-1-0-0"');
    const changed = decide(
      chain([{ name: 'sim-1-0-1' }]),
      'validate',
      { operation: 'UPDATE', oldObject: chain([{ name: 'sim-1-0-0' }]) },
      s,
    );
    expect(changed.status?.message).toContain('spec: Invalid value: Spec is immutable');
  });
});

describe('ClusterTemplates', () => {
  const tmpl = (helm: object) => ({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'ClusterTemplate',
    metadata: { name: 'aws-standalone-cp-1-0-43', namespace: 'team-a' },
    spec: { helm },
  });
  it('allows a chart the webhook has, warns about one it does not', () => {
    const ok = decide(tmpl({ chartSpec: { chart: 'aws-standalone-cp', version: '1.0.43' } }), 'validate');
    expect(ok).toMatchObject({ allowed: true });
    expect(ok.warnings).toBeUndefined();
    const unknown = decide(tmpl({ chartSpec: { chart: 'gcp-standalone-cp', version: '1.0.0' } }), 'validate');
    expect(unknown.allowed).toBe(true);
    expect(unknown.warnings?.[0]).toContain(
      "chart gcp-standalone-cp 1.0.0 is not among the webhook's templates",
    );
  });
  it("denies what k0rdent's CRD rules deny", () => {
    const both = decide(
      tmpl({ chartSpec: { chart: 'a' }, chartRef: { kind: 'HelmChart', name: 'a' } }),
      'validate',
    );
    expect(both.status?.message).toContain('chartSpec, chartSource and chartRef are mutually exclusive');
    const source = decide(tmpl({ chartSource: {} }), 'validate');
    expect(source.status?.message).toContain('chartSource is not supported for ClusterTemplates');
    const none = decide({ ...tmpl({}), spec: {} }, 'validate');
    expect(none.status?.message).toContain('spec.helm: Required value');
  });
});

describe('topology Clusters', () => {
  const cluster = () => doc('examples/topology/cluster.yaml', 'Cluster');
  it('allows the example and denies a bad variable with its path', () => {
    expect(decide(cluster(), 'validate').status?.message).toBeUndefined();
    const bad = cluster();
    bad.spec.topology.variables.find((v: any) => v.name === 'instanceType').value = 'sim.huge';
    const r = decide(bad, 'validate');
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toContain('spec.topology.variables[instanceType].value');
    expect(r.status?.message).toContain('sim.huge');
  });
  it('denies with the policies too (team-a: at most 5 workers)', () => {
    const big = cluster();
    big.spec.topology.workers.machineDeployments[0].replicas = 9;
    const r = decide(big, 'validate');
    expect(r.status?.message).toContain('[team-a-sizes/topology-at-most-5-workers-3-control-planes]');
  });
  it('adds variable defaults from the ClusterClass as a patch', () => {
    const c = cluster();
    const r = decide(c, 'mutate');
    const patched = jsonpatch.applyPatch(structuredClone(c), patchOf(r)).newDocument as any;
    const byName = Object.fromEntries(patched.spec.topology.variables.map((v: any) => [v.name, v.value]));
    expect(byName).toMatchObject({
      region: 'local-1',
      instanceType: 'sim.large',
      bootDelay: '5s',
      bootFailureRate: 0,
    });
    expect(decide(patched, 'mutate').patch).toBeUndefined();
  });
  it('admits a jump of minors that known versions step through, and denies one they do not', () => {
    const old = cluster();
    const next = cluster();
    next.spec.topology.version = 'v1.33.0';
    expect(decide(next, 'validate', { operation: 'UPDATE', oldObject: old }).status?.message).toBeUndefined();
    next.spec.topology.version = 'v1.36.0';
    const r = decide(next, 'validate', { operation: 'UPDATE', oldObject: old });
    expect(r.status?.message).toContain(
      'spec.topology.version: cannot upgrade from v1.31.2 to v1.36.0: the control plane moves one minor version at a time and no version of v1.35 is known',
    );
  });
});

describe('other requests', () => {
  it('allows kinds it does not check, with a warning about the configuration', () => {
    const r = decide({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x' } }, 'validate');
    expect(r.allowed).toBe(true);
    expect(r.warnings?.[0]).toContain('is not a kind it checks');
  });
  it('formats a violation with its tag, subject and file', () => {
    expect(
      violationLine(
        {
          stage: 'policy',
          severity: 'error',
          code: 'X',
          message: 'no',
          policy: 'p',
          rule: 'r',
          policyFile: 'f.yaml',
          path: '$.a',
        },
        'sub',
      ),
    ).toBe('[p/r] $.a: no (f.yaml)');
  });
});

describe('a denial with many violations', () => {
  it('lists the first hundred and counts the rest, instead of megabytes of message', () => {
    const cd = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
    const typos = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`typo${i}`, i]));
    const r = decide({ ...cd, spec: { ...cd.spec, config: { ...cd.spec.config, ...typos } } }, 'validate');
    expect(r.allowed).toBe(false);
    const message = r.status?.message ?? '';
    expect(message).toMatch(/denied by clustermint: 500 violations:/);
    expect(message.match(/^- /gm)?.length).toBe(100);
    expect(message).toMatch(/\n\.\.\. and 400 more \(clustermint check -f prints every one\)$/);
    expect(message.length).toBeLessThan(64 * 1024 + 200);
  });

  it('lists every violation of a short denial', () => {
    const r = decide(doc('examples/gate/team-a-denied.yaml', 'ClusterDeployment'), 'validate');
    expect(r.status?.message).not.toMatch(/more \(clustermint check/);
  });
});
