/** Reading command-line inputs: values files, --set flags, submission files. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_TEMPLATES_DIR } from '../api/catalog.js';
import {
  type ClusterDeployment,
  isClusterDeployment,
  readClusterDeployment,
} from '../api/cluster-deployment.js';
import { isChartDir } from '../api/load-chart.js';
import type { ValuesSource } from '../gate/chart-pipeline.js';
import type { SourcedDocument } from '../gate/topology-pipeline.js';
import { parseSetArgument } from '../render/chart/values.js';
import { isTopologyCluster } from '../render/topology/kinds.js';
import { ClustermintError } from '../util/errors.js';
import { emptyMap, isPlainObject } from '../util/plain-object.js';
import { readTextFile } from '../util/read-text-file.js';
import { parseYamlSource, type SourceDocument } from '../util/yaml-source.js';

export function readValuesFile(file: string): ValuesSource {
  const text = file === '-' ? readStdin() : readTextFile(file);
  const docs = parseYamlSource(text, file);
  if (docs.length > 1)
    throw new ClustermintError('INVALID_SUBMISSION', 'a values file holds one YAML document', { file });
  const doc = docs[0];
  if (!doc || doc.value === null) return { label: file, value: emptyMap() };
  if (!isPlainObject(doc.value)) {
    throw new ClustermintError('VALUES_INVALID', 'values must be a map (key: value)', {
      file,
      line: 1,
      col: 1,
    });
  }
  return { label: file, value: doc.value, doc };
}

export function readSetFlags(sets: readonly string[], setStrings: readonly string[]): ValuesSource[] {
  return [
    ...sets.map((s) => ({ label: `--set ${s}`, value: parseSetArgument(s) })),
    ...setStrings.map((s) => ({ label: `--set-string ${s}`, value: parseSetArgument(s, true) })),
  ];
}

export interface SubmissionFile {
  file: string;
  docs: SourceDocument[];
}

/** `-f` arguments: a file, `-` for stdin, or a folder, whose .yaml/.yml/.json files are read in name order (like kubectl -f). */
export function expandInputs(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    if (p === '-' || !existsSync(p) || !statSync(p).isDirectory()) return [p];
    const files = readdirSync(p)
      .filter((n) => /\.(ya?ml|json)$/i.test(n))
      .sort()
      .map((n) => join(p, n));
    if (files.length === 0)
      throw new ClustermintError('UNREADABLE', 'no .yaml, .yml or .json files in this folder', { file: p });
    return files;
  });
}

export function readSubmissionFile(file: string): SubmissionFile {
  const text = file === '-' ? readStdin() : readTextFile(file);
  return { file, docs: parseYamlSource(text, file) };
}

/** The ClusterDeployments among the documents, and a note per document of another kind. */
export function clusterDeployments(f: SubmissionFile): {
  deployments: ClusterDeployment[];
  skipped: string[];
} {
  const deployments: ClusterDeployment[] = [];
  const skipped: string[] = [];
  for (const doc of f.docs) {
    if (doc.value === null) continue;
    if (isClusterDeployment(doc.value)) deployments.push(readClusterDeployment(f.file, doc));
    else if (isTopologyCluster(doc.value) || isRenderInput(doc.value)) continue;
    else {
      const v = doc.value as Record<string, unknown>;
      const pos = doc.locate([]);
      skipped.push(
        `${f.file}:${pos?.line ?? 1}: skipped ${String(v?.kind ?? 'a document without kind')} (${String(v?.apiVersion ?? 'no apiVersion')})`,
      );
    }
  }
  return { deployments, skipped };
}

let stdinCache: string | undefined;
function readStdin(): string {
  if (stdinCache === undefined) {
    try {
      stdinCache = readTextFile('/dev/stdin');
    } catch {
      throw new ClustermintError('UNREADABLE', 'cannot read standard input', { file: '-' });
    }
  }
  return stdinCache;
}

/** Built-in ClusterClasses and their templates. */
export const BUILTIN_CLUSTERCLASSES_DIR = `${BUILTIN_TEMPLATES_DIR}clusterclasses`;

/** Kinds that are inputs to rendering rather than submissions: not worth a "skipped" note. */
export function isRenderInput(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  const kind = String(v.kind ?? '');
  return (
    kind === 'ClusterClass' || kind.endsWith('Template') || (kind === 'Namespace' && v.apiVersion === 'v1')
  );
}

/** Every document of the inputs, with its file: candidates for ClusterClasses and their templates. */
export function sourcedDocuments(files: readonly SubmissionFile[]): SourcedDocument[] {
  const out: SourcedDocument[] = [];
  for (const f of files)
    for (const doc of f.docs) if (isPlainObject(doc.value)) out.push({ file: f.file, doc, value: doc.value });
  return out;
}

/** YAML files under `--templates` folders that are not charts: ClusterClasses and their templates. */
export function templateDirDocuments(dirs: readonly string[]): SourcedDocument[] {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || isChartDir(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/\.ya?ml$/i.test(e.name)) files.push(p);
    }
  };
  for (const d of dirs) if (existsSync(d) && statSync(d).isDirectory()) walk(d, 0);
  return sourcedDocuments(files.map(readSubmissionFile)).filter((s) => isRenderInput(s.value));
}
