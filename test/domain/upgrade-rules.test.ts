import { describe, expect, it } from 'vitest';
import { templateChangeError, upgradesInStatus } from '../../src/domain/template-upgrades.js';
import { KNOWN_KUBERNETES_VERSIONS, knownVersions, upgradePathError } from '../../src/domain/upgrade-path.js';

describe('upgradePathError: the stepped one-minor rule the controller follows', () => {
  const known = KNOWN_KUBERNETES_VERSIONS; // v1.27.16 ... v1.34.1
  it.each<[string, string, string | undefined]>([
    ['v1.31.2', 'v1.31.2', undefined],
    ['v1.31.2', 'v1.31.9', undefined],
    ['v1.31.2', 'v1.32.0', undefined],
    ['v1.31.2+k0s.0', 'v1.34.0+k0s.1', undefined], // through v1.32.8 and v1.33.4
    [
      'v1.32.1',
      'v1.31.4',
      'f: version cannot be decreased from v1.32.1 to v1.31.4: Kubernetes does not support downgrades',
    ],
    [
      'v1.31.2',
      'v2.0.0',
      'f: cannot compute an upgrade plan from v1.31.2 to v2.0.0: the major version changes',
    ],
    [
      'v1.34.0',
      'v1.36.0',
      'f: cannot upgrade from v1.34.0 to v1.36.0: the control plane moves one minor version at a time and no version of v1.35 is known for the intermediate step (add a template with that version to a ClusterTemplateChain, or upgrade one minor version at a time)',
    ],
    ['latest', 'v1.36.0', undefined], // not versions: nothing to judge
  ])('%s -> %s', (from, to, want) => {
    expect(upgradePathError('f', from, to, known)).toBe(want);
  });

  it("a chain template's version makes an unknown minor known", () => {
    expect(
      upgradePathError('f', 'v1.34.0', 'v1.36.0', knownVersions(known, [undefined, 'v1.35.2+k0s.0'])),
    ).toBeUndefined();
  });
});

describe('template upgrades', () => {
  it.each<[unknown, string[]]>([
    [{ availableUpgrades: ['a', { name: 'b' }, { name: '' }, 3, null] }, ['a', 'b']],
    [{ availableUpgrades: 'a' }, []],
    [undefined, []],
  ])('upgradesInStatus(%j)', (status, want) => expect(upgradesInStatus(status)).toEqual(want));

  it.each<[string, string, string[], string | undefined]>([
    ['a', 'a', [], undefined],
    ['a', 'b', ['b'], undefined],
    [
      'a',
      'c',
      ['b'],
      'cluster upgrade is forbidden: cannot upgrade from a to c: this upgrade sequence is not allowed (available upgrades: b)',
    ],
    [
      'a',
      'c',
      [],
      'cluster upgrade is forbidden: cannot upgrade from a to c: this upgrade sequence is not allowed (available upgrades: none)',
    ],
  ])('templateChangeError(%s, %s, %j)', (from, to, ups, want) =>
    expect(templateChangeError(from, to, ups)).toBe(want),
  );
});
