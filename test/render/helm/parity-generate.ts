/**
 * fast-check generated chart trees for the Helm parity test: a parent chart with 0-3 subcharts
 * (folders under charts/ or packaged .tgz), dependencies with condition, tags, alias and both
 * forms of import-values, global values, an extra values file, --set flags, and templates that
 * print what a chart sees: .Values, .Chart, .Release, .Template, .Capabilities, .Files, and
 * defines included across parent and subcharts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { tgz } from './parity-tar.js';

type Scalar = string | number | boolean | null;
type Value = Scalar | Value[] | { [k: string]: Value };
type ValueMap = { [k: string]: Value };

export interface SubchartSpec {
  name: string;
  version: string;
  alias?: string;
  packaged: boolean;
  /** `condition: <key>.enabled`, and what the parent's values say there (undefined: nothing). */
  condition?: { enabled?: boolean };
  tags: string[];
  /** The child's `exports.data` imported into the parent's root (`import-values: [data]`). */
  importExports: boolean;
  /** The child's `info` imported as the parent's `imported.<key>`. */
  importInfo: boolean;
  values: ValueMap;
  globals: ValueMap;
  /** The parent's overrides under the subchart's key. */
  parentOverrides: ValueMap;
  includesParentDefine: boolean;
  note: string;
}

export interface ChartSpec {
  name: string;
  version: string;
  appVersion?: string;
  values: ValueMap;
  globals: ValueMap;
  tagValues: { [tag: string]: boolean };
  subcharts: SubchartSpec[];
  note: string;
  /** A second values file, passed with -f. */
  extraValues?: ValueMap;
  release?: string;
  namespace?: string;
  kubeVersion?: string;
  /** Flag pairs, e.g. ['--set', 'a.b=1']. */
  sets: [string, string][];
}

const KEYS = ['replicas', 'image', 'port', 'mode', 'enabled', 'labels', 'limits', 'name', 'tier'];
const STRINGS = [
  'nginx',
  'v1.2.3',
  'yes',
  'no',
  'on',
  '007',
  '1e3',
  '0x1F',
  'a b',
  'true',
  '',
  ' padded ',
  'x: y',
  '#hash',
  'ünïcode',
  'null',
  '~',
];

const scalar: fc.Arbitrary<Scalar> = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.integer({ min: -1000, max: 100_000 }),
  fc.constantFrom(0, 1.5, 0.1, 3.0, 1e21, 12345678901234567000, -0.5),
  fc.boolean(),
  fc.constant(null),
);

const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 }),
  ),
})).v;

const valueMap = (maxKeys = 4): fc.Arbitrary<ValueMap> =>
  fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys });

const SUB_NAMES = ['postgres', 'redis', 'frontend', 'queue'];
const TAGS = ['backend', 'frontend', 'data'];
const NOTES = ['hello', 'multi\nline\n', 'tab\there', '', 'quote " and \\ backslash'];

const subchart = (name: string): fc.Arbitrary<SubchartSpec> =>
  fc.record({
    name: fc.constant(name),
    version: fc.constantFrom('0.1.0', '1.2.3', '2.0.0-rc.1'),
    alias: fc.option(fc.constantFrom(`${name}-main`, `my${name}`), { nil: undefined }),
    packaged: fc.boolean(),
    condition: fc.option(fc.record({ enabled: fc.option(fc.boolean(), { nil: undefined }) }), {
      nil: undefined,
    }),
    tags: fc.subarray(TAGS, { maxLength: 2 }),
    importExports: fc.boolean(),
    importInfo: fc.boolean(),
    values: valueMap(),
    globals: valueMap(2),
    parentOverrides: valueMap(2),
    includesParentDefine: fc.boolean(),
    note: fc.constantFrom(...NOTES),
  });

const KUBE = ['1.29.0', 'v1.31.4', '1.33', '1.36.3'];

