import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicies } from '../../src/policy/load.js';
import { run } from '../helpers/cli.js';
import { SHARED, sharedAvailable } from '../helpers/shared.js';

// Upstream kyverno-json test data, read in place: every scan case must print exactly the
// expected output, and the policy loader must accept and refuse the same files.
const ROOT = join(SHARED, 'conformance', 'kyverno-json');
const available = sharedAvailable('kyverno-json conformance');

interface ScanCase {
  name: string;
  payload: string;
  policies: string[];
  preprocessors: string[];
  bindings?: string;
  expectedStdout: string;
  expectExitCode: number;
}

// Both versions are always listed, so that without ../shared the suites are reported as skipped
// (an empty describe.each leaves vitest with no suite, which it counts as a failure).
const versions = ['main', 'v0.0.3'] as const;

describe.skipIf(!available).each(versions)('kyverno-json %s scan cases', (version) => {
  const dir = join(ROOT, version);
  const { cases } = available
    ? (JSON.parse(readFileSync(join(dir, 'scan-cases.json'), 'utf8')) as { cases: ScanCase[] })
    : { cases: [] };
  it('has the upstream cases', () => {
    expect(cases.length).toBe(version === 'main' ? 18 : 16);
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const args = ['scan', '--payload', join(dir, c.payload)];
    for (const p of c.preprocessors) args.push('--pre-process', p);
    for (const p of c.policies) args.push('--policy', join(dir, p));
    if (c.bindings) args.push('--bindings', join(dir, c.bindings));
    if (version === 'v0.0.3') args.push('--compat', 'v0.0.3');
    const r = await run(...args);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readFileSync(join(dir, c.expectedStdout), 'utf8'));
    expect(r.code).toBe(c.expectExitCode);
  });
});

describe.skipIf(!available).each(versions)('kyverno-json %s policy loader vectors', (version) => {
  const dir = join(ROOT, version, 'test', 'policy');
  const load = (f: string) => parsePolicies(readFileSync(join(dir, f), 'utf8'), f);
  it('loads ok, multiple and empty', () => {
    expect(load('ok.yaml')).toHaveLength(1);
    expect(load('multiple.yaml').map((p) => (p.raw.metadata as { name: string }).name)).toEqual([
      'test-1',
      'test-2',
    ]);
    expect(load('empty.yaml')).toEqual([]);
  });
  it.each(['configmap.yaml', 'no-spec.yaml', 'no-rules.yaml', 'bad-rule.yaml', 'rule-name-missing.yaml'])(
    'refuses %s',
    (f) => {
      expect(() => load(f)).toThrow();
    },
  );
  it('knows every vector', () => {
    expect(readdirSync(dir).sort()).toEqual(
      [
        'bad-rule.yaml',
        'configmap.yaml',
        'empty.yaml',
        'multiple.yaml',
        'no-rules.yaml',
        'no-spec.yaml',
        'ok.yaml',
        'rule-name-missing.yaml',
      ].sort(),
    );
  });
});
