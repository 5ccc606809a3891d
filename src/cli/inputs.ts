/** Reading command-line inputs: values files, --set flags, submission files. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ClusterDeployment,
  isClusterDeployment,
  readClusterDeployment,
} from '../api/cluster-deployment.js';
import type { ValuesSource } from '../gate/chart-pipeline.js';
import { parseSetArgument } from '../render/chart/values.js';
import { SetBudget } from '../render/helm/strvals.js';
import { isTopologyCluster } from '../render/topology/kinds.js';
import { type DocumentsFile, isRenderInput } from '../resolve/documents.js';
import { ClustermintError } from '../util/errors.js';
import { emptyMap, isPlainObject } from '../util/plain-object.js';
import { readTextFile } from '../util/read-text-file.js';
import { parseYamlSource } from '../util/yaml-source.js';

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
  const budget = new SetBudget(); // one allowance of list items for all the flags
  return [
    ...sets.map((s) => ({ label: `--set ${s}`, value: parseSetArgument(s, false, budget) })),
    ...setStrings.map((s) => ({ label: `--set-string ${s}`, value: parseSetArgument(s, true, budget) })),
  ];
}

export type SubmissionFile = DocumentsFile;

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
export function readStdin(): string {
  // stdin can be read once: `-f -` and `--set-file x=-` share what it held
  if (stdinCache === undefined) stdinCache = readTextFile('-');
  return stdinCache;
}
