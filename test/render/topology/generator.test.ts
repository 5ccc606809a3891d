/**
 * The inline JSON patch generator, variable paths, selectors, enabledIf, template quirks and the
 * ClusterClass patch rules: the reference's cases 1-7, 14 and 15
 * (../shared/reference/capi-topology.md §5), restated from Cluster API's unit tests.
 */
import { describe, expect, it } from 'vitest';
import {
  calculateValue,
  generateInlinePatch,
  matchesSelector,
  patchIsEnabled,
  renderValueTemplate,
} from '../../../src/render/topology/json-patch-generator.js';
import { clusterBuiltin } from '../../../src/render/topology/patch-engine.js';
import type { RequestItem } from '../../../src/render/topology/types.js';
import { issueText, validatePatches } from '../../../src/render/topology/validate-class.js';
import { getVariableValue, VariableNotFoundError } from '../../../src/render/topology/variable-value.js';

const CP = 'controlplane.cluster.x-k8s.io/v1beta2';
const BOOT = 'bootstrap.cluster.x-k8s.io/v1beta2';
const INFRA = 'infrastructure.cluster.x-k8s.io/v1beta2';
const CORE = 'cluster.x-k8s.io/v1beta2';
const holder = (kind: string, fieldPath: string, name = 'x') => ({
  apiVersion: CORE,
  kind,
  name,
  namespace: 'default',
  fieldPath,
});
const item = (
  uid: string,
  h: ReturnType<typeof holder>,
  object: Record<string, unknown>,
  variables = {},
): RequestItem => ({
  uid,
  holder: h,
  object,
  variables,
});

describe('case 1: correct variable values', () => {
  const patch = {
    name: 'clusterName',
    definitions: [
      {
        selector: { apiVersion: CP, kind: 'ControlPlaneTemplate', matchResources: { controlPlane: true } },
        jsonPatches: [
          { op: 'replace', path: '/spec/value', value: 1 },
          { op: 'replace', path: '/spec/valueFrom/variable', valueFrom: { variable: 'variableA' } },
          {
            op: 'replace',
            path: '/spec/valueFrom/template',
            valueFrom: { template: 'template {{ .variableB | lower | repeat 5 }}' },
          },
          { op: 'replace', path: '/spec/templatePrecedent', valueFrom: { variable: 'variableC' } },
          {
            op: 'replace',
            path: '/spec/builtinClusterName',
            valueFrom: { variable: 'builtin.cluster.name' },
          },
          {
            op: 'replace',
            path: '/spec/builtinControlPlaneReplicas',
            valueFrom: { variable: 'builtin.controlPlane.replicas' },
          },
          {
            op: 'replace',
            path: '/spec/template/spec/files',
            valueFrom: {
              template:
                '[{"contentFrom":{"secret":{"key":"control-plane-azure.json","name":"{{ .builtin.controlPlane.machineTemplate.infrastructureRef.name }}-azure-json"}}}]',
            },
          },
        ],
      },
    ],
  };
  it('computes every value', () => {
    const res = generateInlinePatch(patch, {
      variables: {
        builtin: {
          cluster: {
            name: 'cluster-name',
            namespace: 'default',
            topology: { class: 'clusterClass1', version: 'v1.21.1' },
          },
        },
        variableA: 'A',
        variableB: 'B',
        variableC: 'C',
      },
      items: [
        item(
          '1',
          holder('Cluster', 'spec.controlPlaneRef', 'my-cluster'),
          { apiVersion: CP, kind: 'ControlPlaneTemplate' },
          {
            builtin: {
              controlPlane: {
                replicas: 3,
                machineTemplate: {
                  infrastructureRef: { name: 'controlPlaneInfrastructureMachineTemplate1' },
                },
              },
            },
            variableC: 'C-template',
          },
        ),
      ],
    });
    expect(res.map((r) => ({ uid: r.uid, patch: r.patch }))).toEqual([
      {
        uid: '1',
        patch: [
          { op: 'replace', path: '/spec/value', value: 1 },
          { op: 'replace', path: '/spec/valueFrom/variable', value: 'A' },
          { op: 'replace', path: '/spec/valueFrom/template', value: 'template bbbbb' },
          { op: 'replace', path: '/spec/templatePrecedent', value: 'C-template' },
          { op: 'replace', path: '/spec/builtinClusterName', value: 'cluster-name' },
          { op: 'replace', path: '/spec/builtinControlPlaneReplicas', value: 3 },
          {
            op: 'replace',
            path: '/spec/template/spec/files',
            value: [
              {
                contentFrom: {
                  secret: {
                    key: 'control-plane-azure.json',
                    name: 'controlPlaneInfrastructureMachineTemplate1-azure-json',
                  },
                },
              },
            ],
          },
        ],
      },
    ]);
  });
});

