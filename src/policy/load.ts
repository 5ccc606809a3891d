/**
 * Reading ValidatingPolicies from YAML text: every document must be a
 * `json.kyverno.io/v1alpha1 ValidatingPolicy` whose fields are exactly those of the CRD
 * (unknown fields rejected, required ones present), reported with a path and a line.
 */

import type { SourceLocation } from '../util/errors.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { parseYamlSource, type SourceDocument } from '../util/yaml-source.js';

export interface LoadedPolicy {
  /** The policy as an ordinary JSON object. */
  raw: PlainObject;
  file: string;
  doc: SourceDocument;
}

export class PolicyLoadError extends Error {
  constructor(
    message: string,
    readonly location: SourceLocation,
    /** The message kyverno-json's loader prints for the same problem. */
    readonly upstreamMessage: string,
  ) {
    super(message);
  }
}

type Shape =
  | { t: 'object'; fields: Record<string, { shape: Shape; required?: boolean }> }
  | { t: 'map' } // string -> string
  | { t: 'string'; maxLength?: number; enum?: string[] }
  | { t: 'array'; items: Shape }
  | { t: 'any' }
  | { t: 'int' };

const S = (maxLength?: number): Shape => ({ t: 'string', maxLength });
const COMPILER: Shape = { t: 'string', enum: ['jp', 'cel'] };
const ANY: Shape = { t: 'any' };
const obj = (fields: Record<string, Shape | [Shape, 'required']>): Shape => ({
  t: 'object',
  fields: Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [
      k,
      Array.isArray(v) ? { shape: v[0], required: true } : { shape: v },
    ]),
  ),
});
const list = (items: Shape): Shape => ({ t: 'array', items });

const MATCH = obj({ compiler: COMPILER, any: list(ANY), all: list(ANY) });
const ASSERTION = obj({ compiler: COMPILER, message: S(), check: [ANY, 'required'] });
const RULE = obj({
  name: [S(63), 'required'],
  compiler: COMPILER,
  context: list(obj({ compiler: COMPILER, name: [S(), 'required'], variable: ANY })),
  match: MATCH,
  exclude: MATCH,
  identifier: S(),
  feedback: list(obj({ compiler: COMPILER, name: [S(), 'required'], value: ANY })),
  assert: [obj({ compiler: COMPILER, any: list(ASSERTION), all: list(ASSERTION) }), 'required'],
});
const METADATA = obj({
  name: S(),
  generateName: S(),
  namespace: S(),
  uid: S(),
  resourceVersion: S(),
  generation: { t: 'int' },
  creationTimestamp: ANY,
  deletionTimestamp: ANY,
  deletionGracePeriodSeconds: { t: 'int' },
  labels: { t: 'map' },
  annotations: { t: 'map' },
  ownerReferences: list(ANY),
  finalizers: list(S()),
  managedFields: list(ANY),
  selfLink: S(),
});
const POLICY = obj({
  apiVersion: [S(), 'required'],
  kind: [S(), 'required'],
  metadata: METADATA,
  spec: [obj({ compiler: COMPILER, rules: [list(RULE), 'required'] }), 'required'],
});

type Problem = { path: (string | number)[]; message: string; atKey?: boolean };

