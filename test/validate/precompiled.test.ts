import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// The build (npm run build, which .ci/run and `npm ci` run) precompiles validators and charts
// into dist/generated. They must behave exactly like compiling at run time.
const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const built = existsSync(join(DIST, 'generated', 'validators'));
const GOLDEN = join(ROOT, 'test', 'fixtures', 'golden');

describe.skipIf(!built)('build-time precompiled code', () => {
  it('every kind validator gives the same verdicts and errors as a fresh ajv compile', async () => {
    const { precompiledValidator } = await import(join(DIST, 'validate', 'precompiled.js'));
    const { createAjv } = await import(join(DIST, 'validate', 'ajv.js'));
    const index = JSON.parse(readFileSync(join(ROOT, 'schemas', 'index.json'), 'utf8'));
    const objects = readdirSync(GOLDEN).flatMap((f) =>
      parseAllDocuments(readFileSync(join(GOLDEN, f), 'utf8')).map((d) => d.toJS()),
    );
    let compared = 0;
    for (const e of index) {
      const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', e.file), 'utf8'));
      const pre = precompiledValidator(schema);
      expect(pre, e.file).toBeTypeOf('function');
      const fresh = createAjv('draft-07').compile(schema);
      const samples = objects.filter((o) => o.kind === e.kind);
      // also broken variants: wrong types and unknown keys
      for (const o of [...samples])
        samples.push({ ...o, spec: { ...o.spec, bogusField: 1 } }, { ...o, metadata: { name: 'Bad_Name' } });
      samples.push({}, { apiVersion: e.apiVersion, kind: e.kind });
      for (const s of samples) {
        expect(pre(s)).toBe(fresh(s));
        expect(pre.errors).toEqual(fresh.errors);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('every built-in chart renders the same text from precompiled specs as when compiled now', async () => {
    const engine = await import(join(DIST, 'render', 'chart', 'engine.js'));
    const { loadChart } = await import(join(DIST, 'resolve', 'load-chart.js'));
    const { renderContext } = await import(join(DIST, 'render', 'chart', 'render.js'));
    const { coalesceValues, mergeUserValues } = await import(join(DIST, 'render', 'chart', 'values.js'));
    for (const name of readdirSync(join(ROOT, 'templates'))) {
      if (!existsSync(join(ROOT, 'templates', name, 'Chart.yaml'))) continue; // clusterclasses/
      const chart = loadChart(join(ROOT, 'templates', name));
      const specsFile = join(engine.PRECOMPILED_CHARTS_DIR, `${engine.chartKey(chart.templates)}.cjs`);
      expect(existsSync(specsFile), name).toBe(true);
      const { loadGenerated } = await import(join(DIST, 'util', 'load-generated.js'));
      const fromSpecs = engine.chartFromSpecs(chart.templates, loadGenerated(specsFile).specs);
      const ci = chart.ciValues[0];
      const values = coalesceValues(chart.values?.doc.value ?? null, mergeUserValues([ci.doc.value]));
      const ctx = renderContext({ chart, values, release: { name: 'same', namespace: 'ns' } });
      // a fresh compile: a copy of the templates array is a new cache key object, same content
      const compiledNow = engine.chartFromSpecs(chart.templates, {});
      expect(fromSpecs.render(ctx)).toEqual(compiledNow.render(ctx));
    }
  });
});
