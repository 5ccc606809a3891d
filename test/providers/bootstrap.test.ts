import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { cloudConfigYaml } from '../../src/providers/bootstrap/cloud-config.js';
import { MAX_USER_DATA_BYTES } from '../../src/providers/bootstrap/inspect.js';
import type { BootstrapInput, BootstrapRole } from '../../src/providers/contract.js';
import {
  inspectUserData,
  k0sBootstrap,
  k0sUserData,
  kubeadmBootstrap,
  kubeadmUserData,
  TerminalProviderError,
  UserDataError,
} from '../../src/providers/index.js';

const ENDPOINT = { host: '10.0.0.10', port: 6443 };
const KUBEADM_TOKEN = 'abcdef.0123456789abcdef';

function input(role: BootstrapRole, extra: Partial<BootstrapInput> = {}): BootstrapInput {
  return {
    role,
    machineName: `demo-${role}`,
    clusterName: 'demo',
    version: 'v1.33.4',
    endpoint: ENDPOINT,
    ...(role === 'control-plane-init'
      ? {}
      : { joinToken: role.startsWith('control') ? 'H4sIAAAAcontroller' : 'H4sIAAAAworker' }),
    ...extra,
  };
}

/** Parses a cloud-init document the way cloud-init reads it: header line, then a YAML mapping. */
function cloudConfig(userData: string): Record<string, any> {
  expect(userData.split('\n')[0]).toBe('#cloud-config');
  const doc = parse(userData);
  expect(doc).toBeTypeOf('object');
  expect(Array.isArray(doc.runcmd)).toBe(true);
  return doc;
}

const ROLES: BootstrapRole[] = ['control-plane-init', 'control-plane-join', 'worker'];

