/**
 * The gate (DESIGN.md): resolve -> values -> render -> validate -> policy -> verdict. The CLI's
 * `check`, the webhook and the reconciler all call `runGate`, so an offline check predicts the
 * cluster's verdict. Pure apart from the template resolver it is given.
 */
import type { Chart } from '../api/chart.js';
import type { ClusterDeployment } from '../api/cluster-deployment.js';
import { type AdmissionFacts, deploymentAdmission } from '../domain/admission.js';
import { machineCeilingError } from '../domain/machine-ceiling.js';
import { errorBody } from '../k8s/field.js';
import { type CompiledPolicy, compilePolicy, evaluateResource } from '../policy/engine.js';
import { parseKey } from '../policy/expression.js';
import type { LoadedPolicy } from '../policy/load.js';
import type { ParsedDocument } from '../render/chart/parse-output.js';
import { isTopologyCluster } from '../render/topology/index.js';
import type { SourcedDocument } from '../resolve/documents.js';
import { append } from '../util/append.js';
import { ClustermintError, type SourceLocation } from '../util/errors.js';
import { formatPath, type PathSegment } from '../util/json-path.js';
import { isPlainObject, type PlainObject, toOrdinaryTree } from '../util/plain-object.js';
import { parseYamlSource, type SourceDocument } from '../util/yaml-source.js';
import { objectRef } from '../validate/objects.js';
import { ordinaryValues } from '../validate/values-schema.js';
import type { Violation } from '../validate/violation.js';
import { admissionViolations, withoutResolveRepeat } from './admission-violations.js';
import { locateValue, runChart, type ValuesSource } from './chart-pipeline.js';
import { configKeyViolations } from './config-keys.js';
import { type PolicyInput, policyInput, type Team } from './policy-input.js';
import { policiesFor } from './rule-filter.js';
import { fieldToSegments, runTopologyPipeline } from './topology-pipeline.js';

export interface GateInput {
  /** A ClusterDeployment submission, rendered with a chart... */
  deployment?: ClusterDeployment;
  /** Finds a template by name; throws ClustermintError UNKNOWN_TEMPLATE when there is none. */
  resolveTemplate?: (name: string) => Chart;
  /** ...or a Cluster with spec.topology, rendered with a ClusterClass found among `candidates`. */
  topology?: { cluster: SourcedDocument; candidates: readonly SourcedDocument[] };
  policies: readonly LoadedPolicy[];
  /** Labels of the submission's namespace, when known. */
  teamLabels?: Record<string, string>;
  /**
   * ClusterClasses (and their templates) a chart's topology Cluster may name: with them, the gate
   * previews what Cluster API's topology controller will make of it (the class's variables,
   * patches and templates, checked as for a topology Cluster submitted on its own). Its objects
   * are a preview only: what is applied stays the chart's objects.
   */
  clusterClasses?: readonly SourcedDocument[];
  /** The platform's ceiling on machines per deployment (domain/machine-ceiling.ts); absent: none. */
  maxMachines?: number;
  /** k0rdent's admission facts (domain/admission.ts): their findings become stage `admission` violations. */
  admission?: AdmissionFacts;
}

export interface Verdict {
  submission: { kind: string; name: string; namespace: string; file: string; line?: number };
  allowed: boolean;
  violations: Violation[];
  warnings: Violation[];
  /** The rendered objects (desired state), empty when rendering failed. */
  objects: PlainObject[];
  values?: PlainObject;
  /** Policy rules evaluated: `policy/rule` -> 'pass' | 'fail' | 'error'. */
  rules: Record<string, 'pass' | 'fail' | 'error'>;
}

/** The plain-key prefix of a policy field path, as document segments (stops at an expression). */
function plainPrefix(segments: ReadonlyArray<string | number>): PathSegment[] {
  const out: PathSegment[] = [];
  for (const s of segments) {
    if (typeof s === 'number') {
      out.push(s);
      continue;
    }
    const k = parseKey(s);
    if (k.compiler !== '') break;
    out.push(k.statement);
  }
  return out;
}

/** What the render-only entry returns: the verdict so far (no policy yet) and what it rendered from. */
export interface DeploymentRender {
  verdict: Verdict;
  /** The chart the template name resolved to, when it did. */
  chart?: Chart;
  /** The rendered documents with the template each came from (empty when rendering failed). */
  documents: ParsedDocument[];
  sources: ValuesSource[];
}

