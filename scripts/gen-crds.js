#!/usr/bin/env node
// Generates deploy/crds/*.yaml, the CustomResourceDefinitions of the kinds clustermint stores,
// from their JSON schemas in schemas/ (draft-07, the source of truth) and the presentation
// table below (names, scope, printer columns).
//
//   node scripts/gen-crds.js            write deploy/crds/
//   node scripts/gen-crds.js --check    exit 1 when deploy/crds/ differs from what would be written
//   node scripts/gen-crds.js --out DIR  write into DIR instead
//
// Kinds marked `optional` (Cluster API's ClusterResourceSet and ClusterResourceSetBinding,
// Sveltos' SveltosCluster) go to deploy/crds/optional/: Cluster API and Sveltos install their own
// CRDs, so these are only for a management cluster without them.
//
// The conversion makes structural schemas (what the apiserver requires of a CRD): local $refs
// inlined, `const` as a one-value enum, `additionalProperties: false` dropped (pruning drops
// unknown fields; strict field validation rejects them), metadata reduced to `type: object`,
// and every node typed unless it preserves unknown fields.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'deploy', 'crds');
/** The folder under the output folder for the `optional` kinds. */
export const OPTIONAL_DIR = 'optional';

const age = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const ready = (type) => ({
  name: type,
  type: 'string',
  jsonPath: `.status.conditions[?(@.type=="${type}")].status`,
});