describe('case 2: multiple definitions', () => {
  it('renders one response item per matching definition, remove without value', () => {
    const res = generateInlinePatch(
      {
        name: 'clusterName',
        definitions: [
          {
            selector: {
              apiVersion: CP,
              kind: 'ControlPlaneTemplate',
              matchResources: { controlPlane: true },
            },
            jsonPatches: [
              { op: 'replace', path: '/spec/a', valueFrom: { variable: 'builtin.cluster.name' } },
              {
                op: 'replace',
                path: '/spec/files',
                valueFrom: {
                  template:
                    '- contentFrom:\n    secret:\n      key: control-plane-azure.json\n      name: "{{ .builtin.cluster.name }}-control-plane-azure-json"\n  owner: root:root\n',
                },
              },
              { op: 'remove', path: '/spec/b' },
            ],
          },
          {
            selector: {
              apiVersion: BOOT,
              kind: 'BootstrapTemplate',
              matchResources: { machineDeploymentClass: { names: ['default-worker'] } },
            },
            jsonPatches: [
              { op: 'replace', path: '/spec/c', valueFrom: { variable: 'builtin.cluster.name' } },
            ],
          },
          {
            selector: {
              apiVersion: BOOT,
              kind: 'BootstrapTemplate',
              matchResources: { machinePoolClass: { names: ['default-mp-worker'] } },
            },
            jsonPatches: [
              {
                op: 'replace',
                path: '/spec/files',
                valueFrom: {
                  template: '[{"name":"{{ .builtin.cluster.name }}-mp-0-azure-json","owner":"root:root"}]',
                },
              },
            ],
          },
        ],
      },
      {
        variables: { builtin: { cluster: { name: 'cluster-name' } } },
        items: [
          item('1', holder('Cluster', 'spec.controlPlaneRef'), {
            apiVersion: CP,
            kind: 'ControlPlaneTemplate',
          }),
          item(
            '2',
            holder('MachineDeployment', 'spec.template.spec.bootstrap.configRef'),
            { apiVersion: BOOT, kind: 'BootstrapTemplate' },
            {
              builtin: { machineDeployment: { class: 'default-worker' } },
            },
          ),
          item(
            '3',
            holder('MachinePool', 'spec.template.spec.bootstrap.configRef'),
            { apiVersion: BOOT, kind: 'BootstrapTemplate' },
            {
              builtin: { machinePool: { class: 'default-mp-worker' } },
            },
          ),
        ],
      },
    );
    expect(res.map((r) => [r.uid, r.patch])).toEqual([
      [
        '1',
        [
          { op: 'replace', path: '/spec/a', value: 'cluster-name' },
          {
            op: 'replace',
            path: '/spec/files',
            value: [
              {
                contentFrom: {
                  secret: { key: 'control-plane-azure.json', name: 'cluster-name-control-plane-azure-json' },
                },
                owner: 'root:root',
              },
            ],
          },
          { op: 'remove', path: '/spec/b' },
        ],
      ],
      ['2', [{ op: 'replace', path: '/spec/c', value: 'cluster-name' }]],
      [
        '3',
        [
          {
            op: 'replace',
            path: '/spec/files',
            value: [{ name: 'cluster-name-mp-0-azure-json', owner: 'root:root' }],
          },
        ],
      ],
    ]);
    expect('value' in res[0].patch[2]).toBe(false);
  });
});

