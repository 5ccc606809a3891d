import { describe, expect, it } from 'vitest';
import { checkK8sConstraint } from '../../src/services/k8s-constraint.js';

describe('checkK8sConstraint', () => {
  const met: [string, string][] = [
    ['>=1.30.0 <1.40.0', 'v1.37.2'],
    ['>=1.30.0, <1.40.0', '1.37.2'],
    ['>=1.31', 'v1.31.0+k0s.0'],
    ['~1.31.0', 'v1.31.9'],
    ['^1.30', 'v1.39.0'],
    ['1.31.x', 'v1.31.4+k0s.1'],
    ['<1.30 || >=1.35', 'v1.36.0'],
    ['1.29 - 1.32', 'v1.32.0'],
    ['', 'v1.37.2'],
    ['   ', 'anything'],
    ['>=1.32.0-0', 'v1.33.0-rc.1'],
  ];
  it.each(met)('%s allows %s', (constraint, version) => {
    expect(checkK8sConstraint(constraint, version)).toEqual({ ok: true });
  });

  const notMet: [string, string][] = [
    ['>=1.30.0 <1.40.0', 'v1.29.9'],
    ['>=1.30.0 <1.40.0', 'v1.40.0'],
    ['~1.31.0', 'v1.32.0'],
    ['1.31.x', 'v1.30.4+k0s.1'],
    // Masterminds: a pre-release satisfies only a constraint with a pre-release
    ['>=1.30.0', 'v1.33.0-rc.1'],
  ];
  it.each(notMet)('%s refuses %s', (constraint, version) => {
    expect(checkK8sConstraint(constraint, version)).toEqual({
      ok: false,
      reason: 'K8sConstraintNotMet',
      message: `Kubernetes version ${version} does not satisfy k8sConstraint ${JSON.stringify(constraint)}`,
    });
  });

  it.each(['>=1.x.y', 'one point thirty', '>= 1.30 ||', '=>>1.2'])(
    'reports %j as an invalid constraint',
    (c) => {
      const r = checkK8sConstraint(c, 'v1.31.0');
      expect(r).toMatchObject({ ok: false, reason: 'InvalidK8sConstraint' });
      expect(r.ok === false && r.message).toContain(
        `k8sConstraint ${JSON.stringify(c)} is not a semantic version constraint: improper constraint`,
      );
    },
  );

  it('says so when the cluster version is not a semantic version', () => {
    expect(checkK8sConstraint('>=1.30', 'latest')).toEqual({
      ok: false,
      reason: 'K8sConstraintNotMet',
      message:
        'the cluster\'s Kubernetes version "latest" is not a semantic version (Invalid Semantic Version), so k8sConstraint ">=1.30" cannot be met',
    });
  });
});
