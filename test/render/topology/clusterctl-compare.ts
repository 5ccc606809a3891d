/**
 * Comparing what clusterctl (Cluster API's topology engine, converted to v1beta2) and clustermint
 * render for one Cluster: objects are matched by their role in the topology, since generated
 * names end in random characters upstream and in hash-derived ones here, and then compared field
 * by field, every difference reported with the object, the JSON path and both values.
 *
 * Normalisation, the same on both sides:
 * - fields the API server sets (`status`, `metadata.resourceVersion`, `creationTimestamp`, `uid`,
 *   `generation`, `managedFields`, `selfLink`) are dropped;
 * - null values and empty maps are dropped, recursively through maps: clusterctl's dry run writes
 *   objects through a two-way JSON merge patch (nulls mean "remove") after a `dropDiff` that
 *   removes empty maps (the real controller applies them with server-side apply, which keeps
 *   empty maps);
 * - each generated name is replaced by its role (`<MachineDeployment md-0>`) wherever it appears,
 *   as a whole string or inside one (a builtin's value in a template); the names themselves are
 *   checked apart: equal except for one window of at most five characters of apimachinery's
 *   random alphabet (`{{ .random }}`).
 *
 * On clusterctl's side only: an owner reference to a Cluster API kind names the v1beta1 API
 * version clusterctl v1.10 serves; the v1.13 engine clustermint follows writes v1beta2 there.
 */
import { isPlainObject, type PlainObject } from '../../../src/util/plain-object.js';

export interface Difference {
  object: string;
  path: string;
  clusterctl: unknown;
  clustermint: unknown;
}

/** A known, documented difference between Cluster API v1.10 (clusterctl) and v1.13 (clustermint). */
export interface AllowedDifference<Input = unknown> {
  name: string;
  reason: string;
  /** Whether the difference is this one, given the case's input. */
  matches(d: Difference, input: Input): boolean;
}

/** A known, documented input Cluster API v1.10 refuses and v1.13 (clustermint) accepts. */
export interface AllowedRefusal {
  name: string;
  reason: string;
  matches(clusterctlError: string): boolean;
}

const SERVER_META = [
  'resourceVersion',
  'creationTimestamp',
  'uid',
  'generation',
  'managedFields',
  'selfLink',
];
const RANDOM_ALPHABET = /^[bcdfghjklmnpqrstvwxz2456789]*$/;

const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/**
 * Drops null values and empty maps below maps (not inside lists), as clusterctl's dry run does:
 * `dropDiff` removes empty maps, and the JSON merge patch it creates objects with removes nulls.
 */
function dropEmptyMaps(v: PlainObject): PlainObject {
  for (const k of Object.keys(v)) {
    const c = v[k];
    if (c === null) delete v[k];
    else if (isPlainObject(c)) {
      dropEmptyMaps(c);
      if (Object.keys(c).length === 0) delete v[k];
    }
  }
  return v;
}

function normaliseObject(obj: PlainObject, side: 'clusterctl' | 'clustermint'): PlainObject {
  const out = structuredClone(obj);
  delete out.status;
  const meta = o(out.metadata);
  for (const k of SERVER_META) delete meta[k];
  if (side === 'clusterctl' && Array.isArray(meta.ownerReferences))
    for (const ref of meta.ownerReferences as PlainObject[])
      if (s(ref.apiVersion) === 'cluster.x-k8s.io/v1beta1') ref.apiVersion = 'cluster.x-k8s.io/v1beta2';
  return dropEmptyMaps(out);
}

/** A reference in either shape (v1beta2 `{apiGroup, kind, name}` or v1beta1 `{apiVersion, ...}`). */
function refKey(ref: unknown): string | undefined {
  const r = o(ref);
  if (!r.kind || !r.name) return undefined;
  const group = r.apiGroup !== undefined ? s(r.apiGroup) : groupOf(s(r.apiVersion));
  return `${group}/${s(r.kind)}/${s(r.name)}`;
}
const objectKey = (x: PlainObject) => `${groupOf(s(x.apiVersion))}/${s(x.kind)}/${s(o(x.metadata).name)}`;

/** The objects by role; `names` maps each generated name to its role. */
export interface RoleMap {
  objects: Map<string, PlainObject>;
  names: Map<string, string>;
}

const DEPLOYMENT_LABEL = 'topology.cluster.x-k8s.io/deployment-name';
const POOL_LABEL = 'topology.cluster.x-k8s.io/pool-name';

