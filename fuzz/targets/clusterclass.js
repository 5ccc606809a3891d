// ClusterClasses with generated variables (schemas, defaults, CEL rules) and patches (JSON
// patches with values, variables and Go templates, enabledIf), with a Cluster that uses the
// class, through `render` and `lint`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { mutated, nasty, scalar, tree, yamlOf } from '../gen/common.js';
import { cel } from '../gen/expressions.js';
import * as go from '../gen/gotemplate.js';
import { cliFinding } from './cli-result.js';

const V = 'cluster.x-k8s.io/v1beta2';
const TEMPLATES = [
  ['infrastructure.cluster.x-k8s.io/v1beta2', 'GenericInfrastructureClusterTemplate', 'infra'],
  ['controlplane.cluster.x-k8s.io/v1beta2', 'GenericControlPlaneTemplate', 'cp'],
  ['infrastructure.cluster.x-k8s.io/v1beta2', 'GenericInfrastructureMachineTemplate', 'machine'],
  ['bootstrap.cluster.x-k8s.io/v1beta2', 'GenericBootstrapConfigTemplate', 'bootstrap'],
];
const ref = (i) => ({
  templateRef: { apiVersion: TEMPLATES[i][0], kind: TEMPLATES[i][1], name: TEMPLATES[i][2] },
});
const VARIABLES = ['region', 'zones', 'n', 'obj', 's'];

const schemaOf = fc.memo((n) =>
  fc.record(
    {
      type: fc.constantFrom('string', 'integer', 'number', 'boolean', 'object', 'array', 'bogus'),
      default: tree(2),
      enum: fc.array(scalar, { maxLength: 3 }),
      minimum: fc.integer({ min: -5, max: 5 }),
      maxLength: fc.integer({ min: 0, max: 10 }),
      pattern: fc.constantFrom('^[a-z]+$', '(a+)+$', '[', '^.*$'),
      format: fc.constantFrom('uri', 'date-time', 'ipv4', 'bogus'),
      items: n > 1 ? schemaOf(n - 1) : fc.constant({ type: 'string' }),
      properties:
        n > 1
          ? fc.dictionary(fc.constantFrom('a', 'b', 'items'), schemaOf(n - 1), { maxKeys: 2 })
          : fc.constant({}),
      'x-kubernetes-validations': fc.array(
        fc.record(
          { rule: cel, message: fc.string({ maxLength: 8 }), messageExpression: cel },
          { requiredKeys: ['rule'] },
        ),
        { minLength: 1, maxLength: 2 },
      ),
      'x-kubernetes-preserve-unknown-fields': fc.boolean(),
      maxItems: fc.integer({ min: 0, max: 5 }),
    },
    { requiredKeys: ['type'] },
  ),
);
const schema = schemaOf(2);

const variable = fc.record({
  name: fc.constantFrom(...VARIABLES),
  required: fc.boolean(),
  schema: schema.map((s) => ({ openAPIV3Schema: s })),
});

const patchPath = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      '/spec/template/spec/x',
      '/spec/template/spec/y',
      '/spec/template/spec/list',
      '/metadata/labels/a',
      '/spec/template/metadata/annotations',
    ),
  },
  fc.constantFrom(
    '/spec/template/spec/x',
    '/spec/template/spec',
    '/spec/template/spec/list/-',
    '/spec/template/spec/list/0',
    '/metadata/labels/a',
    '/spec/template/metadata/annotations',
    '/spec',
    '',
  ),
  nasty.map((s) => `/spec/template/spec/${s}`),
);

const jsonPatch = fc.record(
  {
    op: fc.constantFrom('add', 'add', 'add', 'replace', 'replace', 'remove', 'move'),
    path: patchPath,
    value: tree(2),
    valueFrom: fc.oneof(
      fc.record({ variable: fc.constantFrom(...VARIABLES) }),
      fc.record({
        variable: fc.constantFrom(
          ...VARIABLES,
          'builtin.cluster.name',
          'builtin.controlPlane.replicas',
          'builtin.machineDeployment.class',
          'obj.a',
          'zones[0]',
          'missing',
        ),
      }),
      fc.record({ template: go.templateText }),
      fc.record({
        template: fc.constantFrom(
          '{{ .region }}',
          '{{ .zones | toJson }}',
          '{{ .builtin.cluster.name }}-x',
          'a: {{ .n }}',
          '{{ toYaml .obj }}',
        ),
      }),
    ),
  },
  { requiredKeys: ['op', 'path'] },
);

