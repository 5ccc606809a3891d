/** The run behind `clustermint history`: a DeploymentHistory as a table, or as the object. */
import jsyaml from 'js-yaml';
import { DEPLOYMENT_HISTORY_TYPE } from '../api/deployment-history.js';
import type { AuditEntry } from '../domain/audit.js';
import { isNotFound } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import { printable } from '../util/printable.js';
import { findNamespace, type GetOptions, openReadStore, table, unreachable } from './get-run.js';
import type { IO } from './io.js';

interface HistorySpec {
  deployment?: string;
  deletedAt?: string;
  expiresAt?: string;
  droppedEntries?: number;
  entries?: AuditEntry[];
}

/** VERDICT: allowed (with the warnings counted) or denied. */
function verdictOf(e: AuditEntry): string {
  if (!e.allowed) return 'denied';
  return e.warnings ? `allowed (${e.warnings} warning${e.warnings === 1 ? '' : 's'})` : 'allowed';
}

/** TEMPLATE: the template, `from -> to` on an upgrade, with the Credential when there is one. */
function templateOf(e: AuditEntry): string {
  const t =
    e.fromTemplate && e.fromTemplate !== e.template ? `${e.fromTemplate} -> ${e.template}` : e.template;
  return e.credential ? `${t} (credential ${e.credential})` : t;
}

/** The table, each denied line followed by its violations, indented. */
export function historyText(h: KubeObject): string {
  const spec = (h.spec ?? {}) as HistorySpec;
  const entries = spec.entries ?? [];
  const rows = [
    ['TIME', 'USER', 'ACTION', 'TEMPLATE', 'VERDICT'],
    ...entries.map((e) => [e.time, e.user, e.action, templateOf(e), verdictOf(e)]),
  ];
  const lines = table(rows).trimEnd().split('\n');
  const out = [lines[0]];
  entries.forEach((e, i) => {
    out.push(lines[i + 1]);
    if (!e.allowed || e.action === 'denied')
      for (const v of e.violations ?? []) out.push(`    ${printable(v, { oneLine: true })}`);
  });
  const notes: string[] = [];
  if (spec.droppedEntries) notes.push(`(${spec.droppedEntries} older entries dropped)`);
  if (spec.deletedAt)
    notes.push(
      `(the deployment was deleted at ${spec.deletedAt}${spec.expiresAt ? `; this history is kept until ${spec.expiresAt}` : ''})`,
    );
  return `${[...out, ...notes.map((n) => printable(n, { oneLine: true }))].join('\n')}\n`;
}

export async function runHistory(
  name: string,
  o: Pick<GetOptions, 'state' | 'namespace' | 'kubeconfig' | 'context'> & { output?: 'yaml' | 'json' },
  io: IO,
): Promise<number> {
  const store = await openReadStore(o);
  try {
    const namespace = o.namespace ?? (await findNamespace(store, DEPLOYMENT_HISTORY_TYPE, name));
    let h: KubeObject;
    try {
      h = await store.get({ ...DEPLOYMENT_HISTORY_TYPE, namespace, name });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      io.err(
        printable(
          `error: no history for ClusterDeployment ${namespace}/${name}: nothing was applied or deleted under that name${o.namespace ? '' : ' (give -n NAMESPACE if it is not in default)'}, or its history expired after the deployment was deleted\n`,
        ),
      );
      return 1;
    }
    if (o.output === 'json') io.out(`${JSON.stringify(h, null, 2)}\n`);
    else if (o.output === 'yaml') io.out(jsyaml.dump(h, { lineWidth: -1, noRefs: true }));
    else if (!((h.spec ?? {}) as HistorySpec).entries?.length)
      io.out(printable(`ClusterDeployment ${namespace}/${name}: the history holds no entries\n`));
    else io.out(historyText(h));
    return 0;
  } catch (e) {
    throw unreachable(o, e);
  } finally {
    await store.close();
  }
}