export function assignRoles(objects: readonly PlainObject[]): RoleMap {
  const byKey = new Map(objects.map((x) => [objectKey(x), x]));
  const left = new Set(objects);
  const roles = new Map<string, PlainObject>();
  const names = new Map<string, string>();
  const take = (role: string, x: PlainObject | undefined, generated = true) => {
    if (!x || !left.has(x)) return;
    left.delete(x);
    roles.set(role, x);
    const name = s(o(x.metadata).name);
    if (generated && name && !names.has(name)) names.set(name, role);
  };
  const byRef = (ref: unknown) => {
    const k = refKey(ref);
    return k ? byKey.get(k) : undefined;
  };
  const mhcOf = (target: PlainObject | undefined) =>
    target
      ? objects.find((x) => x.kind === 'MachineHealthCheck' && o(x.metadata).name === o(target.metadata).name)
      : undefined;

  const cluster = objects.find(
    (x) => x.kind === 'Cluster' && groupOf(s(x.apiVersion)) === 'cluster.x-k8s.io',
  );
  take('Cluster', cluster, false);
  const spec = o(cluster?.spec);
  take(
    'cluster shim Secret',
    objects.find((x) => x.kind === 'Secret' && s(o(x.metadata).name).endsWith('-shim')),
    false,
  );
  take('infrastructure cluster', byRef(spec.infrastructureRef));
  const cp = byRef(spec.controlPlaneRef);
  take('control plane', cp);
  const mt = o(o(cp?.spec).machineTemplate);
  take('control plane machine template', byRef(o(mt.spec).infrastructureRef ?? mt.infrastructureRef));
  take('control plane MachineHealthCheck', mhcOf(cp), false);
  for (const x of objects) {
    const labels = o(o(x.metadata).labels);
    if (x.kind === 'MachineDeployment' && typeof labels[DEPLOYMENT_LABEL] === 'string') {
      const role = `MachineDeployment ${labels[DEPLOYMENT_LABEL]}`;
      take(role, x);
      const ms = o(o(o(x.spec).template).spec);
      take(`${role} bootstrap template`, byRef(o(ms.bootstrap).configRef));
      take(`${role} infrastructure template`, byRef(ms.infrastructureRef));
      take(`${role} MachineHealthCheck`, mhcOf(x), false);
    }
    if (x.kind === 'MachinePool' && typeof labels[POOL_LABEL] === 'string') {
      const role = `MachinePool ${labels[POOL_LABEL]}`;
      take(role, x);
      const ms = o(o(o(x.spec).template).spec);
      take(`${role} bootstrap config`, byRef(o(ms.bootstrap).configRef));
      take(`${role} infrastructure machine pool`, byRef(ms.infrastructureRef));
    }
  }
  for (const x of left) take(`unexpected ${s(x.kind)} ${s(o(x.metadata).name)}`, x, false);
  return { objects: roles, names };
}

/** Every generated name in a string (a whole value or part of one, from a builtin) -> its role. */
function nameReplacer(names: Map<string, string>): (s: string) => string {
  if (names.size === 0) return (s) => s;
  const escaped = [...names.keys()]
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(escaped.join('|'), 'g');
  return (s) => s.replace(re, (n) => `<${names.get(n)}>`);
}

function replaceNames(v: unknown, replace: (s: string) => string): unknown {
  if (typeof v === 'string') return replace(v);
  if (Array.isArray(v)) return v.map((x) => replaceNames(x, replace));
  if (isPlainObject(v)) {
    const out: PlainObject = {};
    for (const k of Object.keys(v)) out[k] = replaceNames(v[k], replace);
    return out;
  }
  return v;
}

/** Equal but for one window of at most 5 characters of the random alphabet. */
export function namesAgree(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  let first = -1;
  let last = -1;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i]) {
      if (first < 0) first = i;
      last = i;
    }
  if (last - first >= 5) return false;
  // some window of 5 covering every difference is random characters on both sides
  for (let start = Math.max(0, last - 4); start <= Math.min(first, a.length - 5); start++) {
    const window = (x: string) => x.slice(start, start + 5);
    if (RANDOM_ALPHABET.test(window(a)) && RANDOM_ALPHABET.test(window(b))) return true;
  }
  return false;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const step = (path: string, key: string | number) =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : IDENT.test(key)
      ? path
        ? `${path}.${key}`
        : key
      : `${path}[${JSON.stringify(key)}]`;

function diffValues(a: unknown, b: unknown, path: string, out: Array<[string, unknown, unknown]>): void {
  // a map on one side only is compared with an empty one: each of its fields is a difference
  if ((isPlainObject(a) || a === undefined) && (isPlainObject(b) || b === undefined) && a !== b) {
    a = a ?? {};
    b = b ?? {};
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) diffValues(a[k], b[k], step(path, k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) diffValues(a[i], b[i], step(path, i), out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push([path || '(whole object)', a, b]);
}

/** Every difference between clusterctl's objects (v1beta2) and clustermint's. */
export function compareRenders(
  clusterctlObjects: readonly PlainObject[],
  clustermintObjects: readonly PlainObject[],
): Difference[] {
  const ref = assignRoles(clusterctlObjects.map((x) => normaliseObject(x, 'clusterctl')));
  const ours = assignRoles(clustermintObjects.map((x) => normaliseObject(x, 'clustermint')));
  const diffs: Difference[] = [];
  const roles = [...new Set([...ref.objects.keys(), ...ours.objects.keys()])].sort();
  for (const role of roles) {
    const a = ref.objects.get(role);
    const b = ours.objects.get(role);
    if (!a || !b) {
      diffs.push({
        object: role,
        path: '(object)',
        clusterctl: a ? 'present' : 'absent',
        clustermint: b ? 'present' : 'absent',
      });
      continue;
    }
    const nameA = s(o(a.metadata).name);
    const nameB = s(o(b.metadata).name);
    if (!namesAgree(nameA, nameB))
      diffs.push({ object: role, path: 'metadata.name', clusterctl: nameA, clustermint: nameB });
    const found: Array<[string, unknown, unknown]> = [];
    const strip = (x: PlainObject, names: Map<string, string>) => {
      const c = replaceNames(x, nameReplacer(names)) as PlainObject;
      delete o(c.metadata).name;
      return c;
    };
    diffValues(strip(a, ref.names), strip(b, ours.names), '', found);
    for (const [path, x, y] of found) diffs.push({ object: role, path, clusterctl: x, clustermint: y });
  }
  return diffs;
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

export function formatDifferences(caseName: string, diffs: readonly Difference[]): string {
  return [
    `${caseName}: ${diffs.length} difference(s)`,
    ...diffs.map(
      (d) =>
        `  ${d.object} ${d.path}\n      clusterctl:  ${show(d.clusterctl)}\n      clustermint: ${show(d.clustermint)}`,
    ),
  ].join('\n');
}
