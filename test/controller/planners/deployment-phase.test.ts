/** deploymentPhase and conditionEvents: conditions in, the phase and the transition events out. */
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/controller/conditions.js';
import { conditionEvents, deploymentPhase } from '../../../src/controller/planners/deployment-phase.js';

/** `Type=Status/Reason` -> a condition. */
const c = (s: string): Condition => {
  const [type, rest] = s.split('=');
  const [status, reason] = rest.split('/');
  return {
    type,
    status: status as Condition['status'],
    reason,
    message: `${type} says ${reason}`,
    lastTransitionTime: 't',
  };
};
const cs = (s: string): Condition[] => s.split(' ').filter(Boolean).map(c);

describe('deploymentPhase', () => {
  it.each<[string | undefined, string, boolean, string]>([
    [undefined, 'Ready=True/Ready', true, 'Ready'],
    ['Deleting', 'Ready=True/Ready', true, 'Deleting'],
    ['Provisioning', 'PolicyPassed=False/PolicyDenied Ready=False/PolicyDenied', false, 'Denied'],
    ['Ready', 'PolicyPassed=False/PolicyDenied Ready=False/PolicyDenied', true, 'Provisioning'],
    [undefined, 'UpgradeInProgress=True/UpgradingWorkers Ready=False/Upgrading', true, 'Upgrading'],
    [undefined, 'PolicyPassed=False/PolicyDenied UpgradeInProgress=True/UpgradingWorkers', true, 'Upgrading'],
    [undefined, 'Ready=False/ProviderError', true, 'Failed'],
    [undefined, 'Ready=False/Failed', true, 'Failed'],
    [undefined, 'Ready=False/ScalingUp', true, 'Provisioning'],
    [undefined, '', false, 'Provisioning'],
  ])('from %s with %s (applied %s): %s', (current, conds, applied, want) => {
    expect(deploymentPhase(current, cs(conds), applied)).toBe(want);
  });
});

describe('conditionEvents', () => {
  it.each<[string, string, string, string[]]>([
    ['nothing changed', 'Ready=True/Ready', 'Ready=True/Ready', []],
    ['a new True condition', '', 'InfrastructureReady=True/Provisioned', ['Normal InfrastructureReady']],
    ['a new False condition says nothing', '', 'InfrastructureReady=False/Provisioning', []],
    [
      'a new PolicyPassed=False is a warning',
      '',
      'PolicyPassed=False/PolicyDenied',
      ['Warning PolicyDenied'],
    ],
    ['a new PolicyPassed=True', '', 'PolicyPassed=True/Passed', ['Normal PolicyPassed']],
    ['not notable: TemplateReady', '', 'TemplateReady=True/Resolved', []],
    ['a reason change is news', 'Ready=False/Provisioning', 'Ready=False/ScalingUp', ['Normal ScalingUp']],
    [
      'RemediationAllowed=False is a warning',
      'RemediationAllowed=True/Allowed',
      'RemediationAllowed=False/TooManyUnhealthy',
      ['Warning TooManyUnhealthy'],
    ],
    [
      'an upgrade starts: named by its reason',
      'UpgradeInProgress=False/NoUpgrade',
      'UpgradeInProgress=True/UpgradingControlPlane',
      ['Normal UpgradingControlPlane'],
    ],
    [
      'an upgrade completes',
      'UpgradeInProgress=True/UpgradingWorkers',
      'UpgradeInProgress=False/UpgradeCompleted',
      ['Normal UpgradeCompleted'],
    ],
    [
      'an upgrade refused is a warning',
      'UpgradeInProgress=False/NoUpgrade',
      'UpgradeInProgress=False/DowngradeRefused',
      ['Warning DowngradeRefused'],
    ],
    [
      'NoUpgrade never says anything',
      'UpgradeInProgress=False/UpgradeCompleted',
      'UpgradeInProgress=False/NoUpgrade',
      [],
    ],
    ['Deleting=True is named by its reason', '', 'Deleting=True/DeletingWorkers', ['Normal DeletingWorkers']],
    [
      'Ready comes last',
      'Ready=False/ScalingUp WorkersReady=False/RollingOut',
      'Ready=True/Ready WorkersReady=True/Ready ControlPlaneReady=True/Ready',
      ['Normal WorkersReady', 'Normal ControlPlaneReady', 'Normal Ready'],
    ],
  ])('%s', (_name, old, now, want) => {
    expect(conditionEvents(cs(old), cs(now)).map((e) => `${e.type} ${e.reason}`)).toEqual(want);
  });

  it('carries the condition message', () => {
    expect(conditionEvents([], cs('Ready=True/Ready'))).toEqual([
      { reason: 'Ready', message: 'Ready says Ready', type: 'Normal' },
    ]);
  });
});
