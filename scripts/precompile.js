// Build step (after tsc): compiles what ships with clustermint ahead of time, so a cold CLI run
// loads code instead of compiling it:
// - the JSON schemas (kinds and built-in charts' values) into standalone ajv validators under
//   dist/generated/validators/<sha256 of the schema>.cjs (see src/validate/precompiled.ts);
// - the built-in charts' handlebars templates into template specs under
//   dist/generated/charts/<chart content hash>.cjs (see src/render/chart/engine.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import {
  chartFromSpecs,
  chartKey,
  PRECOMPILED_CHARTS_DIR,
  precompileChart,
} from '../dist/render/chart/engine.js';
import { renderContext } from '../dist/render/chart/render.js';
import { coalesceValues, mergeUserValues } from '../dist/render/chart/values.js';
import { loadChart } from '../dist/resolve/load-chart.js';
import { writeCodeCache } from '../dist/util/load-generated.js';
import { createAjv, dialectOf } from '../dist/validate/ajv.js';
import { PRECOMPILED_DIR, schemaKey } from '../dist/validate/precompiled.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GENERATED = join(ROOT, 'dist', 'generated');

rmSync(GENERATED, { recursive: true, force: true });
mkdirSync(PRECOMPILED_DIR, { recursive: true });
mkdirSync(PRECOMPILED_CHARTS_DIR, { recursive: true });

// The generated modules are CommonJS and reach RE2 through this small CommonJS twin of
// src/validate/ajv.ts's re2RegExp.
writeFileSync(
  join(GENERATED, 're2-regexp.cjs'),
  `'use strict';
let RE2JS; // loaded on first use
const cache = new Map();
function re2RegExp(pattern) {
  let rx = cache.get(pattern);
  if (!rx) {
    let re; // compiled on first use: most patterns of a loaded validator never run
    rx = {
      test: (s) => {
        RE2JS ??= require('re2js').RE2JS;
        re ??= RE2JS.compile(pattern);
        return re.test(s);
      },
      toString: () => '/' + pattern + '/',
    };
    cache.set(pattern, rx);
  }
  return rx;
}
module.exports = { re2RegExp };
`,
);

const schemas = [];
const index = JSON.parse(readFileSync(join(ROOT, 'schemas', 'index.json'), 'utf8'));
for (const e of index) schemas.push(join(ROOT, 'schemas', e.file));
for (const chart of readdirSync(join(ROOT, 'templates'))) {
  const f = join(ROOT, 'templates', chart, 'values.schema.json');
  if (existsSync(f)) schemas.push(f);
}

for (const file of schemas) {
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  const ajv = createAjv(dialectOf(schema), 'require("../re2-regexp.cjs").re2RegExp');
  const validate = ajv.compile(schema);
  const out = join(PRECOMPILED_DIR, `${schemaKey(schema)}.cjs`);
  writeFileSync(out, standaloneCode(ajv, validate));
  // Warm with a few shapes, so the validator's main paths are in the code cache.
  writeCodeCache(out, (mod) => {
    const v = mod.default ?? mod;
    for (const sample of [{}, { apiVersion: 'v1', kind: 'X', metadata: { name: 'a' }, spec: {} }, []])
      v(sample);
  });
}

// charts only: templates/ also holds built-in ClusterClasses (templates/clusterclasses)
const charts = readdirSync(join(ROOT, 'templates'))
  .filter((n) => existsSync(join(ROOT, 'templates', n, 'Chart.yaml')))
  .sort();
for (const name of charts) {
  const chart = loadChart(join(ROOT, 'templates', name));
  const out = join(PRECOMPILED_CHARTS_DIR, `${chartKey(chart.templates)}.cjs`);
  writeFileSync(out, precompileChart(chart.templates));
  // Render it once with each example values file, so its template code is in the cache.
  writeCodeCache(out, (mod) => {
    const compiled = chartFromSpecs(chart.templates, mod.specs);
    for (const ci of [{ doc: chart.values?.doc }, ...chart.ciValues]) {
      const values = coalesceValues(chart.values?.doc.value ?? null, mergeUserValues([ci.doc?.value ?? {}]));
      try {
        compiled.render(renderContext({ chart, values, release: { name: 'warm-up', namespace: 'default' } }));
      } catch {
        // a chart whose defaults need values (aws-hosted-cp) still warms up to the failure
      }
    }
  });
}
console.log(
  `precompiled ${schemas.length} schema validators and ${charts.length} charts into dist/generated`,
);
