/**
 * A ClusterClass whose fields have the wrong JSON kind (`enum: x`, a map among selector names) is
 * refused as the API server refuses it when decoding it into Cluster API's Go types: located
 * `json: cannot unmarshal ...` errors, before any admission rule or rendering reads the class.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { lintClusterClass, renderTopology } from '../../../src/render/topology/index.js';
import { emptyMap, type PlainObject } from '../../../src/util/plain-object.js';
import { run } from '../../helpers/cli.js';
import { tmpTree } from '../../helpers/tmp.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'topology');
const load = (f: string) => jsyaml.loadAll(readFileSync(join(FIX, f), 'utf8')) as PlainObject[];
const SCHEMA = 'spec.variables[0].schema.openAPIV3Schema';
const GO_SCHEMA = 'JSONSchemaProps.spec.variables.schema.openAPIV3Schema';

function fixture(mutateClass: (cc: any) => void) {
  const objects = load('generic-class.yaml');
  mutateClass(objects[0]);
  return { cluster: load('generic-cluster.yaml')[0], objects };
}

/** The ClusterClass findings of a render with the class changed by `mutate`. */
function renderFindings(mutate: (cc: any) => void, classAdmission = true) {
  const r = renderTopology({ ...fixture(mutate), classAdmission });
  expect(r.objects).toEqual([]);
  return r.findings.map((f) => ({ code: f.code, in: f.in, field: f.field, message: f.message }));
}

const setSchema = (schema: unknown) => (cc: any) => {
  cc.spec.variables[0].schema.openAPIV3Schema = schema;
};

/** A map as the CLI's YAML reader builds it: no prototype, so `String(map)` throws. */
function map(entries: Record<string, unknown>): PlainObject {
  return Object.assign(emptyMap(), entries);
}

const selectorPatch = (names: unknown[]) => ({
  name: 'p',
  definitions: [
    {
      selector: {
        apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
        kind: 'GenericBootstrapConfigTemplate',
        matchResources: { machineDeploymentClass: { names } },
      },
      jsonPatches: [{ op: 'add', path: '/spec/template/spec/x', value: 'y' }],
    },
  ],
});

