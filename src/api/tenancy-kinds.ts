/**
 * The tenancy kinds (issue 16) as one table: for a document, which kind it is, the apiVersion it
 * is stored as, whether it is namespaced, and its reader; and the reader's problems located in
 * the document they came from (file:line:col and JSON path), for the CLI and the webhook.
 */
import { parsePath } from '../util/json-path.js';
import { isPlainObject } from '../util/plain-object.js';
import type { SourceDocument } from '../util/yaml-source.js';
import { ACCESS_MANAGEMENT_TYPE, isAccessManagement, readAccessManagement } from './access-management.js';
import {
  CREDENTIAL_TYPE,
  isCredential,
  isSimulatedIdentity,
  readCredential,
  readSimulatedIdentity,
  SIMULATED_IDENTITY_TYPE,
} from './credential.js';
import { DEPLOYMENT_HISTORY_TYPE, isDeploymentHistory, readDeploymentHistory } from './deployment-history.js';
import { isProviderInterface, PROVIDER_INTERFACE_TYPE, readProviderInterface } from './provider-interface.js';
import type { ReadProblem, ReadResult } from './read-problems.js';

export interface TenancyKind {
  /** The type it is stored as (k0rdent's apiVersion is read, clustermint's stored). */
  type: { apiVersion: string; kind: string };
  namespaced: boolean;
  /** The kind's reader, reduced to its problems. */
  problems: (object: unknown) => ReadProblem[];
}

const problemsOf = (r: ReadResult<unknown>): ReadProblem[] => ('problems' in r ? r.problems : []);

const KINDS: ReadonlyArray<{ is: (v: unknown) => boolean; kind: TenancyKind }> = [
  {
    is: isCredential,
    kind: { type: CREDENTIAL_TYPE, namespaced: true, problems: (o) => problemsOf(readCredential(o)) },
  },
  {
    is: isAccessManagement,
    kind: {
      type: ACCESS_MANAGEMENT_TYPE,
      namespaced: false,
      problems: (o) => problemsOf(readAccessManagement(o)),
    },
  },
  {
    is: isProviderInterface,
    kind: {
      type: PROVIDER_INTERFACE_TYPE,
      namespaced: false,
      problems: (o) => problemsOf(readProviderInterface(o)),
    },
  },
  {
    is: isSimulatedIdentity,
    kind: {
      type: SIMULATED_IDENTITY_TYPE,
      namespaced: false,
      problems: (o) => problemsOf(readSimulatedIdentity(o)),
    },
  },
  {
    is: isDeploymentHistory,
    kind: {
      type: DEPLOYMENT_HISTORY_TYPE,
      namespaced: true,
      problems: (o) => problemsOf(readDeploymentHistory(o)),
    },
  },
];

/** The tenancy kind of an object, or undefined for any other object. */
export function tenancyKindOf(v: unknown): TenancyKind | undefined {
  if (!isPlainObject(v)) return undefined;
  return KINDS.find((k) => k.is(v))?.kind;
}

export interface LocatedProblem extends ReadProblem {
  file: string;
  line?: number;
  col?: number;
}

/** Each problem with the position of its path in the document (of its nearest existing ancestor). */
export function locateProblems(
  file: string,
  doc: SourceDocument,
  problems: readonly ReadProblem[],
): LocatedProblem[] {
  return problems.map((p) => {
    const at = doc.locate(parsePath(p.path), p.atKey);
    return { ...p, file, ...(at ? { line: at.line, col: at.col } : {}) };
  });
}

/** `file:line:col: $.path: message` (the position left out when unknown). */
export function formatLocated(p: LocatedProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.col}` : p.file;
  return `${where}: ${p.path}: ${p.message}`;
}