describe('case 3: selector matching', () => {
  const azureMT = { apiVersion: INFRA, kind: 'AzureMachineTemplate' };
  const sel = (apiVersion: string, kind: string, matchResources?: Record<string, unknown>) => ({
    apiVersion,
    kind,
    matchResources,
  });
  const md = (
    cls: string,
    k = 'MachineDeployment',
    fieldPath = 'spec.template.spec.bootstrap.configRef',
    object: Record<string, unknown> = { apiVersion: BOOT, kind: 'BootstrapTemplate' },
  ) =>
    item(
      '1',
      holder(k, fieldPath),
      object,
      k === 'MachineDeployment'
        ? { builtin: { machineDeployment: { class: cls } } }
        : { builtin: { machinePool: { class: cls } } },
    );
  const rows: Array<[string, RequestItem, ReturnType<typeof sel>, boolean]> = [
    [
      'apiVersion differs',
      item('1', holder('Cluster', 'spec.infrastructureRef'), azureMT),
      sel('infrastructure.cluster.x-k8s.io/v1alpha4', 'AzureMachineTemplate', {
        infrastructureCluster: true,
      }),
      false,
    ],
    [
      'kind differs',
      item('1', holder('Cluster', 'spec.infrastructureRef'), azureMT),
      sel(INFRA, 'AzureClusterTemplate', { infrastructureCluster: true }),
      false,
    ],
    [
      'infrastructure cluster',
      item('1', holder('Cluster', 'spec.infrastructureRef'), {
        apiVersion: INFRA,
        kind: 'AzureClusterTemplate',
      }),
      sel(INFRA, 'AzureClusterTemplate', { infrastructureCluster: true }),
      true,
    ],
    [
      'infrastructure cluster unset',
      item('1', holder('Cluster', 'spec.infrastructureRef'), {
        apiVersion: INFRA,
        kind: 'AzureClusterTemplate',
      }),
      sel(INFRA, 'AzureClusterTemplate', {}),
      false,
    ],
    [
      'infrastructure cluster false',
      item('1', holder('Cluster', 'spec.infrastructureRef'), {
        apiVersion: INFRA,
        kind: 'AzureClusterTemplate',
      }),
      sel(INFRA, 'AzureClusterTemplate', { infrastructureCluster: false }),
      false,
    ],
    [
      'control plane',
      item('1', holder('Cluster', 'spec.controlPlaneRef'), { apiVersion: CP, kind: 'ControlPlaneTemplate' }),
      sel(CP, 'ControlPlaneTemplate', { controlPlane: true }),
      true,
    ],
    [
      'control plane unset',
      item('1', holder('Cluster', 'spec.controlPlaneRef'), { apiVersion: CP, kind: 'ControlPlaneTemplate' }),
      sel(CP, 'ControlPlaneTemplate'),
      false,
    ],
    [
      'cp machine template, v1beta1 contract',
      item('1', holder('KubeadmControlPlane', 'spec.machineTemplate.infrastructureRef'), azureMT),
      sel(INFRA, 'AzureMachineTemplate', { controlPlane: true }),
      true,
    ],
    [
      'cp machine template, v1beta2 contract',
      item('1', holder('KubeadmControlPlane', 'spec.machineTemplate.spec.infrastructureRef'), azureMT),
      sel(INFRA, 'AzureMachineTemplate', { controlPlane: true }),
      true,
    ],
    [
      'MD class',
      md('classA'),
      sel(BOOT, 'BootstrapTemplate', { machineDeploymentClass: { names: ['classA'] } }),
      true,
    ],
    [
      'MP class',
      md('classA', 'MachinePool'),
      sel(BOOT, 'BootstrapTemplate', { machinePoolClass: { names: ['classA'] } }),
      true,
    ],
    [
      'MD *',
      md('classA'),
      sel(BOOT, 'BootstrapTemplate', { machineDeploymentClass: { names: ['*'] } }),
      true,
    ],
    [
      'MP *',
      md('classA', 'MachinePool'),
      sel(BOOT, 'BootstrapTemplate', { machinePoolClass: { names: ['*'] } }),
      true,
    ],
    [
      'MD prefix*',
      md('class-A'),
      sel(BOOT, 'BootstrapTemplate', { machineDeploymentClass: { names: ['class-*'] } }),
      true,
    ],
    [
      'MD *suffix',
      md('class-A'),
      sel(BOOT, 'BootstrapTemplate', { machineDeploymentClass: { names: ['*-A'] } }),
      true,
    ],
    [
      'MP *suffix',
      md('class-A', 'MachinePool'),
      sel(BOOT, 'BootstrapTemplate', { machinePoolClass: { names: ['*-A'] } }),
      true,
    ],
    [
      'MD empty names',
      md('classA'),
      sel(BOOT, 'BootstrapTemplate', { machineDeploymentClass: { names: [] } }),
      false,
    ],
    ['MD no class matcher', md('classA'), sel(BOOT, 'BootstrapTemplate', {}), false],
    [
      'MD other class',
      md('classA'),
      sel(BOOT, 'BootstrapTemplate', { machineDeploymentClass: { names: ['classB'] } }),
      false,
    ],
    [
      'MD infrastructure ref',
      md('classA', 'MachineDeployment', 'spec.template.spec.infrastructureRef', azureMT),
      sel(INFRA, 'AzureMachineTemplate', { machineDeploymentClass: { names: ['classA'] } }),
      true,
    ],
    [
      'MP infrastructure ref',
      md('classA', 'MachinePool', 'spec.template.spec.infrastructureRef', {
        apiVersion: INFRA,
        kind: 'AzureMachinePoolTemplate',
      }),
      sel(INFRA, 'AzureMachinePoolTemplate', { machinePoolClass: { names: ['classA'] } }),
      true,
    ],
    [
      'unknown holder field path',
      item('1', holder('Custom', 'spec.machineTemplate.unknown.infrastructureRef'), {
        apiVersion: CP,
        kind: 'ControlPlaneTemplate',
      }),
      sel(CP, 'ControlPlaneTemplate', { controlPlane: true }),
      false,
    ],
  ];
  for (const [name, it_, s, want] of rows)
    it(`${name} -> ${want}`, () => expect(matchesSelector(it_, s as any)).toBe(want));
});

