/** The run behind `clustermint namespace label`. */
import { DNS1123_LABEL, LABEL_VALUE, qualifiedNameErrors } from '../k8s/names.js';
import { isNotFound } from '../store/errors.js';
import { NAMESPACE_TYPE } from '../store/team-labels.js';
import type { KubeObject } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import { openState } from './embedded-run.js';
import type { IO } from './io.js';

export interface NamespaceLabelOptions {
  name: string;
  /** `KEY=VALUE` (set) or `KEY-` (remove). */
  changes: string[];
  state: string;
  overwrite: boolean;
}

type Change = { key: string; value?: string };

const shown = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}...` : s);

/** The changes, every one checked before the state is touched. */
export function parseLabelChanges(changes: readonly string[]): Change[] {
  return changes.map((c) => {
    const eq = c.indexOf('=');
    const removal = eq < 0 && c.endsWith('-');
    if (eq < 0 && !removal)
      throw new ClustermintError(
        'USAGE',
        `${shown(c)} is neither KEY=VALUE (set a label) nor KEY- (remove it)`,
      );
    const key = removal ? c.slice(0, -1) : c.slice(0, eq);
    const problems = qualifiedNameErrors(key);
    if (problems.length)
      throw new ClustermintError('USAGE', `invalid label key ${shown(key)}: ${problems.join('; ')}`);
    if (removal) return { key };
    const value = c.slice(eq + 1);
    if (value.length > 63 || !LABEL_VALUE.test(value))
      throw new ClustermintError(
        'USAGE',
        `invalid value ${shown(value)} for label ${key}: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`,
      );
    return { key, value };
  });
}

export async function runNamespaceLabel(o: NamespaceLabelOptions, io: IO): Promise<number> {
  if (o.name.length > 63 || !DNS1123_LABEL.test(o.name))
    throw new ClustermintError('USAGE', `invalid namespace name ${shown(o.name)}: a DNS-1123 label`);
  const changes = parseLabelChanges(o.changes);
  const store = openState(o.state);
  try {
    let current: KubeObject | undefined;
    try {
      current = await store.get({ ...NAMESPACE_TYPE, name: o.name });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const labels = { ...(current?.metadata.labels ?? {}) };
    for (const { key, value } of changes) {
      if (value === undefined) delete labels[key];
      else if (labels[key] !== undefined && labels[key] !== value && !o.overwrite)
        throw new ClustermintError(
          'USAGE',
          `namespace ${o.name} already has label ${key}=${labels[key]}: give --overwrite to change it`,
        );
      else labels[key] = value;
    }
    if (!current) {
      await store.create({ ...NAMESPACE_TYPE, metadata: { name: o.name, labels } });
      io.out(`namespace/${o.name} created\n`);
      return 0;
    }
    const next: KubeObject = { ...current, metadata: { ...current.metadata, labels } };
    if (Object.keys(labels).length === 0) delete next.metadata.labels;
    const stored = await store.update(next);
    io.out(
      `namespace/${o.name} ${stored.metadata.resourceVersion === current.metadata.resourceVersion ? 'not labeled' : 'labeled'}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
