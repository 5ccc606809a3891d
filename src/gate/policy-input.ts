/**
 * What team policies see (documented in docs/policies.md). For one submission the policy engine
 * checks these resources, each with the same bindings:
 *
 *   1. the submission itself (a ClusterDeployment),
 *   2. an `EffectiveValues` document: `{apiVersion: clustermint.io/v1alpha1, kind: EffectiveValues,
 *      metadata: {name, namespace}, spec: {template, chart: {name, version}, values}}`,
 *      the values after chart defaults, so a policy sees what will really be deployed,
 *   3. every rendered object (Cluster, AWSCluster, MachineDeployment, ...).
 *
 * Bindings: `$team` (the namespace), `$teamLabels` (its labels, when known), `$deployment` (the
 * submission), `$values` (the effective values), `$template` ({name, chart, version, providers}).
 */
import type { Chart } from '../api/chart.js';
import type { PlainObject } from '../util/plain-object.js';

export const EFFECTIVE_VALUES_KIND = 'EffectiveValues';

export interface Team {
  name: string;
  labels: Record<string, string>;
}

export interface PolicyInput {
  /** The resources, in the order above, each tagged with what it is. */
  resources: Array<{ role: 'submission' | 'values' | 'object'; value: PlainObject; index: number }>;
  bindings: Record<string, unknown>;
}

export function policyInput(
  submission: PlainObject,
  team: Team,
  template: string,
  chart: Chart | undefined,
  values: PlainObject | undefined,
  objects: readonly PlainObject[],
): PolicyInput {
  const meta = (submission.metadata ?? {}) as PlainObject;
  const effective: PlainObject = {
    apiVersion: 'clustermint.io/v1alpha1',
    kind: EFFECTIVE_VALUES_KIND,
    metadata: { name: meta.name, namespace: team.name },
    spec: {
      template,
      ...(chart ? { chart: { name: chart.metadata.name, version: chart.metadata.version } } : {}),
      values: values ?? {},
    },
  };
  const resources: PolicyInput['resources'] = [
    { role: 'submission', value: submission, index: 0 },
    ...(values ? [{ role: 'values' as const, value: effective, index: 0 }] : []),
    ...objects.map((o, i) => ({ role: 'object' as const, value: o, index: i })),
  ];
  return {
    resources,
    bindings: {
      team: team.name,
      teamLabels: team.labels,
      deployment: submission,
      values: values ?? {},
      template: {
        name: template,
        chart: chart?.metadata.name ?? '',
        version: chart?.metadata.version ?? '',
        providers: chart?.providers ?? [],
        k8sVersion: chart?.k8sVersion ?? '',
      },
    },
  };
}
