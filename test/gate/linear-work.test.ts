// The gate's work grows with its input, not with its square: a submission with 4x the keys in
// spec.config costs about 4x the steps, from the values stage (config-unknown-keys, each finding
// located in the file) through the policies to every verdict printer. Counted, not timed.
import { describe, expect, it } from 'vitest';
import { readClusterDeployment } from '../../src/api/cluster-deployment.js';
import {
  jsonVerdicts,
  junitVerdicts,
  printedVerdict,
  sarifVerdicts,
  textVerdicts,
} from '../../src/cli/verdict-formats.js';
import { runGate, type Verdict } from '../../src/gate/index.js';
import { loadPolicyFiles } from '../../src/policy/policy-files.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { emptyMap } from '../../src/util/plain-object.js';
import { copyBounded, parseYamlSource } from '../../src/util/yaml-source.js';
import { countArraySteps } from '../helpers/count-work.js';
import { ROOT } from '../webhook/helpers.js';

const catalog = new TemplateCatalog();
const policies = loadPolicyFiles([`${ROOT}/policies`]);

/** A submission with `n` keys at `where` in spec.config (unknown keys at the top, or labels). */
function submission(n: number, where: 'unknown' | 'labels'): string {
  const lines = [
    'apiVersion: clustermint.io/v1alpha1',
    'kind: ClusterDeployment',
    'metadata: {name: c1, namespace: team-a}',
    'spec:',
    '  template: simulated-standalone-cp',
    '  config:',
    '    workersNumber: 7', // over team-a's limit: a policy finding located in the values
  ];
  if (where === 'labels') lines.push('    clusterLabels:');
  for (let i = 0; i < n; i++)
    lines.push(where === 'labels' ? `      label-${i}: "v${i}"` : `    key${i}: ${i}`);
  return `${lines.join('\n')}\n`;
}

function gate(text: string): Verdict {
  const [doc] = parseYamlSource(text, 'cd.yaml');
  return runGate({
    deployment: readClusterDeployment('cd.yaml', doc!),
    resolveTemplate: (name) => catalog.resolve(name),
    policies,
  });
}

/** Steps of the gate and of printing its verdict in every format. */
function steps(n: number, where: 'unknown' | 'labels'): { steps: number; verdict: Verdict } {
  const text = submission(n, where);
  const { result, steps } = countArraySteps(() => {
    const v = gate(text);
    for (const print of [textVerdicts, jsonVerdicts, sarifVerdicts, junitVerdicts])
      print([printedVerdict(v)]);
    return v;
  });
  return { steps, verdict: result };
}

describe('the gate does linear work in the size of spec.config', () => {
  gate(submission(10, 'unknown')); // compile the chart and policies once, outside the counts

  it('unknown keys: one located finding each, 4x the keys about 4x the steps', () => {
    const small = steps(300, 'unknown');
    const large = steps(1200, 'unknown');
    const unknown = large.verdict.violations.filter((v) => v.code === 'UNKNOWN_CONFIG_KEY');
    expect(unknown).toHaveLength(1200);
    expect(unknown[1199].location).toMatchObject({ file: 'cd.yaml', line: 1207, col: 5 });
    expect(large.steps / small.steps).toBeLessThan(5);
  });

  it('keys of a free-form map: 4x the keys about 4x the steps', () => {
    const small = steps(300, 'labels');
    const large = steps(1200, 'labels');
    expect(large.verdict.violations.map((v) => v.code)).toContain('POLICY_VIOLATION');
    expect(large.steps / small.steps).toBeLessThan(5);
  });
});

describe('a submission with more findings than a call can take arguments', () => {
  it('150,000 unknown keys: a verdict with each of them, not "Maximum call stack size exceeded"', () => {
    const config = emptyMap();
    for (let i = 0; i < 150_000; i++) config[`key${i}`] = i;
    const value = copyBounded(
      {
        apiVersion: 'clustermint.io/v1alpha1',
        kind: 'ClusterDeployment',
        metadata: { name: 'c1', namespace: 'team-a' },
        spec: { template: 'simulated-standalone-cp', config },
      },
      'review',
    );
    // as the webhook reads an object: no text, so no positions
    const doc = { value, index: 0, locate: () => undefined };
    const v = runGate({
      deployment: readClusterDeployment('review', doc),
      resolveTemplate: (name) => catalog.resolve(name),
      policies: [],
    });
    expect(v.violations.filter((x) => x.code === 'UNKNOWN_CONFIG_KEY')).toHaveLength(150_000);
  });
});
