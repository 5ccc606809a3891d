import { describe, expect, it } from 'vitest';
import {
  compareKubernetes,
  kubernetesVersion,
  renderedKubeVersion,
  resolvedTemplateKubeVersion,
  templateKubeVersion,
  tryParseVersion,
  type VersionedTemplate,
} from '../../src/domain/kubernetes-version.js';
import { ClustermintError } from '../../src/util/errors.js';

describe('tryParseVersion', () => {
  it.each([
    ['v1.33.4', { major: 1, minor: 33, patch: 4, kubernetes: 'v1.33.4' }],
    ['1.33.4', { major: 1, minor: 33, patch: 4, kubernetes: 'v1.33.4' }],
    ['v1.33.4+k0s.2', { major: 1, minor: 33, patch: 4, kubernetes: 'v1.33.4', k0sBuild: 2 }],
    ['v1.33.4-k0s.0', { major: 1, minor: 33, patch: 4, kubernetes: 'v1.33.4', k0sBuild: 0 }],
    [' v1.9.0 ', { major: 1, minor: 9, patch: 0, kubernetes: 'v1.9.0' }],
  ])('%s', (text, want) => {
    expect(tryParseVersion(text)).toEqual(want);
  });
  it.each(['', 'v1.33', 'latest', 'v1.33.4+rke2r1', 'v1.33.4.5', 'v12345.1.1'])('refuses %j', (text) => {
    expect(tryParseVersion(text)).toBeUndefined();
  });
});

describe('kubernetesVersion and compareKubernetes', () => {
  it.each([
    ['v1.33.4+k0s.0', 'v1.33.4'],
    ['1.30.0', 'v1.30.0'],
    ['not-a-version', 'not-a-version'],
  ])('kubernetesVersion(%s) = %s', (v, want) => expect(kubernetesVersion(v)).toBe(want));
  it.each([
    ['v1.33.4', 'v1.33.4+k0s.9', 0],
    ['v1.9.0', 'v1.10.0', -1],
    ['v1.31.12', 'v1.31.2', 1],
    ['v2.0.0', 'v1.99.99', 1],
    ['a', 'b', -1],
  ])('compare(%s, %s) = %i', (a, b, want) => expect(Math.sign(compareKubernetes(a, b))).toBe(want));
});

describe('templateKubeVersion: one precedence for every entry point', () => {
  type Over = Omit<Partial<VersionedTemplate>, 'values'> & { values?: unknown };
  const t = (over: Over): VersionedTemplate => ({
    metadata: { appVersion: 'v1.30.0+k0s.0', annotations: {} },
    ...over,
    values: over.values === undefined ? undefined : { doc: { value: over.values } },
  });
  it.each<[string, Over, string | undefined]>([
    [
      'the resolved annotation first',
      { k8sVersion: 'v1.34.1', values: { k0s: { version: 'v1.33.0' } } },
      'v1.34.1',
    ],
    [
      "clustermint's annotation",
      {
        metadata: { annotations: { 'clustermint.io/k8s-version': 'v1.32.0' } },
        values: { kubernetesVersion: 'v1.1.1' },
      },
      'v1.32.0',
    ],
    [
      "k0rdent's annotation",
      { metadata: { annotations: { 'k0rdent.mirantis.com/k8s-version': 'v1.31.0' } } },
      'v1.31.0',
    ],
    [
      'then the default k0s.version',
      { values: { k0s: { version: 'v1.33.4+k0s.1' }, kubernetesVersion: 'v1.2.3' } },
      'v1.33.4+k0s.1',
    ],
    ['then kubernetesVersion', { values: { kubernetesVersion: 'v1.29.1' } }, 'v1.29.1'],
    ['then appVersion', { values: { k0s: { version: '' } } }, 'v1.30.0+k0s.0'],
    ['nothing at all', { metadata: { annotations: {} } }, undefined],
    [
      'values of the wrong type are skipped',
      { values: { k0s: 'v1.2.3', kubernetesVersion: 7 } },
      'v1.30.0+k0s.0',
    ],
  ])('%s', (_name, over, want) => {
    expect(templateKubeVersion(t(over))).toBe(want);
  });
});

describe('renderedKubeVersion', () => {
  const cp = { kind: 'K0sControlPlane', spec: { version: 'v1.33.4+k0s.0' } };
  const md = { kind: 'MachineDeployment', spec: { template: { spec: { version: 'v1.32.0' } } } };
  const cluster = { kind: 'Cluster', spec: { topology: { version: 'v1.31.0' } } };
  it.each<[string, unknown[], string | undefined]>([
    ['the control plane first', [cluster, md, cp], 'v1.33.4+k0s.0'],
    ['then a MachineDeployment', [cluster, md], 'v1.32.0'],
    ['then a topology Cluster', [cluster], 'v1.31.0'],
    ['none', [{ kind: 'ConfigMap' }, null, 'x'], undefined],
    [
      'an empty version is no version',
      [{ kind: 'KubeadmControlPlane', spec: { version: '' } }, md],
      'v1.32.0',
    ],
  ])('%s', (_name, objects, want) => expect(renderedKubeVersion(objects)).toBe(want));
});

describe('resolvedTemplateKubeVersion', () => {
  const templates: Record<string, VersionedTemplate> = {
    a: { metadata: { appVersion: 'v1.33.4+k0s.0' } },
  };
  const resolve = (name: string): VersionedTemplate => {
    if (name === 'boom') throw new TypeError('a fault, not a missing template');
    const t = templates[name];
    if (!t) throw new ClustermintError('UNKNOWN_TEMPLATE', `unknown template ${name}`);
    return t;
  };
  it('is the version of a template that resolves, undefined for one that is not here or unnamed', () => {
    expect(resolvedTemplateKubeVersion(resolve, 'a')).toBe('v1.33.4+k0s.0');
    expect(resolvedTemplateKubeVersion(resolve, 'missing')).toBeUndefined();
    expect(resolvedTemplateKubeVersion(resolve, '')).toBeUndefined();
  });
  it('lets any other error through', () => {
    expect(() => resolvedTemplateKubeVersion(resolve, 'boom')).toThrow(TypeError);
  });
});