/** One entry per kind: its schema file and how the apiserver and kubectl present it. */
export const KINDS = [
  {
    schema: 'clustermint.io/v1alpha1/ClusterDeployment.json',
    plural: 'clusterdeployments',
    shortNames: ['cld', 'clusterd'],
    categories: ['clustermint'],
    scope: 'Namespaced',
    columns: [
      ready('Ready'),
      { name: 'Template', type: 'string', jsonPath: '.spec.template' },
      { name: 'Version', type: 'string', jsonPath: '.status.k8sVersion' },
      {
        name: 'Control-Plane',
        type: 'integer',
        jsonPath: '.status.machines.controlPlane.ready',
        description: 'Ready control plane machines',
      },
      {
        name: 'Workers',
        type: 'integer',
        jsonPath: '.status.machines.workers.ready',
        description: 'Ready worker machines',
      },
      { name: 'DryRun', type: 'boolean', jsonPath: '.spec.dryRun', priority: 1 },
      age,
    ],
  },
  {
    schema: 'clustermint.io/v1alpha1/ClusterTemplate.json',
    plural: 'clustertemplates',
    shortNames: ['ctpl', 'clustertmpl'],
    categories: ['clustermint'],
    scope: 'Namespaced',
    columns: [
      { name: 'Valid', type: 'boolean', jsonPath: '.status.valid' },
      { name: 'Version', type: 'string', jsonPath: '.status.k8sVersion' },
      { name: 'Error', type: 'string', jsonPath: '.status.validationError', priority: 1 },
      { name: 'Description', type: 'string', jsonPath: '.status.description', priority: 1 },
      age,
    ],
  },
  {
    schema: 'clustermint.io/v1alpha1/ClusterTemplateChain.json',
    plural: 'clustertemplatechains',
    shortNames: ['ctc'],
    categories: ['clustermint'],
    scope: 'Namespaced',
    columns: [
      { name: 'Valid', type: 'boolean', jsonPath: '.status.valid' },
      { name: 'Error', type: 'string', jsonPath: '.status.validationError', priority: 1 },
      age,
    ],
  },
  {
    schema: 'clustermint.io/v1alpha1/Machine.json',
    plural: 'machines',
    shortNames: ['mach'],
    categories: ['clustermint'],
    scope: 'Namespaced',
    columns: [
      { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName' },
      { name: 'Role', type: 'string', jsonPath: '.spec.role' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Version', type: 'string', jsonPath: '.spec.version' },
      { name: 'Node', type: 'string', jsonPath: '.status.nodeRef.name' },
      { name: 'ProviderID', type: 'string', jsonPath: '.spec.providerID', priority: 1 },
      age,
    ],
  },
  {
    schema: 'clustermint.io/v1alpha1/ServiceTemplate.json',
    plural: 'servicetemplates',
    shortNames: ['svctmpl'],
    categories: ['clustermint'],
    scope: 'Namespaced',
    columns: [{ name: 'Valid', type: 'boolean', jsonPath: '.status.valid' }, age],
  },
  {
    schema: 'clustermint.io/v1alpha1/ServiceTemplateChain.json',
    plural: 'servicetemplatechains',
    shortNames: ['stc'],
    categories: ['clustermint'],
    scope: 'Namespaced',
    columns: [
      { name: 'Valid', type: 'boolean', jsonPath: '.status.valid' },
      { name: 'Error', type: 'string', jsonPath: '.status.validationError', priority: 1 },
      age,
    ],
  },
  {
    schema: 'clustermint.io/v1alpha1/MultiClusterService.json',
    plural: 'multiclusterservices',
    shortNames: ['mcs'],
    categories: ['clustermint'],
    scope: 'Cluster',
    columns: [
      {
        name: 'Clusters',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="ClusterInReadyState")].message',
        description: 'Matching clusters with every service deployed',
      },
      age,
    ],
  },
  {
    schema: 'clustermint.io/v1alpha1/Credential.json',
    plural: 'credentials',
    shortNames: ['cred'],
    categories: ['clustermint'],
    scope: 'Namespaced',
    columns: [
      { name: 'Ready', type: 'boolean', jsonPath: '.status.ready' },
      { name: 'Identity-Kind', type: 'string', jsonPath: '.spec.identityRef.kind' },
      { name: 'Identity', type: 'string', jsonPath: '.spec.identityRef.name' },
      { name: 'Region', type: 'string', jsonPath: '.spec.region' },
      { name: 'Description', type: 'string', jsonPath: '.spec.description', priority: 1 },
      age,
    ],
  },
  {
    schema: 'clustermint.io/v1alpha1/AccessManagement.json',
    plural: 'accessmanagements',
    shortNames: ['am'],
    categories: ['clustermint'],
    scope: 'Cluster',
    columns: [
      { name: 'Rules', type: 'integer', jsonPath: '.status.rules', description: 'Rules in force' },
      {
        name: 'Distributed',
        type: 'integer',
        jsonPath: '.status.distributed',
        description: 'Copies the rules keep',
      },
      { name: 'Error', type: 'string', jsonPath: '.status.error' },
      age,
    ],
  },
  {
    schema: 'clustermint.io/v1alpha1/ProviderInterface.json',
    plural: 'providerinterfaces',
    shortNames: ['pi'],
    categories: ['clustermint'],
    scope: 'Cluster',
    columns: [
      { name: 'Provider', type: 'string', jsonPath: '.metadata.labels.cluster\\.x-k8s\\.io/provider' },
      { name: 'Description', type: 'string', jsonPath: '.spec.description', priority: 1 },
      age,
    ],
    // k0rdent's ProviderInterface has no status.
    status: false,
  },
  {
    schema: 'clustermint.io/v1alpha1/DeploymentHistory.json',
    plural: 'deploymenthistories',
    shortNames: ['cdhist'],
    categories: ['clustermint'],
    scope: 'Namespaced',
    columns: [
      // a column cannot count a list: the last entry's action and time, and how many were dropped
      { name: 'Last-Action', type: 'string', jsonPath: '.spec.entries[-1:].action' },
      { name: 'User', type: 'string', jsonPath: '.spec.entries[-1:].user' },
      { name: 'Last-Time', type: 'date', jsonPath: '.spec.entries[-1:].time' },
      { name: 'Dropped', type: 'integer', jsonPath: '.spec.droppedEntries', priority: 1 },
      { name: 'Expires', type: 'date', jsonPath: '.spec.expiresAt', priority: 1 },
      age,
    ],
    // written whole by the webhook and the CLI: no status.
    status: false,
  },
  {
    schema: 'infrastructure.clustermint.io/v1alpha1/SimulatedClusterIdentity.json',
    plural: 'simulatedclusteridentities',
    categories: ['clustermint'],
    scope: 'Cluster',
    columns: [age],
    // like CAPA's AWSClusterStaticIdentity: no status.
    status: false,
  },
  {
    schema: 'addons.cluster.x-k8s.io/v1beta2/ClusterResourceSet.json',
    plural: 'clusterresourcesets',
    categories: ['cluster-api'],
    scope: 'Namespaced',
    columns: [
      {
        name: 'Applied',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="ResourcesApplied")].status',
        description: 'Resources applied',
      },
      age,
    ],
    optional: true,
  },
  {
    schema: 'addons.cluster.x-k8s.io/v1beta2/ClusterResourceSetBinding.json',
    plural: 'clusterresourcesetbindings',
    categories: ['cluster-api'],
    scope: 'Namespaced',
    columns: [{ name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName' }, age],
    // Cluster API's binding has no status subresource.
    status: false,
    optional: true,
  },
  {
    schema: 'lib.projectsveltos.io/v1beta1/SveltosCluster.json',
    plural: 'sveltosclusters',
    categories: ['projectsveltos'],
    scope: 'Namespaced',
    columns: [
      { name: 'Ready', type: 'boolean', jsonPath: '.status.ready' },
      { name: 'Version', type: 'string', jsonPath: '.status.version' },
      age,
    ],
    optional: true,
  },
  {
    schema: 'json.kyverno.io/v1alpha1/ValidatingPolicy.json',
    plural: 'validatingpolicies',
    shortNames: ['kjvp'],
    categories: ['clustermint', 'kyverno-json'],
    scope: 'Cluster',
    columns: [age],
    // kyverno-json policies have no status.
    status: false,
  },
];

const DROPPED = new Set([
  '$schema',
  '$id',
  '$comment',
  'title',
  'definitions',
  'examples',
  'additionalProperties',
]);
const KEPT = new Set([
  'description',
  'format',
  'enum',
  'required',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'default',
  'nullable',
]);
const PRESERVE = 'x-kubernetes-preserve-unknown-fields';
const INT_OR_STRING = 'x-kubernetes-int-or-string';
const MAX_DEPTH = 64;

function fail(file, path, message) {
  throw new Error(`${file}: ${path || '(root)'}: ${message}`);
}

function resolveRef(file, root, ref, path) {
  const m = /^#\/definitions\/([A-Za-z0-9_.-]+)$/.exec(ref);
  if (!m || !Object.hasOwn(root.definitions ?? {}, m[1]))
    fail(file, path, `unresolvable $ref ${JSON.stringify(ref)} (only #/definitions/NAME)`);
  return root.definitions[m[1]];
}

/** The structural OpenAPI v3 form of one schema node. */
function convert(file, root, node, path, depth, refs = []) {
  if (depth > MAX_DEPTH) fail(file, path, `nested deeper than ${MAX_DEPTH} levels`);
  if (node === null || typeof node !== 'object' || Array.isArray(node))
    fail(file, path, 'a schema must be an object');
  if (typeof node.$ref === 'string') {
    if (refs.includes(node.$ref))
      fail(file, path, `recursive $ref ${node.$ref} (CRD schemas cannot recurse)`);
    const { $ref, ...siblings } = node;
    const target = resolveRef(file, root, $ref, path);
    return convert(file, root, { ...target, ...siblings }, path, depth, [...refs, $ref]);
  }
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROPPED.has(k)) continue;
    switch (k) {
      case 'const':
        out.enum = [v];
        break;
      case 'type':
        if (Array.isArray(v)) {
          const types = v.filter((t) => t !== 'null');
          if (types.length !== 1) fail(file, path, `type ${JSON.stringify(v)}: one type (plus null) only`);
          out.type = types[0];
          if (types.length < v.length) out.nullable = true;
        } else out.type = v;
        break;
      case 'properties':
        out.properties = {};
        for (const name of Object.keys(v))
          out.properties[name] = convert(file, root, v[name], `${path}.${name}`, depth + 1, refs);
        break;
      case 'items':
        if (Array.isArray(v)) fail(file, path, 'tuple items are not structural');
        out.items = convert(file, root, v, `${path}[*]`, depth + 1, refs);
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[k] = v.map((s, i) => convert(file, root, s, `${path}.${k}[${i}]`, depth + 1, refs));
        break;
      case 'not':
        out.not = convert(file, root, v, `${path}.not`, depth + 1, refs);
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        // draft-07 gives the bound; OpenAPI v3 a flag beside minimum / maximum.
        if (typeof v === 'number') {
          out[k === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = v;
          out[k] = true;
        } else out[k] = v;
        break;
      default:
        if (!KEPT.has(k) && !k.startsWith('x-kubernetes-'))
          fail(file, path, `${k} has no equivalent in a CRD schema`);
        out[k] = v;
    }
  }
  if (typeof node.additionalProperties === 'object') {
    if (node.properties)
      fail(file, path, 'properties and additionalProperties schemas are exclusive in a CRD');
    out.additionalProperties = convert(file, root, node.additionalProperties, `${path}.*`, depth + 1, refs);
  }
  if (out.type === undefined && out[PRESERVE] !== true && out[INT_OR_STRING] !== true)
    fail(file, path, 'no type (structural schemas need one unless they preserve unknown fields)');
  return out;
}

