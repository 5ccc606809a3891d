/**
 * The work budget of a template evaluation (src/util/work-budget.ts), in each engine: an
 * include that calls the next one twice, 40 levels deep (under the depth limit of 64), and a
 * string doubled 40 times, stop quickly at the shared budget with an error located where they
 * tripped, in handlebars charts, Helm charts (include, tpl) and a ClusterClass's Go template
 * patch (define/template); through the CLI the error is exit code 1.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileChart } from '../../src/render/chart/engine.js';
import { HelmError, type HelmFile, helmTemplate } from '../../src/render/helm/index.js';
import { renderTopology } from '../../src/render/topology/index.js';
import { readChartArchive } from '../../src/util/archive.js';
import { LIMITS } from '../../src/util/limits.js';
import type { PlainObject } from '../../src/util/plain-object.js';
import {
  chargeNode,
  chargeTree,
  runWithin,
  WorkBudget,
  WorkBudgetSpent,
  WorkLimitError,
} from '../../src/util/work-budget.js';
import { run } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const DEPTH = 40;
const STEPS = LIMITS.maxTemplateSteps.toLocaleString('en-US');
const CHARS = LIMITS.maxTemplateOutputChars.toLocaleString('en-US');
const stepsExceeded = (depth: string) =>
  new RegExp(`template work limit exceeded: more than ${STEPS} steps \\(include depth ${depth}\\)`);
const charsExceeded = new RegExp(`template work limit exceeded: more than ${CHARS} characters of output`);

/** Runs `fn`, which must fail, and says how long it took. */
function failsQuickly(fn: () => unknown): { error: Error; ms: number } {
  const t0 = performance.now();
  try {
    fn();
  } catch (e) {
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(15_000);
    return { error: e as Error, ms };
  }
  throw new Error('expected a failure');
}

/** `a0` .. `a{DEPTH}`, each level calling the next one twice; the last writes `leaf`. */
function doublingDefines(
  open: (name: string) => string,
  call: (name: string) => string,
  close: string,
  leaf = '',
): string {
  const lines: string[] = [];
  for (let i = 0; i < DEPTH; i++)
    lines.push(`${open(`a${i}`)}${call(`a${i + 1}`)}${call(`a${i + 1}`)}${close}`);
  lines.push(`${open(`a${DEPTH}`)}${leaf}${close}`);
  return lines.join('\n');
}

describe('the budget object', () => {
  it('counts steps and characters and says which limit went over, at which depth', () => {
    const b = new WorkBudget({ maxSteps: 3, maxChars: 10 });
    expect(b.step()).toBe(true);
    expect(b.step(2)).toBe(true);
    expect(b.output(10)).toBe(true);
    expect(b.spent).toBe(false);
    b.depth = 2;
    expect(b.step()).toBe(false);
    expect(b.exceeded()).toBe('template work limit exceeded: more than 3 steps (include depth 2)');
    expect(b.spent).toBe(true);
    const c = new WorkBudget({ maxChars: 10 });
    expect(c.output(11)).toBe(false);
    expect(c.exceeded()).toBe(
      'template work limit exceeded: more than 10 characters of output (include depth 0)',
    );
  });

  it('functions charge the running evaluation only, and a shared part once per place it appears', () => {
    chargeNode(); // no evaluation running: nothing to charge, nothing thrown
    const b = new WorkBudget({ maxSteps: 10 });
    const leaf = { x: 1 };
    const tree = { a: leaf, b: leaf, c: [leaf] };
    const children = (v: unknown) =>
      Array.isArray(v) ? v : v !== null && typeof v === 'object' ? Object.values(v) : undefined;
    runWithin(b, () => chargeTree(tree, children));
    // tree, a, a.x, b, b.x, c, c[0], c[0].x
    expect(b.steps).toBe(8);
    expect(() => runWithin(b, () => chargeTree(tree, children))).toThrow(WorkBudgetSpent);
    expect(b.spent).toBe(true);
  });

  it('defaults to the documented limits', () => {
    const b = new WorkBudget();
    expect(b.maxSteps).toBe(LIMITS.maxTemplateSteps);
    expect(b.maxChars).toBe(LIMITS.maxTemplateOutputChars);
  });
});

