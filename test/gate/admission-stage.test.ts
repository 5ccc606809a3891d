// runGate's admission stage: k0rdent's admission findings become violations (errors) and warnings
// with ADMISSION_* codes, the rule, the path and the submission's line; every printer tags them.
import { describe, expect, it } from 'vitest';
import { readClusterDeployment } from '../../src/api/cluster-deployment.js';
import { junitVerdicts, printedVerdict, sarifVerdicts, textVerdicts } from '../../src/cli/verdict-formats.js';
import type { AdmissionFacts } from '../../src/domain/admission.js';
import { admissionCode } from '../../src/gate/admission-violations.js';
import { runGate } from '../../src/gate/index.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { parseYamlSource } from '../../src/util/yaml-source.js';
import { violationLine } from '../../src/webhook/admit.js';

const catalog = new TemplateCatalog();
const text = [
  'apiVersion: clustermint.io/v1alpha1',
  'kind: ClusterDeployment',
  'metadata: {name: c1, namespace: team-a}',
  'spec:',
  '  template: simulated-standalone-cp',
  '  credential: sim-cred',
  '  config:',
  '    workersNumber: 1',
].join('\n');
const [doc] = parseYamlSource(text, 'cd.yaml');
const cd = readClusterDeployment('cd.yaml', doc!);

const facts = (over: Partial<AdmissionFacts> = {}): AdmissionFacts => ({
  namespace: 'team-a',
  tenancy: true,
  operation: 'create',
  spec: { template: 'simulated-standalone-cp', credential: 'sim-cred', services: [] },
  template: { object: true, valid: true, providers: ['infrastructure-simulated'], revoked: false },
  credential: { ready: true, identityKind: 'SimulatedClusterIdentity', revoked: false },
  serviceTemplates: new Map(),
  serviceChains: new Map(),
  providerInterfaces: [],
  ...over,
});
const gate = (admission?: AdmissionFacts) =>
  runGate({ deployment: cd, resolveTemplate: (n) => catalog.resolve(n), policies: [], admission });

describe('the admission stage of runGate', () => {
  it('allows when the facts are good, and without facts runs no admission rule', () => {
    expect(gate(facts()).allowed).toBe(true);
    expect(gate(facts()).violations).toEqual([]);
    expect(gate().allowed).toBe(true);
  });

  it('denies with the rule, its code, the path and the line of the submission', () => {
    const v = gate(facts({ credential: { ready: false, reason: 'IdentityNotFound', revoked: false } }));
    expect(v.allowed).toBe(false);
    expect(v.violations).toEqual([
      {
        stage: 'admission',
        severity: 'error',
        code: 'ADMISSION_CREDENTIAL_READY',
        rule: 'credential-ready',
        message: 'the Credential team-a/sim-cred is not Ready: IdentityNotFound',
        path: '$.spec.credential',
        location: { file: 'cd.yaml', line: 6, col: 15, path: '$.spec.credential' },
      },
    ]);
  });

  it('a warning finding is a warning of the verdict and does not deny', () => {
    const v = gate(
      facts({
        operation: 'update',
        old: { template: 'simulated-standalone-cp', credential: 'sim-cred', availableUpgrades: [] },
        credential: { ready: true, identityKind: 'SimulatedClusterIdentity', revoked: true },
      }),
    );
    expect(v.allowed).toBe(true);
    expect(v.violations).toEqual([]);
    expect(v.warnings.map((w) => [w.code, w.severity])).toEqual([['ADMISSION_CREDENTIAL_ACCESS', 'warning']]);
  });

  it('codes are ADMISSION_ and the rule in upper snake case', () => {
    expect(admissionCode('service-k8s-compatibility')).toBe('ADMISSION_SERVICE_K8S_COMPATIBILITY');
    expect(admissionCode('template-exists')).toBe('ADMISSION_TEMPLATE_EXISTS');
  });
});

describe('printing admission findings', () => {
  const denied = gate(facts({ credential: undefined }));

  it('violationLine tags [admission/<rule>]', () => {
    expect(violationLine(denied.violations[0]!, 'cd.yaml')).toBe(
      '[admission/credential-exists] $.spec.credential: Credential team-a/sim-cred not found',
    );
  });

  it('text: the finding with its tag', () => {
    expect(textVerdicts([printedVerdict(denied)])).toContain(
      '  error: cd.yaml:6:15 ($.spec.credential): Credential team-a/sim-cred not found [admission/credential-exists]\n',
    );
  });

  it('SARIF: one rule per admission rule, described as such', () => {
    const run = JSON.parse(sarifVerdicts([printedVerdict(denied)])).runs[0];
    expect(run.tool.driver.rules).toEqual([
      {
        id: 'clustermint/admission/credential-exists',
        name: 'clustermintAdmissionCredentialExists',
        shortDescription: { text: 'k0rdent admission rule credential-exists (ADMISSION_CREDENTIAL_EXISTS)' },
      },
    ]);
    expect(run.results[0].ruleId).toBe('clustermint/admission/credential-exists');
    expect(run.results[0].locations[0].physicalLocation.region).toEqual({ startLine: 6, startColumn: 15 });
  });

  it('JUnit: a failing test case named after the rule', () => {
    const xml = junitVerdicts([printedVerdict(denied)]);
    expect(xml).toContain('<testcase classname="team-a/c1" name="clustermint/admission/credential-exists">');
    expect(xml).toContain('type="ADMISSION_CREDENTIAL_EXISTS"');
  });
});