/** The openAPIV3Schema of a kind: the converted schema with the root rules of a CRD applied. */
export function crdSchema(file, source) {
  const schema = convert(file, source, source, '', 0);
  const props = schema.properties ?? {};
  // The apiserver owns these: only their type may be given.
  for (const k of ['apiVersion', 'kind']) if (props[k]) props[k] = { type: 'string' };
  props.metadata = { type: 'object' };
  if (schema.required) {
    const required = schema.required.filter((r) => !['apiVersion', 'kind', 'metadata'].includes(r));
    if (required.length > 0) schema.required = required;
    else delete schema.required;
  }
  return schema;
}

function groupVersionKind(file, source) {
  const api = source.properties?.apiVersion;
  const kind = source.properties?.kind;
  const one = (s) => s?.const ?? (Array.isArray(s?.enum) && s.enum.length === 1 ? s.enum[0] : undefined);
  const apiVersion = one(api);
  const k = one(kind);
  if (typeof apiVersion !== 'string' || !apiVersion.includes('/') || typeof k !== 'string')
    fail(file, '', 'properties.apiVersion and properties.kind must each allow exactly one value');
  const [group, version] = apiVersion.split('/');
  return { group, version, kind: k };
}

/** Every CRD, in table order: `{ file: '<group>_<plural>.yaml' (under optional/ for optional kinds), crd }`. */
export function generateCrds(schemaDir = join(ROOT, 'schemas')) {
  return KINDS.map((entry) => {
    const file = join(schemaDir, entry.schema);
    const source = JSON.parse(readFileSync(file, 'utf8'));
    const { group, version, kind } = groupVersionKind(entry.schema, source);
    const withStatus = entry.status !== false;
    if (withStatus && !source.properties?.status)
      fail(entry.schema, '', 'a kind with a status subresource needs a status schema');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: `${entry.plural}.${group}`,
        labels: { 'app.kubernetes.io/part-of': 'clustermint' },
      },
      spec: {
        group,
        names: {
          kind,
          listKind: `${kind}List`,
          plural: entry.plural,
          singular: kind.toLowerCase(),
          ...(entry.shortNames ? { shortNames: entry.shortNames } : {}),
          categories: entry.categories,
        },
        scope: entry.scope,
        versions: [
          {
            name: version,
            served: true,
            storage: true,
            ...(withStatus ? { subresources: { status: {} } } : {}),
            additionalPrinterColumns: entry.columns,
            schema: { openAPIV3Schema: crdSchema(entry.schema, source) },
          },
        ],
      },
    };
    const name = `${group}_${entry.plural}.yaml`;
    return { file: entry.optional ? `${OPTIONAL_DIR}/${name}` : name, crd };
  });
}