export const chartSpec: fc.Arbitrary<ChartSpec> = fc
  .record({
    name: fc.constantFrom('shop', 'platform', 'app-stack'),
    version: fc.constantFrom('0.1.0', '3.4.5', '1.0.0+build.7'),
    appVersion: fc.option(fc.constantFrom('1.0', '2.11.0', 'v3'), { nil: undefined }),
    values: valueMap(),
    globals: valueMap(3),
    tagValues: fc.dictionary(fc.constantFrom(...TAGS), fc.boolean(), { maxKeys: 2 }),
    subNames: fc.subarray(SUB_NAMES, { maxLength: 3 }),
    note: fc.constantFrom(...NOTES),
    extraValues: fc.option(valueMap(3), { nil: undefined }),
    release: fc.option(fc.constantFrom('prod', 'canary-2', 'a'), { nil: undefined }),
    namespace: fc.option(fc.constantFrom('apps', 'team-a', 'kube-system'), { nil: undefined }),
    kubeVersion: fc.option(fc.constantFrom(...KUBE), { nil: undefined }),
  })
  .chain(({ subNames, ...rest }) =>
    fc
      .tuple(...subNames.map(subchart))
      .chain((subcharts) => fc.tuple(fc.constant(subcharts), setFlags(subcharts)))
      .map(([subcharts, sets]) => ({ ...rest, subcharts, sets })),
  );

const SET_VALUES = ['1', '0', 'true', 'false', 'null', 'x', '1.50', '007', '{a,b}', 'a\\,b', ''];

/** Flags that set parent, global, subchart and tag values. */
function setFlags(subs: SubchartSpec[]): fc.Arbitrary<[string, string][]> {
  const keys = [
    ...KEYS,
    ...KEYS.map((k) => `global.${k}`),
    ...TAGS.map((t) => `tags.${t}`),
    ...subs.flatMap((s) => [`${subKey(s)}.enabled`, ...KEYS.slice(0, 3).map((k) => `${subKey(s)}.${k}`)]),
  ];
  const flag = fc.tuple(
    fc.constantFrom('--set', '--set', '--set-string', '--set-json'),
    fc.constantFrom(...keys),
    fc.constantFrom(...SET_VALUES),
  );
  return fc
    .array(flag, { maxLength: 3 })
    .map((fs) =>
      fs.map(([f, k, v]): [string, string] => [f, `${k}=${f === '--set-json' ? JSON.stringify(v) : v}`]),
    );
}

/** The key of a subchart's values in its parent: its alias, else its name. */
export const subKey = (s: SubchartSpec): string => s.alias ?? s.name;

const dump = (v: unknown): string => yaml.dump(v, { lineWidth: -1, noRefs: true });