describe('k0s user data', () => {
  for (const role of ROLES) {
    it(`${role}: a #cloud-config that installs and starts k0s at the version`, async () => {
      const data = await k0sBootstrap.generate(input(role));
      expect(data.format).toBe('cloud-config');
      const doc = cloudConfig(data.userData);
      expect(doc.hostname).toBe(`demo-${role}`);
      const runcmd: string[] = doc.runcmd;
      expect(runcmd).toContain('curl -sSfL --retry 5 https://get.k0s.sh | K0S_VERSION=v1.33.4+k0s.0 sh');
      expect(runcmd.at(-1)).toBe('k0s start');
      const install = runcmd.find((c) => c.startsWith('k0s install'))!;
      expect(install.startsWith(role === 'worker' ? 'k0s install worker' : 'k0s install controller')).toBe(
        true,
      );
      expect(install.includes('--token-file /etc/k0s/join.token')).toBe(role !== 'control-plane-init');
      const paths = (doc.write_files ?? []).map((f: any) => f.path);
      expect(paths.includes('/etc/k0s/k0s.yaml')).toBe(role !== 'worker');
      if (role !== 'control-plane-init') {
        const token = doc.write_files.find((f: any) => f.path === '/etc/k0s/join.token');
        expect(token.permissions).toBe('0600');
        expect(token.content.trim()).toBe(input(role).joinToken);
        expect(runcmd.some((c) => c.includes('https://10.0.0.10:6443/readyz'))).toBe(true);
      }
      const plan = inspectUserData(data.userData);
      expect(plan).toEqual({
        distribution: 'k0s',
        role,
        kubernetesVersion: 'v1.33.4',
        kubeletVersion: 'v1.33.4+k0s',
        hostname: `demo-${role}`,
      });
    });
  }

  it('controllers advertise the endpoint in k0s.yaml and keep the object config', () => {
    const data = k0sUserData(
      input('control-plane-init', {
        options: {
          config: {
            apiVersion: 'k0s.k0sproject.io/v1beta1',
            kind: 'ClusterConfig',
            spec: { network: { provider: 'calico' } },
          },
        },
      }),
    );
    const file = cloudConfig(data.userData).write_files.find((f: any) => f.path === '/etc/k0s/k0s.yaml');
    const k0sYaml = parse(file.content);
    expect(k0sYaml.spec.network).toEqual({ provider: 'calico' });
    expect(k0sYaml.spec.api).toEqual({ externalAddress: '10.0.0.10', sans: ['10.0.0.10'] });
  });

  it('uses the k0s build the config object names when its Kubernetes version matches', () => {
    const same = inspectUserData(
      k0sUserData(input('worker', { options: { distributionVersion: 'v1.33.4+k0s.2' } })).userData,
    );
    expect(
      k0sUserData(input('worker', { options: { distributionVersion: 'v1.33.4+k0s.2' } })).userData,
    ).toContain('K0S_VERSION=v1.33.4+k0s.2');
    expect(same.kubernetesVersion).toBe('v1.33.4');
    // An upgrade changes the machine's version; the template's old k0s build no longer applies.
    expect(
      k0sUserData(input('worker', { version: 'v1.34.1', options: { distributionVersion: 'v1.33.4+k0s.2' } }))
        .userData,
    ).toContain('K0S_VERSION=v1.34.1+k0s.0');
  });

  it('adds args, files, commands and a download URL in order', () => {
    const data = k0sUserData(
      input('worker', {
        options: {
          args: ['--labels=pool=sim', '--kubelet-extra-args="--cloud-provider=external"'],
          files: [{ path: '/etc/demo.conf', content: 'a: 1\n' }],
          preCommands: ['echo pre'],
          postCommands: ['echo post'],
          downloadURL: 'https://mirror.example/k0s-v1.33.4+k0s.0-amd64',
        },
      }),
    );
    const doc = cloudConfig(data.userData);
    expect(doc.runcmd[0]).toBe('echo pre');
    expect(doc.runcmd.at(-1)).toBe('echo post');
    expect(doc.runcmd).toContain(
      'k0s install worker --token-file /etc/k0s/join.token --labels=pool=sim --kubelet-extra-args="--cloud-provider=external"',
    );
    expect(doc.runcmd.some((c: string) => c.includes('-o /usr/local/bin/k0s https://mirror.example/'))).toBe(
      true,
    );
    expect(doc.write_files).toContainEqual({
      path: '/etc/demo.conf',
      content: 'a: 1\n',
      permissions: '0644',
    });
    // The downloaded binary is checked against the version, which is how the version is known.
    expect(inspectUserData(data.userData).kubernetesVersion).toBe('v1.33.4');
  });

  it('is deterministic: same input, same bytes and hash', () => {
    const a = k0sUserData(input('worker'));
    const b = k0sUserData(input('worker'));
    expect(a.userData).toBe(b.userData);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(b.hash);
    expect(k0sUserData(input('worker', { version: 'v1.33.5' })).hash).not.toBe(a.hash);
  });

  it('rejects bad input with terminal errors', () => {
    const cases: [Partial<BootstrapInput>, RegExp][] = [
      [{ machineName: 'Bad_Name' }, /machineName "Bad_Name" is not a DNS subdomain/],
      [{ joinToken: undefined }, /role worker needs a joinToken/],
      [{ endpoint: { host: '10.0.0.1', port: 70000 } }, /endpoint port 70000/],
      [{ version: 'latest' }, /version "latest" is not a Kubernetes version/],
      [{ options: { files: [{ path: 'rel/path', content: '' }] } }, /file path "rel\/path" is not absolute/],
    ];
    for (const [extra, message] of cases) {
      const call = () => k0sUserData(input('worker', extra));
      expect(call).toThrow(TerminalProviderError);
      expect(call).toThrow(message);
    }
  });
});

