/**
 * Running the gate on a stored ClusterDeployment: the same `runGate` as `check` and the
 * webhook, on the stored object's spec, with the controller's templates and policies. Verdicts
 * are cached by the submission's content (the gate is a pure function of it).
 */
import { createHash } from 'node:crypto';
import jsyaml from 'js-yaml';
import type { Chart } from '../api/chart.js';
import { readClusterDeployment } from '../api/cluster-deployment.js';
import type { AdmissionFacts } from '../domain/admission.js';
import type { ClusterIdentityValue } from '../domain/credential-status.js';
import { resolvedTemplateKubeVersion } from '../domain/kubernetes-version.js';
import { runGate, type Verdict } from '../gate/index.js';
import type { LoadedPolicy } from '../policy/load.js';
import type { TemplateCatalog } from '../resolve/catalog.js';
import { clusterClassCandidates, type SourcedDocument } from '../resolve/documents.js';
import { TemplateChartLoader } from '../resolve/template-chart.js';
import type { KubeObject } from '../store/types.js';
import { ClustermintError } from '../util/errors.js';
import { parseYamlSource } from '../util/yaml-source.js';
import type { DeploymentTemplate } from './templates.js';

/** The submission as the gate sees it: what a person wrote, without server-set fields. */
export function submissionOf(cd: KubeObject): Record<string, unknown> {
  const m = cd.metadata;
  return {
    apiVersion: cd.apiVersion,
    kind: cd.kind,
    metadata: {
      name: m.name,
      namespace: m.namespace ?? 'default',
      ...(m.labels && Object.keys(m.labels).length ? { labels: m.labels } : {}),
    },
    spec: cd.spec ?? {},
  };
}

/**
 * Sets `spec.config.clusterIdentity` of a submission (a copy of the stored spec); what the
 * config said before, as JSON, when it said something else.
 */
function injectIdentity(
  submission: Record<string, unknown>,
  identity: ClusterIdentityValue,
): string | undefined {
  const spec = { ...((submission.spec ?? {}) as Record<string, unknown>) };
  const config = { ...((spec.config ?? {}) as Record<string, unknown>) };
  const before = config.clusterIdentity;
  config.clusterIdentity = { ...identity };
  spec.config = config;
  submission.spec = spec;
  return before !== undefined && JSON.stringify(before) !== JSON.stringify(config.clusterIdentity)
    ? JSON.stringify(before)
    : undefined;
}

/** The facts as a cache key (the service templates and chains are Maps). */
function admissionJson(f: AdmissionFacts): string {
  return JSON.stringify({
    ...f,
    serviceTemplates: [...f.serviceTemplates.entries()],
    serviceChains: [...f.serviceChains.entries()],
  });
}

export class GateRunner {
  private readonly cache = new Map<string, Verdict>();
  private readonly quick = new Map<string, Verdict>();
  /** Loads and keeps the charts of ClusterTemplate objects (by digest). */
  readonly loader: TemplateChartLoader;

  constructor(
    private readonly catalog: TemplateCatalog,
    readonly policies: readonly LoadedPolicy[],
    private readonly maxEntries = 4096,
    loader?: TemplateChartLoader,
  ) {
    this.loader = loader ?? new TemplateChartLoader({ catalog });
  }