describe('case 4: enabledIf', () => {
  const builtin = { cluster: { topology: { version: 'v1.21.1' } } };
  const rows: Array<[string, Record<string, unknown>, boolean]> = [
    ['', {}, true],
    ['true', {}, true],
    ['\ntrue\n', {}, true],
    ['false', {}, false],
    ['{{ .httpProxyEnabled }}', { httpProxyEnabled: true }, true],
    ['\n{{ .httpProxyEnabled }}\n', { httpProxyEnabled: true }, true],
    ['{{ .httpProxyEnabled }}', { httpProxyEnabled: false }, false],
    ['{{ if eq "v1.21.1" .builtin.cluster.topology.version }}true{{end}}', { builtin }, true],
    ['{{ if eq "v1.21.2" .builtin.cluster.topology.version }}true{{end}}', { builtin }, false],
    ['{{ if eq "v1.21.1" .builtin.cluster.topology.version }}true{{else}}false{{end}}', { builtin }, true],
    ['{{ if eq "v1.21.2" .builtin.cluster.topology.version }}true{{else}}false{{end}}', { builtin }, false],
    ['{{ if .variableA }}true{{end}}', { variableA: 'abc' }, true],
    ['{{ if .variableA }}true{{end}}', { variableA: '' }, false],
    ['{{ if .variableA }}true{{end}}', { variableB: '' }, false],
    [
      '{{ if .httpProxy.enabled }}true{{end}}',
      { httpProxy: { enabled: true, url: 'localhost:3128', noProxy: 'internal.example.com' } },
      true,
    ],
    [
      '{{ if .httpProxy.enabled }}true{{end}}',
      { httpProxy: { enabled: false, url: 'localhost:3128' } },
      false,
    ],
  ];
  for (const [tpl, vars, want] of rows)
    it(`${JSON.stringify(tpl)} -> ${want}`, () => expect(patchIsEnabled(tpl, vars)).toBe(want));
  it('a template that does not parse is an error', () => {
    expect(() => patchIsEnabled('{{ variable }}', {})).toThrow(
      /failed to calculate value for enabledIf: failed to parse template/,
    );
  });
});