describe('cloud-config YAML', () => {
  // The generators dump the part after hostname and fqdn once per cluster and role (a cache):
  // the text must be the whole document's dump, for names YAML would quote too.
  it('is the dump of the whole document, for every role, generator and machine name', async () => {
    const names = [
      'demo-worker',
      'w-0a1b2',
      '123',
      '1e3',
      '0x1f',
      'true',
      'null',
      'yes',
      'on',
      'n',
      '0o17',
      'inf',
    ];
    for (const generate of [k0sUserData, kubeadmUserData])
      for (const role of ROLES)
        for (const machineName of names) {
          const extra: Partial<BootstrapInput> = { machineName };
          if (generate === kubeadmUserData && role !== 'control-plane-init') extra.joinToken = KUBEADM_TOKEN;
          const data = generate(input(role, extra));
          const doc = parse(data.userData) as Record<string, unknown>;
          expect(doc.hostname).toBe(machineName);
          expect(data.userData).toBe(
            `#cloud-config\n${stringify(doc, { lineWidth: 0, minContentWidth: 0 })}`,
          );
          expect(cloudConfigYaml(doc)).toBe(stringify(doc, { lineWidth: 0, minContentWidth: 0 }));
        }
  });

  it('dumps documents of other shapes whole', () => {
    const doc = { hostname: 'a', fqdn: 'a', runcmd: ['x'], when: new Date(0), n: 1 };
    expect(cloudConfigYaml(doc)).toBe(stringify(doc, { lineWidth: 0, minContentWidth: 0 }));
    const other = { runcmd: ['x'], hostname: 'b', fqdn: 'b' };
    expect(cloudConfigYaml(other)).toBe(stringify(other, { lineWidth: 0, minContentWidth: 0 }));
  });
});

describe('kubeadm user data', () => {
  for (const role of ROLES) {
    it(`${role}: installs pinned kubelet/kubeadm and runs kubeadm ${role === 'control-plane-init' ? 'init' : 'join'}`, async () => {
      const data = await kubeadmBootstrap.generate(
        input(role, { joinToken: KUBEADM_TOKEN, version: 'v1.32.2' }),
      );
      const doc = cloudConfig(data.userData);
      expect(
        doc.runcmd.some((c: string) => c.includes('kubelet=1.32.2-* kubeadm=1.32.2-* kubectl=1.32.2-*')),
      ).toBe(true);
      expect(doc.runcmd.some((c: string) => c.includes('https://pkgs.k8s.io/core:/stable:/v1.32/deb/'))).toBe(
        true,
      );
      expect(doc.runcmd.at(-1)).toBe(
        `kubeadm ${role === 'control-plane-init' ? 'init' : 'join'} --config /run/kubeadm/kubeadm.yaml`,
      );
      const file = doc.write_files.find((f: any) => f.path === '/run/kubeadm/kubeadm.yaml');
      const objects = parseAllDocuments(file.content).map((d) => (d as any).toJS());
      if (role === 'control-plane-init') {
        expect(objects.map((o) => o.kind)).toEqual(['ClusterConfiguration', 'InitConfiguration']);
        expect(objects[0]).toMatchObject({
          apiVersion: 'kubeadm.k8s.io/v1beta4',
          kubernetesVersion: 'v1.32.2',
          controlPlaneEndpoint: '10.0.0.10:6443',
        });
        expect(objects[1].bootstrapTokens[0].token).toBe(KUBEADM_TOKEN);
      } else {
        expect(objects.map((o) => o.kind)).toEqual(['JoinConfiguration']);
        expect(objects[0].discovery.bootstrapToken).toEqual({
          apiServerEndpoint: '10.0.0.10:6443',
          token: KUBEADM_TOKEN,
          unsafeSkipCAVerification: true,
        });
        expect('controlPlane' in objects[0]).toBe(role === 'control-plane-join');
      }
      expect(inspectUserData(data.userData)).toEqual({
        distribution: 'kubeadm',
        role,
        kubernetesVersion: 'v1.32.2',
        kubeletVersion: 'v1.32.2',
        hostname: `demo-${role}`,
      });
    });
  }

  it('uses kubeadm.k8s.io/v1beta3 before Kubernetes 1.31 and pins the CA when given', () => {
    const data = kubeadmUserData(
      input('worker', { version: 'v1.30.9', joinToken: KUBEADM_TOKEN, caCertHash: 'sha256:abc' }),
    );
    const file = cloudConfig(data.userData).write_files.find(
      (f: any) => f.path === '/run/kubeadm/kubeadm.yaml',
    );
    const join = parse(file.content);
    expect(join.apiVersion).toBe('kubeadm.k8s.io/v1beta3');
    expect(join.discovery.bootstrapToken.caCertHashes).toEqual(['sha256:abc']);
  });

  it('rejects a join token that is not a bootstrap token', () => {
    expect(() => kubeadmUserData(input('worker', { joinToken: 'not-a-token' }))).toThrow(
      /not a kubeadm bootstrap token/,
    );
  });
});

