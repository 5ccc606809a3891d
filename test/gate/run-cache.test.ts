// Whole chart runs kept by content (src/gate/run-cache.ts): the same input gives the same
// documents as a first run; each caller gets its own arrays; a run with violations is computed
// again, so its findings point into that call's own sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runChart } from '../../src/gate/chart-pipeline.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';

const chart = new TemplateCatalog().resolve('aws-standalone-cp');
const example = jsyaml.load(
  readFileSync(join(import.meta.dirname, '../../templates/aws-standalone-cp/ci/example-values.yaml'), 'utf8'),
) as Record<string, unknown>;
const run = (value: Record<string, unknown>, name = 'rc', label = 'x') =>
  runChart({ chart, sources: [{ label, value }], release: { name, namespace: 'team-a' } });
const objects = (r: ReturnType<typeof run>) => JSON.stringify(r.documents.map((d) => d.object));

describe('chart runs kept by content', () => {
  it('answers a repeated input as the first run did, with arrays of its own', () => {
    const input = { ...example, workersNumber: 2 };
    const first = run(input);
    const again = run({ ...input });
    expect(first.violations).toEqual([]);
    expect(objects(again)).toBe(objects(first));
    expect(again.documents).not.toBe(first.documents);
    again.documents.length = 0;
    again.warnings.push({ stage: 'object', severity: 'warning', code: 'X', message: 'mine' });
    const third = run({ ...input });
    expect(objects(third)).toBe(objects(first));
    expect(third.warnings).toEqual(first.warnings);
  });

  it('keeps apart what differs: the release name, the values', () => {
    const a = run({ ...example, workersNumber: 2 }, 'rc-a');
    const b = run({ ...example, workersNumber: 2 }, 'rc-b');
    const c = run({ ...example, workersNumber: 3 }, 'rc-a');
    expect(objects(b)).toBe(objects(a).replaceAll('rc-a', 'rc-b'));
    expect(objects(c)).not.toBe(objects(a));
  });

  it('computes a run with violations again: its findings are located in its own sources', () => {
    const one = run({ workersNumber: 'many' }, 'rc', 'one.yaml');
    const two = run({ workersNumber: 'many' }, 'rc', 'two.yaml');
    expect(one.violations.length).toBeGreaterThan(0);
    expect(one.violations[0].location?.file).toBe('one.yaml');
    expect(two.violations[0].location?.file).toBe('two.yaml');
  });
});
