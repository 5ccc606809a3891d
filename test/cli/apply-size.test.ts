// `apply` of a submission larger than the store keeps (etcd's 1.5 MiB per object): a located
// error before the gate runs and before anything is stored, not an internal error after both.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const chain = `apiVersion: clustermint.io/v1alpha1
kind: ClusterTemplateChain
metadata: {name: chain-1, namespace: team-a}
spec:
  supportedTemplates:
  - name: simulated-standalone-cp
`;

function deployment(labels: number): string {
  const lines = [
    'apiVersion: clustermint.io/v1alpha1',
    'kind: ClusterDeployment',
    'metadata: {name: dev-1, namespace: team-a}',
    'spec:',
    '  template: simulated-standalone-cp',
    '  config:',
    '    clusterLabels:',
  ];
  for (let i = 0; i < labels; i++) lines.push(`      label-${i}: "value-${i}"`);
  return `${lines.join('\n')}\n`;
}

describe('apply of an object over the store limit', () => {
  it('is refused at its line with exit 2, and nothing of the file is stored', async () => {
    // about 2.2 MB: the chain first, so a late failure would have stored it already
    const dir = tmpTree({ 'big.yaml': `${chain}---\n${deployment(80_000)}` });
    const state = join(dir, 'state.db');
    const r = await run('apply', '-f', join(dir, 'big.yaml'), '--state', state);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr).toMatch(
      /^error: .*big\.yaml:8: "ClusterDeployment" "dev-1" is 2\.\d MiB as JSON, over the 1\.5 MiB an object may have/m,
    );
    expect(r.code).toBe(2);
    const got = await run('get', 'clustertemplatechains', '-A', '--state', state);
    expect(got.stderr).not.toMatch(/unknown option/);
    expect(got.stdout).not.toMatch(/chain-1/);
  });
});
