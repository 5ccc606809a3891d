/**
 * Schemas of the objects clustermint stores or reads as inputs rather than renders: ClusterTemplate
 * and the Flux source kinds its chart is found through, the add-on kinds (ServiceTemplate and its
 * chain, MultiClusterService, ClusterResourceSet) and the ConfigMaps and Secrets they name
 * (schemas/<group>/<version>/<Kind>.json, the core group's under schemas/core/).
 * A ClusterTemplate or HelmRepository given with `-f` or to `apply` is checked against its
 * schema, so a misspelt field is an error with its line, not a template that silently resolves
 * to something else.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { PACKAGE_ROOT } from '../util/paths.js';
import { createAjv } from './ajv.js';
import { describeSchemaErrors, type SchemaProblem } from './schema-errors.js';

const STORED = new Set([
  'clustermint.io/v1alpha1/ClusterTemplate',
  'clustermint.io/v1alpha1/ServiceTemplate',
  'clustermint.io/v1alpha1/ServiceTemplateChain',
  'clustermint.io/v1alpha1/MultiClusterService',
  'clustermint.io/v1alpha1/Credential',
  'clustermint.io/v1alpha1/AccessManagement',
  'clustermint.io/v1alpha1/ProviderInterface',
  'clustermint.io/v1alpha1/DeploymentHistory',
  'infrastructure.clustermint.io/v1alpha1/SimulatedClusterIdentity',
  'addons.cluster.x-k8s.io/v1beta2/ClusterResourceSet',
  'v1/ConfigMap',
  'v1/Secret',
  'source.toolkit.fluxcd.io/v1/HelmRepository',
  'source.toolkit.fluxcd.io/v1/OCIRepository',
  'source.toolkit.fluxcd.io/v1/HelmChart',
]);

const compiled = new Map<string, ValidateFunction>();
let ajv: ReturnType<typeof createAjv> | undefined;

function validator(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!STORED.has(key)) return undefined;
  let fn = compiled.get(key);
  if (!fn) {
    // the core group's kinds live under schemas/core/
    const file = `${PACKAGE_ROOT}schemas/${apiVersion.includes('/') ? key : `core/${key}`}.json`;
    if (!existsSync(file)) return undefined;
    ajv ??= createAjv('draft-07');
    fn = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
    compiled.set(key, fn);
  }
  return fn;
}

/** The object's schema problems (none for a kind without a stored-kind schema; status is not checked). */
export function storedKindProblems(o: { apiVersion?: unknown; kind?: unknown }): SchemaProblem[] {
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return [];
  const validate = validator(o.apiVersion, o.kind);
  if (!validate) return [];
  const { status: _status, ...rest } = o as Record<string, unknown>;
  return validate(rest) ? [] : describeSchemaErrors(validate.errors, rest);
}
