/**
 * The gate for one service on one cluster (a ClusterDeployment's or a MultiClusterService's
 * `serviceSpec.services[]` entry): values -> render (a Helm or handlebars chart, or a
 * ServiceTemplate's plain manifests) -> every object against its kind's schema -> the team's
 * policies. The team is the target cluster's namespace, so a platform-wide MultiClusterService
 * is judged by the rules of each team it lands on.
 *
 * What policies see (docs/services.md): a `ServiceRelease` submission
 * `{apiVersion: clustermint.io/v1alpha1, kind: ServiceRelease, metadata: {name, namespace: <team>},
 * spec: {cluster, template, targetNamespace, owner}}`, the `EffectiveValues` of the service's
 * chart, and every rendered object; bindings as for a deployment (`$team`, `$values`,
 * `$template`, and `$deployment` = the ServiceRelease).
 */
import type { Chart } from '../api/chart.js';
import type { LoadedPolicy } from '../policy/load.js';
import type { Release } from '../render/chart/render.js';
import { append } from '../util/append.js';
import { ClustermintError } from '../util/errors.js';
import { isPlainObject, type PlainObject, toOrdinaryTree } from '../util/plain-object.js';
import { parseYamlSource } from '../util/yaml-source.js';
import { ordinaryValues } from '../validate/values-schema.js';
import { locateValue, runChart, type ValuesSource } from './chart-pipeline.js';
import { emptyVerdict, runPolicies, type Verdict } from './index.js';
import { policyInput, type Team } from './policy-input.js';

export const SERVICE_RELEASE_KIND = 'ServiceRelease';

export interface ServiceGateInput {
  service: {
    name: string;
    /** The namespace the service installs into on the workload cluster. */
    namespace: string;
    template: string;
    /** `MultiClusterService/<name>` or `ClusterDeployment/<ns>/<name>`. */
    owner: string;
    /** serviceSpec values (a YAML text, k0rdent's form). */
    values?: string;
    /** valuesFrom, already read: each a label (`ConfigMap team-a/x key values.yaml`) and its YAML text. */
    valuesFrom?: readonly { label: string; text: string }[];
  };
  /** The cluster the service goes to: its namespace is the team. */
  cluster: { namespace: string; name: string };
  source: { chart: Chart } | { manifests: readonly PlainObject[]; origin: string };
  /** The workload cluster's version, for `.Capabilities.KubeVersion`. */
  kubeVersion?: string;
  policies: readonly LoadedPolicy[];
  teamLabels?: Record<string, string>;
}

/** Values text (YAML) as a located values source; a document that is not a map is an error. */
function valuesSource(label: string, text: string): ValuesSource {
  const docs = parseYamlSource(text, label);
  if (docs.length > 1)
    throw new ClustermintError(
      'VALUES_INVALID',
      `${label}: values must be one YAML document, found ${docs.length}`,
    );
  const doc = docs[0];
  if (!doc || doc.value === null || doc.value === undefined) return { label, value: Object.create(null) };
  if (!isPlainObject(doc.value))
    throw new ClustermintError('VALUES_INVALID', `${label}: values must be a map, not ${typeof doc.value}`, {
      file: label,
      line: doc.locate([])?.line,
    });
  return { label, value: doc.value, doc };
}

export function runServiceGate(input: ServiceGateInput): Verdict {
  const { service, cluster } = input;
  const label = `${service.owner} service ${service.namespace}/${service.name}`;
  const verdict = emptyVerdict(SERVICE_RELEASE_KIND, service.name, cluster.namespace, label);
  const fail = (e: unknown, code: string): Verdict => {
    if (!(e instanceof ClustermintError)) throw e;
    verdict.violations.push({
      stage: 'values',
      severity: 'error',
      code: e.code || code,
      message: e.message,
      ...(e.location ? { location: e.location } : {}),
    });
    verdict.allowed = false;
    return verdict;
  };

  let chart: Chart | undefined;
  let sources: ValuesSource[] = [];
  if ('chart' in input.source) {
    chart = input.source.chart;
    try {
      sources = [
        ...(service.valuesFrom ?? []).map((v) => valuesSource(v.label, v.text)),
        ...(service.values?.trim() ? [valuesSource(`${label} values`, service.values)] : []),
      ];
    } catch (e) {
      return fail(e, 'VALUES_INVALID');
    }
    const release: Release = { name: service.name, namespace: service.namespace };
    const result = runChart({
      chart,
      sources,
      release,
      ...(input.kubeVersion ? { kubeVersion: input.kubeVersion } : {}),
    });
    append(verdict.violations, result.violations);
    append(verdict.warnings, result.warnings);
    verdict.values = result.values;
    verdict.objects = result.documents.map((d) => d.object);
  } else {
    verdict.objects = input.source.manifests.map((m) => m);
  }
  verdict.allowed = verdict.violations.every((v) => v.severity !== 'error');
  if (!verdict.allowed) return verdict;

  const team: Team = { name: cluster.namespace, labels: input.teamLabels ?? {} };
  const submission: PlainObject = {
    apiVersion: 'clustermint.io/v1alpha1',
    kind: SERVICE_RELEASE_KIND,
    metadata: { name: service.name, namespace: cluster.namespace },
    spec: {
      cluster: cluster.name,
      template: service.template,
      targetNamespace: service.namespace,
      owner: service.owner,
    },
  };
  const values = verdict.values ? (ordinaryValues(verdict.values) as PlainObject) : undefined;
  const objects = verdict.objects.map((o) => toOrdinaryTree(o) as PlainObject);
  const pin = policyInput(submission, team, service.template, chart, values, objects);
  runPolicies(
    verdict,
    input.policies,
    pin,
    (path) => ({ file: label, path: `$.${path.join('.')}` }),
    (segments) =>
      chart && segments[0] === 'spec' && segments[1] === 'values'
        ? locateValue(chart, sources, segments.slice(2))
        : undefined,
  );
  verdict.allowed = verdict.violations.every((v) => v.severity !== 'error');
  return verdict;
}