describe('case 5: valueFrom.variable with arrays', () => {
  const ok: Array<[string, Record<string, unknown>, unknown]> = [
    ['variableArray', { variableArray: ['abc', 'def'] }, ['abc', 'def']],
    ['variableArray[0]', { variableArray: ['abc', 'def'] }, 'abc'],
    ['variableArray.firstLevel', { variableArray: { firstLevel: ['abc', 'def'] } }, ['abc', 'def']],
    [
      'variableArray.firstLevel[1]',
      { variableArray: { firstLevel: [{ secondLevel: 'firstElement' }, { secondLevel: 'secondElement' }] } },
      { secondLevel: 'secondElement' },
    ],
    [
      'variableArray.firstLevel[1].secondLevel',
      { variableArray: { firstLevel: [{ secondLevel: 'firstElement' }, { secondLevel: 'secondElement' }] } },
      'secondElement',
    ],
  ];
  for (const [path, vars, want] of ok) it(path, () => expect(getVariableValue(vars, path)).toEqual(want));
  const one = { variableArray: { firstLevel: [{ secondLevel: 'firstElement' }] } };
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['variableArray.firstLevel[', one, /failed to parse path segment "firstLevel\["/],
    ['variableArray.firstLevel]', one, /failed to parse path segment "firstLevel]"/],
    ['variableArray.firstLevel[]', one, /failed to parse array index in path segment "firstLevel\[\]"/],
    ['variableArray.firstLevel[someText]', one, /failed to parse array index/],
    ['variableArray.firstLevel[-1]', one, /invalid array index -1 in path segment/],
    ['variableArray.firstLevel[1]', one, /array does not have index 1/],
    [
      'variableArray.firstLevel[1]',
      { variableArray: { firstLevel: { secondLevel: 'firstElement' } } },
      /failed to get array "firstLevel"/,
    ],
  ];
  for (const [path, vars, re] of bad)
    it(`${path} fails`, () => expect(() => getVariableValue(vars, path)).toThrow(re));
});

describe('case 6: value and valueFrom', () => {
  const builtin = {
    cluster: {
      name: 'cluster-name',
      namespace: 'default',
      topology: { class: 'clusterClass1', version: 'v1.21.1' },
    },
  };
  it('rejects ambiguous or empty specifications with upstream wording', () => {
    expect(() => calculateValue({ op: 'add', path: '/spec' }, {})).toThrow(
      'neither .value nor .valueFrom are set',
    );
    expect(() =>
      calculateValue({ op: 'add', path: '/spec', value: 'value', valueFrom: { variable: 'variableA' } }, {}),
    ).toThrow('both .value and .valueFrom are set');
    expect(() =>
      calculateValue(
        { op: 'add', path: '/spec', valueFrom: { variable: 'variableA', template: 'template' } },
        {},
      ),
    ).toThrow('both .valueFrom.variable and .valueFrom.template are set');
    expect(() => calculateValue({ op: 'add', path: '/spec', valueFrom: {} }, {})).toThrow(
      'neither .valueFrom.variable nor .valueFrom.template are set',
    );
  });
  it('resolves values, variables, builtins and templates', () => {
    const v = (valueFrom: any, vars: Record<string, unknown>) =>
      calculateValue({ op: 'add', path: '/spec', valueFrom }, vars);
    expect(calculateValue({ op: 'add', path: '/spec', value: 'value' }, {})).toBe('value');
    expect(v({ variable: 'variableA' }, { variableA: 'value' })).toBe('value');
    expect(() => v({ variable: 'variableA' }, { variableB: 'value' })).toThrow(
      'variable "variableA" does not exist',
    );
    expect(
      v({ variable: 'builtin.controlPlane.replicas' }, { builtin: { controlPlane: { replicas: 3 } } }),
    ).toBe(3);
    expect(v({ variable: 'builtin.cluster.topology.version' }, { builtin })).toBe('v1.21.1');
    expect(v({ variable: 'builtin.cluster' }, { builtin })).toEqual(builtin.cluster);
    expect(v({ variable: 'builtin.cluster.topology' }, { builtin })).toEqual({
      class: 'clusterClass1',
      version: 'v1.21.1',
    });
    expect(v({ template: '{{ .variableA }}' }, { variableA: 'value' })).toBe('value');
    const obj = { firstLevel: { secondLevel: { leaf: 'value' } } };
    expect(v({ variable: 'variableObject.firstLevel.secondLevel' }, { variableObject: obj })).toEqual({
      leaf: 'value',
    });
    expect(v({ variable: 'variableObject.firstLevel.secondLevel.leaf' }, { variableObject: obj })).toBe(
      'value',
    );
    expect(() => v({ variable: 'variableObject.nonExistingProperty' }, { variableObject: obj })).toThrow(
      'failed to lookup segment "nonExistingProperty"',
    );
    try {
      getVariableValue({ anotherObject: {} }, 'variableObject.enumProperty');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VariableNotFoundError);
    }
  });
});

