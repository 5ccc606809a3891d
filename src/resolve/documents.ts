/**
 * The documents a submission may name besides charts: ClusterClasses and the templates they
 * reference, found among the submitted files and under `--templates` folders (and the built-in
 * ClusterClasses). Every entry point gathers its candidates here, so `render`, `check`, `lint`, the
 * webhook and the controller find the same ClusterClass for the same Cluster.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isTemplateSource } from '../api/cluster-template.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { readTextFile } from '../util/read-text-file.js';
import { parseYamlSource, type SourceDocument } from '../util/yaml-source.js';
import { BUILTIN_TEMPLATES_DIR } from './catalog.js';
import { isChartDir } from './load-chart.js';

/** An input document and where it came from. */
export interface SourcedDocument {
  file: string;
  doc: SourceDocument;
  value: PlainObject;
}

/** A file's YAML documents. */
export interface DocumentsFile {
  file: string;
  docs: SourceDocument[];
}

/** Built-in ClusterClasses and their templates. */
export const BUILTIN_CLUSTERCLASSES_DIR = `${BUILTIN_TEMPLATES_DIR}clusterclasses`;

/** How deep `--templates` folders are searched for ClusterClasses. */
const MAX_FOLDER_DEPTH = 4;

/** Reads and parses one YAML file (errors name the file, line and column). */
export function readDocumentsFile(file: string): DocumentsFile {
  return { file, docs: parseYamlSource(readTextFile(file), file) };
}

/**
 * Kinds that are inputs to rendering rather than submissions: ClusterClasses, templates,
 * Namespaces, and where ClusterTemplates find their charts (Flux sources, Secrets).
 */
export function isRenderInput(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  const kind = String(v.kind ?? '');
  return (
    kind === 'ClusterClass' ||
    kind.endsWith('Template') ||
    (kind === 'Namespace' && v.apiVersion === 'v1') ||
    isTemplateSource(v)
  );
}

/** Every map document of the files, with its file. */
export function sourcedDocuments(files: readonly DocumentsFile[]): SourcedDocument[] {
  const out: SourcedDocument[] = [];
  for (const f of files)
    for (const doc of f.docs) if (isPlainObject(doc.value)) out.push({ file: f.file, doc, value: doc.value });
  return out;
}

/** YAML files under template folders that are not charts: ClusterClasses and their templates. */
export function templateDirDocuments(dirs: readonly string[]): SourcedDocument[] {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_FOLDER_DEPTH || isChartDir(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/\.ya?ml$/i.test(e.name)) files.push(p);
    }
  };
  for (const d of dirs) if (existsSync(d) && statSync(d).isDirectory()) walk(d, 0);
  return sourcedDocuments(files.map(readDocumentsFile)).filter((s) => isRenderInput(s.value));
}

/** The ClusterClass candidates for topology Clusters: the given documents, the folders', the built-ins. */
export function clusterClassCandidates(
  inputs: readonly SourcedDocument[],
  templateDirs: readonly string[],
): SourcedDocument[] {
  return [...inputs, ...templateDirDocuments([...templateDirs, BUILTIN_CLUSTERCLASSES_DIR])];
}
