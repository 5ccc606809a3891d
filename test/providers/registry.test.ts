import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runChart } from '../../src/gate/chart-pipeline.js';
import type { RenderedObject } from '../../src/providers/index.js';
import {
  embeddedRegistry,
  inspectUserData,
  ManualClock,
  SimulatedCloud,
  TerminalProviderError,
} from '../../src/providers/index.js';
import { BUILTIN_TEMPLATES_DIR, TemplateCatalog } from '../../src/resolve/catalog.js';

const catalog = new TemplateCatalog();

function render(chartName: string, values?: string): RenderedObject[] {
  const chart = catalog.resolve(chartName);
  const sources = values
    ? [{ label: values, value: parse(readFileSync(join(BUILTIN_TEMPLATES_DIR, chartName, values), 'utf8')) }]
    : [];
  const r = runChart({ chart, sources, release: { name: 'demo', namespace: 'team-a' } });
  expect(r.violations).toEqual([]);
  return r.documents.map((d) => d.object as unknown as RenderedObject);
}

function find(objects: RenderedObject[], kind: string): RenderedObject {
  const o = objects.find((x) => x.kind === kind);
  if (!o) throw new Error(`no ${kind} rendered`);
  return o;
}

const cloud = new SimulatedCloud({ clock: new ManualClock() });
const registry = embeddedRegistry(cloud);
afterAll(() => cloud.close());

function terminal(f: () => unknown): TerminalProviderError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TerminalProviderError);
    return e as TerminalProviderError;
  }
  throw new Error('expected a TerminalProviderError');
}

describe('registry on the simulated chart', () => {
  const objects = render('simulated-standalone-cp', 'ci/example-values.yaml');

  it('follows the Cluster refs to the simulated provider', () => {
    const cluster = find(objects, 'Cluster') as any;
    expect(registry.infrastructureFor(cluster.spec.infrastructureRef)).toBe(cloud);
    expect(registry.infrastructureFor(find(objects, 'SimulatedCluster'))).toBe(cloud);
    const md = find(objects, 'MachineDeployment') as any;
    expect(registry.infrastructureFor(md.spec.template.spec.infrastructureRef)).toBe(cloud);
  });

  it('K0sControlPlane is machine-based with k0s bootstrap, replicas, version and template', () => {
    const cp = registry.controlPlaneFor(find(objects, 'K0sControlPlane'));
    expect(cp.mode).toBe('machines');
    if (cp.mode !== 'machines') return;
    expect(cp.bootstrap.name).toBe('k0s');
    expect(cp.spec).toMatchObject({ replicas: 3, version: 'v1.33.4', distributionVersion: 'v1.33.4+k0s.0' });
    expect(cp.spec.machineTemplate).toMatchObject({ kind: 'SimulatedMachineTemplate', name: 'demo-cp-mt' });
    expect(registry.infrastructureFor(cp.spec.machineTemplate)).toBe(cloud);
    expect(cp.spec.bootstrapOptions.args).toEqual([
      '--enable-worker',
      '--disable-components=konnectivity-server',
      '--debug',
    ]);
    expect((cp.spec.bootstrapOptions.config as any).spec.network.provider).toBe('calico');
  });

  it('K0sWorkerConfigTemplate gives k0s worker user data at the version', async () => {
    const b = registry.bootstrapFor(find(objects, 'K0sWorkerConfigTemplate'));
    expect(b.provider.name).toBe('k0s');
    expect(b.options).toEqual({ args: ['--labels=pool=sim'], distributionVersion: 'v1.33.4+k0s.0' });
    const data = await b.provider.generate({
      role: 'worker',
      machineName: 'demo-md-abc12',
      clusterName: 'demo',
      version: 'v1.33.4',
      endpoint: { host: '10.10.0.1', port: 6443 },
      joinToken: 'token',
      options: b.options,
    });
    expect(inspectUserData(data.userData)).toMatchObject({ role: 'worker', kubernetesVersion: 'v1.33.4' });
  });
});

