/** Shared pieces of the `#cloud-config` documents the bootstrap providers write. */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { BoundedCache } from '../../util/bounded-cache.js';
import type { BootstrapData, BootstrapFile, BootstrapInput, Endpoint } from '../contract.js';
import { TerminalProviderError } from '../errors.js';

export const CLOUD_CONFIG_HEADER = '#cloud-config';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const YAML_OPTIONS = { lineWidth: 0, minContentWidth: 0 } as const;

/**
 * The YAML of documents without their leading hostname and fqdn, by their JSON: a cluster's
 * machines of a role differ only in those, so each is dumped once per cluster and role.
 */
const restYaml = new BoundedCache<string, string>(256);

/** A cloud-init document: the header line, then the YAML mapping (no line folding). */
export function cloudConfigData(doc: Record<string, unknown>): BootstrapData {
  const userData = `${CLOUD_CONFIG_HEADER}\n${cloudConfigYaml(doc)}`;
  return { format: 'cloud-config', userData, hash: sha256Hex(userData) };
}

/**
 * The mapping as YAML. A block mapping's top-level entries are written one after the other,
 * each on its own: the leading hostname and fqdn dumped apart and the rest from the cache give
 * the very text of the whole dump (test/providers/bootstrap.test.ts compares them).
 */
export function cloudConfigYaml(doc: Record<string, unknown>): string {
  const { hostname, fqdn, ...rest } = doc;
  const keys = Object.keys(doc);
  // (JSON tells strings, lists and maps apart exactly: anything else is dumped whole)
  if (keys[0] !== 'hostname' || keys[1] !== 'fqdn' || keys.length === 2 || !onlyStrings(rest))
    return stringify(doc, YAML_OPTIONS);
  const key = JSON.stringify(rest);
  let tail = restYaml.get(key);
  if (tail === undefined) {
    tail = stringify(rest, YAML_OPTIONS);
    restYaml.set(key, tail);
  }
  return stringify({ hostname, fqdn }, YAML_OPTIONS) + tail;
}

export function writeFile(f: BootstrapFile): Record<string, unknown> {
  const out: Record<string, unknown> = {
    path: f.path,
    content: f.content,
    permissions: f.permissions ?? '0644',
  };
  if (f.owner) out.owner = f.owner;
  return out;
}

const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PERMISSIONS = /^0?[0-7]{3,4}$/;

/** The checks both generators share; a bad input is terminal (the same input fails again). */
export function checkInput(input: BootstrapInput): void {
  const bad = (what: string) => {
    throw new TerminalProviderError('InvalidBootstrapInput', what);
  };
  if (!HOSTNAME.test(input.machineName) || input.machineName.length > 253) {
    bad(`machineName "${input.machineName}" is not a DNS subdomain (it becomes the hostname and Node name)`);
  }
  if (!input.clusterName) bad('clusterName is empty');
  checkEndpoint(input.endpoint);
  if (input.role !== 'control-plane-init' && !input.joinToken) bad(`role ${input.role} needs a joinToken`);
  if (input.joinToken !== undefined && /\s/.test(input.joinToken.trim()) === true) {
    bad('joinToken contains white space');
  }
  for (const f of input.options?.files ?? []) {
    if (!f.path.startsWith('/')) bad(`file path "${f.path}" is not absolute`);
    if (f.permissions !== undefined && !PERMISSIONS.test(f.permissions)) {
      bad(`file ${f.path}: permissions "${f.permissions}" is not an octal mode such as "0644"`);
    }
  }
}

export function checkEndpoint(e: Endpoint): void {
  if (!e || typeof e.host !== 'string' || !e.host || /[\s/]/.test(e.host)) {
    throw new TerminalProviderError(
      'InvalidBootstrapInput',
      `endpoint host "${e?.host}" is not a host name or address`,
    );
  }
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) {
    throw new TerminalProviderError('InvalidBootstrapInput', `endpoint port ${e.port} is not in 1..65535`);
  }
}

/** `host:port`, with IPv6 addresses in brackets. */
export function hostPort(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** Wait until the API server answers before joining (anonymous /readyz is allowed by default). */
export function waitForApiServer(e: Endpoint): string {
  return `until curl -ksSf --max-time 5 https://${hostPort(e)}/readyz >/dev/null; do sleep 5; done`;
}

/** Single-quote a word for sh. */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

/** Whether a value is strings in lists and plain maps only. */
function onlyStrings(v: unknown): boolean {
  if (typeof v === 'string') return true;
  if (Array.isArray(v)) return v.every(onlyStrings);
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.values(v).every(onlyStrings);
}
