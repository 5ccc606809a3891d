// Charts: a Helm (Go template) chart and a handlebars chart with generated templates, named
// templates and values, through `template`; and generated values files and flags on fixed
// charts (values parsing, merging, schema).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { objectTree, yamlOf, yamlText } from '../gen/common.js';
import * as go from '../gen/gotemplate.js';
import * as hbs from '../gen/handlebars.js';
import { cliFinding } from './cli-result.js';

const CHART_YAML = 'apiVersion: v2\nname: fuzz\nversion: 0.1.0\nappVersion: "1.0"\n';
const DEFAULTS = { a: { b: { c: 'x' } }, b: 2, n: 3, items: ['one', 'two'], zones: ['z1'] };
const GO_ECHO =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  values: {{ toYaml .Values | quote }}\n';
const HBS_ECHO =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{Release.Name}}\ndata:\n  values: {{quote (toYaml Values)}}\n';
const SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    b: { type: 'integer', minimum: 0, maximum: 100 },
    n: { type: 'integer' },
    items: { type: 'array', items: { type: 'string' } },
  },
});

/** A chart folder with the given templates (file name → text). */
function writeChart(dir, values, files, schema) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), CHART_YAML);
  writeFileSync(join(dir, 'values.yaml'), values);
  if (schema) writeFileSync(join(dir, 'values.schema.json'), SCHEMA);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'templates', name), text);
}

const valuesText = yamlText(objectTree(4));

function chartTarget(name, gen, ext) {
  return {
    name,
    weight: 18,
    arbitrary: fc.record({
      files: gen.chartFiles,
      values: fc.oneof(
        { weight: 3, arbitrary: fc.constant(yamlOf(DEFAULTS)) },
        { weight: 1, arbitrary: valuesText },
      ),
      set: fc.option(fc.constantFrom('n=100000', 'a=null', 'items={a,b}', 'b=1e9', 'a.b.c=%s')),
    }),
    run(input, env) {
      const dir = join(env.dir, `chart-${name}`);
      writeChart(dir, input.values, {
        [`main.yaml${ext}`]: input.files.main,
        [`_helpers${ext === '.hbs' ? '.hbs' : '.tpl'}`]: input.files.helpers,
      });
      const args = ['template', 'fuzz', dir];
      if (input.set !== null) args.push('--set', input.set);
      return cliFinding(env.lib, args, env);
    },
  };
}

export const goChartTarget = chartTarget('chart-go', go, '');
export const hbsChartTarget = chartTarget('chart-hbs', hbs, '.hbs');

const FLAGS = ['--set', '--set', '--set-string', '--set-json', '--set-literal'];

export const valuesTarget = {
  name: 'values',
  weight: 20,
  arbitrary: fc.record({
    language: fc.constantFrom('go', 'hbs'),
    schema: fc.boolean(),
    files: fc.array(fc.tuple(valuesText, fc.constantFrom('utf8', 'utf8', 'utf8', 'latin1')), {
      maxLength: 3,
    }),
    flags: fc.array(
      fc.tuple(
        fc.constantFrom(...FLAGS),
        fc.oneof(
          fc.constantFrom(
            'b=3',
            'n=1e+23',
            'items[3]=x',
            'a.b=null',
            'a={"x":1}',
            'b=9007199254740993',
            'a=1,a.b=2',
          ),
          fc.string({ maxLength: 12 }),
        ),
      ),
      { maxLength: 3 },
    ),
  }),
  run(input, env) {
    const dir = join(env.dir, `values-${input.language}-${input.schema}`);
    if (!env.charts?.has(dir)) {
      const ext = input.language === 'hbs' ? '.hbs' : '';
      writeChart(
        dir,
        yamlOf(DEFAULTS),
        { [`echo.yaml${ext}`]: input.language === 'hbs' ? HBS_ECHO : GO_ECHO },
        input.schema,
      );
      env.charts ??= new Set();
      env.charts.add(dir);
    }
    const args = ['template', dir];
    input.files.forEach(([text, encoding], i) => {
      const file = join(env.dir, `values-${i}.yaml`);
      writeFileSync(file, text, encoding);
      args.push('-f', file);
    });
    for (const [flag, text] of input.flags) args.push(`${flag}=${text}`);
    return cliFinding(env.lib, args, env);
  },
};
