/** Reads a chart folder from disk into a Chart (the only file I/O of the chart path). */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Chart, ChartMetadata, ValuesFile } from '../api/chart.js';
import { append } from '../util/append.js';
import { ClustermintError } from '../util/errors.js';
import { jsonSyntaxError } from '../util/json-syntax.js';
import { isPlainObject } from '../util/plain-object.js';
import { readTextFile } from '../util/read-text-file.js';
import { parseYamlSource } from '../util/yaml-source.js';
import { chartFolderLanguage } from './chart-language.js';
import { readChartFolder } from './chart-sources/folder.js';

export function isChartDir(dir: string): boolean {
  return existsSync(join(dir, 'Chart.yaml'));
}

export function loadChart(dir: string): Chart {
  const chartFile = join(dir, 'Chart.yaml');
  if (!existsSync(chartFile)) {
    throw new ClustermintError('INVALID_CHART', 'not a chart: Chart.yaml not found', { file: dir });
  }
  if (chartFolderLanguage(dir) === 'go') return chartFromHelmFiles(readChartFolder(dir), dir);
  const [meta] = parseYamlSource(readTextFile(chartFile), chartFile);
  const metadata = readMetadata(meta?.value, chartFile, meta?.locate);

  const valuesPath = join(dir, 'values.yaml');
  let values: ValuesFile | undefined;
  if (existsSync(valuesPath)) {
    const [doc] = parseYamlSource(readTextFile(valuesPath), valuesPath);
    if (doc && doc.value !== null && !isPlainObject(doc.value)) {
      throw new ClustermintError('INVALID_CHART', 'values.yaml must be a map', {
        file: valuesPath,
        line: 1,
        col: 1,
      });
    }
    if (doc) values = { file: valuesPath, doc };
  }

  const schemaFile = join(dir, 'values.schema.json');
  let schema: object | undefined;
  if (existsSync(schemaFile)) schema = parseJsonFile(schemaFile);

  const templatesDir = join(dir, 'templates');
  const templates = existsSync(templatesDir)
    ? listFiles(templatesDir)
        .filter((f) => f.endsWith('.hbs'))
        .map((f) => ({ name: relative(dir, f).split('\\').join('/'), source: readTextFile(f) }))
    : [];

  const ciDir = join(dir, 'ci');
  const ciValues: ValuesFile[] = existsSync(ciDir)
    ? listFiles(ciDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .flatMap((f) => parseYamlSource(readTextFile(f), f).map((doc) => ({ file: f, doc })))
    : [];

  return {
    dir,
    metadata,
    values,
    schema,
    schemaFile,
    templates,
    ciValues,
    ...providerInfo(metadata),
  };
}

/** The providers a chart names in its annotations, and their contracts. */
function providerInfo(
  metadata: ChartMetadata,
): Pick<Chart, 'providers' | 'providerContracts' | 'k8sVersion'> {
  const ann = metadata.annotations;
  const providers = [
    ...new Set(
      (ann['cluster.x-k8s.io/provider'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].sort();
  const providerContracts: Record<string, string> = {};
  for (const [k, v] of Object.entries(ann)) {
    const m = /^cluster\.x-k8s\.io\/((?:bootstrap|control-plane|infrastructure)-.+)$/.exec(k);
    if (m) providerContracts[m[1]] = v;
  }
  return {
    providers,
    providerContracts,
    k8sVersion: ann['clustermint.io/k8s-version'] ?? ann['k0rdent.mirantis.com/k8s-version'],
  };
}

function readMetadata(
  v: unknown,
  file: string,
  locate?: (p: string[]) => { line: number; col: number } | undefined,
): ChartMetadata {
  const fail = (msg: string, path: string[]) => {
    const pos = locate?.(path);
    return new ClustermintError('INVALID_CHART', msg, {
      file,
      line: pos?.line,
      col: pos?.col,
      path: `$.${path.join('.')}`,
    });
  };
  if (!isPlainObject(v)) throw new ClustermintError('INVALID_CHART', 'Chart.yaml must be a map', { file });
  if (typeof v.name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v.name)) {
    throw fail('chart name is required: lowercase letters, digits and "-"', ['name']);
  }
  if (
    typeof v.version !== 'string' ||
    !/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(v.version)
  ) {
    throw fail('chart version is required and must be a semantic version such as 1.0.0', ['version']);
  }
  const annotations: Record<string, string> = {};
  if (v.annotations !== undefined) {
    if (!isPlainObject(v.annotations)) throw fail('annotations must be a map of strings', ['annotations']);
    for (const [k, a] of Object.entries(v.annotations)) {
      if (typeof a !== 'string')
        throw fail(`annotation ${JSON.stringify(k)} must be a string`, ['annotations', k]);
      annotations[k] = a;
    }
  }
  const opt = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  return {
    name: v.name,
    version: v.version,
    description: opt('description'),
    appVersion: opt('appVersion'),
    kubeVersion: opt('kubeVersion'),
    annotations,
  };
}

export function parseJsonFile(file: string): object {
  return parseJsonText(readTextFile(file), file);
}

function parseJsonText(text: string, file: string): object {
  try {
    const v = JSON.parse(text);
    if (!isPlainObject(v)) throw new ClustermintError('INVALID_CHART', 'must hold a JSON object', { file });
    return v;
  } catch (e) {
    if (e instanceof ClustermintError) throw e;
    throw jsonSyntaxError(e, text, file, 'INVALID_CHART');
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) append(out, listFiles(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

const decoder = new TextDecoder();

/**
 * A Helm chart (Go templates) from its files, wherever they came from (`origin`: the folder, or
 * the archive / URL / OCI reference, used in messages): what the gate needs to know of it
 * (metadata, values.yaml with positions, the schema) read as for a handlebars chart, and the
 * files themselves for the Helm renderer.
 */
export function chartFromHelmFiles(
  files: readonly { name: string; data: Uint8Array }[],
  origin: string,
  digest?: string,
): Chart {
  const file = (name: string) => files.find((f) => f.name === name);
  const chartYaml = file('Chart.yaml');
  if (!chartYaml)
    throw new ClustermintError('INVALID_CHART', 'not a chart: Chart.yaml not found', { file: origin });
  const chartFile = join(origin, 'Chart.yaml');
  const [meta] = parseYamlSource(decoder.decode(chartYaml.data), chartFile);
  const metadata = readMetadata(meta?.value, chartFile, meta?.locate);
  let values: ValuesFile | undefined;
  const valuesYaml = file('values.yaml');
  if (valuesYaml) {
    const valuesPath = join(origin, 'values.yaml');
    // Helm merges every document of values.yaml; positions are kept for the first one
    const [doc] = parseYamlSource(decoder.decode(valuesYaml.data), valuesPath);
    if (doc && isPlainObject(doc.value)) values = { file: valuesPath, doc };
  }
  const schemaFile = join(origin, 'values.schema.json');
  let schema: object | undefined;
  const schemaJson = file('values.schema.json');
  if (schemaJson) schema = parseJsonText(decoder.decode(schemaJson.data), schemaFile);
  const ciValues: ValuesFile[] = files
    .filter((f) => /^ci\/[^/]+\.ya?ml$/.test(f.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((f) =>
      parseYamlSource(decoder.decode(f.data), join(origin, f.name)).map((doc) => ({
        file: join(origin, f.name),
        doc,
      })),
    );
  return {
    dir: origin,
    metadata,
    values,
    schema,
    schemaFile,
    templates: [],
    ciValues,
    ...providerInfo(metadata),
    helm: { files, digest },
  };
}
