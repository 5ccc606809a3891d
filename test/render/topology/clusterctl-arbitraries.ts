/**
 * Generated cases for the clusterctl differential test: a ClusterClass (v1beta1, Cluster API v1.10's
 * fields only) with generic templates, typed variables with defaults, patches (selectors on every
 * kind of template, enabledIf, values from literals, variables, builtins and Go templates, add /
 * replace / remove and array positions), and a Cluster over it (control plane topology or none,
 * MachineDeployments and MachinePools with overrides, health checks, naming templates). Seeded and
 * bounded (`RUNS`): each case is one clusterctl run.
 *
 * The generator aims at valid inputs, not at every one of them: a case Cluster API refuses
 * (a patch that cannot apply, say) must be refused by clustermint too, which the test checks.
 */
import fc from 'fast-check';
import type { PlainObject } from '../../../src/util/plain-object.js';

export interface GeneratedCase {
  name: string;
  cluster: PlainObject;
  classDocs: PlainObject[];
}

/** CLUSTERCTL_DIFF_SEED and CLUSTERCTL_DIFF_RUNS explore further locally (CI keeps these). */
export const SEED = Number(process.env.CLUSTERCTL_DIFF_SEED ?? 20_260_413);
export const RUNS = Number(process.env.CLUSTERCTL_DIFF_RUNS ?? 20);

const INFRA = 'infrastructure.cluster.x-k8s.io/v1beta1';
const CP = 'controlplane.cluster.x-k8s.io/v1beta1';
const BOOT = 'bootstrap.cluster.x-k8s.io/v1beta1';

type VarType = 'string' | 'integer' | 'boolean' | 'object' | 'array';
interface Variable {
  name: string;
  type: VarType;
  required: boolean;
  withDefault: boolean;
  /** The Cluster sets it. */
  set: boolean;
  /** A value for the Cluster, and one for overrides. */
  value: unknown;
  override: unknown;
}

const word = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'x', 'y-z', 'v1.2.3', '10', 'true', '');
const ident = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');