/**
 * The gate's render-only entry for a ClusterDeployment: resolve -> values -> render -> validate,
 * every finding a located violation (a template that cannot be resolved too). `render`, `lint`
 * and the policy stage of `runGate` start from it, so none of them builds resolve errors itself.
 */
export function renderDeployment(
  cd: ClusterDeployment,
  resolveTemplate: (name: string) => Chart,
): DeploymentRender {
  const file = cd.source.file;
  const start = cd.source.doc.locate([]);
  const verdict = emptyVerdict(
    'ClusterDeployment',
    cd.metadata.name,
    cd.metadata.namespace,
    file,
    start?.line,
  );
  const at = locator(file, cd.source.doc);

  // resolve
  let chart: Chart | undefined;
  try {
    chart = resolveTemplate(cd.spec.template);
  } catch (e) {
    if (!(e instanceof ClustermintError)) throw e;
    verdict.violations.push({
      stage: 'resolve',
      severity: 'error',
      code: e.code,
      message: e.message,
      location: at(['spec', 'template']),
      details: e.details.length ? e.details : undefined,
    });
  }

  // values -> render -> validate
  const sources: ValuesSource[] = [
    { label: file, value: cd.spec.config, doc: cd.source.doc, prefix: ['spec', 'config'] },
  ];
  let documents: ParsedDocument[] = [];
  if (chart) {
    append(
      verdict.violations,
      configKeyViolations(chart, cd.spec.config, (path) => {
        const pos = cd.source.doc.locate(path, true);
        return { file, line: pos?.line, col: pos?.col, path: formatPath(path) };
      }),
    );
    const result = runChart({
      chart,
      sources,
      release: { name: cd.metadata.name, namespace: cd.metadata.namespace },
    });
    append(verdict.violations, result.violations);
    append(verdict.warnings, result.warnings);
    verdict.values = result.values;
    documents = result.documents;
    verdict.objects = documents.map((d) => d.object);
  }
  verdict.allowed = verdict.violations.every((v) => v.severity !== 'error');
  return { verdict, chart, documents, sources };
}

export function runGate(input: GateInput): Verdict {
  if (input.topology) return runTopologyGate(input, input.topology);
  const cd = input.deployment;
  if (!cd || !input.resolveTemplate)
    throw new Error('runGate: a deployment and a template resolver, or a topology');
  const { verdict, chart, sources, documents } = renderDeployment(cd, input.resolveTemplate);
  const at = locator(cd.source.file, cd.source.doc);
  if (input.clusterClasses && chart)
    previewTopologies(verdict, chart.metadata.name, documents, input.clusterClasses);

  // policy: on the submission, its effective values and every rendered object
  const team: Team = { name: cd.metadata.namespace, labels: input.teamLabels ?? {} };
  const submission = toOrdinaryTree(cd.source.doc.value) as PlainObject;
  const values = verdict.values ? (ordinaryValues(verdict.values) as PlainObject) : undefined;
  const pin = policyInput(submission, team, cd.spec.template, chart, values, verdict.objects);
  runPolicies(verdict, input.policies, pin, at, (segments) =>
    chart && segments[0] === 'spec' && segments[1] === 'values'
      ? locateValue(chart, sources, segments.slice(2))
      : undefined,
  );
  checkMachineCeiling(verdict, input.maxMachines, at([]));
  if (input.admission) addAdmission(verdict, input.admission, at);
  verdict.allowed = verdict.violations.every((v) => v.severity !== 'error');
  return verdict;
}

/** k0rdent's admission rules (domain/admission.ts) as stage `admission` findings of the verdict. */
function addAdmission(
  verdict: Verdict,
  facts: AdmissionFacts,
  at: (path: PathSegment[]) => SourceLocation,
): void {
  const findings = admissionViolations(deploymentAdmission(facts), at);
  verdict.violations = withoutResolveRepeat(verdict.violations, findings, facts);
  for (const v of findings) (v.severity === 'error' ? verdict.violations : verdict.warnings).push(v);
}

