/**
 * k0s user data, shaped like k0smotron's bootstrap output: install k0s at the version, write the
 * controller config / join token, `k0s install controller|worker`, `k0s start`.
 */
import { stringify } from 'yaml';
import type { BootstrapData, BootstrapInput, BootstrapProvider } from '../contract.js';
import { isRecord } from '../objects.js';
import { k0sVersionFor } from '../version.js';
import { checkInput, cloudConfigData, shQuote, waitForApiServer, writeFile } from './cloud-config.js';

export const K0S_CONFIG_PATH = '/etc/k0s/k0s.yaml';
export const K0S_TOKEN_PATH = '/etc/k0s/join.token';

export function k0sUserData(input: BootstrapInput): BootstrapData {
  checkInput(input);
  const opts = input.options ?? {};
  const version = k0sVersionFor(input.version, opts.distributionVersion);
  const controller = input.role !== 'worker';
  const join = input.role !== 'control-plane-init';

  const files: Record<string, unknown>[] = [];
  if (controller) {
    files.push(writeFile({ path: K0S_CONFIG_PATH, content: k0sConfigYaml(input), permissions: '0644' }));
  }
  if (join) {
    files.push(
      writeFile({ path: K0S_TOKEN_PATH, content: `${input.joinToken!.trim()}\n`, permissions: '0600' }),
    );
  }
  for (const f of opts.files ?? []) files.push(writeFile(f));

  const install = opts.downloadURL
    ? `curl -sSfL --retry 5 -o /usr/local/bin/k0s ${shQuote(opts.downloadURL)} && chmod 0755 /usr/local/bin/k0s`
    : `curl -sSfL --retry 5 https://get.k0s.sh | K0S_VERSION=${version} sh`;
  const installArgs = [
    controller ? 'k0s install controller' : 'k0s install worker',
    ...(controller ? [`--config ${K0S_CONFIG_PATH}`] : []),
    ...(join ? [`--token-file ${K0S_TOKEN_PATH}`] : []),
    ...(opts.args ?? []),
  ];
  const runcmd = [
    ...(opts.preCommands ?? []),
    install,
    // A wrong binary (a stale download URL) fails here, not later as a version skew.
    `[ "$(k0s version)" = "${version}" ]`,
    ...(join ? [waitForApiServer(input.endpoint)] : []),
    installArgs.join(' '),
    'k0s start',
    ...(opts.postCommands ?? []),
  ];
  return cloudConfigData({
    hostname: input.machineName,
    fqdn: input.machineName,
    ...(files.length ? { write_files: files } : {}),
    runcmd,
  });
}

/** The controller's ClusterConfig: the object's config, advertising the cluster endpoint. */
function k0sConfigYaml(input: BootstrapInput): string {
  const base = isRecord(input.options?.config) ? structuredClone(input.options.config) : {};
  const config: Record<string, unknown> = {
    apiVersion: 'k0s.k0sproject.io/v1beta1',
    kind: 'ClusterConfig',
    metadata: { name: 'k0s' },
    ...base,
  };
  const spec = isRecord(config.spec) ? config.spec : {};
  const api = isRecord(spec.api) ? spec.api : {};
  const sans = Array.isArray(api.sans) ? api.sans.filter((s) => typeof s === 'string') : [];
  if (!sans.includes(input.endpoint.host)) sans.push(input.endpoint.host);
  config.spec = { ...spec, api: { ...api, externalAddress: input.endpoint.host, sans } };
  return stringify(config, { lineWidth: 0 });
}

export const k0sBootstrap: BootstrapProvider = {
  name: 'k0s',
  generate: async (input) => k0sUserData(input),
};