const scalarFor = (type: VarType): fc.Arbitrary<unknown> => {
  switch (type) {
    case 'string':
      return fc.constantFrom('alpha', 'beta', 'gamma');
    case 'integer':
      return fc.integer({ min: 1, max: 9 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fc.constantFrom('one', 'two', 'three'), { minLength: 1, maxLength: 3 });
    case 'object':
      return fc.record(
        { size: fc.integer({ min: 1, max: 4 }), label: fc.constantFrom('l1', 'l2') },
        { requiredKeys: ['size'] },
      );
  }
};

const variableArb = (name: string): fc.Arbitrary<Variable> =>
  fc
    .record({
      type: fc.constantFrom<VarType>('string', 'integer', 'boolean', 'object', 'array'),
      required: fc.boolean(),
      withDefault: fc.boolean(),
      set: fc.boolean(),
    })
    .chain((v) =>
      fc.record({
        name: fc.constant(name),
        type: fc.constant(v.type),
        required: fc.constant(v.required),
        withDefault: fc.constant(v.withDefault),
        // a required variable is set (else the Cluster webhook refuses it: tested by hand-written cases)
        set: fc.constant(v.set || v.required),
        value: scalarFor(v.type),
        override: scalarFor(v.type),
      }),
    );

function variableSchema(v: Variable): PlainObject {
  const base: PlainObject = { type: v.type };
  if (v.type === 'string') base.enum = ['alpha', 'beta', 'gamma'];
  if (v.type === 'integer') Object.assign(base, { minimum: 0, maximum: 10 });
  if (v.type === 'array') base.items = { type: 'string' };
  if (v.type === 'object')
    base.properties = {
      size: { type: 'integer', default: 2 },
      label: { type: 'string', default: 'unset' },
      nested: { type: 'object', properties: { deep: { type: 'string', default: 'd' } } },
    };
  if (v.withDefault)
    base.default = { string: 'beta', integer: 3, boolean: true, array: ['zero'], object: {} }[v.type];
  return base;
}

/** Where a patch goes: a template of the class, and the selector that finds it. */
type Target = 'infrastructureCluster' | 'controlPlane' | 'controlPlaneMachines' | 'md' | 'mp';

interface Op {
  kind:
    | 'literal'
    | 'variable'
    | 'builtin'
    | 'template'
    | 'templateObject'
    | 'replace'
    | 'remove'
    | 'append'
    | 'prepend'
    | 'yaml'
    | 'sprig';
  field: string;
  variable: number;
  literal: unknown;
  builtin: number;
  /** Which YAML_OUTPUTS or SPRIG_TEMPLATES entry. */
  pick: number;
}

/**
 * Template outputs that go-yaml v2 (YAML 1.1) reads in its own way: octal and sexagesimal
 * numbers, booleans and nulls by word, special floats (JSON cannot hold them), timestamps that stay
 * text, tags, flow and block collections, anchors, and a few errors.
 */
const YAML_OUTPUTS = [
  '0755',
  '0x1F',
  '1_000',
  '+12',
  '-0',
  '.5',
  '1e3',
  '1.0e+3',
  '6.8523015e+5',
  '190:20:30',
  '1:20',
  '.inf',
  '-.Inf',
  '.NaN',
  '~',
  'Null',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  '2001-12-14t21:59:43.10-05:00',
  '2002-12-14',
  '!!str 5',
  '!!int "7"',
  '"quoted"',
  "'single ''q'''",
  '[1, two, 3.0]',
  '{a: 1, b: [x]}',
  '- a\n- b: c',
  'a: [b]\nc: {d: e}',
  '"\\u00e9\\t"',
  '&x 1',
  '*y',
  '? a\n: b',
  '|\n  block\n  text',
  '>\n  folded\n  text',
  'a: b: c',
  '@x',
  '`x`',
  'a: 1\na: 2',
  'k: 12345678901234567890',
  '0o17',
  '0b1010',
  '- \n- x',
];

/** Go templates over a variable (VAR) with sprig, read back as YAML. */
const SPRIG_TEMPLATES = [
  '{{ .VAR | toYaml }}',
  '{{ .VAR | toJson | b64enc }}',
  '{{ printf "%v" .VAR }}',
  '{{ printf "%q %T" .VAR .VAR }}',
  '{{ default "dflt" .VAR }}',
  '{{ ternary "empty" "set" (empty .VAR) }}',
  '{{ .VAR | kindOf }} {{ typeOf .VAR }}',
  '{{ .VAR | toString | upper | trunc 3 }}',
  '{{ dict "a" .VAR "b" .builtin.cluster.name | toJson }}',
  '{{ list .VAR .builtin.cluster.topology.version | toJson }}',
  '{{ .VAR | quote }}',
  '{{ .VAR | squote }}',
  '{{ regexReplaceAll "[aeiou]" (toString .VAR) "_" }}',
  '{{ sha256sum (toString .VAR) | trunc 8 }}',
  '{{ .VAR | toPrettyJson }}',
  '{{ if kindIs "map" .VAR }}{{ keys .VAR | sortAlpha | join "," }}{{ else }}{{ .VAR }}{{ end }}',
  '{{ (semver .builtin.cluster.topology.version).Minor }}.{{ (semver .builtin.cluster.topology.version).IncPatch }}',
  '{{ len .VAR }}',
  '{{ mul (len (toString .VAR)) 2 | add1 }}',
  '{{ .VAR | toString | splitList "a" | toJson }}',
  '{{ range $i, $e := (.VAR | toString | splitList "e") }}{{ $i }}: {{ $e | quote }}\n{{ end }}',
  '{{ coalesce .VAR "fallback" }}',
  '{{ .VAR | toJson | fromJson | toJson }}',
  '{{ hasKey (dict "x" 1) "x" }} {{ contains "a" (toString .VAR) }}',
  '{{ float64 1.5 | mul 2 }} {{ 7 | div 2 }} {{ mod 7 3 }} {{ max 1 5 3 }}',
  '{{ .VAR | indent 2 }}',
];

interface Patch {
  target: Target;
  /** Which worker classes (by index) a MachineDeployment or MachinePool selector names. */
  classes: number[];
  enabledIf: 'none' | 'bool' | 'eq' | 'worker' | 'false';
  ops: Op[];
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<Op['kind']>(
    'literal',
    'variable',
    'builtin',
    'template',
    'templateObject',
    'replace',
    'remove',
    'append',
    'prepend',
    'yaml',
    'sprig',
  ),
  field: ident,
  variable: fc.nat(3),
  literal: fc.oneof(
    word,
    fc.integer({ min: -5, max: 5 }),
    fc.boolean(),
    fc.dictionary(ident, word, { maxKeys: 2 }),
  ),
  builtin: fc.nat(20),
  pick: fc.nat(100),
});