/** The platform's machine ceiling as a violation of the verdict (before anything is made). */
function checkMachineCeiling(verdict: Verdict, ceiling: number | undefined, location: SourceLocation): void {
  if (ceiling === undefined) return;
  const message = machineCeilingError(verdict.objects, ceiling);
  if (message)
    verdict.violations.push({
      stage: 'object',
      severity: 'error',
      code: 'TOO_MANY_MACHINES',
      message,
      location,
    });
}

/**
 * A chart's topology Clusters through the ClusterClass engine, with the chart's other documents
 * and the given classes as candidates: the engine's findings are the verdict's (a variable the
 * class refuses denies the deployment, as Cluster API's webhook would refuse its Cluster); a class
 * that is not among them is a warning (Cluster API will look for it in the Cluster's namespace).
 */
function previewTopologies(
  verdict: Verdict,
  chartName: string,
  documents: readonly ParsedDocument[],
  classes: readonly SourcedDocument[],
): void {
  const sourced = (d: ParsedDocument): SourcedDocument => {
    const file = `${chartName}/${d.template} (rendered)`;
    const [doc] = parseYamlSource(d.text, file);
    return { file, doc: doc!, value: d.object };
  };
  for (const d of documents) {
    if (!isTopologyCluster(d.object)) continue;
    const candidates = [...documents.filter((x) => x !== d).map(sourced), ...classes];
    const run = runTopologyPipeline(sourced(d), candidates);
    if (!run.clusterClass) {
      const ref = ((d.object.spec as PlainObject | undefined)?.topology as PlainObject | undefined)
        ?.classRef as PlainObject | undefined;
      verdict.warnings.push({
        stage: 'render',
        severity: 'warning',
        code: 'TOPOLOGY_NOT_PREVIEWED',
        message: `ClusterClass ${String(ref?.name ?? (d.object.spec as PlainObject)?.topology)} is not among the chart's documents or the known ClusterClasses: Cluster API computes the Cluster's objects from the class in its namespace; not previewed`,
        location: { file: `${chartName}/${d.template} (rendered)`, line: 1 },
      });
      continue;
    }
    append(verdict.violations, run.violations);
    append(verdict.warnings, run.warnings);
  }
}

export function emptyVerdict(
  kind: string,
  name: string,
  namespace: string,
  file: string,
  line?: number,
): Verdict {
  return {
    submission: { kind, name, namespace, file, line },
    allowed: true,
    violations: [],
    warnings: [],
    objects: [],
    rules: {},
  };
}

/** Where a path of a submitted document is: its file, line and column. */
function locator(file: string, doc: SourceDocument): (path: PathSegment[]) => SourceLocation {
  return (path) => {
    const pos = doc.locate(path);
    return { file, line: pos?.line, col: pos?.col, path: formatPath(path) };
  };
}

const compiledLists = new WeakMap<
  readonly LoadedPolicy[],
  { compiled: Array<{ loaded: LoadedPolicy; compiled: CompiledPolicy }>; all: CompiledPolicy[] }
>();

/**
 * The compiled form of a list of loaded policies, once per list: the same list object comes with
 * every submission (`check`, the webhook), and rule-filter.ts keeps its answers by the list it is
 * given. compilePolicy caches by policy content, so an equal list compiles to the same policies.
 */
function compiledPolicies(policies: readonly LoadedPolicy[]) {
  let known = compiledLists.get(policies);
  // a list changed in place since (its type says it is not) is compiled again
  const same =
    known?.compiled.length === policies.length && known.compiled.every((c, i) => c.loaded === policies[i]);
  if (!known || !same) {
    const compiled = policies.map((p) => ({ loaded: p, compiled: compilePolicy(p.raw) }));
    known = { compiled, all: compiled.map((c) => c.compiled) };
    compiledLists.set(policies, known);
  }
  return known;
}

