/**
 * kyverno-json `scan` output: the text report (main's format, or v0.0.3's) and the JSON report,
 * byte for byte. Pure: takes responses, returns text.
 */

import { errorBody, type FieldError } from '../k8s/field.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import type { PolicyResponse, RuleResponse } from './engine.js';

export interface ResourceResponse {
  resource: unknown;
  policies: PolicyResponse[];
}

export type TextFormat = 'main' | 'v0.0.3';

function status(r: RuleResponse): string {
  if (r.error !== undefined) return `ERROR: ${r.error}`;
  return r.violations.length ? 'FAILED' : 'PASSED';
}

const CHECK_PREFIX = /^spec\.rules\[\d+\]\.assert\./;

/**
 * The text report's lines for one resource (part of what is between "Running ..." and "Done"),
 * each ended by a line break; '' when no rule applied. A scan writes it as soon as the resource
 * is evaluated, so responses do not pile up in memory.
 */
export function resourceText(response: ResourceResponse, format: TextFormat): string {
  let out = '';
  const policies = response.policies;
  for (let p = 0; p < policies.length; p++) {
    const policyName = policies[p].policy.name;
    const rules = policies[p].rules;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r];
      const violations = rule.violations;
      if (format === 'main') {
        const id = rule.identifier ? `, ID=${rule.identifier}` : '';
        out += `- ${status(rule)} (POLICY=${policyName}, RULE=${rule.ruleName}${id})\n`;
        for (let v = 0; v < violations.length; v++) {
          const violation = violations[v];
          if (violation.message) out += ` -> ${violation.message}\n`;
          const errors = violation.errors;
          for (let e = 0; e < errors.length; e++)
            out += `  -> ${errorBody(errors[e])} (PATH=${errors[e].field})\n`;
        }
      } else {
        out += `- ${policyName} / ${rule.ruleName} / ${rule.identifier} ${status(rule)}\n`;
        for (let v = 0; v < violations.length; v++) {
          const violation = violations[v];
          // v0.0.3 printed the assertion's own message, and paths relative to the assert block
          if (violation.text) out += `-> ${violation.text}\n`;
          const prefix = `${violation.check.replace(CHECK_PREFIX, '')}.check.`;
          const errors = violation.errors;
          for (let e = 0; e < errors.length; e++)
            out += ` -> ${prefix}${errors[e].field}: ${errorBody(errors[e])}\n`;
        }
      }
    }
  }
  return out;
}

export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

// --- JSON report, shaped like kyverno-json's Go structs

/** encoding/json: map keys sorted, HTML-sensitive characters escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(sortDeep(value), null, 2).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v instanceof GoStruct) {
    const out: PlainObject = {};
    for (const [k, x] of v.fields) out[k] = sortDeep(x);
    return out;
  }
  if (isPlainObject(v)) {
    const out: PlainObject = {};
    for (const k of Object.keys(v).sort()) {
      if (k === '__proto__') Object.defineProperty(out, k, { value: sortDeep(v[k]), enumerable: true });
      else out[k] = sortDeep(v[k]);
    }
    return out;
  }
  return v;
}

/** An object whose keys keep their declared order (a Go struct), unlike maps. */
class GoStruct {
  constructor(readonly fields: Array<[string, unknown]>) {}
}

/** Go struct fields: `omitempty` drops zero values; `omitnil` drops only a nil interface. */
function struct(fields: Array<[string, unknown, ('omitempty' | 'omitnil')?]>): GoStruct {
  return new GoStruct(
    fields.filter(([, v, omit]) => {
      if (!omit) return true;
      if (omit === 'omitnil') return v !== undefined && v !== null;
      if (v === undefined || v === null || v === '' || v === false) return false;
      if (Array.isArray(v) && v.length === 0) return false;
      return true;
    }) as Array<[string, unknown]>,
  );
}

const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const a = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

