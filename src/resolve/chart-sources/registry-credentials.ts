/**
 * Credentials for an OCI registry stored the way `helm registry login` (and `docker login`) store
 * them, looked up as Helm does: Helm's registry config first
 * (`$HELM_REGISTRY_CONFIG`, else `<helm config home>/registry/config.json`), then Docker's
 * (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`). Only credentials kept in the file
 * (`auths.<host>.auth`, or `username` and `password`) are read; credential helpers
 * (`credsStore`, `credHelpers`) and identity tokens are not run or used.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ClustermintError } from '../../util/errors.js';
import { readTextFile } from '../../util/read-text-file.js';

export interface Credentials {
  username: string;
  password: string;
}

type Env = Record<string, string | undefined>;

/** The config files searched, in order. */
export function credentialFiles(env: Env = process.env): string[] {
  const home = env.HOME ?? homedir();
  const helmConfigHome = env.HELM_CONFIG_HOME ?? join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'helm');
  return [
    env.HELM_REGISTRY_CONFIG ?? join(helmConfigHome, 'registry', 'config.json'),
    join(env.DOCKER_CONFIG ?? join(home, '.docker'), 'config.json'),
  ];
}

export function storedCredentials(host: string, env: Env = process.env): Credentials | undefined {
  for (const file of credentialFiles(env)) {
    let text: string;
    try {
      text = readTextFile(file);
    } catch (e) {
      if (e instanceof ClustermintError && e.code === 'TOO_LARGE') throw e;
      continue;
    }
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch (e) {
      throw new ClustermintError('UNREADABLE', `registry credentials: ${(e as Error).message}`, { file });
    }
    const auths = isRecord(config) && isRecord(config.auths) ? config.auths : {};
    // keys are `host[:port]`, sometimes written as a URL
    const entry = Object.entries(auths).find(
      ([key]) => key.replace(/^https?:\/\//, '').replace(/\/.*$/, '') === host,
    )?.[1];
    if (!isRecord(entry)) continue;
    if (typeof entry.auth === 'string' && entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username)
      return { username: entry.username, password: entry.password };
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