/** Policies on every resource of the input; findings go into the verdict. */
export function runPolicies(
  verdict: Verdict,
  policies: readonly LoadedPolicy[],
  pin: PolicyInput,
  at: (path: PathSegment[]) => SourceLocation,
  locateInValues: (segments: PathSegment[]) => SourceLocation | undefined,
): void {
  const { compiled, all } = compiledPolicies(policies);
  const ctx = { payloadOrigin: 'int64' as const };
  for (const resource of pin.resources) {
    // rules that cannot apply to this resource are left out (rule-filter.ts proves the engine would skip them)
    const responses = evaluateResource(
      resource.value,
      policiesFor(all, resource.value, pin.bindings),
      pin.bindings,
      ctx,
    );
    for (const [pi, response] of responses.entries()) {
      const policyName = response.policy.name;
      for (const rule of response.rules) {
        const key = `${policyName}/${rule.ruleName}`;
        const outcome = rule.error !== undefined ? 'error' : rule.violations.length ? 'fail' : 'pass';
        const previous = verdict.rules[key];
        if (!previous || outcome === 'error' || (outcome === 'fail' && previous === 'pass'))
          verdict.rules[key] = outcome;
        const base = {
          stage: 'policy' as const,
          severity: 'error' as const,
          policy: policyName,
          rule: rule.ruleName,
          policyFile: compiled[pi].loaded.file,
          ...(resource.role === 'object' ? { object: objectRef(resource.value) } : {}),
        };
        if (rule.error !== undefined) {
          verdict.violations.push({
            ...base,
            code: 'POLICY_ERROR',
            message: `rule could not be evaluated: ${rule.error}`,
            location: resource.role === 'submission' ? at([]) : undefined,
          });
        }
        for (const v of rule.violations) {
          for (const e of v.errors) {
            const segments = plainPrefix(e.segments);
            let location: SourceLocation | undefined;
            let path = formatPath(segments);
            if (resource.role === 'submission') location = at(segments);
            else if (resource.role === 'values') {
              location = locateInValues(segments);
              path = location?.path ?? path;
            }
            verdict.violations.push({
              ...base,
              code: 'POLICY_VIOLATION',
              // the author's message says it best; without one, the field error does
              message: v.text ? v.text : errorBody(e),
              path,
              location,
            });
          }
        }
      }
    }
  }
}

/** The gate for a Cluster with spec.topology: ClusterClass engine, then the same policies. */
function runTopologyGate(input: GateInput, topo: NonNullable<GateInput['topology']>): Verdict {
  const { cluster } = topo;
  const meta = (isPlainObject(cluster.value.metadata) ? cluster.value.metadata : {}) as PlainObject;
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
  const start = cluster.doc.locate([]);
  const verdict = emptyVerdict('Cluster', String(meta.name ?? ''), namespace, cluster.file, start?.line);
  const at = locator(cluster.file, cluster.doc);
  const run = runTopologyPipeline(cluster, topo.candidates);
  append(verdict.violations, run.violations);
  append(verdict.warnings, run.warnings);
  verdict.objects = run.violations.length ? [] : run.objects;
  const values: PlainObject = {};
  for (const v of run.variables)
    Object.defineProperty(values, v.name, {
      value: v.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  verdict.values = values;
  const classMeta = (run.clusterClass?.metadata ?? {}) as PlainObject;
  const className = String(classMeta.name ?? '');
  const team: Team = { name: namespace, labels: input.teamLabels ?? {} };
  const submission = toOrdinaryTree(run.cluster) as PlainObject;
  // the rendered Cluster is the submission itself (defaulted): policies see it once, as the submission
  const rendered = verdict.objects.filter((o) => o !== run.desired?.cluster);
  const pin = policyInput(
    submission,
    team,
    className,
    undefined,
    toOrdinaryTree(values) as PlainObject,
    rendered,
  );
  runPolicies(verdict, input.policies, pin, at, (segments) => {
    // EffectiveValues spec.values.<variable>... -> the variable's entry in spec.topology.variables
    if (segments[0] !== 'spec' || segments[1] !== 'values' || typeof segments[2] !== 'string')
      return undefined;
    const field = `spec.topology.variables[${segments[2]}].value${segments
      .slice(3)
      .map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`))
      .join('')}`;
    const segs = fieldToSegments(field, cluster.value);
    for (let n = segs.length; n >= 0; n--) {
      const pos = cluster.doc.locate(segs.slice(0, n));
      if (pos) return { file: cluster.file, line: pos.line, col: pos.col, path: formatPath(segs) };
    }
    return undefined;
  });
  checkMachineCeiling(verdict, input.maxMachines, at([]));
  verdict.allowed = verdict.violations.every((v) => v.severity !== 'error');
  return verdict;
}
