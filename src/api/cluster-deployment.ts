/** ClusterDeployment submissions (clustermint.io/v1alpha1; k0rdent's group is accepted too). */
import { ClustermintError, type SourceLocation } from '../util/errors.js';
import { parsePath } from '../util/json-path.js';
import { emptyMap, isPlainObject, type PlainObject } from '../util/plain-object.js';
import type { SourceDocument } from '../util/yaml-source.js';
import { readServiceSpec, type ServiceSpec } from './service-spec.js';

export const CLUSTERMINT_GROUP = 'clustermint.io';
const ACCEPTED_API_VERSIONS = new Set([
  'clustermint.io/v1alpha1',
  'k0rdent.mirantis.com/v1beta1',
  'k0rdent.mirantis.com/v1alpha1',
]);
const SPEC_FIELDS = new Set([
  'template',
  'config',
  'credential',
  'dryRun',
  'propagateCredentials',
  'cleanupOnDeletion',
  'serviceSpec',
  'clusterAuth',
  'dataSource',
  'auditPolicy',
  'ipamClaim',
]);
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TEMPLATE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * The one rule for what `spec.template` may say, shared by every entry point (check, apply,
 * the controller, the webhook): the name of a ClusterTemplate, never a path. A path would make
 * the gate read a chart from any folder of the machine it runs on; folders of charts come only
 * from the platform (`--templates DIR`, the webhook's configured sources).
 */
export function isTemplateName(name: string): boolean {
  return name.length <= 253 && TEMPLATE_NAME.test(name);
}

export interface ClusterDeployment {
  apiVersion: string;
  kind: 'ClusterDeployment';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    template: string;
    config: PlainObject;
    credential?: string;
    dryRun?: boolean;
    /** Add-ons for the workload cluster, defaults applied. */
    serviceSpec?: ServiceSpec;
  };
  /** The file and document it came from. */
  source: { file: string; doc: SourceDocument };
}

export function isClusterDeployment(v: unknown): boolean {
  return (
    isPlainObject(v) &&
    v.kind === 'ClusterDeployment' &&
    typeof v.apiVersion === 'string' &&
    ACCEPTED_API_VERSIONS.has(v.apiVersion)
  );
}

/** Checks the shape of a ClusterDeployment document; throws a located error on the first problem. */
export function readClusterDeployment(file: string, doc: SourceDocument): ClusterDeployment {
  const v = doc.value as PlainObject;
  const fail = (path: (string | number)[], message: string, atKey = false): never => {
    const pos = doc.locate(path, atKey);
    const loc: SourceLocation = { file, line: pos?.line, col: pos?.col, path: `$.${path.join('.')}` };
    throw new ClustermintError('INVALID_SUBMISSION', message, loc);
  };
  const meta = v.metadata;
  if (!isPlainObject(meta)) return fail(['metadata'], 'metadata is required');
  if (typeof meta.name !== 'string' || meta.name.length > 253 || !NAME.test(meta.name)) {
    return fail(
      ['metadata', 'name'],
      'metadata.name must be a DNS-1123 name (lowercase letters, digits, "-", ".")',
    );
  }
  const namespace = meta.namespace ?? 'default';
  if (typeof namespace !== 'string' || namespace.length > 63 || !NAMESPACE.test(namespace)) {
    return fail(['metadata', 'namespace'], 'metadata.namespace must be a DNS-1123 label');
  }
  const labels: Record<string, string> = {};
  if (meta.labels !== undefined) {
    if (!isPlainObject(meta.labels))
      return fail(['metadata', 'labels'], 'metadata.labels must be a map of strings');
    for (const [k, l] of Object.entries(meta.labels)) {
      if (typeof l !== 'string') return fail(['metadata', 'labels', k], 'label values must be strings');
      labels[k] = l;
    }
  }
  const spec = v.spec;
  if (!isPlainObject(spec)) return fail(['spec'], 'spec is required');
  for (const k of Object.keys(spec)) {
    if (!SPEC_FIELDS.has(k)) return fail(['spec', k], `unknown field spec.${k}`, true);
  }
  if (typeof spec.template !== 'string' || spec.template === '' || spec.template.length > 253) {
    return fail(['spec', 'template'], 'spec.template is required: the name of a ClusterTemplate');
  }
  if (!isTemplateName(spec.template)) {
    return fail(
      ['spec', 'template'],
      `unknown template ${JSON.stringify(spec.template.slice(0, 100))}: a template is named by a DNS-1123 name (a ClusterTemplate or chart), never a path; chart folders come from the platform (--templates DIR), not from a submission`,
    );
  }
  if (spec.config !== undefined && spec.config !== null && !isPlainObject(spec.config)) {
    return fail(['spec', 'config'], 'spec.config must be a map of values');
  }
  if (spec.credential !== undefined && typeof spec.credential !== 'string') {
    return fail(['spec', 'credential'], 'spec.credential must be a string');
  }
  if (spec.dryRun !== undefined && typeof spec.dryRun !== 'boolean')
    return fail(['spec', 'dryRun'], 'spec.dryRun must be a boolean');
  let serviceSpec: ServiceSpec | undefined;
  if (spec.serviceSpec !== undefined) {
    const r = readServiceSpec(spec.serviceSpec, ['spec', 'serviceSpec']);
    if ('problems' in r) {
      const [first, ...rest] = r.problems;
      const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
      return fail(parsePath(first.path), `spec.serviceSpec: ${first.message}${more}`, first.atKey);
    }
    serviceSpec = r.spec;
  }
  return {
    apiVersion: v.apiVersion as string,
    kind: 'ClusterDeployment',
    metadata: { name: meta.name, namespace, labels },
    spec: {
      template: spec.template,
      config: isPlainObject(spec.config) ? spec.config : emptyMap(),
      ...(typeof spec.credential === 'string' ? { credential: spec.credential } : {}),
      ...(typeof spec.dryRun === 'boolean' ? { dryRun: spec.dryRun } : {}),
      ...(serviceSpec ? { serviceSpec } : {}),
    },
    source: { file, doc },
  };
}
