// Where scripts/testenv/install.sh put kube-apiserver and etcd.
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..');
const WRAPPER_GO_MOD = join(REPO, 'tools', 'testenv', 'go.mod');

/** The pinned versions: the wrapper module's requirements (install.sh reads them the same way). */
export function pinnedVersions(goMod: string = readFileSync(WRAPPER_GO_MOD, 'utf8')): {
  kubernetes: string;
  etcd: string;
} {
  const pin = (module: string): string => {
    for (const line of goMod.split('\n')) {
      const [name, version] = line.trim().split(/\s+/);
      if (name === module && version?.startsWith('v')) return version;
    }
    throw new Error(`${WRAPPER_GO_MOD} does not require ${module}`);
  };
  return { kubernetes: pin('k8s.io/kubernetes'), etcd: pin('go.etcd.io/etcd/server/v3') };
}

/** The cache directory install.sh builds into. */
export function defaultBinaryDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.CLUSTERMINT_CACHE || join(homedir(), '.cache', 'clustermint');
  const v = pinnedVersions();
  return join(root, 'testenv', `${v.kubernetes}-${v.etcd}`);
}

export type BinaryLookup = { dir: string; etcd: string; kubeApiserver: string } | { missing: string };

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CLUSTERMINT_TESTENV_DIR when set (then it must hold both binaries), else the install cache. */
export function findBinaries(env: NodeJS.ProcessEnv = process.env): BinaryLookup {
  const fromEnv = env.CLUSTERMINT_TESTENV_DIR;
  const dir = fromEnv || defaultBinaryDir(env);
  const etcd = join(dir, 'etcd');
  const kubeApiserver = join(dir, 'kube-apiserver');
  const absent = [etcd, kubeApiserver].filter((f) => !executable(f));
  if (absent.length === 0) return { dir, etcd, kubeApiserver };
  const where = fromEnv ? `CLUSTERMINT_TESTENV_DIR=${fromEnv}` : dir;
  return {
    missing: `no ${absent.map((f) => f.slice(dir.length + 1)).join(' and ')} in ${where} (run scripts/testenv/install.sh)`,
  };
}
