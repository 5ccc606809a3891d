/**
 * The Helm engine's behaviour on charts built in the test (no helm needed): what Helm does with
 * includes, tpl, required/fail, .Files, dependencies and the output, and its error texts. The
 * parity tests (parity.test.ts) compare all of it with the real helm when it is built.
 */
import { describe, expect, it } from 'vitest';
import { HelmError, type HelmFile, helmTemplate } from '../../../src/render/helm/index.js';
import { readChartArchive } from '../../../src/util/archive.js';

const enc = new TextEncoder();
const files = (tree: Record<string, string>): HelmFile[] =>
  Object.entries(tree).map(([name, text]) => ({ name, data: enc.encode(text) }));
const CHART = 'apiVersion: v2\nname: demo\nversion: 0.1.0\n';

function render(tree: Record<string, string>, opts: Partial<Parameters<typeof helmTemplate>[1]> = {}) {
  return helmTemplate(files({ 'Chart.yaml': CHART, ...tree }), {
    releaseName: 'rel',
    namespace: 'ns',
    values: Object.create(null),
    readArchive: readChartArchive,
    ...opts,
  });
}

function failure(
  tree: Record<string, string>,
  opts: Partial<Parameters<typeof helmTemplate>[1]> = {},
): string {
  try {
    render(tree, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(HelmError);
    return (e as Error).message;
  }
  throw new Error('rendered without an error');
}

describe('the Helm engine', () => {
  it('writes manifests in install order, then hooks, with # Source lines, and leaves NOTES.txt out', () => {
    const r = render({
      'templates/deploy.yaml': 'kind: Deployment\nmetadata:\n  name: d\n',
      'templates/ns.yaml': 'kind: Namespace\nmetadata:\n  name: n\n',
      'templates/hook.yaml':
        'kind: Job\nmetadata:\n  name: h\n  annotations:\n    helm.sh/hook: pre-install\n',
      'templates/NOTES.txt': 'thanks {{ .Release.Name }}',
    });
    // what helm v4.3.2 prints for this chart (each document keeps its own final newline)
    expect(r.output).toBe(
      '---\n# Source: demo/templates/ns.yaml\nkind: Namespace\nmetadata:\n  name: n\n\n' +
        '---\n# Source: demo/templates/deploy.yaml\nkind: Deployment\nmetadata:\n  name: d\n' +
        '---\n# Source: demo/templates/hook.yaml\nkind: Job\nmetadata:\n  name: h\n  annotations:\n    helm.sh/hook: pre-install\n\n',
    );
  });

  it('include, tpl with its own define, and a parent define overriding a subchart one', () => {
    const r = render({
      'values.yaml': 'greeting: "{{ .Release.Name }}-hello"\n',
      'templates/_h.tpl': '{{ define "name" }}parent{{ end }}',
      'templates/a.yaml':
        'kind: A\nname: {{ include "name" . }}\ntpl: {{ tpl .Values.greeting . }}\nown: {{ tpl "{{ define \\"x\\" }}X{{ end }}{{ include \\"x\\" . }}" . }}\n',
      'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.0\n',
      'charts/sub/templates/_h.tpl': '{{ define "name" }}sub{{ end }}',
    });
    expect(r.output).toContain('name: parent\ntpl: rel-hello\nown: X\n');
  });

  it('required and fail fail with Helm text and place; a missing value prints nothing', () => {
    expect(failure({ 'templates/a.yaml': 'kind: A\nx: {{ required "need x" .Values.x }}\n' })).toBe(
      'execution error at (demo/templates/a.yaml:2:6): need x\n\nUse --debug flag to render out invalid YAML',
    );
    expect(failure({ 'templates/a.yaml': '{{ fail "no" }}' })).toMatch(
      /^execution error at \(demo\/templates\/a\.yaml:1:3\): no/,
    );
    expect(render({ 'templates/a.yaml': 'kind: A\nx: "{{ .Values.nothing }}"\n' }).output).toContain('x: ""');
  });

  it('.Files serves only the chart’s own files; a path out of the chart is an error', () => {
    const r = render({
      'files/a.txt': 'A',
      'templates/a.yaml':
        'kind: A\nin: {{ .Files.Get "files/a.txt" | quote }}\nmissing: {{ .Files.Get "files/b.txt" | quote }}\nchart: {{ .Files.Get "Chart.yaml" | quote }}\n',
    });
    expect(r.output).toContain('in: "A"\nmissing: ""\nchart: ""\n');
    for (const path of ['../../etc/passwd', '/etc/passwd', 'files/../../x']) {
      expect(failure({ 'templates/a.yaml': `{{ .Files.Get "${path}" }}` })).toContain(
        `error calling Get: .Files.Get "${path}": the path is outside the chart`,
      );
    }
  });

  it('include recursion ends with Helm’s words, not a stack overflow', () => {
    const msg = failure({
      'templates/a.yaml': '{{ define "loop" }}{{ include "loop" . }}{{ end }}{{ include "loop" . }}',
    });
    expect(msg).toMatch(
      /error calling include: rendering template has a nested reference name: loop: unable to execute template\n/,
    );
    expect(msg).not.toMatch(/call stack/);
  });

  it('parse and exec errors are Helm’s texts', () => {
    expect(failure({ 'templates/a.yaml': 'kind: A\n{{ if }}\n' })).toBe(
      'parse error at (demo/templates/a.yaml:2): missing value for if\n\nUse --debug flag to render out invalid YAML',
    );
    expect(failure({ 'templates/a.yaml': '{{ .Values.a.b.c }}' })).toMatch(
      /^demo\/templates\/a\.yaml:1:10\n {2}executing "demo\/templates\/a\.yaml" at <\.Values\.a\.b\.c>:\n {4}nil pointer evaluating interface \{\}\.b/,
    );
  });

  it('dependencies: a false condition drops the subchart; a tag enables it; import-values copy up', () => {
    const sub = {
      'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 1.2.3\n',
      'charts/sub/values.yaml': 'exports:\n  data:\n    shared: from-sub\n',
      'charts/sub/templates/s.yaml': 'kind: S\n',
    };
    const chart = (extra: string) =>
      `${CHART}dependencies:\n- name: sub\n  version: ^1.0.0\n  repository: file://sub\n${extra}`;
    const off = render({
      ...sub,
      'Chart.yaml': chart('  condition: sub.enabled\n'),
      'values.yaml': 'sub:\n  enabled: false\n',
      'templates/a.yaml': 'kind: A\n',
    });
    expect(off.output).not.toContain('kind: S');
    const on = render({
      ...sub,
      'Chart.yaml': chart('  tags: [extra]\n  import-values: [data]\n'),
      'values.yaml': 'tags:\n  extra: true\n',
      'templates/a.yaml': 'kind: A\nshared: {{ .Values.shared }}\n',
    });
    expect(on.output).toContain('kind: S');
    expect(on.output).toContain('shared: from-sub');
    const missing = failure({ 'Chart.yaml': chart(''), 'templates/a.yaml': 'kind: A\n' });
    expect(missing).toMatch(/found in Chart\.yaml, but missing in charts\/ directory: sub$/);
  });

  it('refuses what helm refuses: library charts, bad release names, incompatible kubeVersion, schema problems', () => {
    expect(failure({ 'Chart.yaml': `${CHART}type: library\n` })).toBe('library charts are not installable');
    expect(failure({}, { releaseName: 'Bad_Name' })).toMatch(
      /^release name check failed: release name "Bad_Name": invalid release name/,
    );
    expect(
      failure({ 'Chart.yaml': `${CHART}kubeVersion: "<1.20"\n`, 'templates/a.yaml': 'kind: A\n' }),
    ).toMatch(/^chart requires kubeVersion: <1\.20 which is incompatible with Kubernetes v1\.37\.0/);
    expect(
      failure({
        'values.schema.json':
          '{"type":"object","required":["region"],"properties":{"replicas":{"type":"integer","minimum":1}}}',
        'values.yaml': 'replicas: 0\n',
      }),
    ).toBe(
      "values don't meet the specifications of the schema(s) in the following chart(s):\ndemo:\n- at '': missing property 'region'\n- at '/replicas': minimum: got 0, want 1\n",
    );
  });

  it('--show-only keeps the matching templates, and names one that matches nothing', () => {
    const tree = { 'templates/a.yaml': 'kind: A\n', 'templates/b.yaml': 'kind: B\n' };
    expect(render(tree, { showOnly: ['templates/b.yaml'] }).output).toBe(
      '---\n# Source: demo/templates/b.yaml\nkind: B\n\n',
    );
    expect(failure(tree, { showOnly: ['templates/c.yaml'] })).toBe(
      'could not find template templates/c.yaml in chart',
    );
  });

  it('reads a number or bool in a string field as sigs.k8s.io/yaml does (appVersion: 1.20 is "1.2")', () => {
    const r = render({
      'Chart.yaml': `${CHART}appVersion: 1.20\n`,
      'templates/a.yaml':
        'kind: A\nv: {{ .Chart.AppVersion }}\nmetadata:\n  name: n\n  annotations:\n    a: yes\n',
    });
    expect(r.output).toContain('v: 1.2\n');
    expect(r.manifests[0]!.head).toMatchObject({ name: 'false', annotations: { a: 'true' } });
  });

  it('hostile values and templates end with clear errors: deep nesting, an alias bomb, huge loops and output', () => {
    const deep = `a:\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 1)}k:\n`).join('')}${'  '.repeat(3001)}v: 1\n`;
    expect(failure({ 'values.yaml': deep, 'templates/a.yaml': 'kind: A\n' })).toMatch(
      /^cannot load values\.yaml: .*the document is nested too deeply to read$/,
    );
    const aliases = ['a0: &a0 [x,x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 10; i++)
      aliases.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(',')}]`,
      );
    expect(failure({ 'values.yaml': `${aliases.join('\n')}\n`, 'templates/a.yaml': 'kind: A\n' })).toMatch(
      /excessive aliasing/,
    );
    expect(failure({ 'templates/a.yaml': '{{ range until 10000000 }}x{{ end }}' })).toMatch(
      /more than 1000000 elements/,
    );
    expect(failure({ 'templates/a.yaml': '{{ repeat 30000000 "x" }}' })).toMatch(
      /Repeat output length overflow/,
    );
  });

  it('keys such as __proto__ in values are plain keys', () => {
    const r = render({
      'values.yaml': '__proto__:\n  polluted: yes\n',
      'templates/a.yaml': 'kind: A\nv: {{ toJson .Values }}\n',
    });
    expect(r.output).toContain('v: {"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
