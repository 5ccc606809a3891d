/** The webhook's folder sources (`--policies`, `--templates`), read whole: by the main thread and by each isolate worker. */
import { loadPolicyFiles } from '../policy/policy-files.js';
import { TemplateCatalog } from '../resolve/catalog.js';
import { clusterClassCandidates } from '../resolve/documents.js';
import type { Snapshot } from './snapshot.js';

export type DirPart = Pick<Snapshot, 'policies' | 'catalog' | 'candidates'>;

/** Reads the folders; throws ClustermintError on a broken policy or an unreadable folder. */
export function loadDirectories(policies: readonly string[], templates: readonly string[]): DirPart {
  const catalog = new TemplateCatalog(templates);
  catalog.list(); // read every Chart.yaml now, not on the first request
  return {
    policies: loadPolicyFiles(policies),
    catalog,
    candidates: clusterClassCandidates([], templates),
  };
}