  /**
   * The verdict on a deployment; `template` is what its spec.template named (templates.ts):
   * absent or `catalog`, the catalog chart of that name. `extra.admission`: k0rdent's admission
   * facts (admission-facts.ts); `extra.clusterIdentity`: the Credential's identity, set as the
   * `clusterIdentity` value (k0rdent's fillHelmValues), over what the config says.
   */
  run(
    cd: KubeObject,
    teamLabels?: Record<string, string>,
    template?: DeploymentTemplate,
    extra: { admission?: AdmissionFacts; clusterIdentity?: ClusterIdentityValue } = {},
  ): Verdict {
    const submission = submissionOf(cd);
    const replaced = extra.clusterIdentity ? injectIdentity(submission, extra.clusterIdentity) : undefined;
    const templateKey =
      !template || template.kind === 'catalog'
        ? ''
        : template.kind === 'chart'
          ? template.key
          : `error:${template.error.message}`;
    // Most passes see a submission already judged: find it by its JSON (no YAML dump, no hash).
    // Equal content written in another key order misses here and hits the content cache below.
    const admissionKey = extra.admission ? admissionJson(extra.admission) : '';
    const quick = JSON.stringify([submission, teamLabels ?? {}, templateKey, admissionKey, replaced ?? null]);
    const seen = this.quick.get(quick);
    if (seen) return seen;
    let verdict = this.judge(
      cd,
      submission,
      teamLabels,
      template,
      `${templateKey}\0${admissionKey}`,
      extra.admission,
    );
    if (replaced)
      verdict = {
        ...verdict,
        warnings: [
          ...verdict.warnings,
          {
            stage: 'values',
            severity: 'warning',
            code: 'CLUSTER_IDENTITY_REPLACED',
            path: '$.spec.config.clusterIdentity',
            message: `spec.config.clusterIdentity ${replaced} is replaced by the identity of Credential ${String((cd.spec as { credential?: unknown }).credential)}`,
          },
        ],
      };
    if (this.quick.size >= this.maxEntries) this.quick.delete(this.quick.keys().next().value as string);
    this.quick.set(quick, verdict);
    return verdict;
  }

  private judge(
    cd: KubeObject,
    submission: Record<string, unknown>,
    teamLabels: Record<string, string> | undefined,
    template: DeploymentTemplate | undefined,
    templateKey: string,
    admission?: AdmissionFacts,
  ): Verdict {
    const text = jsyaml.dump(submission, { noRefs: true, lineWidth: -1, sortKeys: true });
    const key = createHash('sha256')
      .update(text)
      .update(JSON.stringify(teamLabels ?? {}))
      .update(`\0${templateKey}`)
      .digest('hex');
    const hit = this.cache.get(key);
    if (hit) return hit;
    const file = `ClusterDeployment ${cd.metadata.namespace ?? 'default'}/${cd.metadata.name}`;
    let verdict: Verdict;
    try {
      const [doc] = parseYamlSource(text, file);
      const deployment = readClusterDeployment(file, doc);
      verdict = runGate({
        deployment,
        resolveTemplate: (name) => {
          if (template?.kind === 'chart') return template.chart;
          if (template?.kind === 'error') throw template.error;
          return this.catalog.resolve(name);
        },
        policies: this.policies,
        teamLabels,
        clusterClasses: this.clusterClasses(),
        ...(admission ? { admission } : {}),
      });
    } catch (e) {
      if (!(e instanceof ClustermintError)) throw e;
      verdict = {
        submission: {
          kind: 'ClusterDeployment',
          name: cd.metadata.name,
          namespace: cd.metadata.namespace ?? 'default',
          file,
        },
        allowed: false,
        violations: [
          { stage: 'values', severity: 'error', code: e.code, message: e.message, location: e.location },
        ],
        warnings: [],
        objects: [],
        rules: {},
      };
    }
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, verdict);
    return verdict;
  }

  private classes: SourcedDocument[] | undefined;

  /** The built-in ClusterClasses, read once: a chart's topology Cluster is previewed with them. */
  private clusterClasses(): SourcedDocument[] {
    this.classes ??= clusterClassCandidates([], []);
    return this.classes;
  }

  /** The catalog's chart of that name, undefined when the catalog has none. */
  catalogChart(name: string): Chart | undefined {
    try {
      return this.catalog.resolve(name);
    } catch (e) {
      if (e instanceof ClustermintError) return undefined;
      throw e;
    }
  }

  /** The Kubernetes version a template installs by default (the domain rule), if the template is known. */
  templateVersion(name: string): string | undefined {
    return resolvedTemplateKubeVersion((n) => this.catalog.resolve(n), name);
  }
}