describe('ClusterClass decoding (Go types)', () => {
  it('an enum that is not a list is a located decode error, not an internal error', () => {
    expect(renderFindings(setSchema({ type: 'string', enum: 'x' }))).toEqual([
      {
        code: 'CLUSTERCLASS_INVALID',
        in: 'clusterClass',
        field: `${SCHEMA}.enum`,
        message: `${SCHEMA}.enum: Invalid value: json: cannot unmarshal string into Go struct field ${GO_SCHEMA}.enum of type []v1.JSON`,
      },
    ]);
  });

  it('is refused even with class admission off (nothing can read such a class)', () => {
    const findings = renderFindings(setSchema({ type: 'string', enum: 'x' }), false);
    expect(findings.map((f) => f.field)).toEqual([`${SCHEMA}.enum`]);
  });

  it('a map among selector names is a located decode error', () => {
    const findings = renderFindings((cc) => {
      cc.spec.patches = [selectorPatch(['default-worker', map({ a: 'b' })])];
    });
    const field = 'spec.patches[0].definitions[0].selector.matchResources.machineDeploymentClass.names[1]';
    expect(findings).toEqual([
      {
        code: 'CLUSTERCLASS_INVALID',
        in: 'clusterClass',
        field,
        message: `${field}: Invalid value: json: cannot unmarshal object into Go struct field PatchSelectorMatchMachineDeploymentClass.spec.patches.definitions.selector.matchResources.machineDeploymentClass.names of type string`,
      },
    ]);
  });

  it('checks nested schemas: properties, items, additionalProperties, allOf/anyOf/oneOf/not', () => {
    const findings = renderFindings(
      setSchema({
        type: 'object',
        properties: {
          a: { type: 'array', items: { type: 7, enum: { x: 1 } } },
          b: 'not-a-schema',
          c: { type: 'object', additionalProperties: true },
          d: { allOf: [{ required: 'x' }], anyOf: [{ pattern: false }], oneOf: [{ minLength: 1.5 }] },
          e: { not: { maximum: '3', 'x-kubernetes-validations': [{ rule: 1 }, 'self > 0'] } },
        },
      }),
    );
    const s = `${SCHEMA}.properties`;
    const g = `${GO_SCHEMA}.properties`;
    expect(findings.map((f) => f.message)).toEqual([
      `${s}[a].items.type: Invalid value: json: cannot unmarshal number into Go struct field ${g}.items.type of type string`,
      `${s}[a].items.enum: Invalid value: json: cannot unmarshal object into Go struct field ${g}.items.enum of type []v1.JSON`,
      `${s}[b]: Invalid value: json: cannot unmarshal string into Go struct field ${g} of type v1beta2.JSONSchemaProps`,
      `${s}[c].additionalProperties: Invalid value: json: cannot unmarshal bool into Go struct field ${g}.additionalProperties of type v1beta2.JSONSchemaProps`,
      `${s}[d].allOf[0].required: Invalid value: json: cannot unmarshal string into Go struct field ${g}.allOf.required of type []string`,
      `${s}[d].anyOf[0].pattern: Invalid value: json: cannot unmarshal bool into Go struct field ${g}.anyOf.pattern of type string`,
      `${s}[d].oneOf[0].minLength: Invalid value: json: cannot unmarshal number 1.5 into Go struct field ${g}.oneOf.minLength of type int64`,
      `${s}[e].not.maximum: Invalid value: json: cannot unmarshal string into Go struct field ${g}.not.maximum of type int64`,
      `${s}[e].not.x-kubernetes-validations[0].rule: Invalid value: json: cannot unmarshal number into Go struct field ValidationRule.spec.variables.schema.openAPIV3Schema.properties.not.x-kubernetes-validations.rule of type string`,
      `${s}[e].not.x-kubernetes-validations[1]: Invalid value: json: cannot unmarshal string into Go struct field ${g}.not.x-kubernetes-validations of type v1beta2.ValidationRule`,
    ]);
  });

  it('names the v1beta1 package for a v1beta1 class', () => {
    const cc = {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'ClusterClass',
      metadata: { name: 'c' },
      spec: { variables: [{ name: 'v', required: false, schema: { openAPIV3Schema: { items: [] } } }] },
    };
    expect(lintClusterClass(cc)).toEqual([
      {
        field: `${SCHEMA}.items`,
        message: `${SCHEMA}.items: Invalid value: json: cannot unmarshal array into Go struct field ${GO_SCHEMA}.items of type v1beta1.JSONSchemaProps`,
      },
    ]);
  });

  it('null is the Go zero value: a class with null fields decodes and renders', () => {
    const r = renderTopology({
      ...fixture((cc) => {
        cc.spec.variables[0].schema.openAPIV3Schema = {
          type: 'string',
          enum: null,
          'x-kubernetes-validations': null,
          properties: null,
        };
      }),
    });
    expect(r.findings).toEqual([]);
    expect(r.objects.length).toBeGreaterThan(0);
  });

  it('drops what JSONSchemaProps has no field for (nullable, multipleOf), as decoding does', () => {
    const cc = load('generic-class.yaml')[0] as any;
    cc.spec.variables[0].schema.openAPIV3Schema = {
      type: 'object',
      properties: { n: { type: 'integer', nullable: true, multipleOf: map({ a: 1 }) } },
    };
    expect(lintClusterClass(cc)).toEqual([]);
  });

  it('lint reports the decode errors alone, and passes a class that decodes', () => {
    const bad = load('generic-class.yaml')[0] as any;
    bad.spec.variables[0].schema.openAPIV3Schema = { type: 'string', enum: 'x', minLength: -1.5 };
    bad.spec.patches = [selectorPatch([map({ a: 'b' })])];
    expect(lintClusterClass(bad).map((i) => i.field)).toEqual([
      `${SCHEMA}.enum`,
      `${SCHEMA}.minLength`,
      'spec.patches[0].definitions[0].selector.matchResources.machineDeploymentClass.names[0]',
    ]);
    expect(lintClusterClass(load('generic-class.yaml')[0])).toEqual([]);
  });

  it('the CLI lints and renders such a class with a located error, exit code 1', async () => {
    const objects = load('generic-class.yaml');
    const cc = objects[0] as any;
    cc.spec.variables[0].schema.openAPIV3Schema = { type: 'string', enum: 'x' };
    cc.spec.patches = [selectorPatch([{ a: 'b' }])];
    const dir = tmpTree({
      'class.yaml': objects.map((o) => jsyaml.dump(o)).join('---\n'),
      'cluster.yaml': jsyaml.dump(load('generic-cluster.yaml')[0]),
    });
    const lint = await run('lint', join(dir, 'class.yaml'));
    expect(lint.stderr).not.toContain('internal error');
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(
      /class\.yaml:\d+:\d+ \(\$\.spec\.variables\[0\]\.schema\.openAPIV3Schema\.enum\): .*json: cannot unmarshal string into Go struct field JSONSchemaProps\.spec\.variables\.schema\.openAPIV3Schema\.enum of type \[\]v1\.JSON/,
    );
    expect(lint.stdout).toContain(
      'machineDeploymentClass.names[0]: Invalid value: json: cannot unmarshal object into Go struct field',
    );
    const render = await run('render', '-f', join(dir, 'cluster.yaml'), '-f', join(dir, 'class.yaml'));
    expect(render.stderr).not.toContain('internal error');
    expect(render.code).toBe(1);
    expect(render.stderr + render.stdout).toContain('cannot unmarshal string into Go struct field');
  });
});
