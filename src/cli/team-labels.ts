/**
 * Where the CLI finds `$teamLabels` (the rule itself is store/team-labels.ts): the Namespaces the
 * platform stored in the embedded state, and for an offline `check` the platform's own Namespace
 * files (`--namespaces FILE`). Never the submission: its Namespace documents are refused, or one
 * team could relabel another's namespace, or give its own the labels that policies trust.
 */
import { existsSync } from 'node:fs';
import { isNamespaceDocument, namespaceTeamLabels, storedTeamLabels } from '../store/team-labels.js';
import type { Store } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import { isPlainObject } from '../util/plain-object.js';
import { openState } from './embedded-run.js';
import { expandInputs, readSubmissionFile, type SubmissionFile } from './inputs.js';

export type TeamLabels = (namespace: string) => Promise<Record<string, string> | undefined>;

const nameOf = (v: unknown): string =>
  isPlainObject(v) && isPlainObject(v.metadata) && typeof v.metadata.name === 'string'
    ? v.metadata.name.slice(0, 63)
    : 'NAME';

/** Throws, located, on the first Namespace document of a submission. */
export function refuseNamespaceDocuments(files: readonly SubmissionFile[]): void {
  for (const f of files)
    for (const d of f.docs) {
      if (!isNamespaceDocument(d.value)) continue;
      const name = nameOf(d.value);
      throw new ClustermintError(
        'INVALID_SUBMISSION',
        `a submission may not contain a Namespace (${JSON.stringify(name)}): namespace labels belong to the platform (policies trust them as $teamLabels). The platform sets them with \`clustermint namespace label ${name} KEY=VALUE\` (embedded state) or on the cluster's Namespace; \`check\` reads them with --state or --namespaces FILE`,
        { file: f.file, line: d.locate([])?.line ?? 1, path: '$.kind' },
      );
    }
}

/** The team labels in a store (the embedded state, as the controller reads them). */
export const storeTeamLabels =
  (store: Pick<Store, 'get'>): TeamLabels =>
  (namespace) =>
    storedTeamLabels(store, namespace);

/** The labels of the platform's Namespace files: every document must be a Namespace. */
export function namespaceFileLabels(paths: readonly string[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const f of expandInputs(paths).map(readSubmissionFile))
    for (const d of f.docs) {
      if (d.value === null) continue;
      if (!isNamespaceDocument(d.value) || nameOf(d.value) === 'NAME')
        throw new ClustermintError(
          'INVALID_SUBMISSION',
          '--namespaces takes files of v1 Namespace documents, each with metadata.name',
          { file: f.file, line: d.locate([])?.line ?? 1 },
        );
      out.set(nameOf(d.value), namespaceTeamLabels(d.value));
    }
  return out;
}

/**
 * The team labels an offline `check` uses: those of --namespaces files first, else the state
 * file's Namespaces when that file exists (the ones `apply` and the controller would use).
 * The state is read once and closed; a missing state file is not created. The store is given
 * back too: the admission facts read the state's Credentials, templates and AccessManagement.
 */
export async function offlineTeamLabels(o: {
  namespaces: readonly string[];
  state?: string;
}): Promise<{ labels: TeamLabels; store?: Store; close(): Promise<void> }> {
  const given = namespaceFileLabels(o.namespaces);
  const store = o.state && existsSync(o.state) ? openState(o.state, true) : undefined;
  return {
    labels: async (namespace) =>
      given.get(namespace) ?? (store ? storedTeamLabels(store, namespace) : undefined),
    ...(store ? { store } : {}),
    close: async () => {
      await store?.close();
    },
  };
}