function check(v: unknown, shape: Shape, path: (string | number)[], out: Problem[]): void {
  if (shape.t === 'any') return;
  if (v === null || v === undefined) return; // null is "unset", as the API server reads it
  switch (shape.t) {
    case 'string':
      if (typeof v !== 'string') out.push({ path, message: `Invalid value: must be a string` });
      else if (shape.maxLength && v.length > shape.maxLength) {
        out.push({ path, message: `Too long: may not be longer than ${shape.maxLength}` });
      } else if (shape.enum && !shape.enum.includes(v)) {
        out.push({
          path,
          message: `Unsupported value: ${JSON.stringify(v)}: supported values: ${shape.enum.map((e) => JSON.stringify(e)).join(', ')}`,
        });
      }
      return;
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v))
        out.push({ path, message: 'Invalid value: must be an integer' });
      return;
    case 'map':
      if (!isPlainObject(v)) out.push({ path, message: 'Invalid value: must be a map of strings' });
      else
        for (const [k, x] of Object.entries(v))
          if (typeof x !== 'string')
            out.push({ path: [...path, k], message: 'Invalid value: must be a string' });
      return;
    case 'array':
      if (!Array.isArray(v)) out.push({ path, message: 'Invalid value: must be a list' });
      else for (const [i, x] of v.entries()) check(x, shape.items, [...path, i], out);
      return;
    case 'object': {
      if (!isPlainObject(v)) {
        out.push({ path, message: 'Invalid value: must be an object' });
        return;
      }
      for (const k of Object.keys(v)) {
        if (!Object.hasOwn(shape.fields, k))
          out.push({
            path: [...path, k],
            message: 'Invalid value: value provided for unknown field',
            atKey: true,
          });
      }
      for (const [k, f] of Object.entries(shape.fields)) {
        if (f.required && (v[k] === undefined || v[k] === null))
          out.push({ path: [...path, k], message: 'Required value' });
        else check(v[k], f.shape, [...path, k], out);
      }
    }
  }
}

/**
 * util/plain-object's toOrdinaryTree (a copy with ordinary objects, `__proto__` kept as a plain
 * own key), assigning keys rather than defining each one: the same properties, made faster.
 */
function ordinaryTree(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(ordinaryTree);
  if (!isPlainObject(v)) return v;
  const out: PlainObject = {};
  for (const k of Object.keys(v)) {
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: ordinaryTree(v[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[k] = ordinaryTree(v[k]);
  }
  return out;
}

function pathText(path: (string | number)[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Parses every document of a policy file; throws PolicyLoadError on the first bad one. */
export function parsePolicies(text: string, file: string): LoadedPolicy[] {
  const out: LoadedPolicy[] = [];
  // read as kyverno-json (and kubectl) read policy files: sigs.k8s.io/yaml (parseYamlSource's default)
  for (const doc of parseYamlSource(text, file)) {
    const v = doc.value;
    if (v === null || v === undefined) continue;
    const where = (path: (string | number)[], atKey = false): SourceLocation => {
      const pos = doc.locate(path, atKey);
      return { file, line: pos?.line, col: pos?.col, path: path.length ? pathText(path) : undefined };
    };
    if (!isPlainObject(v)) {
      throw new PolicyLoadError('a policy document must be an object', where([]), 'failed to parse document');
    }
    const apiVersion = typeof v.apiVersion === 'string' ? v.apiVersion : '';
    const kind = typeof v.kind === 'string' ? v.kind : '';
    if (apiVersion !== 'json.kyverno.io/v1alpha1' || kind !== 'ValidatingPolicy') {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
      const gvk = `${group}/${version}, Kind=${kind}`;
      throw new PolicyLoadError(
        `not a json.kyverno.io/v1alpha1 ValidatingPolicy (found ${kind || 'no kind'} ${apiVersion || 'without apiVersion'})`,
        where(['kind']),
        `policy type not supported ${gvk}`,
      );
    }
    const problems: Problem[] = [];
    check(v, POLICY, [], problems);
    if (problems.length > 0) {
      const p = problems[0];
      const ruleIndex =
        p.path[0] === 'spec' && p.path[1] === 'rules' && typeof p.path[2] === 'number'
          ? p.path[2]
          : undefined;
      const ruleName =
        ruleIndex !== undefined
          ? ((v.spec as PlainObject)?.rules as PlainObject[])?.[ruleIndex]?.name
          : undefined;
      const detail = `${pathText(p.path)}: ${p.message}`;
      throw new PolicyLoadError(
        `${detail}${typeof ruleName === 'string' ? ` (rule ${JSON.stringify(ruleName)})` : ''}`,
        where(p.path, p.atKey),
        `failed to parse document (${detail})`,
      );
    }
    out.push({ raw: ordinaryTree(v) as PlainObject, file, doc });
  }
  return out;
}