describe('registry errors', () => {
  it('AWS standalone: a terminal error naming the kind and the capi provider', () => {
    const objects = render('aws-standalone-cp', 'ci/example-values.yaml');
    const e = terminal(() => registry.infrastructureFor(find(objects, 'AWSCluster')));
    expect(e.reason).toBe('NoProviderPlugin');
    expect(e.message).toMatch(
      /^no provider plugin for infrastructure\.cluster\.x-k8s\.io\/v1beta2 AWSCluster on the embedded runtime; use the capi provider in a management cluster/,
    );
    // Refs carry only the group in v1beta2.
    const cluster = find(objects, 'Cluster') as any;
    expect(terminal(() => registry.infrastructureFor(cluster.spec.infrastructureRef)).message).toMatch(
      /^no provider plugin for infrastructure\.cluster\.x-k8s\.io AWSCluster on the embedded runtime/,
    );
    // The k0s parts of the same chart are served; only the infrastructure is not.
    expect(registry.controlPlaneFor(find(objects, 'K0sControlPlane')).mode).toBe('machines');
  });

  for (const [chart, kind] of [
    ['openstack-standalone-cp', 'OpenStackCluster'],
    ['docker-hosted-cp', 'DevCluster'],
    ['hetzner-hosted-cp', 'HetznerCluster'],
  ]) {
    it(`${chart}: ${kind} has no plugin here`, () => {
      const obj = find(render(chart, 'ci/example-values.yaml'), kind);
      expect(terminal(() => registry.infrastructureFor(obj)).message).toContain(
        `${obj.apiVersion} ${kind} on the embedded runtime`,
      );
    });
  }

  it('hosted control plane kinds resolve to the simulated hosted provider', () => {
    const cp = registry.controlPlaneFor(
      find(render('docker-hosted-cp', 'ci/example-values.yaml'), 'K0smotronControlPlane'),
    );
    expect(cp.mode).toBe('hosted');
    if (cp.mode !== 'hosted') return;
    expect(cp.provider).toBe(cloud);
    expect(cp.spec.version).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it('kubeadm kinds resolve to the kubeadm generator', () => {
    const kcp = {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
      kind: 'KubeadmControlPlane',
      metadata: { name: 'k' },
      spec: {
        replicas: 3,
        version: 'v1.32.2',
        machineTemplate: {
          spec: {
            infrastructureRef: {
              apiGroup: 'infrastructure.clustermint.io',
              kind: 'SimulatedMachineTemplate',
              name: 'mt',
            },
          },
        },
        kubeadmConfigSpec: {
          preKubeadmCommands: ['echo hi'],
          files: [{ path: '/etc/x', contentFrom: { secret: {} } }],
        },
      },
    };
    const e = terminal(() => registry.controlPlaneFor(kcp));
    expect(e.message).toBe('spec.kubeadmConfigSpec.files[0] has neither content nor contentFrom');
    kcp.spec.kubeadmConfigSpec.files = [
      { path: '/etc/x', contentFrom: { secretRef: { name: 's', key: 'k' } } } as any,
    ];
    const cp = registry.controlPlaneFor(kcp);
    expect(cp.mode === 'machines' && cp.bootstrap.name).toBe('kubeadm');
    if (cp.mode !== 'machines') return;
    expect(cp.spec.bootstrapOptions.preCommands).toEqual(['echo hi']);
    expect(cp.spec.unresolvedFiles).toEqual([
      { path: '/etc/x', contentFrom: { kind: 'Secret', name: 's', key: 'k' } },
    ]);
    const kct = {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
      kind: 'KubeadmConfigTemplate',
      metadata: { name: 'w' },
      spec: { template: { spec: {} } },
    };
    expect(registry.bootstrapFor(kct).provider.name).toBe('kubeadm');
  });

  it('unknown bootstrap and control-plane kinds are terminal errors too', () => {
    const talos = {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1alpha3',
      kind: 'TalosConfigTemplate',
      metadata: { name: 't' },
    };
    expect(terminal(() => registry.bootstrapFor(talos)).message).toMatch(
      /^no provider plugin for bootstrap\.cluster\.x-k8s\.io\/v1alpha3 TalosConfigTemplate on the embedded runtime/,
    );
    const rke = {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
      kind: 'RKE2ControlPlane',
      metadata: { name: 'r' },
    };
    expect(terminal(() => registry.controlPlaneFor(rke)).reason).toBe('NoProviderPlugin');
    // The same kind name in another group is not ours.
    const fake = { apiVersion: 'example.com/v1', kind: 'SimulatedCluster', metadata: { name: 'x' } };
    expect(terminal(() => registry.infrastructureFor(fake)).message).toContain(
      'example.com/v1 SimulatedCluster',
    );
  });

  it('a control plane without a version is a terminal error', () => {
    const cp = {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
      kind: 'K0sControlPlane',
      metadata: { name: 'c' },
      spec: {},
    };
    expect(terminal(() => registry.controlPlaneFor(cp)).message).toBe(
      'K0sControlPlane c has no spec.version',
    );
  });
});

describe('from the rendered simulated chart to Nodes', () => {
  it('ensures the cluster, boots control-plane and worker machines with generated user data', async () => {
    const objects = render('simulated-standalone-cp', 'ci/example-values.yaml');
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const sim = new SimulatedCloud({ clock });
    try {
      const reg = embeddedRegistry(sim);
      const byName = (ref: { kind: string; name?: string }) =>
        objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name)!;
      const simCluster = find(objects, 'SimulatedCluster');
      const infra = reg.infrastructureFor(simCluster);
      const cluster = await infra.ensureCluster({ clusterId: 'team-a/demo', infrastructure: simCluster });
      expect(cluster.controlPlaneEndpoint).toEqual({ host: '10.10.0.1', port: 6443 });
      expect(cluster.failureDomains.map((f) => f.name)).toEqual(['sim-eu-a', 'sim-eu-b', 'sim-eu-c']);

      const cp = reg.controlPlaneFor(find(objects, 'K0sControlPlane'));
      if (cp.mode !== 'machines') throw new Error('expected a machine-based control plane');
      const ids: string[] = [];
      for (let i = 0; i < cp.spec.replicas; i++) {
        const data = await cp.bootstrap.generate({
          role: i === 0 ? 'control-plane-init' : 'control-plane-join',
          machineName: `demo-cp-${i}`,
          clusterName: 'demo',
          version: cp.spec.version,
          endpoint: cluster.controlPlaneEndpoint!,
          ...(i === 0 ? {} : { joinToken: 'controller-token' }),
          options: cp.spec.bootstrapOptions,
        });
        const m = await infra.createMachine({
          machineId: `team-a/demo-cp-${i}`,
          clusterId: 'team-a/demo',
          infrastructure: byName(cp.spec.machineTemplate),
          userData: data.userData,
        });
        expect(m.failureDomain).toBe('sim-eu-a'); // the template's zone
        ids.push(m.machineId);
      }
      const md = find(objects, 'MachineDeployment') as any;
      const boot = reg.bootstrapFor(byName(md.spec.template.spec.bootstrap.configRef));
      for (let i = 0; i < md.spec.replicas; i++) {
        const data = await boot.provider.generate({
          role: 'worker',
          machineName: `demo-md-${i}`,
          clusterName: 'demo',
          version: md.spec.template.spec.version,
          endpoint: cluster.controlPlaneEndpoint!,
          joinToken: 'worker-token',
          options: boot.options,
        });
        const m = await infra.createMachine({
          machineId: `team-a/demo-md-${i}`,
          clusterId: 'team-a/demo',
          infrastructure: byName(md.spec.template.spec.infrastructureRef),
          userData: data.userData,
        });
        expect(m.failureDomain).not.toBe('sim-eu-c'); // down in faults.zoneOutage
        ids.push(m.machineId);
      }
      clock.advance(2000); // cluster 1 s + boot 500 ms ± 20 %
      const machines = await infra.listMachines('team-a/demo');
      expect(machines.map((m) => m.machineId).sort()).toEqual(ids.sort());
      for (const m of machines) {
        expect(['Running', 'Failed']).toContain(m.phase);
        if (m.phase === 'Failed') expect(m.failureReason).toBe('BootFailed');
        else expect(m.node?.kubeletVersion).toBe('v1.33.4+k0s');
      }
      const cpNodes = machines.filter(
        (m) => m.node?.labels['node-role.kubernetes.io/control-plane'] === 'true',
      );
      expect(cpNodes.map((m) => m.node?.name).sort()).toEqual(
        machines
          .filter((m) => m.phase === 'Running' && m.machineId.includes('-cp-'))
          .map((m) => `demo-cp-${m.machineId.at(-1)}`)
          .sort(),
      );
      clock.advance(600_000); // notReadyAfter: 10m
      const later = await infra.listMachines('team-a/demo');
      for (const m of later.filter((x) => x.phase === 'Running')) {
        expect(m.node?.conditions.find((c) => c.type === 'Ready')?.status).toBe('False');
      }
    } finally {
      sim.close();
    }
  });
});