describe('case 7: template rendering quirks', () => {
  const obj = { firstLevel: { secondLevel: { leaf: 'value' } } };
  const rows: Array<[string, Record<string, unknown>, unknown]> = [
    ['{{ .stringVariable }}', { stringVariable: 'bar' }, 'bar'],
    ['{{ .integerVariable }}', { integerVariable: 3 }, 3],
    ['{{ .numberVariable }}', { numberVariable: 2.5 }, 2.5],
    ['{{ .booleanVariable }}', { booleanVariable: true }, true],
    [
      '{{ if .vnetName }}{{.vnetName}}{{else}}{{.builtin.cluster.name}}-vnet{{end}}',
      { vnetName: 'custom-network', builtin: { cluster: { name: 'cluster1' } } },
      'custom-network',
    ],
    [
      '{{ if .vnetName }}{{.vnetName}}{{else}}{{.builtin.cluster.name}}-vnet{{end}}',
      { builtin: { cluster: { name: 'cluster1' } } },
      'cluster1-vnet',
    ],
    ['{{ .variableObject }}', { variableObject: obj }, 'map[firstLevel:map[secondLevel:map[leaf:value]]]'],
    ['{{ .variableObject.firstLevel }}', { variableObject: obj }, 'map[secondLevel:map[leaf:value]]'],
    ['{{ .variableObject.firstLevel.secondLevel.leaf }}', { variableObject: obj }, 'value'],
    ['{{ .variableObject.firstLevel.secondLevel.anotherLeaf }}', { variableObject: obj }, '<no value>'],
    [
      '{\n{{ range $key, $value := .variableObject }}\n  "{{$key}}-modified": "{{$value}}",\n{{end}}\n}',
      { variableObject: { key1: 'value1', key2: 'value2' } },
      { 'key1-modified': 'value1', 'key2-modified': 'value2' },
    ],
    [
      '{{ .variableArray }}',
      { variableArray: ['string1', 'string2', 'string3'] },
      ['string1 string2 string3'],
    ],
    [
      '{ {{ range .variableArray }} "{{.}}-modified": "value", {{end}} }',
      { variableArray: ['string1', 'string2', 'string3'] },
      { 'string1-modified': 'value', 'string2-modified': 'value', 'string3-modified': 'value' },
    ],
    ['{{ index .variableArray 1 }}', { variableArray: ['string1', 'string2', 'string3'] }, 'string2'],
    [
      '{{ (index .variableArray 1).propertyA }}',
      {
        variableArray: [
          { propertyA: 'A0', propertyB: 'B0' },
          { propertyA: 'A1', propertyB: 'B1' },
        ],
      },
      'A1',
    ],
    [
      '{{ (index .mdConfig .builtin.machineDeployment.class).config }}',
      {
        mdConfig: { mdClass1: { config: 'configValue1' }, mdClass2: { config: 'configValue2' } },
        builtin: { machineDeployment: { class: 'mdClass2' } },
      },
      'configValue2',
    ],
    [
      '{{ (index .mdConfig .builtin.machineDeployment.version).config }}',
      {
        mdConfig: { 'v1.21.0': { config: 'configValue1' }, 'v1.21.1': { config: 'configValue2' } },
        builtin: { machineDeployment: { version: 'v1.21.1' } },
      },
      'configValue2',
    ],
    [
      '- contentFrom:\n    secret:\n      name: "{{ .builtin.cluster.name }}-control-plane-azure-json"',
      { builtin: { cluster: { name: 'cluster1' } } },
      [{ contentFrom: { secret: { name: 'cluster1-control-plane-azure-json' } } }],
    ],
    // timestamps stay text, as Cluster API reads them (a JS Date would become {})
    [
      'creationTimestamp: 2025-01-01T00:00:00Z\ndate: {{ .d }}',
      { d: '2001-12-14' },
      { creationTimestamp: '2025-01-01T00:00:00Z', date: '2001-12-14' },
    ],
  ];
  for (const [tpl, vars, want] of rows)
    it(JSON.stringify(tpl), () => expect(renderValueTemplate(tpl, vars)).toEqual(want));
  it('an undefined function is a parse error', () => {
    expect(() => renderValueTemplate('{{ booleanVariable }}', {})).toThrow(
      /failed to parse template: "\{\{ booleanVariable \}\}": template: tpl:1: function "booleanVariable" not defined/,
    );
  });
});

