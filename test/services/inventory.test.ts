import { describe, expect, it } from 'vitest';
import {
  decodeInventory,
  encodeInventory,
  entryKey,
  type InventoryEntry,
  installOrder,
  inventoryOf,
  pruneList,
} from '../../src/services/inventory.js';

const e = (apiVersion: string, kind: string, name: string, namespace?: string): InventoryEntry => ({
  apiVersion,
  kind,
  name,
  ...(namespace ? { namespace } : {}),
});
const meta = {
  owner: 'ClusterDeployment/team-a/dev',
  template: 'ingress-nginx-4-11-0',
  version: '4.11.0',
  hash: 'sha256:ab',
};

describe('entryKey', () => {
  it.each([
    [e('apps/v1', 'Deployment', 'web', 'default'), 'apps/Deployment/default/web'],
    [e('v1', 'ConfigMap', 'cm', 'kube-system'), '/ConfigMap/kube-system/cm'],
    [
      e('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'),
      'rbac.authorization.k8s.io/ClusterRole//reader',
    ],
  ])('%j is %s', (entry, key) => {
    expect(entryKey(entry)).toBe(key);
  });

  it('ignores the version', () => {
    expect(entryKey(e('autoscaling/v1', 'HorizontalPodAutoscaler', 'h', 'ns'))).toBe(
      entryKey(e('autoscaling/v2', 'HorizontalPodAutoscaler', 'h', 'ns')),
    );
  });
});

describe('inventoryOf', () => {
  it('takes each object once, in order', () => {
    const objs = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', labels: {} } },
    ];
    expect(inventoryOf(objs)).toEqual([e('v1', 'Service', 'web', 'default'), e('v1', 'Namespace', 'apps')]);
  });
});

describe('installOrder', () => {
  it("sorts by Helm's kind order, unknown kinds last by name, stably", () => {
    const objs = [
      { kind: 'Widget', n: 1 },
      { kind: 'Deployment', n: 2 },
      { kind: 'Gadget', n: 3 },
      { kind: 'Namespace', n: 4 },
      { kind: 'Deployment', n: 5 },
      { kind: 'CustomResourceDefinition', n: 6 },
      { kind: 'ServiceAccount', n: 7 },
    ];
    expect(installOrder(objs).map((o) => o.n)).toEqual([4, 7, 6, 2, 5, 3, 1]);
    expect(objs[0].n).toBe(1); // not sorted in place
  });
});

describe('pruneList', () => {
  const previous = [
    e('v1', 'Namespace', 'apps'),
    e('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
    e('example.com/v1', 'Widget', 'w', 'apps'),
    e('apps/v1', 'Deployment', 'web', 'apps'),
    e('v1', 'ConfigMap', 'cfg', 'apps'),
  ];
  it.each([
    ['nothing when next keeps everything', previous, []],
    [
      'what next lacks, in reverse install order',
      [e('v1', 'Namespace', 'apps')],
      [
        e('example.com/v1', 'Widget', 'w', 'apps'),
        e('apps/v1', 'Deployment', 'web', 'apps'),
        e('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
        e('v1', 'ConfigMap', 'cfg', 'apps'),
      ],
    ],
    [
      'a new version of a kind is the same object',
      [...previous.filter((x) => x.kind !== 'Deployment'), e('apps/v1beta2', 'Deployment', 'web', 'apps')],
      [],
    ],
    [
      'the same name in another namespace is another object',
      [...previous.filter((x) => x.kind !== 'ConfigMap'), e('v1', 'ConfigMap', 'cfg', 'other')],
      [e('v1', 'ConfigMap', 'cfg', 'apps')],
    ],
  ])('%s', (_name, next, expected) => {
    expect(pruneList(previous, next)).toEqual(expected);
  });
});

describe('encodeInventory / decodeInventory', () => {
  const entries = [e('v1', 'Namespace', 'apps'), e('apps/v1', 'Deployment', 'web', 'apps')];

  it('round-trips, as JSON in one key with format v1', () => {
    const data = encodeInventory(entries, meta);
    expect(Object.keys(data)).toEqual(['inventory']);
    expect(JSON.parse(data.inventory)).toMatchObject({ format: 'v1', owner: meta.owner, hash: 'sha256:ab' });
    expect(decodeInventory(data)).toEqual({ ...meta, entries });
  });

  it('keeps version optional', () => {
    const { version: _, ...noVersion } = meta;
    const data = encodeInventory(entries, noVersion);
    expect(JSON.parse(data.inventory)).not.toHaveProperty('version');
    expect(decodeInventory(data)).toEqual({ ...noVersion, entries });
  });

  const good = JSON.parse(encodeInventory(entries, meta).inventory);
  const damaged: [string, Record<string, string> | undefined, string][] = [
    ['no data', undefined, 'its ConfigMap has no data key "inventory"'],
    ['another key', { other: '{}' }, 'its ConfigMap has no data key "inventory"'],
    ['not JSON', { inventory: '{"format": "v1",' }, 'it is not JSON ('],
    ['a list', { inventory: '[]' }, 'it is not a JSON object'],
    [
      'another format',
      { inventory: JSON.stringify({ ...good, format: 'v2' }) },
      'its format is "v2", and this version reads "v1"',
    ],
    ['no format', { inventory: JSON.stringify({ ...good, format: undefined }) }, 'its format is undefined'],
    ['meta not a string', { inventory: JSON.stringify({ ...good, hash: 7 }) }, 'hash is not a string'],
    [
      'version not a string',
      { inventory: JSON.stringify({ ...good, version: 4 }) },
      'version is not a string',
    ],
    ['entries not a list', { inventory: JSON.stringify({ ...good, entries: {} }) }, 'entries is not a list'],
    [
      'an entry not an object',
      { inventory: JSON.stringify({ ...good, entries: [good.entries[0], 'x'] }) },
      'entries[1] is not an object',
    ],
    [
      'an entry without a kind',
      { inventory: JSON.stringify({ ...good, entries: [{ apiVersion: 'v1', name: 'x' }] }) },
      'entries[0].kind is not a non-empty string',
    ],
    [
      'a namespace not a string',
      {
        inventory: JSON.stringify({
          ...good,
          entries: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 1 }],
        }),
      },
      'entries[0].namespace is not a string',
    ],
  ];
  it.each(damaged)('reports %s clearly', (_name, data, message) => {
    const r = decodeInventory(data);
    expect(r).toHaveProperty('error');
    expect((r as { error: string }).error).toContain(`the inventory is damaged: ${message}`);
  });
});