describe('inspectUserData', () => {
  const cases: [string, string, RegExp][] = [
    ['empty', '', /user data is empty/],
    ['no header', 'runcmd: [k0s start]\n', /does not start with "#cloud-config"/],
    ['shell script', '#!/bin/sh\nk0s install worker\n', /does not start with "#cloud-config"/],
    ['bad YAML', '#cloud-config\nruncmd: [unclosed\n', /not valid YAML/],
    ['not a mapping', '#cloud-config\n- a\n', /not a YAML mapping/],
    ['runcmd not a list', '#cloud-config\nruncmd: k0s start\n', /runcmd is not a list/],
    [
      'nothing installed',
      '#cloud-config\nruncmd: [echo hi]\n',
      /neither runs "k0s install" nor "kubeadm init\|join"/,
    ],
    [
      'k0s without version',
      '#cloud-config\nruncmd: ["k0s install controller", "k0s start"]\n',
      /names no version/,
    ],
    [
      'bad k0s version',
      '#cloud-config\nruncmd: ["curl x | K0S_VERSION=latest sh", "k0s install controller"]\n',
      /"latest" is not a Kubernetes version/,
    ],
    [
      'worker without token',
      '#cloud-config\nruncmd: ["curl x | K0S_VERSION=v1.33.1+k0s.0 sh", "k0s install worker"]\n',
      /no --token-file/,
    ],
    [
      'kubeadm without config',
      '#cloud-config\nruncmd: ["kubeadm init"]\n',
      /writes no \/run\/kubeadm\/kubeadm.yaml/,
    ],
    ['aliases', '#cloud-config\na: &x [1]\nb: *x\nruncmd: []\n', /not valid YAML/],
    [
      'a duplicate key beside an anchor',
      '#cloud-config\na: &x 1\nruncmd: []\nruncmd: []\n',
      /not valid YAML: Map keys must be unique at line 4, column 1/,
    ],
    [
      'a duplicate key in the kubeadm config',
      `#cloud-config\nruncmd: ["kubeadm init"]\nwrite_files: [{path: /run/kubeadm/kubeadm.yaml, content: "kind: A\\nkind: B\\n"}]\n`,
      /kubeadm.yaml is not valid YAML: Map keys must be unique at line 2, column 1/,
    ],
  ];
  for (const [name, userData, message] of cases) {
    it(`fails with a clear reason: ${name}`, () => {
      expect(() => inspectUserData(userData)).toThrow(UserDataError);
      expect(() => inspectUserData(userData)).toThrow(message);
    });
  }

  it('checks the keys of a 256 KiB document with an anchor in linear time (9 s for 24,000 keys before)', () => {
    const keys = Array.from({ length: 24_000 }, (_, i) => `k${i}: 1\n`).join('');
    const userData = `#cloud-config\nhostname: &h x\n${keys}runcmd: ["kubeadm init"]\n`;
    expect(Buffer.byteLength(userData)).toBeLessThan(MAX_USER_DATA_BYTES);
    const t0 = performance.now();
    expect(() => inspectUserData(userData)).toThrow(/writes no \/run\/kubeadm\/kubeadm.yaml/);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