describe('case 14: patch admission rules', () => {
  const cc = (jsonPatches: unknown[], extra: Record<string, unknown> = {}) => ({
    apiVersion: CORE,
    kind: 'ClusterClass',
    metadata: { name: 'c' },
    spec: {
      infrastructure: { templateRef: { apiVersion: INFRA, kind: 'InfraClusterTemplate', name: 'i' } },
      controlPlane: { templateRef: { apiVersion: CP, kind: 'ControlPlaneTemplate', name: 'cp' } },
      workers: {
        machineDeployments: [
          {
            class: 'aa',
            bootstrap: { templateRef: { apiVersion: BOOT, kind: 'BootstrapTemplate', name: 'b' } },
            infrastructure: { templateRef: { apiVersion: INFRA, kind: 'InfraMachineTemplate', name: 'm' } },
          },
        ],
      },
      variables: [{ name: 'variableName', required: true, schema: { openAPIV3Schema: { type: 'string' } } }],
      patches: [
        {
          name: 'patch1',
          definitions: [
            {
              selector: {
                apiVersion: CP,
                kind: 'ControlPlaneTemplate',
                matchResources: { controlPlane: true },
              },
              jsonPatches,
            },
          ],
          ...extra,
        },
      ],
    },
  });
  const errs = (jsonPatches: unknown[], extra?: Record<string, unknown>) =>
    validatePatches(cc(jsonPatches, extra)).map(issueText);
  const rows: Array<[string, unknown, string | undefined]> = [
    [
      'path outside /spec',
      { op: 'remove', path: '/status/template/spec/variableSetting/variableValue2' },
      'jsonPatch path must start with "/spec"',
    ],
    ['prepend', { op: 'add', path: '/spec/template/0/', value: 'x' }, undefined],
    [
      'add at 1',
      { op: 'add', path: '/spec/template/1/', value: 'x' },
      'arrays can only be accessed using "0" (prepend) or "-" (append)',
    ],
    [
      'add at 01',
      { op: 'add', path: '/spec/template/01/', value: 'x' },
      'arrays can only be accessed using "0" (prepend) or "-" (append)',
    ],
    [
      'remove by index',
      { op: 'remove', path: '/spec/template/0/' },
      'elements in arrays can not be accessed in a remove operation',
    ],
    [
      'replace by index',
      { op: 'replace', path: '/spec/template/0/', value: 'x' },
      'elements in arrays can not be accessed in a replace operation',
    ],
    ['neither value', { op: 'add', path: '/spec/x' }, 'jsonPatch must define one of value or valueFrom'],
    [
      'both values',
      { op: 'add', path: '/spec/x', value: 'v', valueFrom: { variable: 'variableName' } },
      'jsonPatch can not define both value and valueFrom',
    ],
    [
      'undefined variable',
      { op: 'add', path: '/spec/x', valueFrom: { variable: 'undefinedVariable' } },
      'variable with name undefinedVariable cannot be found',
    ],
    ['defined variable', { op: 'add', path: '/spec/x', valueFrom: { variable: 'variableName' } }, undefined],
    [
      'nested variable',
      { op: 'add', path: '/spec/x', valueFrom: { variable: 'variableName.nestedField' } },
      undefined,
    ],
    [
      'unknown builtin',
      { op: 'add', path: '/spec/x', valueFrom: { variable: 'builtin.notDefined' } },
      'not a defined builtin variable',
    ],
    [
      'known builtin',
      { op: 'add', path: '/spec/x', valueFrom: { variable: 'builtin.machineDeployment.version' } },
      undefined,
    ],
    ['bad op', { op: 'move', path: '/spec/x' }, 'Unsupported value'],
    [
      'template does not parse',
      { op: 'add', path: '/spec/x', valueFrom: { template: '{{ .a ' } },
      'template can not be parsed',
    ],
  ];
  for (const [name, jp, want] of rows)
    it(name, () => {
      const e = errs([jp]);
      if (want === undefined) expect(e).toEqual([]);
      else expect(e.join('\n')).toContain(want);
    });
  it('names: empty, "inline", duplicates', () => {
    const c = cc([{ op: 'add', path: '/spec/x', value: 1 }]) as any;
    c.spec.patches.push(
      { ...c.spec.patches[0] },
      { ...c.spec.patches[0], name: '' },
      { ...c.spec.patches[0], name: 'inline' },
    );
    const e = validatePatches(c).map(issueText);
    expect(e).toContain(
      'spec.patches[1].name: Invalid value: "patch1": patch names must be unique. Patch with name "patch1" is defined more than once',
    );
    expect(e).toContain('spec.patches[2].name: Required value: patch name must be defined');
    expect(e).toContain(
      'spec.patches[3].name: Required value: "inline" can not be used as the name of a patch',
    );
  });
  it('enabledIf must parse', () => {
    expect(
      errs([{ op: 'add', path: '/spec/x', value: 1 }], { enabledIf: '{{ variable }}' }).join('\n'),
    ).toContain('spec.patches[0].enabledIf: Invalid value: "{{ variable }}": template can not be parsed');
  });
  it('every enabled selector must match something in the class', () => {
    const c = cc([{ op: 'add', path: '/spec/x', value: 1 }]) as any;
    c.spec.patches[0].definitions[0].selector = {
      apiVersion: INFRA,
      kind: 'NotMatchingInfrastructureMachineTemplate',
      matchResources: {
        controlPlane: true,
        infrastructureCluster: true,
        machineDeploymentClass: { names: ['bb'] },
      },
    };
    expect(validatePatches(c).map((i) => i.field)).toEqual([
      'spec.patches[0].definitions[0].selector.matchResources.infrastructureCluster',
      'spec.patches[0].definitions[0].selector.matchResources.controlPlane',
      'spec.patches[0].definitions[0].selector.matchResources.machineDeploymentClass.names[0]',
    ]);
  });
  it('"*" only at the start or the end, once', () => {
    const c = cc([{ op: 'add', path: '/spec/x', value: 1 }]) as any;
    c.spec.patches[0].definitions[0].selector = {
      apiVersion: BOOT,
      kind: 'BootstrapTemplate',
      matchResources: { machineDeploymentClass: { names: ['a*a'] } },
    };
    expect(validatePatches(c).map(issueText).join('\n')).toContain(
      '"*" rune can only appear at the beginning, or ending of the selector',
    );
    c.spec.patches[0].definitions[0].selector.matchResources.machineDeploymentClass.names = ['*a*'];
    expect(validatePatches(c).map(issueText).join('\n')).toContain(
      'selector can at most contain a single "*" rune',
    );
    c.spec.patches[0].definitions[0].selector.matchResources.machineDeploymentClass.names = ['a*'];
    expect(validatePatches(c)).toEqual([]);
  });
  it('no selector enabled', () => {
    const c = cc([{ op: 'add', path: '/spec/x', value: 1 }]) as any;
    c.spec.patches[0].definitions[0].selector.matchResources = {};
    expect(validatePatches(c).map((i) => i.detail)).toEqual(['no selector enabled']);
  });
});

