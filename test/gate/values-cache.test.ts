// Merged values are computed once per chart and content of the user's values
// (src/gate/values-cache.ts): same content, same (frozen) tree; any difference JSON text would
// hide (-0, NaN, infinities, undefined, a string that looks like a tag) is a different entry.
import { describe, expect, it } from 'vitest';
import { runChart } from '../../src/gate/chart-pipeline.js';
import { cachedValues, valuesKey } from '../../src/gate/values-cache.js';
import { toYaml } from '../../src/render/functions/to-yaml.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';

const chart = new TemplateCatalog().resolve('simulated-standalone-cp');
const release = { name: 'vc', namespace: 'team-a' };
const run = (value: Record<string, unknown>) =>
  runChart({ chart, sources: [{ label: 'x', value }], release });

describe('values computed once per content', () => {
  it('gives the same frozen values for the same content and new ones for other content', () => {
    const a = run({ workersNumber: 2, clusterLabels: { a: 'b' } });
    const b = run({ workersNumber: 2, clusterLabels: { a: 'b' } });
    const c = run({ workersNumber: 3, clusterLabels: { a: 'b' } });
    expect(b.values).toBe(a.values);
    expect(c.values).not.toBe(a.values);
    expect(c.values?.workersNumber).toBe(3);
    expect(Object.isFrozen(a.values) && Object.isFrozen(a.values?.clusterLabels)).toBe(true);
    // the rendered objects still follow the values
    expect(JSON.stringify(c.documents.map((d) => d.object))).not.toBe(
      JSON.stringify(a.documents.map((d) => d.object)),
    );
  });

  it('keeps apart what JSON text would confuse', () => {
    let calls = 0;
    const entry = (v: unknown) =>
      cachedValues(chart, valuesKey([v]), () => {
        calls++;
        return { values: { v } as Record<string, unknown>, problems: [] };
      });
    const inputs = [
      { x: 0 },
      { x: -0 },
      { x: null },
      { x: Number.NaN },
      { x: Number.POSITIVE_INFINITY },
      { x: Number.NEGATIVE_INFINITY },
      { x: undefined },
      {},
      { x: '\u0000n-0' },
      { x: '\u0000u' },
      { x: 'null' },
    ];
    const entries = inputs.map(entry);
    expect(calls).toBe(inputs.length);
    expect(new Set(entries).size).toBe(inputs.length);
    expect(inputs.map(entry)).toEqual(entries); // and each is found again
    expect(calls).toBe(inputs.length);
  });

  it('reports schema problems for each submission, located in its own values', () => {
    const bad = run({ workersNumber: 'many' });
    const again = run({ workersNumber: 'many' });
    expect(bad.violations.length).toBeGreaterThan(0);
    expect(again.violations).toEqual(bad.violations);
    expect(bad.violations[0]).toMatchObject({ stage: 'values', location: { file: 'x' } });
  });

  it('toYaml prints a cached subtree the same each time', () => {
    const { values } = run({ clusterLabels: { b: 'yes', a: '1' } });
    const first = toYaml(values?.clusterLabels);
    expect(first).toBe('a: "1"\nb: "yes"');
    expect(toYaml(values?.clusterLabels)).toBe(first);
  });
});
