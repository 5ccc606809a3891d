/**
 * kubeadm user data for a Debian/Ubuntu image: load the kernel modules and sysctls kubeadm's
 * preflight wants, install containerd and kubelet/kubeadm/kubectl pinned to the version from
 * pkgs.k8s.io, then `kubeadm init` or `kubeadm join` with a config file.
 */
import { stringify } from 'yaml';
import type { BootstrapData, BootstrapInput, BootstrapProvider } from '../contract.js';
import { TerminalProviderError } from '../errors.js';
import { isRecord } from '../objects.js';
import { parseVersion } from '../version.js';
import { checkInput, cloudConfigData, hostPort, writeFile } from './cloud-config.js';

export const KUBEADM_CONFIG_PATH = '/run/kubeadm/kubeadm.yaml';
const BOOTSTRAP_TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

export function kubeadmUserData(input: BootstrapInput): BootstrapData {
  checkInput(input);
  const v = parseVersion(input.version);
  const opts = input.options ?? {};
  const token = input.joinToken?.trim();
  if (token !== undefined && !BOOTSTRAP_TOKEN.test(token)) {
    throw new TerminalProviderError(
      'InvalidBootstrapInput',
      'joinToken is not a kubeadm bootstrap token ([a-z0-9]{6}.[a-z0-9]{16})',
    );
  }
  // kubeadm.k8s.io/v1beta4 arrived in Kubernetes 1.31; older kubeadm only reads v1beta3.
  const api = v.major > 1 || v.minor >= 31 ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3';
  const node = { name: input.machineName };
  const docs: Record<string, unknown>[] = [];
  if (input.role === 'control-plane-init') {
    const extra = isRecord(opts.config) ? opts.config : {};
    docs.push({
      ...extra,
      apiVersion: api,
      kind: 'ClusterConfiguration',
      clusterName: input.clusterName,
      kubernetesVersion: v.kubernetes,
      controlPlaneEndpoint: hostPort(input.endpoint),
    });
    docs.push({
      apiVersion: api,
      kind: 'InitConfiguration',
      ...(token ? { bootstrapTokens: [{ token, ttl: '24h0m0s' }] } : {}),
      nodeRegistration: node,
    });
  } else {
    const bootstrapToken: Record<string, unknown> = { apiServerEndpoint: hostPort(input.endpoint), token };
    if (input.caCertHash) bootstrapToken.caCertHashes = [input.caCertHash];
    else bootstrapToken.unsafeSkipCAVerification = true;
    const join: Record<string, unknown> = {
      apiVersion: api,
      kind: 'JoinConfiguration',
      discovery: { bootstrapToken },
      nodeRegistration: node,
    };
    if (input.role === 'control-plane-join') {
      join.controlPlane = input.certificateKey ? { certificateKey: input.certificateKey } : {};
    }
    docs.push(join);
  }
  const kubeadmYaml = docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');

  const minor = `v${v.major}.${v.minor}`;
  const pkg = `${v.major}.${v.minor}.${v.patch}-*`;
  const repo = `https://pkgs.k8s.io/core:/stable:/${minor}/deb/`;
  const runcmd = [
    ...(opts.preCommands ?? []),
    'modprobe overlay && modprobe br_netfilter && sysctl --system',
    'apt-get update && apt-get install -y apt-transport-https ca-certificates curl gpg containerd',
    'mkdir -p /etc/containerd && containerd config default | sed "s/SystemdCgroup = false/SystemdCgroup = true/" > /etc/containerd/config.toml && systemctl restart containerd',
    `mkdir -p -m 755 /etc/apt/keyrings && curl -fsSL ${repo}Release.key | gpg --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg`,
    `echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] ${repo} /' > /etc/apt/sources.list.d/kubernetes.list`,
    `apt-get update && apt-get install -y kubelet=${pkg} kubeadm=${pkg} kubectl=${pkg} && apt-mark hold kubelet kubeadm kubectl`,
    'systemctl enable --now kubelet',
    input.role === 'control-plane-init'
      ? `kubeadm init --config ${KUBEADM_CONFIG_PATH}`
      : `kubeadm join --config ${KUBEADM_CONFIG_PATH}`,
    ...(opts.postCommands ?? []),
  ];
  return cloudConfigData({
    hostname: input.machineName,
    fqdn: input.machineName,
    write_files: [
      writeFile({ path: '/etc/modules-load.d/k8s.conf', content: 'overlay\nbr_netfilter\n' }),
      writeFile({
        path: '/etc/sysctl.d/k8s.conf',
        content:
          'net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\nnet.ipv4.ip_forward = 1\n',
      }),
      writeFile({ path: KUBEADM_CONFIG_PATH, content: kubeadmYaml, permissions: '0600' }),
      ...(opts.files ?? []).map(writeFile),
    ],
    runcmd,
  });
}

export const kubeadmBootstrap: BootstrapProvider = {
  name: 'kubeadm',
  generate: async (input) => kubeadmUserData(input),
};