const patchArb: fc.Arbitrary<Patch> = fc.record({
  target: fc.constantFrom<Target>(
    'infrastructureCluster',
    'controlPlane',
    'controlPlaneMachines',
    'md',
    'mp',
  ),
  classes: fc.uniqueArray(fc.nat(1), { minLength: 1, maxLength: 2 }),
  enabledIf: fc.constantFrom<Patch['enabledIf']>('none', 'none', 'bool', 'eq', 'worker', 'false'),
  ops: fc.array(opArb, { minLength: 1, maxLength: 3 }),
});

interface Worker {
  cls: number;
  replicas: number | undefined;
  label: boolean;
  failureDomain: boolean;
  overrides: boolean;
  healthCheck: 'class' | 'off' | 'own';
  /** MachineDeployment strategy (v1beta1: rollout, deletion order and remediation in one). */
  strategy: 'none' | 'rolling' | 'onDelete' | 'deletePolicy' | 'maxInFlight';
  /** Node deletion timeouts, minReadySeconds, readiness gates. */
  extras: boolean;
}

const workerArb: fc.Arbitrary<Worker> = fc.record({
  cls: fc.nat(1),
  replicas: fc.option(fc.nat(3), { nil: undefined }),
  label: fc.boolean(),
  failureDomain: fc.boolean(),
  overrides: fc.boolean(),
  healthCheck: fc.constantFrom<Worker['healthCheck']>('class', 'off', 'own'),
  strategy: fc.constantFrom<Worker['strategy']>('none', 'rolling', 'onDelete', 'deletePolicy', 'maxInFlight'),
  extras: fc.boolean(),
});

const STRATEGIES: Record<Worker['strategy'], PlainObject | undefined> = {
  none: undefined,
  rolling: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 1 } },
  onDelete: { type: 'OnDelete' },
  deletePolicy: { type: 'RollingUpdate', rollingUpdate: { deletePolicy: 'Newest' } },
  maxInFlight: { remediation: { maxInFlight: '30%' } },
};
const strategyOf = (w: Worker) => {
  const s = STRATEGIES[w.strategy];
  return s ? { strategy: s } : {};
};
const extrasOf = (w: Worker, md: boolean) =>
  w.extras
    ? {
        nodeDrainTimeout: '75s',
        nodeDeletionTimeout: '1m1.5s',
        minReadySeconds: 3,
        ...(md ? { readinessGates: [{ conditionType: 'Topo' }] } : {}),
      }
    : {};

interface Model {
  variables: Variable[];
  patches: Patch[];
  kubeadm: boolean;
  machineInfrastructure: boolean;
  cpHealthCheck: boolean;
  cpTopology: 'none' | 'replicas' | 'full';
  naming: boolean;
  mdClasses: number;
  mpClasses: number;
  mds: Worker[];
  mps: Worker[];
  uid: boolean;
  network: boolean;
  version: string;
  /** The MachineDeployment classes' bootstrap template is a KubeadmConfigTemplate. */
  kubeadmBootstrap: boolean;
  /** A strategy and extras on MachineDeployment class 0. */
  classWorker: Worker;
  rolloutAfter: boolean;
}

const modelArb: fc.Arbitrary<Model> = fc.record({
  variables: fc
    .integer({ min: 1, max: 4 })
    .chain((n) =>
      fc.tuple(...Array.from({ length: n }, (_, i) => variableArb(`var${String.fromCharCode(100 - i)}`))),
    ),
  patches: fc.array(patchArb, { maxLength: 4 }),
  kubeadm: fc.boolean(),
  machineInfrastructure: fc.boolean(),
  cpHealthCheck: fc.boolean(),
  cpTopology: fc.constantFrom<Model['cpTopology']>('none', 'replicas', 'full'),
  naming: fc.boolean(),
  mdClasses: fc.integer({ min: 0, max: 2 }),
  mpClasses: fc.integer({ min: 0, max: 2 }),
  mds: fc.array(workerArb, { maxLength: 3 }),
  mps: fc.array(workerArb, { maxLength: 2 }),
  uid: fc.boolean(),
  network: fc.boolean(),
  version: fc.constantFrom('v1.31.4', '1.32.0', 'v1.30.0-rc.1', 'v1.29.10+build.2'),
  kubeadmBootstrap: fc.boolean(),
  classWorker: workerArb,
  rolloutAfter: fc.boolean(),
});

