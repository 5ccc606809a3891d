/**
 * Builds a HelmChart from a chart's files, as Helm's loader.LoadFiles does: Chart.yaml first,
 * then values.yaml (every YAML document, merged), values.schema.json, templates/, charts/
 * (folders and .tgz archives, each loaded the same way, recursively; names starting with `_` or
 * `.` skipped) and every other file. Pure: archives are expanded by the `readArchive` given.
 */
import { emptyMap, isPlainObject, type PlainObject, setOwn } from '../../util/plain-object.js';
import { unmarshalGoYaml } from '../topology/rendered-yaml.js';
import type { HelmChart, HelmFile } from './chart.js';
import { decodeMetadata, emptyMetadata, HelmChartError, validateMetadata } from './metadata.js';

export interface LoadOptions {
  /** Expands a packaged chart (a .tgz in charts/) into its files, top folder stripped. */
  readArchive(data: Uint8Array, label: string): HelmFile[];
}

const decoder = new TextDecoder();
const text = (f: HelmFile): string => decoder.decode(f.data);

/** Go's filepath.Ext. */
function ext(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot);
}

function unmarshal(data: string, what: string): unknown {
  try {
    return unmarshalGoYaml(data);
  } catch (e) {
    throw new HelmChartError(`cannot load ${what}: error converting YAML to JSON: ${(e as Error).message}`);
  }
}

/**
 * Splits a YAML stream into documents as k8s.io/apimachinery's YAMLReader does: a line that
 * starts with `---` followed by nothing but spaces or a comment ends a document.
 */
export function splitYamlDocuments(data: string): string[] {
  const docs: string[] = [];
  let buf: string[] = [];
  for (const line of data.split(/(?<=\n)/)) {
    if (line.startsWith('---')) {
      const rest = line.slice(3).trim();
      if (rest === '' || rest.startsWith('#')) {
        if (buf.length > 0) docs.push(buf.join(''));
        buf = [];
        continue;
      }
    }
    buf.push(line);
  }
  if (buf.length > 0) docs.push(buf.join(''));
  return docs;
}

/** Helm's MergeMaps: maps merge key by key, anything else replaces. */
export function mergeMaps(a: PlainObject, b: PlainObject): PlainObject {
  const out = emptyMap();
  for (const [k, v] of Object.entries(a)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    setOwn(out, k, isPlainObject(v) && isPlainObject(cur) ? mergeMaps(cur, v) : v);
  }
  return out;
}

/** values.yaml (or a -f file): every document read and merged, as Helm's LoadValues. */
export function loadValues(data: string): PlainObject {
  const withNewline = data.length > 0 && !data.endsWith('\n') ? `${data}\n` : data;
  let values = emptyMap();
  for (const doc of splitYamlDocuments(withNewline)) {
    let v: unknown;
    try {
      v = unmarshalGoYaml(doc);
    } catch (e) {
      throw new HelmChartError(
        `cannot unmarshal yaml document: error converting YAML to JSON: ${(e as Error).message}`,
      );
    }
    if (v === null || v === undefined) continue;
    if (!isPlainObject(v)) {
      throw new HelmChartError(
        `cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v} into Go value of type map[string]interface {}`,
      );
    }
    values = mergeMaps(values, v);
  }
  return values;
}

export function loadHelmChart(files: readonly HelmFile[], options: LoadOptions): HelmChart {
  let metadata = undefined as ReturnType<typeof emptyMetadata> | undefined;
  for (const f of files) {
    if (f.name !== 'Chart.yaml') continue;
    metadata = decodeMetadata(unmarshal(text(f), 'Chart.yaml'), metadata ?? emptyMetadata());
    if (metadata.apiVersion === '') metadata.apiVersion = 'v1';
  }
  const chart: HelmChart = {
    metadata: metadata ?? emptyMetadata(),
    values: emptyMap(),
    templates: [],
    files: [],
    dependencies: [],
  };
  const subcharts = new Map<string, HelmFile[]>();
  for (const f of files) {
    const name = f.name;
    if (name === 'Chart.yaml' || name === 'Chart.lock') continue;
    if (name === 'values.yaml') {
      try {
        chart.values = loadValues(text(f));
      } catch (e) {
        throw new HelmChartError(`cannot load values.yaml: ${(e as Error).message}`);
      }
    } else if (name === 'values.schema.json') {
      chart.schema = f.data;
    } else if (name === 'requirements.yaml') {
      const md = metadata ?? emptyMetadata();
      metadata = decodeMetadata(unmarshal(text(f), 'requirements.yaml'), md);
      chart.metadata = metadata;
      if (metadata.apiVersion === 'v1') chart.files.push(f);
    } else if (name === 'requirements.lock') {
      if ((metadata?.apiVersion ?? '') === 'v1') chart.files.push(f);
    } else if (name.startsWith('templates/')) {
      chart.templates.push(f);
    } else if (name.startsWith('charts/')) {
      if (ext(name) === '.prov') {
        chart.files.push(f);
        continue;
      }
      const rest = name.slice('charts/'.length);
      const slash = rest.indexOf('/');
      const sub = slash < 0 ? rest : rest.slice(0, slash);
      const list = subcharts.get(sub) ?? [];
      list.push({ name: rest, data: f.data });
      subcharts.set(sub, list);
    } else {
      chart.files.push(f);
    }
  }
  if (metadata === undefined) throw new HelmChartError('Chart.yaml file is missing');
  chart.metadata = metadata;
  validateMetadata(chart.metadata);

  // Go ranges over a map here; sorted names make the order of dependencies deterministic.
  for (const sub of [...subcharts.keys()].sort()) {
    if (sub.startsWith('_') || sub.startsWith('.')) continue;
    const subFiles = subcharts.get(sub)!;
    let loaded: HelmChart;
    try {
      if (ext(sub) === '.tgz') {
        const file = subFiles[0]!;
        if (file.name !== sub) {
          throw new HelmChartError(
            `error unpacking subchart tar in ${chart.metadata.name}: expected ${sub}, got ${file.name}`,
          );
        }
        loaded = loadHelmChart(options.readArchive(file.data, `charts/${sub}`), options);
      } else {
        const inner = subFiles
          .filter((f) => f.name.includes('/'))
          .map((f) => ({ name: f.name.slice(f.name.indexOf('/') + 1), data: f.data }));
        loaded = loadHelmChart(inner, options);
      }
    } catch (e) {
      if (e instanceof HelmChartError && e.message.startsWith('error unpacking subchart tar')) throw e;
      throw new HelmChartError(
        `error unpacking subchart ${sub} in ${chart.metadata.name}: ${(e as Error).message}`,
      );
    }
    addDependency(chart, loaded);
  }
  return chart;
}

export function addDependency(parent: HelmChart, child: HelmChart): void {
  child.parent = parent;
  parent.dependencies.push(child);
}
