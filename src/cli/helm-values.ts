/** Helm's value flags (-f, --set, --set-string, --set-file, --set-json, --set-literal) -> one map. */
import { parseSetArgument } from '../render/chart/values.js';
import { loadValues, mergeMaps } from '../render/helm/load.js';
import type { PlainObject } from '../util/plain-object.js';
import { readTextFile } from '../util/read-text-file.js';

export interface HelmValueFlags {
  values: string[];
  set: string[];
  setString: string[];
  setFile: string[];
  setJson: string[];
  setLiteral: string[];
}

// Interim: replaced by strvals' mergeValueFlags.
export function helmUserValues(o: HelmValueFlags): PlainObject {
  let base: PlainObject = Object.create(null);
  for (const f of o.values) base = mergeMaps(base, loadValues(readTextFile(f)));
  for (const s of o.set) base = mergeMaps(base, parseSetArgument(s));
  for (const s of o.setString) base = mergeMaps(base, parseSetArgument(s, true));
  return base;
}
