/**
 * Runs the real `helm` (the reference of the Helm parity tests, built by
 * scripts/install-go-tool.sh helm) with its cache, config and data homes in a temporary folder
 * of this process, so that no repository list, plugin or registry login of the machine leaks in
 * and nothing is written outside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findGoReference } from './go-reference.js';

export interface HelmRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The helm binary: HELM_BIN, else the install script's cache; undefined (with the reason printed) if neither. */
export function findHelm(what: string): string | undefined {
  return findGoReference({
    envVar: 'HELM_BIN',
    install: ['scripts/install-go-tool.sh', 'helm'],
    what,
  }).bin;
}

let home: string | undefined;

/** The environment helm runs in: the caller's, without HELM_* settings, with private homes. */
function helmEnv(): NodeJS.ProcessEnv {
  home ??= mkdtempSync(join(tmpdir(), 'clustermint-helm-home-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HELM_')) env[k] = v;
  return {
    ...env,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    // A kubeconfig that does not exist: `helm template` never needs a cluster.
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
}

/** `helm ...args` in `cwd` (default: this process's), synchronously. */
export function runHelm(bin: string, args: readonly string[], cwd?: string): HelmRun {
  const r = spawnSync(bin, args, {
    cwd,
    env: helmEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * What helm printed after `Error: ` on stderr (the message of a failed command), without the
 * trailing newline; undefined when stderr has no such line. Lines before it (warnings such as
 * `level=WARN msg=...`) are not part of the message.
 */
export function helmErrorMessage(stderr: string): string | undefined {
  const at = stderr.startsWith('Error: ') ? 0 : stderr.indexOf('\nError: ');
  if (at < 0) return undefined;
  const start = at === 0 ? 'Error: '.length : at + '\nError: '.length;
  return stderr.slice(start).replace(/\n+$/, '');
}