// Builtins of both Cluster API v1.10 and v1.13 (v1.10's cluster.network.ipFamily and v1.13's
// cluster.topology.classRef are left out), by the template they exist for.
const CLUSTER_BUILTINS = [
  'builtin.cluster.name',
  'builtin.cluster.namespace',
  'builtin.cluster.topology.version',
  'builtin.cluster.topology.class',
  'builtin.cluster.metadata',
];
const NETWORK_BUILTINS = ['builtin.cluster.network.serviceDomain', 'builtin.cluster.network.pods'];
const CONTROL_PLANE_BUILTINS = ['builtin.controlPlane.version', 'builtin.controlPlane.name'];
const MD_BUILTINS = [
  'builtin.machineDeployment.version',
  'builtin.machineDeployment.class',
  'builtin.machineDeployment.topologyName',
  'builtin.machineDeployment.name',
  'builtin.machineDeployment.bootstrap.configRef.name',
  'builtin.machineDeployment.infrastructureRef.name',
];
const MP_BUILTINS = [
  'builtin.machinePool.version',
  'builtin.machinePool.class',
  'builtin.machinePool.topologyName',
  'builtin.machinePool.name',
  'builtin.machinePool.bootstrap.configRef.name',
  'builtin.machinePool.infrastructureRef.name',
];
const ALL_BUILTINS = [
  ...CLUSTER_BUILTINS,
  ...NETWORK_BUILTINS,
  ...CONTROL_PLANE_BUILTINS,
  ...MD_BUILTINS,
  ...MP_BUILTINS,
  'builtin.cluster.uid',
  'builtin.controlPlane.replicas',
  'builtin.controlPlane.machineTemplate.infrastructureRef.name',
  'builtin.machineDeployment.replicas',
  'builtin.machinePool.replicas',
];

/** The builtins a patch on `target` can read in this model (`ALL_BUILTINS` now and then: errors). */
function builtinsFor(m: Model, target: Target, pick: number): string {
  if (pick >= 18) return ALL_BUILTINS[pick % ALL_BUILTINS.length];
  const list = [...CLUSTER_BUILTINS, ...CONTROL_PLANE_BUILTINS];
  if (m.network) list.push(...NETWORK_BUILTINS);
  if (m.uid) list.push('builtin.cluster.uid');
  if (m.cpTopology !== 'none') list.push('builtin.controlPlane.replicas');
  if (m.machineInfrastructure || m.kubeadm)
    list.push('builtin.controlPlane.machineTemplate.infrastructureRef.name');
  if (target === 'md') list.push(...MD_BUILTINS);
  if (target === 'mp') list.push(...MP_BUILTINS);
  return list[pick % list.length];
}

const mdClassName = (i: number) => `md-class-${i}`;
const mpClassName = (i: number) => `mp-class-${i}`;

