// `clustermint scan` runs from a bundle of its own (src/cli/scan-entry.ts): whatever the
// arguments, it must answer exactly as the full CLI does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIO } from '../../src/cli/io.js';
import { cli as fullCli } from '../../src/cli/main.js';
import { cli as scanCli } from '../../src/cli/scan-entry.js';
import { tmpTree } from '../helpers/tmp.js';

const POLICY = `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: p
spec:
  rules:
  - name: r
    identifier: name
    assert:
      all:
      - message: size of {{ name }}
        check:
          size: 1
`;

async function both(args: string[]) {
  const a = bufferIO();
  const b = bufferIO();
  const codeA = await fullCli(args, a);
  const codeB = await scanCli(args, b);
  return [
    { code: codeA, stdout: a.stdout, stderr: a.stderr },
    { code: codeB, stdout: b.stdout, stderr: b.stderr },
  ];
}

describe('scan entry point', () => {
  const dir = tmpTree({
    'policy.yaml': POLICY,
    'payload.json': '[{"name": "a", "size": 1}, {"name": "b", "size": 2}]',
    'bad.yaml': 'kind: [',
  });
  const p = (f: string) => join(dir, f);
  const cases: string[][] = [
    ['scan', '--payload', p('payload.json'), '--policy', p('policy.yaml')],
    ['scan', '--payload', p('payload.json'), '--policy', p('policy.yaml'), '--output', 'json'],
    ['scan', '--payload', p('payload.json'), '--policy', p('policy.yaml'), '--compat', 'v0.0.3'],
    ['scan', '--payload', p('payload.json'), '--policy', p('bad.yaml')],
    ['scan', '--payload', p('missing.json'), '--policy', p('policy.yaml')],
    ['scan', '--payload', p('payload.json'), '--output', 'xml'],
    ['scan', '--policy', p('policy.yaml')],
    ['scan', '--nope'],
    ['scan', 'extra'],
    ['scan', '--help'],
    ['scan', '--version'],
    ['scan', '-h'],
  ];
  for (const args of cases) {
    it(`answers like the full CLI: ${args.filter((a) => !a.startsWith('/')).join(' ')}`, async () => {
      const [full, scan] = await both(args);
      expect(scan).toEqual(full);
    });
  }
  it('runs a scan (not only errors)', async () => {
    const [, scan] = await both(cases[0]);
    expect(scan.code).toBe(0);
    expect(scan.stdout).toContain('- FAILED (POLICY=p, RULE=r, ID=b)');
  });
});