const definition = fc.record({
  selector: fc
    .tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.record(
        {
          infrastructureCluster: fc.boolean(),
          controlPlane: fc.boolean(),
          machineDeploymentClass: fc.constant({ names: ['default-worker'] }),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([i, matchResources]) => ({ apiVersion: TEMPLATES[i][0], kind: TEMPLATES[i][1], matchResources })),
  jsonPatches: fc.array(jsonPatch, { minLength: 1, maxLength: 3 }),
});

const patch = fc.record(
  {
    name: fc.constantFrom('p1', 'p2', 'p1'),
    enabledIf: fc.oneof(
      fc.constantFrom('{{ .region }}', '{{ eq .n 1 }}', '{{ if .obj }}true{{ end }}', 'true', 'false'),
      go.pipeline.map((p) => `{{ ${p} }}`),
    ),
    definitions: fc.array(definition, { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: ['name', 'definitions'] },
);

const documents = fc
  .record({
    variables: fc.array(variable, { maxLength: 3 }),
    patches: fc.array(patch, { maxLength: 3 }),
    values: fc.array(fc.record({ name: fc.constantFrom(...VARIABLES), value: tree(2) }), { maxLength: 3 }),
    replicas: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constantFrom(100000, 1e23)),
  })
  .map((r) => {
    const cls = {
      apiVersion: V,
      kind: 'ClusterClass',
      metadata: { name: 'fuzz-class', namespace: 'default' },
      spec: {
        infrastructure: ref(0),
        controlPlane: { ...ref(1), machineInfrastructure: ref(2) },
        workers: {
          machineDeployments: [{ class: 'default-worker', bootstrap: ref(3), infrastructure: ref(2) }],
        },
        variables: r.variables,
        patches: r.patches,
      },
    };
    const templates = TEMPLATES.map(([apiVersion, kind, name]) => ({
      apiVersion,
      kind,
      metadata: { name, namespace: 'default' },
      spec: { template: { spec: {} } },
    }));
    const cluster = {
      apiVersion: V,
      kind: 'Cluster',
      metadata: { name: 'fuzz', namespace: 'default' },
      spec: {
        topology: {
          classRef: { name: 'fuzz-class' },
          version: 'v1.31.2',
          controlPlane: { replicas: 1 },
          variables: r.values,
          workers: { machineDeployments: [{ class: 'default-worker', name: 'md-0', replicas: r.replicas }] },
        },
      },
    };
    return {
      classText: [cls, ...templates].map((d) => yamlOf(d)).join('---\n'),
      clusterText: yamlOf(cluster),
    };
  });

export const clusterClassTarget = {
  name: 'clusterclass',
  weight: 12,
  arbitrary: fc.record({
    cmd: fc.constantFrom('render', 'render', 'lint'),
    docs: fc.oneof(
      { weight: 5, arbitrary: documents },
      {
        weight: 1,
        arbitrary: fc.record({
          classText: mutated(documents.map((d) => d.classText)),
          clusterText: documents.map((d) => d.clusterText),
        }),
      },
    ),
  }),
  run(input, env) {
    const classFile = join(env.dir, 'clusterclass.yaml');
    const clusterFile = join(env.dir, 'cluster.yaml');
    writeFileSync(classFile, input.docs.classText);
    writeFileSync(clusterFile, input.docs.clusterText);
    const args =
      input.cmd === 'render'
        ? ['render', '-f', clusterFile, '-f', classFile]
        : ['lint', classFile, clusterFile];
    return cliFinding(env.lib, args, env);
  },
};
