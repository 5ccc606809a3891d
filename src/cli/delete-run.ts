/** The run behind `clustermint delete`. */
import { isNotFound } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import { printable } from '../util/printable.js';
import { refuseDeletion } from './delete-guard.js';
import { CD_TYPE, eventLine, openEmbedded, openState, parseTimeout } from './embedded-run.js';
import { findNamespace, kindOf } from './get-run.js';
import { actingUser, recordHistory } from './history-record.js';
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
  /** Who deletes, for the deployments' histories (default: the OS user). */
  as?: string;
}

/** The kinds `delete` removes besides ClusterDeployments, each behind the deletion guard. */
const GUARDED_TYPES = new Set([
  'ClusterTemplate',
  'ServiceTemplate',
  'ClusterTemplateChain',
  'ServiceTemplateChain',
  'Credential',
]);

/**
 * A template, chain or Credential: deleted unless a ClusterDeployment or MultiClusterService
 * uses it (then exit 1, the users named, nothing deleted), as the webhook decides in a cluster.
 */
async function deleteGuarded(o: DeleteOptions, io: IO): Promise<number> {
  const type = kindOf(o.type ?? '');
  const store = openState(o.state, true);
  try {
    const namespace = o.namespace ?? (await findNamespace(store, type, o.name ?? ''));
    let obj: KubeObject;
    try {
      obj = await store.get({ ...type, namespace, name: o.name ?? '' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      io.err(printable(`error: ${type.kind} "${o.name}" not found in namespace ${namespace}\n`));
      return 1;
    }
    const refusal = await refuseDeletion(store, type, obj);
    if (refusal) {
      io.err(printable(`error: ${refusal}\n`));
      return 1;
    }
    await store.delete({ ...type, namespace, name: obj.metadata.name });
    io.out(printable(`${type.kind.toLowerCase()}.clustermint.io/${obj.metadata.name} deleted\n`));
    return 0;
  } finally {
    await store.close();
  }
}

export async function runDelete(o: DeleteOptions, io: IO): Promise<number> {
  const timeoutMs = parseTimeout(o.timeout);
  const targets: { namespace?: string; name: string }[] = [];
  if (o.type && o.name) {
    const kind = kindOf(o.type).kind;
    if (GUARDED_TYPES.has(kind)) {
      if (o.files.length)
        throw new ClustermintError('USAGE', `delete ${o.type} NAME takes no -f: give one or the other`);
      return deleteGuarded(o, io);
    }
    if (kind !== 'ClusterDeployment')
      throw new ClustermintError(
        'USAGE',
        'delete supports clusterdeployment, clustertemplate, servicetemplate, clustertemplatechain, servicetemplatechain or credential NAME',
      );
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
  const user = actingUser(o.as);
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
        const cd = await emb.store.get({ ...CD_TYPE, namespace, name: t.name });
        await emb.store.delete({ ...CD_TYPE, namespace, name: t.name });
        io.out(printable(`clusterdeployment.clustermint.io/${t.name} deleted\n`));
        keys.push(`${namespace}/${t.name}`);
        const spec = (cd.spec ?? {}) as { template?: string; credential?: string };
        if (!cd.metadata.deletionTimestamp)
          await recordHistory(emb.store, {
            namespace,
            name: t.name,
            uid: cd.metadata.uid,
            user,
            action: 'deleted',
            template: spec.template ?? '',
            ...(spec.credential ? { credential: spec.credential } : {}),
            generation: cd.metadata.generation,
            allowed: true,
          });
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
