/**
 * Installing CustomResourceDefinitions: server-side apply of each CRD (idempotent, so several
 * installers may race), then wait until the apiserver reports it Established.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PACKAGE_ROOT } from '../../util/paths.js';
import type { KubeObject, NewObject } from '../types.js';
import type { KubeStore } from './store.js';

export const CRD_DIR = join(PACKAGE_ROOT, 'deploy', 'crds');
const CRD_TYPE = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const;

/** Every CustomResourceDefinition in the YAML files of `dir` (sorted by file name). */
export function loadCrds(dir: string = CRD_DIR): NewObject[] {
  const out: NewObject[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${join(dir, f)}: ${doc.errors[0].message}`);
      const v = doc.toJS() as NewObject | null;
      if (v?.kind === CRD_TYPE.kind) out.push(v);
    }
  }
  return out;
}

function condition(crd: KubeObject, type: string): { status?: string; message?: string } | undefined {
  const conditions = (crd.status as { conditions?: { type: string; status?: string; message?: string }[] })
    ?.conditions;
  return conditions?.find((c) => c.type === type);
}

export interface InstallCrdsOptions {
  /** Default `clustermint`. */
  fieldManager?: string;
  /** How long to wait for Established. Default 30 s. */
  timeoutMs?: number;
}

/** Applies the CRDs and resolves once every one is Established; rejects with the apiserver's reason. */
export async function installCrds(
  store: KubeStore,
  crds: NewObject[] = loadCrds(),
  options: InstallCrdsOptions = {},
): Promise<KubeObject[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (const crd of crds) await store.apply(crd, { fieldManager: options.fieldManager, force: true });
  const out: KubeObject[] = [];
  for (const crd of crds) {
    for (;;) {
      const got = await store.get({ ...CRD_TYPE, name: crd.metadata.name ?? '' });
      const names = condition(got, 'NamesAccepted');
      if (names?.status === 'False')
        throw new Error(`CRD ${crd.metadata.name}: names not accepted: ${names.message ?? ''}`);
      if (condition(got, 'Established')?.status === 'True') {
        out.push(got);
        break;
      }
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not Established in time`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return out;
}