describe('handlebars charts', () => {
  const ctx = { Release: { Name: 'dev', Namespace: 'ns' }, Values: {} };
  const helpers = (leaf = '') => ({
    name: 'templates/_helpers.hbs',
    source: doublingDefines(
      (n) => `{{#define "${n}"}}`,
      (n) => `{{include "${n}" this}}`,
      '{{/define}}',
      leaf,
    ),
  });

  it('a doubling include 40 deep stops at the step limit, at the include that tripped it', () => {
    const chart = compileChart([
      helpers(),
      { name: 'templates/a.yaml.hbs', source: 'a:\n  b: {{include "a0" this}}\n' },
    ]);
    const { error } = failsQuickly(() => chart.render(ctx));
    expect(error).toBeInstanceOf(WorkLimitError);
    const e = error as WorkLimitError;
    expect(e.message).toMatch(stepsExceeded('\\d+'));
    expect(e.exitCode).toBe(1);
    expect(e.location?.file).toBe('templates/_helpers.hbs');
    expect(e.location?.line).toBeGreaterThanOrEqual(1);
    expect(e.location?.line).toBeLessThanOrEqual(DEPTH + 1);
    expect(e.location?.col).toBeGreaterThan(1);
    // one line for the chain, however deep it was: the outermost caller
    expect(e.details).toEqual(['included from templates/a.yaml.hbs:2:6']);
  });

  it('the next render has a budget of its own', () => {
    const chart = compileChart([
      helpers(),
      { name: 'templates/a.yaml.hbs', source: '{{#if Values.boom}}{{include "a0" this}}{{/if}}a: 1\n' },
    ]);
    expect(() => chart.render({ ...ctx, Values: { boom: true } })).toThrow(WorkLimitError);
    expect(chart.render(ctx)).toEqual([{ name: 'templates/a.yaml.hbs', text: 'a: 1\n' }]);
  });

  it('a doubling include with text stops at the output limit', () => {
    const chart = compileChart([
      helpers('x'.repeat(4096)),
      { name: 'templates/a.yaml.hbs', source: 'a: {{include "a0" this}}\n' },
    ]);
    const { error } = failsQuickly(() => chart.render(ctx));
    expect(error).toBeInstanceOf(WorkLimitError);
    expect(error.message).toMatch(charsExceeded);
  });

  it('a string doubled by nested blocks stops at the output limit, at the helper that made it', () => {
    let source = '{{#with "ab"}}';
    for (let i = 0; i < DEPTH; i++) source += '{{#with (printf "%s%s" this this)}}';
    source += '{{this}}';
    for (let i = 0; i < DEPTH; i++) source += '{{/with}}';
    source += '{{/with}}';
    const chart = compileChart([{ name: 'templates/a.yaml.hbs', source }]);
    const { error } = failsQuickly(() => chart.render(ctx));
    expect(error).toBeInstanceOf(WorkLimitError);
    expect(error.message).toMatch(charsExceeded);
    expect((error as WorkLimitError).location).toMatchObject({ file: 'templates/a.yaml.hbs', line: 1 });
  });

  /** Partial files `_p0` .. `_p{DEPTH}`, each calling the next one twice (when `guard` holds). */
  const doublingPartials = (guard: string) => {
    const files = [];
    for (let i = 0; i < DEPTH; i++) {
      const calls = `{{> p${i + 1}}}{{> p${i + 1}}}`;
      files.push({ name: `templates/_p${i}.hbs`, source: guard ? `{{#if ${guard}}}${calls}{{/if}}` : calls });
    }
    return files;
  };

  it('a map holding one map twice, 40 deep, stops while toYaml prints it, at the call', () => {
    let source = 'a:\n{{#with Values}}';
    for (let i = 0; i < DEPTH; i++) source += '{{#with (dict "a" this "b" this)}}';
    source += '{{toYaml this}}';
    for (let i = 0; i <= DEPTH; i++) source += '{{/with}}';
    const chart = compileChart([{ name: 'templates/a.yaml.hbs', source }]);
    const { error } = failsQuickly(() => chart.render({ ...ctx, Values: { x: 1 } }));
    expect(error).toBeInstanceOf(WorkLimitError);
    expect(error.message).toMatch(stepsExceeded('0'));
    expect((error as WorkLimitError).location).toMatchObject({ file: 'templates/a.yaml.hbs', line: 2 });
  });

  it('partials calling the next one twice are counted too', () => {
    // registration runs each partial file once with an empty context: the guard holds only in a render
    const files = doublingPartials('Release');
    files.push({ name: `templates/_p${DEPTH}.hbs`, source: '' });
    const chart = compileChart([...files, { name: 'templates/a.yaml.hbs', source: 'a: {{> p0}}\n' }]);
    const { error } = failsQuickly(() => chart.render(ctx));
    expect(error).toBeInstanceOf(WorkLimitError);
    expect(error.message).toMatch(stepsExceeded('\\d+'));
  });

  it('a partial that runs away while its defines register fails when the chart is compiled', () => {
    const files = doublingPartials('').reverse(); // each one registered after the one it calls
    files.unshift({ name: `templates/_p${DEPTH}.hbs`, source: '' });
    const { error } = failsQuickly(() =>
      compileChart([...files, { name: 'templates/a.yaml.hbs', source: 'a: 1\n' }]),
    );
    expect(error).toBeInstanceOf(WorkLimitError);
    expect((error as WorkLimitError).location?.file).toMatch(/^templates\/_p\d+\.hbs$/);
  });

  it('nested #each over one list is bounded in steps', () => {
    let source = '';
    for (let i = 0; i < 8; i++) source += '{{#each @root.Values.l}}';
    source += '.';
    for (let i = 0; i < 8; i++) source += '{{/each}}';
    const chart = compileChart([{ name: 'templates/a.yaml.hbs', source }]);
    const l = Array.from({ length: 20 }, (_, i) => i);
    const { error } = failsQuickly(() => chart.render({ ...ctx, Values: { l } }));
    expect(error).toBeInstanceOf(WorkLimitError);
    expect(error.message).toMatch(stepsExceeded('0'));
  });
});

