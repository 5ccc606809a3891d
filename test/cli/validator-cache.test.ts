/**
 * The on-disk cache of compiled values validators (src/validate/validator-cache.ts), through the
 * built CLI as a user runs it: the first `clustermint template` of a Helm chart compiles its
 * values schema and stores the code; the next process loads it and judges values the same way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpTree } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'clustermint.js');
const built = existsSync(join(ROOT, 'dist', 'generated', 're2-regexp.cjs'));

describe.skipIf(!built)('compiled values validators on disk', () => {
  it('are written by the first process and used by the next, with the same verdicts', () => {
    const cache = tmpTree({});
    const chart = tmpTree({
      'Chart.yaml': 'apiVersion: v2\nname: cached\nversion: 0.1.0\n',
      'values.schema.json': JSON.stringify({
        type: 'object',
        required: ['region'],
        properties: {
          region: { type: 'string', pattern: '^[a-z]+-[a-z]+-[0-9]$' },
          replicas: { type: 'integer', minimum: 1 },
        },
      }),
      'values.yaml': 'replicas: 1\n',
      'templates/cm.yaml': 'kind: ConfigMap\nmetadata:\n  name: {{ .Values.region }}\n',
    });
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'template', chart, ...args], {
        encoding: 'utf8',
        env: { ...process.env, CLUSTERMINT_CACHE: cache },
      });
    const first = run('--set', 'region=eu-west-1');
    expect(first.status).toBe(0);
    const stored = readdirSync(join(cache, 'validators'), { recursive: true }).filter((f) =>
      String(f).endsWith('.cjs'),
    );
    expect(stored).toHaveLength(1);
    const again = run('--set', 'region=eu-west-1');
    expect(again.stdout).toBe(first.stdout);
    const bad = run('--set', 'region=Europe,replicas=0');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("- at '/replicas': minimum: got 0, want 1");
    expect(bad.stderr).toMatch(/at '\/region': 'Europe' does not match pattern/);
  });
});
