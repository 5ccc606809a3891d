/** Helm's value flags (-f, --set, --set-string, --set-file, --set-json, --set-literal) -> one map. */
import { existsSync } from 'node:fs';
import { mergeValueFlags, StrvalsError } from '../render/helm/strvals.js';
import { ClustermintError } from '../util/errors.js';
import type { PlainObject } from '../util/plain-object.js';
import { readTextFile } from '../util/read-text-file.js';
import { readStdin } from './inputs.js';

export interface HelmValueFlags {
  values: string[];
  set: string[];
  setString: string[];
  setFile: string[];
  setJson: string[];
  setLiteral: string[];
}

/** The user's values in Helm's order; a flag Helm refuses is a usage error with Helm's text. */
export function helmUserValues(o: HelmValueFlags): PlainObject {
  for (const f of o.setFile) {
    const path = f.slice(f.indexOf('=') + 1);
    if (f.includes('=') && path !== '-' && !existsSync(path)) {
      throw new ClustermintError(
        'UNREADABLE',
        `failed parsing --set-file data: open ${path}: no such file or directory`,
      );
    }
  }
  try {
    return mergeValueFlags(
      {
        valueFiles: o.values,
        jsonValues: o.setJson,
        values: o.set,
        stringValues: o.setString,
        fileValues: o.setFile,
        literalValues: o.setLiteral,
      },
      (path) => {
        if (path === '-') return readStdin();
        // helm's words for a missing file (Go's os.Open error)
        if (!existsSync(path))
          throw new ClustermintError('UNREADABLE', `open ${path}: no such file or directory`);
        return readTextFile(path);
      },
    );
  } catch (e) {
    if (e instanceof StrvalsError) throw new ClustermintError('BAD_SET', e.message);
    throw e;
  }
}
