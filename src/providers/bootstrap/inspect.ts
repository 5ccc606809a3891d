/**
 * Reading a `#cloud-config` back: which distribution it installs, at which version, in which
 * role. The simulated cloud "boots" a machine with this, the way cloud-init would run it; a
 * document it cannot read makes the machine fail, with the reason as the message.
 */
import jsyaml from 'js-yaml';
import { type Document, isScalar, LineCounter, parseAllDocuments, visit } from 'yaml';
import type { BootstrapRole } from '../contract.js';
import { isRecord } from '../objects.js';
import { parseVersion } from '../version.js';
import { CLOUD_CONFIG_HEADER } from './cloud-config.js';
import { KUBEADM_CONFIG_PATH } from './kubeadm.js';

export const MAX_USER_DATA_BYTES = 256 * 1024;

export interface BootPlan {
  distribution: 'k0s' | 'kubeadm';
  role: BootstrapRole;
  /** `v1.33.4` */
  kubernetesVersion: string;
  /** As the kubelet will report it: `v1.33.4+k0s` for k0s. */
  kubeletVersion: string;
  hostname?: string;
}

export class UserDataError extends Error {
  override name = 'UserDataError';
}

export function inspectUserData(userData: string): BootPlan {
  if (typeof userData !== 'string' || !userData) throw new UserDataError('user data is empty');
  if (Buffer.byteLength(userData) > MAX_USER_DATA_BYTES) {
    throw new UserDataError(`user data is larger than ${MAX_USER_DATA_BYTES} bytes`);
  }
  const firstLine = userData.slice(0, userData.indexOf('\n') >>> 0).replace(/\r$/, '');
  if (firstLine.trimEnd() !== CLOUD_CONFIG_HEADER) {
    throw new UserDataError(
      `user data does not start with "${CLOUD_CONFIG_HEADER}" (first line: "${firstLine.slice(0, 40)}")`,
    );
  }
  let doc: unknown;
  try {
    // js-yaml is several times faster; documents with anchors or aliases go to `yaml`, which
    // refuses aliases outright (no expansion bombs).
    doc = /[&*]/.test(userData)
      ? (parseYaml(userData)[0] ?? null)
      : jsyaml.load(userData, { schema: jsyaml.CORE_SCHEMA });
  } catch (e) {
    throw new UserDataError(`user data is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(doc)) throw new UserDataError('user data is not a YAML mapping');
  const runcmd = commands(doc.runcmd);
  const files = writtenFiles(doc.write_files);
  const hostname = typeof doc.hostname === 'string' ? doc.hostname : undefined;
  const k0sInstall = runcmd.find((c) => /(^|\s)k0s install (controller|worker)(\s|$)/.test(c));
  if (k0sInstall) return { ...k0sPlan(runcmd, k0sInstall), hostname };
  const kubeadm = runcmd.find((c) => /(^|\s)kubeadm (init|join)(\s|$)/.test(c));
  if (kubeadm) return { ...kubeadmPlan(runcmd, files, kubeadm), hostname };
  throw new UserDataError('user data neither runs "k0s install" nor "kubeadm init|join" in runcmd');
}

function commands(runcmd: unknown): string[] {
  if (runcmd === undefined) return [];
  if (!Array.isArray(runcmd)) throw new UserDataError('runcmd is not a list');
  // cloud-init runs a string with sh and a list as argv; both are read as one line here.
  return runcmd.map((c, i) => {
    if (typeof c === 'string') return c;
    if (Array.isArray(c) && c.every((w) => typeof w === 'string')) return c.join(' ');
    throw new UserDataError(`runcmd[${i}] is neither a string nor a list of strings`);
  });
}

function writtenFiles(list: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (list === undefined) return out;
  if (!Array.isArray(list)) throw new UserDataError('write_files is not a list');
  list.forEach((f, i) => {
    if (!isRecord(f) || typeof f.path !== 'string') throw new UserDataError(`write_files[${i}] has no path`);
    out.set(f.path, typeof f.content === 'string' ? f.content : '');
  });
  return out;
}

function versionOf(text: string, where: string) {
  try {
    return parseVersion(text);
  } catch {
    throw new UserDataError(`${where}: "${text}" is not a Kubernetes version`);
  }
}

function k0sPlan(runcmd: string[], install: string): Omit<BootPlan, 'hostname'> {
  let version: string | undefined;
  for (const c of runcmd) {
    const m = /K0S_VERSION=("?)(\S+?)\1(\s|$)/.exec(c) ?? /k0s version\)" = "([^"]*)"/.exec(c);
    if (m) {
      version = m[2] ?? m[1];
      break;
    }
  }
  if (!version) throw new UserDataError('user data installs k0s but names no version (K0S_VERSION=...)');
  const v = versionOf(version, 'k0s version');
  const controller = /k0s install controller/.test(install);
  const join = /--token-file(\s|=)/.test(install);
  if (!controller && !join) throw new UserDataError('"k0s install worker" has no --token-file to join with');
  return {
    distribution: 'k0s',
    role: controller ? (join ? 'control-plane-join' : 'control-plane-init') : 'worker',
    kubernetesVersion: v.kubernetes,
    kubeletVersion: `${v.kubernetes}+k0s`,
  };
}

function kubeadmPlan(
  runcmd: string[],
  files: Map<string, string>,
  command: string,
): Omit<BootPlan, 'hostname'> {
  const init = /kubeadm init/.test(command);
  const config = files.get(KUBEADM_CONFIG_PATH);
  if (config === undefined)
    throw new UserDataError(`user data runs kubeadm but writes no ${KUBEADM_CONFIG_PATH}`);
  let values: unknown[];
  try {
    values = parseYaml(config);
  } catch (e) {
    throw new UserDataError(`${KUBEADM_CONFIG_PATH} is not valid YAML: ${(e as Error).message}`);
  }
  const objects = values.filter(isRecord);
  const find = (kind: string) => objects.find((o) => o.kind === kind);
  // The kubelet is what the packages installed; pins look like kubelet=1.33.4-*.
  const pin = runcmd.map((c) => /kubelet=(\d+\.\d+\.\d+)/.exec(c)).find((m) => m);
  let version = pin?.[1];
  if (init) {
    const cc = find('ClusterConfiguration');
    if (!cc) throw new UserDataError(`kubeadm init: ${KUBEADM_CONFIG_PATH} has no ClusterConfiguration`);
    if (typeof cc.kubernetesVersion !== 'string')
      throw new UserDataError('ClusterConfiguration has no kubernetesVersion');
    version ??= cc.kubernetesVersion;
  } else {
    const jc = find('JoinConfiguration');
    if (!jc) throw new UserDataError(`kubeadm join: ${KUBEADM_CONFIG_PATH} has no JoinConfiguration`);
  }
  if (!version) throw new UserDataError('user data runs kubeadm join but installs no pinned kubelet version');
  const v = versionOf(version, 'kubelet version');
  const join = find('JoinConfiguration');
  return {
    distribution: 'kubeadm',
    role: init ? 'control-plane-init' : join && isRecord(join.controlPlane) ? 'control-plane-join' : 'worker',
    kubernetesVersion: v.kubernetes,
    kubeletVersion: v.kubernetes,
  };
}

/**
 * The documents of `text` with `yaml`, aliases refused and duplicate keys an error; throws an
 * Error with the first problem's first line. `yaml`'s own duplicate check compares each key
 * with every earlier one of its map (20,000 keys: 3 s), so keys are checked here with a set.
 */
function parseYaml(text: string): unknown[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { uniqueKeys: false, lineCounter });
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [docs];
  return list.map((d) => {
    if (d.errors.length > 0) throw new Error(d.errors[0].message.split('\n')[0]);
    visit(d, {
      Map(_key, map) {
        const seen = new Set<string>();
        for (const pair of map.items) {
          if (!isScalar(pair.key)) continue;
          const key = `${typeof pair.key.value}:${String(pair.key.value)}`;
          if (seen.has(key)) {
            const at = lineCounter.linePos(pair.key.range?.[0] ?? 0);
            throw new Error(`Map keys must be unique at line ${at.line}, column ${at.col}`);
          }
          seen.add(key);
        }
      },
    });
    return d.toJS({ maxAliasCount: 0 });
  });
}