describe('Helm charts (Go templates)', () => {
  const enc = new TextEncoder();
  const CHART = 'apiVersion: v2\nname: demo\nversion: 0.1.0\n';
  const helpers = doublingDefines(
    (n) => `{{- define "${n}" -}}`,
    (n) => `{{ include "${n}" . }}`,
    '{{- end -}}',
  );
  function helmFailure(tree: Record<string, string>): string {
    const files: HelmFile[] = Object.entries({ 'Chart.yaml': CHART, ...tree }).map(([name, text]) => ({
      name,
      data: enc.encode(text),
    }));
    const { error } = failsQuickly(() =>
      helmTemplate(files, {
        releaseName: 'rel',
        namespace: 'ns',
        values: Object.create(null),
        readArchive: readChartArchive,
      }),
    );
    expect(error).toBeInstanceOf(HelmError);
    return error.message;
  }

  it('a doubling include 40 deep stops at the step limit, at the include that tripped it', () => {
    const msg = helmFailure({
      'templates/_helpers.tpl': helpers,
      'templates/cm.yaml': 'kind: ConfigMap\ndata:\n  a: {{ include "a0" . }}\n',
    });
    // Helm's error layout: the place, what was executing, then the message
    expect(msg).toMatch(
      /^demo\/templates\/_helpers\.tpl:\d+:\d+\n {2}executing "a\d+" at <(\{\{)?include "a\d+" \.(\}\})?>:\n/,
    );
    expect(msg).toMatch(stepsExceeded('\\d+'));
  });

  it('tpl shares the render budget and passes the error up unwrapped', () => {
    const msg = helmFailure({
      'templates/_helpers.tpl': helpers,
      'templates/cm.yaml': 'a: {{ tpl "{{ include \\"a0\\" . }}" . }}\n',
    });
    expect(msg).toMatch(stepsExceeded('\\d+'));
    expect(msg).not.toContain('error during tpl function execution');
  });

  it('a string doubled in a variable stops at the output limit, at the call that made it', () => {
    const msg = helmFailure({
      'templates/cm.yaml': `a: 1\n{{- $s := "ab" }}{{- range until ${DEPTH} }}{{- $s = printf "%s%s" $s $s }}{{- end }}\n`,
    });
    expect(msg).toMatch(
      /^demo\/templates\/cm\.yaml:2:\d+\n {2}executing "demo\/templates\/cm\.yaml" at <printf/,
    );
    expect(msg).toMatch(charsExceeded);
  });

  for (const [what, action, at] of [
    ['toJson', '{{ toJson $d | len }}', '<toJson \\$d>'],
    ['toYaml', '{{ toYaml $d | len }}', '<toYaml \\$d>'],
    ['mergeOverwrite', '{{ mergeOverwrite $d $d | len }}', '<mergeOverwrite \\$d \\$d>'],
    ['printing it', '{{ $d }}', '<\\{\\{\\$d\\}\\}>'],
  ] as const) {
    it(`a map holding one map twice, 40 deep, stops in ${what}, at the action`, () => {
      const msg = helmFailure({
        'templates/cm.yaml': `{{- $d := dict }}{{- range until ${DEPTH} }}{{- $d = dict "a" $d "b" $d }}{{- end }}\na: {{ "" }}${action}\n`,
      });
      expect(msg).toMatch(
        new RegExp(`^demo/templates/cm\\.yaml:2:\\d+\\n {2}executing "demo/templates/cm\\.yaml" at ${at}`),
      );
      expect(msg).toMatch(stepsExceeded('0'));
    });
  }

  it('a list concatenated to itself stops at the step limit', () => {
    const msg = helmFailure({
      'templates/cm.yaml': `{{- $l := list 1 }}{{- range until ${DEPTH} }}{{- $l = concat $l $l }}{{- end }}\n`,
    });
    expect(msg).toMatch(stepsExceeded('0'));
  });

  it('through the CLI: exit code 1, the place and the limit, nothing rendered', async () => {
    const chart = tmpTree({
      'Chart.yaml': CHART,
      'templates/_helpers.tpl': helpers,
      'templates/cm.yaml': 'kind: ConfigMap\ndata:\n  a: {{ include "a0" . }}\n',
    });
    const t0 = performance.now();
    const r = await run('template', 'dev', chart);
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/demo\/templates\/_helpers\.tpl:\d+:\d+/);
    expect(r.stderr).toMatch(stepsExceeded('\\d+'));
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe("a ClusterClass's Go template patch (define/template)", () => {
  const FIX = join(import.meta.dirname, '..', 'fixtures', 'topology');
  const CP = 'controlplane.cluster.x-k8s.io/v1beta2';

  async function renderWithTemplate(template: string) {
    const { readFileSync } = await import('node:fs');
    const jsyaml = (await import('js-yaml')).default;
    const load = (f: string) => jsyaml.loadAll(readFileSync(join(FIX, f), 'utf8')) as PlainObject[];
    const objects = load('generic-class.yaml');
    (objects[0] as any).spec.patches = [
      {
        name: 'doubling',
        definitions: [
          {
            selector: {
              apiVersion: CP,
              kind: 'GenericControlPlaneTemplate',
              matchResources: { controlPlane: true },
            },
            jsonPatches: [{ op: 'add', path: '/spec/template/spec/files', valueFrom: { template } }],
          },
        ],
      },
    ];
    const cluster = load('generic-cluster.yaml')[0];
    return renderTopology({ cluster, objects });
  }

  it('a doubling define 40 deep stops at the step limit, located in the template', async () => {
    const template = `${doublingDefines(
      (n) => `{{- define "${n}" -}}`,
      (n) => `{{ template "${n}" . }}`,
      '{{- end -}}',
    )}\n{{ template "a0" . }}`;
    const t0 = performance.now();
    const r = await renderWithTemplate(template);
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(r.objects).toEqual([]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      code: 'PATCH_FAILED',
      field: 'spec.patches[0]',
      in: 'clusterClass',
    });
    expect(r.findings[0].message).toMatch(
      /template: tpl:\d+:\d+: executing "a\d+" at <\{\{template "a\d+" \.\}\}>: /,
    );
    expect(r.findings[0].message).toMatch(stepsExceeded('\\d+'));
  });

  it('a string doubled in a variable stops at the output limit', async () => {
    const r = await renderWithTemplate(
      `{{- $s := "ab" }}{{- range until ${DEPTH} }}{{- $s = printf "%s%s" $s $s }}{{- end }}[]`,
    );
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].message).toMatch(/template: tpl:1:\d+: executing "tpl" at <printf/);
    expect(r.findings[0].message).toMatch(charsExceeded);
  });
});