describe('case 15: global builtins', () => {
  it('builds builtin.cluster with cleaned annotations and a defaulted class namespace', () => {
    const b = clusterBuiltin({
      metadata: {
        name: 'cluster1',
        namespace: 'default',
        uid: '8a35f406-6b9b-4b78-8c93-a7f878d90623',
        labels: { foo: 'bar' },
        annotations: {
          fizz: 'buzz',
          'kubectl.kubernetes.io/last-applied-configuration': 'should not be copied to builtin variables',
          'cluster.x-k8s.io/conversion-data': 'should not be copied to builtin variables',
        },
      },
      spec: {
        topology: { classRef: { name: 'clusterClass1' }, version: 'v1.21.1' },
        clusterNetwork: {
          services: { cidrBlocks: ['10.10.10.1/24'] },
          pods: { cidrBlocks: ['11.10.10.1/24'] },
          serviceDomain: 'cluster.local',
        },
      },
    });
    expect(JSON.stringify(b)).toBe(
      JSON.stringify({
        name: 'cluster1',
        namespace: 'default',
        uid: '8a35f406-6b9b-4b78-8c93-a7f878d90623',
        metadata: { labels: { foo: 'bar' }, annotations: { fizz: 'buzz' } },
        topology: {
          version: 'v1.21.1',
          classRef: { name: 'clusterClass1', namespace: 'default' },
          class: 'clusterClass1',
          classNamespace: 'default',
        },
        network: { serviceDomain: 'cluster.local', services: ['10.10.10.1/24'], pods: ['11.10.10.1/24'] },
      }),
    );
  });
});