const HEADER = '# Generated by scripts/gen-crds.js from schemas/. Do not edit.\n';

/** The YAML text of a CRD file. */
export function render(crd) {
  return HEADER + stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false });
}

function main(argv) {
  const check = argv.includes('--check');
  const outAt = argv.indexOf('--out');
  const dir = outAt >= 0 ? argv[outAt + 1] : OUT_DIR;
  if (!dir) throw new Error('--out needs a directory');
  const generated = generateCrds();
  if (check) {
    const want = new Map(generated.map((g) => [g.file, render(g.crd)]));
    const stale = [];
    for (const [file, text] of want) {
      const path = join(dir, file);
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(file);
    }
    const yamlIn = (d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.yaml')) : []);
    const present = [...yamlIn(dir), ...yamlIn(join(dir, OPTIONAL_DIR)).map((f) => `${OPTIONAL_DIR}/${f}`)];
    for (const f of present) if (!want.has(f)) stale.push(`${f} (not generated)`);
    if (stale.length > 0) {
      process.stderr.write(
        `deploy/crds is out of date (run node scripts/gen-crds.js): ${stale.join(', ')}\n`,
      );
      return 1;
    }
    return 0;
  }
  mkdirSync(join(dir, OPTIONAL_DIR), { recursive: true });
  for (const g of generated) writeFileSync(join(dir, g.file), render(g.crd));
  process.stdout.write(`wrote ${generated.length} CRDs to ${dir}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`gen-crds: ${e.message}\n`);
    process.exitCode = 2;
  }
}