function subchartFiles(s: SubchartSpec, parent: string): Record<string, string> {
  const values: ValueMap = { ...s.values, info: { from: s.name, version: s.version } };
  if (Object.keys(s.globals).length) values.global = s.globals;
  if (s.importExports)
    values.exports = { data: { [`${s.name}Port`]: 5432, [`${s.name}Host`]: `${s.name}.svc` } };
  const parentLabel = s.includesParentDefine ? `\n    parent: {{ include "${parent}.fullname" . }}` : '';
  return {
    'Chart.yaml': dump({
      apiVersion: 'v2',
      name: s.name,
      version: s.version,
      description: `the ${s.name} subchart`,
    }),
    'values.yaml': dump(values),
    'files/note.txt': s.note,
    'templates/_helpers.tpl': `{{- define "${s.name}.labels" -}}\napp.kubernetes.io/name: {{ .Chart.Name }}\napp.kubernetes.io/part-of: {{ .Release.Name }}\n{{- end -}}\n`,
    [`templates/${s.name}.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-{{ .Chart.Name }}
  labels:
    {{- include "${s.name}.labels" . | nindent 4 }}${parentLabel}
data:
  values: |
    {{- toYaml .Values | nindent 4 }}
  chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
  template: {{ printf "%s in %s" .Template.Name .Template.BasePath | quote }}
  isRoot: {{ .Chart.IsRoot | quote }}
  note: {{ .Files.Get "files/note.txt" | quote }}
`,
  };
}

function parentFiles(c: ChartSpec): Record<string, string> {
  const deps = c.subcharts.map((s) => {
    const d: Record<string, unknown> = {
      name: s.name,
      version: s.version,
      repository: `file://../${s.name}`,
    };
    if (s.alias) d.alias = s.alias;
    if (s.condition) d.condition = `${subKey(s)}.enabled`;
    if (s.tags.length) d.tags = s.tags;
    const imports: unknown[] = [];
    if (s.importExports) imports.push('data');
    if (s.importInfo) imports.push({ child: 'info', parent: `imported.${subKey(s)}` });
    if (imports.length) d['import-values'] = imports;
    return d;
  });
  const meta: Record<string, unknown> = {
    apiVersion: 'v2',
    name: c.name,
    version: c.version,
    description: 'a generated parent chart',
    type: 'application',
  };
  if (c.appVersion) meta.appVersion = c.appVersion;
  if (deps.length) meta.dependencies = deps;

  const values: ValueMap = { ...c.values };
  if (Object.keys(c.globals).length) values.global = c.globals;
  if (Object.keys(c.tagValues).length) values.tags = c.tagValues;
  for (const s of c.subcharts) {
    const over: ValueMap = { ...s.parentOverrides };
    if (s.condition?.enabled !== undefined) over.enabled = s.condition.enabled;
    if (Object.keys(over).length) values[subKey(s)] = over;
  }
  // Subcharts that are always there (no condition, no tags): the parent may include their defines.
  const always = c.subcharts.filter((s) => !s.condition && !s.tags.length);
  const subLabels = always
    .map((s) => `\n  labels-${s.name}: |\n    {{- include "${s.name}.labels" . | nindent 4 }}`)
    .join('');
  return {
    'Chart.yaml': dump(meta),
    'values.yaml': dump(values),
    'files/note.txt': c.note,
    'templates/_helpers.tpl': `{{- define "${c.name}.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
`,
    'templates/release.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "${c.name}.fullname" . }}
  namespace: {{ .Release.Namespace }}
data:
  values: |
    {{- toYaml .Values | nindent 4 }}
  chart: |
    {{- toYaml .Chart | nindent 4 }}
  release: {{ printf "%s/%s install=%v upgrade=%v rev=%d service=%s" .Release.Namespace .Release.Name .Release.IsInstall .Release.IsUpgrade .Release.Revision .Release.Service | quote }}
  template: {{ printf "%s in %s" .Template.Name .Template.BasePath | quote }}
  kube: {{ printf "%s %s.%s %s" .Capabilities.KubeVersion.Version .Capabilities.KubeVersion.Major .Capabilities.KubeVersion.Minor .Capabilities.KubeVersion | quote }}
  note: {{ .Files.Get "files/note.txt" | quote }}
  {{- range $k, $v := .Values.global }}
  global-{{ $k }}: {{ $v | toJson | quote }}
  {{- end }}${subLabels}
`,
  };
}

function writeTree(root: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    const full = join(root, p);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

/** Writes the chart tree (and the extra values file) to a new temp folder; returns the paths. */
export function writeChart(c: ChartSpec): { dir: string; chart: string; extraValues?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'clustermint-helm-gen-'));
  const chart = join(dir, c.name);
  writeTree(chart, parentFiles(c));
  for (const s of c.subcharts) {
    const files = subchartFiles(s, c.name);
    if (s.packaged) {
      const prefixed = Object.fromEntries(Object.entries(files).map(([p, t]) => [`${s.name}/${p}`, t]));
      mkdirSync(join(chart, 'charts'), { recursive: true });
      writeFileSync(join(chart, 'charts', `${s.name}-${s.version}.tgz`), tgz(prefixed));
    } else {
      writeTree(join(chart, 'charts', s.name), files);
    }
  }
  let extraValues: string | undefined;
  if (c.extraValues) {
    extraValues = join(dir, 'extra-values.yaml');
    writeFileSync(extraValues, dump(c.extraValues));
  }
  return { dir, chart, extraValues };
}

/** The `template` arguments for a written chart. */
export function templateArgs(c: ChartSpec, paths: { chart: string; extraValues?: string }): string[] {
  const args: string[] = [];
  if (c.release) args.push(c.release);
  args.push(paths.chart);
  if (paths.extraValues) args.push('-f', paths.extraValues);
  if (c.namespace) args.push('-n', c.namespace);
  if (c.kubeVersion) args.push('--kube-version', c.kubeVersion);
  for (const [f, v] of c.sets) args.push(f, v);
  return args;
}