function metadataStruct(m: PlainObject): GoStruct {
  return struct([
    ['name', m.name, 'omitempty'],
    ['generateName', m.generateName, 'omitempty'],
    ['namespace', m.namespace, 'omitempty'],
    ['selfLink', m.selfLink, 'omitempty'],
    ['uid', m.uid, 'omitempty'],
    ['resourceVersion', m.resourceVersion, 'omitempty'],
    ['generation', m.generation || undefined, 'omitempty'],
    ['creationTimestamp', m.creationTimestamp ?? null],
    ['deletionTimestamp', m.deletionTimestamp, 'omitempty'],
    ['deletionGracePeriodSeconds', m.deletionGracePeriodSeconds, 'omitempty'],
    ['labels', isPlainObject(m.labels) && Object.keys(m.labels).length ? m.labels : undefined, 'omitempty'],
    [
      'annotations',
      isPlainObject(m.annotations) && Object.keys(m.annotations).length ? m.annotations : undefined,
      'omitempty',
    ],
    ['ownerReferences', m.ownerReferences, 'omitempty'],
    ['finalizers', m.finalizers, 'omitempty'],
    ['managedFields', m.managedFields, 'omitempty'],
  ]);
}

function matchStruct(m: unknown): GoStruct | undefined {
  if (!isPlainObject(m)) return undefined;
  return struct([
    ['compiler', m.compiler, 'omitempty'],
    ['any', a(m.any), 'omitempty'],
    ['all', a(m.all), 'omitempty'],
  ]);
}

function assertionStruct(x: unknown): GoStruct {
  const v = o(x);
  return struct([
    ['compiler', v.compiler, 'omitempty'],
    ['message', v.message, 'omitempty'],
    ['check', v.check ?? null],
  ]);
}

export function ruleStruct(r: PlainObject): GoStruct {
  const assert = o(r.assert);
  return struct([
    ['name', r.name ?? ''],
    ['compiler', r.compiler, 'omitempty'],
    [
      'context',
      a(r.context)?.map((c) =>
        struct([
          ['compiler', o(c).compiler, 'omitempty'],
          ['name', o(c).name ?? ''],
          ['variable', o(c).variable ?? null],
        ]),
      ),
      'omitempty',
    ],
    ['match', matchStruct(r.match), 'omitempty'],
    ['exclude', matchStruct(r.exclude), 'omitempty'],
    ['identifier', r.identifier, 'omitempty'],
    [
      'feedback',
      a(r.feedback)?.map((f) =>
        struct([
          ['compiler', o(f).compiler, 'omitempty'],
          ['name', o(f).name ?? ''],
          ['value', o(f).value, 'omitempty'],
        ]),
      ),
      'omitempty',
    ],
    [
      'assert',
      struct([
        ['compiler', assert.compiler, 'omitempty'],
        ['any', a(assert.any)?.map(assertionStruct), 'omitempty'],
        ['all', a(assert.all)?.map(assertionStruct), 'omitempty'],
      ]),
    ],
  ]);
}

export function policyStruct(p: PlainObject): GoStruct {
  const spec = o(p.spec);
  return struct([
    ['kind', p.kind, 'omitempty'],
    ['apiVersion', p.apiVersion, 'omitempty'],
    ['metadata', metadataStruct(o(p.metadata))],
    [
      'spec',
      struct([
        ['compiler', spec.compiler, 'omitempty'],
        ['rules', (a(spec.rules) ?? []).map((r) => ruleStruct(o(r)))],
      ]),
    ],
  ]);
}

function errorStruct(e: FieldError): GoStruct {
  return struct([
    ['type', e.type, 'omitempty'],
    ['field', e.field, 'omitempty'],
    ['value', e.badValue, 'omitnil'],
    ['detail', e.detail, 'omitempty'],
  ]);
}

/** `--output json`: the whole report, or `null` when there was no resource. */
export function jsonReport(responses: readonly ResourceResponse[]): string {
  if (responses.length === 0) return 'null';
  return goJson(
    responses.map((r) =>
      struct([
        ['resource', r.resource ?? null],
        [
          'results',
          r.policies.map((p) =>
            struct([
              ['policy', policyStruct(p.policy.raw)],
              [
                'rules',
                p.rules.map((rule) =>
                  struct([
                    ['rule', ruleStruct(rule.rule)],
                    ['identifier', rule.identifier, 'omitempty'],
                    ['error', rule.error, 'omitempty'],
                    [
                      'violations',
                      rule.violations.map((v) =>
                        struct([
                          ['message', v.message, 'omitempty'],
                          ['errors', v.errors.map(errorStruct), 'omitempty'],
                        ]),
                      ),
                      'omitempty',
                    ],
                  ]),
                ),
                'omitempty',
              ],
            ]),
          ),
          'omitempty',
        ],
      ]),
    ),
  );
}
