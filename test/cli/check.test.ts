import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04Module from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { loadPolicyFiles } from '../../src/policy/policy-files.js';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ALLOWED = join(ROOT, 'examples/gate/team-a-allowed.yaml');
const DENIED = join(ROOT, 'examples/gate/team-a-denied.yaml');
const POLICIES = join(ROOT, 'policies');

describe('clustermint check (the gate)', () => {
  it('allows a submission that meets every policy, exit 0', async () => {
    const r = await run('check', '-f', ALLOWED, '--policies', POLICIES);
    expect(r.stdout).toMatch(/^ALLOWED team-a\/dev-eu/m);
    expect(r.stdout).toMatch(/1 submission: 1 allowed, 0 denied/);
    expect(r.code).toBe(0);
  });

  it('denies with every violation, its rule and where it points; exit 1', async () => {
    const r = await run('check', '-f', DENIED, '--policies', POLICIES);
    expect(r.code).toBe(1);
    const out = r.stdout;
    expect(out).toMatch(/^DENIED {2}team-a\/big-us/m);
    // values: points at the submission's line for workersNumber
    expect(out).toMatch(
      /team-a-denied\.yaml:16:20 \(\$\.workersNumber\): team-a may run at most 5 workers, not 8 \[team-a-sizes\/at-most-5-workers-3-control-planes\]/,
    );
    // rendered objects: named with their path
    expect(out).toMatch(
      /AWSMachineTemplate\/big-us-worker-mt \$\.spec\.template\.spec\.instanceType: team-a may only use t3\.\* instances/,
    );
    expect(out).toMatch(/AWSCluster\/big-us \$\.spec\.region: team-a may only deploy to eu-\* regions/);
    // the submission itself: its line
    expect(out).toMatch(
      /team-a-denied\.yaml:9:15 \(\$\.spec\.credential\): a team may only use its own credentials/,
    );
    expect(out).not.toMatch(/control-plane nodes/); // 3 control planes are allowed
  });

  it('the example policies: 20, every rule passes for the allowed example', async () => {
    const r = await run('check', '-f', ALLOWED, '--policies', POLICIES, '-o', 'json');
    const [v] = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    expect(loadPolicyFiles([POLICIES])).toHaveLength(20);
    expect(Object.keys(v.rules).length).toBeGreaterThanOrEqual(15); // the others bind team-b
    expect(Object.values(v.rules).every((o) => o === 'pass')).toBe(true);
  });

  it("the baseline and team-b policies deny what they are about, on team-b's submission", async () => {
    const dir = tmpTree({
      'b.yaml': [
        'apiVersion: clustermint.io/v1alpha1',
        'kind: ClusterDeployment',
        'metadata:',
        '  name: prod-with-a-name-that-is-much-too-long-to-be-the-value-of-a-label',
        '  namespace: team-b',
        'spec:',
        '  template: aws-standalone-cp',
        '  credential: team-b-aws',
        '  config:',
        '    region: eu-west-1',
        '    controlPlaneNumber: 2',
        '    workersNumber: 30',
        '    publicIP: true',
        '    bastion: {enabled: true}',
        '    controlPlane:',
        '      instanceType: t3.large',
        '      rootVolumeSize: 3000',
        '      nonRootVolumes: [{deviceName: /dev/sdb, size: 100, encrypted: false}]',
        '    worker: {instanceType: c5.xlarge}',
        '---',
        'apiVersion: clustermint.io/v1alpha1',
        'kind: ClusterDeployment',
        'metadata: {name: sim, namespace: team-b}',
        'spec: {template: simulated-standalone-cp, credential: team-b-sim}',
        '',
      ].join('\n'),
    });
    const r = await run('check', '-f', join(dir, 'b.yaml'), '--policies', POLICIES, '-o', 'json');
    expect(r.code).toBe(1);
    const [big, sim] = JSON.parse(r.stdout);
    const failed = (v: any) =>
      Object.entries(v.rules)
        .filter(([, o]) => o === 'fail')
        .map(([k]) => k)
        .sort();
    expect(failed(big)).toEqual([
      'aws-bastion/bastion-with-allowed-cidrs',
      'aws-encrypted-volumes/extra-volumes-encrypted',
      'aws-root-volume/between-8-and-2000-gib',
      'control-plane-quorum/odd-number-of-control-planes',
      'deployment-name-length/fits-a-label-value',
      'team-b-instance-types/m5-or-c5',
      'team-b-private/no-public-ip',
      'team-b-regions/regions-us',
      'team-b-sizes/at-most-20-workers',
    ]);
    // team-a's rules do not bind team-b; the worker's c5 passes, the control plane's t3 does not
    expect(big.rules['team-a-aws/instance-types-t3']).toBeUndefined();
    const instance = big.violations.filter((x: any) => x.policy === 'team-b-instance-types');
    expect(instance.map((x: any) => x.object.name)).toEqual([
      'prod-with-a-name-that-is-much-too-long-to-be-the-value-of-a-lab-cp-mt',
      'prod-with-a-name-that-is-much-too-long-to-be-the-value-of-a-lab-cp-mt',
    ]);
    expect(failed(sim)).toEqual(['team-b-templates/only-aws-templates']);
  });

  it('-f takes a folder, like kubectl', async () => {
    const r = await run('check', '-f', join(ROOT, 'examples/gate'), '--policies', POLICIES, '-o', 'json');
    expect(JSON.parse(r.stdout).map((v: any) => `${v.submission.name}:${v.allowed}`)).toEqual([
      'dev-eu:true',
      'big-us:false',
    ]);
    expect(r.code).toBe(1);
  });

  it('-o json carries the verdicts and rule outcomes', async () => {
    const r = await run('check', '-f', ALLOWED, '-f', DENIED, '--policies', POLICIES, '-o', 'json');
    expect(r.code).toBe(1);
    const verdicts = JSON.parse(r.stdout);
    expect(verdicts.map((v: any) => [v.submission.name, v.allowed])).toEqual([
      ['dev-eu', true],
      ['big-us', false],
    ]);
    expect(verdicts[1].rules['team-a-aws/instance-types-t3']).toBe('fail');
    expect(verdicts[0].rules['kubernetes-version/at-least-1-31']).toBe('pass');
  });

  it('--format sarif is valid SARIF 2.1.0 with located results', async () => {
    const r = await run('check', '-f', DENIED, '--policies', POLICIES, '--format', 'sarif');
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const schema = JSON.parse(
      readFileSync(
        join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
        'utf8',
      ),
    );
    const Ajv04 = (Ajv04Module as unknown as { default: typeof Ajv04Module }).default ?? Ajv04Module;
    const validate = new (Ajv04 as any)({ allErrors: true, strict: false, unicodeRegExp: false }).compile(
      schema,
    );
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = log.runs[0].results;
    expect(results.length).toBeGreaterThanOrEqual(4);
    const workers = results.find((x: any) => x.ruleId === 'team-a-sizes/at-most-5-workers-3-control-planes');
    expect(workers.locations[0].physicalLocation.region).toEqual({ startLine: 16, startColumn: 20 });
    expect(log.runs[0].tool.driver.rules.map((x: any) => x.id)).toContain('team-a-aws/regions-eu');
  });

  it('--format junit has one testcase per submission x rule, failures for the broken ones', async () => {
    const r = await run('check', '-f', ALLOWED, '-f', DENIED, '--policies', POLICIES, '--format', 'junit');
    expect(r.code).toBe(1);
    const xml = r.stdout;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect((xml.match(/<testsuite /g) ?? []).length).toBe(2);
    expect(xml).toMatch(/<testcase classname="team-a\/big-us" name="team-a-aws\/regions-eu">\n\s+<failure /);
    expect(xml).toMatch(/<testcase classname="team-a\/dev-eu" name="team-a-aws\/regions-eu"\/>/);
    expect((xml.match(/<\?xml/g) ?? []).length).toBe(1);
  });

  it('a broken policy is refused before anything runs, with file, line and rule', async () => {
    const dir = tmpTree({
      'bad.yaml': [
        'apiVersion: json.kyverno.io/v1alpha1',
        'kind: ValidatingPolicy',
        'metadata: {name: broken}',
        'spec:',
        '  rules:',
        '  - name: bad-jp',
        '    assert:',
        '      all:',
        '      - check:',
        '          spec:',
        '            (nosuchfunction(@)): true',
        '',
      ].join('\n'),
      'unknown.yaml':
        'apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: x}\nspec:\n  rules:\n  - name: r\n    validate: {}\n    assert: {all: [{check: {a: 1}}]}\n',
    });
    const bad = await run('check', '-f', ALLOWED, '--policies', join(dir, 'bad.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      /bad\.yaml:11:13: invalid policy "broken", rule "bad-jp": .*unknown function: nosuchfunction/,
    );
    const unknown = await run('check', '-f', ALLOWED, '--policies', join(dir, 'unknown.yaml'));
    expect(unknown.stderr).toMatch(
      /unknown\.yaml:7:5 \(spec\.rules\[0\]\.validate\): invalid policy: spec\.rules\[0\]\.validate: Invalid value: value provided for unknown field \(rule "r"\)/,
    );
  });

  it.each([
    ['bad CEL', '(cel;object.spec.template ==)', /Syntax error|ERROR: <input>/],
    [
      'wrong arity',
      '(split(@))',
      /invalid arity, the function 'split' expects 2 arguments but 1 were supplied/,
    ],
    ['bad JMESPath', '(spec.[)', /SyntaxError/],
  ])('refuses a policy with %s, naming the rule and line', async (_what, key, message) => {
    const dir = tmpTree({
      'p.yaml': `apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: p}\nspec:\n  rules:\n  - name: r1\n    assert:\n      all:\n      - check:\n          "${key}": true\n`,
    });
    const r = await run('check', '-f', ALLOWED, '--policies', join(dir, 'p.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/p\.yaml:10:11: invalid policy "p", rule "r1": /);
    expect(r.stderr).toMatch(message);
  });

  it("team labels from the platform's Namespace files (--namespaces) reach $teamLabels", async () => {
    const dir = tmpTree({
      'p.yaml': [
        'apiVersion: json.kyverno.io/v1alpha1',
        'kind: ValidatingPolicy',
        'metadata: {name: dev-tier}',
        'spec:',
        '  rules:',
        '  - name: development-teams-at-most-2-workers',
        '    match: {all: [{($teamLabels.tier): development, kind: EffectiveValues}]}',
        '    assert: {all: [{check: {spec: {values: {workersNumber: {(@ <= `2`): true}}}}}]}',
        '',
      ].join('\n'),
    });
    const r = await run(
      'check',
      '-f',
      ALLOWED,
      '--policies',
      join(dir, 'p.yaml'),
      '--namespaces',
      join(ROOT, 'examples/platform/namespaces.yaml'),
      '-o',
      'json',
    );
    const [v] = JSON.parse(r.stdout);
    expect(v.rules['dev-tier/development-teams-at-most-2-workers']).toBe('fail');
    expect(r.code).toBe(1);
    // without the platform's labels the rule does not match
    const bare = await run('check', '-f', ALLOWED, '--policies', join(dir, 'p.yaml'), '-o', 'json');
    expect(JSON.parse(bare.stdout)[0].rules['dev-tier/development-teams-at-most-2-workers']).toBeUndefined();
    expect(bare.code).toBe(0);
  });

  it('a payload that makes an expression throw gives an error for that rule only', async () => {
    const dir = tmpTree({
      'p.yaml': [
        'apiVersion: json.kyverno.io/v1alpha1',
        'kind: ValidatingPolicy',
        'metadata: {name: fragile}',
        'spec:',
        '  rules:',
        '  - name: types',
        '    match: {all: [{kind: ClusterDeployment}]}',
        '    assert:',
        '      all:',
        '      - check:',
        '          spec:',
        '            template: 3',
        '  - name: fine',
        '    match: {all: [{kind: ClusterDeployment}]}',
        '    assert: {all: [{check: {kind: ClusterDeployment}}]}',
        '',
      ].join('\n'),
    });
    const r = await run('check', '-f', ALLOWED, '--policies', join(dir, 'p.yaml'), '-o', 'json');
    const [v] = JSON.parse(r.stdout);
    expect(v.rules['fragile/types']).toBe('error');
    expect(v.rules['fragile/fine']).toBe('pass');
    expect(v.violations.find((x: any) => x.rule === 'types').message).toMatch(
      /rule could not be evaluated: spec\.template: Internal error: types are not comparable, int64 - string/,
    );
    expect(r.code).toBe(1);
  });
});
