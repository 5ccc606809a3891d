/** The run behind `clustermint delete`. */
import { isNotFound } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import { printable } from '../util/printable.js';
import { CD_TYPE, eventLine, openEmbedded, openState, parseTimeout } from './embedded-run.js';
import { kindOf } from './get-run.js';
import { clusterDeployments, expandInputs, readSubmissionFile } from './inputs.js';
import type { IO } from './io.js';

export interface DeleteOptions {
  type?: string;
  name?: string;
  files: string[];
  namespace?: string;
  state: string;
  templates: string[];
  wait: boolean;
  timeout: string;
}

export async function runDelete(o: DeleteOptions, io: IO): Promise<number> {
  const timeoutMs = parseTimeout(o.timeout);
  const targets: { namespace?: string; name: string }[] = [];
  if (o.type && o.name) {
    if (kindOf(o.type).kind !== 'ClusterDeployment')
      throw new ClustermintError('USAGE', 'delete supports clusterdeployment NAME');
    targets.push({ ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name });
  }
  for (const f of expandInputs(o.files).map(readSubmissionFile))
    for (const cd of clusterDeployments(f).deployments)
      targets.push({ namespace: cd.metadata.namespace, name: cd.metadata.name });
  openState(o.state, true).close();
  const emb = await openEmbedded({
    state: o.state,
    templates: o.templates,
    policies: [],
    onEvent: (e) => {
      if (o.wait) io.err(eventLine(e));
    },
  });
  let code = 0;
  try {
    const keys: string[] = [];
    for (const t of targets) {
      let namespace = t.namespace;
      if (!namespace) {
        const hits = (await emb.store.list(CD_TYPE, { fieldSelector: `metadata.name=${t.name}` })).items;
        if (hits.length > 1)
          throw new ClustermintError(
            'USAGE',
            `ClusterDeployment ${t.name} exists in several namespaces: give -n NAMESPACE`,
          );
        namespace = hits[0]?.metadata.namespace ?? 'default';
      }
      try {
        await emb.store.delete({ ...CD_TYPE, namespace, name: t.name });
        io.out(printable(`clusterdeployment.clustermint.io/${t.name} deleted\n`));
        keys.push(`${namespace}/${t.name}`);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        io.err(`error: ClusterDeployment "${t.name}" not found in namespace ${namespace}\n`);
        code = 1;
      }
    }
    if (!o.wait || keys.length === 0) return code;
    const gone = async () => {
      for (const k of keys) {
        const [namespace, name] = k.split('/');
        try {
          const cd: KubeObject = await emb.store.get({ ...CD_TYPE, namespace, name });
          void cd;
          return false;
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      return true;
    };
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    try {
      await emb.controller.runtime.runRealtime({ signal: ac.signal, until: gone });
    } finally {
      clearTimeout(timer);
      process.off('SIGINT', stop);
    }
    if (!(await gone())) {
      io.out(`not deleted after ${o.timeout}\n`);
      return 1;
    }
    for (const k of keys) io.out(printable(`${k} gone: machines and infrastructure deleted\n`));
    return code;
  } finally {
    await emb.close();
  }
}