/** The documents of one model: templates, the ClusterClass, the Cluster. */
export function caseOf(m: Model, index: number): GeneratedCase {
  const name = `gen-${index}`;
  const docs: PlainObject[] = [];
  const template = (apiVersion: string, kind: string, tname: string, spec: PlainObject): PlainObject => {
    const doc = { apiVersion, kind, metadata: { name: tname }, spec: { template: { spec } } };
    docs.push(doc);
    return { apiVersion, kind, name: tname };
  };
  const body = (tag: string) => ({ tag, list: ['first'], keep: 'kept', nested: { a: 1 } });
  const infraRef = template(INFRA, 'GenericInfrastructureClusterTemplate', `${name}-infra`, body('infra'));
  const cpRef = m.kubeadm
    ? template(CP, 'KubeadmControlPlaneTemplate', `${name}-cp`, {
        kubeadmConfigSpec: { preKubeadmCommands: ['echo one'], files: [{ path: '/etc/x', content: 'x' }] },
      })
    : template(CP, 'GenericControlPlaneTemplate', `${name}-cp`, body('cp'));
  // a kubeadm control plane has machines (its CRD requires spec.machineTemplate.infrastructureRef)
  const cpMachinesRef =
    m.machineInfrastructure || m.kubeadm
      ? template(INFRA, 'GenericInfrastructureMachineTemplate', `${name}-cp-machines`, body('cp-machines'))
      : undefined;
  const mdBoot = m.kubeadmBootstrap
    ? template(BOOT, 'KubeadmConfigTemplate', `${name}-kubeadm-boot`, {
        joinConfiguration: { nodeRegistration: { kubeletExtraArgs: { 'node-labels': 'a=b' } } },
        preKubeadmCommands: ['echo hi'],
      })
    : template(BOOT, 'GenericBootstrapConfigTemplate', `${name}-boot`, body('boot'));
  const mdInfra = template(
    INFRA,
    'GenericInfrastructureMachineTemplate',
    `${name}-machines`,
    body('machines'),
  );
  const mpInfra = template(INFRA, 'GenericInfrastructureMachinePoolTemplate', `${name}-pools`, body('pools'));
  const mhc = {
    unhealthyConditions: [{ type: 'Ready', status: 'Unknown', timeout: '5m' }],
    maxUnhealthy: '33%',
  };

  const vars = m.variables;
  const variable = (i: number) => vars[i % vars.length];
  const boolVar = vars.find((v) => v.type === 'boolean');
  const strVar = vars.find((v) => v.type === 'string');
  const enabledIf = (p: Patch): string | undefined => {
    switch (p.enabledIf) {
      case 'bool':
        return boolVar ? `{{ .${boolVar.name} }}` : undefined;
      case 'eq':
        return strVar ? `{{ eq .${strVar.name} "beta" }}` : undefined;
      case 'worker':
        return '{{ if or .builtin.machineDeployment .builtin.machinePool }}true{{ end }}';
      case 'false':
        return '{{ if false }}true{{ end }}';
      default:
        return undefined;
    }
  };
  const selectorOf = (p: Patch): PlainObject | undefined => {
    switch (p.target) {
      case 'infrastructureCluster':
        return { apiVersion: INFRA, kind: infraRef.kind, matchResources: { infrastructureCluster: true } };
      case 'controlPlane':
        return { apiVersion: CP, kind: cpRef.kind, matchResources: { controlPlane: true } };
      case 'controlPlaneMachines':
        return cpMachinesRef
          ? { apiVersion: INFRA, kind: cpMachinesRef.kind, matchResources: { controlPlane: true } }
          : undefined;
      case 'md': {
        const names = p.classes.filter((c) => c < m.mdClasses).map(mdClassName);
        return names.length
          ? { apiVersion: INFRA, kind: mdInfra.kind, matchResources: { machineDeploymentClass: { names } } }
          : undefined;
      }
      case 'mp': {
        const names = p.classes.filter((c) => c < m.mpClasses).map(mpClassName);
        return names.length
          ? { apiVersion: INFRA, kind: mpInfra.kind, matchResources: { machinePoolClass: { names } } }
          : undefined;
      }
    }
  };
  const kcp = (p: Patch) => p.target === 'controlPlane' && m.kubeadm;
  const jsonPatch = (p: Patch, op: Op, j: number): PlainObject => {
    // a kubeadm control plane has a schema: its patches stay within fields it has
    const base = kcp(p) ? '/spec/template/spec/kubeadmConfigSpec' : '/spec/template/spec';
    const path = kcp(p) ? `${base}/users` : `${base}/${op.field}${j}`;
    const builtin = builtinsFor(m, p.target, op.builtin);
    const v = variable(op.variable);
    const value = (x: unknown) =>
      kcp(p) ? [{ name: typeof x === 'string' && x ? x : 'user', gecos: JSON.stringify(x ?? null) }] : x;
    switch (op.kind) {
      case 'literal':
        return { op: 'add', path, value: value(op.literal) };
      case 'variable':
        return kcp(p)
          ? { op: 'add', path, valueFrom: { template: `- name: user\n  gecos: '{{ .${v.name} | toJson }}'` } }
          : { op: 'add', path, valueFrom: { variable: v.type === 'object' ? `${v.name}.size` : v.name } };
      case 'builtin':
        return kcp(p)
          ? { op: 'add', path, valueFrom: { template: `- name: user\n  gecos: '{{ .${builtin} }}'` } }
          : { op: 'add', path, valueFrom: { variable: builtin } };
      case 'template':
        return {
          op: 'add',
          path,
          valueFrom: {
            template: kcp(p)
              ? `- name: '{{ .builtin.cluster.name }}'\n  gecos: '{{ .${v.name} }} {{ .${builtin} }}'`
              : `{{ .${v.name} }}-{{ .${builtin} }}-{{ .builtin.cluster.name | upper }}`,
          },
        };
      case 'templateObject':
        return {
          op: 'add',
          path,
          valueFrom: {
            template: kcp(p)
              ? `{{- range $i, $e := list "a" "b" }}\n- name: u{{ $i }}\n  gecos: {{ $e }}\n{{- end }}`
              : `value: {{ .${v.name} | toJson }}\nkeys: [{{ .builtin.cluster.name | quote }}, {{ len "${op.field}" }}]\nversion: '{{ .builtin.cluster.topology.version }}'`,
          },
        };
      case 'replace':
        return kcp(p)
          ? { op: 'replace', path: `${base}/preKubeadmCommands`, value: [`echo ${op.field}`] }
          : { op: 'replace', path: `${base}/keep`, value: value(op.literal) };
      case 'remove':
        return kcp(p) ? { op: 'remove', path: `${base}/files` } : { op: 'remove', path: `${base}/nested/a` };
      case 'append':
        return kcp(p)
          ? { op: 'add', path: `${base}/preKubeadmCommands/-`, value: `echo ${op.field}` }
          : { op: 'add', path: `${base}/list/-`, valueFrom: { variable: v.name } };
      case 'prepend':
        return kcp(p)
          ? {
              op: 'add',
              path: `${base}/preKubeadmCommands/0`,
              valueFrom: { template: '{{ .builtin.controlPlane.version }}' },
            }
          : { op: 'add', path: `${base}/list/0`, value: value(op.literal) };
      case 'yaml':
        // a kubeadm control plane's fields have types: these outputs go to generic templates only
        return kcp(p)
          ? { op: 'add', path, value: value(op.literal) }
          : { op: 'add', path, valueFrom: { template: YAML_OUTPUTS[op.pick % YAML_OUTPUTS.length] } };
      case 'sprig':
        return kcp(p)
          ? { op: 'add', path, value: value(op.literal) }
          : {
              op: 'add',
              path,
              valueFrom: {
                template: SPRIG_TEMPLATES[op.pick % SPRIG_TEMPLATES.length].replaceAll('VAR', v.name),
              },
            };
    }
  };
  const patches: PlainObject[] = [];
  m.patches.forEach((p, i) => {
    const selector = selectorOf(p);
    if (!selector) return;
    const cond = enabledIf(p);
    patches.push({
      name: `patch-${i}`,
      ...(cond ? { enabledIf: cond } : {}),
      definitions: [{ selector, jsonPatches: p.ops.map((op, j) => jsonPatch(p, op, j)) }],
    });
  });

  const local = (r: PlainObject | undefined) => (r ? { ref: r } : undefined);
  const clusterClass: PlainObject = {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'ClusterClass',
    metadata: { name: `${name}-class` },
    spec: {
      infrastructure: local(infraRef),
      ...(m.naming
        ? { infrastructureNamingStrategy: { template: '{{ .cluster.name }}-{{ .random }}-infra' } }
        : {}),
      controlPlane: {
        ref: cpRef,
        ...(cpMachinesRef ? { machineInfrastructure: local(cpMachinesRef) } : {}),
        ...(m.cpHealthCheck && cpMachinesRef ? { machineHealthCheck: mhc } : {}),
        ...(m.naming ? { namingStrategy: { template: 'cp-{{ .random }}-{{ .cluster.name }}' } } : {}),
        metadata: { labels: { 'class-cp': 'yes' } },
      },
      workers: {
        machineDeployments: Array.from({ length: m.mdClasses }, (_, i) => ({
          class: mdClassName(i),
          template: {
            bootstrap: local(mdBoot),
            infrastructure: local(mdInfra),
            metadata: { labels: { md: `${i}` } },
          },
          ...(i === 0
            ? {
                machineHealthCheck: mhc,
                minReadySeconds: 7,
                ...strategyOf(m.classWorker),
                ...extrasOf(m.classWorker, true),
              }
            : { strategy: { type: 'OnDelete' } }),
          ...(m.naming
            ? { namingStrategy: { template: '{{ .machineDeployment.topologyName }}-{{ .random }}' } }
            : {}),
        })),
        machinePools: Array.from({ length: m.mpClasses }, (_, i) => ({
          class: mpClassName(i),
          template: { bootstrap: local(mdBoot), infrastructure: local(mpInfra) },
          ...(i === 1 ? { failureDomains: ['fd-1'], nodeDrainTimeout: '90s' } : {}),
          ...(m.naming
            ? { namingStrategy: { template: '{{ .cluster.name }}-pool-{{ .machinePool.topologyName }}' } }
            : {}),
        })),
      },
      variables: vars.map((v) => ({
        name: v.name,
        required: v.required,
        schema: { openAPIV3Schema: variableSchema(v) },
      })),
      ...(patches.length ? { patches } : {}),
    },
  };
  docs.push(clusterClass);

  const overrides = (w: Worker) =>
    w.overrides ? { variables: { overrides: [{ name: vars[0].name, value: vars[0].override }] } } : {};
  const worker = (
    w: Worker,
    i: number,
    prefix: string,
    classes: number,
    className: (i: number) => string,
  ) => ({
    class: className(w.cls % classes),
    name: `${prefix}-${i}`,
    ...(w.replicas !== undefined ? { replicas: w.replicas } : {}),
    ...(w.label ? { metadata: { labels: { topo: prefix }, annotations: { note: `${i}` } } } : {}),
    ...overrides(w),
  });
  const mds =
    m.mdClasses > 0
      ? m.mds.map((w, i) => ({
          ...worker(w, i, 'md', m.mdClasses, mdClassName),
          ...(w.failureDomain ? { failureDomain: 'fd-t' } : {}),
          ...strategyOf(w),
          ...extrasOf(w, true),
          ...(w.healthCheck === 'off'
            ? { machineHealthCheck: { enable: false } }
            : w.healthCheck === 'own'
              ? {
                  machineHealthCheck: {
                    unhealthyConditions: [{ type: 'Ready', status: 'False', timeout: '90s' }],
                  },
                }
              : {}),
        }))
      : [];
  const mps =
    m.mpClasses > 0
      ? m.mps.map((w, i) => ({
          ...worker(w, i, 'mp', m.mpClasses, mpClassName),
          ...(w.failureDomain ? { failureDomains: ['fd-t'] } : {}),
          ...extrasOf(w, false),
        }))
      : [];
  const cpTopology =
    m.cpTopology === 'none'
      ? undefined
      : m.cpTopology === 'replicas'
        ? { replicas: 1 }
        : {
            replicas: 3,
            metadata: { labels: { 'class-cp': 'topology' }, annotations: { a: 'b' } },
            nodeDrainTimeout: '2m',
            variables: { overrides: [{ name: vars[0].name, value: vars[0].override }] },
          };
  const cluster: PlainObject = {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Cluster',
    metadata: {
      name,
      ...(m.uid ? { uid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}` } : {}),
    },
    spec: {
      ...(m.network
        ? { clusterNetwork: { pods: { cidrBlocks: ['10.0.0.0/16'] }, serviceDomain: 'example.local' } }
        : {}),
      topology: {
        class: `${name}-class`,
        version: m.version,
        ...(m.rolloutAfter ? { rolloutAfter: '2031-02-03T04:05:06Z' } : {}),
        ...(cpTopology ? { controlPlane: cpTopology } : {}),
        ...(mds.length || mps.length
          ? {
              workers: {
                ...(mds.length ? { machineDeployments: mds } : {}),
                ...(mps.length ? { machinePools: mps } : {}),
              },
            }
          : {}),
        variables: vars.filter((v) => v.set).map((v) => ({ name: v.name, value: v.value })),
      },
    },
  };
  return { name: `generated #${index}`, cluster, classDocs: docs };
}

/** The seeded cases. */
export function generatedCases(runs = RUNS, seed = SEED): GeneratedCase[] {
  return fc.sample(modelArb, { seed, numRuns: runs }).map(caseOf);
}
